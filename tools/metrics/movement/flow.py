"""Pipeline movement: how the period's pipeline got from its start to its end, deal by deal.

Pipeline = the M20 population (open, not omitted, close date in the period) as of two moments:
the end of the day before the period starts, and the end of the period (or the as-of date if
sooner). Every deal in either, or closed in the period, enters once (or was there at the start)
and leaves once (or is there at the end), so start + entries + increased - decreased - exits = end
holds for amounts and for deal counts (increased/decreased change no count). Amounts are each
deal's corporate amount at the end, so an exit is valued at what left the pipeline.
"""

from __future__ import annotations

from datetime import timedelta

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, ToolInputError
from tools.metrics.core.periods import resolve_period
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.movement.common import (
    check_dims,
    dim_columns,
    finish,
    grouped,
    leading,
    no_trend,
    snapshot,
)
from tools.query import Query, Select

FLOW_DIMS = tuple(d for d in Dimension if d.value in (
    "opportunity", "rep", "manager", "team", "region", "territory", "product", "product_family",
    "industry", "segment", "deal_type", "lead_source", "account"))
"""Labels come from the deal at the end; stage and category change during the period."""

ENTRIES = {"new": "entered_as = 'new'", "pulled_in": "entered_as = 'pulled_in'",
           "pushed_in": "entered_as = 'pushed_in'", "reopened": "entered_as = 'reopened'",
           "category_in": "entered_as = 'category_in'"}
EXITS = {"won": "left_as = 'won'", "lost": "left_as = 'lost'", "slipped": "left_as = 'slipped'",
         "pulled_out": "left_as = 'pulled_out'", "category_out": "left_as = 'category_out'"}
PUSHED = "in_start and status = 'open' and close_date > s_close"
MOVED = "in_start and status = 'open' and forecast_category is distinct from s_category"
TYPES = {"start": ("in_start", "start_amt"), **{k: (c, "amt") for k, c in ENTRIES.items()},
         "increased": ("change > 0", "change"), "decreased": ("change < 0", "-change"),
         **{k: (c, "amt") for k, c in EXITS.items()}, "end": ("in_end", "end_amt"),
         "pushed_out": (PUSHED, "amt"), "moved_category": (MOVED, "amt")}
"""Movement type -> (which deals, their amount for that type)."""

DEFINITION = (
    "Pipeline = open deals not omitted from the forecast with a close date in the period "
    "(M20), as of the day before the period starts and as of its end (or the as-of date). "
    "start + new + pulled_in (close date moved in from later) + pushed_in (from earlier) + "
    "reopened + category_in (out of omitted) + increased - decreased - won - lost - slipped "
    "(close date moved past the period end) - pulled_out (moved before it) - category_out "
    "(into omitted) = end, for amounts and deal counts. A deal created and closed inside the "
    "period is both new and won/lost. Not part of the identity: pushed_out = deals of the "
    "start pipeline still open with a later close date (slipped ones included); "
    "moved_category = those whose forecast category changed. Amounts in corporate currency "
    "at the end state; deals without amount count as 0 (METRICS §3 C, §1.7).")
SPEC = ToolSpec(name="pipeline_movement", definition=DEFINITION, measures={
    "net_change": Headline("net_change_amount", "currency"),
    **{k: Headline(f"{k}_amount", "currency") for k in TYPES}})

START_COLUMNS = ("opportunity_id", "status", "forecast_category", "close_date", "amount_corp",
                 "stage")
"""What the start snapshot gives a flow (FLOWS_SQL's `s`)."""
FLOWS_SQL = """s as (
  select {start_columns}
  from {start}
), f as (
  select e.*, s.opportunity_id is not null as existed, s.status as s_status,
         s.forecast_category as s_category, s.close_date as s_close, s.amount_corp as s_amount,
         s.stage as s_stage,
         coalesce(s.status = 'open' and coalesce(s.forecast_category, '') <> 'omitted'
                  and s.close_date between {w0} and {w1}, false) as in_start,
         coalesce(e.status = 'open' and coalesce(e.forecast_category, '') <> 'omitted'
                  and e.close_date between {w0} and {w1}, false) as in_end,
         e.status in ('won', 'lost') and coalesce(s.status, 'open') = 'open' as closed_now
  from (select opportunity_id, opportunity, status, forecast_category, close_date, amount_corp,
               stage{dims} from {end}
        -- only deals that can pass m's filter (in either pipeline, or closed in the period),
        -- so the join is over those, not every deal
        where (close_date between {w0} and {w1} and (status in ('won', 'lost')
               or status = 'open' and coalesce(forecast_category, '') <> 'omitted'))
           or opportunity_id in (select opportunity_id from s where status = 'open'
                                 and coalesce(forecast_category, '') <> 'omitted'
                                 and close_date between {w0} and {w1})) e
  left join s using (opportunity_id)
), m as (
  select *,
         case when in_start then null when not existed then 'new'
              when s_status <> 'open' then 'reopened' when s_close > {w1} then 'pulled_in'
              when s_close between {w0} and {w1} then 'category_in' else 'pushed_in'
         end as entered_as,
         case when in_end then null when status = 'won' then 'won'
              when status = 'lost' then 'lost' when close_date > {w1} then 'slipped'
              when close_date between {w0} and {w1} then 'category_out' else 'pulled_out'
         end as left_as,
         coalesce(amount_corp, 0) as amt,
         case when in_start then coalesce(s_amount, 0) else 0 end as start_amt,
         case when in_end then coalesce(amount_corp, 0) else 0 end as end_amt,
         case when in_start then coalesce(amount_corp, 0) - coalesce(s_amount, 0) else 0
         end as change
  from f
  where in_start or in_end or (closed_now and close_date between {w0} and {w1})
)"""


