"""Answer one question in-process: the function the CLI, benchmarks and servers call."""

from __future__ import annotations

import enum
import inspect
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from pydantic import BaseModel

from agent import plan, response, scope
from agent.context import Context, Warehouse
from agent.graph import build_graph, graph
from agent.response import AgentResponse
from agent.session import await_turn, open_pool
from agent.session import first_line as _first_line
from agent.session import redacted_url as _redacted
from tools import base
from tools.settings import is_postgres_url

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres import PostgresSaver
    from langgraph.checkpoint.sqlite import SqliteSaver

    from agent.llm.client import LLMClient  # typing only: loaded when a model is configured


def ask(warehouse: Warehouse, question: str, *, as_of: date | None = None,
        request_id: str | None = None, thread_id: str | None = None,
        checkpointer: BaseCheckpointSaver | None = None, llm: LLMClient | None = None,
        requester: dict[str, Any] | None = None) -> AgentResponse:
    """Run the graph once and return its AgentResponse.

    With a thread id and a checkpointer the run continues a conversation: follow-ups ("and by
    region?") are read against the thread's previous question. `llm` is an LLMClient or None.
    """
    payload = {"question": question, "as_of": as_of, "request_id": request_id,
               "requester": requester}
    context = Context(warehouse=warehouse, llm=llm)
    if thread_id is None:
        out = graph.invoke(payload, context=context)
    else:
        if checkpointer is None:
            raise ValueError("a thread needs a checkpointer (see open_threads)")
        threaded = build_graph().compile(checkpointer=checkpointer, name="revops")
        out = threaded.invoke(payload, {"configurable": {"thread_id": thread_id}},
                              context=context)
    response = out["response"]
    assert isinstance(response, AgentResponse)
    return response


THREADS_SCHEMA_LOCK = 0x7468726561647300  # "threads": the advisory lock held while migrating


class ThreadStoreError(RuntimeError):
    """The configured thread store cannot be opened (bad URL, server down, extra missing)."""


def open_threads(path: Path | str) -> SqliteSaver | PostgresSaver:
    """Return the checkpointer for conversation threads and interrupted clarifications.

    A file path (or ":memory:") is a SQLite file, created on demand; a postgresql:// or
    postgres:// URL is a Postgres database, so several processes or hosts share one store.
    Either way close it with `saver.conn.close()` (a sqlite3 connection or a psycopg pool).
    Raises ThreadStoreError when the store cannot be opened.
    """
    # conversations only: a one-off question never loads the checkpointers
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serde = JsonPlusSerializer(allowed_msgpack_modules=state_types())
    if is_postgres_url(str(path)):
        return _open_postgres(str(path), serde)
    from langgraph.checkpoint.sqlite import SqliteSaver  # as above

    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    import sqlite3  # start-up time: a one-off question never opens a thread store

    saver = SqliteSaver(sqlite3.connect(str(path), check_same_thread=False), serde=serde)
    saver.setup()
    return saver


def _open_postgres(url: str, serde: Any) -> PostgresSaver:
    """A PostgresSaver over a small pool (the service answers from several threads); the pool's
    connections are what PostgresSaver requires: autocommit (it manages no transactions), dict
    rows, and no server-side prepared statements (safe behind PgBouncer)."""
    pool = open_pool(url, what="thread store", error=ThreadStoreError, max_size=4,
                     prepare_threshold=0)
    import psycopg  # the optional postgres extra, importable: open_pool checked

    try:
        from langgraph.checkpoint.postgres import PostgresSaver
    except ImportError:
        pool.close()
        raise ThreadStoreError("a PostgreSQL thread store needs the postgres extra: "
                               "pip install 'revops-agent[postgres]'") from None

    where = _redacted(url)
    try:
        saver = PostgresSaver(pool, serde=serde)
        with pool.connection() as lock:
            # Replicas starting together would race through the saver's migrations (a
            # duplicate-key error for all but one): they take turns under an advisory lock.
            # Polled, not waited for: a migration builds an index CONCURRENTLY, which waits
            # for every statement running elsewhere, a blocked lock request included.
            await_turn(lambda: lock.execute("select pg_try_advisory_lock(%s) as got",
                                            (THREADS_SCHEMA_LOCK,)).fetchone()["got"])
            try:
                saver.setup()
            finally:
                lock.execute("select pg_advisory_unlock(%s)", (THREADS_SCHEMA_LOCK,))
    except (psycopg.Error, TimeoutError) as exc:  # PoolTimeout included
        pool.close()
        raise ThreadStoreError(f"cannot set up the thread store {where}: {_first_line(exc)}") \
            from None
    return saver


def state_types() -> list[tuple[str, str]]:
    """The classes graph state holds, the only ones a checkpoint may rebuild (no arbitrary
    types from a tampered file)."""
    found = []
    for module in (plan, response, scope, base):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and (
                    issubclass(cls, BaseModel | enum.Enum) or hasattr(cls, "__dataclass_fields__")):
                found.append((cls.__module__, cls.__name__))
    return found
