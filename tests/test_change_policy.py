"""Requests to change data are refused (or escalated to their owner) before any parsing;
questions that only talk about deletions, changes or moves are still reads (scope.toml)."""

from __future__ import annotations

from datetime import date

import pytest

from agent.ask import ask
from agent.context import Warehouse
from agent.scope import decide
from tests.change_cases import HOSTILE, LOOK_ALIKE_READS
from tests.helpers import fixture_db

AS_OF = date(2026, 11, 26)


def test_the_tables_are_large_and_varied():
    assert len(HOSTILE) >= 150 and len({q.lower() for q, _, _ in HOSTILE}) == len(HOSTILE)
    assert len(LOOK_ALIKE_READS) >= 40
    assert sum(a == "escalate" for _, a, _ in HOSTILE) >= 10


@pytest.mark.parametrize(("request_text", "action", "category"), HOSTILE)
def test_a_change_is_never_read_as_a_question(request_text, action, category):
    d = decide(request_text)
    assert (d.action, d.category) == (action, category), d
    assert d.matched and d.reason


@pytest.mark.parametrize("question", LOOK_ALIKE_READS)
def test_a_question_about_changes_is_a_read(question):
    assert decide(question).action == "allow"


def test_sql_after_a_semicolon_is_seen_before_punctuation_is_dropped():
    d = decide("bookings for rep '; select 1; --")
    assert (d.action, d.rule) == ("refuse", "change_warehouse") and ";" in d.matched
    assert decide("bookings; win rate").action == "allow"


@pytest.fixture(scope="module")
def wh():
    con = fixture_db("parser_world")
    yield Warehouse(con)
    con.close()


@pytest.mark.parametrize("request_text", ["clear out the quotas table",
                                          "empty the opportunities table",
                                          "zero out the pipeline",
                                          "rename the EMEA region to Europe",
                                          "'; delete from users; --"])
def test_graph_refuses_with_the_reason_and_no_metric(wh, request_text):
    r = ask(wh, request_text, as_of=AS_OF)
    assert r.status == "refused" and r.result is None and r.intent.tool is None
    assert "read-only" in r.answer


def test_graph_escalates_a_quota_change_to_its_owner(wh):
    r = ask(wh, "bump Maria's quota by 10%", as_of=AS_OF)
    assert r.status == "escalated" and r.result is None
    assert r.escalation.category == "strategic_decision"


@pytest.mark.parametrize("question", LOOK_ALIKE_READS[:12])
def test_graph_reads_questions_about_changes(wh, question):
    r = ask(wh, question, as_of=AS_OF)
    assert r.status in ("answered", "needs_clarification"), r.answer


def test_reported_speech_is_context_not_a_request():
    """'my manager says I need to move deals along faster' tells why the question is asked."""
    d = decide("My manager says I need to move deals along faster. How many days do my deals "
               "spend in each stage?")
    assert d.action == "allow"
    assert decide("move the Acme deals along to negotiation").action == "escalate"
