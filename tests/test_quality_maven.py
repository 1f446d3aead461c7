"""`revops check` on the Maven CRM export (imported through examples/mappings/maven-crm.toml):
the known quirks are found with exact counts, each recomputed here from the raw CSV files."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from tests.conftest import REPO
from tools.importer import run_import
from tools.quality import load_catalog, run_checks
from tools.quality.cli import check_command
from tools.warehouse import connect, load_settings

AS_OF = date(2017, 12, 31)


@pytest.fixture(scope="module")
def maven_db(tmp_path_factory, maven_dir):
    path = tmp_path_factory.mktemp("maven_quality") / "maven.duckdb"
    con = connect(path)
    run_import(con, REPO / "examples" / "mappings" / "maven-crm.toml", maven_dir)
    con.close()
    return path


@pytest.fixture(scope="module")
def run(maven_db):
    con = connect(maven_db, read_only=True)
    settings = load_settings(con)
    assert settings.data_end == AS_OF
    yield run_checks(con, load_catalog(), settings, AS_OF)
    con.close()


@pytest.fixture(scope="module")
def raw(maven_dir):
    con = duckdb.connect()
    for name in ("sales_pipeline", "sales_teams", "accounts", "products"):
        con.execute(f"create view {name} as select * from read_csv('{maven_dir / name}.csv')")
    yield con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def test_deals_without_an_account(run, raw):
    expected = one(raw, "select count(*) from sales_pipeline where account is null")
    assert expected == 1425 and run.rule("R03b").failed == expected
    assert run.rule("R03b").applicable == 8800


def test_product_named_differently_than_in_the_product_list(run, raw):
    expected = one(raw, "select count(*) from sales_pipeline where product not in "
                        "(select product from products)")
    rule = run.rule("R04c")
    assert expected == 1480 and rule.failed == expected
    assert [(f.value, f.records, f.suggestion) for f in rule.findings] == [
        ("GTXPro", 1480, "GTX Pro")]


def test_misspelled_sector(run, raw):
    accounts = one(raw, "select count(*) from accounts where sector = 'technolgy'")
    deals = one(raw, "select count(*) from sales_pipeline p join accounts a using (account) "
                     "where a.sector = 'technolgy'")
    rule = run.rule("R29")
    assert (rule.failed, rule.deals_affected) == (accounts, deals) == (12, 1165)
    assert [(f.value, f.suggestion) for f in rule.findings] == [("technolgy", "technology")]


def test_reps_with_no_deals(run, raw):
    idle = {r for (r,) in raw.execute("select sales_agent from sales_teams except "
                                      "select sales_agent from sales_pipeline").fetchall()}
    rule = run.rule("R30")
    assert len(idle) == 5 and rule.failed == 5 and set(rule.samples) == idle
    assert rule.applicable == 35


def test_open_deals_without_close_date_amount_or_engage_date(run, raw):
    open_ = one(raw, "select count(*) from sales_pipeline where deal_stage in "
                     "('Prospecting', 'Engaging')")
    no_engage = one(raw, "select count(*) from sales_pipeline where engage_date is null")
    assert run.rule("R02").failed == run.rule("R01").failed == open_ == 2089
    assert run.rule("R32").failed == no_engage == 500


def test_accuracy_and_fields_the_export_does_not_have(run):
    opps = run.table("opportunities")
    assert (opps.evaluated, opps.passing) == (8800, 5564)
    assert (run.evaluated, run.passing) == (8926, 5678)
    assert run.accuracy == pytest.approx(5678 / 8926) and run.passed is False
    unmeasured = {r.rule_id for r in run.rules if r.status == "unmeasured"}
    assert {"R08", "R13", "R15", "R18", "R45"} <= unmeasured
    assert "owner_id (empty in every record" in run.rule("R25").note
    assert not [r for r in run.rules if r.failed and r.rule_id not in (
        "R01", "R02", "R03b", "R04c", "R32", "R29", "R30")]


def test_check_report_says_what_each_finding_does(maven_db, tmp_path, capsys):
    db = tmp_path / "maven.duckdb"
    db.write_bytes(maven_db.read_bytes())
    assert check_command(db, None, False) == 0
    text = capsys.readouterr().out
    assert "Data accuracy rate: 63.61% (5,678 of 8,926 records" in text
    assert "'GTXPro': 1,480 opportunities (did you mean 'GTX Pro'?)" in text
    assert "'technolgy': 12 accounts (did you mean 'technology'?)" in text
    assert "12 of 85 (14.1%) fail misspelled_industry (on 1,165 deals)" in text
    assert "Breakdowns by product show them under the raw name" in text
    assert "Per-rep productivity" in text and "Every metric that places deals" in text
    assert check_command(db, None, True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["previous"] is not None and data["passing"] == 5678
