"""Process bottleneck (M81): the open stage where deals get stuck and do not move on.

Per open stage, over a window (default the 4 full fiscal quarters before the as-of date):
median and p75 days in stage (M26), conversion (M25), and the deals in that stage now whose
current visit is longer than the stage's p75. score = stuck_share x (1 - conversion); the
table is ranked by score, then stuck value, then pipeline order, so the first row is the
bottleneck and the other rows show why it won.
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, ToolInputError
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.movement.common import (
    check_dims,
    days_between,
    dim_columns,
    end_of,
    finish,
    history_warning,
    no_trend,
    snapshot,
    visits_cte,
)
from tools.metrics.movement.stages import CONVERSION, STAGE_DIMS, stage_ctes
from tools.metrics.movement.velocity import trailing_quarters
from tools.query import Query

BOTTLENECK_DIMS = tuple(d for d in STAGE_DIMS if d != Dimension.opportunity)
DEFINITION = (
    "For each open stage: median_days and p75_days = cumulative days per deal in the stage "
    "over deals that left it in the window (M26); conversion = advanced / (advanced + dropped) "
    "of deals first entering it in the window (M25); stuck_share = deals in the stage at the "
    "as-of date whose current visit is longer than p75_days / deals in the stage; stuck_amount "
    "= their amount. bottleneck_score = stuck_share x (1 - conversion); ranked by score, then "
    "stuck_amount, then pipeline order (METRICS M81). Window: the period, default the 4 full "
    "fiscal quarters before the as-of date.")

SPEC = ToolSpec(name="bottleneck", definition=DEFINITION,
                measures={"score": Headline("bottleneck_score", "ratio")})

RANKING_SQL = """select stage, bottleneck_score, stuck_share, conversion as conversion_rate,
       median_days, p75_days, open_deals, stuck_deals, stuck_amount, entered
from (select *, stuck_share * (1 - conversion) as bottleneck_score from inputs{where})
order by bottleneck_score desc nulls last, stuck_amount desc nulls last, stage_order, stage"""
RANKING = RANKING_SQL.format(where="")
"""The M81 rule over per-stage inputs (a relation `inputs`); tested on the METRICS example."""

INPUTS = """conv as (
  select p.visit_stage as stage, {conversion} as conversion, count(*) as entered
  from paths p join deals d using (opportunity_id)
  group by 1
), dur as (
  select t.visit_stage as stage, min(t.visit_order) as stage_order,
         median(cumulative_days) filter (where done) as median_days,
         quantile_cont(cumulative_days, 0.75) filter (where done) as p75_days
  from stage_time t join deals d using (opportunity_id)
  group by 1
), now_in as (
  select d.stage, count(*) as open_deals,
         count(*) filter (where {age} > dur.p75_days) as stuck_deals,
         sum(d.amount_corp) filter (where {age} > dur.p75_days) as stuck_amount
  from deals d
  join visits v on v.opportunity_id = d.opportunity_id and v.exited_at is null
        and v.visit_stage = d.stage
  left join dur on dur.stage = d.stage
  where d.status = 'open'
  group by 1
), inputs as (
  select s.stage_name as stage, min(s.sort_order) as stage_order,
         any_value(dur.median_days) as median_days, any_value(dur.p75_days) as p75_days,
         any_value(conv.conversion) as conversion, coalesce(any_value(conv.entered), 0) as entered,
         coalesce(any_value(now_in.open_deals), 0) as open_deals,
         coalesce(any_value(now_in.stuck_deals), 0) as stuck_deals,
         coalesce(any_value(now_in.stuck_amount), 0) as stuck_amount,
         any_value(now_in.stuck_deals) / nullif(any_value(now_in.open_deals), 0) as stuck_share
  from opportunity_stages s
  left join dur on dur.stage = s.stage_name
  left join conv on conv.stage = s.stage_name
  left join now_in on now_in.stage = s.stage_name
  where not coalesce(s.is_closed, false)
  group by 1
)"""


def bottleneck(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Rank open stages by stuck share x (1 - conversion); the first row is the bottleneck.

    Hand-written: stage visits rebuilt from history, scored per stage.
    """
    check_dims(params, BOTTLENECK_DIMS, "Bottleneck")
    no_trend(params, "Bottleneck")
    if any(d != Dimension.stage for d in params.group_by):
        raise ToolInputError("the bottleneck ranks stages; filter by a region, team or segment "
                             "instead of splitting by it", options=["filter by one value"])
    window = params.period.as_period() if params.period else trailing_quarters(ctx)
    q = Query()
    ts = q.bind("as_of_ts", end_of(ctx.as_of))
    paths, stage_time = stage_ctes(q, window, ts)
    cols = ["opportunity_id", "status", "stage", "amount_corp",
            *[c for c in dim_columns(params) if c != "stage"]]
    where = " and ".join(q.filters([f for f in params.filters
                                    if f.dimension != Dimension.stage]) or ["true"])
    deals = (f"deals as (\n  select {', '.join(cols)}\n  from "
             f"{snapshot(ctx, q, ctx.as_of, 'deals_ts')}\n  where {where}\n)")
    inputs = INPUTS.format(conversion=CONVERSION, age=days_between("v.entered_at", ts))
    stages = [f for f in params.filters if f.dimension == Dimension.stage]
    where = " where " + " and ".join(q.filters(stages)) if stages else ""
    ranking = RANKING_SQL.format(where=where)
    if params.top:
        ranking += f"\nlimit {q.bind('top', params.top)}"
    sql = ("with " + ",\n".join([visits_cte(ts, ctx=ctx), deals, paths, stage_time, inputs])
           + "\n" + ranking)
    warning = history_warning(ctx)
    return finish(ctx, q, sql, SPEC, SPEC.headline(params), definition=DEFINITION,
                  period=window, count="open_deals", params=params,
                  warnings=[warning] if warning else None,
                  empty_reason="INSUFFICIENT_HISTORY" if warning else "NO_DATA")
