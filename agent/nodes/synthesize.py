"""synthesize: the answer paragraph, written from the tool result only.

The template answer is always composed. With a model configured, the model rewrites it from
the result, and the grounding check must find every number of its text in the result (or
derivable from it as stated); otherwise the template answer stands and a notice says why.
"""

from __future__ import annotations

import json
from typing import Any

from langgraph.runtime import Runtime

from agent.answer import compose
from agent.context import Context
from agent.llm.errors import LLMError
from agent.state import State
from prompts import load_prompt

ROWS_FOR_MODEL = 25
"""Rows of a table the model sees; the answer paragraph names a few at most."""


def synthesize(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Compose the template answer, and let the model phrase it when one is available."""
    assert state.result is not None and state.plan is not None
    template = compose(state.result, state.plan)
    llm = runtime.context.llm
    if llm is None or any(n["code"] == "LLM_UNAVAILABLE" for n in state.notices):
        return {"answer": template}  # an unavailable model is not asked twice per question

    # start-up time: the grounding check (and its number readers) load only when a model writes
    from agent.llm.grounding import ungrounded_numbers

    r = state.result
    shown = r.model_dump(mode="json", include={"value", "unit", "columns", "period", "as_of",
                                               "measure", "n_records", "units"})
    shown["rows"] = r.rows[:ROWS_FOR_MODEL]
    shown["warnings"] = [w.message for w in r.warnings]
    prompt = load_prompt("synthesize").format(question=state.question, template=template,
                                              result=json.dumps(shown, default=str))
    try:
        reply = llm.text([("human", prompt)], deadline=state.llm_deadline, key=state.request_id)
        text = " ".join(reply.split())
    except LLMError as exc:
        return {"answer": template, "notices": state.notices + [{
            "code": "LLM_UNAVAILABLE",
            "message": f"The model could not phrase the answer ({exc}); template answer used."}]}
    unsupported = ungrounded_numbers(text, r) if text else ["(empty answer)"]
    if unsupported:
        return {"answer": template, "notices": state.notices + [{
            "code": "LLM_UNGROUNDED",
            "message": f"The model's answer had numbers not in the result "
                       f"({', '.join(unsupported[:5])}); the template answer is used instead."}]}
    return {"answer": text, "answered_by": "llm"}
