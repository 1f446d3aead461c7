"""What a CLI or service session shares between questions: the model client and the thread
store. Both are built once per process and injected into every run (never module globals)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from platformdirs import user_data_dir

if TYPE_CHECKING:  # typing only: the model client's libraries load only when one is configured
    from agent.llm.client import LLMClient

MODEL_KEYS = ("OPENAI_API_KEY", "REVOPS_LLM_API_KEY", "REVOPS_LLM_BASE_URL", "OPENAI_BASE_URL")
"""Any of these set means a model is configured (agent/llm/settings.py reads them)."""


def data_dir() -> Path:
    """Return the per-user data directory (warehouse, threads, task store)."""
    return Path(user_data_dir("revops-agent", appauthor=False))


def warehouse_path() -> Path:
    """Return $REVOPS_DB or the per-user default warehouse path."""
    env = os.environ.get("REVOPS_DB", "").strip()
    return Path(env).expanduser() if env else data_dir() / "revops.duckdb"


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(value: str) -> bool:
    """True for a postgresql:// or postgres:// URL (the thread store is then Postgres)."""
    return value.strip().lower().startswith(POSTGRES_SCHEMES)


def redacted_url(url: str) -> str:
    """The URL without its password, fit for an error message."""
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


def await_turn(try_lock: Callable[[], bool], *, pause: float = 0.05,
               timeout: float = 300.0) -> None:
    """Call `try_lock` (a pg_try_advisory_lock) until it succeeds.

    Polling instead of a blocking pg_advisory_lock: a session blocked in a lock request holds a
    snapshot for as long as it waits, and a CREATE INDEX CONCURRENTLY run by the lock's holder
    (LangGraph's checkpoint migrations do that) waits for it: the two would wait for each other.
    """
    deadline = time.monotonic() + timeout
    while not try_lock():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no turn at the schema lock within {timeout:.0f} s")
        time.sleep(pause)


def threads_path() -> Path | str:
    """Return $REVOPS_THREADS_DB or the per-user conversation store.

    A Postgres URL is returned as the string it is: a Path would fold its "//"."""
    env = os.environ.get("REVOPS_THREADS_DB", "").strip()
    if is_postgres_url(env):
        return env
    return Path(env).expanduser() if env else data_dir() / "threads.sqlite"


def make_llm() -> LLMClient | None:
    """Return an LLMClient when a model is configured (OPENAI_API_KEY or REVOPS_LLM_BASE_URL),
    else None: the rules path, which never imports langchain-openai."""
    if not any(os.environ.get(k, "").strip() for k in MODEL_KEYS):
        return None  # the common case: no settings library loaded for nothing
    # only when a model is configured (the rules path never loads it)
    from agent.llm.settings import LLMSettings

    settings = LLMSettings()
    if not settings.configured:
        return None
    from agent.llm.client import LLMClient  # as above

    return LLMClient(settings)
