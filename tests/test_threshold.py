"""A threshold on the answer's own figure is answered, never dropped: the rows that meet it are
named beside the whole table, a single figure is said to meet it or not, and a threshold on
what the answer sums up is asked about."""

from __future__ import annotations

import pytest

from agent.ask import ask
from agent.threshold import OPS, column
from tests.metrics_demo import END, answered, demo_warehouse


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.mark.parametrize(("question", "tool", "noun"), [
    ("which teams are under 70% of quota this quarter", "quota_attainment", "teams"),
    ("win rate by region last quarter - anything above 30%?", "win_rate", "regions"),
    ("bookings by rep this year, only the ones over $200k", "bookings", "reps"),
])
def test_the_rows_meeting_a_threshold_are_named_from_the_table(wh, question, tool, noun):
    response = answered(wh, question, tool)
    r, plan_threshold = response.result, None
    assert r is not None and len(r.rows) > 1  # the whole table is kept
    from agent.parser.parse import parse_question  # the plan's threshold, as the agent read it
    plan = parse_question(question, as_of=END, calendar=wh.settings.calendar, index=wh.entities)
    plan_threshold = plan.threshold
    assert plan_threshold is not None and plan_threshold.rows
    col = column(r, plan_threshold)
    assert col is not None
    i = r.columns.index(col)
    met = [row for row in r.rows if row[i] is not None and OPS[plan_threshold.op](
        row[i], plan_threshold.value)]
    if met:
        assert f"{len(met)} of the {len(r.rows)} {noun}" in response.answer or \
            f"all {len(met)} {noun}" in response.answer, response.answer
        assert all(str(row[0]) in response.answer for row in met[:10])
    else:
        assert f"None of the {len(r.rows)} {noun}" in response.answer, response.answer


def test_a_single_figure_is_said_to_meet_the_threshold_or_not(wh):
    response = answered(wh, "is our win rate this year above 25%?", "win_rate")
    assert response.result is not None and response.result.value is not None
    verdict = "Yes" if response.result.value > 0.25 else "No"
    assert f"{verdict}: " in response.answer and "above 25%" in response.answer


@pytest.mark.parametrize("question", [
    "average deal size of deals over $50k this year",  # the deals are summed away
    "productivity improvement for reps above 80% of target",  # no attainment in the answer
])
def test_a_threshold_the_answer_cannot_show_is_asked_about(wh, question):
    response = ask(wh, question, as_of=END)
    assert response.status == "needs_clarification", (question, response.answer)
