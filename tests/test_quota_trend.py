"""Quota attainment by fiscal bucket in one statement (the dashboard's bookings by month against
quota): each bucket's row is the run for that bucket alone, field for field, with filters, a
split, a rep's scope, buckets cut by the period and buckets without data."""

from __future__ import annotations

from datetime import date

import pytest

from tests.metrics_demo import END, demo_warehouse
from tests.service_server import TOKENS
from tools.access import row_scope
from tools.base import Dimension, Filter, MetricParams, MetricResult, PeriodParam, ToolContext
from tools.fiscal import Period
from tools.metrics.quota.attainment import buckets_of
from tools.registry import run_tool


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


def _ctx(wh, requester=None) -> ToolContext:
    con = wh.cursor()
    return ToolContext(con=con, settings=wh.settings, as_of=END, facts=wh.facts,
                       scope=row_scope(requester, con))


def _rows(r: MetricResult, keys: list[str]) -> dict[tuple, dict]:
    return {tuple(row[r.columns.index(k)] for k in keys): dict(zip(r.columns, row, strict=True))
            for row in r.rows}


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], float) and isinstance(b[k], float):
            assert a[k] == pytest.approx(b[k], rel=1e-9, abs=1e-6), k
        else:
            assert a[k] == b[k], k


def _check(wh, period: Period, grain: str, requester=None, **params) -> MetricResult:
    """The trend against one run per bucket; returns the trend."""
    ctx = _ctx(wh, requester)
    trend = run_tool(ctx, "quota_attainment", MetricParams(
        period=PeriodParam.of(period), time_grain=grain, **params))
    dims = [d.value for d in params.get("group_by", [])]
    buckets = buckets_of(ctx, period, grain)
    assert [row[0] for row in trend.rows if not dims] == ([b.label for b in buckets]
                                                          if not dims else [])
    got = _rows(trend, [grain, *dims])
    n, missing = 0, set()
    for b in buckets:
        alone = run_tool(ctx, "quota_attainment", MetricParams(period=PeriodParam.of(b),
                                                               **params))
        n += alone.n_records
        missing |= {w.message for w in alone.warnings if w.code == "MISSING_QUOTA"}
        expected = _rows(alone, dims) if dims else {(): dict(zip(alone.columns, alone.rows[0],
                                                                 strict=True))}
        for key, row in expected.items():
            _same({grain: b.label, **row}, got.pop((b.label, *key)))
    assert not got  # no row the runs do not have
    assert trend.n_records == n
    assert {w.message for w in trend.warnings if w.code == "MISSING_QUOTA"} == missing
    return trend


FY = Period(date(2026, 2, 1), date(2026, 11, 30), "FY2027 to November")


def test_each_month_is_its_own_run(wh):
    trend = _check(wh, FY, "month")
    assert len(trend.rows) == 10 and trend.value is None
    assert trend.columns[:4] == ["month", "bookings", "quota", "attainment"]
    assert any(row[1] for row in trend.rows)  # there are bookings to compare


def test_filters_a_split_and_a_reps_scope(wh):
    region = wh.cursor().execute("select min(region) from opp_facts").fetchone()[0]
    team = wh.cursor().execute("select min(team) from opp_facts").fetchone()[0]
    _check(wh, FY, "month", filters=[Filter(dimension=Dimension.region, values=[region])])
    _check(wh, FY, "month", filters=[Filter(dimension=Dimension.team, values=[team])])
    split = _check(wh, FY, "quarter", group_by=[Dimension.team])
    assert len({row[1] for row in split.rows}) > 1
    mine = _check(wh, FY, "month", requester=TOKENS["rep"][1].requester())
    everyone = _check(wh, FY, "month")
    assert [r[1] for r in mine.rows] != [r[1] for r in everyone.rows]


def test_buckets_cut_by_the_period_and_buckets_without_data(wh):
    cut = Period(date(2026, 2, 15), date(2026, 4, 10), "mid-February to April 10")
    assert [(b.start, b.end) for b in buckets_of(_ctx(wh), cut, "month")] == [
        (date(2026, 2, 15), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 10))]
    _check(wh, cut, "month")
    empty = _check(wh, Period(date(2015, 2, 1), date(2015, 4, 30), "FY2016 Q1"), "month")
    assert [row[1:4] for row in empty.rows] == [[None, None, None]] * 3
    assert len([w for w in empty.warnings if w.code == "MISSING_QUOTA"]) == 3
