"""The salesforce and hubspot presets on small hand-written exports."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tools.importer import load_mapping, preset_names, run_import

SF_OPPORTUNITY = """\
Id,Name,AccountId,OwnerId,StageName,Amount,Probability,CloseDate,CreatedDate,Type,\
ForecastCategoryName,IsClosed,IsWon,LeadSource,IsDeleted,Region__c
0061,Big deal,0011,0051,Closed Won,12000,100,2024-03-31,2024-01-05T09:30:00.000Z,\
New Customer,Closed,true,true,Web,false,EMEA
0062,Upsell,0011,0052,Negotiation,5000.5,75,2024-06-30,2024-02-10T12:00:00.000+0000,\
Existing Customer - Upgrade,Commit,false,false,Partner,false,EMEA
0063,Lost one,0012,0052,Closed Lost,800,0,2024-04-15,2024-02-11T08:00:00.000Z,\
Existing Customer - Downgrade,Omitted,true,false,,false,AMER
0064,No type,0012,0051,Prospecting,,10,2024-09-30,2024-03-01T00:00:00.000Z,,Pipeline,\
false,false,,false,
"""
SF_USER = "Id,Name,Email,IsActive,UserType\n0051,Ann Lee,ann@x.io,true,Standard\n" \
          "0052,Bob Stone,bob@x.io,false,Standard\n0053,Integration,i@x.io,true,AutomatedProcess\n"
SF_ACCOUNT = "Id,Name,Industry,AnnualRevenue,OwnerId,ParentId\n0011,Acme,Retail,1000000,0051,\n" \
             "0012,Beta,Tech,,Bob Stone,0011\n"
SF_STAGES = """\
ApiName,MasterLabel,SortOrder,DefaultProbability,IsClosed,IsWon,ForecastCategoryName,IsActive
Prospecting,Prospecting,1,10,false,false,Pipeline,true
Negotiation,Negotiation/Review,2,75,false,false,Best Case,true
Closed Won,Closed Won,3,100,true,true,Closed,true
Closed Lost,Closed Lost,4,0,true,false,Omitted,true
"""

HS_DEALS = """\
hs_object_id,dealname,pipeline,dealstage,amount,closedate,createdate,hs_deal_stage_probability,\
hs_is_closed,hs_is_closed_won,dealtype,hubspot_owner_id,hs_manual_forecast_category,\
hs_forecast_category,associatedcompanyid,hs_custom_score
101,Alpha,default,closedwon,1500,2024-02-01T00:00:00Z,2024-01-01T10:00:00Z,1.0,true,true,\
newbusiness,11,,CLOSED,501,7
102,Beta,default,contractsent,2500.75,2024-05-15T00:00:00Z,2024-02-01T10:00:00Z,0.9,false,\
false,existingbusiness,12,COMMIT,BEST_CASE,502;501,3
103,Gamma,default,closedlost,900,2024-03-10T00:00:00Z,2024-01-20T10:00:00Z,0.0,true,false,,\
12,,OMIT,,1
104,Delta,renewals,appointmentscheduled,400,2024-07-01T00:00:00Z,2024-03-05T10:00:00Z,0.2,\
false,false,newbusiness,99,,PIPELINE,503,
"""
HS_OWNERS = "id,email,firstName,lastName,archived\n11,ann@x.io,Ann,Lee,false\n" \
            "12,bob@x.io,Bob,Stone,true\n"
HS_COMPANIES = "hs_object_id,name,domain,industry,annualrevenue,country,hubspot_owner_id\n" \
               "501,Acme,acme.io,RETAIL,1000000,France,11\n502,Beta,beta.io,TECH,,Spain,12\n"


def export(tmp_path: Path, files: dict[str, str]) -> Path:
    source = tmp_path / "export"
    source.mkdir()
    for name, text in files.items():
        (source / name).write_text(text)
    return source


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_presets_are_listed_and_valid() -> None:
    assert preset_names() == ["hubspot", "salesforce"]
    for name in preset_names():
        assert load_mapping(name).name == name


def test_salesforce_preset(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    source = export(tmp_path, {"Opportunity.csv": SF_OPPORTUNITY, "User.csv": SF_USER,
                               "Account.csv": SF_ACCOUNT})
    summary = run_import(warehouse, "salesforce", source)
    assert summary.rejected == 0
    assert summary.table("opportunities").loaded == 4
    # where the time went, phase by phase, adding up to (almost) the whole import
    assert list(summary.phases) == ["read", "load", "checks", "opp_facts", "commit",
                                   "dq_check"]
    assert 0 < sum(summary.phases.values()) <= summary.elapsed_seconds + 0.01
    assert rows(warehouse, "select opportunity_id, stage_name, probability, amount, "
                           "forecast_category, deal_type, type_raw, close_date, created_at, "
                           "source_system from opportunities order by 1") == [
        ("0061", "Closed Won", Decimal("1.0000"), Decimal("12000.0000"), "closed",
         "new_business", "New Customer", date(2024, 3, 31), datetime(2024, 1, 5, 9, 30),
         "salesforce"),
        ("0062", "Negotiation", Decimal("0.7500"), Decimal("5000.5000"), "commit", "expansion",
         "Existing Customer - Upgrade", date(2024, 6, 30), datetime(2024, 2, 10, 12, 0),
         "salesforce"),
        ("0063", "Closed Lost", Decimal("0.0000"), Decimal("800.0000"), "omitted",
         "contraction", "Existing Customer - Downgrade", date(2024, 4, 15),
         datetime(2024, 2, 11, 8, 0), "salesforce"),
        ("0064", "Prospecting", Decimal("0.1000"), None, "pipeline", "other", None,
         date(2024, 9, 30), datetime(2024, 3, 1, 0, 0), "salesforce"),
    ]
    status = rows(warehouse, "select opportunity_id, status, rep, account from v_opps order by 1")
    assert status == [("0061", "won", "Ann Lee", "Acme"), ("0062", "open", "Bob Stone", "Acme"),
                      ("0063", "lost", "Bob Stone", "Beta"), ("0064", "open", "Ann Lee", "Beta")]
    extra = rows(warehouse, "select extra from opportunities where opportunity_id = '0061'")
    assert json.loads(extra[0][0]) == {"Region__c": "EMEA"}
    assert rows(warehouse, "select user_id, is_active, is_human from users order by 1") == [
        ("0051", True, True), ("0052", False, True), ("0053", True, False)]
    # account owner given by name in one row: resolved through users.full_name
    assert rows(warehouse, "select account_id, owner_id, parent_account_id from accounts "
                           "order by 1") == [("0011", "0051", None), ("0012", "0052", "0011")]
    skipped = {w.table for w in summary.warnings if w.code == "FILE_SKIPPED"}
    assert {"products", "opportunity_stages", "opportunity_history"} <= skipped


def test_salesforce_stage_object_wins_over_derived_stages(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    source = export(tmp_path, {"Opportunity.csv": SF_OPPORTUNITY,
                               "OpportunityStage.csv": SF_STAGES})
    run_import(warehouse, "salesforce", source)
    assert rows(warehouse, "select stage_name, stage_label, sort_order, default_probability, "
                           "is_closed, is_won, forecast_category from opportunity_stages "
                           "order by sort_order") == [
        ("Prospecting", "Prospecting", 1, Decimal("0.1000"), False, False, "pipeline"),
        ("Negotiation", "Negotiation/Review", 2, Decimal("0.7500"), False, False, "best_case"),
        ("Closed Won", "Closed Won", 3, Decimal("1.0000"), True, True, "closed"),
        ("Closed Lost", "Closed Lost", 4, Decimal("0.0000"), True, False, "omitted"),
    ]


def test_salesforce_report_labels(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """UI labels instead of API names: matched after lower-casing and dropping punctuation."""
    report = ("Opportunity ID,Opportunity Name,Stage,Amount,Probability (%),Close Date,"
              "Created Date,Opportunity Type,Forecast Category\n"
              "006A,Renewal deal,Closed Won,300,100%,2024-02-02,2024-01-01,"
              "Existing Customer - Replacement,Closed\n")
    summary = run_import(warehouse, "salesforce", export(tmp_path, {"opportunities.csv": report}))
    assert summary.loads[-1].columns["probability"] == "Probability (%)"
    assert rows(warehouse, "select opportunity_id, name, probability, deal_type, "
                           "forecast_category, created_at from opportunities") == [
        ("006A", "Renewal deal", Decimal("1.0000"), "renewal", "closed",
         datetime(2024, 1, 1, 0, 0))]


def test_hubspot_preset(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    source = export(tmp_path, {"deals.csv": HS_DEALS, "owners.csv": HS_OWNERS,
                               "companies.csv": HS_COMPANIES})
    summary = run_import(warehouse, "hubspot", source)
    assert summary.rejected == 0
    assert rows(warehouse, "select opportunity_id, pipeline_id, probability, amount, "
                           "forecast_category, deal_type, close_date, account_id, owner_id "
                           "from opportunities order by 1") == [
        ("101", "default", Decimal("1.0000"), Decimal("1500.0000"), "closed", "new_business",
         date(2024, 2, 1), "501", "11"),
        ("102", "default", Decimal("0.9000"), Decimal("2500.7500"), "commit", "expansion",
         date(2024, 5, 15), "502", "12"),
        ("103", "default", Decimal("0.0000"), Decimal("900.0000"), "omitted", "other",
         date(2024, 3, 10), None, "12"),
        ("104", "renewals", Decimal("0.2000"), Decimal("400.0000"), "pipeline", "new_business",
         date(2024, 7, 1), "503", "99"),
    ]
    assert rows(warehouse, "select opportunity_id, status from v_opps order by 1") == [
        ("101", "won"), ("102", "open"), ("103", "lost"), ("104", "open")]
    assert rows(warehouse, "select pipeline_id, stage_name, is_closed, is_won "
                           "from opportunity_stages order by 1, 2") == [
        ("default", "closedlost", True, False), ("default", "closedwon", True, True),
        ("default", "contractsent", False, False),
        ("renewals", "appointmentscheduled", False, False)]
    assert rows(warehouse, "select user_id, full_name, is_active from users order by 1") == [
        ("11", "Ann Lee", True), ("12", "Bob Stone", False)]
    assert rows(warehouse, "select account_id, industry, billing_country from accounts "
                           "order by 1") == [("501", "RETAIL", "France"), ("502", "TECH", "Spain")]
    messages = [w.message for w in summary.warnings if w.code == "UNRESOLVED_REFERENCE"]
    assert messages == [
        "opportunities.account_id: 1 rows reference '503', not in accounts.name (kept as is)",
        "opportunities.owner_id: 1 rows reference '99', not in users.full_name (kept as is)",
    ]
    # hs_forecast_category is read as the fallback, so only the custom property is extra
    extra = rows(warehouse, "select extra from opportunities where opportunity_id = '101'")
    assert json.loads(extra[0][0]) == {"hs_custom_score": "7"}


# HubSpot's default UI export of deals ("Export" on the deals index): property labels, stage
# labels, owner names, no "Is Closed Won" column; file named the way HubSpot names it.
HS_UI_DEALS = """\
Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Create Date,Pipeline
9001,Acme renewal,Closed won,2024-02-14 00:00,Ann Lee,12000,2024-01-03 09:15,Sales Pipeline
9002,Beta expansion,Closed lost,2024-02-20 00:00,Bob Stone,8000,2024-01-05 10:00,Sales Pipeline
9003,Gamma new logo,Contract sent,2024-06-30 00:00,Ann Lee,5000,2024-02-01 11:30,Sales Pipeline
9004,Delta pilot,Closed won,2024-03-05 00:00,bob@example.com,3000,2024-01-20 16:45,Sales Pipeline
9005,Epsilon,Appointment scheduled,2024-07-31 00:00,Ann Lee,,2024-03-02 08:00,Sales Pipeline
9006,Zeta,Closed lost,2024-03-28 00:00,Ann Lee,4000,2024-01-11 12:00,Sales Pipeline
9007,Eta,Qualified to buy,2024-08-15 00:00,Bob Stone,7000,2024-03-10 09:00,Sales Pipeline
9008,Theta,Closed won,2024-03-29 00:00,Bob Stone,2500,2024-02-02 13:00,Sales Pipeline
9009,Iota,Presentation scheduled,2024-09-01 00:00,Ann Lee,1500,2024-03-12 09:00,Sales Pipeline
9010,Kappa,Decision maker bought-in,2024-09-15 00:00,Bob Stone,9000,2024-03-15 09:00,Sales Pipeline
"""
HS_API_DEALS = """\
hs_object_id,dealname,dealstage,amount,closedate,createdate,hubspot_owner_id,pipeline
1,A,closedwon,100,2024-01-10T00:00:00Z,2023-12-01T00:00:00Z,ann@example.com,default
2,B,closedlost,200,2024-01-12T00:00:00Z,2023-12-02T00:00:00Z,ann@example.com,default
3,C,closedwon,300,2024-02-10T00:00:00Z,2023-12-03T00:00:00Z,bob@example.com,default
4,D,qualifiedtobuy,400,2024-05-10T00:00:00Z,2024-01-03T00:00:00Z,bob@example.com,default
"""


def test_hubspot_default_ui_export(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from tools.base import MetricParams, PeriodParam, ToolContext
    from tools.registry import run_tool
    from tools.warehouse import load_settings

    source = export(tmp_path, {"hubspot-crm-exports-all-deals-2024-04-01.csv": HS_UI_DEALS})
    summary = run_import(warehouse, "hubspot", source)
    assert summary.rejected == 0
    assert rows(warehouse, "select opportunity_id, status from v_opps where status <> 'open' "
                           "order by 1") == [("9001", "won"), ("9002", "lost"), ("9004", "won"),
                                             ("9006", "lost"), ("9008", "won")]
    # closed/won and the stage order were read from the stage labels, and the summary says so
    inferred = {i.what: i for i in summary.inferred}
    assert "won = Closed won; lost = Closed lost" in inferred["closed/won"].value
    assert "stage order" in inferred
    # owners named in the export became users, flagged, so nothing is unresolved
    assert rows(warehouse, "select user_id, full_name, email, extra->>'created_by_import' "
                           "from users order by 1") == [
        ("Ann Lee", "Ann Lee", None, "true"), ("Bob Stone", "Bob Stone", None, "true"),
        ("bob@example.com", "bob@example.com", "bob@example.com", "true")]
    assert not [w for w in summary.warnings if w.code == "UNRESOLVED_REFERENCE"]

    ctx = ToolContext(con=warehouse, settings=load_settings(warehouse), as_of=date(2024, 4, 1))
    q1 = PeriodParam(start=date(2024, 1, 1), end=date(2024, 3, 31), label="Q1 2024")
    win_rate = run_tool(ctx, "win_rate", MetricParams(period=q1))
    assert (win_rate.value, win_rate.n_records) == (pytest.approx(3 / 5), 5)
    bookings = run_tool(ctx, "bookings", MetricParams(period=q1))
    assert bookings.value == 12000 + 3000 + 2500
    pipeline = run_tool(ctx, "open_pipeline", MetricParams(all_time=True))
    assert pipeline.value == 5000 + 7000 + 1500 + 9000
    assert not [w for w in pipeline.warnings if w.code == "DQ_UNKNOWN_STAGE"]
    # the summary says which metrics the data supports and what the others need
    tools = {t.tool: t for t in summary.tools}
    assert tools["win_rate"].ready and tools["bookings"].ready
    assert not tools["quota_attainment"].ready
    assert "import a file mapped to table quotas" in (tools["quota_attainment"].needs or "")
    text = summary.render_text()
    assert "Metrics the data supports" in text and "closed/won" in text


def test_hubspot_api_names_without_flags(warehouse: duckdb.DuckDBPyConnection,
                                         tmp_path: Path) -> None:
    summary = run_import(warehouse, "hubspot", export(tmp_path, {"deals.csv": HS_API_DEALS}))
    assert summary.rejected == 0
    assert rows(warehouse, "select opportunity_id, status, owner_id from v_opps order by 1") == [
        ("1", "won", "ann@example.com"), ("2", "lost", "ann@example.com"),
        ("3", "won", "bob@example.com"), ("4", "open", "bob@example.com")]
    assert rows(warehouse, "select stage_name, sort_order from opportunity_stages "
                           "order by sort_order") == [
        ("qualifiedtobuy", 1), ("closedwon", 2), ("closedlost", 3)]


# Salesforce Data Export (the weekly export service): every value quoted, booleans "0"/"1",
# empty lookups as the null id 000000000000000AAA.
SF_DATA_EXPORT = """\
"Id","IsDeleted","AccountId","Name","StageName","Amount","Probability","CloseDate","IsClosed",\
"IsWon","OwnerId","CampaignId","CreatedDate"
"0061","0","000000000000000AAA","No account","Closed Won","100.00","100","2024-02-01","1","1",\
"0051","000000000000000AAA","2024-01-01T10:00:00.000Z"
"0062","0","0011","With account","Prospecting","200.00","10","2024-09-01","0","0","0051",\
"7011","2024-01-02T10:00:00.000Z"
"""


def test_salesforce_data_export(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    summary = run_import(warehouse, "salesforce",
                         export(tmp_path, {"Opportunity.csv": SF_DATA_EXPORT}))
    assert summary.rejected == 0
    assert rows(warehouse, "select opportunity_id, account_id, campaign_id, is_closed, is_won, "
                           "is_deleted, probability from opportunities order by 1") == [
        ("0061", None, None, True, True, False, Decimal("1.0000")),
        ("0062", "0011", "7011", False, False, False, Decimal("0.1000"))]
