"""Fiscal calendar (docs/metrics.md#fiscal) and reporting periods.

The same formulas exist as SQL macros in the warehouse (fiscal_year, fiscal_quarter, ...), so
Python period arithmetic and SQL bucketing always agree; tests check both against the same vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Basis = Literal["ending_month", "starting_month"]
Grain = Literal["day", "week", "month", "quarter", "year"]
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def add_months(d: date, months: int) -> date:
    """Shift the first-of-month date `d` by whole months."""
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(d: date) -> date:
    """Return the last day of d's month."""
    return add_months(date(d.year, d.month, 1), 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """An inclusive date range with a human label, e.g. FY2025 Q1 (2024-02-01..2024-04-30)."""

    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, str]:
        """Serialize as in the AgentResponse contract."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}

    def shifted_years(self, years: int) -> Period:
        """Return the same calendar span `years` earlier or later (YoY comparisons)."""
        start = _replace_year(self.start, self.start.year + years)
        end = _replace_year(self.end, self.end.year + years)
        if self.end == month_end(self.end):
            end = month_end(end)
        return Period(start, end, f"{self.label} ({years:+d}y)")


def _replace_year(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=year, day=28)


@dataclass(frozen=True)
class FiscalCalendar:
    """Formula-mode fiscal calendar: a start month and a naming basis."""

    start_month: int = 1
    basis: Basis = "ending_month"

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError(f"fiscal_year_start_month must be 1..12, got {self.start_month}")

    @property
    def ending(self) -> bool:
        """True when the FY is named after the calendar year in which it ends."""
        return self.basis == "ending_month"

    def fiscal_month(self, d: date) -> int:
        """Return the fiscal month 1..12 of d."""
        return ((d.month - self.start_month + 12) % 12) + 1

    def fiscal_quarter(self, d: date) -> int:
        """Return the fiscal quarter 1..4 of d."""
        return (self.fiscal_month(d) - 1) // 3 + 1

    def fiscal_year(self, d: date) -> int:
        """Return the fiscal year number of d under the naming basis."""
        s, y, m = self.start_month, d.year, d.month
        if self.ending:
            return y if s == 1 else (y + 1 if m >= s else y)
        return y if m >= s else y - 1

    def year_start(self, d: date) -> date:
        """Return the first day of the fiscal year containing d."""
        return date(d.year if d.month >= self.start_month else d.year - 1, self.start_month, 1)

    def start_of_fiscal_year(self, fy: int) -> date:
        """Return the first day of fiscal year `fy`."""
        year = fy - 1 if (self.ending and self.start_month != 1) else fy
        return date(year, self.start_month, 1)

    def bucket_start(self, d: date, grain: Grain) -> date:
        """Return the first day of the month/quarter/year (fiscal) bucket holding d."""
        if grain == "day":
            return d
        if grain == "week":
            return d - timedelta(days=d.weekday())
        months = GRAIN_MONTHS[grain]
        offset = (self.fiscal_month(d) - 1) // months * months
        return add_months(self.year_start(d), offset)

    def bucket(self, d: date, grain: Grain) -> Period:
        """Return the fiscal period of the given grain that contains d."""
        start = self.bucket_start(d, grain)
        if grain == "day":
            return Period(d, d, d.isoformat())
        if grain == "week":
            return Period(start, start + timedelta(days=6), f"week of {start.isoformat()}")
        end = add_months(start, GRAIN_MONTHS[grain]) - timedelta(days=1)
        return Period(start, end, self.label(start, grain))

    def label(self, start: date, grain: Grain) -> str:
        """Label a bucket: 2024-03 for months, FY2025 Q1, FY2025."""
        if grain == "month":
            return f"{start.year:04d}-{start.month:02d}"
        if grain == "quarter":
            return f"FY{self.fiscal_year(start)} Q{self.fiscal_quarter(start)}"
        if grain == "year":
            return f"FY{self.fiscal_year(start)}"
        return self.bucket(start, grain).label

    def quarter(self, fy: int, q: int) -> Period:
        """Return fiscal quarter q (1..4) of fiscal year fy."""
        if not 1 <= q <= 4:
            raise ValueError(f"quarter must be 1..4, got {q}")
        return self.bucket(add_months(self.start_of_fiscal_year(fy), (q - 1) * 3), "quarter")

    def year(self, fy: int) -> Period:
        """Return fiscal year fy."""
        return self.bucket(self.start_of_fiscal_year(fy), "year")

    def previous(self, period: Period, grain: Grain, n: int = 1) -> Period:
        """Return the bucket n steps before the bucket starting at period.start."""
        if grain in GRAIN_MONTHS:
            return self.bucket(add_months(self.bucket_start(period.start, grain),
                                          -n * GRAIN_MONTHS[grain]), grain)
        step = 7 if grain == "week" else 1
        return self.bucket(period.start - timedelta(days=step * n), grain)
