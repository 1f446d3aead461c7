"""classify: judge the request with the scope policy, then question -> plan (tool + typed
params) or a clarifying question.

The policy's decision is taken here, once, and kept in the state for guard to act on: a refused
request is not read at all, and of a partial one only the analysis part is planned. The rules
parser runs first: when it maps the question surely, no tokens are spent. When it
asks back (also on a reading it is unsure of, agent/parser/confidence.py) and a model is
configured, the model plans (agent/llm/planner.py); its plan is validated like a rules plan
and any failure falls back to the rules outcome.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import replace
from typing import Any

from langgraph.runtime import Runtime
from pydantic import ValidationError

from agent.context import Context
from agent.parser.parse import parse_question, unnamed_writer
from agent.plan import Clarification, Plan
from agent.scope import decide
from agent.state import State
from tools.base import MetricParams, validation_text

log = logging.getLogger(__name__)


def classify(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Decide on the request (scope policy), then run the rules parser (then the model, if
    any) against the warehouse's vocabulary on what is to be answered."""
    wh = runtime.context.warehouse
    assert state.as_of is not None, "intake sets as_of"
    as_of = state.as_of  # narrowed for the closure below
    decision = decide(state.question)
    if decision.action == "refuse":  # a write, a statement or an override is not even read
        return {"decision": decision}
    update: dict[str, Any] = {"decision": decision}
    question = state.question
    if decision.action == "partial":  # the analysis part is read; guard escalates the rest
        assert decision.in_scope is not None
        question = update["question_in_scope"] = decision.in_scope

    rest = decision.out_of_scope if decision.action == "partial" else None

    def parse(text: str, sure: bool = True) -> Plan | Clarification:
        try:
            return checked(parse_question(text, as_of=as_of, calendar=wh.settings.calendar,
                                          index=wh.entities, previous=state.previous_plan,
                                          sure=sure, context=rest))
        except ValidationError as exc:  # e.g. "top 1001", a year like 1850 or 9999
            return out_of_range(exc)

    def read(question: str) -> Plan | Clarification:
        picked = _picked(state.pending_clarification, question) if state.pending_question \
            else None
        outcome = parse(question)
        if isinstance(outcome, Plan) and state.requester is None and state.previous_plan is None:
            # "my pipe" from someone unknown: whose? (a requester's identity or row scope says)
            outcome = unnamed_writer(question, outcome) or outcome
        if state.pending_question and (isinstance(outcome, Clarification) or picked):
            # the reply settles what we asked about: the completed question answers as read (an
            # option picked is never read alone: "win rate" would drop the question's period)
            completed = parse(_completed(state.pending_question, state.pending_clarification,
                                         question), sure=False)
            if isinstance(completed, Plan):
                outcome = completed
        return outcome

    try:
        outcome = read(question)
    except Exception:  # a fault in the reader costs this answer, never the request (no 500)
        ref = uuid.uuid4().hex[:12]
        log.exception("question reader failed (%s) on %r", ref, question)
        return {**update, "error": f"I could not read this question: the question reader "
                                   f"failed (logged under {ref}), so nothing was answered. "
                                   "Rephrasing it may help."}
    llm = runtime.context.llm
    if isinstance(outcome, Clarification) and llm is not None and \
            decision.action != "escalate":  # no tokens on what the guard turns away
        note = (f"A rules reading did not understand "
                f"{', '.join(repr(w) for w in outcome.not_understood)}; its closest readings: "
                f"{'; '.join(outcome.options)}." if outcome.not_understood else None)
        # start-up time: the planner (and its form models) load only when a model is asked
        from agent.llm.planner import plan_with_model

        planned, notices = plan_with_model(llm, replace(state, question=question), wh, note)
        update["notices"] = state.notices + notices
        if planned is not None:
            outcome = planned
    if isinstance(outcome, Clarification):  # kept in the thread, so a reply can complete it
        return {**update, "clarification": outcome, "pending_question": question,
                "pending_clarification": outcome}
    return {**update, "plan": outcome, "pending_question": None, "pending_clarification": None}


def checked(outcome: Plan | Clarification) -> Plan | Clarification:
    """Hold a plan read from words to the bounds of the input models (dates the question names
    are converted without them, see PeriodParam.of); raises ValidationError."""
    if isinstance(outcome, Plan):
        MetricParams.model_validate(outcome.params.model_dump())
    return outcome


def out_of_range(exc: ValidationError) -> Clarification:
    """Ask back about a value the question names outside what the tools take (field, limit)."""
    return Clarification(question=f"I can't answer that as asked: {validation_text(exc)}.")


def _picked(asked: Clarification | None, reply: str) -> str | None:
    """The option the reply names, as its label ("win rate (my reading)": "win rate")."""
    said = reply.strip(" .!?").lower()
    for option in asked.options if asked is not None and said else ():
        label = option.rsplit(" (", 1)[0]
        if said in (option.lower(), label.lower()):
            return label
    return None


def _completed(pending: str, asked: Clarification | None, reply: str) -> str:
    """Complete the question we asked back about with the reply: an option named in the reply
    replaces the ambiguous words; any other reply is read as words added to the question."""
    if asked is not None and asked.term:
        label = _picked(asked, reply)
        if label is not None:
            # (not \b: a term may end in '%' or '$', where \b finds no boundary)
            pattern = re.compile(rf"(?<!\w){re.escape(asked.term)}(?!\w)", re.IGNORECASE)
            if pattern.search(pending):
                return pattern.sub(label, pending, count=1)
    return f"{pending} {reply}"
