"""guard: act on the scope policy's decision; only allowed, well-formed plans reach a tool."""

from __future__ import annotations

from typing import Any

from agent.scope import Decision, escalation_for, partial_note
from agent.state import State
from tools.registry import TOOLS


def guard(state: State) -> dict[str, Any]:
    """Refuse writes and injections, escalate out-of-scope work, vet the plan otherwise.

    classify took the decision (the policy runs once per request) and, on a partial request
    ("win rate by region, then email the worst reps"), planned the analysis part only; its
    escalation is recorded here, since the run goes on to execute rather than to escalate.
    """
    decision = state.decision
    if decision is None:
        raise ValueError("guard expects classify to have decided on the request")
    if decision.action in ("refuse", "escalate"):
        return {}
    update: dict[str, Any] = {}
    if decision.action == "partial":
        update = {"escalation": escalation_for(decision),
                  "escalation_note": partial_note(
                      decision, asked_back=state.clarification is not None)}
    if state.plan is not None and state.plan.tool not in TOOLS:
        return {"decision": Decision("refuse", "unknown_tool",
                                     f"there is no tool named {state.plan.tool}")}
    return update
