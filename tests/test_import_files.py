"""`revops import` on small hand-written files: bad rows, duplicates, empty files, formats."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tools.importer import MappingError, SourceError, parse_mapping, run_import
from tools.importer.plan import match_header

MAPPING = """
name = "tiny"

[[load]]
table = "users"
file = "users.csv"
optional = true
[load.columns]
user_id = "id"
full_name = "name"

[[load]]
table = "opportunity_stages"
file = "deals*"
distinct = true
[load.columns]
stage_name = "stage"
sort_order = { column = "stage", map = { open = 1, won = 2, lost = 3 } }
is_closed = { column = "stage", map = { won = true, lost = true }, otherwise = false }
is_won = { column = "stage", map = { won = true }, otherwise = false }
[load.constants]
pipeline_id = "default"

[[load]]
table = "opportunities"
file = "deals*"
[load.columns]
opportunity_id = "id"
stage_name = { column = "stage", required = true }
amount = "amount"
close_date = { column = "close_date", date_format = ["%Y-%m-%d", "%d/%m/%Y"] }
owner_id = { column = "owner", lookup = "users.full_name" }
[load.constants]
pipeline_id = "default"
"""

DEALS = """id,stage,amount,close_date,owner,note
D1,won,100.50,2024-01-15,Ann Lee,first
D2,lost,abc,2024-02-01,Bob Stone,bad amount
D3,open,300,31/02/2024,Ann Lee,bad date
D4,open,400,15/03/2024,Zed Nobody,unknown owner
,won,500,2024-04-01,Ann Lee,no id
D1,won,999,2024-05-01,Ann Lee,duplicate
D6,open,,,,blanks
"""

USERS = "id,name\nu1,Ann Lee\nu2,Bob Stone\n"


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(MAPPING)
    return path


def export(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    source = tmp_path / "export"
    source.mkdir(exist_ok=True)
    for name, content in files.items():
        target = source / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return source


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_bad_rows_are_quarantined_and_the_rest_loads(
    warehouse: duckdb.DuckDBPyConnection, mapping: Path, tmp_path: Path
) -> None:
    source = export(tmp_path, {"deals.csv": DEALS, "users.csv": USERS})
    summary = run_import(warehouse, mapping, source)

    opps = summary.table("opportunities")
    assert (opps.read, opps.loaded, opps.rejected) == (7, 3, 4)
    loaded = rows(warehouse, "select opportunity_id, amount, close_date, owner_id, extra "
                             "from opportunities order by 1")
    assert loaded == [
        ("D1", Decimal("100.5000"), date(2024, 1, 15), "u1", '{"note":"first"}'),
        ("D4", Decimal("400.0000"), date(2024, 3, 15), "Zed Nobody", '{"note":"unknown owner"}'),
        ("D6", None, None, None, '{"note":"blanks"}'),
    ]
    rejects = rows(warehouse, "select file_name, row_number, column_name, reason, raw_row "
                              "from import_rejects order by row_number")
    assert [r[:4] for r in rejects] == [
        ("deals.csv", 2, "amount", "not a number: 'abc'"),
        ("deals.csv", 3, "close_date",
         "not a date from 1900 to 2100 (expected %Y-%m-%d or %d/%m/%Y): '31/02/2024'"),
        ("deals.csv", 5, "id", "missing required value"),
        ("deals.csv", 6, "id", "duplicate id 'D1' (kept row 1)"),
    ]
    assert json.loads(rejects[0][4]) == {"id": "D2", "stage": "lost", "amount": "abc",
                                         "close_date": "2024-02-01", "owner": "Bob Stone",
                                         "note": "bad amount"}
    assert {r.reason for r in summary.rejects} == {
        "not a number", "not a date from 1900 to 2100 (expected %Y-%m-%d or %d/%m/%Y)",
        "missing required value",
        "duplicate id"}
    text = summary.render_text()
    assert "opportunities.amount: 1 rows not a number (e.g. deals.csv row 2: 'abc')" in text
    owner = [w for w in summary.warnings if w.column == "owner_id"]
    assert owner[0].message == ("opportunities.owner_id: 1 rows reference 'Zed Nobody', "
                                "not in users.full_name (kept as is)")
    # the stage dictionary is built from every distinct stage, bad rows included
    assert rows(warehouse, "select stage_name, sort_order, is_closed, is_won "
                           "from opportunity_stages order by sort_order") == [
        ("open", 1, False, False), ("won", 2, True, True), ("lost", 3, True, False)]


def test_missing_required_column_fails_cleanly(
    warehouse: duckdb.DuckDBPyConnection, mapping: Path, tmp_path: Path
) -> None:
    source = export(tmp_path, {"deals.csv": "id,amount,close_date,owner\nD1,1,2024-01-01,x\n",
                               "users.csv": USERS})
    with pytest.raises(SourceError, match="deals.csv has no required column 'stage'"):
        run_import(warehouse, mapping, source)
    assert rows(warehouse, "select count(*) from users") == [(0,)]
    assert rows(warehouse, "select count(*) from import_runs") == [(0,)]


def test_empty_files(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Zero bytes: fatal. Header only: fatal unless the load says `allow_empty = true`."""
    text = MAPPING
    mapping = parse_mapping(text, "tiny.toml")
    source = export(tmp_path, {"deals.csv": b"", "users.csv": USERS})
    with pytest.raises(SourceError, match="deals.csv is empty"):
        run_import(warehouse, mapping, source)

    export(tmp_path, {"deals.csv": "id,stage,amount,close_date,owner\n"})
    with pytest.raises(SourceError, match="header but no data rows.*allow_empty"):
        run_import(warehouse, mapping, source)
    assert rows(warehouse, "select count(*) from users") == [(0,)]

    relaxed_text = text.replace('file = "deals*"\n', 'file = "deals*"\nallow_empty = true\n')
    relaxed = parse_mapping(relaxed_text, "relaxed.toml")
    summary = run_import(warehouse, relaxed, source)
    assert summary.table("opportunities").loaded == 0
    assert summary.table("users").loaded == 2
    assert [w.code for w in summary.warnings].count("EMPTY_FILE") == 2


