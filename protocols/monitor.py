"""Evaluate monitors through the tools and send what breaches, once, to the peer that acts on it.

One pass runs every monitor's tool on the read-only warehouse, checks its condition, and for
each breaching group opens an alert and queues an insight in the escalation outbox with a
stable idempotency key (monitor, group, period, occurrence). An alert still open is reported as
"open" and not queued again; an open alert whose condition no longer holds (or whose period is
over) is resolved, so a recurrence is a new insight. Numbers in an insight are the tool's own.
"""

from __future__ import annotations

import hashlib
import operator
import string
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import duckdb
from pydantic import BaseModel, Field

from protocols.monitor_alerts import Alert, AlertLog
from protocols.monitor_config import Monitor, PeriodKeyword, Reference, Severity
from protocols.outbox import DeliveryResult, Outbox
from protocols.store import EscalationRecord, TaskStore, utcnow
from tools.base import MetricParams, MetricResult, PeriodParam, ToolContext, ToolInputError
from tools.fiscal import FiscalCalendar, Period
from tools.registry import run_tool as run_registered

if TYPE_CHECKING:
    from agent.context import Warehouse

Clock = Callable[[], datetime]
REQUESTER = {"id": "revops-monitor", "role": "revops"}
"""Who an insight comes from: the agent's own monitor loop."""
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne}
HEADLINE = "all"
"""Group key of a monitor that checks the headline value only."""


class MonitorRunError(Exception):
    """A monitor could not be evaluated on this result (a bad column or template)."""


class Insight(BaseModel):
    """A breach found by a monitor: what, for whom, and the numbers behind it."""

    insight_id: str
    """The escalation id in the outbox."""
    idempotency_key: str
    monitor_id: str
    description: str
    status: Literal["new", "open"]
    """new: queued in this pass; open: already sent and still breaching (not sent again)."""
    target: str
    category: str
    severity: Severity
    message: str
    group: str
    """The breaching group's label ("all" for a monitor of the headline value)."""
    period: dict[str, str] | None
    value: float | bool | None
    bound: float | bool | None
    """What the value was compared with (threshold, threshold x reference, or for a change the
    threshold of the change)."""
    previous: float | None = None
    reference: float | None = None
    tool: str
    params: dict[str, Any]
    columns: list[str]
    rows: list[list[Any]]
    """The breaching row(s) of the tool's result."""
    definition: str
    as_of: date


class Resolution(BaseModel):
    """An alert whose condition cleared in this pass."""

    insight_id: str
    monitor_id: str
    target: str
    group: str
    period: str
    opened_at: datetime
    resolved_at: datetime
    message: str
    """The message the alert was opened with."""


class MonitorFailure(BaseModel):
    """A monitor that could not be evaluated in this pass (its alerts are left as they were)."""

    monitor_id: str
    error: str


class MonitorReport(BaseModel):
    """One pass over the monitors."""

    as_of: date
    evaluated: list[str] = Field(default_factory=list)
    insights: list[Insight] = Field(default_factory=list)
    resolved: list[Resolution] = Field(default_factory=list)
    errors: list[MonitorFailure] = Field(default_factory=list)
    delivery: list[DeliveryResult] = Field(default_factory=list)

    @property
    def new(self) -> list[Insight]:
        """Return the insights queued in this pass."""
        return [i for i in self.insights if i.status == "new"]


class _Check(BaseModel):
    """One evaluated value (the headline or a row) and whether it breaches."""

    label: str
    group_key: str
    row: dict[str, Any]
    values: list[Any]
    value: float | bool | None
    bound: float | bool | None = None
    previous: float | None = None
    change: float | None = None
    reference: float | None = None
    difference: float | None = None
    breached: bool = False


# --- periods and tool runs --------------------------------------------------------------------

