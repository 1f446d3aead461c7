"""Task messages from the hub and the peer agents (agent/parser/messages.py): a sender label,
a task number, a JSON object, key: value lines or bullets carry a request the parser reads like
any other. And a parenthetical that explains the metric asked for (agent/parser/glosses.py):
its metric words don't outvote it, while a short qualifier or a value in brackets still counts.
Phrased apart from every eval set; format of tests/parser_cases.py; as-of 2026-11-26 in
parser_world."""

from __future__ import annotations

from tests.parser_cases import CLARIFY, FY26, Q1_28, Q3_27, Q4_27, YTD

CASES: list[tuple[str, str, dict]] = [
    # a JSON object after the hub's label and a task number
    ('Hub task 7781: {"kpi": "win rate", "timeframe": "last quarter", "group_by": "team"}',
     "win_rate", {"group_by": ["team"], "period": Q3_27}),
    ('[Chassis Intelligence] Task 90: {"measure": "open pipeline", "filters": {"region": "EMEA"},'
     ' "breakdown": ["stage"]}', "open_pipeline",
     {"group_by": ["stage"], "filters": {"region": ["EMEA"]}}),
    ('{"question": "average deal size by segment", "period": "this year"}', "avg_deal_size",
     {"group_by": ["segment"], "period": YTD}),
    ('{"task": {"metric": "sales cycle", "where": "Mid-Market", "window": "last quarter"}}',
     "sales_cycle", {"filters": {"segment": ["Mid-Market"]}, "period": Q3_27}),
    ('{"metric": "open pipeline", "as_of": "2026-10-31", "split": "stage"}', "open_pipeline",
     {"group_by": ["stage"], "as_of": "2026-10-31"}),
    # a Python-style dict (single quotes) is read the same way
    ("Request #5521 - {'metric': 'quota attainment', 'period': 'FY2027 Q3', 'per': 'rep', "
     "'top': 3}", "quota_attainment", {"group_by": ["rep"], "top": 3, "period": Q3_27}),
    # key: value lines and bullets; the sender's name is not a filter value
    ("Finance agent needs:\n- metric: bookings\n- period: FY2026\n- split: by quarter",
     "bookings", {"period": FY26, "time_grain": "quarter", "filters": {}}),
    ("From the Conversion Optimization agent:\n* kpi: lead conversion rate\n* by: lead source",
     "lead_conversion", {"group_by": ["lead_source"], "filters": {}}),
    ("Conversion Optimization agent:\nmetric: win rate\nfilter: segment SMB\n"
     "compare: previous quarter", "win_rate",
     {"filters": {"segment": ["SMB"]}, "compare": "previous_period", "period": Q4_27}),
    ("1. metric: sales cycle\n2. period: last quarter\n3. split: region", "sales_cycle",
     {"group_by": ["region"], "period": Q3_27}),
    # a sender's words in front of a prose request
    ("Pipeline Management agent asks for the 5 largest open deals in APAC", "open_pipeline",
     {"group_by": ["opportunity"], "top": 5, "filters": {"region": ["APAC"]}}),
    ("Finance agent wants the bookings for Financial Services this year", "bookings",
     {"filters": {"industry": ["Financial Services"]}, "period": YTD}),
    ("Marketing & Growth here - pipeline created by lead source this year", "opportunity_count",
     {"group_by": ["lead_source"], "measure": "created_amount", "period": YTD, "filters": {}}),
    ("From Finance: ARR by segment", "arr", {"group_by": ["segment"], "filters": {}}),
    # a key with no role stays in the request, so the parser judges it (and asks back)
    ('{"metric": "bookings", "period": "last quarter", "currency": "EUR"}', CLARIFY,
     {"options": ["bookings"]}),
    # a gloss in brackets explains the metric; it asks for no other one
    ("quota attainment (closed won bookings divided by quota) per rep last quarter",
     "quota_attainment", {"group_by": ["rep"], "period": Q3_27}),
    ("forecast landing for this quarter (bookings so far plus open pipeline weighted by win "
     "rate) by region", "forecast_projection", {"group_by": ["region"], "period": Q4_27}),
    ("win rate (won deals out of all closed deals) by segment last quarter", "win_rate",
     {"group_by": ["segment"], "period": Q3_27}),
    ("pipeline coverage (open pipeline over remaining quota) by team next quarter",
     "pipeline_coverage", {"group_by": ["team"], "period": Q1_28}),
    ('{"metric": "projected landing (bookings to date plus open pipeline at historical win '
     'rates)", "period": "this quarter", "split": "team"}', "forecast_projection",
     {"group_by": ["team"], "period": Q4_27}),
    # a short qualifier or values in brackets are read as written
    ("open pipeline (weighted) by stage", "open_pipeline",
     {"group_by": ["stage"], "measure": "weighted"}),
    ("bookings by region (EMEA and APAC only) last quarter", "bookings",
     {"group_by": ["region"], "filters": {"region": ["APAC", "EMEA"]}, "period": Q3_27}),
]
CASES += [
    # the envelope (from, id, due) is not the request; a note is a sentence of its own
    ('{"from": "finance", "id": "T-77", "metric": "bookings", "period": "FY2026", '
     '"purpose": "for the annual budget memo"}', "bookings", {"period": FY26}),
    ("Marketing & Growth agent requests:\n- metric: lead conversion\n- split: lead source\n"
     "- note: APAC only", "lead_conversion",
     {"group_by": ["lead_source"], "filters": {"region": ["APAC"]}}),
]
