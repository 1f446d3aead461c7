"""The data-quality check run when the data is loaded, kept while the data stays unchanged.

The live check reads every record of eight tables (~14 s at a million opportunities); its
result depends only on the data, the rules and the as-of date, so writers compute it once,
as BI tools do at load time: `revops demo`, `revops import`, `revops refresh` and
`revops check` run it right after rebuilding opp_facts and store the whole run in
`dq_load_check`, stamped with the opp_facts build it describes. A tool wanting a live run
(the data_quality tool, the scorecard, the dashboard) takes the stored one when that stamp is
still opp_facts' and opp_facts still matches the data (tools.warehouse.facts, the project's
change signal), with the same rules and as-of date; otherwise it runs live. The stored run is
the live run: same statement, same numbers (tests/test_quality_loadcheck.py).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import duckdb

from tools.quality.catalog import Catalog, RuleError
from tools.quality.history import catalog_in_effect
from tools.quality.model import RunResult
from tools.quality.runner import default_as_of, run_checks
from tools.warehouse import facts_current, load_settings

log = logging.getLogger(__name__)

TABLE = "dq_load_check"
CREATE_SQL = f"""create or replace table {TABLE} (facts_checksum varchar, facts_applied_at
  timestamp, catalog_checksum varchar, as_of date, recorded_at timestamp, run json)"""
STAMP_SQL = "select checksum, applied_at from schema_objects where name = 'opp_facts'"
READ_SQL = f"""select d.recorded_at, d.run from {TABLE} d
join schema_objects s on s.name = 'opp_facts' and s.checksum = d.facts_checksum
  and s.applied_at = d.facts_applied_at
where d.catalog_checksum = $catalog and d.as_of = $as_of"""


def record_load_check(con: duckdb.DuckDBPyConnection, today: date | None = None) -> bool:
    """Run the check on the data as loaded and store it (after the writer's commit: a failing
    rule file must not undo a load). Returns whether a run was stored."""
    try:
        settings = load_settings(con)
        catalog = catalog_in_effect(con)
        run = run_checks(con, catalog, settings, default_as_of(settings, today or date.today()))
    except (duckdb.Error, RuleError):  # the tools then run the check live, and say so
        log.exception("the load-time data-quality check failed; answers will run it live")
        return False
    return store_load_check(con, run)


def store_load_check(con: duckdb.DuckDBPyConnection, run: RunResult) -> bool:
    """Store a run computed on the data as it is now (opp_facts current) as the load check."""
    stamp = con.execute(STAMP_SQL).fetchall()
    if not stamp or not facts_current(con):
        return False
    con.execute(CREATE_SQL)
    con.execute(f"insert into {TABLE} values ($1, $2, $3, $4, now()::timestamp, $5)",
                [stamp[0][0], stamp[0][1], run.catalog_checksum, run.as_of,
                 run.model_copy(update={"run_id": None}).model_dump_json()])
    return True


def load_check(con: duckdb.DuckDBPyConnection, catalog: Catalog,
               as_of: date) -> RunResult | None:
    """The stored load-time run when it still describes the data, the rules and the as-of
    date, else None."""
    exists = con.execute("select count(*) from duckdb_tables() where table_name = $t "
                         "and database_name = current_database()", {"t": TABLE}).fetchall()
    if not exists[0][0]:
        return None
    row = con.execute(READ_SQL, {"catalog": catalog.checksum, "as_of": as_of}).fetchall()
    if not row or not facts_current(con):
        return None
    recorded: datetime = row[0][0]
    run = RunResult.model_validate_json(row[0][1])
    run.loaded_at = recorded
    run.sql = (f"-- ran when the data was loaded ({recorded:%Y-%m-%d %H:%M}); the data is "
               f"unchanged since (opp_facts fingerprint), so re-running it gives these "
               f"numbers\n{run.sql}")
    return run
