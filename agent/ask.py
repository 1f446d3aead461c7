"""Answer one question in-process: the function the CLI, benchmarks and servers call."""

from __future__ import annotations

from datetime import date

from agent.context import Context, Warehouse
from agent.graph import graph
from protocols.messages import AgentResponse


def ask(warehouse: Warehouse, question: str, *, as_of: date | None = None,
        request_id: str | None = None) -> AgentResponse:
    """Run the graph once and return its AgentResponse."""
    out = graph.invoke({"question": question, "as_of": as_of, "request_id": request_id},
                       context=Context(warehouse=warehouse))
    response = out["response"]
    assert isinstance(response, AgentResponse)
    return response