def resolve_period(keyword: PeriodKeyword | None, calendar: FiscalCalendar,
                   as_of: date) -> PeriodParam | None:
    """Turn a period keyword into dates relative to `as_of` (None = the tool's default)."""
    if keyword is None:
        return None
    grain, back = {"this_quarter": ("quarter", 0), "last_quarter": ("quarter", 1),
                   "this_month": ("month", 0), "last_month": ("month", 1),
                   "this_year": ("year", 0), "last_year": ("year", 1),
                   "ytd": ("year", 0)}[keyword]
    bucket = calendar.bucket(as_of, grain)  # type: ignore[arg-type]
    if back:
        bucket = calendar.previous(bucket, grain, back)  # type: ignore[arg-type]
    if keyword == "ytd":
        bucket = Period(bucket.start, as_of, f"FY{calendar.fiscal_year(as_of)} YTD")
    return PeriodParam.of(bucket)


def metric_params(monitor: Monitor, calendar: FiscalCalendar, as_of: date, *,
                  measure: str | None = None) -> MetricParams:
    """Return the tool parameters of a monitor for a run as of `as_of`."""
    p = monitor.params
    return MetricParams(period=resolve_period(p.period, calendar, as_of), group_by=p.group_by,
                        filters=p.filters, measure=measure if measure else p.measure,
                        options=p.options)


def run_tool(wh: Warehouse, tool: str, params: MetricParams, as_of: date) -> MetricResult:
    """Run one tool on a fresh read-only cursor, as the agent's execute node does.

    No row scope: the monitor runs for RevOps itself (role revops sees every row).
    """
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=as_of, facts=wh.facts,
                      memo=wh.memo)
    return run_registered(ctx, tool, params)


# --- conditions -------------------------------------------------------------------------------

def _column(result: MetricResult, name: str, tool: str) -> int:
    if name not in result.columns:
        raise MonitorRunError(f"the result of {tool} has no column {name!r}; its columns: "
                              f"{', '.join(result.columns)}")
    return result.columns.index(name)


def _labelled(result: MetricResult, width: int) -> list[tuple[str, dict[str, Any], list[Any]]]:
    return [(" / ".join("(none)" if v is None else str(v) for v in r[:width]),
             dict(zip(result.columns, r, strict=True)), r) for r in result.rows]


def _reference_values(monitor: Monitor, ref: Reference, result: MetricResult | None,
                      width: int) -> dict[str, Any]:
    if result is None:
        return {}
    assert ref.tool is not None
    i = _column(result, ref.column, ref.tool)
    if not monitor.grouped:
        return {HEADLINE: result.rows[0][i] if result.rows else None}
    return {label: row[ref.column] for label, row, _ in _labelled(result, width)}


