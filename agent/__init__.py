"""The RevOps agent: a LangGraph state machine over deterministic DuckDB metric tools."""
