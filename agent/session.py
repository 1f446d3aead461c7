"""What a CLI or service session shares between questions: the model client and the thread
store. Both are built once per process and injected into every run (never module globals)."""

from __future__ import annotations

from typing import Any

from tools.settings import LLMSettings


def redacted_url(url: str) -> str:
    """The URL without its password, fit for an error message."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return parts._replace(netloc=netloc).geturl()
    except ValueError:
        return "(the configured Postgres URL)"


def first_line(exc: Exception) -> str:
    """The first line of an exception's message (libpq's are several lines long)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def make_llm(settings: LLMSettings) -> Any:
    """Return an LLMClient when a model is configured (an API key or a base URL), else None:
    the rules path, which never imports langchain-openai."""
    if not settings.configured:
        return None
    from agent.llm.client import LLMClient

    return LLMClient(settings)
