"""Whose numbers "my" means: the writer a message names (by full or first name), else asked.

End to end on the demo company (tests/metrics_demo.py): a rep or manager signing in is the
filter of "my pipe" / "my team"; an anonymous "my pipe" is asked about, never answered with the
whole company's number.
"""

from __future__ import annotations

import pytest

from agent.ask import ask
from tests.metrics_demo import END, answered, demo_warehouse


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    warehouse = demo_warehouse(tmp_path_factory)
    yield warehouse
    warehouse.con.close()


@pytest.mark.parametrize(("question", "tool", "who"), [
    ("kenji here - whats my pipe for this q", "open_pipeline",
     {"dimension": "rep", "values": ["Kenji Smith"]}),
    ("hi, it's grace. list the stale deals on my team", "stale_deals",
     {"dimension": "manager", "values": ["Grace Schmidt"]}),
])
def test_a_writer_signing_in_by_first_name_is_whose_numbers(wh, question, tool, who):
    r = answered(wh, question, tool)
    assert who in r.intent.params["filters"]


@pytest.mark.parametrize(("question", "tool", "who"), [
    ("EMEA RVP here. how is my pipeline looking this quarter?", "open_pipeline",
     {"dimension": "region", "values": ["EMEA"]}),
    ("Hi, I'm the APAC sales director - what's my win rate for last quarter?", "win_rate",
     {"dimension": "region", "values": ["APAC"]}),
])
def test_a_writer_signing_in_by_role_and_region_is_whose_numbers(wh, question, tool, who):
    """A role beside a region ("EMEA RVP here") says whose 'my' numbers are: that region."""
    r = answered(wh, question, tool)
    assert who in r.intent.params["filters"]


@pytest.mark.parametrize(("question", "tool"), [
    ("Grace, EMEA Enterprise. How does our win rate this quarter compare with last quarter?",
     "win_rate"),
    ("Grace for the EMEA Enterprise team - open pipeline closing this quarter, deal by deal",
     "open_pipeline"),
])
def test_a_signature_of_name_and_team_is_who_writes_and_whose_numbers(wh, question, tool):
    """'Name, Team.' at the start: the team is whose numbers they are; the name is the writer,
    no filter of its own."""
    filters = answered(wh, question, tool).intent.params["filters"]
    assert filters == [{"dimension": "team", "values": ["EMEA Enterprise"]}]


def test_a_managers_team_named_with_them_is_one_filter(wh):
    """Grace's reps are the EMEA Enterprise team (she owns no deals, carries no quota): "my
    team" and the team named are one filter, said once; a manager of other people is kept."""
    r = answered(wh, "Grace (EMEA Enterprise): what's my team's win rate this quarter?",
                 "win_rate")
    assert r.intent.params["filters"] == [{"dimension": "team", "values": ["EMEA Enterprise"]}]
    assert any("the same people" in n for n in r.intent.notes)
    both = answered(wh, "win rate for Grace Schmidt's reps in NA Enterprise", "win_rate")
    assert {f["dimension"] for f in both.intent.params["filters"]} == {"manager", "team"}


def test_a_managers_first_name_before_their_team_is_the_team(wh):
    """"Grace's EMEA Enterprise team": her first name says whose team, the same people; a
    manager of other people's team is no such name and is asked about or kept."""
    r = answered(wh, "open pipeline for Grace's EMEA Enterprise team this quarter",
                 "open_pipeline")
    assert r.intent.params["filters"] == [{"dimension": "team", "values": ["EMEA Enterprise"]}]
    assert any("Grace's reps" in n for n in r.intent.notes)
    other = ask(wh, "open pipeline for Grace's NA Enterprise team this quarter", as_of=END)
    assert other.status != "answered" or len(other.intent.params["filters"]) == 2


@pytest.mark.parametrize(("question", "kept"), [
    ("Grace asked me which deals slipped out of last quarter", []),
    ("Grace, which deals slipped out of last quarter?", []),
    ("Grace asked me which deals on her team slipped out of last quarter", ["manager"]),
])
def test_who_passes_a_question_on_is_no_filter(wh, question, kept):
    """The person who asked, or who is spoken to, is outside the question unless a pronoun
    points back to them."""
    r = answered(wh, question, "slipping_deals")
    assert [f["dimension"] for f in r.intent.params.get("filters", [])] == kept


def test_not_just_my_group_is_everyone(wh):
    """'I want every team, not just my group': the writer is named, the answer is not theirs."""
    r = answered(wh, "Kenji here. I want win rate for every team last quarter, not just my "
                     "group's.", "win_rate")
    assert r.intent.params.get("filters", []) == [] and r.intent.params["group_by"] == ["team"]


@pytest.mark.parametrize("question", [
    "whats my pipe for this q", "how much have I booked this fiscal year",
    "what is my team's win rate this quarter", "pipeline coverage for my region this quarter",
    "how far am I from quota?", "How many calls did I make this week?",
    "how many open deals do I have by stage?", "bookings this quarter, my team vs Leo's",
    "compare my pipeline and Owen's",
])
def test_an_anonymous_my_is_asked_about(wh, question):
    r = ask(wh, question, as_of=END)
    assert r.status == "needs_clarification", r.answer
    assert r.clarification is not None and "Whose numbers" in r.clarification.question


@pytest.mark.parametrize("question", [
    "Who are my top 10 sellers this year?", "for my weekly note: what did we book last month",
    "for my deck: bookings by region this quarter", "Before I hit send - what's the win rate",
    "my manager asked for bookings by team",
])
def test_my_that_names_no_ones_numbers_is_answered(wh, question):
    assert ask(wh, question, as_of=END).status == "answered"


def test_a_known_requester_is_not_asked_whose(wh):
    r = ask(wh, "whats my pipe for this q", as_of=END,
            requester={"id": "u-revops", "role": "revops"})
    assert r.status == "answered", r.answer
