"""Bad export files fail with a short message naming the file (and line), and change nothing."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO
from tools.importer import SourceError, run_import

DEALS = "Id,Name,StageName,Amount,CloseDate\n" + "".join(
    f"00{i},Deal {i},{'Closed Won' if i % 2 else 'Prospecting'},{i * 100},2024-01-{i:02d}\n"
    for i in range(1, 29))


def _source(tmp_path: Path, name: str, data: bytes) -> Path:
    source = tmp_path / "export"
    source.mkdir()
    (source / name).write_bytes(data)
    return source


def _truncated_gzip() -> bytes:
    whole = gzip.compress((DEALS * 400).encode())
    return whole[: len(whole) // 2]


def _late_quote() -> bytes:
    lines = DEALS.splitlines() * 800
    lines[20_001] = '0099,"Darcel Schlecht,Closed Won,100,2024-01-02'
    return ("\n".join(lines) + "\n").encode()


BAD = [
    ("binary", "Opportunity.csv", b"PK\x03\x04" + bytes(range(256)) * 200, "binary data"),
    ("truncated gzip", "Opportunity.csv.gz", _truncated_gzip(), "truncated gzip"),
    ("unbalanced quote", "Opportunity.csv",
     b'Id,Name,StageName,Amount\n1,"Darcel Schlecht,Closed Won,100\n2,Bob,Closed Lost,200\n',
     "line 2: a double quote opens a value that is never closed"),
    ("unbalanced quote after the sniffer's sample", "Opportunity.csv", _late_quote(),
     "line 20002: a double quote opens a value that is never closed"),
]


@pytest.mark.parametrize(("case", "name", "data", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_fails_short_and_changes_nothing(warehouse: duckdb.DuckDBPyConnection,
                                                  tmp_path: Path, case: str, name: str,
                                                  data: bytes, expected: str) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "Opportunity.csv").write_text(DEALS)
    run_import(warehouse, "salesforce", good)
    before = warehouse.execute("select count(*), sum(amount) from opportunities").fetchone()
    with pytest.raises(SourceError) as failed:
        run_import(warehouse, "salesforce", _source(tmp_path, name, data))
    message = str(failed.value)
    assert len(message) < 300 and name in message and expected in message
    assert warehouse.execute("select count(*), sum(amount) from opportunities").fetchone() \
        == before
    assert "Darcel" not in str(warehouse.execute("select list(name) from opportunities")
                               .fetchone())


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "protocols.cli", "import", *args],
                          capture_output=True, text=True, cwd=REPO)


def test_cli_failures_leave_no_database_file(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    out = _cli("--mapping", "salesforce", "--source", str(tmp_path / "missing"), "--db", str(db))
    assert out.returncode == 1 and "is not a directory" in out.stderr and not db.exists()
    source = _source(tmp_path, "Opportunity.csv", b"PK\x03\x04" + bytes(range(256)) * 4)
    out = _cli("--mapping", "salesforce", "--source", str(source), "--db", str(db), "--json")
    assert out.returncode == 1 and not db.exists()
    assert json.loads(out.stdout)["status"] == "failed"


def test_cli_json_carries_the_summary(tmp_path: Path) -> None:
    source = tmp_path / "export"
    source.mkdir()
    (source / "Opportunity.csv").write_text(DEALS.replace("2024-01-", "01/").replace(
        "\n", "/24\n").replace("CloseDate/24", "CloseDate"))
    db = tmp_path / "wh.duckdb"
    out = _cli("--mapping", "salesforce", "--source", str(source), "--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert {t["table"]: t["loaded"] for t in body["tables"]}["opportunities"] == 28
    assert {"date format", "closed/won", "stage order"} <= {i["what"] for i in body["inferred"]}
    tools = {t["tool"]: t for t in body["tools"]}
    assert tools["win_rate"]["ready"] and not tools["arr"]["ready"]
    assert "import a file mapped to table subscriptions" in tools["arr"]["needs"]


def test_a_file_of_blank_lines_is_empty_and_leading_blanks_are_not(
        warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is empty"):
        run_import(warehouse, "salesforce", _source(tmp_path, "Opportunity.csv", b"\n \n\n"))
    source = tmp_path / "leading"
    source.mkdir()
    (source / "Opportunity.csv").write_text("\n" + DEALS)
    assert run_import(warehouse, "salesforce", source).table("opportunities").loaded == 28
