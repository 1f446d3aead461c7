"""Activity metrics (reference/METRICS.md M43): how much selling work reps log, per rep-day and
per deal, and how many open deals were touched recently.

Counted: completed, not automated activities of human owners; emails only outbound; meetings not
no-show, cancelled or rescheduled; sync duplicates (same owner, contact, account, deal, type,
subtype and minute) once. Per rep-day divides by the working days (Mon-Fri; no holiday table)
each rep was employed in the period. Breakdowns follow the activity owner, or the deal owner
for deal measures.
"""

from __future__ import annotations

from datetime import date, datetime, time

from tools.base import (
    Dimension,
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import fetch
from tools.metrics.core.options import Option
from tools.metrics.core.owners import OWNER_GROUPS
from tools.metrics.core.spec import Headline, ToolSpec, source
from tools.metrics.recurring.subscriptions import capped_period, check_dims
from tools.query import Query, Select

DIMS = OWNER_GROUPS + (Dimension.activity_type,)
OWNERS = "activities belong to their owner"
"""Why activity metrics split only by owner dimensions and activity type (Tool.group_by_why)."""
TYPES = ("call", "email", "meeting")
HEADLINES = ("activities", "per_rep_per_day", "per_deal", "per_won_deal", "coverage", "calls",
             "emails", "meetings", "calls_per_rep_per_day", "emails_per_rep_per_day",
             "meetings_per_rep_per_day")
DAY = "coalesce(cast(a.occurred_at as date), a.due_date)"
QUALIFIED = f"""qualified as (
  select a.owner_id, a.activity_type, a.opportunity_id, {DAY} as day,
         bool_or(a.occurred_at is null) as due_date_used
  from activities a join users u on u.user_id = a.owner_id
  where not coalesce(a.is_deleted, false) and a.is_completed
    and not coalesce(a.is_automated, false) and coalesce(u.is_human, true)
    and (coalesce(lower(a.activity_type), '') <> 'email' or lower(a.direction) = 'outbound')
    and (coalesce(lower(a.activity_type), '') <> 'meeting' or upper(coalesce(a.outcome, ''))
         not in ('NO_SHOW', 'CANCELED', 'CANCELLED', 'RESCHEDULED'))
    and {DAY} <= $as_of{{type_filter}}
  group by a.owner_id, a.activity_type, a.opportunity_id, a.account_id,
           coalesce(a.contact_id, a.lead_id), a.subtype,
           date_trunc('minute', coalesce(a.occurred_at, cast(a.due_date as timestamp))), {DAY}
)"""
ACT_MEASURES = [
    "count(*) as activities",
    *[f"count(*) filter (where lower(x.activity_type) = '{t}') as {t}s" for t in TYPES],
    "count(x.opportunity_id) as on_deals", "count(distinct x.opportunity_id) as deals_touched"]
CAPACITY = ("users u join days on days.d between coalesce(u.hire_date, days.d) "
            "and coalesce(u.termination_date, days.d)")
Z = "coalesce({0}, 0) as {0}".format
MEASURES = [
    Z("activities"), Z("calls"), Z("emails"), Z("meetings"), Z("rep_days"),
    "coalesce(activities, 0) / nullif(rep_days, 0) as per_rep_per_day",
    "coalesce(on_deals, 0) / nullif(deals_touched, 0) as per_deal",
    "coalesce(won_deal_activities, 0) / nullif(won_deals, 0) as per_won_deal", Z("open_deals"),
    "covered_deals / nullif(open_deals, 0) as open_deal_touch_rate"]
COLUMN = {"coverage": "open_deal_touch_rate"}
"""Measure -> headline column where they differ; per-type rates get their own column."""
DEFINITION = (
    "Completed, non-automated activities of human owners dated {start} to {end} (outbound "
    "emails only; meetings not no-show/cancelled/rescheduled; sync duplicates once). "
    "per_rep_per_day = activities / working days (Mon-Fri) employed of quota-carrying reps and "
    "anyone who logged activity; per_deal = activities on deals / deals touched; per_won_deal = "
    "activities logged up to their close date on deals won in the period / those deals; "
    "open_deal_touch_rate (coverage) = open deals on {end} with an activity in the last {stale} "
    "days / open deals (METRICS M43).")
SPEC = ToolSpec(
    name="activity_metrics", definition=DEFINITION,
    measures={m: Headline(COLUMN.get(m, m), "ratio" if m == "coverage" else "count")
              for m in HEADLINES},
    options={"stale_days": Option(int, None, 1, 3650)})
"""stale_days: how recent a touch covers an open deal (default: the stale_days setting)."""


def activity_metrics(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return activity volume, per rep-day and per deal rates and open-deal coverage.

    Hand-written: rep-days, deals touched and coverage are separate relations per group.
    """
    h = SPEC.headline(params)
    headline = h.column
    _check(params)
    period = capped_period(ctx, params, None)
    stale = SPEC.read_options(params)["stale_days"] or \
        ctx.settings.stale_days
    q = Query()
    dims = list(params.group_by)
    parts = _parts(ctx, q, params, period, stale, dims)
    sql = _assemble(q, params, parts, dims, headline)
    fetched = fetch(ctx, sql, q.used_by(ctx.con, sql))
    n = fetched.total("activities")
    return SPEC.result(
        ctx, fetched, h, period=period, n_records=n,
        definition=DEFINITION.format(start=period.start, end=period.end, stale=stale),
        scalar=not dims, warnings=_warnings(ctx, q, parts, period, n))


def _check(params: MetricParams) -> None:
    check_dims(params, DIMS, "activity_metrics", OWNERS)
    if params.time_grain or params.compare:
        raise ToolInputError("activity metrics cover one period at a time",
                             options=["this quarter", "last quarter", "last month"])


def _part(name: str, dims: list[Dimension], rel: str, owner: str, type_col: str | None,
          measures: list[str], where: str) -> str:
    """One aggregate of the breakdown: `rel` with its owner's labels from v_reps."""
    labels = [f"coalesce({type_col if d == Dimension.activity_type else f'r.{d.value}'}, "
              f"'(none)') as {d.value}" for d in dims
              if d != Dimension.activity_type or type_col]
    group = "\n  group by all" if labels else ""
    return (f"{name} as (\n  select {', '.join(labels + measures)}\n  from {rel}\n"
            f"  left join v_reps r on r.user_id = {owner}\n  where true{where}{group}\n)")


def _parts(ctx: ToolContext, q: Query, params: MetricParams, period: Period, stale: int,
           dims: list[Dimension]) -> list[str]:
    q.share("as_of", ctx.as_of)  # QUALIFIED names $as_of
    ps, pe = q.bind("p_start", period.start), q.bind("p_end", period.end)
    since = q.bind("stale_since", date.fromordinal(period.end.toordinal() - stale + 1))
    deals = source(ctx, q)
    then = "deals" if period.end == ctx.as_of else \
        f"opps_as_of({q.bind('deals_ts', datetime.combine(period.end, time.max))})"
    typed = [f for f in params.filters if f.dimension == Dimension.activity_type]
    by_type = "".join(f"\n    and {c}" for c in q.filters(typed, qualifier="a."))
    owner = "".join(f"\n    and {c}" for c in q.filters(
        [f for f in params.filters if f.dimension != Dimension.activity_type], qualifier="r."))
    t = "x.activity_type" if Dimension.activity_type in dims else None
    won = f"o.status = 'won' and o.close_date between {ps} and {pe}"
    same_type = " and y.activity_type = x.activity_type" if t else ""
    types = " cross join (select distinct activity_type from qualified) x" if t else ""
    return [
        QUALIFIED.format(type_filter=by_type),
        f"deals as (select * from {deals})",
        f"counted as (select * from qualified where day between {ps} and {pe})",
        f"days as (\n  select cast(d as date) as d from generate_series({ps}, {pe}, "
        f"interval 1 day) t(d)\n  where isodow(d) <= 5\n)",
        _part("act", dims, "counted x", "x.owner_id", t, ACT_MEASURES, owner),
        _part("capacity", dims, CAPACITY, "u.user_id", None, ["count(*) as rep_days"],
              f"{owner}\n    and coalesce(u.is_human, true) and (coalesce(u.is_quota_carrying, "
              f"false) or u.user_id in (select owner_id from counted))"),
        _part("open_deals", dims, f"{then} o{types}", "o.owner_id", t, [
            "count(*) as open_deals", f"count(*) filter (where exists (select 1 from qualified "
            f"y\n      where y.opportunity_id = o.opportunity_id and y.day between {since} and "
            f"{pe}{same_type})) as covered_deals"], f"{owner}\n    and o.status = 'open'"),
        _part("won", dims, "deals o", "o.owner_id", None, ["count(*) as won_deals"],
              f"{owner}\n    and {won}"),
        _part("won_acts", dims, "qualified x join deals o using (opportunity_id)", "o.owner_id",
              t, ["count(*) as won_deal_activities"],
              f"{owner}\n    and {won} and x.day <= o.close_date"),
    ]


def _assemble(q: Query, params: MetricParams, parts: list[str], dims: list[Dimension],
              headline: str) -> str:
    keys = [d.value for d in dims]
    owner = [d.value for d in dims if d != Dimension.activity_type]

    def on(names: list[str]) -> str:
        return f" using ({', '.join(names)})" if names else " on true"

    if keys:
        tables = ["act", "open_deals", "won_acts"] + (["capacity", "won"] if keys == owner
                                                      else [])
        frame = " union ".join(f"select {', '.join(keys)} from {t}" for t in tables)
        joins = (f"({frame}) k\nleft join act{on(keys)}\nleft join capacity{on(owner)}\n"
                 f"left join open_deals{on(keys)}\nleft join won{on(owner)}\n"
                 f"left join won_acts{on(keys)}")
    else:
        joins = "act, capacity, open_deals, won, won_acts"
    measures = MEASURES
    if headline.endswith("s_per_rep_per_day"):  # a per-type rate replaces the overall one
        rate = f"coalesce({headline.split('_')[0]}, 0) / nullif(rep_days, 0) as {headline}"
        measures = [rate if m.endswith(" as per_rep_per_day") else m for m in MEASURES]
    stmt = Select(keys + measures, joins, ctes=parts, column_separator=", ")
    if keys:
        stmt.rank(q, params, headline, keys)
    return stmt.sql()


def _warnings(ctx: ToolContext, q: Query, parts: list[str], period: Period,
              n: int) -> list[Warning]:
    out = []
    if n == 0:
        out.append(Warning(code="NO_DATA", message=f"No counted activities from {period.start} "
                           f"to {period.end}."))
    sql = (f"with {parts[0]},\n{parts[2]}\nselect count(*) filter (where due_date_used), "
           f"(select count(*) from activities a where a.owner_id not in (select user_id from "
           f"users)\n  and {DAY} between $p_start and $p_end) from counted")
    due, unknown = ctx.con.execute(sql, q.used_by(ctx.con, sql)).fetchone()  # type: ignore[misc]
    if due:
        out.append(Warning(code="DUE_DATE_AS_OCCURRED", message=f"{due:,} activities have no "
                           "completion time; their due date is used as the activity date."))
    if unknown:
        out.append(Warning(code="DQ_OWNER_UNRESOLVED", message=f"{unknown:,} activities in the "
                           "period belong to an owner who is not in the user list and are not "
                           "counted."))
    return out
