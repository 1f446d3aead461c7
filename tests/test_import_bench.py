"""The import benchmark's baseline builds the import's tables, and large files keep their
guarantees (row numbers, first row wins) when the upsert writes rows in any order."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tools.importer import run_import
from tools.importer.bench import _same_tables, differences, make_opportunities_csv
from tools.warehouse import connect


def test_same_tables_program_writes_the_rows_the_import_writes(tmp_path: Path) -> None:
    """The 1.3x target compares equal work: the plain-SQL program's tables equal the import's."""
    source = make_opportunities_csv(tmp_path / "export", 3000).parent
    _same_tables(source / "Opportunity.csv", tmp_path / "same.duckdb")
    con = connect(tmp_path / "import.duckdb")
    try:
        summary = run_import(con, "salesforce", source)
    finally:
        con.close()
    assert summary.table("opportunities").loaded == 3000
    assert differences(tmp_path / "same.duckdb", tmp_path / "import.duckdb") == {}

    # the comparison sees a single changed value
    with duckdb.connect(str(tmp_path / "import.duckdb")) as changed:
        changed.execute("update opportunities set extra = NULL where opportunity_id = "
                        "(select min(opportunity_id) from opportunities)")
    assert differences(tmp_path / "same.duckdb", tmp_path / "import.duckdb") == {
        "opportunities": 2}


def test_large_file_rejects_and_duplicates_keep_file_row_numbers(tmp_path: Path) -> None:
    """Several row groups staged in parallel: the first of a duplicated id is kept, and bad
    and duplicate rows are reported with their row in the file."""
    rows = 300_000
    source = tmp_path / "export"
    source.mkdir()
    csv = source / "Opportunity.csv"
    with duckdb.connect() as con:  # row i (1-based) has id D<i>; a few rows are made bad
        con.execute(
            "COPY (SELECT CASE WHEN i = 250000 THEN 'D7' WHEN i = 299999 THEN 'D123456' "
            "ELSE 'D' || i END AS Id, 'Prospecting' AS StageName, "
            "CASE WHEN i = 200001 THEN 'n/a' ELSE CAST(i AS VARCHAR) END AS Amount "
            f"FROM range(1, {rows + 1}) t(i)) TO '{csv}' (HEADER)")
    con = connect(tmp_path / "w.duckdb")
    try:
        summary = run_import(con, "salesforce", source)
        counts = summary.table("opportunities")
        assert (counts.read, counts.loaded, counts.rejected) == (rows, rows - 3, 3)
        rejects = con.execute("select row_number, reason from import_rejects "
                              "order by row_number").fetchall()
        kept = con.execute("select opportunity_id, amount::int from opportunities where "
                           "opportunity_id in ('D7', 'D123456', 'D200001') "
                           "order by 1").fetchall()
    finally:
        con.close()
    assert rejects == [(200001, "not a number: 'n/a'"),
                       (250000, "duplicate id 'D7' (kept row 7)"),
                       (299999, "duplicate id 'D123456' (kept row 123456)")]
    assert kept == [("D123456", 123456), ("D7", 7)]
