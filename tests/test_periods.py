"""Time expressions relative to an as-of date, with a February fiscal year."""

from __future__ import annotations

from datetime import date

import pytest

from agent.parser.normalize import normalize
from agent.parser.periods import PeriodParser
from tools.fiscal import FiscalCalendar

AS_OF = date(2026, 11, 26)  # FY2027 Q4 (2026-11-01..2027-01-31)
CASES = [
    ("today", "2026-11-26", "2026-11-26"),
    ("yesterday", "2026-11-25", "2026-11-25"),
    ("this week", "2026-11-23", "2026-11-29"),
    ("last week", "2026-11-16", "2026-11-22"),
    ("next week", "2026-11-30", "2026-12-06"),
    ("this month", "2026-11-01", "2026-11-30"),
    ("last month", "2026-10-01", "2026-10-31"),
    ("next month", "2026-12-01", "2026-12-31"),
    ("this quarter", "2026-11-01", "2027-01-31"),
    ("last quarter", "2026-08-01", "2026-10-31"),
    ("next quarter", "2027-02-01", "2027-04-30"),
    ("previous qtr", "2026-08-01", "2026-10-31"),
    ("this year", "2026-02-01", "2027-01-31"),
    ("last year", "2025-02-01", "2026-01-31"),
    ("this fiscal year", "2026-02-01", "2027-01-31"),
    ("QTD", "2026-11-01", "2026-11-26"),
    ("quarter to date", "2026-11-01", "2026-11-26"),
    ("YTD", "2026-02-01", "2026-11-26"),
    ("year-to-date", "2026-02-01", "2026-11-26"),
    ("mtd", "2026-11-01", "2026-11-26"),
    ("Q3 2025", "2024-08-01", "2024-10-31"),
    ("q3 of 2025", "2024-08-01", "2024-10-31"),
    ("Q4 of 2021", "2020-11-01", "2021-01-31"),
    ("Q3'25", "2024-08-01", "2024-10-31"),
    ("q2 fy26", "2025-05-01", "2025-07-31"),
    ("FY2025 Q1", "2024-02-01", "2024-04-30"),
    ("fiscal q1 2025", "2024-02-01", "2024-04-30"),
    ("FY2025", "2024-02-01", "2025-01-31"),
    ("fy25", "2024-02-01", "2025-01-31"),
    ("fiscal year 2026", "2025-02-01", "2026-01-31"),
    ("q3", "2026-08-01", "2026-10-31"),
    ("q4", "2026-11-01", "2027-01-31"),
    ("q1", "2026-02-01", "2026-04-30"),
    ("the third quarter", "2026-08-01", "2026-10-31"),
    ("first quarter of 2024", "2023-02-01", "2023-04-30"),
    ("H1 2026", "2025-02-01", "2025-07-31"),
    ("second half of last year", "2025-08-01", "2026-01-31"),
    ("calendar q3 2025", "2025-07-01", "2025-09-30"),
    ("this calendar year", "2026-01-01", "2026-12-31"),
    ("May 2020", "2020-05-01", "2020-05-31"),
    ("in may 2020", "2020-05-01", "2020-05-31"),
    ("march 2017", "2017-03-01", "2017-03-31"),
    ("in March", "2026-03-01", "2026-03-31"),
    ("in december", "2025-12-01", "2025-12-31"),
    ("last march", "2026-03-01", "2026-03-31"),
    ("in 2017", "2017-01-01", "2017-12-31"),
    ("during 2019", "2019-01-01", "2019-12-31"),
    ("2017-03", "2017-03-01", "2017-03-31"),
    ("last 30 days", "2026-10-28", "2026-11-26"),
    ("past 90 days", "2026-08-29", "2026-11-26"),
    ("last 2 weeks", "2026-11-13", "2026-11-26"),
    ("past 6 months", "2026-05-27", "2026-11-26"),
    ("last three months", "2026-08-27", "2026-11-26"),
    ("last 2 quarters", "2026-05-01", "2026-10-31"),  # whole fiscal quarters, as reported
    ("the past three quarters", "2026-02-01", "2026-10-31"),
    ("trailing 2 quarters", "2026-05-27", "2026-11-26"),
    ("the quarter before last", "2026-05-01", "2026-07-31"),
    ("calendar Q3", "2026-07-01", "2026-09-30"),
    ("for the fiscal year", "2026-02-01", "2027-01-31"),
    ("wk of 11/16", "2026-11-16", "2026-11-22"),
    ("Nov 1st thru 15th", "2026-11-01", "2026-11-15"),
    ("March 1-15", "2026-03-01", "2026-03-15"),
    ("l4q", "2025-11-01", "2026-10-31"),
    ("the fiscal year so far", "2026-02-01", "2026-11-26"),
    ("calendar Q4 2025", "2025-10-01", "2025-12-31"),
    ("the month before last", "2026-09-01", "2026-09-30"),
    ("the twelve months ending Oct 31, 2026", "2025-11-01", "2026-10-31"),
    ("the 90 days ending 2026-09-30", "2026-07-03", "2026-09-30"),
    ("past two years", "2024-11-27", "2026-11-26"),
    ("trailing twelve months", "2025-11-27", "2026-11-26"),
    ("next 30 days", "2026-11-27", "2026-12-26"),
    ("between 2017-01-01 and 2017-03-31", "2017-01-01", "2017-03-31"),
    ("from jan to march 2017", "2017-01-01", "2017-03-31"),
    ("from Q1 2025 to Q2 2025", "2024-02-01", "2024-07-31"),
    ("between 1/15/2024 and 2/15/2024", "2024-01-15", "2024-02-15"),
    ("since january", "2026-01-01", "2026-11-26"),
    ("since 2025-06-01", "2025-06-01", "2026-11-26"),
    ("this summer", "2026-06-01", "2026-08-31"),
    ("last winter", "2025-12-01", "2026-02-28"),
    ("spring 2017", "2017-03-01", "2017-05-31"),
    ("fall of 2024", "2024-09-01", "2024-11-30"),
]


