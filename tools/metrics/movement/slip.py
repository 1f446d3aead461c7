"""Slippage and process hygiene (M27): slip rate, close-date pushes, stage regressions.

The slip population is the period's pipeline (M20) at a snapshot date (option `snapshot`,
default the day before the period starts); a deal slipped when it is still open at the end of
the period (or the as-of date, if sooner) with a close date after the period end. Pushes are
history rows whose close date is later than the one before (prev_close_date, else the previous
row's). Regressions are moves from an open stage back to a lower open stage among deals whose
stage changed in the period; a closed deal reopened is counted apart, not as a regression.
"""

from __future__ import annotations

from datetime import date, timedelta

from tools.base import (
    Dimension,
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
    Unit,
    Warning,
)
from tools.metrics.core.options import Option
from tools.metrics.core.periods import resolve_period
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.movement.common import (
    OPEN_FORECAST,
    check_dims,
    dim_columns,
    end_of,
    finish,
    grouped,
    leading,
    no_trend,
    snapshot,
    visits_cte,
)
from tools.metrics.movement.flow import FLOW_DIMS
from tools.query import Query, Select

LISTS = {"slip_rate": ("slipped", "snapshot_amount"), "slip_rate_value": ("slipped",
                                                                          "snapshot_amount"),
         "pushes": ("pushes > 0", "pushes"), "regression_rate": ("regressed", "amount")}
"""Deal list per measure: which deals, ranked by which column."""
LEADS = {"pushes": ("pushed_deals", "deals"),
         "regression_rate": ("regressed_deals", "stage_changed_deals", "reopened_deals")}
"""Columns that explain each headline, placed right after it."""
DEFINITION = (
    "slip_rate = deals of the period's pipeline at the snapshot (open, not omitted, close date "
    "in the period; option snapshot, default the day before the period) still open at the "
    "period end with a close date after it / those deals; slip_rate_value the same by snapshot "
    "amount. pushes = close-date moves to a later date after the snapshot (history rows with "
    "close_date > prev_close_date). regression_rate = deals moved from an open stage back to a "
    "lower open stage / deals whose stage changed in the period; reopened closed deals are "
    "counted apart (METRICS M27).")
SPEC = ToolSpec(name="slipping_deals", definition=DEFINITION, measures={
    "slip_rate": Headline("slip_rate", "ratio"),
    "slip_rate_value": Headline("slip_rate_value", "ratio"),
    "pushes": Headline("pushes", "count"),
    "regression_rate": Headline("regression_rate", "ratio")},
    options={"snapshot": Option(date, None)})

PER_DEAL = """pushes as (
  select opportunity_id, count(*) as pushes
  from (select opportunity_id, changed_at, close_date,
               coalesce(prev_close_date, lag(close_date) over (
                 partition by opportunity_id order by changed_at, history_id)) as prev_close
        from opportunity_history where changed_at <= {end_ts})
  where changed_at > {snap_ts} and close_date > prev_close
  group by 1
), moves as (
  select opportunity_id,
         bool_or(seq > 1) as changed,
         bool_or(seq > 1 and not visit_closed and not prev_closed
                 and visit_order < prev_order) as regressed,
         bool_or(seq > 1 and not visit_closed and prev_closed) as reopened
  from visits
  where cast(entered_at as date) between {p0} and {p1}
  group by 1
), d as (
  select e.*, s.opportunity_id is not null as in_snapshot, s.close_date as snapshot_close_date,
         s.amount_corp as snapshot_amount, coalesce(p.pushes, 0) as pushes,
         s.opportunity_id is not null and e.status = 'open' and e.close_date > {p1} as slipped,
         coalesce(m.changed, false) as changed, coalesce(m.regressed, false) as regressed,
         coalesce(m.reopened, false) as reopened
  from (select opportunity_id, opportunity, status, close_date, amount_corp{dims}
        from {end}) e
  left join (select * from {snap} where {open_forecast} and close_date between {p0} and {p1}) s
         using (opportunity_id)
  left join pushes p on p.opportunity_id = e.opportunity_id and s.opportunity_id is not null
  left join moves m on m.opportunity_id = e.opportunity_id
  where s.opportunity_id is not null or m.changed
)"""

