"""respond: assemble the AgentResponse contract from whatever the run produced."""

from __future__ import annotations

from typing import Any, Literal, cast

from langgraph.runtime import Runtime

from agent.chart_shape import chart_kind
from agent.context import Context
from agent.response import (
    AgentResponse,
    ClarificationOut,
    EscalationOut,
    Intent,
    LLMInfo,
    Result,
    WarningOut,
)
from agent.state import State


def respond(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Build the one response every path ends in, with how a model took part (if any)."""
    out = _respond(state)
    response: AgentResponse = out["response"]
    notices = [WarningOut(**n) for n in state.notices]
    llm = runtime.context.llm
    info = None
    if llm is not None:
        usage = llm.take_usage(state.request_id)
        answered_by = cast(Literal["llm", "template"], state.answered_by)  # only nodes set it
        info = LLMInfo(answered_by=answered_by, **usage.model_dump())
    if notices or info is not None:
        out["response"] = response.model_copy(update={
            "warnings": [*response.warnings, *notices], "llm": info})
    return out


def _respond(state: State) -> dict[str, Any]:
    assert state.request_id is not None
    plan = state.plan
    intent = Intent(tool=plan.tool if plan else None,
                    params=plan.params.model_dump(mode="json", exclude_defaults=True) if plan
                    else {}, parser=plan.parser if plan else "rules",
                    notes=plan.notes if plan else [])
    base: dict[str, Any] = {"request_id": state.request_id, "intent": intent}
    d = state.decision
    if d is not None and d.action not in ("allow", "partial"):
        base["intent"] = Intent()  # nothing was planned to run: the request was not taken
    if d is not None and d.action == "refuse":
        answer = f"I can't do that: {d.reason}"
        if d.instead:
            answer += f" {d.instead}"
        if state.escalation is not None:  # a partial request whose analysis execute refused
            base["escalation"] = EscalationOut(**state.escalation)
            answer += f" {state.escalation_note}" if state.escalation_note else ""
        return {"response": AgentResponse(status="refused", answer=answer, **base)}
    partial = d is not None and d.action == "partial"
    if state.escalation is not None and not partial:
        return {"response": AgentResponse(status="escalated", answer=state.answer or "",
                                          escalation=EscalationOut(**state.escalation), **base)}
    note = ""
    if partial and state.escalation is not None:  # the analysis is answered, the rest escalated
        base["escalation"] = EscalationOut(**state.escalation)
        note = f" {state.escalation_note}" if state.escalation_note else ""
    if state.clarification is not None:
        c = state.clarification
        answer = c.question + (f" Options: {'; '.join(c.options)}." if c.options else "") + note
        unclear = [WarningOut(code="not_understood",
                              message="not understood: " + ", ".join(c.not_understood))
                   ] if c.not_understood else []
        return {"response": AgentResponse(
            status="needs_clarification", answer=answer, warnings=unclear,
            clarification=ClarificationOut(question=c.question, options=c.options), **base)}
    if state.result is None:
        return {"response": AgentResponse(status="error",
                                          answer=(state.error or "no result") + note, **base)}
    r = state.result
    result = Result.model_validate(r.model_dump(include=set(Result.model_fields)))
    if chart_kind(r) is not None:
        from agent.charts import chart_for  # altair loads only for a result with a chart

        result.chart = chart_for(r)
    warnings = [WarningOut(code=w.code, message=w.message) for w in r.warnings]
    return {"response": AgentResponse(status="answered", answer=(state.answer or "") + note,
                                      result=result, warnings=warnings, **base)}
