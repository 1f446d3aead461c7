"""Funnel metrics: lead conversion (M50), speed to lead (M51), marketing-sourced pipeline (M52).

Golden vectors of METRICS §5.2 on tests/fixtures/funnel_golden.sql; the demo company end to
end through the agent, checked against independent SQL.
"""

from __future__ import annotations

import re
import statistics
from datetime import date

import pytest

from agent.scope import decide
from tests.helpers import context, fixture_db
from tests.metrics_demo import END, answered, demo_warehouse, one, reproduces
from tests.parser_cases_funnel import CASES
from tools.base import Dimension, MetricParams, PeriodParam, ToolContext, ToolInputError
from tools.fiscal import Period
from tools.metrics.funnel import (
    campaign_sourced_value,
    lead_conversion_value,
    speed_to_lead_value,
)
from tools.registry import TOOLS, run_tool

JAN = PeriodParam(start=date(2024, 1, 1), end=date(2024, 1, 31), label="January 2024")
MAR = PeriodParam(start=date(2024, 3, 1), end=date(2024, 3, 31), label="March 2024")
Q3 = Period(date(2026, 8, 1), date(2026, 10, 31), "FY2027 Q3")
FY27 = Period(date(2026, 2, 1), date(2027, 1, 31), "FY2027")


@pytest.fixture(scope="module")
def golden():
    con = fixture_db("funnel_golden")
    yield con
    con.close()


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    warehouse = demo_warehouse(tmp_path_factory)
    yield warehouse
    warehouse.con.close()


def run(con, tool, as_of=date(2024, 6, 30), **params):
    return run_tool(context(con, as_of), tool, MetricParams(**params))


def col(result, name, row=0):
    return result.rows[row][result.columns.index(name)]


# --- M50 lead conversion ------------------------------------------------------------------------

def test_m50_golden(golden):
    r = run(golden, "lead_conversion", period=JAN)
    assert round(r.value, 4) == 0.1538 and r.unit == "ratio" and r.n_records == 195
    assert (col(r, "converted_to_opp"), col(r, "converted_no_opp")) == (30, 10)
    assert col(r, "duplicates_removed") == 5 and not r.warnings
    assert "M50" in r.definition and "window_days" in r.definition


def test_m50_window_option_and_immature_cohort(golden):
    wider = run(golden, "lead_conversion", period=JAN, options={"window_days": 150})
    assert col(wider, "converted_to_opp") == 31  # the lead converted after 120 days
    early = run(golden, "lead_conversion", as_of=date(2024, 1, 22), period=JAN)
    assert [(w.code, w.message) for w in early.warnings] == [("IMMATURE_COHORT", (
        f"{col(early, 'immature_leads'):,} leads were created less than 90 days before "
        "2024-01-22; they may still convert, so the rate can rise."))]
    assert col(early, "converted_to_opp") == 9  # conversions after the as-of day do not count
    with pytest.raises(ToolInputError):
        run(golden, "lead_conversion", period=JAN, options={"window": 30})


def test_m50_no_leads_is_null_not_zero(golden):
    r = run(golden, "lead_conversion", period=MAR, measure="mql_to_sql")
    assert r.value is None and r.null_reason == "NO_DATA" and r.warnings[0].code == "NO_DATA"


def test_m50_breakdown_by_campaign_and_source(golden):
    r = run(golden, "lead_conversion", period=JAN, group_by=[Dimension.campaign])
    by = {row[0]: row for row in r.rows}
    assert set(by) == {"Webinar Jan", "(none)"} and r.n_records == 195
    assert sum(row[r.columns.index("converted_to_opp")] for row in r.rows) == 30


# --- M51 speed to lead --------------------------------------------------------------------------

def test_m51_golden(golden):
    r = run(golden, "speed_to_lead", period=MAR)
    assert r.value == 45 and col(r, "median_responded_minutes") == 28.5
    assert [col(r, f"within_{m}_min_share") for m in (5, 15, 60)] == [0.2, 0.4, 0.6]
    assert (col(r, "over_60_min_share"), col(r, "never_share")) == (0.2, 0.2)
    assert col(r, "connected_share") == 0.4 and col(r, "leads") == 5
    assert run(golden, "speed_to_lead", period=MAR, measure="within_sla").value == 0.4
    assert run(golden, "speed_to_lead", period=MAR, measure="within_sla",
               options={"sla_minutes": 60}).value == 0.6


