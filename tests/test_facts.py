"""opp_facts: same rows as the live view, used only while current, rebuilt by writers."""

from __future__ import annotations

from datetime import date

import pytest

from agent.context import Warehouse
from tests.helpers import FIXTURES
from tools.base import Dimension, MetricParams, ToolContext
from tools.registry import run_tool
from tools.warehouse import connect, facts_current, load_settings, writable

AS_OF = date(2026, 11, 26)


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "w.duckdb"
    with writable(path) as con:
        con.execute((FIXTURES / "parser_world.sql").read_text())
    return path


def rows(con, sql):
    return sorted(con.execute(sql).fetchall(), key=repr)


def test_writers_leave_current_facts_equal_to_the_live_view(world):
    con = connect(world, read_only=True)
    assert facts_current(con) and Warehouse(con).facts
    assert rows(con, "select * from opp_facts") == rows(con, "select * from v_opps")
    assert con.execute("select count(*) from opp_facts").fetchall() == [(8,)]
    assert rows(con, "select * from entity_values") == rows(con, "select * from v_entity_values")


@pytest.mark.parametrize("tool", ["bookings", "win_rate", "open_pipeline", "leaderboard",
                                  "quota_attainment", "pipeline_coverage"])
def test_tools_answer_the_same_from_facts_and_live_view(world, tool):
    con = connect(world, read_only=True)
    settings = load_settings(con)
    params = MetricParams(group_by=[Dimension.rep])
    on = run_tool(ToolContext(con=con, settings=settings, as_of=AS_OF, facts=True), tool, params)
    off = run_tool(ToolContext(con=con, settings=settings, as_of=AS_OF), tool, params)
    assert "opp_facts" in on.sql and "v_opps" in off.sql
    assert on.rows == off.rows


@pytest.mark.parametrize("change", [
    "insert into opportunities (opportunity_id, owner_id, pipeline_id, stage_name, amount) "
    "values ('NEW', 'R1', 'default', 'Closed Won', 1)",
    "update teams set name = 'Renamed' where team_id = 'TM1'",
    "update products set name = 'Core' where product_id = 'P1'",
    "insert into fx_rates values ('EUR', DATE '2020-01-01', NULL, 0.9)",
    "update company_settings set value = 'EUR' where key = 'corporate_currency'",
])
def test_any_change_outside_a_writer_makes_readers_use_the_live_view(world, change):
    con = connect(world)
    con.execute(change)
    con.close()
    ro = connect(world, read_only=True)
    assert not facts_current(ro) and not Warehouse(ro).facts
    ro.close()
    with writable(world):
        pass
    assert facts_current(connect(world, read_only=True))
