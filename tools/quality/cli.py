"""`revops check [--db PATH] [--rules FILE] [--json]`: run every rule, record the run, report.

Exit codes follow the CLI convention (docs/design.md#cli): 0 when the check ran, whatever it
found (the JSON carries `passed` for gating), unless `--fail-under` is given and the data
accuracy rate is below it (or not defined): then 1, for CI gates; 2 for a missing warehouse or a
bad rules file; 1 when the warehouse cannot be opened for writing (another process holds it, or
it is from a newer release).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import duckdb


def owner_labels(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    """Return user id -> full name for the given owners (ids without a user keep their id)."""
    if not ids:
        return {}
    rows = con.execute("SELECT user_id, coalesce(full_name, user_id) FROM users "
                       "WHERE list_contains($ids, user_id)", {"ids": ids}).fetchall()
    return dict(rows)


def check_command(db: Path, rules: Path | None, as_json: bool,
                  fail_under: float | None = None) -> int:
    """Run the data-quality check on `db`, record it, print the report; return the exit code
    (1 when `fail_under`, a fraction, is given and the accuracy is below it or undefined)."""
    from tools.quality.catalog import RuleError
    from tools.quality.history import recent_runs, record_run
    from tools.quality.loadcheck import store_load_check
    from tools.quality.loader import load_catalog
    from tools.quality.report import TOP_OWNERS, render_text, report_json
    from tools.quality.runner import default_as_of, run_checks
    from tools.warehouse import facts_current, load_settings, refresh_facts, writable
    from tools.warehouse.connection import WarehouseError

    if not Path(db).exists():
        print(f"error: no warehouse at {db}; run `revops demo` or `revops import` first",
              file=sys.stderr)
        return 2
    try:
        text = Path(rules).read_text("utf-8") if rules else None
        catalog = load_catalog(text)
    except (OSError, RuleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        with writable(db) as con:
            if not facts_current(con):  # so the recorded run is current for the tools
                refresh_facts(con)
            settings = load_settings(con)
            previous = recent_runs(con, 1)
            run = run_checks(con, catalog, settings, default_as_of(settings, date.today()))
            record_run(con, run, catalog)
            store_load_check(con, run)  # the same run answers live questions until data changes
            labels = owner_labels(con, [o.name for o in run.owners[:TOP_OWNERS]])
    except RuleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (duckdb.IOException, WarehouseError) as exc:  # locked by another writer, too new
        print(f"error: {exc}", file=sys.stderr)
        return 1
    prev = previous[0] if previous else None
    if as_json:
        print(json.dumps(report_json(run, prev, labels), indent=2, default=str))
    else:
        print(render_text(run, prev, labels, settings.company_name))
    if fail_under is not None and (run.accuracy is None or run.accuracy < fail_under):
        shown = "not defined" if run.accuracy is None else f"{run.accuracy:.2%}"
        print(f"error: data accuracy rate {shown} is below --fail-under {fail_under:.2%}",
              file=sys.stderr)
        return 1
    return 0
