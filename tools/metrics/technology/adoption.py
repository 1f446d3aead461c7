"""Sales technology (METRICS §3 G): tool adoption (M60) here, integration health (M53) in
integration.py.

Adoption counts people, not logins: a licensed human user is active in a period when they did
something meaningful (created or updated a record, logged an activity, ran a report, sent an
e-mail) on enough distinct days. Users assigned for less than half the period are left out, so
a hire or leaver in mid-quarter does not dilute the rate.
"""

from __future__ import annotations

from tools.base import (
    Dimension,
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
)
from tools.fiscal import Period
from tools.metrics.core.frame import RecordSpec
from tools.metrics.core.options import Option, read_options
from tools.metrics.core.periods import comparison_period
from tools.metrics.core.records import (
    finish,
    for_period,
    for_quarters,
    measure_of,
    start,
    whole_quarters,
)
from tools.query import column
from tools.values import check_tool_values
from tools.warehouse.facts import usage_days
from tools.warehouse.usage import EVENT_TYPES as DEFAULT_TYPES
from tools.warehouse.usage import TABLE as USAGE_TABLE
from tools.warehouse.usage import USAGE_SQL

MEASURES = ("adoption", "seat_utilization", "idle_cost")
DIMS = (Dimension.tool, Dimension.team, Dimension.manager, Dimension.region, Dimension.rep,
        Dimension.territory)
EVENT_TYPES = ",".join(DEFAULT_TYPES)
LICENSED_SQL = ("select tool_name from tool_licenses union "
                "select tool_name from license_assignments")
"""The tools adoption can be measured for: an integration system without licences is not one."""
OPTIONS = {"min_assigned_share": Option(float, 0.5, 0, 1),
           "min_active_days": Option(int, 1, 0, 366), "event_types": Option(str, EVENT_TYPES)}

ADOPTION_HEAD = """assigned as (
  select b.tag, b.bucket_start, b.b_start, b.b_end, a.tool_name, a.user_id,
         least(sum(date_diff('day', greatest(coalesce(a.assigned_from, b.b_start), b.b_start),
                             least(coalesce(a.assigned_to, b.b_end), b.b_end)) + 1),
               date_diff('day', b.b_start, b.b_end) + 1) as assigned_days
  from buckets b join license_assignments a
    on coalesce(a.assigned_from, b.b_start) <= b.b_end
   and coalesce(a.assigned_to, b.b_end) >= b.b_start
  where b.b_end >= b.b_start
  group by b.tag, b.bucket_start, b.b_start, b.b_end, a.tool_name, a.user_id
),
licensed as (
  select s.* from assigned s left join users u using (user_id)
  where coalesce(u.is_human, true)
    and s.assigned_days >= {share} * (date_diff('day', s.b_start, s.b_end) + 1)
)"""
ADOPTION_TAIL = """terms as (
  select b.bucket_start, t.tool_name, t.license_type,
         arg_max(t.seats_purchased, t.period_start) as seats,
         arg_max(t.cost_per_seat * (date_diff('day', b.b_start, b.b_end) + 1)
                 / (date_diff('day', t.period_start, t.period_end) + 1), t.period_start)
           as seat_cost
  from buckets b join tool_licenses t on t.period_start <= b.b_end and t.period_end >= b.b_start
  group by all
),
seats as (
  select bucket_start, tool_name, sum(seats) as seats,
         sum(seats * seat_cost) / nullif(sum(seats), 0) as seat_cost
  from terms group by all
),
r as (
  select l.tag, l.bucket_start, l.tool_name as tool, l.user_id,
         coalesce(x.active_days, 0) >= {min_days} as active,
         coalesce(x.logins, 0) > 0 and coalesce(x.active_days, 0) < {min_days} as login_only,
         s.seats, s.seat_cost,
         row_number() over (partition by l.bucket_start, l.tool_name order by l.user_id) = 1
           as first_of_tool,
         coalesce(v.rep, l.user_id) as rep, v.manager, v.team, v.region, v.territory
  from licensed l
  left join usage x using (bucket_start, tool_name, user_id)
  left join seats s using (bucket_start, tool_name)
  left join v_reps v using (user_id)
)"""
ADOPTION_SQL = ADOPTION_HEAD + ",\n" + USAGE_SQL + ",\n" + ADOPTION_TAIL
"""The licensed users of each bucket, their usage (tools.warehouse.usage) and seats."""
KEPT_SQL = (ADOPTION_HEAD + f""",
usage as (
  select u.* from buckets b join {USAGE_TABLE} u using (bucket_start)
),
""" + ADOPTION_TAIL)
"""The same with the usage kept at load, when it is this question's (`_kept`)."""