@pytest.mark.parametrize(("text", "start", "end"), CASES)
def test_time_expressions(text, start, end):
    found = PeriodParser(AS_OF, FiscalCalendar(2)).extract(normalize(f"bookings {text}"))
    assert len(found.periods) == 1, found
    p = found.periods[0]
    assert (p.start.isoformat(), p.end.isoformat()) == (start, end), p.label
    assert found.text.split()[0] == "bookings" and found.text.split()[-1] == "@period"


def test_calendar_fiscal_year_names_quarters_by_calendar():
    p = PeriodParser(date(2017, 12, 31), FiscalCalendar(1)).extract("q4 2017").periods[0]
    assert (p.start, p.end, p.label) == (date(2017, 10, 1), date(2017, 12, 31), "FY2017 Q4")


def test_as_of_in_the_question_moves_the_anchor():
    found = PeriodParser(AS_OF, FiscalCalendar(2)).extract(
        normalize("pipeline as of 2025-06-30 this quarter"))
    assert found.as_of == date(2025, 6, 30)
    assert found.periods[0].start == date(2025, 5, 1)


@pytest.mark.parametrize("text", ["may i see bookings", "win rate by rep", "top 5 deals"])
def test_no_false_periods(text):
    assert PeriodParser(AS_OF, FiscalCalendar(2)).extract(normalize(text)).periods == []


@pytest.mark.parametrize("text", ["Darcel Schlecht", "whats our winrate", "Mid Market",
                                  "btw show opps", "North America", "  EMEA  ", "u and ur qtr"])
def test_normalize_fast_path_matches_the_full_rules(text):
    from agent.parser.normalize import _normalize_text, normalize

    assert normalize(text) == _normalize_text(text)


@pytest.mark.parametrize("text", ["the last completed quarter", "last full quarter",
                                  "the last complete fiscal quarter", "previous closed quarter"])
def test_the_last_whole_unit_however_said(text):
    """'The last completed quarter': the whole quarter before the current one."""
    found = PeriodParser(date(2026, 11, 26), FiscalCalendar(2)).extract(text)
    assert [p.label for p in found.periods] == ["FY2027 Q3"]
