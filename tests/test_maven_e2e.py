"""The real Maven CRM export, imported through examples/mappings/maven-crm.toml, answers the
core questions with numbers recomputed here independently from the raw CSV files."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from agent.ask import ask
from agent.context import Warehouse
from tests.conftest import REPO
from tools.importer import run_import
from tools.query import plain
from tools.warehouse import connect

AS_OF = date(2017, 12, 31)


@pytest.fixture(scope="module")
def maven_db(tmp_path_factory, maven_dir):
    path = tmp_path_factory.mktemp("maven") / "maven.duckdb"
    con = connect(path)
    run_import(con, REPO / "examples" / "mappings" / "maven-crm.toml", maven_dir)
    con.close()
    return path


@pytest.fixture(scope="module")
def wh(maven_db):
    con = connect(maven_db, read_only=True)
    yield Warehouse(con)
    con.close()


@pytest.fixture(scope="module")
def raw(maven_dir):
    """The CSVs read directly by DuckDB, without our schema, views or mapping."""
    con = duckdb.connect()
    for name in ("sales_pipeline", "sales_teams", "accounts", "products"):
        con.execute(f"create view {name} as select * from read_csv('{maven_dir / name}.csv')")
    yield con
    con.close()


def answer(wh, question):
    r = ask(wh, question, as_of=AS_OF)
    assert r.status == "answered", r.answer
    return r


def test_win_rate(wh, raw):
    won, closed = raw.execute("""select count(*) filter (where deal_stage = 'Won'),
        count(*) from sales_pipeline where deal_stage in ('Won', 'Lost')
        and close_date between '2017-01-01' and '2017-12-31'""").fetchone()
    r = answer(wh, "what's our win rate?")
    assert r.result.value == pytest.approx(won / closed) and r.result.n_records == closed
    assert r.result.period["label"] == "FY2017 YTD"


def test_top_5_reps_by_revenue(wh, raw):
    expected = raw.execute("""select sales_agent, sum(close_value) from sales_pipeline
        where deal_stage = 'Won' group by 1 order by 2 desc limit 5""").fetchall()
    r = answer(wh, "top 5 reps by revenue")
    assert [(row[0], row[1]) for row in r.result.rows] == [(a, float(v)) for a, v in expected]


def test_win_rate_by_regional_office(wh, raw):
    expected = dict(raw.execute("""select regional_office,
        count(*) filter (where deal_stage = 'Won') / count(*)
        from sales_pipeline join sales_teams using (sales_agent)
        where deal_stage in ('Won', 'Lost') group by 1""").fetchall())
    r = answer(wh, "win rate by regional office")
    got = {row[0]: row[1] for row in r.result.rows}
    assert got.keys() == expected.keys()
    assert all(got[k] == pytest.approx(expected[k], abs=1e-6) for k in got)


def test_bookings_by_month_in_2017(wh, raw):
    expected = dict(raw.execute("""select strftime(close_date, '%Y-%m'), sum(close_value)
        from sales_pipeline where deal_stage = 'Won' group by 1""").fetchall())
    r = answer(wh, "bookings by month in 2017")
    assert [row[0] for row in r.result.rows] == [f"2017-{m:02d}" for m in range(1, 13)]
    assert {row[0]: row[1] for row in r.result.rows if row[1]} == \
        {k: float(v) for k, v in expected.items()}
    assert sum(row[1] for row in r.result.rows) == 10_005_534


def test_manager_team_that_closed_the_most_in_q4_2017(wh, raw):
    manager, total = raw.execute("""select manager, sum(close_value) from sales_pipeline
        join sales_teams using (sales_agent) where deal_stage = 'Won'
        and close_date between '2017-10-01' and '2017-12-31'
        group by 1 order by 2 desc limit 1""").fetchone()
    r = answer(wh, "which manager's team closed the most in Q4 2017")
    assert r.result.rows[0][:2] == [manager, float(total)] and manager in r.answer


def test_average_won_deal_size(wh, raw):
    avg = raw.execute("""select avg(close_value) from sales_pipeline
        where deal_stage = 'Won' and close_value > 0""").fetchone()[0]
    assert answer(wh, "average won deal size").result.value == pytest.approx(avg)


def test_sales_cycle(wh, raw):
    days = raw.execute("""select avg(date_diff('day', engage_date, close_date))
        from sales_pipeline where deal_stage = 'Won'""").fetchone()[0]
    assert answer(wh, "how long is our sales cycle").result.value == pytest.approx(days)


QUESTIONS = ["what's our win rate?", "top 5 reps by revenue", "win rate by regional office",
             "bookings by month in 2017", "which manager's team closed the most in Q4 2017",
             "average won deal size", "how long is our sales cycle",
             "win rate by sector last quarter", "open deals by stage", "GTXPro bookings"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_number_is_recomputable_from_the_reported_sql(wh, maven_db, question):
    r = answer(wh, question)
    con = duckdb.connect(str(maven_db), read_only=True)
    try:
        rows = [[plain(v) for v in row] for row in con.execute(r.result.sql).fetchall()]
    finally:
        con.close()
    assert rows == r.result.rows


def test_cli_json_end_to_end(maven_db):
    out = subprocess.run([sys.executable, "-m", "protocols.cli", "ask", "--db", str(maven_db),
                          "--as-of", "2017-12-31", "--json", "win rate by regional office"],
                         capture_output=True, text=True, check=True, cwd=REPO)
    body = json.loads(out.stdout)
    assert body["status"] == "answered" and body["intent"]["tool"] == "win_rate"
    assert body["result"]["columns"][:2] == ["region", "win_rate"]
    assert len(body["result"]["rows"]) == 3
