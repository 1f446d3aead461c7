"""The model's plan is checked like a rules plan (node tests with a scripted fake model; the
real langchain-openai path over HTTP is in test_llm_path.py)."""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import pytest

from agent.ask import ask
from agent.llm.errors import LLMOutputError
from agent.llm.usage import LLMUsage
from tests.metrics_demo import END, demo_warehouse

UNREADABLE = "blorf wibble for the emea crew, previous quarter"


class ScriptedLLM:
    """Answers structured calls from a script of dicts (or errors) and text calls with `text`."""

    def __init__(self, *forms: Any, text: str | None = None) -> None:
        self.forms = deque(forms)
        self.seen: list[list[tuple[str, str]]] = []
        self.text_reply = text
        self.settings = type("S", (), {"model": "scripted"})()

    def deadline(self) -> float:
        return math.inf

    def structured(self, schema, messages, *, deadline=None, key=None):
        self.seen.append(list(messages))
        form = self.forms.popleft()
        if isinstance(form, Exception):
            raise form
        return schema.model_validate(form)

    def text(self, messages, *, deadline=None, key=None) -> str:
        if self.text_reply is None:
            raise LLMOutputError("no text scripted", raw_text="", error="none")
        return self.text_reply

    def take_usage(self, key=None) -> LLMUsage:
        return LLMUsage(model="scripted", calls=len(self.seen))


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


def plan(**fields: Any) -> dict[str, Any]:
    return {"tool": "bookings", "period": "last quarter", **fields}


def test_filter_values_are_matched_to_the_data_labels(wh):
    llm = ScriptedLLM(plan(filters=[{"dimension": "region", "values": ["emea"]}]))
    r = ask(wh, UNREADABLE, as_of=END, llm=llm)
    assert r.intent.parser == "llm"
    assert r.intent.params["filters"] == [{"dimension": "region", "values": ["EMEA"]}]
    assert "The model read the period as FY2027 Q3." in r.intent.notes


@pytest.mark.parametrize(("bad", "words"), [
    (plan(measure="median_bookings"), "measure"),
    (plan(group_by=["tool"]), "cannot be split"),
    (plan(period="the blue moon season"), "period"),
    (plan(filters=[{"dimension": "rep", "values": ["Nobody Atall"]}]), "not a rep"),
])
def test_an_invalid_plan_goes_back_once_with_the_error(wh, bad, words):
    llm = ScriptedLLM(bad, plan())
    r = ask(wh, UNREADABLE, as_of=END, llm=llm)
    assert r.intent.parser == "llm" and r.intent.tool == "bookings"
    correction = llm.seen[1][-1][1]
    assert "invalid" in correction and words in correction


def test_twice_invalid_keeps_the_rules_outcome(wh):
    bad = plan(group_by=["tool"])
    r = ask(wh, UNREADABLE, as_of=END, llm=ScriptedLLM(bad, bad))
    assert r.status == "needs_clarification" and r.intent.parser == "rules"
    assert [w.code for w in r.warnings] == ["LLM_INVALID_PLAN"]


def test_no_tool_from_the_model_keeps_the_question_back(wh):
    r = ask(wh, UNREADABLE, as_of=END, llm=ScriptedLLM({"tool": None, "clarification": "?"}))
    assert r.status == "needs_clarification"
    assert [w.code for w in r.warnings] == ["LLM_NO_PLAN"]


def test_out_of_scope_requests_never_reach_the_model(wh):
    llm = ScriptedLLM()
    r = ask(wh, "launch a campaign for the blorf wibble crowd", as_of=END, llm=llm)
    assert r.status == "escalated" and llm.seen == []


def test_the_prompt_carries_the_catalog_the_values_and_the_calendar(wh):
    llm = ScriptedLLM(plan())
    ask(wh, UNREADABLE, as_of=END, llm=llm)
    system = llm.seen[0][0][1]
    assert "- bookings:" in system and '"EMEA"' in system
    assert "FY2027 Q4" in system and str(END) in system
