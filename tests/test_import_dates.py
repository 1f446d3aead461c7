"""Dates and times the way exports write them: one detected format per column, exact round trip."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tools.importer import SourceError, parse_mapping, run_import
from tools.importer.dates import classify, decide

MAPPING = """
name = "dates"
{order}

[[load]]
table = "opportunity_stages"
file = "deals.csv"
distinct = true
[load.columns]
stage_name = "stage"
[load.constants]
pipeline_id = "default"

[[load]]
table = "opportunities"
file = "deals.csv"
[load.columns]
opportunity_id = "id"
stage_name = "stage"
close_date = "day"
created_at = "moment"
[load.constants]
pipeline_id = "default"
"""

# (case, day texts, moment texts, expected close dates, expected created_at)
CASES = [
    ("iso", ["2024-01-15", "2023-12-31"],
     ["2024-01-22T16:14:25.000+0000", "2023-12-31T23:59:59Z"],
     [date(2024, 1, 15), date(2023, 12, 31)],
     [datetime(2024, 1, 22, 16, 14, 25), datetime(2023, 12, 31, 23, 59, 59)]),
    ("iso offset", ["2024-03-01", "2024-03-02"],
     ["2024-03-01T10:00:00.000+0200", "2024-03-02T10:00:00-0500"],
     [date(2024, 3, 1), date(2024, 3, 2)],
     [datetime(2024, 3, 1, 8, 0), datetime(2024, 3, 2, 15, 0)]),
    ("us 2-digit year, 12-hour", ["02/03/24", "12/31/23"],
     ["02/23/26 08:55 PM", "03/07/26 09:00 AM"],
     [date(2024, 2, 3), date(2023, 12, 31)],
     [datetime(2026, 2, 23, 20, 55), datetime(2026, 3, 7, 9, 0)]),
    ("us 4-digit year, unpadded", ["2/3/2024", "12/31/2023"],
     ["2/23/2026 12:05 AM", "3/7/2026 12:30 PM"],
     [date(2024, 2, 3), date(2023, 12, 31)],
     [datetime(2026, 2, 23, 0, 5), datetime(2026, 3, 7, 12, 30)]),
    ("european dots, 24-hour", ["03.02.2024", "31.12.2023"],
     ["23.02.2026 20:55", "07.03.2026 09:00:15"],
     [date(2024, 2, 3), date(2023, 12, 31)],
     [datetime(2026, 2, 23, 20, 55), datetime(2026, 3, 7, 9, 0, 15)]),
    ("european 2-digit year", ["03/02/24", "31/12/23"],
     ["23/02/26 20:55", "07/03/26 09:00"],
     [date(2024, 2, 3), date(2023, 12, 31)],
     [datetime(2026, 2, 23, 20, 55), datetime(2026, 3, 7, 9, 0)]),
    ("excel serials", ["45325", "45291"], ["45345.5", "45358.25"],
     [date(2024, 2, 3), date(2023, 12, 31)],
     [datetime(2024, 2, 23, 12, 0), datetime(2024, 3, 7, 6, 0)]),
    ("month names", ["3-Feb-24", "31-Dec-23"], ["Feb 23, 2026 8:55 PM", "March 7, 2026 9:00 AM"],
     [date(2024, 2, 3), date(2023, 12, 31)],
     [datetime(2026, 2, 23, 20, 55), datetime(2026, 3, 7, 9, 0)]),
    ("compact", ["20240203", "20231231"], ["2024-02-03 10:00:00", "2023-12-31 11:00:00"],
     [date(2024, 2, 3), date(2023, 12, 31)],
     [datetime(2024, 2, 3, 10, 0), datetime(2023, 12, 31, 11, 0)]),
]


def write(tmp_path: Path, days: list[str], moments: list[str]) -> Path:
    source = tmp_path / "export"
    source.mkdir(exist_ok=True)
    lines = ["id,stage,day,moment"] + [
        f'D{i},open,"{d}","{m}"' for i, (d, m) in enumerate(zip(days, moments, strict=True))]
    (source / "deals.csv").write_text("\n".join(lines) + "\n")
    return source


def load(con: duckdb.DuckDBPyConnection, source: Path, order: str = ""):
    return run_import(con, parse_mapping(MAPPING.format(order=order), "dates.toml"), source)


@pytest.mark.parametrize(("case", "days", "moments", "want_days", "want_moments"), CASES,
                         ids=[c[0] for c in CASES])
def test_formats_round_trip(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, case: str,
                            days: list[str], moments: list[str], want_days: list[date],
                            want_moments: list[datetime]) -> None:
    summary = load(warehouse, write(tmp_path, days, moments))
    assert summary.rejected == 0, summary.rejects
    got = warehouse.execute(
        "SELECT close_date, created_at FROM opportunities ORDER BY opportunity_id").fetchall()
    assert got == list(zip(want_days, want_moments, strict=True))


def test_ambiguous_column_uses_date_order_and_says_so(warehouse: duckdb.DuckDBPyConnection,
                                                      tmp_path: Path) -> None:
    source = write(tmp_path, ["01/02/24", "03/04/24"], ["2024-01-01", "2024-01-02"])
    with pytest.raises(SourceError, match="date_order"):
        load(warehouse, source)
    summary = load(warehouse, source, 'date_order = "DMY"')
    assert warehouse.execute("SELECT close_date FROM opportunities ORDER BY 1").fetchall() == [
        (date(2024, 2, 1),), (date(2024, 4, 3),)]
    [note] = [w for w in summary.warnings if w.code == "DATE_ORDER_ASSUMED"]
    assert "day/month/year" in note.message and "close_date" in note.message
    assert any(i.column == "close_date" and i.value == "DD/MM/YY" for i in summary.inferred)


def test_the_values_decide_over_date_order(warehouse: duckdb.DuckDBPyConnection,
                                           tmp_path: Path) -> None:
    source = write(tmp_path, ["01/02/24", "01/13/24"], ["2024-01-01", "2024-01-02"])
    summary = load(warehouse, source, 'date_order = "DMY"')
    assert warehouse.execute("SELECT close_date FROM opportunities ORDER BY 1").fetchall() == [
        (date(2024, 1, 2),), (date(2024, 1, 13),)]
    assert not [w for w in summary.warnings if w.code == "DATE_ORDER_ASSUMED"]


@pytest.mark.parametrize(("day", "moment"), [
    ("0002-02-03", "2024-01-01"),
    ("2024-02-03", "2101-01-01T00:00:00Z"),
    ("1899-12-31", "2024-01-01"),
])
def test_years_outside_1900_2100_are_rejected(warehouse: duckdb.DuckDBPyConnection,
                                              tmp_path: Path, day: str, moment: str) -> None:
    source = write(tmp_path, [day, "2024-05-06"], [moment, "2024-05-06T00:00:00Z"])
    summary = load(warehouse, source)
    assert summary.table("opportunities").rejected == 1
    assert warehouse.execute("SELECT opportunity_id FROM opportunities").fetchall() == [("D1",)]
    (reason,) = warehouse.execute("SELECT reason FROM import_rejects").fetchone()
    assert "1900 to 2100" in reason and (day in reason or moment in reason)


def test_a_value_in_another_format_is_rejected_not_guessed(
        warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    source = write(tmp_path, ["02/03/24", "12/31/23", "2024-02-03"],
                   ["2024-01-01", "2024-01-01", "2024-01-01"])
    summary = load(warehouse, source)
    assert summary.table("opportunities").rejected == 1
    (reason,) = warehouse.execute("SELECT reason FROM import_rejects").fetchone()
    assert "MM/DD/YY" in reason and "2024-02-03" in reason


@pytest.mark.parametrize(("shape", "family", "fmt"), [
    ("9999-99-99a99:99:99.999+9999", "iso", ""),
    ("99/99/99 99:99 a", "xy", "%A/%B/%y %I:%M %p"),
    ("9/9/9999", "xy", "%A/%B/%Y"),
    ("9999/99/99", "ymd", "%Y/%m/%d"),
    ("99999.9", "excel", ""),
])
def test_shapes(shape: str, family: str, fmt: str) -> None:
    found = classify(shape)
    assert found is not None and (found.family, found.format) == (family, fmt)


def test_unknown_shapes_leave_the_iso_reader() -> None:
    assert classify("aaa 9, 9999") is None
    fmt, note = decide({"aaa 9, 9999": 3}, 0, 0, None)
    assert fmt.kind == "iso" and note is None
