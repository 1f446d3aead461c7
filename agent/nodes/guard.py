"""guard: apply the scope policy; only allowed, well-formed plans reach a tool."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context
from agent.state import State
from protocols.scope import Decision, decide
from tools.registry import TOOLS


def guard(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Refuse writes and injections, escalate out-of-scope work, vet the plan otherwise."""
    decision = decide(state.question)
    if decision.action != "allow":
        return {"decision": decision}
    if state.plan is not None and state.plan.tool not in TOOLS:
        return {"decision": Decision("refuse", "unknown_tool",
                                     f"there is no tool named {state.plan.tool}")}
    return {"decision": decision}
