"""Answer one question in-process: the function the CLI, benchmarks and servers call."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from agent.context import Context, Warehouse
from agent.graph import build_graph, graph
from protocols.messages import AgentResponse


def ask(warehouse: Warehouse, question: str, *, as_of: date | None = None,
        request_id: str | None = None, thread_id: str | None = None,
        checkpointer: BaseCheckpointSaver | None = None, llm: Any = None,
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


def open_threads(path: Path | str) -> BaseCheckpointSaver:
    """Return a SQLite checkpointer for conversation threads (the file is created on demand)."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
    from langgraph.checkpoint.sqlite import SqliteSaver

    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    serde = JsonPlusSerializer(allowed_msgpack_modules=state_types())
    saver = SqliteSaver(sqlite3.connect(str(path), check_same_thread=False), serde=serde)
    saver.setup()
    return saver


def state_types() -> list[tuple[str, str]]:
    """The classes graph state holds, the only ones a checkpoint may rebuild (no arbitrary
    types from a tampered file)."""
    import enum
    import inspect

    from pydantic import BaseModel

    from agent import plan
    from protocols import messages, scope
    from tools import base

    found = []
    for module in (plan, messages, scope, base):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and (
                    issubclass(cls, BaseModel | enum.Enum) or hasattr(cls, "__dataclass_fields__")):
                found.append((cls.__module__, cls.__name__))
    return found
