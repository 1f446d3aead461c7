"""Phrasings of the technology tools (tool adoption, integration health), in the format of
tests/parser_cases.py; dates relative to as-of 2026-11-26 in parser_world, which has no tool
licenses, so tool names are not entity values there."""

from __future__ import annotations

from tests.parser_cases import NOV26, OCT26, PP, Q3_27, Q4_27, YTD, AnyOf

CASES: list[tuple[str, str, dict]] = [
    # ---------------------------------------------------------------- technology_adoption (M60)
    ("what's our tool adoption rate this quarter?", "technology_adoption",
     {"period": Q4_27, "measure": None, "group_by": []}),
    ("tool adoption by team", "technology_adoption", {"group_by": ["team"]}),
    ("which team is under-adopting our sales tools", "technology_adoption",
     {"group_by": ["team"]}),
    ("are reps actually using the sales tools we pay for?", "technology_adoption",
     {"group_by": []}),
    ("adoption by rep and tool", "technology_adoption", {"group_by": ["rep", "tool"]}),
    # "not" negates the verb: Gong is the subject of the question, not excluded from it
    ("which reps are not using the tools in EMEA", "technology_adoption",
     {"group_by": ["rep"], "filters": {"region": ["EMEA"]}, "excluded": {}}),
    # no metric phrase, but a measure only one tool has
    ("how much money are we wasting each month?", "technology_adoption",
     {"measure": "idle_cost"}),
    ("adoption rate by tool last month", "technology_adoption",
     {"group_by": ["tool"], "period": OCT26}),
    # fails: the plural "reps" makes the parser split by rep (report: parser grouping rule)
    ("how many of our reps are actually using the CRM", "technology_adoption",
     {"group_by": []}),
    ("seat utilization by tool", "technology_adoption",
     {"measure": "seat_utilization", "group_by": ["tool"]}),
    ("how much are we wasting on unused licenses this year", "technology_adoption",
     {"measure": "idle_cost", "period": YTD}),
    ("adoption by tool and team", "technology_adoption", {"group_by": ["tool", "team"]}),
    ("CRM adoption trend by month", "technology_adoption", {"time_grain": "month"}),
    ("who is only logging in and not using the tools", "technology_adoption",
     {"group_by": ["rep"]}),
    ("adoption rate vs last quarter", "technology_adoption", {"compare": PP, "period": Q4_27}),
    ("lowest adoption by team this quarter", "technology_adoption",
     {"group_by": ["team"], "top": 1, "order": "asc", "period": Q4_27}),
    ("tool adoption in EMEA", "technology_adoption", {"filters": {"region": ["EMEA"]}}),
    # ---------------------------------------------------------------- integration_health (M53)
    ("what's our sync error rate this month", "integration_health",
     {"period": NOV26, "measure": AnyOf(None, "error_rate")}),  # the default, named or not
    ("integration health this quarter", "integration_health", {"period": Q4_27}),
    ("hubspot to salesforce sync errors by week", "integration_health", {"time_grain": "week"}),
    ("how fresh is our CRM data sync", "integration_health", {"measure": "freshness"}),
    ("sync latency this month", "integration_health", {"measure": "latency", "period": NOV26}),
    ("sync errors by system last month", "integration_health",
     {"group_by": ["tool"], "period": OCT26}),
    ("how many syncs failed last quarter", "integration_health",
     {"measure": "errors", "period": Q3_27}),
    ("integration errors trend by week", "integration_health", {"time_grain": "week"}),
    ("is the hubspot sync healthy", "integration_health", {"group_by": [], "measure": None}),
    ("integration health vs last month", "integration_health", {"compare": PP}),
    ("number of syncs this year", "integration_health", {"measure": "syncs", "period": YTD}),
]
