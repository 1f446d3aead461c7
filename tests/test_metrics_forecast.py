"""Forecast tools: M30/M31 roll-ups, the projection, M32 accuracy (reference/METRICS.md §3 D).

Golden vectors on dataset E and small fixtures, the reported SQL reproducing every result,
and end to end on a generated demo company against independent SQL.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from agent.ask import ask
from agent.context import Warehouse
from tests.helpers import context, fixture_db
from tools.base import Dimension, Filter, MetricParams, PeriodParam, ToolInputError
from tools.demo import generate_demo
from tools.query import plain
from tools.registry import TOOLS, run_tool
from tools.warehouse import open_analytics, writable

Q1 = PeriodParam(start=date(2024, 2, 1), end=date(2024, 4, 30), label="FY2025 Q1")
END = date(2026, 11, 26)


@pytest.fixture(scope="module")
def e():
    con = fixture_db("dataset_e")
    yield con
    con.close()


@pytest.fixture(scope="module")
def acc():
    con = fixture_db("forecast_accuracy")
    yield con
    con.close()


@pytest.fixture(scope="module")
def proj():
    con = fixture_db("forecast_projection")
    yield con
    con.close()


def run(con, tool, as_of, **params):
    return run_tool(context(con, as_of), tool, MetricParams(**params))


def row0(r) -> dict:
    return dict(zip(r.columns, r.rows[0], strict=True))


def reproduces(con, r) -> bool:
    """The reported SQL, pasted into DuckDB, gives exactly the reported rows."""
    return [[plain(v) for v in row] for row in con.execute(r.sql).fetchall()] == r.rows


# ---------------------------------------------------------------------------- M30 / M31


def test_m30_m31_golden_rollups(e):
    r = run(e, "forecast_rollup", date(2024, 4, 15), period=Q1)
    got = row0(r)
    assert r.value == 20250.0 and r.measure == "commit_forecast"
    assert got["closed"] == 16250.0 and got["commit_only"] == 4000.0
    assert got["best_case_only"] == 12000.0 and got["pipeline_only"] == 15000.0
    assert got["best_case_forecast"] == 32250.0 and got["open_pipeline"] == 31000.0
    assert got["weighted_forecast"] == 27250.0 and got["most_likely_forecast"] == 20250.0
    assert r.n_records == 5  # O1, O2 won; O4, O6, O7 open; O8 omitted and O3 lost never count
    for measure, value in [("best_case_forecast", 32250.0), ("open_pipeline", 31000.0),
                           ("weighted_forecast", 27250.0), ("closed", 16250.0)]:
        assert run(e, "forecast_rollup", date(2024, 4, 15), period=Q1,
                   measure=measure).value == value


def test_m30_by_rep_adds_up_and_reproduces(e):
    r = run(e, "forecast_rollup", date(2024, 4, 15), period=Q1, group_by=[Dimension.rep])
    by_rep = {row[0]: dict(zip(r.columns, row, strict=True)) for row in r.rows}
    assert by_rep["Rep A"]["commit_forecast"] == 16250.0  # O1 + O2 won, O7 best case
    assert by_rep["Rep B"]["commit_forecast"] == 4000.0  # O4 commit; O6 pipeline
    assert sum(v["best_case_forecast"] for v in by_rep.values()) == 32250.0
    assert reproduces(e, r)


def test_m30_after_the_quarter_everything_is_closed(e):
    got = row0(run(e, "forecast_rollup", date(2024, 5, 1), period=Q1))
    assert got["closed"] == 20250.0 and got["open_pipeline"] == 0.0  # O6, O7 pushed out


# ---------------------------------------------------------------------------- M32


def test_m32_golden_four_quarters(acc):
    r = run(acc, "forecast_accuracy", date(2024, 1, 20))
    total = row0(r)
    assert round(total["mape"], 4) == 0.1167 and round(total["wape"], 4) == 0.2667
    assert round(total["bias"], 4) == 0.2 and round(r.value, 4) == 0.7333
    assert [row[0] for row in r.rows[1:]] == ["FY2023 Q1", "FY2023 Q2", "FY2023 Q3",
                                              "FY2023 Q4"]
    assert [(row[3], row[4]) for row in r.rows[1:]] == [
        (100000.0, 80000.0), (90000.0, 100000.0), (120000.0, 120000.0), (50000.0, 0.0)]
    assert [w.code for w in r.warnings] == ["ZERO_ACTUAL_EXCLUDED"]
    assert r.period == {"start": "2023-01-01", "end": "2023-12-31",
                        "label": "FY2023 Q1 to FY2023 Q4"}
    assert round(run(acc, "forecast_accuracy", date(2024, 1, 20), measure="bias").value,
                 4) == 0.2
    assert reproduces(acc, r)


def test_m32_golden_dataset_e_single_quarter(e):
    opts = {"lead_days": 74}  # 2024-02-01 + 74 days = the 2024-04-15 snapshot of §3.0
    weighted = run(e, "forecast_accuracy", date(2024, 5, 1), period=Q1, measure="mape",
                   options=opts)
    assert round(weighted.value, 4) == 0.3457
    commit = run(e, "forecast_accuracy", date(2024, 5, 1), period=Q1, measure="mape",
                 options=opts | {"forecast": "commit"})
    assert commit.value == 0.0
    assert reproduces(e, weighted)


def test_m32_by_rep_and_unfinished_quarters(acc):
    r = run(acc, "forecast_accuracy", date(2024, 1, 20), group_by=[Dimension.rep])
    by_rep = {row[0]: dict(zip(r.columns, row, strict=True)) for row in r.rows}
    assert by_rep["Rep X"]["actual_amount"] == 260000.0  # A1 + B1 + C2
    assert by_rep["Rep Y"]["forecast_accuracy"] == 0.0  # floored: WAPE 6.0
    assert r.value is None and reproduces(acc, r)
    fy = PeriodParam(start=date(2023, 1, 1), end=date(2024, 12, 31), label="2023-2024")
    partial = run(acc, "forecast_accuracy", date(2024, 1, 20), period=fy)
    assert "PERIOD_NOT_OVER" in [w.code for w in partial.warnings]
    assert len(partial.rows) == 5  # total + the four quarters of 2023


@pytest.mark.parametrize("options", [{"forecast": "hope"}, {"lead_days": "soon"},
                                     {"lead_time": 14}, {"lead_days": 120}])
def test_m32_rejects_bad_options(acc, options):
    with pytest.raises(ToolInputError):
        run(acc, "forecast_accuracy", date(2024, 1, 20), options=options)


# ---------------------------------------------------------------------------- projection


def test_projection_uses_stage_and_age_rates(proj):
    r = run(proj, "forecast_projection", date(2024, 2, 15), options={"min_sample": 1})
    assert r.value == 68000.0
    total = row0(r)
    assert total["bookings_to_date"] == 10000.0 and total["open_pipeline"] == 125000.0
    bands = {(row[0], row[1]): dict(zip(r.columns, row, strict=True)) for row in r.rows[1:]}
    assert bands[("Proposal", "0-30 days")]["win_rate"] == 0.5
    assert bands[("Negotiation", "31-90 days")]["historical_won"] == 2  # H5 slipped: not won
    assert bands[("Negotiation", "0-30 days")]["rate_source"] == "stage"
    assert bands[("Discovery", "0-30 days")]["rate_source"] == "stage default"
    assert "stage and age band" in r.definition and reproduces(proj, r)


def test_projection_thin_history_falls_back_to_stage_defaults(proj):
    r = run(proj, "forecast_projection", date(2024, 2, 15))
    assert r.value == 71750.0 and "RATE_FALLBACK" in [w.code for w in r.warnings]
    by_rep = run(proj, "forecast_projection", date(2024, 2, 15), group_by=[Dimension.rep],
                 options={"min_sample": 1})
    assert sum(row[1] for row in by_rep.rows) == 68000.0 and reproduces(proj, by_rep)


def test_projection_needs_one_quarter(proj):
    year = PeriodParam(start=date(2024, 1, 1), end=date(2024, 12, 31), label="FY2024")
    with pytest.raises(ToolInputError):
        run(proj, "forecast_projection", date(2024, 2, 15), period=year)
    with pytest.raises(ToolInputError):
        run(proj, "forecast_projection", date(2024, 2, 15), compare="previous_period")
    with pytest.raises(ToolInputError):
        run(proj, "forecast_accuracy", date(2024, 2, 15), time_grain="month")


# ---------------------------------------------------------------------------- end to end


def demo_warehouse(tmp_path_factory) -> Warehouse:
    """The 2,000-deal demo company, generated once per test session for both metric areas."""
    path = tmp_path_factory.getbasetemp() / "forecast_productivity_demo.duckdb"
    if not path.exists():
        with writable(path) as con:
            generate_demo(con, opportunities=2_000, end_date=END)
    return Warehouse(open_analytics(path))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    wh = demo_warehouse(tmp_path_factory)
    yield wh
    wh.con.close()


def answer(wh: Warehouse, question: str, tool: str):
    """Ask through the agent; the parser must pick `tool` and the tool must answer."""
    response = ask(wh, question, as_of=END)
    assert response.status == "answered", response.answer
    assert response.intent.tool == tool and response.result is not None
    return response.result


def _independent_rollup(con, as_of: date, start: date, end: date) -> tuple[float, float]:
    ts = datetime.combine(as_of, time.max)
    closed, commit = con.execute("""
        select sum(amount_corp) filter (where status = 'won'),
               sum(amount_corp) filter (where status = 'open' and forecast_category = 'commit')
        from opps_as_of($ts) where close_date between $s and $e""",
                                 {"ts": ts, "s": start, "e": end}).fetchone()
    return float(closed or 0), float(commit or 0)


def test_e2e_forecast_rollup(demo):
    r = answer(demo, "what's our commit forecast this quarter?", "forecast_rollup")
    closed, commit = _independent_rollup(demo.con, END, date(2026, 11, 1), date(2027, 1, 31))
    assert r.value == pytest.approx(closed + commit)
    assert r.rows[0][r.columns.index("closed")] == pytest.approx(closed)


def test_e2e_forecast_projection(demo):
    r = answer(demo, "where will we land this quarter", "forecast_projection")
    closed, _ = _independent_rollup(demo.con, END, date(2026, 11, 1), date(2027, 1, 31))
    total = dict(zip(r.columns, r.rows[0], strict=True))
    assert total["bookings_to_date"] == pytest.approx(closed)
    assert r.value == pytest.approx(closed + sum(row[8] for row in r.rows[1:]))
    assert closed <= r.value <= closed + total["open_pipeline"]


def test_e2e_forecast_accuracy(demo):
    r = answer(demo, "how accurate was our forecast last quarter", "forecast_accuracy")
    assert r.period["label"] == "FY2027 Q3"
    start, end = date(2026, 8, 1), date(2026, 10, 31)
    snap = datetime.combine(start + timedelta(days=14), time.max)
    forecast = demo.con.execute("""
        select sum(amount_corp) filter (where status = 'won')
             + sum(amount_corp * coalesce(probability, stage_probability)) filter (
                 where status = 'open' and coalesce(forecast_category, 'pipeline') <> 'omitted')
        from opps_as_of($ts) where close_date between $s and $e""",
                                {"ts": snap, "s": start, "e": end}).fetchone()[0]
    actual, _ = _independent_rollup(demo.con, end, start, end)
    assert r.value == pytest.approx(max(0.0, 1 - abs(actual - float(forecast)) / actual))


@pytest.mark.parametrize("tool", ["forecast_rollup", "forecast_projection", "forecast_accuracy"])
def test_demo_sql_reproduces_rows_by_team(demo, tool):
    ctx = context(demo.con, END)
    params = MetricParams(group_by=[Dimension.team],
                          filters=[Filter(dimension=Dimension.region, values=["EMEA"])])
    r = TOOLS[tool].run(ctx, params)
    assert r.rows and reproduces(demo.con, r)
    assert {row[0] for row in r.rows} <= {"EMEA Enterprise", "EMEA Commercial"}
