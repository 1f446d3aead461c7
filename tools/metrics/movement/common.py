"""Pieces the movement tools share: deal snapshots at a date, stage visits rebuilt from
opportunity_history (METRICS §1.7, M25), grouping and the result envelope.

The movement tools compare states at two moments or walk the stage history, so they do not fit
MetricSpec; they build their own statements from these parts, values always bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from tools.base import (
    Dimension,
    FilterUnsupported,
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core import snapshots
from tools.metrics.core.envelope import fetch, no_data
from tools.metrics.core.snapshots import materialized
from tools.metrics.core.spec import Headline, ToolSpec
from tools.query import Query, Select
from tools.warehouse.facts import stage_visits

OPEN_FORECAST = "status = 'open' and coalesce(forecast_category, '') <> 'omitted'"
"""The M20 pipeline population (open, not omitted from the forecast)."""


def end_of(day: date) -> datetime:
    """Return the last instant of a day (as-of timestamps include the whole day)."""
    return datetime.combine(day, time.max)


def snapshot(ctx: ToolContext, q: Query, day: date, tag: str,
             columns: Sequence[str] | None = None) -> str:
    """Return the deals as they stood at the end of `day`: rebuilt from history before the data
    ends, else the current state (the same choice as core.spec.source, for any day). `columns`:
    the ones the reader needs (None: all), so a past state may skip the current deals."""
    end = ctx.settings.data_end
    current = day >= end if end is not None else day >= ctx.as_of
    if current:
        return "opp_facts" if ctx.facts else "v_opps"
    return snapshots.one(ctx, q.bind(tag, end_of(day)), columns)  # = opps_as_of(ts)


def visits_cte(ts: str, only: str | None = None, ctx: Any = None) -> str:
    """Return CTE `visits` (with a helper CTE): one row per stage visit up to timestamp `ts`
    (`only`: a subquery of the opportunity_ids whose visits are needed; None = every deal's).

    A visit is tools.warehouse.facts.stage_visits' (SF writes history rows for amount and date
    changes too, so consecutive rows with one stage are one visit). With `ctx` and opp_stage_visits
    current (materialized with opp_facts over the whole history), the visits as of `ts` are
    its visits entered by `ts`, an exit after `ts` not yet made: equal rows, no window.
    """
    restrict = f"\n    and opportunity_id in ({only})" if only else ""
    if ctx is not None and materialized(ctx, "opp_stage_visits"):
        return f"""visits as (
  select opportunity_id, visit_stage, entered_at,
         case when exited_at <= {ts} then exited_at end as exited_at, seq, visit_order,
         visit_closed, visit_won, prev_order, prev_closed
  from opp_stage_visits
  where entered_at <= {ts}{restrict}
)"""
    rows, select = stage_visits(f"changed_at <= {ts} and stage_name is not null{restrict}")
    return f"{rows}, visits as (\n{select}\n)"


def days_between(start: str, end: str) -> str:
    """Return fractional days between two timestamp expressions (METRICS §1.4)."""
    return f"(epoch({end}) - epoch({start})) / 86400.0"


def check_dims(params: MetricParams, allowed: Sequence[Dimension], title: str) -> None:
    """Reject a split or filter by a dimension the tool does not support."""
    bad = params.dimensions_outside(allowed)
    if bad:
        raise FilterUnsupported(
            f"{title} can't be split or filtered by {', '.join(bad)}", bad,
            options=[d.value for d in allowed])


def no_trend(params: MetricParams, title: str) -> None:
    """These tools answer for one period; a trend or comparison is a different question."""
    if params.time_grain or params.compare:
        raise ToolInputError(f"{title} is computed for one period at a time",
                             options=["ask for one period"])


def dim_columns(params: MetricParams) -> list[str]:
    """Dimension columns a statement needs: the grouping and the filters."""
    names = [d.value for d in params.group_by]
    return names + [f.dimension.value for f in params.filters
                    if f.dimension.value not in names]


def grouped(q: Query, params: MetricParams, body: str, measures: list[str], headline: str,
            *, order_by: str | None = None) -> str:
    """Aggregate `body` (a relation with dimension columns) by params.group_by.

    Rows come ordered by the headline (or `order_by`); a split by stage keeps pipeline order
    (`stage_order` column) unless a ranking is asked for.
    """
    dims = [d.value for d in params.group_by]
    if "opportunity" in dims:  # deal names are not unique: keep deals apart by id
        dims.insert(dims.index("opportunity") + 1, "opportunity_id")
    labels = [f"coalesce({d}, '(none)') as {d}" for d in dims]
    stmt = Select(labels + measures, body, q.filters(params.filters), column_separator=", ")
    if dims:
        stmt.group_by_all = True
        stmt.rank(q, params, order_by or headline, dims)
        if "stage" in dims and params.top is None:
            stmt.order_by = ["min(stage_order) nulls last", *dims]
    return stmt.sql()


def leading(columns: list[str], names: Sequence[str]) -> list[str]:
    """Move the select items aliased `names` to the front: a scalar answer cites the first
    columns after the headline, so they should be the ones that explain it."""
    first = [c for n in names for c in columns if c.endswith(f" as {n}")]
    return first + [c for c in columns if c not in first]


def finish(ctx: ToolContext, q: Query, sql: str, spec: ToolSpec, headline: Headline, *,
           definition: str, period: Period | None, count: str | None,
           params: MetricParams, warnings: list[Warning] | None = None,
           empty_reason: str = "NO_DATA") -> MetricResult:
    """Run the statement and return it as the spec's result (the one envelope).

    `count` names the column that sums to n_records (None: one record per row).
    """
    fetched = fetch(ctx, sql, q.params)
    n = len(fetched.rows) if count is None else fetched.total(count)
    notes = list(warnings or [])
    if n == 0:
        notes.append(no_data(ctx, period, span=False))
    return spec.result(ctx, fetched, headline, definition=definition, period=period,
                       n_records=n, scalar=not params.group_by, empty_reason=empty_reason,
                       warnings=notes)


def history_warning(ctx: ToolContext) -> Warning | None:
    """Warn when deals have no stage history: they cannot appear in history-based numbers."""
    missing = ctx.con.execute(
        "select count(*) from opportunities o where not coalesce(o.is_deleted, false) "
        "and not exists (select 1 from opportunity_history h "
        "where h.opportunity_id = o.opportunity_id)").fetchone()
    n = missing[0] if missing else 0
    if not n:
        return None
    return Warning(code="INSUFFICIENT_HISTORY",
                   message=f"{n:,} deals have no stage history and are left out.")
