"""The agent's own scorecard: the five success metrics of the mission against their targets
(reference/METRICS.md §4), with a four-quarter trend and, for each miss, what drives it.

Each metric is computed by its own tool (nothing is re-derived here); data accuracy is the
latest recorded `revops check` run in each quarter. When none was recorded in the scored
quarter, the rules run live on the data as it is now, and a warning says so: the trend
quarters stay "not measured" rather than back-filled with today's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tools.base import (
    Dimension,
    MetricParams,
    MetricResult,
    PeriodParam,
    Runner,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import Fetched, envelope, fetch
from tools.metrics.core.options import Option
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.operations.efficiency import (
    ops_efficiency,
    ops_efficiency_quarters,
    ops_efficiency_value,
)
from tools.metrics.operations.reconciliation import (
    revenue_reporting_accuracy,
    revenue_reporting_accuracy_quarters,
    revenue_reporting_accuracy_value,
)
from tools.metrics.productivity.bookings import productivity_improvement_value
from tools.metrics.technology.adoption import (
    adoption_rate_quarters,
    adoption_rate_value,
    technology_adoption,
)

Value = Callable[[ToolContext, Period], MetricResult | None]
Values = Callable[[ToolContext, list[Period]], list[MetricResult]]
DATA_ACCURACY_SQL = """select accuracy from dq_runs
where as_of between $start and $end and null_reason is null
order by as_of desc, started_at desc limit 1"""
WORST_RULES_SQL = """select r.rule_id || ' ' || r.name, r.failed from dq_rule_results r
where r.run_id = (select run_id from dq_runs where as_of <= $end
                  order by as_of desc, started_at desc limit 1)
  and r.severity = 'critical' and r.failed > 0
