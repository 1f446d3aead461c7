"""The model path end to end: the real langchain-openai against a scripted OpenAI-compatible
server on loopback. The rules parser runs first; the model plans only what it cannot read, its
plan is validated like a rules plan, and its text must be grounded in the result."""

from __future__ import annotations

import time

import pytest

from agent.ask import ask, open_threads
from agent.llm.client import LLMClient
from tests.llm_stub import Reply, StubLLM
from tests.metrics_demo import END, demo_warehouse
from tools.base import Filter, MetricParams, PeriodParam, ToolContext
from tools.registry import run_tool
from tools.settings import LLMSettings

UNREADABLE = "blorf wibble for the emea crew, previous quarter"
"""Words the rules parser cannot map to a metric, so only the model can plan it."""
PLAN = {"tool": "bookings", "period": "last quarter",
        "filters": [{"dimension": "region", "values": ["emea"], "exclude": False}]}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture
def stub():
    with StubLLM() as s:
        yield s


def client(stub: StubLLM, **overrides) -> LLMClient:
    settings = {"base_url": stub.base_url, "model": "stub-model", "timeout": 1.0,
                "deadline": 4.0, "max_attempts": 3, "backoff_initial": 0.05,
                "backoff_max": 0.2, **overrides}
    return LLMClient(LLMSettings(**settings))


def codes(response) -> list[str]:
    return [w.code for w in response.warnings]


def test_a_question_the_rules_read_spends_tokens_only_on_the_wording(wh, stub):
    rules = ask(wh, "what's our win rate this quarter?", as_of=END)
    grounded = rules.answer.replace(" was ", " came in at ")
    stub.script(Reply(content=grounded, usage=(900, 40)))
    r = ask(wh, "what's our win rate this quarter?", as_of=END, llm=client(stub))
    assert len(stub.requests) == 1  # no planning call: the rules parser was confident
    assert r.intent.parser == "rules" and r.answer == grounded
    assert r.llm.answered_by == "llm" and r.llm.model == "stub-model"
    assert (r.llm.calls, r.llm.input_tokens, r.llm.output_tokens) == (1, 900, 40)
    assert r.result == rules.result  # the numbers never depend on the model


def test_a_planted_wrong_number_is_caught_and_the_template_answers(wh, stub):
    rules = ask(wh, "what's our win rate this quarter?", as_of=END)
    stub.script(Reply(content="Win rate this quarter was 41.2%, a strong showing."))
    r = ask(wh, "what's our win rate this quarter?", as_of=END, llm=client(stub))
    assert r.answer == rules.answer and r.llm.answered_by == "template"
    assert "LLM_UNGROUNDED" in codes(r) and "41.2%" in r.warnings[-1].message


def test_the_model_plans_what_the_rules_cannot_and_the_tools_compute_it(wh, stub):
    stub.script(Reply.structured(PLAN), Reply(status=500), Reply(status=500), Reply(status=500))
    r = ask(wh, UNREADABLE, as_of=END, llm=client(stub))
    assert r.status == "answered" and r.intent.parser == "llm"
    assert r.intent.tool == "bookings"
    assert r.intent.params["filters"] == [{"dimension": "region", "values": ["EMEA"]}]
    assert r.result.period["label"] == "FY2027 Q3"
    q3 = PeriodParam(start="2026-08-01", end="2026-10-31", label="FY2027 Q3")
    direct = run_tool(ToolContext(con=wh.cursor(), settings=wh.settings, as_of=END), "bookings",
                      MetricParams(period=q3, filters=[Filter(dimension="region",
                                                              values=["EMEA"])]))
    assert r.result.value == direct.value  # the number comes from SQL, not from the model
    assert "LLM_UNAVAILABLE" in codes(r)  # the wording call failed: template answer
    sent = stub.requests[0]
    assert sent["model"] == "stub-model" and "response_format" in sent  # json_schema method


def test_invalid_output_is_retried_once_with_the_error(wh, stub):
    stub.script(Reply(content="this is not json"), Reply.structured(PLAN))
    r = ask(wh, UNREADABLE, as_of=END, llm=client(stub, max_attempts=1))
    assert r.intent.parser == "llm" and r.intent.tool == "bookings"
    retry = stub.requests[1]["messages"]
    assert retry[-1]["role"] == "user" and "invalid" in retry[-1]["content"]


