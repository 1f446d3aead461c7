"""Pieces shared by the forecast and productivity tools: owner rollups, running, the envelope.

These tools build their own statements (several periods or snapshots in one query), so they
run them here instead of through the single-period engine, with the same conventions: bound
parameters, `result.sql` rendered from the executed statement, undefined ratios NULL.
"""

from __future__ import annotations

from typing import Any

from tools.base import (
    OWNER_DIMENSIONS,
    Dimension,
    FilterUnsupported,
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
    Unit,
    Warning,
)
from tools.fiscal import Period
from tools.query import Query, plain, render

OWNER_GROUPS = tuple(d for d in Dimension if d in OWNER_DIMENSIONS)
"""rep, manager, team, region, territory: the dimensions a per-rep metric can roll up by."""


def check_owner_dims(params: MetricParams, what: str) -> None:
    """Reject splits or filters by anything but the owner dimensions (the metric is per rep)."""
    bad = params.dimensions_outside(OWNER_DIMENSIONS)
    if bad:
        raise FilterUnsupported(
            f"{what} is measured per rep, so it can be split or filtered by rep, manager, team, "
            f"region or territory, not by {', '.join(bad)}", bad,
            options=sorted(d.value for d in OWNER_DIMENSIONS))


def one_period(params: MetricParams, what: str, *, compare: bool = False,
               grain: str | None = None) -> None:
    """Say so when a question asks for what these tools do not do (instead of ignoring it).

    They answer one period at a time: no trend (except `grain`, which they list anyway), no
    "all time", and no comparison unless `compare`.
    """
    if params.time_grain and params.time_grain != grain:
        raise ToolInputError(f"{what} is computed for one period at a time, not as a trend",
                             options=["this quarter", "last quarter", "this fiscal year"])
    if params.all_time:
        raise ToolInputError(f"{what} needs a period", options=["this quarter", "this year"])
    if params.compare and not compare:
        raise ToolInputError(f"{what} cannot be compared with another period in one answer; "
                             "ask for each period", options=["this quarter", "last quarter"])


def owner_rollup(q: Query, params: MetricParams, per_rep: str, measures: list[str],
                 headline: str) -> tuple[str, list[str]]:
    """Return SELECT rolling a per-rep relation (column user_id) up by the owner dimensions."""
    dims = [d.value for d in params.group_by]
    labels = [f"coalesce(r.{d}, '(none)') as {d}" for d in dims]
    conds = q.filters(params.filters, qualifier="r.")
    sql = (f"select {', '.join(labels + measures)}\nfrom {per_rep} p\n"
           f"left join v_reps r using (user_id)")
    if conds:
        sql += "\nwhere " + " and ".join(conds)
    if dims:
        direction = "asc" if params.order == "asc" else "desc"
        sql += f"\ngroup by all\norder by {headline} {direction} nulls last, {', '.join(dims)}"
        if params.top:
            sql += f"\nlimit {q.bind('top', params.top)}"
    return sql, dims


def fetch(ctx: ToolContext, q: Query, sql: str) -> tuple[list[str], list[list[Any]], str]:
    """Run a statement; return its column names, JSON-friendly rows and the rendered SQL."""
    cur = ctx.con.execute(sql, q.params)
    columns = [d[0] for d in cur.description]
    rows = [[plain(v) for v in r] for r in cur.fetchall()]
    return columns, rows, render(sql, q.params)


def make_result(ctx: ToolContext, *, metric: str, headline: str, unit: Unit, period: Period | None,
                definition: str, fetched: tuple[list[str], list[list[Any]], str],
                n_records: int, value: Any = None, null_reason: str | None = None,
                warnings: list[Warning] | None = None) -> MetricResult:
    """Wrap fetched rows in the envelope; a missing scalar gets a reason, never a 0."""
    columns, rows, sql = fetched
    if value is None and null_reason is None and not rows:
        null_reason = "NO_DATA"
    return MetricResult(metric=metric, value=value, unit=unit, columns=columns, rows=rows,
                        period=period.to_dict() if period else None, as_of=ctx.as_of,
                        definition=definition, sql=sql, n_records=n_records,
                        warnings=warnings or [], null_reason=null_reason, measure=headline)


def column(fetched: tuple[list[str], list[list[Any]], str], name: str) -> list[Any]:
    """Return one column of fetched rows."""
    columns, rows, _ = fetched
    i = columns.index(name)
    return [r[i] for r in rows]


def pick_measure(params: MetricParams, headlines: dict[str, str], tool: str) -> str:
    """Return the headline column for params.measure (first entry = default)."""
    if params.measure is None:
        return next(iter(headlines.values()))
    if params.measure not in headlines:
        raise ToolInputError(f"{tool} has no measure '{params.measure}'",
                             options=list(headlines))
    return headlines[params.measure]


def read_options(params: MetricParams, tool: str,
                 allowed: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    """Return the tool's options with defaults; unknown names or bad values are asked back.

    `allowed` maps option name -> (default, type) or, for a number, (default, type, low, high)
    with its inclusive range; a default of None means "not set".
    """
    unknown = sorted(set(params.options) - set(allowed))
    if unknown:
        raise ToolInputError(f"{tool} has no option {', '.join(unknown)}", options=list(allowed))
    out = {}
    for name, (default, kind, *bounds) in allowed.items():
        raw = params.options.get(name, default)
        try:
            out[name] = None if raw is None else kind(raw)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ToolInputError(f"option {name} of {tool} must be a {kind.__name__}") from exc
        if bounds and out[name] is not None and not bounds[0] <= out[name] <= bounds[1]:
            raise ToolInputError(f"option {name} of {tool} must be between {bounds[0]} and "
                                 f"{bounds[1]}, not {out[name]}")
    return out
