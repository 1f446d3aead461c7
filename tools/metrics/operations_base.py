"""Run a record-level metric of the funnel, technology and operations areas.

Each tool writes `r`: one row per record (a lead, a request, a licensed user, a reconciliation
key), tagged with the bucket it falls in and carrying the labels of its dimensions. This module
adds the buckets (the period; its fiscal months or quarters for a trend; or the period and its
comparison period), the filters, the aggregation, the ranking and the result envelope, so every
tool gets trends, breakdowns and comparisons from one tested path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from tools.base import (
    Dimension,
    FilterUnsupported,
    MetricParams,
    MetricResult,
    PeriodParam,
    ToolContext,
    ToolInputError,
    Unit,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.operations_sql import statement
from tools.metrics.periods import comparison_period, resolve_period
from tools.query import Query, bucket_exprs, plain, render


@dataclass(frozen=True)
class Column:
    """One aggregate over `rf` (the filtered records); additive ones compare as growth."""

    name: str
    sql: str
    unit: Unit
    additive: bool = False


@dataclass(frozen=True)
class RecordSpec:
    """What a tool computes for one call (columns may depend on its measure and grouping)."""

    name: str
    definition: str
    headline: str
    columns: tuple[Column, ...]
    count: str
    """Column holding the records behind each row (sums to n_records)."""
    dims: tuple[Dimension, ...]
    filter_sql: dict[Dimension, str] = field(default_factory=dict)
    """Filter conditions that are not `dim in (...)`; `{values}` becomes the bound values."""


@dataclass
class Frame:
    """One run: bound parameters, the resolved period and the buckets SQL."""

    ctx: ToolContext
    params: MetricParams
    spec: RecordSpec
    q: Query
    period: Period
    buckets: str = ""
    label_sql: str | None = None
    as_of: str = ""
    """Placeholder of the as-of date."""
    cutoff: str = ""
    """Placeholder of the first instant after the as-of day: events before it have happened."""


def start(ctx: ToolContext, params: MetricParams, spec: RecordSpec, default_period: str) -> Frame:
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
    frame = Frame(ctx, params, spec, q, period, as_of=as_of, cutoff=cutoff)
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


def _trend_buckets(frame: Frame, as_of: str) -> tuple[str, str]:
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


def finish(frame: Frame, ctes: str) -> MetricResult:
    """Aggregate the tool's records (`ctes` ends with `r`), run it and wrap the result."""
    sql = statement(frame, ctes)
    bound = frame.q.used_by(frame.ctx.con, sql)  # a tool's template may not use $cutoff
    cur = frame.ctx.con.execute(sql, bound)
    columns = [d[0] for d in cur.description]
    rows = [[plain(v) for v in row] for row in cur.fetchall()]
    return _envelope(frame, columns, rows, render(sql, bound))


def _envelope(frame: Frame, columns: list[str], rows: list[list[Any]], sql: str) -> MetricResult:
    spec, p = frame.spec, frame.params
    n = int(sum(r[columns.index(spec.count)] or 0 for r in rows))
    scalar = not p.group_by and not p.time_grain
    value = rows[0][columns.index(spec.headline)] if scalar and rows else None
    null_reason = None
    if scalar and value is None:
        null_reason = "NO_DATA" if n == 0 else "ZERO_DENOMINATOR"
    warnings: list[Warning] = []
    if n == 0:
        s = frame.ctx.settings
        span = f" The data covers {s.data_start} to {s.data_end}." if s.data_end else ""
        warnings.append(Warning(code="NO_DATA", message=f"No matching records in "
                                f"{frame.period.label} ({frame.period.start} to "
                                f"{frame.period.end}).{span}"))
    for d in p.group_by:
        i = columns.index(d.value)
        missing = sum(r[columns.index(spec.count)] or 0 for r in rows if r[i] == "(none)")
        if missing:
            warnings.append(Warning(code="MISSING_DIMENSION", message=(
                f"{missing:,} of {n:,} records have no {d.value.replace('_', ' ')}; they are "
                "shown as (none).")))
    unit = next(c.unit for c in spec.columns if c.name == spec.headline)
    return MetricResult(
        metric=spec.name, value=value, unit=unit, columns=columns, rows=rows,
        period=frame.period.to_dict(), as_of=frame.ctx.as_of, definition=spec.definition,
        sql=sql, n_records=n, warnings=warnings, null_reason=null_reason, measure=spec.headline)


def check_options(params: MetricParams, allowed: set[str]) -> None:
    """Reject options the tool does not know (a typo must not be silently ignored)."""
    unknown = sorted(set(params.options) - allowed)
    if unknown:
        raise ToolInputError(f"unknown option(s) {', '.join(unknown)}", options=sorted(allowed))


def option(params: MetricParams, name: str, default: Any, allowed: set[str],
           low: float | None = None, high: float | None = None) -> Any:
    """Return a validated option value (same type as the default, within [low, high] when
    given: every numeric option declares its range); unknown names are errors."""
    check_options(params, allowed)
    raw = params.options.get(name, default)
    try:
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
        value = type(default)(raw)
    except (TypeError, ValueError, OverflowError):
        raise ToolInputError(f"option {name} must be a {type(default).__name__}, got {raw!r}",
                             options=[str(default)]) from None
    if isinstance(value, float) and value != value or (low is not None and value < low) or \
            (high is not None and value > high):  # value != value: NaN
        raise ToolInputError(f"option {name} must be between {low} and {high}, not {value}",
                             options=[str(default)])
    return value


def measure_of(params: MetricParams, measures: tuple[str, ...]) -> str:
    """Return the requested measure, or the first (default); reject unknown ones."""
    if params.measure is None:
        return measures[0]
    if params.measure not in measures:
        raise ToolInputError(f"no measure '{params.measure}'", options=list(measures))
    return params.measure


def for_period(run: Callable[[ToolContext, MetricParams], MetricResult], ctx: ToolContext,
               period: Period, **params: Any) -> MetricResult:
    """Run a tool for one period with no breakdown: the scorecard's headline number."""
    return run(ctx, MetricParams(period=PeriodParam.of(period), **params))