def test_gzip_and_parquet_inputs(warehouse: duckdb.DuckDBPyConnection, mapping: Path,
                                 tmp_path: Path) -> None:
    good = "\n".join(line for line in DEALS.splitlines() if line.startswith(("id,", "D1,won,100")))
    source = export(tmp_path, {"deals.csv.gz": gzip.compress((good + "\n").encode()),
                               "users.csv": USERS})
    assert run_import(warehouse, mapping, source).table("opportunities").loaded == 1

    parquet = tmp_path / "pq"
    parquet.mkdir()
    (parquet / "users.csv").write_text(USERS)
    with duckdb.connect() as con:  # typed columns: DATE, DOUBLE, BIGINT
        con.execute(
            "copy (select 'P' || i as id, 'won' as stage, i * 1.5 as amount, "
            "date '2024-01-01' + i::int as close_date, 'Bob Stone' as owner, i as extra_num "
            "from range(1, 4) t(i)) to $p (format parquet)",
            {"p": str(parquet / "deals.parquet")},
        )
    summary = run_import(warehouse, mapping, parquet)
    assert summary.table("opportunities").loaded == 3
    assert rows(warehouse, "select amount, close_date, owner_id, extra from opportunities "
                           "where opportunity_id = 'P2'") == [
        (Decimal("3.0000"), date(2024, 1, 3), "u2", '{"extra_num":2}')]


