"""The `revops` command end to end, in a subprocess, on real warehouse files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.helpers import FIXTURES
from tools.warehouse import connect


def revops(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "protocols.cli", *args], capture_output=True,
                          text=True, cwd=REPO, env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def world_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "world.duckdb"
    con = connect(path)
    con.execute((FIXTURES / "parser_world.sql").read_text())
    con.close()
    return path


def ask_json(db: Path, question: str) -> dict:
    out = revops("ask", "--db", str(db), "--as-of", "2026-11-26", "--json", question)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # --json prints the AgentResponse and nothing else


def test_human_output_has_answer_table_and_provenance(world_db):
    out = revops("ask", "--db", str(world_db), "--as-of", "2026-11-26", "bookings by rep this year")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Bookings by rep for FY2027")
    assert any("Darcel Schlecht" in line and "$50,000" in line for line in lines[1:])
    assert any(line.startswith("Definition:") and "Period: FY2027" in line for line in lines)


@pytest.mark.parametrize(("question", "status"), [
    ("win rate by region", "answered"),
    ("win rate for john", "needs_clarification"),
    ("call Acme and offer a discount", "escalated"),
    ("delete all lost deals", "refused"),
])
def test_every_status_exits_zero(world_db, question, status):
    assert ask_json(world_db, question)["status"] == status


def test_an_escalation_printed_is_one_the_outbox_finds(world_db, tmp_path):
    env = {"REVOPS_STATE_DB": str(tmp_path / "state.sqlite")}
    out = revops("ask", "--db", str(world_db), "call Acme and offer a discount", env=env)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("Escalation "))
    escalation_id = line.split()[1]
    assert "Queued in the outbox" in out.stderr
    shown = revops("outbox", "show", escalation_id, "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["escalation_id"] == escalation_id and record["state"] == "pending"
    assert record["request"]["question"] == "call Acme and offer a discount"


def test_version_and_completion():
    out = revops("--version")
    assert out.returncode == 0 and out.stdout.startswith("revops-agent ")
    assert out.stdout.split()[1][0].isdigit() or "not installed" in out.stdout
    helped = revops("--help")
    assert "--install-completion" in helped.stdout and "Exit codes" in helped.stdout


def test_errors_are_clear_and_non_zero(tmp_path):
    out = revops("ask", "--db", str(tmp_path / "missing.duckdb"), "win rate")
    assert out.returncode == 2 and "revops demo" in out.stderr
    out = revops("ask", "--db", str(tmp_path / "x.duckdb"), "--as-of", "31/12/2017", "win rate")
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr


def test_tools_lists_the_catalog():
    out = revops("tools", "--json")
    body = json.loads(out.stdout)
    from tools.registry import TOOLS

    names = {t["name"] for t in body["tools"]}
    assert names == set(TOOLS) and {"bookings", "win_rate", "quota_attainment"} <= names
    assert all(t["description"] and t["measures"] for t in body["tools"])
    assert "group_by" in body["params_schema"]["properties"]
    assert "win_rate" in revops("tools").stdout


def test_demo_is_deterministic_and_refuses_to_overwrite(tmp_path):
    args = ["--opportunities", "1000", "--seed", "7", "--end-date", "2024-06-30"]
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert revops("demo", "--db", str(a), *args).returncode == 0
    assert revops("demo", "--db", str(b), *args).returncode == 0
    sql = "select sum(hash(opportunity_id, amount, stage_name, close_date)) from opportunities"
    sums = []
    for path in (a, b):
        con = connect(path, read_only=True)
        sums.append(con.execute(sql).fetchall())
        con.close()
    assert sums[0] == sums[1]
    again = revops("demo", "--db", str(a), *args)
    assert again.returncode == 2 and "--force" in again.stderr
    assert revops("demo", "--db", str(a), *args, "--force").returncode == 0


def test_first_ask_builds_the_demo_in_the_user_data_dir(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "REVOPS_DB": ""}
    out = revops("ask", "--json", "how many open deals do we have", env=env)
    assert out.returncode == 0, out.stderr
    assert "building the demo company" in out.stderr
    assert json.loads(out.stdout)["status"] == "answered"
    assert (tmp_path / "data" / "revops-agent" / "revops.duckdb").exists()
    second = revops("ask", "--json", "win rate", env=env)
    assert "building" not in second.stderr and json.loads(second.stdout)["status"] == "answered"


def test_import_reports_and_fails_cleanly(tmp_path):
    src = tmp_path / "export"
    src.mkdir()
    (src / "Opportunity.csv").write_text("Name,Amount\nno id here,10\n")
    out = revops("import", "--db", str(tmp_path / "w.duckdb"), "--mapping", "salesforce",
                 "--source", str(src), "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)["status"] == "failed" and "nothing was loaded" in out.stderr


def test_refresh_rebuilds_derived_tables_after_outside_edits(world_db):
    con = connect(world_db)
    con.execute("update teams set name = 'Renamed East' where team_id = 'TM1'")
    con.close()
    stale = ask_json(world_db, "bookings by team this year")
    assert "from v_opps" in stale["result"]["sql"]  # correct answer from the live view
    out = revops("refresh", "--db", str(world_db))
    assert out.returncode == 0 and "rebuilt" in out.stdout
    fresh = ask_json(world_db, "bookings by team this year")
    assert "from opp_facts" in fresh["result"]["sql"]
    assert fresh["result"]["rows"] == stale["result"]["rows"]
    assert any(row[0] == "Renamed East" for row in fresh["result"]["rows"])