def test_m51_median_is_null_when_most_leads_are_never_touched(golden):
    r = run(golden, "speed_to_lead", period=MAR, options={"max_wait_days": 0})
    # with no wait at all, only touches at the very minute of creation would count
    assert r.value is None and r.null_reason == "MOSTLY_CENSORED"
    pending = run(golden, "speed_to_lead", as_of=date(2024, 3, 5), period=MAR)
    assert col(pending, "pending_leads") == 1 and pending.warnings[0].code == "PENDING_LEADS"
    assert pending.warnings[0].message == ("1 leads created within 7 days of 2024-03-05 have no "
                                           "touch yet; they are left out until their wait ends.")


# --- every tool: reported SQL reproduces the rows ----------------------------------------------

@pytest.mark.parametrize("tool", ["lead_conversion", "speed_to_lead", "campaign_sourced"])
@pytest.mark.parametrize("params", [
    {}, {"group_by": [Dimension.lead_source]}, {"time_grain": "quarter"},
    {"compare": "previous_period", "group_by": [Dimension.team]},
    {"group_by": [Dimension.campaign], "top": 3, "order": "asc"},
    {"filters": [{"dimension": "lead_source", "values": ["Inbound"]}], "time_grain": "month"},
])
def test_sql_reproduces_rows(wh, tool, params):
    ctx = ToolContext(con=wh.con, settings=wh.settings, as_of=END)
    r = run_tool(ctx, tool, MetricParams(**params))
    assert r.rows and reproduces(wh.con, r.sql, r.rows)
    assert re.search(r"\$[A-Za-z_]", r.sql) is None  # every parameter rendered as a literal


def test_tools_are_registered_with_honest_dimensions():
    assert TOOLS["lead_conversion"].group_by == TOOLS["speed_to_lead"].group_by
    assert Dimension.campaign in TOOLS["lead_conversion"].group_by
    assert Dimension.product not in TOOLS["lead_conversion"].group_by
    assert Dimension.product in TOOLS["campaign_sourced"].group_by


def test_scorecard_functions(wh):
    ctx = ToolContext(con=wh.con, settings=wh.settings, as_of=END)
    assert 0 < lead_conversion_value(ctx, Q3).value < 1
    assert speed_to_lead_value(ctx, Q3).metric == "speed_to_lead"
    assert campaign_sourced_value(ctx, Q3).value > 0


# --- end to end through the agent ---------------------------------------------------------------

def test_e2e_lead_conversion_last_quarter(wh):
    r = answered(wh, "What's our lead to opportunity conversion rate last quarter?",
                 "lead_conversion").result
    expected = one(wh.con, """
        with c as (select *, row_number() over (partition by lower(trim(email))
                                                order by created_at, lead_id) as n
                   from leads where cast(created_at as date) between $s and $e)
        select count(*) filter (where converted_opportunity_id is not null
                                  and converted_at <= created_at + interval 90 day)
               / count(*)
        from c where n = 1""", s=Q3.start, e=Q3.end)
    assert r.value == expected and r.period["label"] == "FY2027 Q3"


def test_e2e_speed_to_lead_this_year(wh):
    r = answered(wh, "how fast did we respond to leads this year", "speed_to_lead").result
    minutes = [m for (m,) in wh.con.execute("""
        select min(date_diff('millisecond', l.created_at, a.occurred_at)) / 60000.0
        from leads l join activities a
          on a.lead_id = l.lead_id or a.contact_id = l.converted_contact_id
        join users u on u.user_id = a.owner_id and u.is_human
        where cast(l.created_at as date) between $s and $e and a.occurred_at >= l.created_at
          and a.occurred_at <= l.created_at + interval 7 day and a.is_completed
          and not a.is_automated and (a.activity_type = 'meeting'
               or (a.activity_type in ('call', 'email') and a.direction = 'outbound'))
        group by l.lead_id""", {"s": FY27.start, "e": FY27.end}).fetchall()]
    assert r.rows[0][r.columns.index("median_responded_minutes")] == round(
        statistics.median(minutes), 6)
    assert r.columns[0] == "median_response_minutes" and r.unit == "count"


def test_e2e_campaigns_that_sourced_the_most_pipeline(wh):
    r = answered(wh, "which campaigns sourced the most pipeline this year",
                 "campaign_sourced").result
    top = wh.con.execute("""
        select campaign, sum(amount_corp) from v_opps
        where campaign_id is not null and created_date between $s and $e
        group by campaign order by 2 desc, campaign limit 1""",
                         {"s": FY27.start, "e": FY27.end}).fetchone()
    named = [row for row in r.rows if row[0] != "(none)"]
    assert named[0][0] == top[0] and named[0][1] == round(float(top[1]), 4)
    assert r.columns[:2] == ["campaign", "sourced_pipeline"] and len(r.rows) == 5


@pytest.mark.parametrize("question", [q for q, _, _ in CASES])
def test_analysis_questions_stay_in_scope(question):
    assert decide(question).action == "allow", decide(question)
