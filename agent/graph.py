"""The state machine: intake -> classify -> guard -> execute -> synthesize -> respond,
guard -> escalate -> respond, and guard -> respond for refusals and clarifications."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from agent.context import Context
from agent.nodes.classify import classify
from agent.nodes.escalate import escalate
from agent.nodes.execute import execute
from agent.nodes.guard import guard
from agent.nodes.intake import intake
from agent.nodes.respond import respond
from agent.nodes.synthesize import synthesize
from agent.routing import route_after_execute, route_after_guard
from agent.state import InputState, OutputState, State


def build_graph() -> StateGraph[State, Context, Any, Any]:
    """Return the uncompiled graph, so tests and servers can compile it with a checkpointer."""
    builder = StateGraph(State, context_schema=Context, input_schema=InputState,
                         output_schema=OutputState)
    for node in (intake, classify, guard, execute, synthesize, escalate, respond):
        builder.add_node(node)
    builder.add_edge(START, "intake")
    builder.add_edge("intake", "classify")
    builder.add_edge("classify", "guard")
    builder.add_conditional_edges("guard", route_after_guard)
    builder.add_conditional_edges("execute", route_after_execute)
    builder.add_edge("synthesize", "respond")
    builder.add_edge("escalate", "respond")
    builder.add_edge("respond", END)
    return builder


graph = build_graph().compile(name="revops")
