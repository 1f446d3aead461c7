"""Fiscal calendar vectors of METRICS.md §1.2, in Python and in the warehouse SQL macros."""

from __future__ import annotations

from datetime import date

import pytest

from tools.fiscal import FiscalCalendar

VECTORS = [  # start month, basis, date, FY, FQ, FM
    (1, "ending_month", "2024-03-31", 2024, 1, 3),
    (1, "starting_month", "2024-03-31", 2024, 1, 3),
    (1, "ending_month", "2024-04-01", 2024, 2, 4),
    (2, "ending_month", "2024-01-31", 2024, 4, 12),
    (2, "ending_month", "2024-02-01", 2025, 1, 1),
    (2, "ending_month", "2024-04-30", 2025, 1, 3),
    (2, "ending_month", "2024-05-01", 2025, 2, 4),
    (4, "starting_month", "2024-04-01", 2024, 1, 1),
    (4, "starting_month", "2024-12-15", 2024, 3, 9),
    (4, "starting_month", "2025-03-31", 2024, 4, 12),
    (10, "ending_month", "2024-09-30", 2024, 4, 12),
    (10, "ending_month", "2024-10-01", 2025, 1, 1),
]


@pytest.mark.parametrize(("s", "basis", "d", "fy", "fq", "fm"), VECTORS)
def test_python_calendar(s, basis, d, fy, fq, fm):
    cal = FiscalCalendar(s, basis)
    day = date.fromisoformat(d)
    assert (cal.fiscal_year(day), cal.fiscal_quarter(day), cal.fiscal_month(day)) == (fy, fq, fm)
    quarter = cal.quarter(fy, fq)
    assert quarter.start <= day <= quarter.end and quarter.label == f"FY{fy} Q{fq}"


@pytest.mark.parametrize(("s", "basis", "d", "fy", "fq", "fm"), VECTORS)
def test_sql_macros(warehouse, s, basis, d, fy, fq, fm):
    row = warehouse.execute(
        "select fiscal_year($d, $s, $e), fiscal_quarter($d, $s), fiscal_month($d, $s), "
        "fiscal_period_label(fiscal_bucket_start($d, $s, 3), $s, $e, 3)",
        {"d": date.fromisoformat(d), "s": s, "e": basis == "ending_month"}).fetchone()
    assert row == (fy, fq, fm, f"FY{fy} Q{fq}")


def test_quarter_bounds_and_previous():
    cal = FiscalCalendar(2)
    q1 = cal.quarter(2025, 1)
    assert (q1.start, q1.end) == (date(2024, 2, 1), date(2024, 4, 30))
    assert cal.previous(q1, "quarter").label == "FY2024 Q4"
    assert cal.year(2025).end == date(2025, 1, 31)
    with pytest.raises(ValueError):
        FiscalCalendar(13)
