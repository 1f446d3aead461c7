"""Quota attainment (M40) and pipeline coverage (M22): bookings and pipeline against quota.

Everything is computed per rep first (quota prorated to the period, credited bookings, open
pipeline), then rolled up by the owner dimensions asked for, so a team's quota is the sum of
its members' quotas and the rollup is additive.
"""

from __future__ import annotations

from datetime import timedelta

from tools.base import (
    MetricParams,
    MetricResult,
    ToolContext,
    Warning,
)
from tools.fiscal import Grain, Period
from tools.metrics.core.envelope import fetch_query
from tools.metrics.core.owners import check_owner_dims, owner_rollup
from tools.metrics.core.periods import resolve_period
from tools.metrics.core.spec import Headline, ToolSpec, source
from tools.metrics.pipeline.open_deals import OPEN
from tools.query import Query

PRORATED_QUOTA = """\
sum(q.quota_amount / case when q.currency_code is null or q.currency_code = {corp}
                                   then 1 else fx.units_per_corporate end
             * (date_diff('day', greatest(q.period_start, {p_start}),
                          least(q.period_end, {p_end})) + 1)
             / (date_diff('day', q.period_start, q.period_end) + 1)) as quota"""
"""A quota's share of a span ({p_start}..{p_end}), prorated by overlapping days, in corporate
currency (summed over the quotas of the group)."""
REP_QUOTAS = """\
left join fx_rates fx on fx.currency_code = q.currency_code and q.period_start >= fx.start_date
        and (fx.next_start_date is null or q.period_start < fx.next_start_date)
  where q.owner_type = 'user' and coalesce(q.quota_measure, 'bookings') = 'bookings'"""
"""The reps' bookings quotas (`q`) with the rate of their currency (`fx`)."""
QUOTA_SQL = f"""  select q.owner_id as user_id,
         {PRORATED_QUOTA}
  from quotas q
  {REP_QUOTAS}
    and q.period_start <= {{p_end}} and q.period_end >= {{p_start}}
  group by 1"""
"""Each rep's quota over the period, prorated by overlapping days, in corporate currency."""
QUOTA_BY_REP = f"quota_by_rep as (\n{QUOTA_SQL}\n)"

BOOKED_SQL = """  select owner_id as user_id, sum(amount_corp) as bookings, count(*) as won_deals
  from {src}
  where status = 'won' and close_date between {p_start} and {p_end}
  group by 1"""
BOOKED_BY_REP = f"booked_by_rep as (\n{BOOKED_SQL}\n)"

QUOTA_BY_BUCKET = f"""quota_by_rep as (
  select b.bucket, q.owner_id as user_id,
         {PRORATED_QUOTA.replace("{p_start}", "b.b_start").replace("{p_end}", "b.b_end")}
  from buckets b
  join quotas q on q.period_start <= b.b_end and q.period_end >= b.b_start
  {REP_QUOTAS}
  group by 1, 2
)"""
"""QUOTA_SQL per bucket of a trend: each rep's quota prorated to each bucket (`buckets`)."""
BOOKED_BY_BUCKET = """booked_by_rep as (
  select b.bucket, o.owner_id as user_id, sum(o.amount_corp) as bookings, count(*) as won_deals
  from buckets b
  join {src} o on o.close_date between b.b_start and b.b_end
  where o.status = 'won'
  group by 1, 2
)"""
PER_REP_BY_BUCKET = """per_rep as (
  select bucket, user_id, coalesce(b.bookings, 0) as bookings,
         coalesce(b.won_deals, 0) as won_deals, q.quota
  from quota_by_rep q full join booked_by_rep b using (bucket, user_id)
)"""

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
    if params.time_grain and not with_pipeline:
        return _attainment_trend(ctx, q, params, resolve_period(ctx, params, "quarter"),
                                 source(ctx, q), headline)
    period, h = _bounds(ctx, q, params)
    src = source(ctx, q)
    ctes = [QUOTA_BY_REP.format(**h), BOOKED_BY_REP.format(src=src, **h)]
    if with_pipeline:
        ctes.append(OPEN_BY_REP.format(src=src, open=OPEN, **h))
    ctes.append(PER_REP_COVERAGE if with_pipeline else PER_REP_ATTAINMENT)
    measures = COVERAGE_MEASURES if with_pipeline else ATTAINMENT_MEASURES
    sql, dims = owner_rollup(q, params, ctes, "per_rep", measures, headline.column)
    return _finish(ctx, q, sql, period, dims, spec, headline, count)


def buckets_of(ctx: ToolContext, period: Period, grain: Grain) -> list[Period]:
    """The fiscal buckets of `grain` a period spans, each cut to the period: what one run per
    bucket would be asked for (so a trend's bucket is that run's number)."""
    cal, out, start = ctx.settings.calendar, [], period.start
    while start <= period.end:
        b = cal.bucket(start, grain)
        out.append(Period(max(b.start, period.start), min(b.end, period.end), b.label))
        start = b.end + timedelta(days=1)
    return out


def _attainment_trend(ctx: ToolContext, q: Query, params: MetricParams, period: Period,
                      src: str, headline: Headline) -> MetricResult:
    """Attainment per fiscal bucket of the period in one statement: each bucket's bookings and
    prorated quota as a run for that bucket alone computes them (a bucket with neither has
    its row, as that run has), by owner dimension when asked."""
    grain = params.time_grain
    assert grain is not None
    buckets = buckets_of(ctx, period, grain)
    rows = ", ".join(f"({i}, {q.bind('b_label', b.label)}, {q.bind('b_start', b.start)}, "
                     f"{q.bind('b_end', b.end)})" for i, b in enumerate(buckets))
    ctes = [f"buckets as (\n  select * from (values {rows}) b(bucket, label, b_start, b_end)\n)",
            QUOTA_BY_BUCKET.format(corp=q.bind("corp", ctx.settings.corporate_currency)),
            BOOKED_BY_BUCKET.format(src=src),
            PER_REP_BY_BUCKET]
    dims = [d.value for d in params.group_by]
    conds = q.filters(params.filters, qualifier="r.")
    reps = ("(select p.*" + "".join(f", r.{d}" for d in dims)
            + " from per_rep p left join v_reps r using (user_id)"
            + (f" where {' and '.join(conds)}" if conds else "") + ") x")
    join = "join" if dims else "left join"  # a split has rows only where there are some
    order = "".join(f", {c}" for c in ([f"{headline.column} desc nulls last", *dims]
                                        if dims else []))
    sql = ("with " + ",\n".join(ctes) + "\n"
           f"select b.label as {grain}"
           + "".join(f", coalesce(x.{d}, '(none)') as {d}" for d in dims)
           + ", " + ", ".join(ATTAINMENT_MEASURES)
           + f"\nfrom buckets b\n{join} {reps} on x.bucket = b.bucket\n"
           + "group by b.bucket, b.label" + "".join(f", x.{d}" for d in dims)
           + "\norder by b.bucket" + order)
    fetched = fetch_query(ctx, q, sql)
    warnings = [Warning(code="MISSING_QUOTA",
                        message=f"No quota is recorded for {b.label}; {headline.column} "
                                "cannot be computed.")
                for b in buckets
                if not sum(v or 0 for v, label in zip(fetched.column("quota"),
                                                      fetched.column(grain), strict=True)
                           if label == b.label)]
    return ATTAINMENT.result(ctx, fetched, headline, period=period,
                             n_records=fetched.total("won_deals"), scalar=False, value=None,
                             null_reason=None, warnings=warnings)


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
