"""Prompt texts for the optional LLM path (plain files, loaded by name).

The rules path never imports this package's consumers; prompts arrive with the LLM issue.
"""

from importlib import resources


def load_prompt(name: str) -> str:
    """Return the text of prompts/<name>.md."""
    return resources.files(__name__).joinpath(f"{name}.md").read_text("utf-8")