def _summary(params: MetricParams, headline: str, q: Query) -> str:
    amounts = ["sum(start_amt) as start_amount", "sum(end_amt) as end_amount",
               "sum(end_amt) - sum(start_amt) as net_change_amount"]
    deals = []
    for name, (cond, amount) in TYPES.items():
        if name not in ("start", "end"):
            amounts.append(f"coalesce(sum({amount}) filter (where {cond}), 0) as {name}_amount")
        deals.append(f"count(*) filter (where {cond}) as {name}_deals")
    quality = ["count(*) as deals",
               "count(*) filter (where amount_corp is null or (in_start and s_amount is null)) "
               "as without_amount"]
    columns = leading(amounts + deals + quality, [headline.replace("_amount", "_deals")])
    return grouped(q, params, "m", columns, headline)


def _deal_list(params: MetricParams, measure: str, headline: str, q: Query) -> str:
    others = [d.value for d in params.group_by if d != Dimension.opportunity]
    if measure == "net_change":
        cond, value, order = "true", "end_amt - start_amt", "abs(end_amt - start_amt)"
    else:
        cond, value = TYPES[measure]
        order = value
    cols = ["opportunity", "opportunity_id", *others, f"{value} as {headline}",
            "coalesce(entered_as, 'in pipeline at start') as entered_as",
            "coalesce(left_as, 'in pipeline at end') as left_as",
            "s_amount as start_amount", "amount_corp as end_amount",
            "cast(s_close as varchar) as start_close_date",
            "cast(close_date as varchar) as end_close_date",
            "s_stage as start_stage", "stage as end_stage",
            "s_category as start_category", "forecast_category as end_category"]
    direction = "asc" if params.order == "asc" else "desc"
    stmt = Select(cols, "m", [cond, *q.filters(params.filters)],
                  order_by=[f"{order} {direction}", "opportunity_id"], column_separator=", ")
    if params.top:
        stmt.limit = q.bind("top", params.top)
    return stmt.sql()


def pipeline_movement(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Start and end pipeline of the period and every movement between them.

    Hand-written: compares the pipeline at two snapshots, deal by deal.
    """
    check_dims(params, FLOW_DIMS, "Pipeline movement")
    no_trend(params, "Pipeline movement")
    headline = SPEC.headline(params)
    measure = params.measure or "net_change"
    period = resolve_period(ctx, params, "quarter")
    if period.start > ctx.as_of:
        raise ToolInputError(f"{period.label} has not started on {ctx.as_of}",
                             options=["this quarter", "last quarter"])
    q = Query()
    start_day, end_day = period.start - timedelta(days=1), min(period.end, ctx.as_of)
    dims = [c for c in dim_columns(params) if c != "opportunity"]
    ctes = FLOWS_SQL.format(
        start=snapshot(ctx, q, start_day, "start_ts", START_COLUMNS),
        end=snapshot(ctx, q, end_day, "end_ts"),
        start_columns=", ".join(START_COLUMNS),
        w0=q.bind("p_start", period.start), w1=q.bind("p_end", period.end),
        dims="".join(f", {d}" for d in dims))
    if Dimension.opportunity in params.group_by:
        body, count = _deal_list(params, measure, headline.column, q), None
    else:
        body, count = _summary(params, headline.column, q), "deals"
    sql = f"with {ctes}\n{body}"
    definition = f"{DEFINITION} Snapshots: end of {start_day} and end of {end_day}."
    return finish(ctx, q, sql, SPEC, headline, definition=definition, period=period,
                  count=count, params=params)
