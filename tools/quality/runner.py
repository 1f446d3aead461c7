"""Run the rule catalog over the warehouse, read-only: `run_checks` -> RunResult.

Three steps: fill counts decide which rules can be measured (a column empty in every record is
a field the source does not have, reported instead of failing every record); typo rules find
their misspelled values; then one statement (tools.quality.statement) scans each table once and
returns every count and rate. Nothing is written here; tools.quality.history records runs.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import duckdb

from tools.quality.catalog import Catalog
from tools.quality.compile import Check, TablePlan, bound, completeness, plan_tables
from tools.quality.findings import misspellings, orphan_values
from tools.quality.model import Quarantine, RuleResult, RunResult, Score, TableResult
from tools.quality.statement import run_statement
from tools.query import render
from tools.warehouse.settings import CompanySettings

QUARANTINE_SQL = """SELECT table_name, column_name, count(*) AS n, min(reason) AS example
FROM import_rejects GROUP BY ALL ORDER BY n DESC, table_name, column_name NULLS FIRST"""


def default_as_of(settings: CompanySettings, today: date) -> date:
    """Return the date timeliness rules judge against: today, or the data's end if earlier."""
    return min(today, settings.data_end) if settings.data_end else today


def bind_values(catalog: Catalog, settings: CompanySettings, as_of: date) -> dict[str, Any]:
    """Return the values every rule may use ($as_of, $stale_days, ...) and run settings."""
    return {"as_of": as_of, "as_of_ts": datetime.combine(as_of, dtime.max),
            "stale_days": settings.stale_days, "corporate_currency": settings.corporate_currency,
            "sample_size": catalog.accuracy.sample_size,
            "target": Decimal(str(catalog.accuracy.target))}


Prepared = list[tuple[TablePlan, list[Check]]]


def prepare(con: duckdb.DuckDBPyConnection, catalog: Catalog, values: dict[str, Any],
            only: set[str] | None = None) -> tuple[Prepared, dict[str, RuleResult]]:
    """Compile the rules, drop the ones the data cannot measure, find misspelled values.

    Returns the measurable checks per table and a result per rule (unmeasured ones final);
    `values` gains the bound values of every kept check.
    """
    plans = plan_tables(con, catalog, values["corporate_currency"], only)
    rows = _row_counts(con, catalog, plans)
    active: Prepared = []
    results: dict[str, RuleResult] = {}
    for plan in plans:
        fills = _fills(con, plan, rows)
        kept = []
        for check in plan.checks:
            result = _blank(check)
            final, result.note = _measured(plan, check, fills, rows)
            if final is None:
                result.status = "unmeasured"
            else:
                if check.rule.typo:
                    result.findings, more = misspellings(con, catalog, plan, final, values)
                    result.note = result.note or more
                    final.params[f"p_{check.rule.id}_{check.rule.table}_bad".lower()] = [
                        f.value for f in result.findings]
                kept.append(final)
                values.update(final.params)
            results[check.rule.ref] = result
        active.append((plan, kept))
    return active, results


def run_checks(con: duckdb.DuckDBPyConnection, catalog: Catalog, settings: CompanySettings,
               as_of: date) -> RunResult:
    """Evaluate every enabled rule and return the run (the connection may be read-only)."""
    # the warehouse's clock, the one writers stamp opp_facts with (tools.quality.recorded)
    started, clock = con.execute("SELECT now()::timestamp").fetchall()[0][0], time.perf_counter()
    values = bind_values(catalog, settings, as_of)
    active, results = prepare(con, catalog, values)
    sql = run_statement(active, catalog.accuracy.scope, catalog.accuracy.comparator)
    params = bound(con, sql, values)
    out = con.execute(sql, params).fetchall()
    run = _assemble(out, results, catalog, as_of, started, render(sql, params))
    for plan, checks in active:
        for check in checks:
            r = results[check.rule.ref]
            if not r.failed:
                continue
            if check.rule.references or check.rule.allowed:
                r.findings = orphan_values(con, catalog, plan, check, values)
    run.quarantine = [Quarantine(table=t, column=c, rows=int(n), example=e)
                      for t, c, n, e in con.execute(QUARANTINE_SQL).fetchall()]
    run.duration_s = round(time.perf_counter() - clock, 3)
    return run


