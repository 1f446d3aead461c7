"""Marketing-sourced pipeline and bookings (METRICS M52), with campaign ROI where costs exist.

A deal is marketing-sourced when it carries a campaign or was converted from a lead. Pipeline
is counted when a deal is created (M23), bookings when it is won (M01); both come from the same
opportunity relation as every other deal metric, rebuilt as of the as-of date.
"""

from __future__ import annotations

from tools.base import (
    Dimension,
    FilterUnsupported,
    MetricParams,
    MetricResult,
    ToolContext,
)
from tools.fiscal import Period
from tools.metrics.core.frame import RecordSpec
from tools.metrics.core.options import read_options
from tools.metrics.core.records import (
    finish,
    for_period,
    measure_of,
    start,
)
from tools.metrics.core.spec import source
from tools.query import column

MEASURES = ("pipeline", "bookings", "share", "roi")
DIMS = tuple(d for d in Dimension if d.value not in (
    "tool", "activity_type", "request_type", "stage", "forecast_category"))

OPPS_SQL = """lead_sourced as (
  select distinct converted_opportunity_id as opportunity_id from leads
  where converted_opportunity_id is not null and not coalesce(is_deleted, false)
),
opps as (
  select o.*, o.campaign_id is not null or s.opportunity_id is not null as sourced
  from {src} o left join lead_sourced s using (opportunity_id)
),
r as (
  select b.tag, b.bucket_start, 'created' as kind, o.opportunity_id, o.amount_corp as amount,
         o.sourced, {labels}
  from buckets b join opps o on o.created_date between b.b_start and b.b_end
  union all
  select b.tag, b.bucket_start, 'won', o.opportunity_id, o.amount_corp, o.sourced, {labels}
  from buckets b join opps o on o.status = 'won' and o.close_date between b.b_start and b.b_end{roi}
)"""
ROI_SQL = """
  union all
  select b.tag, b.bucket_start, 'cost', null, c.actual_cost, true, {nulls}
  from buckets b join campaigns c on c.start_date between b.b_start and b.b_end
  union all
  select b.tag, b.bucket_start, 'campaign_won', o.opportunity_id, o.amount_corp, true, {nulls}
  from buckets b join campaigns c on c.start_date between b.b_start and b.b_end
  join opps o on o.campaign_id = c.campaign_id and o.status = 'won'
   and o.close_date <= {as_of}"""


def _sum(cond: str) -> str:
    return f"coalesce(sum(amount) filter (where {cond}), 0)"


def _share(part: str, whole: str) -> str:
    return f"{_sum(part)} / nullif(sum(amount) filter (where {whole}), 0)"


COLUMNS = (
    column("sourced_pipeline", _sum("kind = 'created' and sourced"), "currency", additive=True),
    column("sourced_deals", "count(opportunity_id) filter (where kind = 'created' and sourced)",
           "count", additive=True),
    column("total_pipeline", _sum("kind = 'created'"), "currency", additive=True),
    column("marketing_sourced_share", _share("kind = 'created' and sourced", "kind = 'created'"),
           "ratio"),
    column("sourced_bookings", _sum("kind = 'won' and sourced"), "currency", additive=True),
    column("total_bookings", _sum("kind = 'won'"), "currency", additive=True),
    column("marketing_won_share", _share("kind = 'won' and sourced", "kind = 'won'"),
           "ratio"),
    column("opportunities", "count(distinct opportunity_id) filter (where kind in "
           "('created', 'won'))", "count", additive=True),
)
WON_FROM_CAMPAIGN = "kind = 'campaign_won'"
ROI_COLUMNS = (
    column("campaign_cost", _sum("kind = 'cost'"), "currency", additive=True),
    column("campaign_bookings", _sum("kind = 'campaign_won'"), "currency", additive=True),
    column("campaign_roi", f"({_sum(WON_FROM_CAMPAIGN)} - sum(amount) filter (where "
           "kind = 'cost')) / nullif(sum(amount) filter (where kind = 'cost'), 0)", "ratio"),
)
HEADLINES = {"pipeline": "sourced_pipeline", "bookings": "sourced_bookings",
             "share": "marketing_sourced_share", "roi": "campaign_roi"}
DEFINITION = (
    "Pipeline created (deals created in the period, M23) and bookings (deals won with a close "
    "date in the period, M01) from marketing-sourced deals: deals with a campaign or converted "
    "from a lead; shares are of all deals in the same row. Campaign ROI (by campaign or "
    "overall) = (bookings won to date from campaigns started in the period - their actual "
    "cost) / actual cost, null without costs (METRICS M52).")


def _with_roi(params: MetricParams) -> bool:
    """ROI needs rows that are campaigns (costs have no rep, team or source)."""
    dims = set(params.group_by) | {f.dimension for f in params.filters}
    return dims <= {Dimension.campaign}


def campaign_sourced(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Marketing-sourced pipeline, bookings, their shares and campaign ROI.

    RecordSpec: one row per campaign-sourced deal; ROI columns only by campaign.
    """
    measure = measure_of(params, MEASURES, "campaign_sourced")
    read_options(params, "campaign_sourced", {})
    roi = _with_roi(params)
    if measure == "roi" and not roi:
        raise FilterUnsupported("campaign ROI can only be split or filtered by campaign",
                                params.dimensions_outside(), options=["campaign"])
    spec = RecordSpec("campaign_sourced", DEFINITION, HEADLINES[measure],
                      COLUMNS + (ROI_COLUMNS if roi else ()), "opportunities", DIMS)
    frame = start(ctx, params, spec, "quarter")
    nulls = ", ".join("coalesce(c.name, c.campaign_id) as campaign" if d == Dimension.campaign
                      else f"null as {d.value}" for d in DIMS)
    roi_sql = ROI_SQL.format(nulls=nulls, as_of=frame.as_of) if roi else ""
    labels = ", ".join(f"o.{d.value}" for d in DIMS)
    sql = OPPS_SQL.format(src=source(ctx, frame.q), labels=labels, roi=roi_sql)
    return finish(frame, sql)


def campaign_sourced_value(ctx: ToolContext, period: Period) -> MetricResult:
    """Marketing-sourced pipeline created in one period (scorecard headline)."""
    return for_period(campaign_sourced, ctx, period)