def test_several_files_per_load(warehouse: duckdb.DuckDBPyConnection, mapping: Path,
                                tmp_path: Path) -> None:
    """A glob unions the files; row numbers and duplicates are reported per file."""
    source = export(tmp_path, {
        "deals_1.csv": "id,stage,amount,close_date,owner\nA,won,1,2024-01-01,Ann Lee\n"
                       "B,open,2,2024-01-02,Ann Lee\n",
        "deals_2.csv": "stage,id,amount,close_date,owner\nopen,C,3,2024-01-03,Bob Stone\n"
                       "won,A,9,2024-01-04,Bob Stone\nlost,D,x,2024-01-05,Bob Stone\n",
        "users.csv": USERS,
    })
    summary = run_import(warehouse, mapping, source)
    assert summary.loads[-1].files == ["deals_1.csv", "deals_2.csv"]
    assert rows(warehouse, "select opportunity_id, amount from opportunities order by 1") == [
        ("A", Decimal("1.0000")), ("B", Decimal("2.0000")), ("C", Decimal("3.0000"))]
    assert rows(warehouse, "select file_name, row_number, reason from import_rejects "
                           "order by 1, 2") == [
        ("deals_2.csv", 2, "duplicate id 'A' (kept row 1 of deals_1.csv)"),
        ("deals_2.csv", 3, "not a number: 'x'"),
    ]


def test_lookup_ambiguity_and_id_passthrough(warehouse: duckdb.DuckDBPyConnection,
                                             mapping: Path, tmp_path: Path) -> None:
    source = export(tmp_path, {
        "users.csv": "id,name\nu1,Ann Lee\nu9,Ann Lee\nu2,Bob Stone\n",
        "deals.csv": "id,stage,amount,close_date,owner\nA,won,1,2024-01-01,Ann Lee\n"
                     "B,won,1,2024-01-01,u2\n",
    })
    summary = run_import(warehouse, mapping, source)
    assert rows(warehouse, "select owner_id from opportunities order by 1") == [("u1",), ("u2",)]
    codes = {w.code: w.message for w in summary.warnings}
    assert "UNRESOLVED_REFERENCE" not in codes  # 'u2' is already a user id
    assert codes["AMBIGUOUS_REFERENCE"] == (
        "opportunities.owner_id: 'Ann Lee' matches 2 rows of users.full_name; "
        "used the smallest key ('u1')")


