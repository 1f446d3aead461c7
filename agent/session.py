"""What a CLI or service session shares between questions: the model client and the thread
store. Both are built once per process and injected into every run (never module globals)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MODEL_KEYS = ("OPENAI_API_KEY", "REVOPS_LLM_API_KEY", "REVOPS_LLM_BASE_URL", "OPENAI_BASE_URL")
"""Any of these set means a model is configured (agent/llm/settings.py reads them)."""


def data_dir() -> Path:
    """Return the per-user data directory (warehouse, threads, task store)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("revops-agent", appauthor=False))


def warehouse_path() -> Path:
    """Return $REVOPS_DB or the per-user default warehouse path."""
    env = os.environ.get("REVOPS_DB", "").strip()
    return Path(env).expanduser() if env else data_dir() / "revops.duckdb"


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(value: str) -> bool:
    """True for a postgresql:// or postgres:// URL (the thread store is then Postgres)."""
    return value.strip().lower().startswith(POSTGRES_SCHEMES)


def threads_path() -> Path | str:
    """Return $REVOPS_THREADS_DB or the per-user conversation store.

    A Postgres URL is returned as the string it is: a Path would fold its "//"."""
    env = os.environ.get("REVOPS_THREADS_DB", "").strip()
    if is_postgres_url(env):
        return env
    return Path(env).expanduser() if env else data_dir() / "threads.sqlite"


def make_llm() -> Any:
    """Return an LLMClient when a model is configured (OPENAI_API_KEY or REVOPS_LLM_BASE_URL),
    else None: the rules path, which never imports langchain-openai."""
    if not any(os.environ.get(k, "").strip() for k in MODEL_KEYS):
        return None  # the common case: no settings library loaded for nothing
    from agent.llm.settings import LLMSettings

    settings = LLMSettings()
    if not settings.configured:
        return None
    from agent.llm.client import LLMClient

    return LLMClient(settings)
