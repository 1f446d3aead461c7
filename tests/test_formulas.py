"""agent/parser/formulas.py: a metric written as its formula is read as the metric, and text
that only looks like a formula (a list with slashes, a date, a bar on an amount) is left as
written."""

from __future__ import annotations

import pytest

from agent.parser.formulas import classes, read_formulas


@pytest.mark.parametrize(("text", "wanted"), [
    ("won ÷ (won + lost) by region", "win rate by region"),
    ("closed-won divided by quota per manager", "quota attainment per manager"),
    ("won $ over (won $ + lost $) last year", "win rate by value last year"),
    ("total won amount divided by the number of won deals", "average deal size"),
    ("failed syncs / all syncs per tool", "sync error rate per tool"),
    ("close date minus created date for won deals", "sales cycle for won deals"),
    ("created date subtracted from close date", "sales cycle"),
    ("amount x probability by team", "weighted pipeline by team"),
    ("12 times MRR by segment", "arr by segment"),
])
def test_a_formula_reads_as_its_metric(text, wanted):
    read, notes = read_formulas(text)
    assert " ".join(read.split()) == wanted
    assert len(notes) == 1 and notes[0].startswith("read the formula '")


@pytest.mark.parametrize("text", [
    "bookings for NA / EMEA / APAC", "win rate 11/26", "calls/rep/day in October",
    "bookings over 50k", "deals over $100k by stage", "pipeline over the last 3 months",
    "win rate less than 30% by rep", "lost deals minus renewals",  # (no formula of a metric)
])
def test_text_that_only_looks_like_a_formula_is_left_as_written(text):
    assert read_formulas(text) == (text, [])


def test_won_and_lost_together_are_the_closed_deals_and_closed_won_is_won():
    assert classes(["won", "+", "lost"]) == {"closed"}
    assert classes(["closed-won"]) == {"won"}
    assert classes(["everything", "we", "closed"]) == {"closed"}
