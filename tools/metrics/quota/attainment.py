"""Quota attainment (M40) and pipeline coverage (M22): bookings and pipeline against quota.

Everything is computed per rep first (quota prorated to the period, credited bookings, open
pipeline), then rolled up by the owner dimensions asked for, so a team's quota is the sum of
its members' quotas and the rollup is additive.
"""

from __future__ import annotations

from tools.base import (
    MetricParams,
    MetricResult,
    ToolContext,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import fetch_query
from tools.metrics.core.owners import check_owner_dims, owner_rollup
from tools.metrics.core.periods import resolve_period
from tools.metrics.core.spec import Headline, ToolSpec, source
from tools.metrics.pipeline.open_deals import OPEN
from tools.query import Query

QUOTA_SQL = """  select q.owner_id as user_id,
         sum(q.quota_amount / case when q.currency_code is null or q.currency_code = {corp}
                                   then 1 else fx.units_per_corporate end
             * (date_diff('day', greatest(q.period_start, {p_start}),
                          least(q.period_end, {p_end})) + 1)
             / (date_diff('day', q.period_start, q.period_end) + 1)) as quota
  from quotas q
  left join fx_rates fx on fx.currency_code = q.currency_code and q.period_start >= fx.start_date
        and (fx.next_start_date is null or q.period_start < fx.next_start_date)
  where q.owner_type = 'user' and coalesce(q.quota_measure, 'bookings') = 'bookings'
    and q.period_start <= {p_end} and q.period_end >= {p_start}
  group by 1"""
"""Each rep's quota over the period, prorated by overlapping days, in corporate currency."""
QUOTA_BY_REP = f"quota_by_rep as (\n{QUOTA_SQL}\n)"

BOOKED_SQL = """  select owner_id as user_id, sum(amount_corp) as bookings, count(*) as won_deals
  from {src}
  where status = 'won' and close_date between {p_start} and {p_end}
  group by 1"""
BOOKED_BY_REP = f"booked_by_rep as (\n{BOOKED_SQL}\n)"

OPEN_BY_REP = """open_by_rep as (
  select owner_id as user_id, sum(amount_corp) as open_pipeline, count(*) as open_deals
  from {src}
  where {open} and close_date between {p_start} and {p_end}
  group by 1
)"""

ATTAINMENT_DEFINITION = (
    "Bookings credited to each rep (current owner) / the rep's quota prorated to the period by "
    "overlapping days; groups sum their reps' bookings and quotas (METRICS M40).")
COVERAGE_DEFINITION = (
    "Open pipeline with a close date in the period, as of the as-of date / remaining quota "
    "(quota - bookings so far); null when the quota is already met (METRICS M22).")
ATTAINMENT = ToolSpec(name="quota_attainment", definition=ATTAINMENT_DEFINITION,
                      measures={"ratio": Headline("attainment", "ratio")})
COVERAGE = ToolSpec(name="pipeline_coverage", definition=COVERAGE_DEFINITION,
                    measures={"ratio": Headline("coverage", "ratio")})


def _bounds(ctx: ToolContext, q: Query, params: MetricParams) -> tuple[Period, dict[str, str]]:
    period = resolve_period(ctx, params, "quarter")
    holders = {"p_start": q.bind("p_start", period.start), "p_end": q.bind("p_end", period.end),
               "corp": q.bind("corp", ctx.settings.corporate_currency)}
    return period, holders


PER_REP_ATTAINMENT = """per_rep as (
  select user_id, coalesce(b.bookings, 0) as bookings, coalesce(b.won_deals, 0) as won_deals,
         q.quota
  from quota_by_rep q full join booked_by_rep b using (user_id)
)"""
PER_REP_COVERAGE = """per_rep as (
  select user_id, coalesce(o.open_pipeline, 0) as open_pipeline,
         coalesce(o.open_deals, 0) as open_deals, coalesce(b.bookings, 0) as bookings, q.quota
  from quota_by_rep q
  full join booked_by_rep b using (user_id)
  full join open_by_rep o using (user_id)
)"""
REMAINING = "sum(quota) - sum(bookings)"
ATTAINMENT_MEASURES = [
    "sum(bookings) as bookings", "sum(quota) as quota",
    "sum(bookings) / nullif(sum(quota), 0) as attainment", "sum(won_deals) as won_deals",
    "count(*) filter (where quota > 0) as reps_with_quota",
    "count(*) filter (where quota > 0 and bookings >= quota) as reps_at_or_above"]
COVERAGE_MEASURES = [
    f"case when {REMAINING} > 0 then sum(open_pipeline) / ({REMAINING}) end as coverage",
    "sum(open_pipeline) as open_pipeline", "sum(quota) as quota", "sum(bookings) as bookings",
    f"{REMAINING} as remaining_quota", "sum(open_deals) as open_deals"]


def quota_attainment(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return attainment overall or per owner dimension.

    Hand-written: quota prorated per rep, joined to bookings, rolled up by owner.
    """
    return _quota_metric(ctx, params, ATTAINMENT, "won_deals", with_pipeline=False)


QUOTA_WHY = "quotas are set per rep"
"""Why the quota tools split only by the owner dimensions (their Tool.group_by_why)."""


def pipeline_coverage(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return open pipeline / remaining quota overall or per owner dimension.

    Hand-written: quota prorated per rep, against open pipeline, rolled up by owner.
    """
    return _quota_metric(ctx, params, COVERAGE, "open_deals", with_pipeline=True)


def _quota_metric(ctx: ToolContext, params: MetricParams, spec: ToolSpec, count: str, *,
                  with_pipeline: bool) -> MetricResult:
    check_owner_dims(params, spec.name, QUOTA_WHY)
    headline = spec.headline(params)
    q = Query()
    period, h = _bounds(ctx, q, params)
    src = source(ctx, q)
    ctes = [QUOTA_BY_REP.format(**h), BOOKED_BY_REP.format(src=src, **h)]
    if with_pipeline:
        ctes.append(OPEN_BY_REP.format(src=src, open=OPEN, **h))
    ctes.append(PER_REP_COVERAGE if with_pipeline else PER_REP_ATTAINMENT)
    measures = COVERAGE_MEASURES if with_pipeline else ATTAINMENT_MEASURES
    sql, dims = owner_rollup(q, params, ctes, "per_rep", measures, headline.column)
    return _finish(ctx, q, sql, period, dims, spec, headline, count)


def _finish(ctx: ToolContext, q: Query, sql: str, period: Period, dims: list[str],
            spec: ToolSpec, headline: Headline, count: str) -> MetricResult:
    fetched = fetch_query(ctx, q, sql)
    scalar = not dims
    value = fetched.first(headline.column) if scalar else None
    null_reason = None
    warnings: list[Warning] = []
    if not sum(v or 0 for v in fetched.column("quota")):
        null_reason = "MISSING_QUOTA"
        warnings.append(Warning(code="MISSING_QUOTA",
                                message=f"No quota is recorded for {period.label}; "
                                        f"{headline.column} cannot be computed."))
    elif scalar and value is None:  # quota exists: coverage is null once it is met
        null_reason = "QUOTA_ATTAINED" if spec is COVERAGE else "NO_DATA"
    return spec.result(ctx, fetched, headline, period=period, n_records=fetched.total(count),
                       scalar=scalar, value=value, null_reason=null_reason if scalar else None,
                       warnings=warnings)