order by r.failed desc, r.rule_id limit 3"""


@dataclass(frozen=True)
class Target:
    """One success metric: how to compute it, its target, where to look when it misses."""

    key: str
    name: str
    target: float
    value: Value
    drivers: tuple[Runner, tuple[Dimension, ...]] | None
    """(tool's runner, breakdown) whose weakest groups explain a miss; None = see `_drivers`."""
    quarters: Values | None = None
    """`value` of each of consecutive quarters from one statement (None: one run each)."""


def _data_accuracy(ctx: ToolContext, period: Period) -> MetricResult | None:
    """The latest check run whose as-of date falls in the period (None: not measured)."""
    fetched = fetch(ctx, DATA_ACCURACY_SQL, {"start": period.start, "end": period.end})
    return envelope(
        ctx, fetched, metric="data_quality", measure="accuracy", unit="ratio", period=period,
        definition="Records passing every critical data-quality rule / records evaluated, "
                   "from the latest `revops check` in the period (METRICS M70).",
        n_records=len(fetched.rows), value=fetched.first("accuracy"),
        null_reason=None if fetched.rows else "NOT_MEASURED")


TARGETS = (
    Target("sales_ops_efficiency", "Sales ops efficiency", 0.90, ops_efficiency_value,
           (ops_efficiency, (Dimension.request_type,)), ops_efficiency_quarters),
    Target("data_accuracy", "Data accuracy rate", 0.98, _data_accuracy, None),
    Target("sales_productivity_improvement", "Sales productivity improvement", 0.30,
           lambda ctx, p: productivity_improvement_value(ctx, p), None),
    Target("revenue_reporting_accuracy", "Revenue reporting accuracy", 0.95,
           revenue_reporting_accuracy_value, (revenue_reporting_accuracy, (Dimension.account,)),
           revenue_reporting_accuracy_quarters),
    Target("technology_adoption", "Technology adoption rate", 0.85, adoption_rate_value,
           (technology_adoption, (Dimension.team, Dimension.tool)), adoption_rate_quarters),
)
DEFINITION = ("The five success metrics of the mission for the period (default: the latest "
              "complete fiscal quarter) against their targets, passed only when strictly above "
              "the target (option comparator '>='), with the three quarters before, and the "
              "weakest teams, tools, rules or accounts behind each miss (METRICS §4).")
SPEC = ToolSpec(name="scorecard", definition=DEFINITION,
                measures={"value": Headline("value", "ratio")},
                options={"comparator": Option(str, ">", choices=(">", ">="))})


def scorecard(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Compute every success metric, its trend and the drivers of each miss.

    Hand-written: runs the five success-metric tools against their targets.
    """
    comparator = SPEC.read_options(params)["comparator"]
    cal = ctx.settings.calendar
    if params.period is not None:
        period = params.period.as_period()
    else:  # the latest complete quarter: settled numbers, not a quarter in progress
        period = cal.previous(cal.bucket(ctx.as_of, "quarter"), "quarter")
    quarters = [cal.previous(cal.bucket(period.start, "quarter"), "quarter", n)
                for n in (3, 2, 1)] + [period]
    rows, statements, measured, warnings = [], [], 0, []
    for t in TARGETS:
        results = _values(ctx, t, quarters)
        live = None
        if t.key == "data_accuracy" and results[-1] is not None and results[-1].value is None:
            live, results[-1] = _live_accuracy(ctx, period)
            warnings.append(live)
        current = results[-1]
        value = current.value if current is not None else None
        passed = None if value is None else (value > t.target if comparator == ">"
                                             else value >= t.target)
        measured += value is not None
        drivers = _drivers(ctx, t, period, live is not None) if passed is False else ""
        if value is None:
            drivers = _not_measured(ctx, t, current)
        rows.append([t.name, value, t.target, comparator, passed,
                     None if value is None else round(value - t.target, 6),
                     *[r.value if r is not None else None for r in results[:-1]], drivers])
        statements += _statements(t, quarters, results)
    columns = ["metric", "value", "target", "comparator", "passed", "gap",
               *[q.label for q in quarters[:-1]], "drivers"]
    units = {c: "ratio" for c in columns if c not in ("metric", "comparator", "passed",
                                                       "drivers")}
    return SPEC.result(ctx, Fetched(columns, rows, "\n\n".join(statements)),
                       SPEC.headline(params), period=period, n_records=measured, value=None,
                       units=units, warnings=warnings)


def _live_accuracy(ctx: ToolContext, period: Period) -> tuple[Warning, MetricResult]:
    """Run the data-quality rules now when no check was recorded in the scored quarter."""
    from tools.quality.answer import check_run

    run = check_run(ctx, recorded_ok=False)
    warning = Warning(code="DQ_LIVE_CHECK", message=(
        f"No data-quality check was recorded in {period.label}, so the data accuracy rate is a "
        f"live check of the data as it is now (as of {run.as_of}); earlier quarters show only "
        "recorded checks. Run `revops check` regularly to record a trend."))
    return warning, envelope(
        ctx, Fetched(["accuracy"], [[run.accuracy]], run.sql), metric="data_quality",
        measure="accuracy", unit="ratio", period=period,
        definition="Records passing every critical data-quality rule / records evaluated, "
                   "checked live (METRICS M70).",
        n_records=run.evaluated, value=run.accuracy, null_reason=run.null_reason)



TOOL_OF = {"sales_ops_efficiency": "ops_efficiency",
           "sales_productivity_improvement": "productivity_improvement",
           "revenue_reporting_accuracy": "revenue_reporting_accuracy",
           "technology_adoption": "technology_adoption"}
"""Target -> the tool computing it, whose data needs say why a target is not measured."""
REASONS = {"NO_DATA": "no matching records in the period",
           "INSUFFICIENT_HISTORY": "not enough history (it compares with a year earlier)",
           "ZERO_DENOMINATOR": "nothing to divide by in the period",
           "NOT_MEASURED": "no data-quality check recorded (run `revops check`)"}


def _not_measured(ctx: ToolContext, t: Target, current: MetricResult | None) -> str:
    """Why a target has no value: the data to import, or what the metric found lacking."""
    from tools.needs import unmet

    lacking = unmet(ctx, TOOL_OF.get(t.key, ""))
    if lacking:
        return f"not measured: {'; '.join(lacking)}"
    reason = current.null_reason if current is not None else None
    return f"not measured: {REASONS.get(reason or '', reason or 'the data cannot support it')}"


def _values(ctx: ToolContext, t: Target, quarters: list[Period]) -> list[MetricResult | None]:
    """The target's value in each quarter: one statement for all when the tool can, else a
    run per quarter."""
    if t.quarters is not None:
        try:
            return list(t.quarters(ctx, quarters))
        except ToolInputError:
            pass  # each quarter then says for itself whether it can be measured
    return [_safe(t.value, ctx, q) for q in quarters]


def _statements(t: Target, quarters: list[Period], results: list[MetricResult | None]
                ) -> list[str]:
    """Each statement that ran, once, headed by the quarters it computed."""
    out: list[tuple[list[str], str]] = []
    for q, r in zip(quarters, results, strict=True):
        if r is None:
            continue
        if out and out[-1][1] == r.sql:
            out[-1][0].append(q.label)
        else:
            out.append(([q.label], r.sql))
    return [f"-- {t.name}, {', '.join(labels)}\n{sql};" for labels, sql in out]


def _safe(value: Value, ctx: ToolContext, period: Period) -> MetricResult | None:
    """A metric the data cannot support (no ops requests, no ledger) reads as not measured."""
    try:
        return value(ctx, period)
    except ToolInputError:
        return None


def _drivers(ctx: ToolContext, t: Target, period: Period, live: bool = False) -> str:
    """Name the three weakest groups behind a miss, with their values."""
    if t.key == "data_accuracy":
        if live:
            from tools.quality.answer import check_run

            rules = sorted((r for r in check_run(ctx, recorded_ok=False).rules
                            if r.severity == "critical" and r.failed),
                           key=lambda r: (-(r.failed or 0), r.rule_id))
            found = [(f"{r.rule_id} {r.name}", r.failed) for r in rules[:3]]
        else:
            found = ctx.con.execute(WORST_RULES_SQL, {"end": period.end}).fetchall()
        return "; ".join(f"{rule}: {failed:,} failing records" for rule, failed in found)
    if t.key == "sales_productivity_improvement":
        r = productivity_improvement_value(ctx, period, group_by=[Dimension.team])
        return _weakest(r, 1)
    assert t.drivers is not None
    run, dims = t.drivers
    try:
        r = run(ctx, MetricParams(period=PeriodParam.of(period), group_by=list(dims),
                                              order="asc", top=3))
    except ToolInputError:
        return ""
    return _weakest(r, len(dims))


def _weakest(r: MetricResult, n_labels: int) -> str:
    i = r.columns.index(r.measure)
    parts = [f"{' / '.join(str(x) for x in row[:n_labels])} ({_pct(row[i])})"
             for row in r.rows[:3] if row[i] is not None]
    return "; ".join(parts)


def _pct(v: Any) -> str:
    return f"{float(v):.1%}" if isinstance(v, int | float) else str(v)
