"""A filter value is never dropped: unknown values are asked about with did-you-mean options,
code-like values are refused; through the graph and through a direct tool call."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from agent.ask import ask
from agent.context import Warehouse
from tests.helpers import fixture_db
from tools.base import Dimension, Filter, MetricParams, ToolContext
from tools.codelike import code_reason
from tools.registry import run_tool
from tools.values import UnknownFilterValue

AS_OF = date(2026, 11, 26)
CODE = ["<script>alert(1)</script>", "'; select 1; --", "{{x}}", "../../etc/passwd",
        "${jndi:ldap://x}", "<img src=x onerror=alert(1)>", "x' or '1'='1", "C:\\Windows\\x",
        "{% include 'x' %}", "a\x00b"]


@pytest.fixture(scope="module")
def wh():
    con = fixture_db("parser_world")
    yield Warehouse(con)
    con.close()


def _ctx(wh: Warehouse) -> ToolContext:
    return ToolContext(con=wh.cursor(), settings=wh.settings, as_of=AS_OF, facts=wh.facts,
                       memo=wh.memo)


@pytest.mark.parametrize("value", CODE)
def test_code_like_values_are_refused_when_params_are_built(value):
    with pytest.raises(ValidationError, match="looks like .*refused"):
        MetricParams(filters=[Filter(dimension=Dimension.team, values=[value])])


@pytest.mark.parametrize("value", ["O'Brien Holdings", "Mid-Market", "R&D Tools (EU)",
                                   "3M", "AT&T / Wireless", "50% Partners"])
def test_names_with_punctuation_are_not_code(value):
    assert code_reason(value) is None


@pytest.mark.parametrize("question", [
    "bookings for team <script>alert(1)</script>", "bookings for rep '; select 1; --",
    "win rate for team {{x}}", "pipeline for region ../../etc/passwd"])
def test_graph_refuses_code_in_a_question_with_the_reason(wh, question):
    r = ask(wh, question, as_of=AS_OF)
    assert r.status == "refused" and r.result is None and r.intent.tool is None
    assert "not a name in your data" in r.answer or "read-only" in r.answer


def test_graph_asks_back_about_an_unknown_team_with_its_closest_teams(wh):
    r = ask(wh, "bookings for team Enterprize Est this year", as_of=AS_OF)
    assert r.status == "needs_clarification" and r.result is None
    assert "Enterprise East (team)" in r.clarification.options


def test_graph_never_drops_an_unknown_named_value(wh):
    r = ask(wh, "win rate for the Zorgon team", as_of=AS_OF)
    assert r.status == "needs_clarification" and "zorgon" in r.answer
    assert r.clarification.options and all("(team)" in o for o in r.clarification.options)


def test_a_direct_tool_call_with_an_unknown_value_asks_with_options(wh):
    params = MetricParams(filters=[Filter(dimension=Dimension.team, values=["Enterprize East"])])
    with pytest.raises(UnknownFilterValue) as caught:
        run_tool(_ctx(wh), "bookings", params)
    assert "no team 'Enterprize East'" in str(caught.value)
    assert caught.value.options[0] == "Enterprise East (team)"


def test_a_direct_tool_call_with_known_values_runs(wh):
    params = MetricParams(filters=[Filter(dimension=Dimension.team,
                                          values=["Enterprise East", "Commercial"])])
    assert run_tool(_ctx(wh), "bookings", params).value is not None
    excluded = MetricParams(filters=[Filter(dimension=Dimension.region, values=["Atlantis"],
                                            exclude=True)])
    with pytest.raises(UnknownFilterValue):
        run_tool(_ctx(wh), "bookings", excluded)


def test_mcp_tool_call_reports_the_unknown_value(wh):
    from protocols.mcp_server import call_metric_tool

    result = call_metric_tool(wh, "win_rate",
                              {"filters": [{"dimension": "region", "values": ["EMEAA"]}]},
                              today=AS_OF)
    assert result.is_error and "no region 'EMEAA'" in result.content[0].text
    code = call_metric_tool(wh, "win_rate",
                            {"filters": [{"dimension": "region", "values": ["{{x}}"]}]},
                            today=AS_OF)
    assert code.is_error and "template" in code.content[0].text
