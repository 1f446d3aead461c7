"""Phrasings of the activity tool (activity_metrics, METRICS M43).

Same format and as-of (2026-11-26, parser_world, FY starting in February) as parser_cases.py.
The parser_world fixture has no activities, so activity types are never entity values here.
"""

from __future__ import annotations

from tests.parser_cases import CLARIFY, LAST_30D, OCT26, Q3_27, Q4_27

CASES: list[tuple[str, str, dict]] = [
    ("activity metrics this quarter", "activity_metrics",
     {"measure": None, "period": Q4_27, "group_by": []}),
    ("how many activities did we log last month", "activity_metrics",
     {"measure": None, "period": OCT26, "group_by": []}),
    ("activities per rep per day last month", "activity_metrics",
     {"measure": "per_rep_per_day", "period": OCT26, "group_by": []}),
    ("activities per rep per day by team", "activity_metrics",
     {"measure": "per_rep_per_day", "group_by": ["team"]}),
    ("calls per rep per day", "activity_metrics",
     {"measure": "calls_per_rep_per_day", "group_by": []}),
    ("how many calls did each rep make last month", "activity_metrics",
     {"measure": "calls", "group_by": ["rep"], "period": OCT26}),
    ("emails sent in EMEA last month", "activity_metrics",
     {"measure": "emails", "filters": {"region": ["EMEA"]}, "period": OCT26}),
    ("meetings by team last quarter", "activity_metrics",
     {"measure": "meetings", "group_by": ["team"], "period": Q3_27}),
    ("activities by activity type this quarter", "activity_metrics",
     {"group_by": ["activity_type"], "period": Q4_27}),
    # fails: "type" is a deal_type word for every tool (dimension words are not tool-aware)
    ("activities by type this quarter", "activity_metrics",
     {"group_by": ["activity_type"], "period": Q4_27}),
    ("activity coverage of open deals", "activity_metrics",
     {"measure": "coverage", "group_by": []}),
    ("activity coverage by rep", "activity_metrics",
     {"measure": "coverage", "group_by": ["rep"]}),
    ("activities per won deal", "activity_metrics", {"measure": "per_won_deal"}),
    ("touches per deal last quarter", "activity_metrics",
     {"measure": "per_deal", "period": Q3_27}),
    ("which rep logged the most activities this quarter", "activity_metrics",
     {"group_by": ["rep"], "top": 1, "order": "desc", "period": Q4_27}),
    ("sales activity by manager", "activity_metrics", {"group_by": ["manager"]}),
    ("dials per day in the last 30 days", "activity_metrics",
     {"measure": "calls_per_rep_per_day", "period": LAST_30D}),
    ("activity for darcel this quarter", "activity_metrics",
     {"filters": {"rep": ["Darcel Schlecht"]}, "period": Q4_27}),
    ("activities by product", CLARIFY, {"options": ["rep", "activity type"]}),
]
