"""What a CLI or service session shares between questions: the model client and the thread
store. Both are built once per process and injected into every run (never module globals)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tools.settings import LLMSettings

if TYPE_CHECKING:  # typing only: the model client's libraries load only when one is configured
    from agent.llm.client import LLMClient


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


def open_pool(url: str, *, what: str, error: type[Exception], max_size: int,
              prepare_threshold: int | None) -> Any:
    """Open a psycopg ConnectionPool on a PostgreSQL URL (the state database, the thread store).

    One direct connection is tried first: a pool that cannot connect only reports a timeout,
    while this surfaces libpq's reason (bad URL, refused, authentication failed). Failures are
    `error("cannot open the <what> <url without password>: <libpq's first line>")`. Pooled
    connections autocommit, return dict rows and time out connecting after 10 s unless the URL
    says otherwise; `prepare_threshold` 0 or None (no server-side prepared statements, which
    PgBouncer cannot carry) is the caller's choice.
    """
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool
    except ImportError:
        raise error(f"a PostgreSQL {what} needs the postgres extra: "
                    "pip install 'revops-agent[postgres]'") from None
    where = redacted_url(url)
    try:
        timeout: dict[str, Any] = ({} if "connect_timeout" in conninfo_to_dict(url)
                                   else {"connect_timeout": 10})
        psycopg.connect(url, **timeout).close()
    except psycopg.Error as exc:
        reason = first_line(exc).replace(url, where)  # libpq may echo the URL, password too
        raise error(f"cannot open the {what} {where}: {reason}") from None
    pool = ConnectionPool(url, min_size=1, max_size=max_size, open=False,
                          name=f"revops-{what.replace(' ', '-')}",
                          kwargs={"autocommit": True, "row_factory": dict_row,
                                  "prepare_threshold": prepare_threshold, **timeout})
    try:
        pool.open(wait=True, timeout=30)
    except psycopg.Error as exc:
        pool.close()
        raise error(f"cannot open the {what} {where}: {first_line(exc)}") from None
    return pool


def make_llm(settings: LLMSettings) -> LLMClient | None:
    """Return an LLMClient when a model is configured (an API key or a base URL), else None:
    the rules path, which never imports langchain-openai."""
    if not settings.configured:
        return None
    from agent.llm.client import LLMClient  # only when a model is configured

    return LLMClient(settings)