def test_a_plan_naming_values_not_in_the_data_falls_back_to_the_rules(wh, stub):
    bad = {**PLAN, "filters": [{"dimension": "region", "values": ["Narnia"], "exclude": False}]}
    stub.script(Reply.structured(bad), Reply.structured(bad))
    r = ask(wh, UNREADABLE, as_of=END, llm=client(stub))
    assert r.status == "needs_clarification" and r.intent.parser == "rules"
    assert "LLM_INVALID_PLAN" in codes(r) and "Narnia" in r.warnings[-1].message


@pytest.mark.parametrize("method", ["function_calling", "json_mode"])
def test_other_structured_output_methods(wh, stub, method):
    stub.script(Reply.structured(PLAN), Reply(status=400, error="no"))
    r = ask(wh, UNREADABLE, as_of=END, llm=client(stub, structured_method=method))
    assert r.intent.parser == "llm" and r.intent.tool == "bookings"
    assert ("tools" in stub.requests[0]) == (method == "function_calling")


def test_a_rate_limit_is_retried(wh, stub):
    stub.script(Reply(status=429, retry_after=0), Reply.structured(PLAN),
                Reply(status=400, error="no"))
    r = ask(wh, UNREADABLE, as_of=END, llm=client(stub))
    assert r.intent.parser == "llm" and r.llm.attempts >= 2


@pytest.mark.parametrize("failure", [Reply(status=500), Reply(delay=3.0, content="late")])
def test_a_failing_or_slow_model_still_gets_the_rules_answer_within_the_deadline(wh, stub,
                                                                                 failure):
    stub.set_default(failure)
    llm = client(stub, timeout=0.5, deadline=2.0)
    rules = ask(wh, "bookings last quarter by region", as_of=END)
    started = time.monotonic()
    r = ask(wh, "bookings last quarter by region", as_of=END, llm=llm)
    assert time.monotonic() - started < 2.0 + 1.5  # the deadline, plus the rules work
    assert r.answer == rules.answer and r.result == rules.result
    assert "LLM_UNAVAILABLE" in codes(r)
    unreadable = ask(wh, UNREADABLE, as_of=END, llm=llm)
    assert unreadable.status == "needs_clarification"  # the rules outcome stands


def test_an_open_circuit_answers_without_calling(wh, stub):
    stub.set_default(Reply(status=503))
    llm = client(stub, breaker_threshold=1, max_attempts=1)
    ask(wh, "bookings last quarter", as_of=END, llm=llm)
    sent = len(stub.requests)
    r = ask(wh, "bookings last quarter", as_of=END, llm=llm)
    assert len(stub.requests) == sent and r.status == "answered"


def test_follow_ups_work_with_a_model_too(wh, stub):
    stub.set_default(Reply(status=400, error="wording not needed"))
    llm = client(stub, max_attempts=1)
    saver = open_threads(":memory:")
    stub.script(Reply.structured(PLAN))
    first = ask(wh, UNREADABLE, as_of=END, llm=llm, thread_id="m", checkpointer=saver)
    assert first.intent.parser == "llm"
    second = ask(wh, "and by team?", as_of=END, llm=llm, thread_id="m", checkpointer=saver)
    assert second.intent.parser == "rules" and second.intent.tool == "bookings"
    assert second.intent.params["group_by"] == ["team"]
    assert second.intent.params["filters"] == first.intent.params["filters"]
    saver.conn.close()


def test_a_reading_the_rules_are_unsure_of_goes_to_the_model(wh, stub):
    """'magnitude' is left unexplained by the rules' reading: the model plans it, told which
    words the rules did not understand."""
    question = "give me the typical magnitude of what we win"
    rules = ask(wh, question, as_of=END)
    assert rules.status == "needs_clarification" and "average deal size" in \
        rules.clarification.options
    assert "not_understood" in codes(rules) and "'magnitude'" in rules.answer
    stub.script(Reply.structured({"tool": "avg_deal_size"}), Reply(status=500),
                Reply(status=500), Reply(status=500))
    r = ask(wh, question, as_of=END, llm=client(stub))
    assert r.status == "answered" and r.intent.parser == "llm"
    assert r.intent.tool == "avg_deal_size"
    sent = stub.requests[0]["messages"][-1]["content"]
    assert "did not understand 'magnitude'" in sent