def test_transforms(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """concat, fallback, split, template, scale, percent, thousands, defaults, booleans."""
    mapping = parse_mapping("""
name = "transforms"
[[load]]
table = "accounts"
file = "a.csv"
[load.columns]
account_id = { column = "ID", template = "acct-{value}" }
name = { concat = ["first", "last"], separator = " " }
domain = { column = "web", fallback = "alt_web" }
industry = { column = "tags", split = "|" }
annual_revenue = { column = "rev", scale = 1000, thousands = "," }
employee_count = { column = "staff", default = 1 }
is_test = "test"
account_type = { column = "kind", map = { c = "customer" }, otherwise = "" }
created_at = "created"
""", "transforms")
    source = export(tmp_path, {"a.csv": (
        "ID,first,last,web,alt_web,tags,rev,staff,test,kind,created\n"
        '7, Acme ,Corp,,acme.io,retail|b2b,"1,234.5",,Yes,C,2024-01-15T10:00:00+02:00\n'
        "8,Solo,,solo.io,,,,3,no,x,2024-01-15 10:00\n"
    )})
    run_import(warehouse, mapping, source)
    assert rows(warehouse, "select account_id, name, domain, industry, annual_revenue, "
                           "employee_count, is_test, account_type, created_at "
                           "from accounts order by 1") == [
        ("acct-7", "Acme Corp", "acme.io", "retail", Decimal("1234500.00"), 1, True,
         "customer", datetime(2024, 1, 15, 8, 0)),
        ("acct-8", "Solo", "solo.io", None, None, 3, False, None, datetime(2024, 1, 15, 10, 0)),
    ]


def test_keyless_table_replaces_by_key(warehouse: duckdb.DuckDBPyConnection,
                                       tmp_path: Path) -> None:
    text = """
name = "assignments"
[[load]]
table = "territory_user_assignments"
file = "a.csv"
key = ["territory_id", "user_id"]
[load.columns]
territory_id = "t"
user_id = "u"
role_in_territory = "role"
"""
    source = export(tmp_path, {"a.csv": "t,u,role\nEast,u1,rep\nWest,u2,rep\n"})
    run_import(warehouse, parse_mapping(text, "a"), source)
    export(tmp_path, {"a.csv": "t,u,role\nEast,u1,lead\n"})
    summary = run_import(warehouse, parse_mapping(text, "a"), source)
    assert (summary.loads[0].inserted, summary.loads[0].updated) == (0, 1)
    assert rows(warehouse, "select * exclude (valid_from, valid_to, is_active) from "
                           "territory_user_assignments order by 1") == [
        ("East", "u1", "lead"), ("West", "u2", "rep")]
    with pytest.raises(MappingError, match="no primary key; list the columns"):
        run_import(warehouse, parse_mapping(text.replace('key = ["territory_id", "user_id"]\n',
                                                         ""), "a"), source)


@pytest.mark.parametrize("snippet, message", [
    ('[[load]]\ntable = "opportunities"\nfile = "x.csv"\n[load.columns]\namount = { scale = 2 }',
     "give exactly one of `column`, `concat` or `value`"),
    ('[[load]]\ntable = "opportunities"\nfile = "x.csv"\n[load.columns]\nstage_name = '
     '{ column = "s", map = "stages" }', "map 'stages' is not defined"),
    ('[[load]]\ntable = "opportunities"\nfile = "x.csv"\nbogus = 1\n[load.columns]\nx = "y"',
     "load.0.bogus: Extra inputs are not permitted"),
    ("name = ", "not valid TOML"),
])
def test_invalid_mappings(snippet: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(f'name = "bad"\n{snippet}' if not snippet.startswith("name") else snippet,
                      "bad.toml")


def test_mapping_checked_against_schema(warehouse: duckdb.DuckDBPyConnection,
                                        tmp_path: Path) -> None:
    source = export(tmp_path, {"x.csv": "a\n1\n"})
    cases = {
        'table = "oportunities"': "table 'oportunities' is not in the warehouse.*opportunities",
        'table = "opportunities"\n[load.columns]\nopportunity_id = { column = "a", '
        'lookup = "users.nam" }': "lookup column 'users.nam' does not exist",
        'table = "opportunities"\n[load.columns]\nopportunity_id = "a"\namount = '
        '{ column = "a", date_format = "%Y" }': "`date_format` needs a date",
        'table = "opportunities"\n[load.columns]\nopportunity_id = "a"\nname = "b"':
            "x.csv has no column 'b'",
    }
    for body, message in cases.items():
        if "[load.columns]" not in body:
            body += '\n[load.columns]\nopportunity_id = "a"'
        text = f'name = "m"\n[[load]]\nfile = "x.csv"\n{body}\n'
        with pytest.raises((MappingError, SourceError), match=message):
            run_import(warehouse, parse_mapping(text, "m.toml"), source)


def test_header_matching() -> None:
    headers = ("Opportunity ID", "stage_name", "Probability (%)", "Amount")
    assert match_header(headers, ["Id", "Opportunity ID"]) == "Opportunity ID"
    assert match_header(headers, ["StageName", "Stage"]) == "stage_name"
    assert match_header(headers, ["Probability"]) == "Probability (%)"
    assert match_header(headers, ["amount"]) == "Amount"
    assert match_header(headers, ["CloseDate", "Close Date"]) is None


def test_spaces_and_bad_constants(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Values are trimmed everywhere; a constant that does not fit its column is fatal."""
    text = """
name = "spaces"
[[load]]
table = "products"
file = "p.csv"
[load.columns]
product_id = "id"
name = "name"
list_price = "price"
[load.constants]
is_recurring = "yes"
"""
    source = export(tmp_path, {"p.csv": 'id,name,price\n" P1 ","  Widget ", 12.5 \n P2 ,   ,\n'})
    summary = run_import(warehouse, parse_mapping(text, "spaces"), source)
    assert summary.rejected == 0
    assert rows(warehouse, "select product_id, name, list_price, is_recurring from products "
                           "order by 1") == [("P1", "Widget", Decimal("12.5000"), True),
                                             ("P2", None, None, True)]
    bad = text.replace('is_recurring = "yes"', 'is_recurring = "maybe"')
    with pytest.raises(MappingError, match="is_recurring = 'maybe' is not a valid boolean"):
        run_import(warehouse, parse_mapping(bad, "spaces"), source)
