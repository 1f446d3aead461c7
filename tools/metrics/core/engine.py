"""Run an aggregate metric over opportunities: source, population, period, breakdown, ranking.

A metric is data (a MetricSpec: measures, population, period column); this module turns a spec
plus MetricParams into one SQL statement, runs it on the read-only connection and wraps the
rows in the result envelope.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from tools.base import (
    Dimension,
    MetricParams,
    MetricResult,
    Tool,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.metrics.core.envelope import Fetched, envelope, fetch_query, headline_column
from tools.metrics.core.options import read_options
from tools.metrics.core.periods import comparison_period, resolve_period
from tools.metrics.core.spec import MetricSpec, source
from tools.metrics.core.warnings import REFERENCE_CHECKS, collect_warnings
from tools.quality.caveats import caveat_measures
from tools.query import (
    Measure,
    Query,
    Select,
    bucket_exprs,
    filtered,
    label,
    label_columns,
    ranking,
)


def reference_checks(params: MetricParams) -> list[Measure]:
    """Count deals whose reference behind a split or filtered dimension did not resolve."""
    dims = {d.value for d in params.group_by} | {f.dimension.value for f in params.filters}
    return [Measure(f"{flag}_{dim}", partial(filtered, "count(*)", flag), "count")
            for dim, (flag, _) in REFERENCE_CHECKS.items() if dim in dims]


def bind_shared(ctx: ToolContext, q: Query, measures: list[Measure]) -> None:
    """Bind the run-wide values (`$as_of`) the statement's measures declare they name."""
    values = {"as_of": ctx.as_of}
    for name in dict.fromkeys(n for m in measures for n in m.shared):
        q.share(name, values[name])


def run_metric(ctx: ToolContext, spec: MetricSpec, params: MetricParams) -> MetricResult:
    """Build, run and wrap one metric query."""
    read_options(params, spec.name, spec.options)  # a knob it lacks is asked back, not ignored
    headline = headline_column(params, spec.headline, spec.name)
    period = None if params.all_time else resolve_period(ctx, params, spec.default_period)
    if params.compare and params.time_grain:
        raise ToolInputError("a comparison works on one period; ask for the trend or the "
                             "comparison", options=["drop the comparison", "drop the trend"])
    q = Query()
    conds = [spec.population]
    current = previous = None
    then: date | None = None
    measures = spec.measures + spec.quality
    if period is not None:
        if params.compare:
            prev = comparison_period(ctx, period, params.compare)
            current = q.between(spec.period_column, period, "p")
            previous = q.between(spec.period_column, prev, "c")
            if spec.stock:  # the deals open at the same point of the period compared with
                if ctx.settings.data_end is None:
                    raise ToolInputError(
                        f"{spec.name.replace('_', ' ')} is a balance: comparing it with another "
                        "period needs the deals as they stood then, and this warehouse has no "
                        "history end date to rebuild them from", options=["drop the comparison"])
                then = ctx.as_of - (period.start - prev.start)
                current, previous = f"(not _then and {current})", f"(_then and {previous})"
            conds.append(f"({current} or {previous})")
        else:
            conds.append(q.between(spec.period_column, period, "p"))
    conds += q.filters(params.filters)
    cols = list(measures) + reference_checks(params) + caveat_measures(spec, params)
    bind_shared(ctx, q, cols)
    selects = [f"{m.expr(current)} as {m.name}" for m in cols]
    names = [m.name for m in cols]
    if params.compare:
        h = spec.measure(headline)
        prev_name, delta_name = f"{headline}_previous", ("growth" if h.additive else "change")
        selects.append(f"{h.expr(previous)} as {prev_name}")
        cur_sql, prev_sql = h.expr(current), h.expr(previous)
        delta = (f"({cur_sql} - {prev_sql}) / nullif({prev_sql}, 0)" if h.additive
                 else f"{cur_sql} - {prev_sql}")
        selects.append(f"{delta} as {delta_name}")
        names += [prev_name, delta_name]
    src = stock_source(ctx, q, then) if then else source(ctx, q)
    where = "\n  and ".join(conds)
    dims = list(params.group_by)
    if params.time_grain:
        sql, _ = _trend_sql(ctx, q, spec, params, period, src, where, selects, names,
                                     headline)
    else:
        sql, _ = _grouped_sql(q, params, dims, src, where, selects, headline)
    fetched = fetch_query(ctx, q, sql)
    result = _envelope(ctx, spec, params, headline, period, fetched)
    if then is not None:
        result.warnings.append(Warning(
            code="STOCK_COMPARED",
            message=f"{spec.name.replace('_', ' ').capitalize()} is a balance: the comparison "
                    f"is the deals open on {then} with a close date in {prev.label} (the same "
                    f"point of that period), not today's deals with a close date back then."))
    return result


