"""Follow-ups in a thread (rules parser, no model): the checkpointer carries metric, filters and
period; a fresh question stands alone; a reply completes the question we asked back about."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from agent.ask import ask, open_threads
from tests.conftest import REPO
from tests.metrics_demo import END, demo_warehouse, shared_last_name


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture
def turn(wh):
    saver = open_threads(":memory:")

    def say(question: str, thread: str = "t1"):
        return ask(wh, question, as_of=END, thread_id=thread, checkpointer=saver)

    yield say
    saver.conn.close()


def params(response) -> dict:
    assert response.status == "answered", (response.answer, response.clarification)
    return response.intent.params


def test_follow_ups_carry_metric_period_and_filters(turn):
    first = params(turn("what's our win rate this quarter?"))
    assert first["period"]["label"] == "FY2027 Q4"
    by_region = turn("and by region?")
    assert by_region.intent.tool == "win_rate"
    assert params(by_region) == {**first, "group_by": ["region"]}
    assert any("kept FY2027 Q4" in n for n in by_region.intent.notes)
    last_quarter = params(turn("what about last quarter?"))
    assert last_quarter["period"]["label"] == "FY2027 Q3" and last_quarter["group_by"] == ["region"]
    emea = params(turn("only EMEA"))
    assert emea["filters"] == [{"dimension": "region", "values": ["EMEA"]}]
    assert emea["period"]["label"] == "FY2027 Q3"
    bookings = turn("how about bookings?")
    assert bookings.intent.tool == "bookings"
    assert params(bookings)["filters"] == emea["filters"]
    assert params(bookings)["period"]["label"] == "FY2027 Q3"


def test_why_splits_by_a_driver_against_the_period_before(turn):
    turn("win rate last quarter")
    why = turn("why?")
    p = params(why)
    assert why.intent.tool == "win_rate" and p["group_by"] == ["region"]
    assert p["compare"] == "previous_period" and p["period"]["label"] == "FY2027 Q3"
    assert "win_rate_previous" in why.result.columns
    assert "(was " in why.answer  # each group beside its value in the period before


def test_a_new_question_stands_alone_and_threads_are_separate(turn):
    turn("bookings in EMEA this quarter")
    fresh = params(turn("open pipeline by stage"))
    assert "filters" not in fresh and fresh["group_by"] == ["stage"]
    other = turn("and by region?", thread="t2")  # nothing to follow up on in a new thread
    assert other.status == "needs_clarification"


def test_a_reply_naming_an_option_completes_the_question(wh, turn):
    last = shared_last_name(wh)
    asked = turn(f"bookings for {last.lower()} this year")
    assert asked.status == "needs_clarification" and len(asked.clarification.options) > 1
    chosen = asked.clarification.options[1].rsplit(" (", 1)[0]
    p = params(turn(chosen))
    assert p["filters"] == [{"dimension": "rep", "values": [chosen]}]
    assert p["period"]["label"] == "FY2027 YTD"  # "this year": the fiscal year to date


def test_a_what_if_no_tool_applies_is_asked_back_and_the_reply_drops_it(turn):
    """'if quota goes up 15%' is a hypothesis no tool takes: answering capacity as it stands
    would answer another question, so it asks; picking the option answers without it."""
    asked = turn("what's our quota capacity next quarter, if quota goes up 15%?")
    assert asked.status == "needs_clarification", asked.answer
    assert "if quota goes up 15%" in asked.clarification.question
    assert "expected attainment" in asked.clarification.question  # what it does take
    p = params(turn(asked.clarification.options[0]))
    assert p["period"]["label"] == "FY2028 Q1" and "options" not in p
    for n, question in enumerate(("if we hire two more reps, what can we close next quarter?",
                                  "win rate last quarter if we leave out the 3 biggest losses")):
        assert turn(question, thread=f"w{n}").status == "needs_clarification", question
    applied = params(turn("stale share if the cut-off were 45 days"))  # its own threshold
    assert applied["options"] == {"stale_days": 45}


def test_it_in_the_request_is_the_name_the_sentence_before_gives(wh, turn):
    """"We pay a lot for <tool>. Are reps using it?": the adoption of that tool, not of all."""
    tool = wh.con.execute("select min(tool_name) from tool_licenses").fetchone()[0]
    p = params(turn(f"We renewed our {tool} contract in March. Are reps actually using it?"))
    assert [f["values"] for f in p["filters"]] == [[tool]]


def test_cli_thread_persists_between_processes(tmp_path_factory, tmp_path):
    demo_warehouse(tmp_path_factory)
    db = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    env = {**os.environ, "REVOPS_THREADS_DB": str(tmp_path / "threads.sqlite")}
    env.pop("OPENAI_API_KEY", None)
    env.pop("REVOPS_LLM_BASE_URL", None)

    def cli(question: str) -> dict:
        import json

        out = subprocess.run([sys.executable, "-m", "protocols.cli", "ask", "--db", str(db),
                              "--as-of", END.isoformat(), "--thread", "cli-1", "--json",
                              question], capture_output=True, text=True, cwd=REPO, env=env,
                             check=True)
        return json.loads(out.stdout)

    cli("bookings this quarter")
    second = cli("and by region?")
    assert second["intent"]["tool"] == "bookings"
    assert second["intent"]["params"]["group_by"] == ["region"]
    assert second["intent"]["params"]["period"]["label"] == "FY2027 Q4"


def test_a_correction_replaces_what_it_names(turn):
    """'make that 8', 'segment instead', 'swap EMEA for APAC': the previous answer with the one
    thing changed, never both values or the old split."""
    turn("top 5 reps by bookings last quarter")
    assert params(turn("make that 8"))["top"] == 8
    turn("stale deals with no touch in 30 days")
    assert params(turn("actually make it 45"))["options"] == {"stale_days": 45}
    turn("win rate by region last quarter")
    corrected = params(turn("segment instead"))
    assert corrected["group_by"] == ["segment"] and corrected["period"]["label"] == "FY2027 Q3"
    turn("win rate in EMEA last quarter")
    swapped = params(turn("actually swap EMEA for APAC"))
    assert swapped["filters"] == [{"dimension": "region", "values": ["APAC"]}]
