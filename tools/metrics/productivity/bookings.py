"""Bookings per rep (M41) and sales productivity improvement (M42, the > 30% success metric)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tools.base import (
    MetricParams,
    MetricResult,
    PeriodParam,
    ToolContext,
    ToolInputError,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import Fetched, fetch_query
from tools.metrics.core.options import Option
from tools.metrics.core.owners import owner_rollup
from tools.metrics.core.periods import comparison_period, resolve_period
from tools.metrics.core.spec import Headline, ToolSpec, source
from tools.metrics.productivity.common import (
    check_per_rep,
    make_result,
    one_period,
)
from tools.metrics.productivity.reps import per_rep_measures, rep_ctes
from tools.query import Query

TARGET = 0.30
"""METRICS §4: sales productivity improvement must be > 30% (strict)."""

REP_DEFINITION = (
    "METRICS M41. rep_fte = days each quota-carrying human rep was employed in the period "
    "(hire to termination date) / days in the period, summed; ramped_fte counts only days on or "
    "after hire_date + ramp_months (the rep's own, else the company setting, else 3); "
    "ramped_rep_equivalents weights tenure month k by k/(ramp_months+1) until ramped. "
    "bookings_per_rep = won bookings (close date in the period, current owner) of those reps / "
    "rep_fte; bookings_per_ramped_rep counts only deals closed on or after the rep's ramp date / "
    "ramped_fte. Zero FTE gives null. Teams and regions are the reps' current ones. A period "
    "still running counts up to the as-of date.")
REP_SPEC = ToolSpec(name="rep_productivity", definition=REP_DEFINITION, measures={
    "bookings_per_rep": Headline("bookings_per_rep", "currency"),
    "bookings_per_ramped_rep": Headline("bookings_per_ramped_rep", "currency"),
    **{m: Headline(m, "count") for m in ("rep_fte", "ramped_fte", "ramped_rep_equivalents")}})


def rep_productivity(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return bookings per rep and per ramped rep, overall or per owner dimension.

    Hand-written: FTE and ramp counted per rep and day, then rolled up.
    """
    check_per_rep(params, "Rep productivity")
    one_period(params, "Rep productivity", compare=True)
    h = REP_SPEC.headline(params)
    headline = h.column
    full = resolve_period(ctx, params, "quarter")
    period = _to_date(ctx, full)
    q = Query()
    periods = {"p": period}
    if params.compare:
        periods["c"] = _same_span(comparison_period(ctx, full, params.compare), period)
    ctes = rep_ctes(q, source(ctx, q), periods)
    current = per_rep_measures("p")
    measures = [f"{sql} as {name}" for name, sql in current.items()]
    definition = REP_DEFINITION
    if params.compare:
        cur, prev = current[headline], per_rep_measures("c")[headline]
        measures += [f"{prev} as {headline}_previous",
                     f"({cur} - {prev}) / nullif({prev}, 0) as growth"]
        definition += f" Compared with {_label(periods['c'])}."
    sql, dims = owner_rollup(q, params, ctes, "per_rep", measures, headline)
    fetched = fetch_query(ctx, q, sql)
    money = h.unit == "currency"
    n = int(sum(v or 0 for v in fetched.column("won_deals" if money else "reps")))
    value, reason = _scalar(fetched, headline, dims)
    return make_result(ctx, REP_SPEC, h, period=period, definition=definition, fetched=fetched,
                       n_records=n, value=value, null_reason=reason)


IMPROVEMENT_DEFINITION = (
    "METRICS M42. productivity = bookings per ramped rep (M41: bookings of deals closed on or "
    "after the rep's ramp date / ramped FTE); improvement = (productivity in the period - "
    "productivity in the base period) / productivity in the base period; base = {base}. "
    "A period still running is compared with the same number of days of the base. "
    "Null when the base is 0 or has no ramped reps. Target > {target:.0%} (strict: exactly "
    "{target:.0%} does not pass); growth_gap = improvement - target.")
IMPROVEMENT_SPEC = ToolSpec(
    name="productivity_improvement", definition=IMPROVEMENT_DEFINITION,
    measures={mode: Headline("productivity_improvement", "ratio")
              for mode in ("previous_year", "previous_period")},
    options={"target": Option(float, TARGET, -1.0, 100.0), "base_start": Option(date),
             "base_end": Option(date)})
"""The measure names the base period (the headline is the improvement either way)."""


