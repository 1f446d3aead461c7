"""escalate: hand an out-of-scope request (or the out-of-scope part of one) to its owner."""

from __future__ import annotations

import uuid
from typing import Any

from agent.scope import Decision
from agent.state import State


def escalation_for(d: Decision) -> dict[str, str]:
    """The escalation record of an escalate or partial decision (EscalationOut's fields)."""
    if d.target is None or d.category is None:
        raise ValueError(f"decision {d.action!r} names no escalation target")
    return {"escalation_id": uuid.uuid4().hex, "target": d.target, "category": d.category,
            "reason": d.reason}


def partial_note(d: Decision) -> str:
    """The sentence a partial answer ends with: what was escalated, to whom, and why."""
    assert d.category is not None
    return (f"I answered the analysis only; '{d.out_of_scope}' is "
            f"{d.category.replace('_', ' ')}, so I escalated it to {d.target}.")


def escalate(state: State) -> dict[str, Any]:
    """Record the escalation; the task store puts it in the outbox for durable delivery."""
    d = state.decision
    assert d is not None
    escalation = escalation_for(d)
    answer = (f"This is outside revenue operations analytics, so I have escalated it to "
              f"{d.target} ({d.category.replace('_', ' ') if d.category else ''}): {d.reason}")
    return {"escalation": escalation, "answer": answer}
