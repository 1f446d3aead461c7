"""execute: run the planned tool on a read-only cursor, within the requester's row scope."""

from __future__ import annotations

import logging
from typing import Any

import duckdb
from langgraph.runtime import Runtime

from agent.context import Context
from agent.plan import Clarification
from agent.scope import Decision
from agent.state import State
from agent.threshold import column
from tools.access import AccessDenied, row_scope
from tools.base import ToolContext, ToolInputError
from tools.registry import run_tool

log = logging.getLogger(__name__)


def execute(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Run the tool; a tool that cannot answer these parameters asks back instead of failing.

    Data outside the requester's row scope is refused (a guard-style decision respond reads),
    not asked back about: rephrasing cannot make it visible.
    """
    plan = state.plan
    assert plan is not None and state.as_of is not None
    wh = runtime.context.warehouse
    con = wh.cursor()
    try:
        ctx = ToolContext(con=con, settings=wh.settings, as_of=plan.as_of or state.as_of,
                          facts=wh.facts, memo=wh.memo, scope=row_scope(state.requester, con),
                          cache=wh.answers)
        result = run_tool(ctx, plan.tool, plan.params)
    except AccessDenied as exc:
        return {"decision": Decision("refuse", "access_scope", str(exc), instead=exc.instead)}
    except ToolInputError as exc:
        return {"clarification": Clarification(question=f"I can't answer that as asked: {exc}.",
                                               options=exc.options)}
    except duckdb.Error as exc:
        log.exception("tool %s failed", plan.tool)
        return {"error": f"{plan.tool} failed on the warehouse: {exc}"}
    if plan.threshold is not None and column(result, plan.threshold) is None:
        said = plan.threshold.said
        return {"clarification": Clarification(
            question=f"I can't compare this answer with '{said}': it has no figure of that "
                     "kind. Ask without it, or for the figure it is about.",
            options=[], term=said, not_understood=[said])}
    return {"result": result}