def productivity_improvement(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return M42 overall or per owner dimension (e.g. the teams that drag it down).

    Hand-written: two periods' per-rep productivity compared.
    """
    check_per_rep(params, "Productivity improvement")
    one_period(params, "Productivity improvement", compare=True)
    mode = params.measure or params.compare or "previous_year"
    if mode not in ("previous_year", "previous_period"):
        raise ToolInputError(f"productivity_improvement has no measure '{mode}'",
                             options=["previous_year", "previous_period"])
    full = resolve_period(ctx, params, "quarter")
    period = _to_date(ctx, full)
    opts = IMPROVEMENT_SPEC.read_options(params)
    base = _base_period(ctx, full, mode, opts)
    if opts["base_start"] is None:
        base = _same_span(base, period)
    target = opts["target"]
    q = Query()
    ctes = rep_ctes(q, source(ctx, q), {"p": period, "c": base})
    cur, prev = per_rep_measures("p"), per_rep_measures("c")
    bprr, base_bprr = cur["bookings_per_ramped_rep"], prev["bookings_per_ramped_rep"]
    improvement = f"({bprr} - {base_bprr}) / nullif({base_bprr}, 0)"
    t = q.bind("target", target)
    measures = [
        f"{improvement} as productivity_improvement",
        f"{q.bind('base_label', _label(base))} as base_period",
        f"{bprr} as bookings_per_ramped_rep", f"{base_bprr} as base_bookings_per_ramped_rep",
        f"{cur['ramped_fte']} as ramped_fte", f"{prev['ramped_fte']} as base_ramped_fte",
        f"{cur['ramped_bookings']} as ramped_bookings",
        f"{prev['ramped_bookings']} as base_ramped_bookings",
        f"{cur['won_deals']} + {prev['won_deals']} as deals",
        f"{t} as target_growth", f"{improvement} - {t} as growth_gap",
        f"round({improvement}, 10) > {t} as passed",
    ]
    sql, dims = owner_rollup(q, params, ctes, "per_rep", measures, "productivity_improvement")
    fetched = fetch_query(ctx, q, sql)
    n = int(sum(v or 0 for v in fetched.column("deals")))
    value, reason = _scalar(fetched, "productivity_improvement", dims)
    if value is None and not dims and fetched[1]:
        row = dict(zip(fetched[0], fetched[1][0], strict=True))
        reason = "INSUFFICIENT_HISTORY" if not row["base_ramped_fte"] else "ZERO_DENOMINATOR"
    definition = IMPROVEMENT_DEFINITION.format(base=_label(base), target=target)
    return make_result(ctx, IMPROVEMENT_SPEC, IMPROVEMENT_SPEC.headline(params), period=period,
                       definition=definition, fetched=fetched, n_records=n, value=value,
                       null_reason=reason)


def productivity_improvement_value(ctx: ToolContext, period: Period | PeriodParam,
                                   group_by: list[Any] | None = None) -> MetricResult:
    """M42 for one period against the same fiscal period a year earlier (for the scorecard).

    The result's row has target_growth, passed (strict >) and growth_gap; pass
    group_by=[Dimension.team] to see which teams drag the number down.
    """
    p = period if isinstance(period, PeriodParam) else PeriodParam.of(period)
    return productivity_improvement(ctx, MetricParams(period=p, group_by=group_by or [],
                                                      order="asc"))


def _base_period(ctx: ToolContext, period: Period, mode: str,
                 options: dict[str, Any]) -> Period:
    start, end = options["base_start"], options["base_end"]
    if start is not None or end is not None:
        if start is None or end is None:
            raise ToolInputError("an explicit baseline needs both base_start and base_end "
                                 "(YYYY-MM-DD)")
        base = Period(start, end, f"{start}..{end}")
        if end < start or abs(base.days - period.days) > 3:
            raise ToolInputError(f"the baseline ({base.days} days) must be as long as the "
                                 f"period ({period.days} days)")
        return base
    return comparison_period(ctx, period, mode)


def _to_date(ctx: ToolContext, period: Period) -> Period:
    """A period still running counts up to the as-of date (FTE and bookings to date)."""
    if period.start <= ctx.as_of < period.end:
        return Period(period.start, ctx.as_of, f"{period.label} to date")
    return period


def _same_span(base: Period, period: Period) -> Period:
    """Cut the base to as many days as a period-to-date, so both spans are comparable."""
    end = base.start + timedelta(days=period.days - 1)
    if not period.label.endswith(" to date") or end >= base.end:
        return base
    return Period(base.start, end, f"{base.label} first {period.days} days")


def _label(p: Period) -> str:
    return p.label if str(p.start) in p.label else f"{p.label} ({p.start} to {p.end})"


def _scalar(fetched: Fetched, headline: str,
            dims: list[str]) -> tuple[Any, str | None]:
    columns, rows, _ = fetched
    if dims or not rows:
        return None, None if dims else "NO_DATA"
    value = rows[0][columns.index(headline)]
    return value, None if value is not None else "ZERO_DENOMINATOR"