SUMMARY = [
    "count(*) filter (where slipped) / nullif(count(*) filter (where in_snapshot), 0) "
    "as slip_rate",
    "sum(snapshot_amount) filter (where slipped) / nullif(sum(snapshot_amount), 0) "
    "as slip_rate_value",
    "count(*) filter (where in_snapshot) as deals", "count(*) filter (where slipped) as slipped",
    "sum(snapshot_amount) as snapshot_amount",
    "sum(snapshot_amount) filter (where slipped) as slipped_amount",
    "count(*) filter (where pushes > 0) as pushed_deals", "sum(pushes) as pushes",
    "count(*) filter (where regressed) / nullif(count(*) filter (where changed), 0) "
    "as regression_rate",
    "count(*) filter (where regressed) as regressed_deals",
    "count(*) filter (where changed) as stage_changed_deals",
    "count(*) filter (where reopened) as reopened_deals"]
LIST_UNITS: dict[str, Unit] = {"snapshot_amount": "currency", "pushes": "count",
                               "amount": "currency"}
"""The unit of each column a deal list is ranked by (LISTS)."""


def _deal_list(q: Query, params: MetricParams, measure: str) -> tuple[str, Headline]:
    cond, order = LISTS[measure]
    others = [d.value for d in params.group_by if d != Dimension.opportunity]
    first = ["amount_corp as amount"] if order == "amount" else [order, "amount_corp as amount"]
    cols = ["opportunity", "opportunity_id", *others, *first, "status",
            "cast(snapshot_close_date as varchar) as snapshot_close_date",
            "cast(close_date as varchar) as close_date", "pushes", "slipped", "regressed",
            "reopened"]
    stmt = Select(cols, "d", [cond, *q.filters(params.filters)], column_separator=", ")
    return stmt.rank(q, params, order, ["opportunity_id"]).sql(), Headline(order,
                                                                          LIST_UNITS[order])


def slipping_deals(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Slip rate of the period's pipeline, close-date pushes and stage regressions.

    Hand-written: a snapshot compared with the deals' later history.
    """
    check_dims(params, FLOW_DIMS, "Slipping deals")
    no_trend(params, "Slipping deals")
    headline = SPEC.headline(params)
    measure = params.measure or "slip_rate"
    period = resolve_period(ctx, params, "quarter")
    end_day = min(period.end, ctx.as_of)
    snap_day = (SPEC.read_options(params)["snapshot"]
                or period.start - timedelta(days=1))
    if snap_day >= end_day:
        raise ToolInputError(f"the snapshot ({snap_day}) must be before {end_day}",
                             options=["the day before the period starts"])
    q = Query()
    dims = [c for c in dim_columns(params) if c != "opportunity"]
    ctes = [visits_cte(q.bind("end_ts", end_of(end_day)), ctx=ctx), PER_DEAL.format(
        end_ts="$end_ts", snap_ts=q.bind("snap_ts", end_of(snap_day)),
        p0=q.bind("p_start", period.start), p1=q.bind("p_end", period.end),
        dims="".join(f", {d}" for d in dims), end=snapshot(ctx, q, end_day, "end_state_ts"),
        snap=snapshot(ctx, q, snap_day, "snapshot_ts"), open_forecast=OPEN_FORECAST)]
    count: str | None = "stage_changed_deals" if measure == "regression_rate" else "deals"
    if Dimension.opportunity in params.group_by:
        body, headline = _deal_list(q, params, measure)
        count = None
    else:
        body = grouped(q, params, "d", leading(SUMMARY, LEADS.get(measure, ())),
                       headline.column)
    notes = []
    if end_day < period.end and measure != "regression_rate":
        notes.append(Warning(code="PERIOD_IN_PROGRESS",
                             message=f"{period.label} ends {period.end}; slips are counted as of "
                                     f"{end_day}."))
    definition = f"{DEFINITION} Snapshot: end of {snap_day}; outcome: end of {end_day}."
    return finish(ctx, q, "with " + ",\n".join(ctes) + "\n" + body, SPEC, headline,
                  definition=definition, period=period, count=count, params=params,
                  warnings=notes)