def stock_source(ctx: ToolContext, q: Query, then: date) -> str:
    """The deals now and as they stood on `then`, marked by `_then`: a balance compared with
    an earlier period reads each side at its own moment (MetricSpec.stock)."""
    return (f"(select *, false as _then from {source(ctx, q)}\n  union all by name\n"
            f"  select *, true as _then from {source(ctx, q, then, 'then_ts')}) deals")


def _grouped_sql(q: Query, params: MetricParams, dims: list[Dimension], src: str, where: str,
                 selects: list[str], headline: str) -> tuple[str, list[str]]:
    stmt = Select([label(d) for d in dims] + selects, src, [where])
    if dims:
        stmt.group_by_all = True
        keys = [d.value for d in dims]
        stmt.rank(q, params, headline, keys)
        if Dimension.stage in dims and params.top is None:
            stmt.order_by = ["min(stage_order) nulls last", *keys]
    return stmt.sql(), label_columns(dims)


def _trend_sql(ctx: ToolContext, q: Query, spec: MetricSpec, params: MetricParams, period: Any,
               src: str, where: str, selects: list[str], names: list[str],
               headline: str) -> tuple[str, list[str]]:
    if period is None:
        raise ToolInputError("a trend needs a period",
                             options=["this fiscal year", "last 12 months"])
    grain = params.time_grain
    assert grain is not None
    cal = ctx.settings.calendar
    buckets = bucket_exprs(q, spec.period_column, grain, cal.start_month, cal.ending)
    dims = list(params.group_by)
    inner = (f"m as (\n  select {buckets.start} as bucket_start"
             + "".join(f",\n         {s}" for s in [label(d) for d in dims] + selects)
             + f"\n  from {src}\n  where {where}\n  group by all\n)")
    grain_col = grain
    if dims:
        keys = [d.value for d in dims]
        outer = Select([f"{buckets.label} as {grain_col}", *label_columns(dims), *names], "m",
                       order_by=["bucket_start", f"{headline} desc nulls last", *keys],
                       ctes=[inner], column_separator=", ")
        if params.top:
            outer.qualify = (f"row_number() over (partition by bucket_start order by "
                             f"{', '.join(ranking(params, headline, keys))}) "
                             f"<= {q.bind('top', params.top)}")
    else:
        start = q.bind("b_start", ctx.settings.calendar.bucket_start(period.start, grain))
        outer_cols = [f"coalesce({n}, 0) as {n}" if _additive(spec, n) else n for n in names]
        outer = Select(
            [f"{buckets.label} as {grain_col}", *outer_cols],
            f"(select unnest(generate_series({start}, {q.bind('b_end', period.end)}, "
            f"{buckets.step}))::date as bucket_start) buckets\nleft join m using (bucket_start)",
            order_by=["bucket_start"], ctes=[inner], column_separator=", ")
        if params.top:  # "best month": rank the buckets instead of listing them in time order
            outer.rank(q, params, headline, ["bucket_start"])
    return outer.sql(), [grain_col] + label_columns(dims)


def _additive(spec: MetricSpec, name: str) -> bool:
    try:
        return spec.measure(name).additive
    except StopIteration:
        return name.endswith("_previous")


def _envelope(ctx: ToolContext, spec: MetricSpec, params: MetricParams, headline: str,
              period: Any, fetched: Fetched) -> MetricResult:
    n_records = fetched.total(spec.count_measure)
    warnings = collect_warnings(ctx, spec, params, fetched.columns, fetched.rows, n_records,
                                period)
    return envelope(ctx, fetched, metric=spec.name, measure=headline,
                    unit=spec.measure(headline).unit, definition=spec.definition, period=period,
                    n_records=n_records, scalar=not params.group_by and not params.time_grain,
                    warnings=warnings, units=_units(spec, fetched.columns))


def _units(spec: MetricSpec, columns: list[str]) -> dict[str, str]:
    """Each measure column's declared unit, so a count named 'closed' never reads as money."""
    known = {m.name: m.unit for m in spec.measures + spec.quality}
    return {c: known[c] for c in columns if c in known}


def spec_tool(spec: MetricSpec, title: str, description: str, *,
              comparable: bool = True, lower_is_better: frozenset[str] = frozenset(),
              series: bool = False, never_counts: frozenset[str] = frozenset()) -> Tool:
    """Return the tool that runs a MetricSpec; `comparable`: a follow-up "why" compares it
    with the previous period (not for a state as of a date, such as a forecast)."""

    def run(ctx: ToolContext, params: MetricParams) -> MetricResult:
        """Run the spec's aggregate.

        MetricSpec: one statement built by the engine (run_metric).
        """
        return run_metric(ctx, spec, params)

    return Tool(name=spec.name, title=title, description=description, run=run,
                measures=tuple(spec.headline), default_period=spec.default_period,
                options=spec.options, comparable=comparable, lower_is_better=lower_is_better,
                series=series, never_counts=never_counts)
