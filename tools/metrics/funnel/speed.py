"""Speed-to-lead (METRICS M51): minutes from a lead's creation to its first human touch.

Leads never touched within max_wait_days count as +infinity, so the median over all leads is
honest about the ones nobody called (and is null when more than half were never touched).
Leads still inside their wait window without a touch are pending and left out until it ends.
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext
from tools.fiscal import Period
from tools.metrics.core.frame import RecordSpec
from tools.metrics.core.options import Option, read_options
from tools.metrics.core.records import (
    finish,
    for_period,
    measure_of,
    start,
)
from tools.metrics.core.warnings import count_warning
from tools.query import column

LEAD_DIMS = (Dimension.lead_source, Dimension.campaign, Dimension.rep, Dimension.manager,
             Dimension.team, Dimension.region, Dimension.territory)
"""A lead is split by its source, its campaign and its owner's place in the organisation."""
LEAD_LABELS = ("l.lead_source, coalesce(c.name, l.campaign_id) as campaign,\n"
               "         coalesce(u.rep, l.owner_id) as rep, u.manager, u.team, u.region, "
               "u.territory")
LEAD_JOINS = ("left join campaigns c on c.campaign_id = l.campaign_id\n"
              "  left join v_reps u on u.user_id = l.owner_id")
SPEED_MEASURES = ("median", "median_responded", "p90", "within_sla", "never")

SPEED_SQL = """cohort as (
  select l.lead_id, b.tag, b.bucket_start, l.created_at, l.converted_contact_id,
         {labels}
  from buckets b
  join leads l on cast(l.created_at as date) between b.b_start and b.b_end
  {joins}
  where not coalesce(l.is_deleted, false) and l.created_at < {cutoff}
),
human_touches as (
  select a.lead_id, a.contact_id, a.occurred_at,
         (a.activity_type = 'call' and lower(a.outcome) = 'connected')
           or (a.activity_type = 'meeting' and upper(a.outcome) = 'HELD') as connected
  from activities a left join users o on o.user_id = a.owner_id
  where a.is_completed and not coalesce(a.is_automated, false)
    and not coalesce(a.is_deleted, false) and coalesce(o.is_human, true)
    and a.activity_type in ('call', 'email', 'meeting')
    and (a.activity_type <> 'email' or lower(a.direction) = 'outbound')
    and a.occurred_at < {cutoff}
),
first_touch as (
  select lead_id, min(occurred_at) as first_touch_at, bool_or(connected) as connected
  from (select c.lead_id, c.created_at, t.occurred_at, t.connected
        from cohort c join human_touches t on t.lead_id = c.lead_id
        union all
        select c.lead_id, c.created_at, t.occurred_at, t.connected
        from cohort c join human_touches t on t.contact_id = c.converted_contact_id)
  where occurred_at >= created_at and occurred_at <= created_at + to_days({wait})
  group by lead_id
),
timed as (
  select c.*, f.first_touch_at, coalesce(f.connected, false) as connected,
         f.first_touch_at is null and c.created_at + to_days({wait}) >= {cutoff} as pending,
         case when f.first_touch_at is not null
              then date_diff('millisecond', c.created_at, f.first_touch_at) / 60000.0
              else 'inf'::double end as minutes
  from cohort c left join first_touch f using (lead_id)
),
r as (select *, minutes <= {sla} as within_sla from timed)"""


def _finite(agg: str) -> str:
    return f"case when isinf({agg}) then null else {agg} end"


def _spec(measure: str) -> RecordSpec:
    decided = "count(lead_id) filter (where not pending"
    share = f") / nullif({decided}), 0)"
    columns = (
        column("median_response_minutes",
               _finite("median(minutes) filter (where not pending)"), "count"),
        column("median_responded_minutes",
               "median(minutes) filter (where first_touch_at is not null)", "count"),
        column("p90_response_minutes",
               _finite("quantile_cont(minutes, 0.9) filter (where not pending)"), "count"),
        column("leads", f"{decided})", "count", additive=True),
        column("responded", "count(first_touch_at)", "count", additive=True),
        *(column(f"within_{m}_min_share", f"{decided} and minutes <= {m}{share}", "ratio")
          for m in (5, 15, 60)),
        column("over_60_min_share", f"{decided} and minutes > 60 and not isinf(minutes){share}",
               "ratio"),
        column("never_share", f"{decided} and isinf(minutes){share}", "ratio"),
        column("connected_share", f"{decided} and connected{share}", "ratio"),
        column("pending_leads", "count(lead_id) filter (where pending)", "count", additive=True),
    )
    if measure == "within_sla":  # the 15-minute band unless sla_minutes says otherwise
        columns = (column("within_sla_share", f"{decided} and within_sla{share}", "ratio"),
                   *columns)
    headline = {"median": "median_response_minutes", "median_responded":
                "median_responded_minutes", "p90": "p90_response_minutes",
                "within_sla": "within_sla_share", "never": "never_share"}[measure]
    return RecordSpec(
        name="speed_to_lead",
        definition=(
            "Minutes from a lead's creation (in the period) to its first completed, "
            "non-automated call, outbound e-mail or meeting by a human, on the lead or the "
            "contact it became; no touch within max_wait_days (default 7) counts as never "
            "(+infinity) in the median over all leads, which is null when more than half were "
            "never touched; leads still inside the wait without a touch are pending and left "
            "out (METRICS M51)."),
        headline=headline, columns=columns, count="leads", dims=LEAD_DIMS)


OPTIONS = {"max_wait_days": Option(int, 7, 0, 365), "sla_minutes": Option(int, 15, 1, 10_080)}


def speed_to_lead(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Median and SLA bands of lead response time for leads created in the period.

    RecordSpec: one row per lead with its minutes to first touch.
    """
    measure = measure_of(params, SPEED_MEASURES, "speed_to_lead")
    opts = read_options(params, "speed_to_lead", OPTIONS)
    wait, sla = opts["max_wait_days"], opts["sla_minutes"]
    frame = start(ctx, params, _spec(measure), "quarter")
    sql = SPEED_SQL.format(labels=LEAD_LABELS, joins=LEAD_JOINS, cutoff=frame.cutoff,
                           wait=frame.q.bind("max_wait_days", wait),
                           sla=frame.q.bind("sla_minutes", sla))
    result = finish(frame, sql)
    if result.value is None and measure == "median" and result.n_records:
        result.null_reason = "MOSTLY_CENSORED"
    count_warning(result, "pending_leads", "PENDING_LEADS", (
        f"leads created within {wait} days of {ctx.as_of} have no touch yet; they are left "
        "out until their wait ends"))
    return result


def speed_to_lead_value(ctx: ToolContext, period: Period) -> MetricResult:
    """Median minutes to first touch over all leads of one period (scorecard headline)."""
    return for_period(speed_to_lead, ctx, period)
