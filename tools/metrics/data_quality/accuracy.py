"""Data-quality tools (reference/METRICS.md §3 H, M70): the data accuracy rate by table,
dimension or owner; the records behind any rule; likely duplicate records.

They compute live on the read-only analytics connection with the rules of the latest recorded
`revops check` (its rules file), so an answer reflects the data as it is now; only
`revops check` records runs, and the scorecard reads those (tools.quality.data_accuracy_value).
"""

from __future__ import annotations

from typing import Any

from tools.base import (
    Dimension,
    MetricParams,
    MetricResult,
    ToolContext,
    Warning,
)
from tools.metrics.core.envelope import Fetched
from tools.metrics.core.owners import check_owner_dims
from tools.metrics.core.spec import Headline, ToolSpec
from tools.quality.answer import (
    check_run,
    duplicates_result,
    issues_result,
    run_warnings,
)
from tools.quality.loader import load_catalog
from tools.quality.model import RunResult
from tools.query import Query, plain, render

ACCURACY_DEFINITION = (
    "Data accuracy rate (METRICS M70): records passing every critical data-quality rule / "
    "records evaluated, over {scope}; rows imported into quarantine count as failing. Target "
    "{comparator} {target:.0%}.")
DIMENSION_DEFINITION = ("Share of (rule, record) checks passed per data-quality dimension "
                        "(METRICS M70 dimension scores), all measured rules.")
SPEC = ToolSpec(name="data_quality", definition=ACCURACY_DEFINITION,
                measures={"accuracy": Headline("data_accuracy", "ratio"),
                          "dimensions": Headline("data_accuracy", "ratio")})
"""The measure picks the rows (per table, or per data-quality dimension); the headline is the
rate either way."""
OWNER_SQL = """SELECT {labels}CAST(sum(o.evaluated) AS BIGINT) AS records,
       CAST(sum(o.passing) AS BIGINT) AS passing,
       CAST(sum(o.evaluated - o.passing) AS BIGINT) AS failing,
       sum(o.passing) / nullif(sum(o.evaluated), 0) AS data_accuracy
FROM (SELECT unnest($owners, recursive := true)) o
LEFT JOIN v_reps r ON r.user_id = o.owner_id{where}{group}"""


def data_quality(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return the data accuracy rate, with rows per table, per dimension or per owner.

    Hand-written: the rate comes from a data-quality check run, not a SQL aggregate.
    """
    run = check_run(ctx, recorded_ok=not params.group_by and not params.filters)
    headline = SPEC.headline(params)
    sql = run.sql
    value, null_reason, records = plain(run.accuracy), run.null_reason, run.evaluated
    warnings = run_warnings(ctx, run, recorded=run.run_id is not None,
                            company=not (params.group_by or params.filters))
    if params.group_by or params.filters:
        columns, rows, extra = _by_owner(ctx, run, params)
        sql += ";\n\n" + extra
        definition = ACCURACY_DEFINITION + " By owner: the records each owns."
        value = None if params.group_by or not rows else plain(rows[0][-1])
        null_reason = None if params.group_by or value is not None else "NO_DATA"
        records = sum(int(r[columns.index("records")] or 0) for r in rows)
        if value is not None and not params.group_by and not run.meets(value):
            warnings.insert(0, Warning(code="DQ_BELOW_TARGET", message=(
                f"Data accuracy of these records is {value:.1%}, not {run.comparator} "
                f"{run.target:.0%}: {rows[0][columns.index('failing')]:,} of "
                f"{rows[0][columns.index('records')]:,} records fail a critical rule.")))
    elif params.measure == "dimensions":
        columns = ["dimension", "data_accuracy", "checks", "passed"]
        rows = [[d.name, d.rate, d.evaluated, d.passing] for d in run.dimensions if d.evaluated]
        definition = DIMENSION_DEFINITION
    else:
        columns = ["table", "data_accuracy", "records", "evaluated", "passing", "quarantined"]
        rows = [["all tables in the rate", run.accuracy, run.records, run.evaluated,
                 run.passing, sum(t.quarantined for t in run.tables if t.in_scope)]]
        rows += [[t.table, t.accuracy, t.records, t.evaluated, t.passing, t.quarantined]
                 for t in run.tables if t.in_scope and (t.records or t.quarantined)]
        definition = ACCURACY_DEFINITION
    scope = ", ".join(t.table for t in run.tables if t.in_scope)
    return SPEC.result(
        ctx, Fetched(columns, [[plain(v) for v in r] for r in rows], sql), headline,
        period=None, as_of=run.as_of, n_records=records,
        definition=definition.format(scope=scope, comparator=run.comparator, target=run.target),
        value=value, null_reason=null_reason, warnings=warnings)


def _by_owner(ctx: ToolContext, run: RunResult,
              params: MetricParams) -> tuple[list[str], list[list[Any]], str]:
    check_owner_dims(params, "data_quality", BY_OWNER)
    dims = list(params.group_by)
    q = Query()
    q.bind("owners", [{"owner_id": o.name, "evaluated": o.evaluated, "passing": o.passing}
                      for o in run.owners])
    conds = q.filters(params.filters, qualifier="r.")
    group = ""
    if dims:
        keys = ", ".join(d.value for d in dims)
        group = (f"\nGROUP BY ALL\nORDER BY data_accuracy {params.order.upper()} NULLS LAST, "
                 f"failing DESC, {keys}")
        if params.top:
            group += f"\nLIMIT {q.bind('top', params.top)}"
    sql = OWNER_SQL.format(
        labels="".join(_owner_label(d) + ", " for d in dims),
        where="\nWHERE " + " AND ".join(conds) if conds else "", group=group)
    cur = ctx.con.execute(sql, q.params)
    columns = [d[0] for d in cur.description]
    return columns, [list(r) for r in cur.fetchall()], render(sql, q.params)


def _owner_label(dim: Dimension) -> str:
    """Label of an owner dimension; an owner missing from users keeps its raw id as rep."""
    if dim == Dimension.rep:
        return "coalesce(r.rep, o.owner_id) AS rep"
    return f"coalesce(r.{dim.value}, '(none)') as {dim.value}"


def issue_names() -> tuple[str, ...]:
    names: list[str] = []
    for rule in load_catalog().rules:
        if rule.name not in names:
            names.append(rule.name)
    return ("all", *names)


def data_issues(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return the failing records of one rule, or every failing rule.

    Hand-written: lists the records behind a rule from the check's findings.
    """
    return issues_result(ctx, params)


def duplicate_records(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return likely duplicate accounts, contacts or leads.

    Hand-written: record pairs matched by edit distance, listed as of now.
    """
    return duplicates_result(ctx, params)


BY_OWNER = "each record counts under its owner"
"""Why data_quality splits only by the owner dimensions (its Tool.group_by_why)."""
