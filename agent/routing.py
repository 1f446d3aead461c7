"""Routers: pure functions of the state, typed by where they may go."""

from __future__ import annotations

from typing import Literal

from agent.state import State


def route_after_guard(state: State) -> Literal["execute", "escalate", "respond"]:
    """Escalate out-of-scope requests, answer refusals and clarifications, run plans.

    A partial request runs its analysis part (its escalation was recorded by guard).
    """
    if state.decision is None:
        raise ValueError(f"{route_after_guard.__name__} expects guard to have decided")
    if state.decision.action == "escalate":
        return "escalate"
    if state.decision.action == "refuse" or state.plan is None:
        return "respond"
    return "execute"


def route_after_execute(state: State) -> Literal["synthesize", "respond"]:
    """Only results are synthesized; clarifications and errors go straight to respond."""
    return "synthesize" if state.result is not None else "respond"
