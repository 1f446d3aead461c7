"""Run a record-level metric of the funnel, technology and operations areas.

Each tool writes `r`: one row per record (a lead, a request, a licensed user, a reconciliation
key), tagged with the bucket it falls in and carrying the labels of its dimensions. This module
adds the buckets (the period; its fiscal months or quarters for a trend; or the period and its
comparison period), the filters, the aggregation, the ranking and the result envelope, so every
tool gets trends, breakdowns and comparisons from one tested path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from tools.base import (
    FilterUnsupported,
    MetricParams,
    MetricResult,
    PeriodParam,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import Fetched, envelope, fetch, headline_column, no_data
from tools.metrics.core.frame import RecordFrame, RecordSpec
from tools.metrics.core.periods import comparison_period, resolve_period
from tools.metrics.core.records_sql import statement
from tools.query import Query, bucket_exprs


def start(ctx: ToolContext, params: MetricParams, spec: RecordSpec,
          default_period: str) -> RecordFrame:
    """Check dimensions, resolve the period and build the buckets every record joins."""
    bad = params.dimensions_outside(spec.dims)
    if bad:
        raise FilterUnsupported(f"{spec.name} cannot be split or filtered by {', '.join(bad)}",
                                bad, options=[d.value for d in spec.dims])
    if params.compare and params.time_grain:
        raise ToolInputError("a comparison works on one period; ask for the trend or the "
                             "comparison", options=["drop the comparison", "drop the trend"])
    if params.all_time:
        first = ctx.settings.data_start or date(1900, 1, 1)
        period = Period(first, ctx.as_of, "all dates")
    else:
        period = resolve_period(ctx, params, default_period)
    q = Query()
    as_of = q.bind("as_of", ctx.as_of)
    cutoff = q.bind("cutoff", datetime.combine(ctx.as_of + timedelta(days=1), time()))
    frame = RecordFrame(ctx=ctx, params=params, q=q, period=period, spec=spec, as_of=as_of,
                        cutoff=cutoff)
    rows = [("current", period)]
    if params.compare:
        rows.append(("previous", comparison_period(ctx, period, params.compare)))
    if params.time_grain:
        frame.buckets, frame.label_sql = _trend_buckets(frame, as_of)
    else:
        frame.buckets = "\n  union all\n".join(_bucket_row(q, tag, p, as_of) for tag, p in rows)
    return frame


def _bucket_row(q: Query, tag: str, period: Period, as_of: str) -> str:
    s, e = q.bind(f"{tag[0]}_start", period.start), q.bind(f"{tag[0]}_end", period.end)
    return (f"  select '{tag}' as tag, {s} as bucket_start, {s} as b_start, "
            f"least({e}, {as_of}) as b_end")


def _trend_buckets(frame: RecordFrame, as_of: str) -> tuple[str, str]:
    q, cal, grain = frame.q, frame.ctx.settings.calendar, frame.params.time_grain
    assert grain is not None
    buckets = bucket_exprs(q, "bucket_start", grain, cal.start_month, cal.ending)
    label_sql, step = buckets.label, buckets.step
    first = q.bind("b_first", cal.bucket_start(frame.period.start, grain))
    p_start, p_end = q.bind("p_start", frame.period.start), q.bind("p_end", frame.period.end)
    sql = (f"  select 'current' as tag, bs as bucket_start, greatest(bs, {p_start}) as b_start,\n"
           f"         least(cast(bs + {step} as date) - 1, {p_end}, {as_of}) as b_end\n"
           f"  from (select unnest(generate_series({first}, {p_end}, {step}))::date as bs)")
    return sql, label_sql


def finish(frame: RecordFrame, ctes: str) -> MetricResult:
    """Aggregate the tool's records (`ctes` ends with `r`), run it and wrap the result."""
    sql = statement(frame, ctes)
    fetched = fetch(frame.ctx, sql, frame.q.used_by(frame.ctx.con, sql))  # maybe no $cutoff
    spec, p = frame.spec, frame.params
    n = fetched.total(spec.count)
    warnings = [no_data(frame.ctx, frame.period, "records")] if n == 0 else []
    for d in p.group_by:
        missing = sum(c or 0 for c, label in zip(fetched.column(spec.count),
                                                 fetched.column(d.value), strict=True)
                      if label == "(none)")
        if missing:
            warnings.append(Warning(code="MISSING_DIMENSION", message=(
                f"{missing:,} of {n:,} records have no {d.value.replace('_', ' ')}; they are "
                "shown as (none).")))
    unit = next(c.unit for c in spec.columns if c.name == spec.headline)
    return envelope(frame.ctx, fetched, metric=spec.name, measure=spec.headline, unit=unit,
                    definition=spec.definition, period=frame.period, n_records=n,
                    scalar=not p.group_by and not p.time_grain, warnings=warnings)


