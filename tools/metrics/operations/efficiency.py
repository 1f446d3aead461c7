"""Sales-ops efficiency (METRICS §3 I M80, with M61 automation) here, revenue reporting accuracy
(M71) in reconciliation.py.

SLA attainment looks at the requests created in the period: met / (met + breached), where an
open request past its due time is already breached and one not yet due is left out (pending),
so a period never looks better just because its late work is still open.
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext
from tools.fiscal import Period
from tools.metrics.core.frame import RecordSpec
from tools.metrics.core.options import Option, read_options
from tools.metrics.core.records import (
    finish,
    for_period,
    for_quarters,
    measure_of,
    start,
)
from tools.query import column

MEASURES = ("sla", "automation", "resolution_time", "backlog", "volume")
DIMS = (Dimension.request_type,)
DUE = ("coalesce(o.sla_due_at, o.created_at + to_seconds(cast(o.sla_hours * 3600 as bigint)))"
       " as due_at")

COHORT_SQL = """reqs as (
  select b.tag, b.bucket_start, o.*, {due},
         o.resolved_at is not null and o.resolved_at < {cutoff} as resolved
  from buckets b join ops_requests o on cast(o.created_at as date) between b.b_start and b.b_end
  where o.created_at < {cutoff}{priority}
),
r as (
  select *, resolved and resolved_at <= due_at as met,
         (resolved and resolved_at > due_at) or (not resolved and due_at < {cutoff}) as breached,
         not resolved and due_at >= {cutoff} as pending,
         lower(resolution_method) = 'automated' as automated,
         case when resolved then date_diff('second', created_at, resolved_at) / 3600.0 end
           as resolution_hours
  from reqs
)"""
BACKLOG_SQL = """r as (
  select b.tag, b.bucket_start, o.*, {due}, cast(b.b_end + 1 as timestamp) as at_end
  from buckets b join ops_requests o on o.created_at < cast(b.b_end + 1 as timestamp)
   and (o.resolved_at is null or o.resolved_at >= cast(b.b_end + 1 as timestamp))
  where b.b_end >= b.b_start{priority}
)"""

OPTIONS = {"priority": Option(str, "")}
"""priority: a comma-separated list of the request priorities to count (default: all)."""

N = "count(request_id)"
COHORT_COLUMNS = (
    column("sla_attainment", f"{N} filter (where met) / nullif({N} filter (where met or "
           "breached), 0)", "ratio"),
    column("requests", N, "count", additive=True),
    column("met", f"{N} filter (where met)", "count", additive=True),
    column("breached", f"{N} filter (where breached)", "count", additive=True),
    column("pending", f"{N} filter (where pending)", "count", additive=True),
    column("automation_rate", f"{N} filter (where resolved and automated) / nullif({N} filter "
           "(where resolved), 0)", "ratio"),
    column("resolved", f"{N} filter (where resolved)", "count", additive=True),
    column("median_resolution_hours", "median(resolution_hours)", "count"),
    column("without_sla", f"{N} filter (where due_at is null)", "count", additive=True),
)
BACKLOG_COLUMNS = (
    column("backlog", N, "count", additive=True),
    column("overdue", f"{N} filter (where due_at < at_end)", "count", additive=True),
    column("median_age_days", "median(date_diff('second', created_at, at_end) / 86400.0)",
           "days"),
)
HEADLINES = {"sla": "sla_attainment", "automation": "automation_rate",
             "resolution_time": "median_resolution_hours", "volume": "requests"}
DEFINITION = (
    "Sales-ops requests created in the period: SLA attainment = met / (met + breached), where "
    "due = sla_due_at or created + sla_hours, met = resolved by due, breached = resolved late "
    "or still open past due at the as-of date, and open requests not yet due are pending and "
    "left out (METRICS M80); automation rate = automated / resolved (M61); median hours from "
    "creation to resolution.")
BACKLOG_DEFINITION = (
    "Sales-ops requests open at the end of the period (the as-of date for the current one): "
    "created before it and not yet resolved; overdue = past their SLA due time (METRICS M80).")


def ops_efficiency(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """SLA attainment, automation, resolution time, volume or backlog of sales-ops requests.

    RecordSpec: one row per request (or per open request, for the backlog).
    """
    measure = measure_of(params, MEASURES, "ops_efficiency")
    priorities = read_options(params, "ops_efficiency", OPTIONS)["priority"]
    if measure == "backlog":
        spec = RecordSpec("ops_efficiency", BACKLOG_DEFINITION, "backlog", BACKLOG_COLUMNS,
                          "backlog", DIMS)
    else:
        spec = RecordSpec("ops_efficiency", DEFINITION, HEADLINES[measure], COHORT_COLUMNS,
                          "requests", DIMS)
    frame = start(ctx, params, spec, "quarter")
    only = [p.strip() for p in priorities.split(",") if p.strip()]
    priority = (f"\n    and o.priority in ({', '.join(frame.q.bind('priority', p) for p in only)})"
                if only else "")
    template = BACKLOG_SQL if measure == "backlog" else COHORT_SQL
    return finish(frame, template.format(due=DUE, cutoff=frame.cutoff, priority=priority))


def ops_efficiency_value(ctx: ToolContext, period: Period) -> MetricResult:
    """SLA attainment of the period's sales-ops requests (scorecard: target > 90%)."""
    return for_period(ops_efficiency, ctx, period)


def ops_efficiency_quarters(ctx: ToolContext, quarters: list[Period]) -> list[MetricResult]:
    """The same for consecutive quarters, from one statement (scorecard)."""
    return for_quarters(ops_efficiency, ctx, quarters, "requests")