def _numeric(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MonitorRunError(f"{what} is {value!r}, not a number")
    return float(value)


def checks(monitor: Monitor, result: MetricResult, alerts: AlertLog, *,
           reference: MetricResult | None = None, at: datetime | None = None) -> list[_Check]:
    """Evaluate the condition on the headline value or on every row; skip what cannot be judged.

    Skipped: a null value, a row below min_sample, an ignored label, a missing reference, and
    the first observation of a change condition (there is nothing to compare with yet).
    """
    cond = monitor.condition
    width = max(1, len(monitor.params.group_by))
    column = cond.column or result.measure
    index = _column(result, column, monitor.tool)
    if monitor.grouped:
        candidates = [(label, row, values, values[index])
                      for label, row, values in _labelled(result, width)]
    else:
        first = result.rows[0] if result.rows else []
        row = dict(zip(result.columns, first, strict=True))
        value = (result.value if cond.column is None or cond.column == result.measure
                 else row.get(column))
        candidates = [(HEADLINE, row, first, value)]
    ref = cond.relative_to if isinstance(cond.relative_to, Reference) else None
    ref_values = _reference_values(monitor, ref, reference, width) if ref and ref.tool else {}
    found = []
    for label, row, values, value in candidates:
        if value is None or label in monitor.ignore:
            continue
        if monitor.min_sample is not None:
            size = row.get(monitor.min_sample.column)
            if monitor.min_sample.column not in row:
                raise MonitorRunError(f"min_sample column {monitor.min_sample.column!r} is not in "
                                      f"the result of {monitor.tool}")
            if size is None or size < monitor.min_sample.value:
                continue
        check = _Check(label=label, group_key=label, row=row, values=values, value=value)
        if cond.relative_to == "previous":
            current = _numeric(value, f"{monitor.id}: {column} of {label}")
            check.previous = alerts.observe(monitor.id, label, current, at)
            if check.previous is None:
                continue
            check.change = current - check.previous
            check.bound = cond.threshold
            check.breached = OPS[cond.op](check.change, cond.threshold)
        elif ref is not None:
            raw = row.get(ref.column) if ref.tool is None else ref_values.get(label)
            if ref.tool is None and ref.column not in row:
                raise MonitorRunError(f"relative_to column {ref.column!r} is not in the result "
                                      f"of {monitor.tool}")
            if raw is None:
                continue
            check.reference = _numeric(raw, f"{monitor.id}: reference {ref.column} of {label}")
            check.bound = float(cond.threshold) * check.reference
            current = _numeric(value, f"{monitor.id}: {column} of {label}")
            check.difference = current - check.bound
            check.breached = OPS[cond.op](current, check.bound)
        else:
            check.bound = cond.threshold
            if not isinstance(cond.threshold, bool):
                current = _numeric(value, f"{monitor.id}: {column} of {label}")
                check.difference = current - cond.threshold
            check.breached = OPS[cond.op](value, cond.threshold)
        found.append(check)
    return found


class _Formatter(string.Formatter):
    """str.format that prints a missing number as n/a instead of failing on its format spec."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return "n/a" if value is None else super().format_field(value, format_spec)


def render_message(monitor: Monitor, check: _Check, result: MetricResult, *,
                   currency: str) -> str:
    """Fill the monitor's message template with the check's numbers."""
    fields = {"monitor": monitor.id, "label": check.label, "value": check.value,
              "threshold": monitor.condition.threshold, "bound": check.bound,
              "period": (result.period or {}).get("label") or f"as of {result.as_of}",
              "as_of": result.as_of.isoformat(), "currency": currency,
              "previous": check.previous, "change": check.change,
              "reference": check.reference, "difference": check.difference, "row": check.row}
    try:
        return _Formatter().format(monitor.message, **fields)
    except KeyError as exc:
        raise MonitorRunError(f"message template reads row[{exc.args[0]}], not a column of "
                              f"{monitor.tool}'s result ({', '.join(result.columns)})") from None
    except (ValueError, TypeError) as exc:
        raise MonitorRunError(f"message template cannot format the result: {exc}") from None


# --- one pass ---------------------------------------------------------------------------------

def idempotency_key(monitor_id: str, group_key: str, period: str, occurrence: int) -> str:
    """Return the stable key of one alert episode (the same on every pass while it is open)."""
    return f"monitor:{monitor_id}:{group_key}:{period}:{occurrence}"


def insight_id(key: str) -> str:
    """Return the escalation id of an alert episode, derived from its key."""
    return "mon-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _insight(monitor: Monitor, check: _Check, result: MetricResult, params: MetricParams,
             message: str, *, key: str, status: Literal["new", "open"]) -> Insight:
    return Insight(
        insight_id=insight_id(key), idempotency_key=key, monitor_id=monitor.id,
        description=monitor.description, status=status, target=monitor.target,
        category=monitor.category, severity=monitor.severity, message=message,
        group=check.label, period=result.period, value=check.value, bound=check.bound,
        previous=check.previous, reference=check.reference, tool=monitor.tool,
        params=params.model_dump(mode="json", exclude_defaults=True), columns=result.columns,
        rows=[check.values] if check.values else [], definition=result.definition,
        as_of=result.as_of)


def _escalation(insight: Insight, monitor: Monitor, sql: str, at: datetime) -> EscalationRecord:
    context = insight.model_dump(mode="json", exclude={"status", "insight_id",
                                                       "idempotency_key"})
    context["sql"] = sql
    return EscalationRecord(
        escalation_id=insight.insight_id, idempotency_key=insight.idempotency_key,
        task_id=f"monitor:{monitor.id}", kind="insight", category=monitor.category,
        target=monitor.target,
        reason=insight.message, requester=dict(REQUESTER), context=context, created_at=at,
        request={"monitor": monitor.id, "description": monitor.description,
                 "tool": monitor.tool, "params": insight.params,
                 "condition": monitor.condition.model_dump(mode="json", exclude_none=True)})


def evaluate_monitor(wh: Warehouse, store: TaskStore, alerts: AlertLog, monitor: Monitor, *,
                     as_of: date, now: datetime) -> tuple[list[Insight], list[Resolution]]:
    """Run one monitor: queue new breaches, keep open ones quiet, resolve what cleared."""
    calendar = wh.settings.calendar
    params = metric_params(monitor, calendar, as_of)
    result = run_tool(wh, monitor.tool, params, as_of)
    ref = monitor.condition.relative_to
    reference = None
    if isinstance(ref, Reference) and ref.tool is not None:
        reference = run_tool(wh, ref.tool, metric_params(monitor, calendar, as_of,
                                                         measure=ref.measure), as_of)
    period = (result.period or {}).get("label") or "-"
    insights, breached = [], set()
    for check in checks(monitor, result, alerts, reference=reference, at=now):
        if not check.breached:
            continue
        breached.add(check.group_key)
        message = render_message(monitor, check, result,
                                 currency=wh.settings.corporate_currency)
        existing = alerts.open_alert(monitor.id, check.group_key, period)
        if existing is not None:
            alerts.touch(existing, now)
            insights.append(_insight(monitor, check, result, params, existing.message,
                                     key=existing.idempotency_key, status="open"))
            continue
        occurrence = alerts.next_occurrence(monitor.id, check.group_key, period)
        key = idempotency_key(monitor.id, check.group_key, period, occurrence)
        insight = _insight(monitor, check, result, params, message, key=key, status="new")
        # Queue first, then record the alert: after a crash in between, the next pass derives
        # the same key, the outbox skips the duplicate, and the alert is recorded then.
        store.enqueue(_escalation(insight, monitor, result.sql, now))
        alerts.record_open(Alert(
            monitor_id=monitor.id, group_key=check.group_key, period=period,
            occurrence=occurrence, escalation_id=insight.insight_id, idempotency_key=key,
            message=message, value=str(check.value), opened_at=now, last_seen_at=now))
        insights.append(insight)
    resolved = []
    for alert in alerts.open_alerts(monitor.id):
        if alert.group_key in breached and alert.period == period:
            continue
        done = alerts.resolve(alert, now)
        assert done.resolved_at is not None
        resolved.append(Resolution(
            insight_id=alert.escalation_id, monitor_id=monitor.id, target=monitor.target,
            group=alert.group_key, period=alert.period, opened_at=alert.opened_at,
            resolved_at=done.resolved_at, message=alert.message))
    return insights, resolved


def run_monitors(wh: Warehouse, store: TaskStore, monitors: list[Monitor], *, as_of: date,
                 outbox: Outbox | None = None, clock: Clock = utcnow) -> MonitorReport:
    """Evaluate every monitor, then (given an outbox) run one delivery pass.

    A monitor that fails on this data (a tool refusing its parameters, a template naming a
    missing column, a warehouse error) is reported and skipped; the others still run.
    """
    alerts = AlertLog(store)
    report = MonitorReport(as_of=as_of)
    for monitor in monitors:
        try:
            insights, resolved = evaluate_monitor(wh, store, alerts, monitor, as_of=as_of,
                                                  now=clock())
        except (MonitorRunError, ToolInputError, duckdb.Error) as exc:
            report.errors.append(MonitorFailure(monitor_id=monitor.id,
                                                error=f"{type(exc).__name__}: {exc}"))
            continue
        report.evaluated.append(monitor.id)
        report.insights += insights
        report.resolved += resolved
    if outbox is not None:
        report.delivery = outbox.deliver_due()
    return report

