"""Readings added in the twentieth session (shares of a whole, sellers per unit named any way,
stages by their place in the process, open stages asked of won deals, fiscal months, complete
weeks, pipeline created by a split, lists of values left out); format
of tests/parser_cases.py; as-of 2026-11-26 in parser_world (its open stages: Prospecting,
Discovery, Proposal, Negotiation)."""

from __future__ import annotations

from tests.parser_cases import CLARIFY, Q3_27, Q4_27, YTD

CASES: list[tuple[str, str, dict]] = [
    # a share of a whole: the split by the kind of the values asked about, the whole kept
    ("what share of last quarter's bookings came from EMEA", "leaderboard",
     {"group_by": ["region"], "filters": {}, "period": Q3_27}),
    ("EMEA's % of total bookings this year", "leaderboard",
     {"group_by": ["region"], "filters": {}, "period": YTD}),
    ("what percentage of open pipeline is in EMEA", "open_pipeline",
     {"group_by": ["region"], "filters": {}}),
    ("is North America more than half of the open pipe?", "open_pipeline",
     {"group_by": ["region"], "filters": {}}),
    ("what share of Enterprise East bookings came from renewals this year", "leaderboard",
     {"group_by": ["deal_type"], "filters": {"team": ["Enterprise East"]}, "period": YTD}),
    ("share of bookings per rep on Maria Gonzalez's team this quarter", "leaderboard",
     {"group_by": ["rep"], "filters": {"manager": ["Maria Gonzalez"]}, "period": Q4_27}),
    # no share asked: the value stays a filter ("share" as a verb asks nothing)
    ("can you share EMEA bookings for this year", "bookings",
     {"group_by": [], "filters": {"region": ["EMEA"]}, "period": YTD}),
    # a seller named any way after "per"
    ("bookings per head by region this quarter", "rep_productivity",
     {"group_by": ["region"], "measure": "bookings_per_rep", "period": Q4_27}),
    ("per-rep bookings in EMEA this quarter", "rep_productivity",
     {"filters": {"region": ["EMEA"]}, "measure": "bookings_per_rep"}),
    ("how much has each team closed per ramped seller this quarter", "rep_productivity",
     {"group_by": ["team"], "measure": "bookings_per_ramped_rep"}),
    ("activities per seller per workday by region this quarter", "activity_metrics",
     {"group_by": ["region"], "measure": "per_rep_per_day", "period": Q4_27}),
    ("activities per closed won opportunity last quarter", "activity_metrics",
     {"measure": "per_won_deal", "period": Q3_27}),
    # stages by their place in the process
    ("late-stage pipe by region", "open_pipeline",
     {"group_by": ["region"], "filters": {"stage": ["Negotiation", "Proposal"]}}),
    ("early stage pipeline in EMEA", "open_pipeline",
     {"group_by": [], "filters": {"stage": ["Discovery", "Prospecting"], "region": ["EMEA"]}}),
    ("open deals past Discovery by rep", "opportunity_count",
     {"group_by": ["rep"], "filters": {"stage": ["Negotiation", "Proposal"]}}),
    ("weighted value of stage 4 this quarter", "weighted_pipeline",
     {"filters": {"stage": ["Negotiation"]}, "period": Q4_27}),
    ("stage 3 and later pipeline this quarter", "open_pipeline",
     {"filters": {"stage": ["Negotiation", "Proposal"]}, "period": Q4_27}),
    ("how much pipe is sitting in stage 9?", CLARIFY, {}),
    # a stage's conversion said with its name: out of that stage, to the next
    ("Discovery to Proposal conversion by region last quarter", "stage_conversion",
     {"group_by": ["region"], "filters": {"stage": ["Discovery"]}, "period": Q3_27}),
    ("which reps convert best out of Discovery? top 5 this year", "stage_conversion",
     {"group_by": ["rep"], "top": 5, "filters": {"stage": ["Discovery"]}, "period": YTD}),
    ("how many made it from Proposal to Negotiation last quarter?", "stage_conversion",
     {"filters": {"stage": ["Proposal"]}, "period": Q3_27}),
    ("Prospecting to Negotiation conversion", CLARIFY, {}),  # skips a stage: no one rate
    ("Demo to Proposal conversion for Q3", CLARIFY, {}),  # from no stage of the data
    # won deals in an open stage are none: the open deals there
    ("top 5 biggest deals in Negotiation this quarter", "open_pipeline",
     {"group_by": ["opportunity"], "top": 5, "filters": {"stage": ["Negotiation"]},
      "period": Q4_27}),
    ("which 3 reps have the most deals in Proposal?", "opportunity_count",
     {"group_by": ["rep"], "top": 3, "measure": "open", "filters": {"stage": ["Proposal"]}}),
    ("the 5 largest deals slated for next quarter in EMEA", "open_pipeline",
     {"group_by": ["opportunity"], "top": 5, "filters": {"region": ["EMEA"]},
      "period": ("2027-02-01", "2027-04-30")}),
    # until the end of a unit: from today; "year end" asked where fiscal and calendar differ
    ("open pipeline closing by quarter end in EMEA", "open_pipeline",
     {"period": ("2026-11-26", "2027-01-31"), "filters": {"region": ["EMEA"]}}),
    ("what can we still close before fiscal year end", "open_pipeline",
     {"period": ("2026-11-26", "2027-01-31")}),
    ("open deals closing by calendar year end", "open_pipeline",
     {"period": ("2026-11-26", "2026-12-31")}),
    ("what's closing by year end?", CLARIFY, {}),
    ("bookings by year", "bookings", {"time_grain": "year"}),
    # a part left out of the period asked: cut off its start or end; asked in its middle
    ("bookings YTD excluding Q1 by region", "bookings",
     {"period": ("2026-05-01", "2026-11-26"), "group_by": ["region"]}),
    ("bookings YTD with Feb-Apr taken out", "bookings",
     {"period": ("2026-05-01", "2026-11-26")}),
    ("bookings for the second half of last fiscal year, excluding January", "bookings",
     {"period": ("2025-08-01", "2025-12-31")}),
    ("bookings for the last 12 months but not December", CLARIFY, {}),
    ("bookings excluding December", CLARIFY, {}),  # left out of which period?
    ("win rate this quarter against the quarter before, not last year", "win_rate",
     {"period": Q4_27, "compare": "previous_period"}),
    # "since May" (after "since", May is the month); "fall" is the season only with its
    # article, preposition or year ("how far short will we fall" names no period)
    ("win rate since may", "win_rate", {"period": ("2026-05-01", "2026-11-26")}),
    ("bookings last fall", "bookings", {"period": ("2025-09-01", "2025-11-30")}),
    # the middle value is the median; what a ramped seller closes is bookings per ramped rep
    ("middle value of days to close for won deals last quarter", "sales_cycle",
     {"measure": "median", "period": Q3_27}),
    ("what does a fully ramped AE close in a quarter? use last quarter", "rep_productivity",
     {"measure": "bookings_per_ramped_rep", "period": Q3_27}),
    # the corporate currency (USD in parser_world) says nothing more; another is asked back
    ("total bookings YTD in USD, rounded to the nearest $1,000", "bookings", {"period": YTD}),
    ("EMEA bookings last quarter, USD only - no need to show it in euros", "bookings",
     {"filters": {"region": ["EMEA"]}, "period": Q3_27}),
    ("bookings YTD in EUR", CLARIFY, {}),
    ("EMEA pipeline in local currency", CLARIFY, {}),
    # how the answer should look: harmless
    ("NRR over the last 12 months as a % to 1 dp", "net_revenue_retention", {}),
    ("board deck product slide: bookings this year by product family", "bookings",
     {"group_by": ["product_family"], "period": YTD}),
    # fiscal months, counted from the fiscal year's first (February)
    ("what did we book in fiscal month 9?", "bookings",
     {"period": ("2026-10-01", "2026-10-31")}),
    ("win rate in each of fiscal months 1 to 3", "win_rate",
     {"period": ("2026-02-01", "2026-04-30"), "time_grain": "month"}),
    # complete weeks: Monday to Sunday, the current week left out
    ("deals created per week over the last 8 full weeks", "opportunity_count",
     {"period": ("2026-09-28", "2026-11-22"), "time_grain": "week", "measure": "created"}),
    # pipeline created is its value, "by deal type" names a split, not the deals
    ("pipeline created this year by deal type", "opportunity_count",
     {"group_by": ["deal_type"], "measure": "created_amount", "period": YTD}),
    # "left to close": the open deals, or the quota still to close? asked (writers differ)
    ("what's left to close this quarter in EMEA?", CLARIFY, {}),
    # a list left out, written with commas or announced by "these"
    ("bookings this year by team, but leave these out: APAC, LATAM", "bookings",
     {"group_by": ["team"], "excluded": {"region": ["APAC", "LATAM"]}, "filters": {}}),
    ("win rate by team this year excluding EMEA, LATAM", "win_rate",
     {"group_by": ["team"], "excluded": {"region": ["EMEA", "LATAM"]}, "filters": {}}),
]
