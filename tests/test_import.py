"""`revops import` on the real Maven export: counts, references, idempotency, atomicity."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tools.importer import ImportFailed, MappingError, SourceError, run_import
from tools.warehouse import load_settings

REPO = Path(__file__).resolve().parents[1]
MAVEN = REPO / "examples" / "mappings" / "maven-crm.toml"
IBM = REPO / "examples" / "mappings" / "ibm-win-loss.toml"
TABLES = ("users", "teams", "territories", "territory_user_assignments", "accounts", "products",
          "opportunity_stages", "opportunities", "import_rejects", "import_runs")


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: count(con, f"select count(*) from {t}") for t in TABLES}


def test_maven_import_counts(warehouse: duckdb.DuckDBPyConnection, maven_dir: Path) -> None:
    steps: list[tuple[str, float]] = []
    summary = run_import(warehouse, MAVEN, maven_dir,
                         progress=lambda s, f: steps.append((s, f)))
    con = warehouse

    opps = summary.table("opportunities")
    assert (opps.read, opps.loaded, opps.rejected) == (8800, 8800, 0)
    assert summary.rejected == 0
    assert count(con, "select count(*) from users where is_quota_carrying") == 35
    assert count(con, "select count(*) from users where not is_quota_carrying") == 6
    assert count(con, "select count(*) from teams") == 6
    assert count(con, "select count(*) from accounts") == 85
    assert count(con, "select count(*) from products") == 7
    assert count(con, "select count(*) from territories") == 3
    assert count(con, "select count(*) from opportunity_stages") == 4

    # win rate is recomputable from the stage dictionary
    status = dict(con.execute("select status, count(*) from v_opps group by 1").fetchall())
    assert status == {"won": 4238, "lost": 2473, "open": 2089}

    # unresolved product name kept raw and reported, not rejected
    assert count(con, "select count(*) from opportunities where product_id = 'GTXPro'") == 1480
    unresolved = [w for w in summary.warnings if w.code == "UNRESOLVED_REFERENCE"]
    assert [(w.column, w.rows) for w in unresolved] == [("product_id", 1480)]
    assert "1,480 rows reference 'GTXPro'" in unresolved[0].message
    assert "opportunities.product_id" in summary.render_text()

    # deals without an account are kept with a NULL account
    assert count(con, "select count(*) from opportunities where account_id is null") == 1425
    assert count(con, "select count(*) from v_opps where account is null and status = 'open'") \
        == 1425

    # reps: manager by name, team per manager, territory from regional_office
    rep = con.execute(
        "select manager, team, region from v_reps where rep = 'Anna Snelling'").fetchall()
    assert rep == [("Dustin Brinkmann", "Dustin Brinkmann", "Central")]
    regions = dict(con.execute("select region, count(*) from v_opps group by 1").fetchall())
    assert sum(regions.values()) == 8800 and set(regions) == {"Central", "East", "West"}

    # accounts: raw sector (typo included), USD millions -> USD, parent by name, extras kept
    acme = con.execute("select industry, annual_revenue, billing_country, extra from accounts "
                       "where name = 'Acme Corporation'").fetchall()[0]
    assert acme[:3] == ("technolgy", Decimal("1100040000.00"), "United States")
    assert json.loads(acme[3]) == {"year_established": "1996"}
    assert con.execute("select parent_account_id from accounts where name = 'Bluth Company'"
                       ).fetchall() == [("Acme Corporation",)]
    assert con.execute("select family, list_price from products where name = 'GTX Pro'"
                       ).fetchall() == [("GTX", Decimal("4821.0000"))]

    settings = load_settings(con)
    assert settings.fiscal_year_start_month == 1
    assert settings.corporate_currency == "USD"
    assert settings.company_name == "MavenTech"
    assert (settings.data_start, settings.data_end) == (date(2016, 10, 20), date(2017, 12, 31))
    assert settings.source == "maven-crm"
    assert (summary.data_start, summary.data_end) == (date(2016, 10, 20), date(2017, 12, 31))

    run = con.execute("select import_id, mapping, status, summary from import_runs").fetchall()
    assert run[0][:3] == (summary.import_id, "maven-crm", "succeeded")
    assert json.loads(run[0][3])["tables"][-1]["loaded"] == 8800
    assert steps[0][1] == 0.0 and steps[-1] == ("done", 1.0)
    assert all(a[1] <= b[1] for a, b in zip(steps, steps[1:], strict=False))


def test_reimport_is_idempotent(warehouse: duckdb.DuckDBPyConnection, maven_dir: Path) -> None:
    first = run_import(warehouse, MAVEN, maven_dir)
    before = counts(warehouse)
    second = run_import(warehouse, MAVEN, maven_dir)
    after = counts(warehouse)
    assert after == {**before, "import_runs": before["import_runs"] + 1}
    opps = second.table("opportunities")
    assert (opps.inserted, opps.updated) == (0, 8800)
    assert first.table("opportunities").inserted == 8800
    assert [t.loaded for t in first.tables] == [t.loaded for t in second.tables]


def test_rejects_are_replaced_not_piled_up(warehouse: duckdb.DuckDBPyConnection,
                                           ibm_dir: Path) -> None:
    """The IBM sample: duplicate opportunity numbers are rejected, once per current import."""
    first = run_import(warehouse, IBM, ibm_dir)
    assert first.table("opportunities").rejected == 196
    assert first.table("opportunities").loaded == 77829
    assert count(warehouse, "select count(*) from import_rejects") == 196
    second = run_import(warehouse, IBM, ibm_dir)
    assert second.table("opportunities").rejected == 196
    assert warehouse.execute("select distinct import_id from import_rejects").fetchall() == [
        (second.import_id,)]
    status = dict(warehouse.execute("select status, count(*) from v_opps group by 1").fetchall())
    assert sum(status.values()) == 77829 and set(status) == {"won", "lost"}
    assert second.data_start is None and any(w.code == "NO_DATES" for w in second.warnings)


def _broken_copy(maven_dir: Path, tmp_path: Path, drop_column: str) -> Path:
    """Maven export where sales_pipeline.csv lacks one column."""
    out = tmp_path / "maven"
    out.mkdir()
    for f in maven_dir.glob("*.csv"):
        (out / f.name).write_bytes(f.read_bytes())
    con = duckdb.connect()
    con.execute(
        f"copy (select * exclude ({drop_column}) from read_csv($p, all_varchar=true)) to $o",
        {"p": str(maven_dir / "sales_pipeline.csv"), "o": str(out / "sales_pipeline.csv")},
    )
    con.close()
    return out


def test_failure_leaves_warehouse_untouched(warehouse: duckdb.DuckDBPyConnection,
                                            maven_dir: Path, tmp_path: Path) -> None:
    run_import(warehouse, MAVEN, maven_dir)
    before = counts(warehouse)
    settings = load_settings(warehouse)
    broken = _broken_copy(maven_dir, tmp_path, "deal_stage")
    with pytest.raises(SourceError, match="no required column 'deal_stage'"):
        run_import(warehouse, MAVEN, broken)
    assert counts(warehouse) == before
    assert load_settings(warehouse) == settings


def test_fatal_error_in_later_table_rolls_back_earlier_ones(
    warehouse: duckdb.DuckDBPyConnection, maven_dir: Path, tmp_path: Path
) -> None:
    """The last load fails inside the transaction, after users, accounts... were written."""
    source = tmp_path / "maven"
    source.mkdir()
    for f in maven_dir.glob("*.csv"):
        (source / f.name).write_bytes(f.read_bytes())
    header = (maven_dir / "sales_pipeline.csv").read_text().splitlines()[0]
    (source / "sales_pipeline.csv").write_text(header + "\n")  # header, no rows
    empty = counts(warehouse)
    with pytest.raises(SourceError, match="has a header but no data rows"):
        run_import(warehouse, MAVEN, source)
    assert counts(warehouse) == empty
    assert warehouse.execute("select * from company_settings").fetchall() == []
    temp = warehouse.execute("select count(*) from duckdb_tables() where temporary").fetchall()
    assert temp == [(0,)]


def test_unknown_target_column_fails_before_loading(warehouse: duckdb.DuckDBPyConnection,
                                                     maven_dir: Path, tmp_path: Path) -> None:
    text = MAVEN.read_text().replace('amount = "close_value"', 'amout = "close_value"')
    mapping = tmp_path / "typo.toml"
    mapping.write_text(text)
    with pytest.raises(MappingError, match="opportunities has no column 'amout'.*'amount'"):
        run_import(warehouse, mapping, maven_dir)
    assert counts(warehouse)["users"] == 0


def test_missing_source_and_unknown_preset(warehouse: duckdb.DuckDBPyConnection,
                                           tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a directory"):
        run_import(warehouse, MAVEN, tmp_path / "nowhere")
    with pytest.raises(SourceError, match="no file in .* matches sales_teams.csv"):
        run_import(warehouse, MAVEN, tmp_path)
    with pytest.raises(MappingError, match="presets: hubspot, salesforce"):
        run_import(warehouse, "zoho", tmp_path)
    assert issubclass(MappingError, ImportFailed) and issubclass(SourceError, ImportFailed)


def test_opportunities_stay_unique_without_a_primary_key(warehouse: duckdb.DuckDBPyConnection,
                                                         tmp_path: Path) -> None:
    """No index on the bulk table (migration 003): the import quarantines duplicate ids and
    upserts by id with MERGE, and rule R17 reports a duplicate written by anything else."""
    from tools.quality import load_catalog, run_checks

    keys = warehouse.execute("select table_name from duckdb_constraints() where constraint_type "
                             "= 'PRIMARY KEY' and table_name like 'opportunit%'").fetchall()
    assert ("opportunities",) not in keys and ("opportunity_history",) not in keys
    source = tmp_path / "export"
    source.mkdir()
    deals = source / "Opportunity.csv"
    deals.write_text("Id,StageName,Amount\nA,Prospecting,10\nB,Closed Won,20\nA,Prospecting,99\n")
    first = run_import(warehouse, "salesforce", source)
    assert (first.table("opportunities").inserted, first.table("opportunities").rejected) == (2, 1)
    deals.write_text("Id,StageName,Amount\nA,Prospecting,15\nC,Closed Lost,30\n")
    second = run_import(warehouse, "salesforce", source)
    counts = second.table("opportunities")
    assert (counts.inserted, counts.updated) == (1, 1)
    assert warehouse.execute("select opportunity_id, amount::int from opportunities "
                             "order by 1").fetchall() == [("A", 15), ("B", 20), ("C", 30)]

    warehouse.execute("insert into opportunities (opportunity_id, stage_name, pipeline_id) "
                      "values ('B', 'Closed Won', 'default')")
    run = run_checks(warehouse, load_catalog(None), load_settings(warehouse), date(2026, 1, 1))
    [r17] = [r for r in run.rules if r.rule_id == "R17" and r.table == "opportunities"]
    assert r17.failed == 1
