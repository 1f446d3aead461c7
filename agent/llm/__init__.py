"""The optional LLM path: settings, a resilient client, the planner and the grounding check.

This package's `__init__` imports nothing, so the rules path (which only needs
`agent.llm.usage` for the response contract) never loads pydantic-settings, tenacity,
langchain_openai or openai; `LLMClient` loads the SDK on its first call.
"""
