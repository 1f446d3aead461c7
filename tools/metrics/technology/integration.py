"""Sales/marketing integration health (METRICS M53) from integration_sync_log.

A flow is one (source system, target system, object) triple, e.g. hubspot -> salesforce
(lead); splitting by tool lists the flows, and filtering by a tool keeps the flows that read
from or write to it (by two systems, the flows between them when there are any). A system no
flow names is asked about. Freshness is measured at the end of each period (the as-of day for
the current one), so a stalled flow shows up even when it logged no errors.
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, Warning
from tools.fiscal import Period
from tools.metrics.core.frame import RecordFrame, RecordSpec
from tools.metrics.core.options import read_options
from tools.metrics.core.records import (
    finish,
    for_period,
    measure_of,
    start,
)
from tools.metrics.core.records_sql import record_filters
from tools.query import column
from tools.values import check_tool_values

INTEGRATION_DIMS = (Dimension.tool,)
INTEGRATION_MEASURES = ("error_rate", "freshness", "latency", "syncs", "errors")
FAILED = "lower(s.status) in ('error', 'failed', 'failure')"
FLOW = "source_system, target_system, object_type"
FLOW_LABEL = "s.source_system || ' -> ' || s.target_system || ' (' || s.object_type || ')'"
SYSTEMS_SQL = ("select lower(source_system) from integration_sync_log union "
               "select lower(target_system) from integration_sync_log")
ENDS = "lower({side}_system) in ({{values}})"
TOUCHING = f"{ENDS.format(side='source')} or {ENDS.format(side='target')}"
"""Every flow reading from or writing to one of the systems (what excluding them drops)."""
TOOL_FILTER = (
    f"({ENDS.format(side='source')} and {ENDS.format(side='target')}) or "
    f"(({ENDS.format(side='source')} or {ENDS.format(side='target')}) and not exists ("
    f"select 1 from integration_sync_log z where lower(z.source_system) in ({{values}}) "
    f"and lower(z.target_system) in ({{values}})))")
"""A flow named by its systems: with two or more, the flows between them ('hubspot to
salesforce') when there are any, else (and with one) every flow reading from or writing to
one of them ('netsuite syncs')."""

SYNC_SQL = """syncs as (
  select b.tag, b.bucket_start, b.b_end, s.*, {failed} as failed,
         date_diff('millisecond', s.started_at, s.finished_at) / 1000.0 as latency_seconds,
         {label} as tool
  from buckets b
  join integration_sync_log s on cast(s.started_at as date) between b.b_start and b.b_end
  where s.started_at < {cutoff}
),
last_success as (
  select b.bucket_start, {flow}, max(s.finished_at) as last_ok
  from buckets b join integration_sync_log s on s.finished_at < cast(b.b_end + 1 as timestamp)
  where not {failed} and s.finished_at is not null
  group by all
),
record_success as (
  select {flow}, record_id, max(started_at) as last_ok_start
  from integration_sync_log s
  where not {failed} and s.finished_at < {cutoff}
  group by all
),
r as (
  select y.*,
         date_diff('second', l.last_ok, cast(y.b_end + 1 as timestamp)) / 60.0
           as flow_lag_minutes,
         y.failed and coalesce(k.last_ok_start <= y.started_at, true) as unrecovered
  from syncs y
  left join last_success l using (bucket_start, {flow})
  left join record_success k using ({flow}, record_id)
)"""

COLUMNS = (
    column("sync_error_rate", "count(sync_id) filter (where failed) / nullif(count(sync_id), 0)",
           "ratio"),
    column("syncs", "count(sync_id)", "count", additive=True),
    column("errors", "count(sync_id) filter (where failed)", "count", additive=True),
    column("unrecovered_errors", "count(sync_id) filter (where unrecovered)", "count",
           additive=True),
    column("freshness_lag_minutes", "max(flow_lag_minutes)", "count"),
    column("p95_latency_seconds", "quantile_cont(latency_seconds, 0.95)", "count"),
)
HEADLINES = {"error_rate": "sync_error_rate", "freshness": "freshness_lag_minutes",
             "latency": "p95_latency_seconds", "syncs": "syncs", "errors": "errors"}
DEFINITION = (
    "Syncs started in the period: error rate = syncs with status error / all syncs; "
    "unrecovered errors = failed syncs of a record with no later successful sync by the as-of "
    "date; freshness lag = minutes from the last successful sync of a flow to the end of the "
    "period (the worst flow when several are shown together); p95 latency = 95th percentile "
    "of finish - start in seconds (METRICS M53).")


def integration_health(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Sync error rate, freshness and latency, overall or per integration flow.

    RecordSpec: one row per sync run.
    """
    measure = measure_of(params, INTEGRATION_MEASURES, "integration_health")
    read_options(params, "integration_health", {})
    check_tool_values(ctx, params, SYSTEMS_SQL, "systems integration flows sync")
    spec = RecordSpec(
        "integration_health", DEFINITION, HEADLINES[measure], COLUMNS, "syncs",
        INTEGRATION_DIMS, filter_sql={Dimension.tool: f"({TOOL_FILTER})"},
        exclude_sql={Dimension.tool: f"({TOUCHING})"})
    frame = start(ctx, params, spec, "quarter")
    result = finish(frame, SYNC_SQL.format(failed=FAILED, cutoff=frame.cutoff, flow=FLOW,
                                           label=FLOW_LABEL))
    if params.filters:  # every filter here is by tool (INTEGRATION_DIMS)
        result.warnings.append(_flows_kept(frame))
    return result


def _flows_kept(frame: RecordFrame) -> Warning:
    """Which flows a filter by systems kept: the answer names them, since 'hubspot or
    salesforce' in its filter text may mean one flow between them or every flow of either.
    The conditions are the statement's own (records_sql.record_filters)."""
    sql = (f"select distinct {FLOW_LABEL} from integration_sync_log s "
           f"where {' and '.join(record_filters(frame))} order by 1")
    rows = frame.ctx.con.execute(sql, frame.q.used_by(frame.ctx.con, sql)).fetchall()
    return Warning(code="FLOWS_KEPT", message="Integration flows counted: "
                   + ("; ".join(r[0] for r in rows) or "none") + ".")


def integration_health_value(ctx: ToolContext, period: Period) -> MetricResult:
    """Sync error rate of one period (scorecard)."""
    return for_period(integration_health, ctx, period)
