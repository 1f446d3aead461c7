"""Real CRM exports imported unedited: the numbers match plain SQL over the CSVs, and every tool
on the thin warehouses they make either answers or says which data it needs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from agent.context import Warehouse
from tests.conftest import REPO, SHARED
from tools.base import Dimension, MetricParams, PeriodParam, ToolContext, ToolInputError
from tools.importer import run_import
from tools.needs import unmet
from tools.registry import TOOLS, run_tool
from tools.warehouse import connect

SF = SHARED / "datasets" / "salesforce-exports"
EXCEL, LOADER = SF / "sf-excel-report-powerbi", SF / "sf-dataloader-sfdc-assets"
EVERYTHING = PeriodParam(start=date(1990, 1, 1), end=date(2099, 12, 31), label="all dates")


def _needs_dataset(path: Path) -> Path:
    if not any(path.glob("*.csv*")):
        pytest.skip(f"public dataset not available at {path}")
    return path


def _import(tmp_path_factory: pytest.TempPathFactory, mapping: str | Path, source: Path) -> Path:
    path = tmp_path_factory.mktemp("real") / "wh.duckdb"
    con = connect(path)
    try:
        run_import(con, mapping, source)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module", params=["excel", "loader"])
def sf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A Salesforce sample imported with the preset, and the same CSVs read by DuckDB alone."""
    source = _needs_dataset(EXCEL if request.param == "excel" else LOADER)
    db = _import(tmp_path_factory, "salesforce", source)
    raw = duckdb.connect()
    fmt = "%m/%d/%y" if request.param == "excel" else "%Y-%m-%d"
    raw.execute(f"""create view deals as select Id as id, StageName as stage,
        TRY_CAST(Amount AS DOUBLE) as amount, strptime(CloseDate, '{fmt}')::date as close_date,
        coalesce(TRY_CAST(IsClosed AS BOOLEAN), false) as closed,
        coalesce(TRY_CAST(IsWon AS BOOLEAN), false) as won,
        {'OwnerId' if request.param == 'loader' else 'NULL'} as owner
        from read_csv('{source / 'Opportunity.csv'}', all_varchar = true)""")
    con = connect(db, read_only=True)
    yield request.param, con, raw
    con.close()
    raw.close()


def _ctx(con: duckdb.DuckDBPyConnection, as_of: date) -> ToolContext:
    wh = Warehouse(con)
    return ToolContext(con=con.cursor(), settings=wh.settings, as_of=as_of, facts=wh.facts)


def test_salesforce_values_are_stored_as_exported(sf) -> None:
    _, con, raw = sf
    stored = con.execute("select opportunity_id, stage_name, amount::double, close_date "
                         "from opportunities order by 1").fetchall()
    expected = raw.execute("select id, stage, amount, close_date from deals order by 1").fetchall()
    assert stored == expected
    assert con.execute("select count(*) from import_rejects").fetchone() == (0,)


def test_salesforce_win_rate_bookings_pipeline_and_reps(sf) -> None:
    kind, con, raw = sf
    ctx = _ctx(con, date(2026, 12, 31))
    won, closed = raw.execute("select count(*) filter (where won), count(*) filter "
                              "(where closed) from deals").fetchone()
    r = run_tool(ctx, "win_rate", MetricParams(period=EVERYTHING))
    assert r.value == pytest.approx(won / closed) and r.n_records == closed

    expected = dict(raw.execute("select strftime(close_date, '%Y-%m'), sum(amount) from deals "
                                "where won group by 1").fetchall())
    r = run_tool(ctx, "bookings", MetricParams(period=EVERYTHING, time_grain="month"))
    got = {row[0]: row[1] for row in r.rows if row[1]}
    assert got == pytest.approx(expected)

    expected = dict(raw.execute("select stage, coalesce(sum(amount), 0) from deals "
                                "where not closed group by 1").fetchall())
    r = run_tool(ctx, "open_pipeline", MetricParams(all_time=True, group_by=[Dimension.stage]))
    got = {row[0]: row[1] for row in r.rows}
    assert got == pytest.approx(expected)
    assert not [w for w in r.warnings if w.code == "DQ_UNKNOWN_STAGE"]

    r = run_tool(ctx, "leaderboard", MetricParams(period=EVERYTHING, group_by=[Dimension.rep]))
    if kind == "loader":  # one owner, by id (no User.csv): created as a user, flagged
        got = {row[r.columns.index("rep")]: row[r.columns.index("bookings")] for row in r.rows}
        expected = dict(raw.execute("select owner, sum(amount) from deals where won "
                                    "group by 1").fetchall())
        assert got == pytest.approx(expected)
    else:  # the Excel report has no owner column: every won deal is in one unowned row
        (total,) = raw.execute("select sum(amount) from deals where won").fetchone()
        assert sum(row[r.columns.index("bookings")] for row in r.rows) == pytest.approx(total)


def test_salesforce_stage_order_is_inferred_and_reported(sf) -> None:
    _, con, _ = sf
    stages = con.execute("select stage_name, sort_order from opportunity_stages "
                         "order by sort_order").fetchall()
    assert all(order is not None for _, order in stages)
    assert [s for s, _ in stages][-2:] == ["Closed Won", "Closed Lost"]
    (summary,) = con.execute("select summary from import_runs").fetchone()
    assert '"stage order"' in summary


@pytest.fixture(scope="module", params=["maven", "ibm", "excel", "loader"])
def thin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A warehouse holding only one real export."""
    sources = {
        "maven": (REPO / "examples" / "mappings" / "maven-crm.toml",
                  SHARED / "datasets" / "maven-crm", date(2017, 12, 31)),
        "ibm": (REPO / "examples" / "mappings" / "ibm-win-loss.toml",
                SHARED / "datasets" / "ibm-win-loss", date(2024, 1, 1)),
        "excel": ("salesforce", EXCEL, date(2026, 3, 31)),
        "loader": ("salesforce", LOADER, date(2024, 1, 22)),
    }
    mapping, source, as_of = sources[request.param]
    db = _import(tmp_path_factory, mapping, _needs_dataset(source))
    con = connect(db, read_only=True)
    yield con, as_of
    con.close()


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_tool_answers_or_says_what_it_needs(thin, tool: str) -> None:
    con, as_of = thin
    try:
        r = run_tool(_ctx(con, as_of), tool, MetricParams())
    except ToolInputError as exc:  # a clear refusal, never a traceback
        assert len(str(exc)) < 400
        return
    needs = [w for w in r.warnings if w.code == "NEEDS_DATA"]
    lacking = unmet(_ctx(con, as_of), tool)
    if lacking and (r.value is None or not r.n_records):
        assert needs and all(need in needs[0].message for need in lacking)
        assert all("(import a file mapped to table " in need or "(map a column to " in need
                   for need in lacking)
    else:
        assert not needs
    if tool == "scorecard":
        for row in r.rows:
            record = dict(zip(r.columns, row, strict=True))
            if record["value"] is None:
                assert record["drivers"].startswith("not measured: ")