def measure_of(params: MetricParams, measures: tuple[str, ...], tool: str) -> str:
    """Return the requested measure, or the first (default); reject unknown ones."""
    return headline_column(params, {m: m for m in measures}, tool)


def whole_quarters(ctx: ToolContext, params: MetricParams, period: Period) -> bool:
    """Whether a run's buckets are whole fiscal quarters ended by the as-of date (one quarter,
    or a quarterly trend over whole quarters; no comparison): the buckets of the tables kept
    per quarter at load (tools.warehouse.recon, tools.warehouse.usage)."""
    if params.compare or params.time_grain not in (None, "quarter") or period.end > ctx.as_of:
        return False
    cal = ctx.settings.calendar
    first, last = cal.bucket(period.start, "quarter"), cal.bucket(period.end, "quarter")
    return (period.start, period.end) == (first.start, last.end) and (
        params.time_grain is not None or first.start == last.start)


def for_period(run: Callable[[ToolContext, MetricParams], MetricResult], ctx: ToolContext,
               period: Period, **params: Any) -> MetricResult:
    """Run a tool for one period with no breakdown: the scorecard's headline number."""
    return run(ctx, MetricParams(period=PeriodParam.of(period), **params))


def for_quarters(run: Callable[[ToolContext, MetricParams], MetricResult], ctx: ToolContext,
                 quarters: list[Period], count: str) -> list[MetricResult]:
    """for_period of each of consecutive fiscal quarters, from one statement: the tool's trend
    by quarter over them (each bucket holds the records of its quarter, as its own run selects
    them), so the tables are read once instead of once a quarter. Each result has the value,
    record count (the tool's `count` column) and reason of the single-period run (not its
    warnings) and the trend's SQL; quarters that are not consecutive, or a trend missing one,
    run one by one."""
    cal = ctx.settings.calendar
    consecutive = all(cal.bucket(q.start, "quarter") == q for q in quarters) and all(
        a.end + timedelta(days=1) == b.start for a, b in zip(quarters, quarters[1:], strict=False))
    if not quarters or not consecutive:
        return [for_period(run, ctx, q) for q in quarters]
    span = PeriodParam.of(Period(quarters[0].start, quarters[-1].end,  # computed: unbounded
                                 f"{quarters[0].label} to {quarters[-1].label}"))
    trend = run(ctx, MetricParams(period=span, time_grain="quarter"))
    rows = {row[0]: row for row in trend.rows}
    if trend.columns[0] != "quarter" or count not in trend.columns \
            or sorted(rows) != sorted(q.label for q in quarters):
        return [for_period(run, ctx, q) for q in quarters]
    n = trend.columns.index(count)
    return [envelope(ctx, Fetched(trend.columns[1:], [rows[q.label][1:]], trend.sql),
                     metric=trend.metric, measure=trend.measure, unit=trend.unit,
                     definition=trend.definition, period=q, n_records=rows[q.label][n] or 0,
                     scalar=True)
            for q in quarters]
