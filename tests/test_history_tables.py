"""The history tables materialized with opp_facts (opp_history_spans: each deal's state per span
with its running risk counters; opp_stage_visits: every visit with its regression so far;
opp_won_stage_days: the stage benchmark of the won deals over the whole history;
opp_open_now: the open deals' last span and visit) give
the tools exactly the answers they compute from the history itself, for any as-of date,
filter and split (tests/test_snapshots.py compares the relations row by row)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agent.context import Warehouse
from tests.metrics_demo import END, demo_warehouse
from tools.base import Dimension, Filter, MetricParams, PeriodParam, ToolContext
from tools.registry import run_tool

LIVE = {"opp_history_spans": False, "opp_stage_visits": False, "opp_won_stage_days": False,
        "opp_open_now": False}
"""A memo saying the tables are not current: the tools walk the history instead."""


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return demo_warehouse(tmp_path_factory)


def _both(wh: Warehouse, tool: str, params: MetricParams, as_of: date) -> tuple:
    con = wh.cursor()
    kept_ctx = ToolContext(con=con, settings=wh.settings, as_of=as_of, facts=True, memo={})
    live_ctx = ToolContext(con=con, settings=wh.settings, as_of=as_of, facts=True,
                           memo=dict(LIVE))
    return run_tool(kept_ctx, tool, params), run_tool(live_ctx, tool, params)


def _region(wh: Warehouse) -> str:
    row = wh.cursor().execute("select min(region) from opp_facts").fetchone()
    assert row is not None and row[0]
    return row[0]


def _cases(wh: Warehouse) -> list[tuple[str, MetricParams]]:
    region = Filter(dimension=Dimension.region, values=[_region(wh)])
    previous = PeriodParam(start=date(2026, 8, 1), end=date(2026, 10, 31), label="FY2027 Q3")
    return [
        ("forecast_projection", MetricParams()),
        ("forecast_projection", MetricParams(filters=[region])),
        ("forecast_projection", MetricParams(group_by=[Dimension.stage])),
        ("forecast_projection", MetricParams(
            filters=[Filter(dimension=Dimension.stage, values=["Negotiation"])])),
        ("pipeline_movement", MetricParams()),
        ("pipeline_movement", MetricParams(filters=[region], group_by=[Dimension.team])),
        ("pipeline_movement", MetricParams(group_by=[Dimension.opportunity], top=25)),
        ("pipeline_movement", MetricParams(period=previous)),
        ("deal_risk", MetricParams(group_by=[Dimension.opportunity], top=40)),
        ("deal_risk", MetricParams(group_by=[Dimension.rep])),
        ("deal_risk", MetricParams(period=previous, filters=[region])),
    ]


@pytest.mark.parametrize("days_back", [0, 75, 200])
def test_tools_answer_the_same_from_the_history_tables_and_the_history(wh, days_back):
    as_of = END - timedelta(days=days_back)
    for tool, params in _cases(wh):
        if tool == "pipeline_movement" and params.period is not None \
                and params.period.start > as_of:
            continue
        kept, live = _both(wh, tool, params, as_of)
        assert "opp_history_spans" in kept.sql or "opp_stage_visits" in kept.sql \
            or "opp_open_now" in kept.sql \
            or tool == "pipeline_movement" and "opp_facts" in kept.sql, (tool, params)
        assert "opp_history_spans" not in live.sql and "opp_stage_visits" not in live.sql
        if tool == "deal_risk":  # the stage benchmark kept at load: the current deals only
            assert ("opp_won_stage_days" in kept.sql) == (days_back == 0), (params, days_back)
            # the open deals' last span and visit: once none of them changed after the as-of
            assert ("opp_open_now" in kept.sql) == (days_back == 0), (params, days_back)
        assert kept.rows, (tool, params, as_of)  # something was compared
        assert (kept.columns, kept.rows) == (live.columns, live.rows), (tool, params, as_of)
        assert (kept.n_records, kept.value) == (live.n_records, live.value)
        assert kept.warnings == live.warnings


def test_the_counters_matter_on_the_demo(wh):
    """The compared answers exercise what the tables carry: pushed, cut and regressed deals,
    and past states that differ from the current ones."""
    con = wh.cursor()
    row = con.execute(
        "select count(*) filter (where pushes >= 2), count(*) filter (where max_amount > amount),"
        " count(*) filter (where not history_missing and status <> 'open') "
        "from opp_history_spans where valid_to = 'infinity'").fetchone()
    assert row is not None and all(n > 0 for n in row), row
    regressed = con.execute("select count(*) from opp_stage_visits where regressed").fetchone()
    assert regressed is not None and regressed[0] > 0


def test_deal_risk_from_the_open_deals_table_within_a_reps_scope_and_filters(wh):
    """The dashboard's riskiest deals (as of the data's end: opp_open_now) for a rep, a team
    and a region, against the history walked live."""
    from tests.service_server import TOKENS
    from tools.access import row_scope

    con = wh.cursor()
    team = con.execute("select min(team) from opp_facts").fetchone()[0]
    rep = TOKENS["rep"][1].requester()
    cases = [(None, MetricParams(group_by=[Dimension.opportunity], top=10)),
             (None, MetricParams(group_by=[Dimension.opportunity], top=10, filters=[
                 Filter(dimension=Dimension.team, values=[team])])),
             (None, MetricParams(filters=[Filter(dimension=Dimension.region,
                                                 values=[_region(wh)])])),
             (rep, MetricParams(group_by=[Dimension.opportunity], top=10)),
             (rep, MetricParams())]
    for who, params in cases:
        answers = []
        for memo in ({}, {"opp_open_now": False}, dict(LIVE)):
            ctx = ToolContext(con=con, settings=wh.settings, as_of=END, facts=True, memo=memo,
                              scope=row_scope(who, con))
            answers.append(run_tool(ctx, "deal_risk", params))
        new, kept, live = answers
        assert "opp_open_now" in new.sql and "opp_open_now" not in kept.sql + live.sql
        assert new.rows and new.n_records > 0, params
        for other in (kept, live):
            assert (new.columns, new.rows, new.n_records, new.value) == \
                   (other.columns, other.rows, other.n_records, other.value), (who, params)
