"""respond: assemble the AgentResponse contract from whatever the run produced."""

from __future__ import annotations

from typing import Any

from agent.state import State
from protocols.messages import (
    AgentResponse,
    ClarificationOut,
    EscalationOut,
    Intent,
    Result,
    WarningOut,
)


def respond(state: State) -> dict[str, Any]:
    """Build the one response every path ends in."""
    assert state.request_id is not None
    plan = state.plan
    intent = Intent(tool=plan.tool if plan else None,
                    params=plan.params.model_dump(mode="json", exclude_defaults=True) if plan
                    else {}, parser=plan.parser if plan else "rules",
                    notes=plan.notes if plan else [])
    base: dict[str, Any] = {"request_id": state.request_id, "intent": intent}
    d = state.decision
    if d is not None and d.action != "allow":
        base["intent"] = Intent()  # nothing was planned to run: the request was not taken
    if d is not None and d.action == "refuse":
        answer = f"I can't do that: {d.reason}"
        if d.instead:
            answer += f" {d.instead}"
        return {"response": AgentResponse(status="refused", answer=answer, **base)}
    if state.escalation is not None:
        return {"response": AgentResponse(status="escalated", answer=state.answer or "",
                                          escalation=EscalationOut(**state.escalation), **base)}
    if state.clarification is not None:
        c = state.clarification
        answer = c.question + (f" Options: {'; '.join(c.options)}." if c.options else "")
        return {"response": AgentResponse(
            status="needs_clarification", answer=answer,
            clarification=ClarificationOut(question=c.question, options=c.options), **base)}
    if state.result is None:
        return {"response": AgentResponse(status="error", answer=state.error or "no result",
                                          **base)}
    r = state.result
    result = Result.model_validate(r.model_dump(include=set(Result.model_fields)))
    warnings = [WarningOut(code=w.code, message=w.message) for w in r.warnings]
    return {"response": AgentResponse(status="answered", answer=state.answer or "",
                                      result=result, warnings=warnings, **base)}
