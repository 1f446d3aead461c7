"""Marketing to sales hand-off (METRICS §3 F): lead conversion (M50) here, speed-to-lead (M51)
and sourced pipeline (M52) in their own modules; TOOLS lists the area's tools."""

from __future__ import annotations

from tools.base import MetricParams, MetricResult, ToolContext
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
from tools.metrics.funnel.speed import (
    LEAD_DIMS,
    LEAD_JOINS,
    LEAD_LABELS,
)
from tools.query import column

STAGES = {  # measure -> (cohort timestamp, cohort column, reached column, reached condition)
    "lead_to_opp": ("created_at", "leads", "converted_to_opp", "{opp} and {in_window}"),
    "lead_to_mql": ("created_at", "leads", "mqls", "mql_at is not null and mql_at < {cutoff}"),
    "mql_to_sql": ("mql_at", "mqls", "sqls", "sql_at is not null and sql_at < {cutoff}"),
    "sql_to_opp": ("sql_at", "sqls", "converted_to_opp", "{opp}"),
}
MEASURES = tuple(STAGES)
OPP = "converted_opportunity_id is not null and converted_at < {cutoff}"

LEADS_SQL = """leads_in as (
  select l.lead_id, b.tag, b.bucket_start, l.created_at, l.mql_at, l.sql_at, l.converted_at,
         l.converted_opportunity_id, coalesce(l.is_converted, false) as is_converted,
         l.{cohort} as cohort_at, nullif(lower(trim(l.email)), '') as email_key,
         {labels}
  from buckets b
  join leads l on cast(l.{cohort} as date) between b.b_start and b.b_end
  {joins}
  where not coalesce(l.is_deleted, false) and l.{cohort} < {cutoff}
),
r as (
  select *,
         email_key is not null and row_number() over (
           partition by bucket_start, email_key order by cohort_at, created_at, lead_id) > 1
           as duplicate,
         coalesce({reached}, false) as reached,
         is_converted and converted_opportunity_id is null
           and coalesce(converted_at < {cutoff}, true) as converted_no_opp,
         created_at + to_days({days}) >= {cutoff} as immature
  from leads_in
)"""


def _spec(measure: str) -> RecordSpec:
    _, cohort, reached, _ = STAGES[measure]
    kept = "count(lead_id) filter (where not duplicate"
    columns = [
        column(f"{measure}_rate", f"{kept} and reached) / nullif({kept}), 0)", "ratio"),
        column(cohort, f"{kept})", "count", additive=True),
        column(reached, f"{kept} and reached)", "count", additive=True),
    ]
    if measure == "lead_to_opp":
        columns += [
            column("converted_no_opp", f"{kept} and converted_no_opp)", "count",
                   additive=True),
            column("immature_leads", f"{kept} and immature)", "count", additive=True)]
    columns.append(column("duplicates_removed", "count(lead_id) filter (where duplicate)",
                          "count", additive=True))
    return RecordSpec(
        name="lead_conversion",
        definition=(
            f"{measure.replace('_', ' ').replace('opp', 'opportunity')} conversion: leads "
            f"entering the {'lead' if cohort == 'leads' else cohort[:-1].upper()} stage in the "
            "period (one per e-mail address, the earliest kept) that reached the next stage by "
            "the as-of date; lead to opportunity counts only conversions that created an "
            "opportunity within window_days of the lead's creation (default 90), and "
            "conversions without one are shown apart (METRICS M50)."),
        headline=f"{measure}_rate", columns=tuple(columns), count=cohort, dims=LEAD_DIMS)


OPTIONS = {"window_days": Option(int, 90, 1, 3650)}


def lead_conversion(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Share of a period's leads that became opportunities (or the next funnel stage).

    RecordSpec: one row per lead; the measure picks the funnel stage.
    """
    measure = measure_of(params, MEASURES, "lead_conversion")
    days = read_options(params, "lead_conversion", OPTIONS)["window_days"]
    frame = start(ctx, params, _spec(measure), "quarter")
    cohort, _, _, reached = STAGES[measure]
    days_holder = frame.q.bind("window_days", days)
    reached = reached.format(opp=OPP.format(cutoff=frame.cutoff), cutoff=frame.cutoff,
                             in_window=f"converted_at <= created_at + to_days({days_holder})")
    sql = LEADS_SQL.format(cohort=cohort, cutoff=frame.cutoff, reached=reached,
                           days=days_holder, labels=LEAD_LABELS, joins=LEAD_JOINS)
    result = finish(frame, sql)
    count_warning(result, "immature_leads", "IMMATURE_COHORT", (
        f"leads were created less than {days} days before {ctx.as_of}; they may still "
        "convert, so the rate can rise"))
    return result


def lead_conversion_value(ctx: ToolContext, period: Period) -> MetricResult:
    """Lead to opportunity conversion of one period (scorecard headline)."""
    return for_period(lead_conversion, ctx, period)