def failing_ids_sql(plan: TablePlan, check: Check) -> str:
    """Return SELECT of the keys (column `id`) of the records failing `check`."""
    if check.window_key is not None:  # rank duplicates over a narrow projection
        created = f'r."{plan.spec.created}"' if plan.spec.created else "NULL"
        return (f'SELECT id FROM (SELECT r."{plan.spec.key}" AS id, {check.window_key} AS k, '
                f"{created} AS c FROM ({plan.narrow(check)}) r) WHERE k IS NOT NULL "
                "QUALIFY row_number() OVER (PARTITION BY k ORDER BY c NULLS LAST, id) > 1")
    return (f"SELECT id FROM (SELECT r.\"{plan.spec.key}\" AS id, {check.fails(plan.order)} "
            f"AS failed FROM ({plan.narrow(check)}) r) WHERE failed")


def _row_counts(con: duckdb.DuckDBPyConnection, catalog: Catalog,
                plans: list[TablePlan]) -> dict[str, int]:
    names = {p.spec.name for p in plans} | {t for p in plans for c in p.checks
                                           for t in c.rule.needs_rows}
    unknown = names - set(catalog.tables)
    if unknown:
        from tools.quality.catalog import RuleError

        raise RuleError(f"`needs_rows` names unknown tables {sorted(unknown)}")
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{n}")' for n in sorted(names))
    return dict(zip(sorted(names), con.execute(sql).fetchall()[0], strict=True))


def _fills(con: duckdb.DuckDBPyConnection, plan: TablePlan, rows: dict[str, int]) -> dict:
    """Return column -> number of records holding a value (whole table, cheap columnar count)."""
    cols = sorted({c for check in plan.checks for c in check.needs})
    if not cols or not rows[plan.spec.name]:
        return {}
    counts = con.execute("SELECT " + ", ".join(f'count("{c}")' for c in cols)
                         + f' FROM "{plan.spec.name}"').fetchall()[0]
    return dict(zip(cols, counts, strict=True))


def _measured(plan: TablePlan, check: Check, fills: dict[str, int],
              rows: dict[str, int]) -> tuple[Check | None, str]:
    """Return the check as it can run (None when it cannot be measured) and a note."""
    empty_tables = [t for t in check.rule.needs_rows if not rows[t]]
    if empty_tables:
        return None, f"not measured: {', '.join(empty_tables)} has no records"
    empty = [c for c in check.needs if fills.get(c, 1) == 0]
    if check.required:
        kept = tuple(c for c in check.required if c not in empty)
        note = (f"not measured: {', '.join(empty)} (empty in every record, the source has no "
                "such field)") if empty else ""
        return (completeness(plan, check, kept) if kept else None), note
    if empty:
        return None, (f"not measured: {', '.join(empty)} (empty in every record, the source "
                      "has no such field)")
    return check, check.note


def _blank(check: Check) -> RuleResult:
    r = check.rule
    return RuleResult(rule_id=r.id, table=r.table, name=r.name, dimension=r.dimension,
                      severity=r.severity, description=r.description, effect=r.effect,
                      min_pass_fraction=r.min_pass_fraction)


def _assemble(out: list[tuple], results: dict[str, RuleResult], catalog: Catalog,
              as_of: date, started: datetime, sql: str) -> RunResult:
    total = next(r for r in out if r[0] == "total")
    tables, dims, owners = [], [], []
    for kind, name, records, quarantined, evaluated, passing, rate, _, rules in out:
        if kind == "table":
            tables.append(TableResult(table=name, in_scope=name in catalog.accuracy.scope,
                                      records=records, quarantined=quarantined,
                                      evaluated=evaluated, passing=passing, accuracy=rate))
            for item in rules or []:
                r = results[f"{item['rule_id']}:{item['table_name']}"]
                r.applicable, r.failed, r.samples = item["applicable"], item["failed"], \
                    list(item["samples"])
                r.pass_rate, r.passed = item["pass_rate"], item["passed"]
                r.deals_affected = item["deals"]
        elif kind == "dimension":
            dims.append(Score(name=name, evaluated=evaluated, passing=passing, rate=rate))
        elif kind == "owner":
            owners.append(Score(name=name, evaluated=evaluated, passing=passing, rate=rate))
    _, _, records, _, evaluated, passing, rate, passed, _ = total
    return RunResult(
        as_of=as_of, started_at=started, accuracy=rate,
        null_reason=None if rate is not None else "NO_DATA", records=records or 0,
        evaluated=evaluated or 0, passing=passing or 0, target=catalog.accuracy.target,
        comparator=catalog.accuracy.comparator, passed=passed,
        tables=sorted(tables, key=lambda t: (not t.in_scope, t.table)),
        dimensions=sorted(dims, key=lambda d: d.name),
        owners=sorted(owners, key=lambda o: (-(o.evaluated - o.passing), o.name)),
        rules=list(results.values()), quarantine=[], sql=sql,
        catalog_checksum=catalog.checksum, rules_file=catalog.overrides)
