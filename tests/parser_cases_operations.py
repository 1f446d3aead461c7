"""Phrasings of the operations tools (sales-ops efficiency, revenue reporting accuracy), in the
format of tests/parser_cases.py; dates relative to as-of 2026-11-26 in parser_world."""

from __future__ import annotations

from tests.parser_cases import OCT26, PP, PY, Q3_27, Q4_27, YTD

CASES: list[tuple[str, str, dict]] = [
    # ---------------------------------------------------------------- ops_efficiency (M80, M61)
    ("what's our sales ops efficiency this quarter?", "ops_efficiency",
     {"period": Q4_27, "measure": None, "group_by": []}),
    ("SLA attainment for ops requests by request type", "ops_efficiency",
     {"group_by": ["request_type"]}),
    ("how many ops requests are in the backlog", "ops_efficiency", {"measure": "backlog"}),
    ("ops SLA attainment by quarter this year", "ops_efficiency",
     {"time_grain": "quarter", "period": YTD}),
    ("what share of ops requests are automated", "ops_efficiency", {"measure": "automation"}),
    ("median resolution time for sales ops requests last month", "ops_efficiency",
     {"measure": "resolution_time", "period": OCT26}),
    ("sales ops efficiency vs last year", "ops_efficiency", {"compare": PY}),
    ("which request types breach the SLA most", "ops_efficiency",
     {"group_by": ["request_type"], "top": 5}),
    ("how many ops tickets did we get last quarter", "ops_efficiency",
     {"measure": "volume", "period": Q3_27}),
    ("how efficient is our revops team", "ops_efficiency", {"group_by": []}),
    ("ops backlog by request type", "ops_efficiency",
     {"measure": "backlog", "group_by": ["request_type"]}),
    # ---------------------------------------------------------------- revenue_reporting_accuracy
    ("revenue reporting accuracy last quarter", "revenue_reporting_accuracy",
     {"period": Q3_27, "measure": None, "group_by": []}),
    ("do our CRM bookings match finance this year", "revenue_reporting_accuracy",
     {"period": YTD}),
    ("biggest discrepancies between CRM and the ledger last quarter",
     "revenue_reporting_accuracy", {"measure": "discrepancy", "period": Q3_27}),
    ("top 10 deals by discrepancy last quarter", "revenue_reporting_accuracy",
     {"group_by": ["opportunity"], "top": 10, "period": Q3_27}),
    ("reporting accuracy by quarter", "revenue_reporting_accuracy", {"time_grain": "quarter"}),
    ("revenue reporting accuracy by region this year", "revenue_reporting_accuracy",
     {"group_by": ["region"], "period": YTD}),
    ("reconciliation match rate last quarter", "revenue_reporting_accuracy",
     {"measure": "match_rate", "period": Q3_27}),
    ("which accounts have the biggest billing discrepancies", "revenue_reporting_accuracy",
     {"group_by": ["account"], "measure": "discrepancy"}),
    ("crm vs ledger in aggregate this year", "revenue_reporting_accuracy",
     {"measure": "aggregate", "period": YTD}),
    ("how accurate is our revenue reporting", "revenue_reporting_accuracy",
     {"group_by": [], "period": None}),
    ("revenue accuracy vs last quarter", "revenue_reporting_accuracy",
     {"compare": PP, "period": Q4_27}),
]
