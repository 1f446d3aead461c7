"""A check run on a hand-built CRM: every planted defect counted exactly, the record-weighted
data accuracy rate (METRICS M70, strict > 98% boundary), quarantine, history, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.helpers import FIXTURES, fixture_db
from tools.quality import load_catalog, run_checks
from tools.quality.cli import check_command
from tools.quality.history import data_accuracy_value, record_run
from tools.warehouse import connect, load_settings, open_analytics

AS_OF = date(2026, 6, 30)
# rule -> records failing it in tests/fixtures/quality_small.sql (see the comments there)
FAILING = {
    "R01": {"O10"}, "R02": {"O17"}, "R03b": {"O04"}, "R04a": {"O09"}, "R04c": {"O08"},
    "R05": {"O19"}, "R06": {"O13"}, "R07": {"O14"}, "R08": {"O16"}, "R09": {"O07"},
    "R10": {"O11"}, "R11": {"O21"}, "R12": {"O05"}, "R13": {"O04"}, "R14": {"O06"},
    "R15": {"O03"}, "R16": {"O02"}, "R28": {"O02", "O19"}, "R32": {"O18"}, "R39": {"O22"},
    "R41": {"O02"}, "R44": {"O22"}, "R18": {"A2"}, "R25": {"A4"}, "R29": {"A3"},
    "R33": {"A2"}, "R38": {"A5"}, "R45": {"A5"}, "R19:contacts": {"C2"},
    "R20:contacts": {"C3"}, "R34": {"C4"}, "R40": {"C5"}, "R19:leads": {"L2"},
    "R20:leads": {"L3"}, "R21": {"L4"}, "R22": {"L5"}, "R43": {"L6"}, "R46": {"L7"},
    "R23": {"X2"}, "R24": {"X3"}, "R35": {"X4"}, "R36": {"X6"}, "R42": {"X5"},
    "R27": {"U2"}, "R30": {"U3", "U4"}, "R31": {"U3", "U4"}, "R37": {"U4"},
}
# table -> (records, quarantined, evaluated, passing): every in-scope record has R17 (critical)
TABLES = {"opportunities": (21, 2, 23, 4), "accounts": (5, 1, 6, 1), "contacts": (5, 0, 5, 1),
          "leads": (8, 0, 8, 3), "activities": (6, 0, 6, 1), "users": (5, 0, 5, 4)}


@pytest.fixture(scope="module")
def result():
    con = fixture_db("quality_small")
    yield run_checks(con, load_catalog(), load_settings(con), AS_OF)
    con.close()


def test_every_planted_defect_is_found_exactly(result):
    found = {r.ref: set(r.samples) for r in result.rules if r.failed}
    expected = {result.rule(k).ref: v for k, v in FAILING.items()}
    assert found == expected
    assert all(r.failed == len(r.samples) for r in result.rules if r.failed)


def test_record_level_accuracy_per_table_and_overall(result):
    for table, counts in TABLES.items():
        t = result.table(table)
        assert (t.records, t.quarantined, t.evaluated, t.passing) == counts, table
    assert (result.evaluated, result.passing, result.records) == (53, 14, 50)
    assert result.accuracy == pytest.approx(14 / 53)
    assert result.passed is False and result.null_reason is None
    assert not result.table("products").in_scope


def test_findings_name_what_was_meant_and_the_deals_affected(result):
    product = result.rule("R04c")
    assert [(f.value, f.records, f.suggestion) for f in product.findings] == [
        ("Widgit", 1, "Widget")]
    industry = result.rule("R29")
    assert [(f.value, f.suggestion) for f in industry.findings] == [("Sofware", "Software")]
    assert industry.deals_affected == 1 and result.rule("R27").deals_affected == 1
    assert [(q.table, q.column, q.rows) for q in result.quarantine] == [
        ("accounts", "account_id", 1), ("opportunities", "amount", 1),
        ("opportunities", "close_date", 1)]


def test_dimension_scores_are_check_level_pass_rates(result):
    for dim in result.dimensions:
        rules = [r for r in result.rules if r.dimension == dim.name and r.status == "measured"]
        assert dim.evaluated == sum(r.applicable for r in rules)
        assert dim.passing == sum(r.applicable - r.failed for r in rules)


def test_owner_scores_cover_owned_records(result):
    ann = next(o for o in result.owners if o.name == "U1")
    assert ann.evaluated > ann.passing
    assert {o.name for o in result.owners} >= {"U1", "U2", "U9"}


def test_reported_sql_reproduces_the_total(result):
    con = fixture_db("quality_small")
    rows = con.execute(result.sql).fetchall()
    total = next(r for r in rows if r[0] == "total")
    assert (total[4], total[5]) == (53, 14)


def _golden(comparator: str) -> tuple[float | None, bool | None]:
    """METRICS §3 M70 example: 985/1,000 + 495/500 + 1,950/2,000 = 3,430/3,500 = 0.98."""
    con = connect(":memory:")
    con.execute("""
        INSERT INTO opportunity_stages (pipeline_id, stage_name, sort_order, is_closed, is_won,
          forecast_category) VALUES ('default', 'Won', 1, TRUE, TRUE, 'closed');
        INSERT INTO users (user_id, full_name) VALUES ('U1', 'Ann');
        INSERT INTO accounts (account_id, name, domain, industry, billing_country, owner_id)
          SELECT 'A' || i, 'Acct ' || i, 'a' || i || '.com',
                 CASE WHEN i <= 5 THEN NULL ELSE 'Software' END, 'US', 'U1'
          FROM range(1, 501) t(i);
        INSERT INTO opportunities (opportunity_id, account_id, owner_id, pipeline_id, stage_name,
          is_closed, is_won, forecast_category, amount, currency_code, close_date, created_at)
          SELECT 'O' || i, CASE WHEN i <= 15 THEN NULL ELSE 'A1' END, 'U1', 'default', 'Won',
                 TRUE, TRUE, 'closed', 100, 'USD', DATE '2026-03-01', TIMESTAMP '2026-01-01'
          FROM range(1, 1001) t(i);
        INSERT INTO contacts (contact_id, account_id, email, last_name)
          SELECT 'C' || i, 'A1', CASE WHEN i <= 50 THEN 'broken' ELSE 'c' || i || '@x.com' END,
                 'Lee' FROM range(1, 2001) t(i);
    """)
    catalog = load_catalog(f'[accuracy]\ncomparator = "{comparator}"\n'
                           'scope = ["opportunities", "accounts", "contacts"]\n')
    run = run_checks(con, catalog, load_settings(con), AS_OF)
    assert [(run.table(t).evaluated, run.table(t).passing) for t in
            ("opportunities", "accounts", "contacts")] == [(1000, 985), (500, 495), (2000, 1950)]
    return run.accuracy, run.passed


def test_golden_m70_boundary_fails_the_strict_target():
    assert _golden(">") == (pytest.approx(0.98), False)
    assert _golden(">=") == (pytest.approx(0.98), True)


def test_empty_warehouse_rate_is_null_with_a_reason():
    con = connect(":memory:")
    run = run_checks(con, load_catalog(), load_settings(con), AS_OF)
    assert (run.accuracy, run.null_reason, run.passed, run.evaluated) == (None, "NO_DATA", None, 0)
    assert not any(r.failed for r in run.rules)
    assert {r.rule_id for r in run.rules if r.status == "unmeasured"} == {"R30", "R31"}


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.duckdb"
    con = connect(path)
    con.execute((FIXTURES / "quality_small.sql").read_text())
    con.close()
    return path


def test_read_only_connection_runs_the_check(small_file: Path):
    con = open_analytics(small_file)
    run = run_checks(con, load_catalog(), load_settings(con), AS_OF)
    assert (run.evaluated, run.passing) == (53, 14)
    with pytest.raises(duckdb.Error):
        record_run(con, run, load_catalog())
    con.close()


def test_check_command_records_runs_and_compares(small_file: Path, capsys):
    con = connect(small_file)
    assert data_accuracy_value(con) == (None, {"null_reason": "NOT_MEASURED", "run_id": None,
                                               "hint": "run `revops check` to measure data "
                                                       "accuracy"})
    con.close()
    assert check_command(small_file, None, False) == 0
    first = capsys.readouterr().out
    assert "Data accuracy rate: 26.42% (14 of 53 records" in first and "NOT met" in first
    assert "first recorded check" in first
    assert "'Widgit': 1 opportunities (did you mean 'Widget'?)" in first
    assert "Import quarantine: 3 rows" in first and "Effect:" in first
    assert check_command(small_file, None, True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["accuracy"] == pytest.approx(14 / 53) and data["passed"] is False
    assert data["previous"]["accuracy"] == pytest.approx(14 / 53)
    assert data["previous"]["change"] == pytest.approx(0)
    con = connect(small_file, read_only=True)
    value, meta = data_accuracy_value(con)
    assert value == pytest.approx(14 / 53) and meta["run_id"] == data["run_id"]
    assert (meta["evaluated"], meta["passing"], meta["passed"]) == (53, 14, False)
    assert con.execute("select count(*) from dq_runs").fetchone()[0] == 2
    assert con.execute("select count(*) from dq_rules").fetchone()[0] == len(
        load_catalog().enabled())
    con.close()
    # a change and a rules file: the next report names what moved
    con = connect(small_file)
    con.execute("update opportunities set account_id = 'A1' where opportunity_id = 'O04'")
    con.close()
    rules = small_file.parent / "rules.toml"
    rules.write_text('disable = ["R46"]\n')
    assert check_command(small_file, rules, True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passing"] == 15 and data["rules_file"] == 'disable = ["R46"]\n'
    changes = {c["rule"]: (c["before"], c["now"]) for c in data["previous"]["rules"]}
    assert changes == {"R03b:opportunities": (1, 0)}
    assert data["previous"]["change"] == pytest.approx(15 / 53 - 14 / 53)


def test_check_fail_under_gates_on_the_accuracy_rate(small_file: Path, capsys):
    """26.42% accuracy: a 0.2 gate passes (0), a 0.98 gate fails (1) and says why."""
    assert check_command(small_file, None, False, fail_under=0.2) == 0
    capsys.readouterr()
    assert check_command(small_file, None, True, fail_under=0.98) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["passed"] is False  # the report is still printed whole
    assert "26.42% is below --fail-under 98.00%" in captured.err


def test_check_command_errors(tmp_path: Path, small_file: Path, capsys):
    assert check_command(tmp_path / "missing.duckdb", None, False) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.R01]\nseverity = 'fatal'\n")
    assert check_command(small_file, bad, False) == 2
    bad.write_text(_unknown_column_rule())
    assert check_command(small_file, bad, False) == 2
    assert "unknown column 'nope'" in capsys.readouterr().err


def _unknown_column_rule() -> str:
    return ("[[rule]]\nid = 'U1'\nname = 'x'\ntable = 'accounts'\ndimension = 'validity'\n"
            "severity = 'warning'\ndescription = 'x'\npasses = 'nope > 1'\n")
