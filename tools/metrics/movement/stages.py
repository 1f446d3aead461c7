"""Stage-to-stage conversion (M25) and time in stage (M26), from the stage history.

Both walk `visits` (common.visits_cte) as of the as-of date, label each deal with its
dimensions as of that date, and treat `stage` as the stage of the visit, not the deal's current
stage, so "time in Negotiation by region" compares the Negotiation visits of each region.
Without a split by stage the numbers pool every open stage (each deal counted once per stage).
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext
from tools.fiscal import Period
from tools.metrics.core.periods import resolve_period
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.movement.common import (
    check_dims,
    days_between,
    dim_columns,
    end_of,
    finish,
    grouped,
    history_warning,
    no_trend,
    snapshot,
    visits_cte,
)
from tools.query import Query

STAGE_DIMS = tuple(d for d in Dimension if d.value in (
    "stage", "rep", "manager", "team", "region", "territory", "product", "product_family",
    "industry", "segment", "deal_type", "lead_source", "account"))
"""Stage tools split by the visited stage and by any label of the deal."""
TIME_DIMS = STAGE_DIMS + (Dimension.opportunity,)

CONVERSION_DEFINITION = (
    "Cohort of a stage = deals whose first entry into that open stage falls in the period "
    "(re-entries after a regression do not count again). Advanced = later reached a higher open "
    "stage or a won stage (reaching a later stage counts for every earlier stage entered; a "
    "skipped stage gets no entry); lost stages never count as advancing. Dropped = reached a "
    "lost stage without advancing. conversion_rate = advanced / (advanced + dropped); "
    "conversion_rate_incl_open = advanced / cohort; stage_to_won_rate = won / (won + lost) of "
    "the cohort as of the as-of date (METRICS M25). Without a split by stage, all stages are "
    "pooled.")
TIME_DEFINITION = (
    "Days per deal in a stage, summed over its visits (cumulative; a regression adds a visit), "
    "from the stage history; aggregated over deals whose last completed visit of the stage "
    "ended in the period. Visits still open at the as-of date are censored: they are left out "
    "of the median and reported separately as open_now / median_open_days (METRICS M26). "
    "Without a split by stage, all stages are pooled.")

CONVERSION_SPEC = ToolSpec(name="stage_conversion", definition=CONVERSION_DEFINITION, measures={
    "conversion": Headline("conversion_rate", "ratio"),
    "include_open": Headline("conversion_rate_incl_open", "ratio"),
    "stage_to_won": Headline("stage_to_won_rate", "ratio")})
TIME_SPEC = ToolSpec(name="time_in_stage", definition=TIME_DEFINITION, measures={
    "median": Headline("median_days", "days"), "p75": Headline("p75_days", "days"),
    "mean": Headline("avg_days", "days")})


def _deals(src: str, params: MetricParams) -> str:
    cols = [c for c in dim_columns(params) if c != "stage"]
    extra = "".join(f", {c}" for c in cols)
    return f"deals as (\n  select opportunity_id, status{extra}\n  from {src}\n)"


def _labelled(params: MetricParams, source: str) -> str:
    """Rows of `source` (visits-based, with visit_stage) joined to the deal labels."""
    cols = [c for c in dim_columns(params) if c != "stage"]
    extra = "".join(f", d.{c}" for c in cols)
    return (f"(select x.*, x.visit_stage as stage, x.visit_order as stage_order, d.status{extra}\n"
            f"  from {source} x join deals d using (opportunity_id))")


PATHS = """firsts as (
  select opportunity_id, visit_stage, visit_order, min(seq) as first_seq,
         min(entered_at) as first_at
  from visits where not visit_closed
  group by all
), paths as (
  select f.opportunity_id, f.visit_stage, f.visit_order, f.first_at,
         coalesce(bool_or((not v.visit_closed and v.visit_order > f.visit_order)
                          or v.visit_won), false) as advanced,
         coalesce(bool_or(v.visit_closed and not v.visit_won), false) as reached_lost
  from firsts f
  left join visits v on v.opportunity_id = f.opportunity_id and v.seq > f.first_seq
  where cast(f.first_at as date) between {p0} and {p1}
  group by all
)"""
"""Per deal and open stage first entered in the period: did it advance, was it lost."""
STAGE_TIME = """per_stage as (
  select opportunity_id, visit_stage, visit_order,
         sum(days) filter (where exited_at is not null) as cumulative_days,
         arg_min(case when exited_at is not null then days end, seq) as first_visit_days,
         count(*) filter (where exited_at is not null) as visits,
         cast(max(exited_at) as date) as last_exit,
         max(days) filter (where exited_at is null) as open_days
  from (select *, {duration} as days from visits where not visit_closed)
  group by all
), stage_time as (
  select *, last_exit between {p0} and {p1} and cumulative_days is not null as done
  from per_stage
)"""
"""Per deal and open stage: completed days (done = last exit in the period), open visit age."""

DROPPED = "reached_lost and not advanced"
CONVERSION = (f"count(*) filter (where advanced) / nullif(count(*) filter (where advanced or "
              f"{DROPPED}), 0)")
CONVERSION_COLUMNS = [
    f"{CONVERSION} as conversion_rate",
    "count(*) filter (where advanced) / nullif(count(*), 0) as conversion_rate_incl_open",
    "count(*) filter (where status = 'won') / nullif(count(*) filter "
    "(where status in ('won', 'lost')), 0) as stage_to_won_rate",
    "count(*) as entered", "count(*) filter (where advanced) as advanced",
    f"count(*) filter (where {DROPPED}) as dropped",
    "count(*) filter (where not advanced and not reached_lost) as still_open",
    "count(*) filter (where status = 'won') as won",
    "count(*) filter (where status = 'lost') as lost"]
DONE = "filter (where done)"
TIME_COLUMNS = [
    f"median(cumulative_days) {DONE} as median_days",
    f"quantile_cont(cumulative_days, 0.75) {DONE} as p75_days",
    f"avg(cumulative_days) {DONE} as avg_days",
    f"median(first_visit_days) {DONE} as median_first_visit_days",
    f"count(*) {DONE} as deals", f"sum(visits) {DONE} as visits",
    "count(*) filter (where open_days is not null) as open_now",
    "median(open_days) as median_open_days"]


def stage_ctes(q: Query, period: Period, ts: str) -> tuple[str, str]:
    """Return the PATHS and STAGE_TIME CTEs for a period (visits must precede them)."""
    p0, p1 = q.bind("p_start", period.start), q.bind("p_end", period.end)
    duration = days_between("entered_at", f"coalesce(exited_at, {ts})")
    return PATHS.format(p0=p0, p1=p1), STAGE_TIME.format(p0=p0, p1=p1, duration=duration)


def _run(ctx: ToolContext, params: MetricParams, spec: ToolSpec) -> MetricResult:
    conversion = spec is CONVERSION_SPEC
    title = "Stage conversion" if conversion else "Time in stage"
    check_dims(params, STAGE_DIMS if conversion else TIME_DIMS, title)
    no_trend(params, title)
    headline = spec.headline(params)
    period = resolve_period(ctx, params, "ytd")
    q = Query()
    ts = q.bind("as_of_ts", end_of(ctx.as_of))
    paths, stage_time = stage_ctes(q, period, ts)
    deals = _deals(snapshot(ctx, q, ctx.as_of, "deals_ts"), params)
    ctes = [visits_cte(ts, ctx=ctx), deals, paths if conversion else stage_time]
    body = grouped(q, params, _labelled(params, "paths" if conversion else "stage_time"),
                   CONVERSION_COLUMNS if conversion else TIME_COLUMNS, headline.column)
    warning = history_warning(ctx)
    return finish(ctx, q, "with " + ",\n".join(ctes) + "\n" + body, spec, headline,
                  definition=spec.definition, period=period,
                  count="entered" if conversion else "deals", params=params,
                  warnings=[warning] if warning else None,
                  empty_reason="INSUFFICIENT_HISTORY" if warning else "NO_DATA")


def stage_conversion(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Share of each stage's entry cohort that moved forward, from history (M25).

    Hand-written: walks the stage visits rebuilt from history.
    """
    return _run(ctx, params, CONVERSION_SPEC)


def time_in_stage(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Median (p75, mean) cumulative days per deal in each stage, censored visits apart (M26).

    Hand-written: walks the stage visits rebuilt from history.
    """
    return _run(ctx, params, TIME_SPEC)
