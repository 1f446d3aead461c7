"""escalate: hand an out-of-scope request (or the out-of-scope part of one) to its owner."""

from __future__ import annotations

from typing import Any

from agent.scope import escalation_for
from agent.state import State


def escalate(state: State) -> dict[str, Any]:
    """Record the escalation; the task store puts it in the outbox for durable delivery."""
    d = state.decision
    assert d is not None
    escalation = escalation_for(d)
    answer = (f"This is outside revenue operations analytics, so I have escalated it to "
              f"{d.target} ({d.category.replace('_', ' ') if d.category else ''}): {d.reason}")
    return {"escalation": escalation, "answer": answer}
