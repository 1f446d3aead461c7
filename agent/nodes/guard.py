"""guard: apply the scope policy; only allowed, well-formed plans reach a tool."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context
from agent.nodes.classify import classify
from agent.nodes.escalate import escalation_for, partial_note
from agent.scope import Decision, decide
from agent.state import State
from tools.registry import TOOLS


def guard(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Refuse writes and injections, escalate out-of-scope work, vet the plan otherwise.

    A partial request ("win rate by region, then email the worst reps") is re-planned on its
    analysis part alone (classify ran on the whole request), and its escalation is recorded
    here, since the run goes on to execute rather than to the escalate node.
    """
    decision = decide(state.question)
    update: dict[str, Any] = {"decision": decision}
    if decision.action in ("refuse", "escalate"):
        return update
    if decision.action == "partial":
        assert decision.in_scope is not None
        planned = classify(replace(state, question=decision.in_scope, plan=None,
                                   clarification=None), runtime)
        update |= {"plan": None, "clarification": None, **planned,
                   "question_in_scope": decision.in_scope,
                   "escalation": escalation_for(decision),
                   "escalation_note": partial_note(decision)}
    plan = update.get("plan", state.plan)
    if plan is not None and plan.tool not in TOOLS:
        return {"decision": Decision("refuse", "unknown_tool",
                                     f"there is no tool named {plan.tool}")}
    return update
