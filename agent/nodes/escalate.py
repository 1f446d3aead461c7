"""escalate: hand an out-of-scope request to the agent that owns it."""

from __future__ import annotations

import uuid
from typing import Any

from agent.state import State


def escalate(state: State) -> dict[str, Any]:
    """Record the escalation (durable delivery through the outbox comes in a later issue)."""
    d = state.decision
    assert d is not None and d.target and d.category
    escalation = {"escalation_id": uuid.uuid4().hex, "target": d.target,
                  "category": d.category, "reason": d.reason}
    answer = (f"This is outside revenue operations analytics, so I have escalated it to "
              f"{d.target} ({d.category.replace('_', ' ')}): {d.reason}")
    return {"escalation": escalation, "answer": answer}
