"""Stale open deals (M27 stale_open_share): no activity or update for more than stale_days.

The last touch is the last activity date, else the last update, else the creation date. In the
current state these are the deal's own fields; as of an earlier date they are rebuilt from
activities and history on or before it, so later touches do not hide staleness.
"""

from __future__ import annotations

from datetime import timedelta

from tools.base import Dimension, MetricParams, MetricResult, ToolContext
from tools.metrics.core.options import Option
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.movement.common import (
    check_dims,
    dim_columns,
    end_of,
    finish,
    grouped,
    no_trend,
    snapshot,
)
from tools.query import Query, Select

STALE_DIMS = tuple(d for d in Dimension if d.value in (
    "opportunity", "rep", "manager", "team", "region", "territory", "product", "product_family",
    "industry", "segment", "deal_type", "lead_source", "account", "stage", "forecast_category"))
LIST_HEADLINE = {"share": Headline("days_since_touch", "days"),
                 "count": Headline("days_since_touch", "days"),
                 "amount": Headline("amount", "currency")}
"""By deal the rows are the stale deals, ranked by what the measure weighs."""
DEFINITION = (
    "Open deals as of the as-of date whose last touch (last activity date, else last update, "
    "else creation) is more than stale_days before it (option stale_days, default the company "
    "setting, 30) / open deals; by count and by amount. A period, when given, keeps deals "
    "closing in it (METRICS M27).")


def touch_sql(ctx: ToolContext, q: Query, src: str, columns: list[str]) -> str:
    """Return a relation of `src` deals with `columns` plus last_touch (a date) as of as-of."""
    cols = ", ".join(f"o.{c}" for c in columns)
    if src in ("v_opps", "opp_facts"):
        return (f"(select {cols}, coalesce(o.last_activity_date, cast(o.updated_at as date), "
                f"o.created_date) as last_touch\n  from {src} o)")
    ts, day = q.bind("touch_ts", end_of(ctx.as_of)), q.bind("touch_day", ctx.as_of)
    return f"""(select {cols},
          coalesce(greatest(case when o.last_activity_date <= {day} then o.last_activity_date end,
                            a.last_activity),
                   case when o.updated_at <= {ts} then cast(o.updated_at as date) end,
                   h.last_change, o.created_date) as last_touch
  from {src} o
  left join (select opportunity_id, cast(max(occurred_at) as date) as last_activity
             from activities where occurred_at <= {ts} and not coalesce(is_deleted, false)
             group by 1) a on a.opportunity_id = o.opportunity_id
  left join (select opportunity_id, cast(max(changed_at) as date) as last_change
             from opportunity_history where changed_at <= {ts}
             group by 1) h on h.opportunity_id = o.opportunity_id)"""


SPEC = ToolSpec(
    name="stale_deals", definition=DEFINITION,
    measures={"share": Headline("stale_share", "ratio"), "count": Headline("stale_deals", "count"),
              "amount": Headline("stale_amount", "currency")},
    options={"stale_days": Option(int, None, 1, 3650)})


def stale_deals(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Share (count, amount) of open deals untouched for more than stale_days.

    Hand-written: each deal's last touch comes from activities and updates.
    """
    check_dims(params, STALE_DIMS, "Stale deals")
    no_trend(params, "Stale deals")
    opts = SPEC.read_options(params)
    stale_days = opts["stale_days"] or ctx.settings.stale_days
    q = Query()
    src = snapshot(ctx, q, ctx.as_of, "as_of_ts")
    cols = ["opportunity_id", "opportunity", "status", "stage", "stage_order", "amount_corp",
            "close_date", *[c for c in dim_columns(params) if c not in ("opportunity", "stage")]]
    cutoff = q.bind("cutoff", ctx.as_of - timedelta(days=stale_days))
    conds = ["status = 'open'"]
    period = None
    if params.period is not None:
        period = params.period.as_period()
        conds.append(q.between("close_date", period))
    base = (f"d as (\n  select *, date_diff('day', last_touch, {q.bind('as_of', ctx.as_of)}) "
            f"as days_since_touch, last_touch < {cutoff} as stale\n"
            f"  from {touch_sql(ctx, q, src, cols)}\n  where {' and '.join(conds)}\n)")
    measure = params.measure or "share"
    headline = SPEC.headline(params)
    if Dimension.opportunity in params.group_by:
        headline = LIST_HEADLINE[measure]
        others = [d.value for d in params.group_by if d != Dimension.opportunity]
        select = ["opportunity", "opportunity_id", *others, "stage", "amount_corp as amount",
                  "cast(close_date as varchar) as close_date",
                  "cast(last_touch as varchar) as last_touch", "days_since_touch"]
        body = Select(select, "d", ["stale", *q.filters(params.filters)],
                      column_separator=", ").rank(q, params, headline.column,
                                                  ["opportunity_id"]).sql()
        count = None
    else:
        body = grouped(q, params, "d", [
            "count(*) filter (where stale) / nullif(count(*), 0) as stale_share",
            "count(*) filter (where stale) as stale_deals", "count(*) as open_deals",
            "sum(amount_corp) filter (where stale) as stale_amount",
            "sum(amount_corp) as open_amount",
            "sum(amount_corp) filter (where stale) / nullif(sum(amount_corp), 0) "
            "as stale_value_share",
            "median(days_since_touch) as median_days_since_touch"], headline.column)
        count = "open_deals"
    definition = f"{DEFINITION} stale_days = {stale_days}."
    return finish(ctx, q, f"with {base}\n{body}", SPEC, headline, definition=definition,
                  period=period, count=count, params=params)
