"""Recorded check runs: write one (`revops check`), read the latest ones back, and the
scorecard's data accuracy rate (`data_accuracy_value`, docs/metrics.md#m70)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import duckdb

from tools.quality.catalog import Catalog
from tools.quality.loader import load_catalog
from tools.quality.model import RunResult

RUN_COLUMNS = ("run_id", "started_at", "finished_at", "as_of", "records", "evaluated", "passing",
               "accuracy", "null_reason", "target", "comparator", "passed", "quarantined",
               "catalog_checksum", "rules_file", "duration_s")


def record_run(con: duckdb.DuckDBPyConnection, run: RunResult, catalog: Catalog) -> str:
    """Store a run (summary, tables, rules) and mirror the catalog into dq_rules; return its id."""
    run_id = run.run_id or uuid.uuid4().hex[:12]
    run.run_id = run_id
    quarantined = sum(t.quarantined for t in run.tables if t.in_scope)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"INSERT INTO dq_runs ({', '.join(RUN_COLUMNS)}) VALUES "
            f"({', '.join('$' + c for c in RUN_COLUMNS)})",
            {"run_id": run_id, "started_at": run.started_at,
             "finished_at": con.execute("SELECT now()::timestamp").fetchall()[0][0],
             "as_of": run.as_of,
             "records": run.records, "evaluated": run.evaluated, "passing": run.passing,
             "accuracy": run.accuracy, "null_reason": run.null_reason, "target": run.target,
             "comparator": run.comparator, "passed": run.passed, "quarantined": quarantined,
             "catalog_checksum": run.catalog_checksum, "rules_file": run.rules_file,
             "duration_s": run.duration_s})
        con.executemany(
            "INSERT INTO dq_table_results VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [[run_id, t.table, t.in_scope, t.records, t.quarantined, t.evaluated, t.passing,
              t.accuracy] for t in run.tables])
        con.executemany(
            "INSERT INTO dq_rule_results VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            "$12, $13, $14, $15)",
            [[run_id, r.rule_id, r.table, r.name, r.dimension, r.severity, r.status,
              r.applicable, r.failed, r.pass_rate, r.min_pass_fraction, r.passed, r.samples,
              json.dumps([f.model_dump() for f in r.findings]), r.note] for r in run.rules])
        con.execute("DELETE FROM dq_rules")
        con.executemany(
            "INSERT INTO dq_rules VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [[r.ref, r.table, r.dimension, r.severity, r.description, r.applies,
              _check_text(r), r.min_pass_fraction] for r in catalog.enabled()])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return run_id


def _check_text(rule: Any) -> str:
    kind = rule.kind
    value = getattr(rule, kind)
    if kind in ("references", "allowed", "typo"):
        return f"{kind} {value} ({rule.column})"
    return f"{kind}: {value}"


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 2) -> list[dict[str, Any]]:
    """Return the latest recorded runs, newest first, each with its tables and rule counts."""
    cur = con.execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM dq_runs "
                      "ORDER BY started_at DESC, run_id DESC LIMIT $n", {"n": limit})
    runs = [dict(zip(RUN_COLUMNS, row, strict=True)) for row in cur.fetchall()]
    for run in runs:
        run["rules"] = {f"{rid}:{table}": failed for rid, table, failed in con.execute(
            "SELECT rule_id, table_name, failed FROM dq_rule_results WHERE run_id = $r",
            {"r": run["run_id"]}).fetchall()}
        run["tables"] = {t: {"evaluated": e, "passing": p, "accuracy": a} for t, e, p, a in
                         con.execute("SELECT table_name, evaluated, passing, accuracy FROM "
                                     "dq_table_results WHERE run_id = $r ORDER BY table_name",
                                     {"r": run["run_id"]}).fetchall()}
    return runs


def catalog_in_effect(con: duckdb.DuckDBPyConnection) -> Catalog:
    """Return the catalog of the latest recorded run (its rules file), else the built-in one."""
    row = con.execute("SELECT rules_file FROM dq_runs ORDER BY started_at DESC, run_id DESC "
                      "LIMIT 1").fetchall()
    return load_catalog(row[0][0] if row else None)


def data_accuracy_value(con: duckdb.DuckDBPyConnection) -> tuple[float | None, dict[str, Any]]:
    """Return the latest recorded data accuracy rate and its run (None = not yet measured).

    The metadata holds run_id, as_of, started_at, evaluated, passing, target, comparator,
    passed and null_reason ('NOT_MEASURED' before the first `revops check`, 'NO_DATA' when the
    run found no records to evaluate), plus per-table counts.
    """
    runs = recent_runs(con, 1)
    if not runs:
        return None, {"null_reason": "NOT_MEASURED", "run_id": None,
                      "hint": "run `revops check` to measure data accuracy"}
    run = runs[0]
    meta = {k: run[k] for k in ("run_id", "as_of", "started_at", "evaluated", "passing",
                                "target", "comparator", "passed", "null_reason")}
    meta["tables"] = run["tables"]
    return run["accuracy"], meta
