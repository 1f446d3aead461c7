"""Every example of issue 11's "Why" list, through the graph on the demo company: the right
answer, or a question back whose options include the right reading; the thread example through
a conversation thread."""

from __future__ import annotations

import pytest

from agent.ask import ask, open_threads
from tests.metrics_demo import END, demo_warehouse


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


def params(r) -> dict:
    return r.intent.params


def filters(r) -> dict:
    return {f["dimension"]: sorted(f["values"]) for f in params(r).get("filters", [])}


@pytest.mark.parametrize("question", ["What's the typical size of the deals we win?",
                                      "what's the size of our average win?"])
def test_deal_size_words_read_as_deal_size(wh, question):
    r = ask(wh, question, as_of=END)
    assert r.status == "answered" and r.intent.tool == "avg_deal_size", r.answer


def test_days_from_opening_to_winning_is_the_sales_cycle(wh):
    r = ask(wh, "How many days on average from opening a deal to winning it?", as_of=END)
    assert r.status == "answered" and r.intent.tool == "sales_cycle"
    assert not params(r).get("group_by") and not params(r).get("top")


def test_a_finance_artifact_goes_to_finance(wh):
    r = ask(wh, "Put together the revenue recognition waterfall for the board", as_of=END)
    assert r.status == "escalated" and r.escalation.target == "finance"


def test_a_word_read_as_a_different_domain_word_asks_back(wh):
    """Without the escalation, a reading resting on 'recognition' -> 'reconciliation' is
    unsure: it asks back, saying what it read."""
    r = ask(wh, "what is the recognition accuracy for last quarter", as_of=END)
    assert r.status == "needs_clarification" and r.result is None
    assert "'recognition'" in r.answer and "not_understood" in [w.code for w in r.warnings]


@pytest.mark.parametrize("question", ["clear out the quotas table",
                                      "empty the opportunities table", "zero out the pipeline",
                                      "rename the EMEA region to Europe"])
def test_data_changes_are_refused(wh, question):
    r = ask(wh, question, as_of=END)
    assert r.status == "refused" and r.result is None and "read-only" in r.answer


@pytest.mark.parametrize("question", ["bookings for team <script>alert(1)</script>",
                                      "bookings for rep '; select 1; --"])
def test_a_code_like_filter_value_is_refused_not_dropped(wh, question):
    r = ask(wh, question, as_of=END)
    assert r.status == "refused" and r.result is None


def test_five_biggest_open_opportunities(wh):
    r = ask(wh, "List the five biggest open opportunities in APAC", as_of=END)
    assert r.status == "answered" and r.intent.tool == "open_pipeline"
    assert params(r)["group_by"] == ["opportunity"] and params(r)["top"] == 5
    assert filters(r) == {"region": ["APAC"]} and len(r.result.rows) == 5


def test_two_segments_compared_on_rate(wh):
    r = ask(wh, "are SMB deals closing at a better rate than enterprise ones?", as_of=END)
    assert r.status == "answered" and r.intent.tool == "win_rate"
    assert params(r)["group_by"] == ["segment"]
    assert filters(r) == {"segment": ["Enterprise", "SMB"]}
    assert {row[0] for row in r.result.rows} == {"Enterprise", "SMB"}


def test_how_quickly_pipeline_converts_is_a_duration(wh):
    r = ask(wh, "How quickly does pipeline convert to revenue these days?", as_of=END)
    assert r.status == "answered" and r.intent.tool == "sales_cycle"


def test_a_thread_keeps_its_quarter_and_filter_when_compared(wh):
    saver = open_threads(":memory:")

    def say(q):
        return ask(wh, q, as_of=END, thread_id="why-thread", checkpointer=saver)

    first = say("win rate last quarter")
    second = say("just EMEA")
    third = say("how does that compare to the same quarter last year?")
    assert first.intent.params["period"]["label"] == "FY2027 Q3"
    assert second.intent.params["period"]["label"] == "FY2027 Q3"
    assert filters(second) == {"region": ["EMEA"]}
    assert third.status == "answered" and third.intent.tool == "win_rate"
    assert third.intent.params["period"]["label"] == "FY2027 Q3"
    assert filters(third) == {"region": ["EMEA"]}
    assert third.intent.params["compare"] == "previous_year"
    saver.conn.close()
