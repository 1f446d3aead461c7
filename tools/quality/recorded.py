"""A recorded check run read back as a RunResult, when it still describes the data.

A run is current when it used the rules in effect, no writer (import, demo, refresh) has
touched the warehouse since it started, and opp_facts still matches the data (the project's
own change signal, tools.warehouse.facts). Then the tools answer from it instantly instead of
re-running every rule (a minute at 10M opportunities); otherwise they compute live.
"""

from __future__ import annotations

import json

import duckdb

from tools.quality.catalog import Catalog
from tools.quality.history import RUN_COLUMNS
from tools.quality.model import Finding, RuleResult, RunResult, Score, TableResult
from tools.query import render
from tools.warehouse.facts import facts_current

RULES_SQL = """SELECT rule_id, table_name, name, dimension, severity, status, applicable, failed,
       pass_rate, min_pass_fraction, passed, sample_ids, findings, note
FROM dq_rule_results WHERE run_id = $run ORDER BY table_name, rule_id"""
TABLES_SQL = """SELECT table_name, in_scope, records, quarantined, evaluated, passing, accuracy
FROM dq_table_results WHERE run_id = $run ORDER BY NOT in_scope, table_name"""
DIMENSIONS_SQL = """SELECT dimension, CAST(sum(applicable) AS BIGINT),
       CAST(sum(applicable - failed) AS BIGINT),
       sum(applicable - failed) / nullif(sum(applicable), 0)
FROM dq_rule_results WHERE run_id = $run AND status = 'measured'
GROUP BY dimension ORDER BY dimension"""


def current_run(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> RunResult | None:
    """Return the latest recorded run if it still describes the data, else None."""
    row = con.execute("SELECT run_id, started_at, catalog_checksum FROM dq_runs "
                      "ORDER BY started_at DESC, run_id DESC LIMIT 1").fetchall()
    if not row or row[0][2] != catalog.checksum or not facts_current(con):
        return None
    run_id, started, _ = row[0]
    applied = con.execute("SELECT applied_at FROM schema_objects WHERE name = 'opp_facts'"
                          ).fetchall()
    if applied and applied[0][0] is not None and applied[0][0] > started:
        return None
    run = load_run(con, run_id)
    known = {r.ref: r for r in catalog.rules}
    for r in run.rules:
        if r.ref in known:
            r.description, r.effect = known[r.ref].description, known[r.ref].effect
    return run


def load_run(con: duckdb.DuckDBPyConnection, run_id: str) -> RunResult:
    """Rebuild a recorded run (owners and quarantine details are not recorded)."""
    p = {"run": run_id}
    found = con.execute(
        f"SELECT {', '.join(RUN_COLUMNS)} FROM dq_runs WHERE run_id = $run", p).fetchone()
    assert found is not None, run_id  # callers pass a run_id just read from dq_runs
    head = dict(zip(RUN_COLUMNS, found, strict=True))
    rules = [RuleResult(rule_id=r[0], table=r[1], name=r[2], dimension=r[3], severity=r[4],
                        description="", status=r[5], applicable=r[6], failed=r[7],
                        pass_rate=r[8], min_pass_fraction=r[9], passed=r[10],
                        samples=list(r[11] or []), note=r[13] or "",
                        findings=[Finding(**f) for f in json.loads(r[12] or "[]")])
             for r in con.execute(RULES_SQL, p).fetchall()]
    tables = [TableResult(table=t, in_scope=s, records=n, quarantined=q, evaluated=e,
                          passing=ok, accuracy=a)
              for t, s, n, q, e, ok, a in con.execute(TABLES_SQL, p).fetchall()]
    dims = [Score(name=d, evaluated=e, passing=ok, rate=r)
            for d, e, ok, r in con.execute(DIMENSIONS_SQL, p).fetchall()]
    sql = ";\n\n".join(render(s, p) for s in (RULES_SQL, TABLES_SQL, DIMENSIONS_SQL))
    return RunResult(
        run_id=run_id, as_of=head["as_of"], started_at=head["started_at"],
        duration_s=head["duration_s"] or 0.0, accuracy=head["accuracy"],
        null_reason=head["null_reason"], records=sum(t.records for t in tables if t.in_scope),
        evaluated=head["evaluated"], passing=head["passing"], target=head["target"],
        comparator=head["comparator"], passed=head["passed"], tables=tables, dimensions=dims,
        owners=[], rules=rules, quarantine=[], sql=sql,
        catalog_checksum=head["catalog_checksum"], rules_file=head["rules_file"])
