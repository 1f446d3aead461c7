"""Phrasings of the recurring-revenue tools (arr, arr_waterfall, net_revenue_retention).

Same format and as-of (2026-11-26, parser_world, FY starting in February) as parser_cases.py.
"""

from __future__ import annotations

from tests.parser_cases import CLARIFY, FY26, LAST_12M, PY, Q3_27, Q4_27, YTD

CASES: list[tuple[str, str, dict]] = [
    # ---------------------------------------------------------------- arr (M10)
    ("what's our ARR?", "arr", {"measure": None, "group_by": [], "period": None}),
    ("current arr", "arr", {"group_by": [], "period": None, "filters": {}}),
    ("ARR by region", "arr", {"group_by": ["region"], "measure": None}),
    ("MRR by segment", "arr", {"measure": "mrr", "group_by": ["segment"]}),
    ("monthly recurring revenue for emea", "arr",
     {"measure": "mrr", "filters": {"region": ["EMEA"]}}),
    ("how many paying customers do we have", "arr", {"measure": "customers", "group_by": []}),
    ("ARR at the end of last quarter", "arr", {"period": Q3_27, "group_by": []}),
    ("annual recurring revenue for enterprise customers", "arr",
     {"filters": {"segment": ["Enterprise"]}, "group_by": []}),
    ("arr trend by quarter", "arr", {"time_grain": "quarter", "group_by": []}),
    ("monthly arr this fiscal year", "arr", {"time_grain": "month", "period": YTD}),
    ("top 10 customers by ARR", "arr", {"group_by": ["account"], "top": 10, "order": "desc"}),
    ("ARR by product", "arr", {"group_by": ["product"]}),
    ("recurring revenue by industry", "arr", {"group_by": ["industry"]}),
    ("ARR growth yoy", "arr", {"compare": PY, "group_by": []}),
    ("what is our revenue run rate", "arr", {"group_by": [], "measure": None}),
    ("arr by rep", CLARIFY, {"options": ["segment", "region"]}),
    # ---------------------------------------------------------------- arr_waterfall (M11, M15)
    ("ARR waterfall last quarter", "arr_waterfall",
     {"period": Q3_27, "measure": None, "group_by": []}),
    ("show me the arr bridge for this quarter", "arr_waterfall",
     {"period": Q4_27, "group_by": []}),
    ("net new ARR this year", "arr_waterfall", {"measure": "net_new", "period": YTD}),
    ("net new arr by quarter", "arr_waterfall",
     {"measure": "net_new", "time_grain": "quarter"}),
    ("new arr last quarter", "arr_waterfall", {"measure": "new", "period": Q3_27}),
    # fails: the alias "new logo" (deal type) is read before metric phrases
    ("new logo arr last quarter", "arr_waterfall", {"measure": "new", "period": Q3_27}),
    ("expansion arr by segment this year", "arr_waterfall",
     {"measure": "expansion", "group_by": ["segment"], "period": YTD}),
    ("how much arr did we churn last quarter", "arr_waterfall",
     {"measure": "churn", "period": Q3_27}),
    ("churned ARR in EMEA ytd", "arr_waterfall",
     {"measure": "churn", "filters": {"region": ["EMEA"]}, "period": YTD}),
    ("contraction arr last year", "arr_waterfall", {"measure": "contraction", "period": FY26}),
    ("mrr waterfall by month", "arr_waterfall", {"time_grain": "month", "group_by": []}),
    ("reactivated arr this year", "arr_waterfall", {"measure": "reactivation", "period": YTD}),
    ("arr movements by region last quarter", "arr_waterfall",
     {"group_by": ["region"], "period": Q3_27}),
    # ---------------------------------------------------------------- net_revenue_retention
    ("NRR", "net_revenue_retention", {"measure": None, "period": None, "group_by": []}),
    ("what's our net revenue retention", "net_revenue_retention",
     {"measure": None, "group_by": []}),
    ("net dollar retention by segment", "net_revenue_retention",
     {"group_by": ["segment"], "measure": None}),
    ("GRR last 12 months", "net_revenue_retention", {"measure": "grr", "period": LAST_12M}),
    ("gross revenue retention for fy26", "net_revenue_retention",
     {"measure": "grr", "period": FY26}),
    ("logo churn by segment", "net_revenue_retention",
     {"measure": "logo_churn", "group_by": ["segment"]}),
    ("how many customers churned last year", "net_revenue_retention",
     {"measure": "logo_churn", "period": FY26}),
    ("customer churn rate", "net_revenue_retention", {"measure": "logo_churn"}),
    ("what's our logo retention in north america", "net_revenue_retention",
     {"measure": "logo_retention", "filters": {"region": ["North America"]}}),
    ("NRR by quarter", "net_revenue_retention", {"time_grain": "quarter", "group_by": []}),
    ("retention by industry", "net_revenue_retention", {"group_by": ["industry"]}),
    ("nrr for smb customers", "net_revenue_retention", {"filters": {"segment": ["SMB"]}}),
    ("net retention by product", CLARIFY, {"options": ["segment"]}),
]
