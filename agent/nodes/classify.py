"""classify: question -> plan (tool + typed params) or a clarifying question."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context
from agent.parser.parse import parse_question
from agent.plan import Clarification
from agent.state import State


def classify(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Run the rules parser against the warehouse's calendar and entity values."""
    wh = runtime.context.warehouse
    assert state.as_of is not None, "intake sets as_of"
    outcome = parse_question(state.question, as_of=state.as_of, calendar=wh.settings.calendar,
                             index=wh.entities)
    if isinstance(outcome, Clarification):
        return {"clarification": outcome}
    return {"plan": outcome}
