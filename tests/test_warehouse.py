"""Schema creation, in-place upgrades and read-only analytics connections."""

from __future__ import annotations

import duckdb
import pytest

from tools.warehouse import LATEST_VERSION, connect, schema_version
from tools.warehouse.connection import WarehouseError

DESIGN_TABLES = {"users", "teams", "territories", "accounts", "products", "opportunity_stages",
                 "opportunities", "opportunity_history", "quotas", "activities", "leads",
                 "campaigns", "subscriptions", "ledger_entries", "tool_licenses",
                 "license_assignments", "usage_events", "ops_requests", "fx_rates"}


def tables(con):
    rows = con.execute("select table_name from information_schema.tables").fetchall()
    return {r[0] for r in rows}


def test_new_file_has_the_contract_tables(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    assert DESIGN_TABLES <= tables(con)
    assert {"import_rejects", "import_runs", "schema_version", "v_opps"} <= tables(con)
    assert schema_version(con) == LATEST_VERSION


def test_older_file_is_upgraded_in_place_on_read_only_open(tmp_path):
    path = tmp_path / "old.duckdb"
    connect(path).close()
    con = duckdb.connect(str(path))  # simulate a file from a release without views
    con.execute("drop view v_opps; drop view v_reps; drop view v_user_territory; "
                "delete from schema_objects")
    con.execute("insert into users (user_id, full_name) values ('u1', 'Kept Row')")
    con.close()
    ro = connect(path, read_only=True)
    assert "v_opps" in tables(ro)
    assert ro.execute("select full_name from users").fetchall() == [("Kept Row",)]
    with pytest.raises(duckdb.Error):
        ro.execute("insert into users (user_id) values ('u2')")


def test_file_from_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    con = connect(path)
    con.execute("insert into schema_version values (999, 'future', now()::timestamp)")
    con.close()
    with pytest.raises(WarehouseError, match="v999"):
        connect(path, read_only=True)


def test_missing_file_read_only_is_a_clear_error(tmp_path):
    with pytest.raises(WarehouseError, match="revops demo"):
        connect(tmp_path / "nope.duckdb", read_only=True)


def test_writer_memory_limit_and_threads_are_configurable(monkeypatch) -> None:
    """Writers cap DuckDB's memory (default 60% of the RAM, at most 12 GB) and take overrides."""

    from tools.warehouse.resources import ResourceSettingError, memory_limit, threads

    assert float(memory_limit(None).removesuffix("GB")) <= 12.0
    assert memory_limit("6GB") == "6GB"
    assert memory_limit("512 MB") == "512MB"
    assert threads(None) is None and threads("1") == 1
    for bad in ("lots", "1.5", "0"):
        with pytest.raises(ResourceSettingError):
            memory_limit(bad)
    monkeypatch.setenv("REVOPS_DUCKDB_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("REVOPS_DUCKDB_THREADS", "1")
    con = connect(":memory:")
    try:
        limit, count = con.execute("select current_setting('memory_limit'), "
                                   "current_setting('threads')").fetchone()
    finally:
        con.close()
    assert limit.startswith("286") and count == 1  # 300 MB = 286.1 MiB