USERS = "count(user_id)"
COLUMNS = (
    column("adoption_rate", f"{USERS} filter (where active) / nullif({USERS}, 0)", "ratio"),
    column("licensed_users", USERS, "count", additive=True),
    column("active_users", f"{USERS} filter (where active)", "count", additive=True),
    column("login_only_users", f"{USERS} filter (where login_only)", "count", additive=True),
    column("login_only_share", f"{USERS} filter (where login_only) / nullif({USERS}, 0)",
           "ratio"),
    column("idle_seat_cost", "case when bool_or(not active and seat_cost is null) then null "
           "else coalesce(sum(seat_cost) filter (where not active), 0) end", "currency",
           additive=True),  # unknown when an idle user's tool has no license terms
)
SEAT_COLUMNS = (
    column("seats_purchased", "sum(seats) filter (where first_of_tool)", "count", additive=True),
    column("seat_utilization_rate", f"{USERS} / nullif(sum(seats) filter (where first_of_tool), 0)",
           "ratio"),
)
HEADLINES = {"adoption": "adoption_rate", "seat_utilization": "seat_utilization_rate",
             "idle_cost": "idle_seat_cost"}
DEFINITION = (
    "Licensed human users (integration users excluded) assigned the tool on at least "
    "min_assigned_share (default 50%) of the period's days who had a qualifying event "
    "(record create/update, activity logged, report run, e-mail sent; a login alone does not "
    "count) on at least min_active_days (default 1) distinct days / those licensed users; "
    "several tools together are weighted by licensed users. Seat utilization = licensed users "
    "/ seats purchased; idle seat cost = inactive licensed users x cost per seat prorated to "
    "the period (METRICS M60).")


def technology_adoption(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Adoption rate, login-only share, seat utilization and idle cost per tool or team.

    RecordSpec: one row per licensed user of a tool; seat columns only per tool.
    """
    measure = measure_of(params, MEASURES, "technology_adoption")
    opts = read_options(params, "technology_adoption", OPTIONS)
    share, min_days = opts["min_assigned_share"], opts["min_active_days"]
    types = [t.strip() for t in opts["event_types"].split(",")]
    check_tool_values(ctx, params, LICENSED_SQL, "licensed tools")
    per_tool = {d for d in params.group_by} | {f.dimension for f in params.filters}
    with_seats = per_tool <= {Dimension.tool}
    if measure == "seat_utilization" and not with_seats:
        raise ToolInputError("seats are bought per tool, so seat utilization can only be "
                             "split or filtered by tool", options=["tool"])
    spec = RecordSpec("technology_adoption", DEFINITION, HEADLINES[measure],
                      COLUMNS + (SEAT_COLUMNS if with_seats else ()), "licensed_users", DIMS)
    frame = start(ctx, params, spec, "quarter")
    q = frame.q
    periods = [frame.period] + ([comparison_period(ctx, frame.period, params.compare)]
                                if params.compare else [])
    sql = (KEPT_SQL if _kept(ctx, params, frame.period, types) else ADOPTION_SQL).format(
        share=q.bind("min_assigned_share", share), min_days=q.bind("min_active_days", min_days),
        types=q.bind("event_types", types), cutoff=frame.cutoff,
        last_day=q.bind("last_day", max((p.end - p.start).days for p in periods)))
    return finish(frame, sql)


def _kept(ctx: ToolContext, params: MetricParams, period: Period, types: list[str]) -> bool:
    """Whether the usage kept at load is this question's: whole quarters ended by the as-of
    date, the default event types, and the table current with the current opp_facts (so with
    the calendar as it is; asked once per connection). Splits, filters and a row scope apply
    to the licensed users, after the usage."""
    if not (ctx.facts and whole_quarters(ctx, params, period)) \
            or set(types) != set(DEFAULT_TYPES):
        return False
    if USAGE_TABLE not in ctx.memo:
        ctx.memo[USAGE_TABLE] = usage_days(ctx.con)
    return bool(ctx.memo[USAGE_TABLE])


def adoption_rate_value(ctx: ToolContext, period: Period) -> MetricResult:
    """Overall technology adoption rate of one period (scorecard: target > 85%)."""
    return for_period(technology_adoption, ctx, period)


def adoption_rate_quarters(ctx: ToolContext, quarters: list[Period]) -> list[MetricResult]:
    """The same for consecutive quarters, from one statement (scorecard)."""
    return for_quarters(technology_adoption, ctx, quarters, "licensed_users")
