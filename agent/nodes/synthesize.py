"""synthesize: the answer paragraph, written from the tool result only."""

from __future__ import annotations

from typing import Any

from agent.answer import compose
from agent.state import State


def synthesize(state: State) -> dict[str, Any]:
    """Compose the template answer (the optional LLM path arrives in a later issue)."""
    assert state.result is not None and state.plan is not None
    return {"answer": compose(state.result, state.plan)}
