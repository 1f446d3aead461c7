"""Periods fixed by a person's start or leave date (agent/parser/tenure.py), read from the
users table: parser_world with hire and leave dates set on a few of its reps."""

from __future__ import annotations

from datetime import date

import pytest

from agent.parser.entities import EntityIndex
from agent.parser.parse import parse_question
from agent.plan import Clarification, Plan
from tests.helpers import fixture_db
from tools.warehouse import load_settings

AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def world():
    con = fixture_db("parser_world")
    con.execute("update users set hire_date = date '2026-03-04' "
                "where full_name = 'Darcel Schlecht'")
    con.execute("update users set hire_date = date '2026-08-31' where full_name = 'Hayden Neloms'")
    con.execute("update users set hire_date = date '2025-01-10', termination_date = "
                "date '2026-09-15' where full_name = 'Tom Becker'")
    # two Johns: a first name that settles no one
    con.execute("update users set hire_date = date '2026-05-01' where full_name like 'John %'")
    yield EntityIndex.load(con), load_settings(con).calendar
    con.close()


def _read(question: str, world) -> Plan | Clarification:
    index, calendar = world
    return parse_question(question, as_of=AS_OF, calendar=calendar, index=index)


def _period(plan: Plan | Clarification) -> tuple[str, str]:
    assert isinstance(plan, Plan), plan
    assert plan.params.period is not None
    return plan.params.period.start.isoformat(), plan.params.period.end.isoformat()


@pytest.mark.parametrize(("question", "period", "filters"), [
    # since a named person started: their start day to today; the person is no filter
    ("How much has EMEA booked since Darcel joined?", ("2026-03-04", "2026-11-26"),
     {"region": ["EMEA"]}),
    ("bookings for the whole company ever since Darcel Schlecht came on board",
     ("2026-03-04", "2026-11-26"), {}),
    # a pronoun stands for the one person the message names
    ("How many deals has Hayden Neloms won since he started?", ("2026-08-31", "2026-11-26"),
     {"rep": ["Hayden Neloms"]}),
    # a full month / fiscal quarter starts on or after the start day
    ("Hayden Neloms's win rate in his first full month", ("2026-09-01", "2026-09-30"),
     {"rep": ["Hayden Neloms"]}),
    ("What did Darcel Schlecht book in his first full quarter?", ("2026-05-01", "2026-07-31"),
     {"rep": ["Darcel Schlecht"]}),
    # counted from the start day, as ramp months are
    ("Darcel Schlecht's bookings in his first 90 days", ("2026-03-04", "2026-06-01"),
     {"rep": ["Darcel Schlecht"]}),
    ("Darcel Schlecht's bookings in his first month", ("2026-03-04", "2026-04-03"),
     {"rep": ["Darcel Schlecht"]}),
    # a leave date
    ("What has EMEA booked since Tom Becker left?", ("2026-09-15", "2026-11-26"),
     {"region": ["EMEA"]}),
])
def test_a_start_or_leave_date_fixes_the_period(world, question, period, filters):
    plan = _read(question, world)
    assert _period(plan) == period
    assert {f.dimension.value: f.values for f in plan.params.filters} == filters
    assert any("start date" in n or "leaving date" in n for n in plan.notes), plan.notes


@pytest.mark.parametrize("question", [
    "How much has EMEA booked since John joined?",  # two Johns
    "How much has EMEA booked since Zelda joined?",  # nobody of that name
    "How much has EMEA booked since she started?",  # nobody named
    "Anna Snelling and Darcel Schlecht: bookings since he joined",  # which of the two?
    "Maria Gonzalez's bookings since she started",  # no start date in the data
    "Hayden Neloms's bookings in his first full quarter",  # not had one yet (Nov-Jan)
])
def test_a_start_the_data_does_not_settle_is_asked(world, question):
    asked = _read(question, world)
    assert isinstance(asked, Clarification), asked
