"""Golden vectors of reference/METRICS.md §5.2 on example dataset E (§3.0)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import context, fixture_db
from tools.base import Dimension, MetricParams, PeriodParam
from tools.registry import run_tool

Q1 = PeriodParam(start=date(2024, 2, 1), end=date(2024, 4, 30), label="FY2025 Q1")


@pytest.fixture(scope="module")
def e():
    con = fixture_db("dataset_e")
    yield con
    con.close()


def run(con, tool, as_of, **params):
    return run_tool(context(con, as_of), tool, MetricParams(period=Q1, **params))


def test_m01_m02_bookings(e):
    r = run(e, "bookings", date(2024, 5, 1))
    assert r.value == 20250.0 and r.rows[0][1] == 3 and r.n_records == 3
    assert run(e, "bookings", date(2024, 5, 1), measure="count").value == 3


def test_m03_deal_size(e):
    assert run(e, "avg_deal_size", date(2024, 5, 1)).value == 6750.0
    assert run(e, "avg_deal_size", date(2024, 5, 1), measure="median").value == 6250.0


def test_m04_m05_win_rate(e):
    assert run(e, "win_rate", date(2024, 5, 1)).value == 0.75
    assert round(run(e, "win_rate", date(2024, 5, 1), measure="value").value, 4) == 0.7168


def test_m06_sales_cycle(e):
    assert round(run(e, "sales_cycle", date(2024, 5, 1)).value, 4) == 45.3333
    assert run(e, "sales_cycle", date(2024, 5, 1), measure="median").value == 41


def test_m20_m21_open_and_weighted_pipeline(e):
    r = run(e, "open_pipeline", date(2024, 4, 15))
    assert r.value == 31000.0 and r.n_records == 3
    assert run(e, "weighted_pipeline", date(2024, 4, 15)).value == 11000.0


def test_open_pipeline_compared_at_the_same_point_of_the_previous_quarter(e):
    """A balance compared with the quarter before is that quarter's pipeline as it stood at
    the same point (90 days earlier: 2024-04-15, the M20 vector), never today's deals with a
    close date back then (which are closed by now)."""
    q2 = PeriodParam(start=date(2024, 5, 1), end=date(2024, 7, 31), label="FY2025 Q2")
    r = run_tool(context(e, date(2024, 7, 14)), "open_pipeline",
                 MetricParams(period=q2, compare="previous_period"))
    assert r.rows[0][r.columns.index("open_pipeline_previous")] == 31000.0
    assert r.value == run_tool(context(e, date(2024, 7, 14)), "open_pipeline",
                               MetricParams(period=q2)).value
    assert any(w.code == "STOCK_COMPARED" and "2024-04-15" in w.message for w in r.warnings)
    from tools.query import plain

    assert [[plain(v) for v in row] for row in e.execute(r.sql).fetchall()] == r.rows


def test_m22_coverage_team(e):
    r = run(e, "pipeline_coverage", date(2024, 4, 15), group_by=[Dimension.team])
    assert r.columns[:2] == ["team", "coverage"]
    assert round(r.rows[0][1], 4) == 3.5429
    assert round(run(e, "pipeline_coverage", date(2024, 4, 15)).value, 4) == 3.5429


def test_m40_attainment(e):
    r = run(e, "quota_attainment", date(2024, 5, 1), group_by=[Dimension.rep])
    by_rep = {row[0]: row[r.columns.index("attainment")] for row in r.rows}
    assert round(by_rep["Rep A"], 4) == 1.0833 and round(by_rep["Rep B"], 4) == 0.4
    team = run(e, "quota_attainment", date(2024, 5, 1), group_by=[Dimension.team])
    assert round(team.rows[0][team.columns.index("attainment")], 4) == 0.81
    overall = run(e, "quota_attainment", date(2024, 5, 1))
    assert round(overall.value, 4) == 0.81
    assert overall.rows[0][overall.columns.index("reps_at_or_above")] == 1


def test_m40_prorated_quota(warehouse):
    warehouse.execute("""
        insert into company_settings values ('fiscal_year_start_month', '2');
        insert into users (user_id, full_name) values ('R', 'Rep R');
        insert into opportunity_stages values
          ('default', 'Won', 'Won', 1, 1, true, true, 'closed', true);
        insert into opportunities (opportunity_id, owner_id, pipeline_id, stage_name, amount,
          close_date, created_at) values ('X', 'R', 'default', 'Won', 8000, DATE '2024-03-10',
          TIMESTAMP '2024-03-01 00:00:00');
        insert into quotas (quota_id, owner_type, owner_id, period_start, period_end,
          quota_amount) values ('q', 'user', 'R', DATE '2024-02-01', DATE '2024-04-30', 30000);
    """)
    march = PeriodParam(start=date(2024, 3, 1), end=date(2024, 3, 31), label="2024-03")
    r = run_tool(context(warehouse, date(2024, 4, 1)), "quota_attainment",
                 MetricParams(period=march))
    assert round(r.rows[0][r.columns.index("quota")], 2) == 10333.33
    assert round(r.value, 4) == 0.7742


def test_as_of_reconstruction_sees_o4_open_on_april_15(e):
    r = run(e, "bookings", date(2024, 4, 15))
    assert r.value == 16250.0  # O1 + O2; O4 was still in Negotiation


@pytest.mark.parametrize("tool", ["bookings", "win_rate", "avg_deal_size", "sales_cycle",
                                  "open_pipeline", "weighted_pipeline", "leaderboard",
                                  "opportunity_count", "quota_attainment",
                                  "pipeline_coverage"])
@pytest.mark.parametrize("as_of", [date(2024, 4, 15), date(2024, 7, 1)])
def test_reported_sql_reproduces_rows(e, tool, as_of):
    """Every number can be recomputed by pasting the reported SQL into DuckDB."""
    r = run(e, tool, as_of, group_by=[Dimension.rep])
    from tools.query import plain

    pasted = [[plain(v) for v in row] for row in e.execute(r.sql).fetchall()]
    assert pasted == r.rows
    if as_of == date(2024, 4, 15):  # every tool has data in FY2025 Q1 at this date
        assert r.rows
