"""Default and comparison periods, resolved against the as-of date and the fiscal calendar."""

from __future__ import annotations

from datetime import date, timedelta

from tools.base import MetricParams, ToolContext
from tools.fiscal import FiscalCalendar, Grain, Period

TREND_BUCKETS: dict[str, int] = {"week": 13, "month": 12, "quarter": 8, "year": 3}
"""How many buckets a trend shows when the question names no period (METRICS M07: 8 quarters)."""


def resolve_period(ctx: ToolContext, params: MetricParams, default: str) -> Period:
    """Return the explicit period, else the tool's default relative to as-of."""
    if params.period is not None:
        return params.period.as_period()
    cal = ctx.settings.calendar
    if params.time_grain:
        return trailing(cal, ctx.as_of, params.time_grain, TREND_BUCKETS[params.time_grain])
    if default == "quarter":
        return cal.bucket(ctx.as_of, "quarter")
    fy = cal.fiscal_year(ctx.as_of)
    return Period(cal.year_start(ctx.as_of), ctx.as_of, f"FY{fy} YTD")


def trailing(cal: FiscalCalendar, as_of: date, grain: Grain, n: int) -> Period:
    """Return the n fiscal buckets ending with the one that holds as_of."""
    current = cal.bucket(as_of, grain)
    first = cal.previous(current, grain, n - 1)
    return Period(first.start, current.end, f"last {n} {grain}s ({first.label} to {current.label})")


def fiscal_bucket_of(cal: FiscalCalendar, period: Period) -> Grain | None:
    """Return the grain if the period is exactly one fiscal month, quarter or year."""
    for grain in ("month", "quarter", "year"):
        b = cal.bucket(period.start, grain)
        if b.start == period.start and b.end == period.end:
            return grain
    return None


def comparison_period(ctx: ToolContext, period: Period, mode: str) -> Period:
    """Return the period to compare with: the one before, or the same one a year earlier."""
    cal = ctx.settings.calendar
    grain = fiscal_bucket_of(cal, period)
    if mode == "previous_year":
        if grain is not None:
            return cal.previous(period, grain, {"month": 12, "quarter": 4, "year": 1}[grain])
        shifted = period.shifted_years(-1)
        return Period(shifted.start, shifted.end, f"{shifted.start}..{shifted.end}")
    if grain is not None:
        return cal.previous(period, grain)
    if period.start == cal.year_start(period.start):  # year to date: same span last year
        shifted = period.shifted_years(-1)
        fy = cal.fiscal_year(shifted.start)
        return Period(shifted.start, shifted.end, f"FY{fy} same period")
    end = period.start - timedelta(days=1)
    start = end - timedelta(days=period.days - 1)
    return Period(start, end, f"{start}..{end}")
