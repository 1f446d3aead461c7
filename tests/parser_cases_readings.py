"""General readings of issue 11 (number words, durations, deal-size words, two values of one
dimension compared, half-years and spans inside a longer period, trend words and "over the last
N months" as a grain, written date ranges, everyday RevOps words) and questions the reading
cannot fully explain (asked back, naming the right reading among the options). Phrased apart
from every eval set; format of tests/parser_cases.py; as-of 2026-11-26 in parser_world."""

from __future__ import annotations

from tests.parser_cases import (
    CLARIFY,
    FY26,
    FY27,
    H1_27,
    LAST_12M,
    Q1_28,
    Q3_27,
    Q4_27,
    YTD,
    AnyOf,
)

H2_26 = ("2025-08-01", "2026-01-31")
MAR_MAY_26 = ("2026-03-01", "2026-05-31")

CASES: list[tuple[str, str, dict]] = [
    # number words wherever digits work
    ("show me the four largest open deals in EMEA", "open_pipeline",
     {"group_by": ["opportunity"], "top": 4, "filters": {"region": ["EMEA"]}}),
    ("our best two reps by revenue last quarter", "bookings",
     {"group_by": ["rep"], "top": 2, "period": Q3_27}),
    ("the three weakest teams on win rate this year", "win_rate",
     {"group_by": ["team"], "top": 3, "order": "asc", "period": YTD}),
    # durations: the duration measure of what is named
    ("how many days does it usually take to win a deal in APAC", "sales_cycle",
     {"filters": {"region": ["APAC"]}, "group_by": []}),
    ("on average, how long from creating an opportunity to winning it", "sales_cycle",
     {"group_by": [], "top": None}),
    ("how many days do opportunities spend in proposal", "time_in_stage",
     {"filters": {"stage": ["Proposal"]}}),
    ("how quickly do new leads get followed up", "speed_to_lead", {"group_by": []}),
    # words for deal size and value
    ("what does a typical win look like in size for the enterprise segment", "avg_deal_size",
     {"filters": {"segment": ["Enterprise"]}}),
    ("how big is the average deal we close in healthcare", "avg_deal_size",
     {"filters": {"industry": ["Healthcare"]}}),
    ("size of the deals we won last quarter", "avg_deal_size", {"period": Q3_27}),
    # two values of one dimension compared: split by it, filtered to both
    ("is the win rate in EMEA better than in APAC", "win_rate",
     {"group_by": ["region"], "filters": {"region": ["EMEA", "APAC"]}}),
    ("SMB versus Enterprise bookings this year", "bookings",
     {"group_by": ["segment"], "filters": {"segment": ["SMB", "Enterprise"]}, "period": YTD}),
    ("do smb deals close at a higher rate than mid-market ones", "win_rate",
     {"group_by": ["segment"], "filters": {"segment": ["SMB", "Mid-Market"]}}),
    # half-years and a span inside a longer period
    ("bookings in the first half of this fiscal year", "bookings", {"period": H1_27}),
    ("revenue booked in H1 of the current fiscal year", "bookings", {"period": H1_27}),
    ("win rate for the second half of last fiscal year", "win_rate", {"period": H2_26}),
    # trend words and "over the last N months" as a grain
    ("how has our win rate trended over the last six months", "win_rate",
     {"period": ("2026-06-01", "2026-11-26"), "time_grain": "month"}),
    ("bookings trajectory this fiscal year", "bookings",
     {"period": YTD, "time_grain": "month"}),
    # written date ranges
    ("bookings from March 1 to May 31, 2026", "bookings", {"period": MAR_MAY_26}),
    ("win rate between 2026-03-01 and 2026-05-31", "win_rate", {"period": MAR_MAY_26}),
    # everyday RevOps words
    ("how many new logos did we sign this fiscal year", "opportunity_count",
     {"measure": "won", "filters": {"deal_type": ["new_business"]}, "period": YTD}),
    ("which reps have the largest attainment gap this quarter", "quota_attainment",
     {"group_by": ["rep"], "period": Q4_27}),
    ("rank our customers by revenue booked last year", "leaderboard",
     {"group_by": ["account"], "period": FY26}),
    ("what share of closed deals did we win this year", "win_rate", {"period": YTD}),
    ("what fraction of our deals were won year to date", "win_rate", {"period": YTD}),
    # a reading that leaves content words over asks back, with the right reading offered
    ("give me the typical magnitude of what we win", CLARIFY, {"options": ["average deal size"]}),
    ("bookings grouped by wibble", CLARIFY, {}),
    ("win rate weighted by gizmo this quarter", CLARIFY, {}),
    # written ranges: an end that is today, days without their month, labelled bounds
    ("pipeline created between 2026-10-05 and now", "opportunity_count",
     {"period": ("2026-10-05", "2026-11-26")}),
    ("bookings from September 14th to date", "bookings", {"period": ("2026-09-14", "2026-11-26")}),
    ("deals won between the 3rd and the 9th of August", "opportunity_count",
     {"period": ("2026-08-03", "2026-08-09")}),
    ("lost deals 2-12 sept", "opportunity_count", {"period": ("2026-09-02", "2026-09-12")}),
    ("win rate from Tuesday the 3rd to Friday the 13th of November", "win_rate",
     {"period": ("2026-11-03", "2026-11-13")}),
    ("bookings window start=2026-06-01 end=2026-06-20", "bookings",
     {"period": ("2026-06-01", "2026-06-20")}),
    ("win rate over the 30 days ending yesterday", "win_rate",
     {"period": ("2026-10-27", "2026-11-25")}),
    ("bookings for the fortnight ending the 15th of November", "bookings",
     {"period": ("2026-11-02", "2026-11-15")}),
    ("bookings for the top 3 to 5 reps", "bookings", {"period": None}),
    ("win rate 2026-09-01..2026-09-30", "win_rate", {"period": ("2026-09-01", "2026-09-30")}),
    ("bookings Tue Sep 1 to Thu Sep 10", "bookings", {"period": ("2026-09-01", "2026-09-10")}),
    # every short day name serves every pattern (one list: periods.WEEKDAYS)
    ("bookings from fri the 6th to wed the 11th of november", "bookings",
     {"period": ("2026-11-06", "2026-11-11")}),
    ("win rate since sat", "win_rate", {"period": ("2026-11-21", "2026-11-26")}),
    # holidays people date things by: the latest one (Thanksgiving 2026 is the 26th)
    ("bookings since Labor Day", "bookings", {"period": ("2026-09-07", "2026-11-26")}),
    ("bookings from Memorial Day on", "bookings", {"period": ("2026-05-25", "2026-11-26")}),
    ("calls in the 7 days before Thanksgiving", "activity_metrics",
     {"period": ("2026-11-19", "2026-11-25")}),
    ("bookings between Independence Day and Halloween", "bookings",
     {"period": ("2026-07-04", "2026-10-31")}),
    ("bookings for the month just gone", "bookings", {"period": ("2026-10-01", "2026-10-31")}),
    # everyday words for a metric; hedges and trend verbs beside a split by time
    ("how often do we land the deals we work on this year", "win_rate", {"period": YTD}),
    ("potential business still on the table by region", "open_pipeline",
     {"group_by": ["region"]}),
    ("do you reckon pipeline created is slowing down? month by month please",
     "opportunity_count", {"time_grain": "month"}),
    ("win rate last fiscal year split into its four quarters", "win_rate",
     {"period": FY26, "time_grain": "quarter"}),
    ("kindly share the number of deals won by each rep last quarter", "opportunity_count",
     {"group_by": ["rep"], "period": Q3_27}),
    ("the details of the stale deals in EMEA please", "stale_deals",
     {"group_by": ["opportunity"], "filters": {"region": ["EMEA"]}}),
    ("the 5 largest open deals for the 'what makes the quarter' slide", "open_pipeline",
     {"group_by": ["opportunity"], "top": 5, "time_grain": None}),
    ("bookings not for EMEA, I mean for APAC, this year", "bookings",
     {"filters": {"region": ["APAC"]}, "excluded": {}}),
    ("bookings by team for Q3 with the prior quarter alongside, we need it to reconcile our plan",
     "bookings", {"group_by": ["team"], "period": Q3_27, "compare": "previous_period"}),
    ("rep leaderboard for Q3 with Q2 next to it", "leaderboard",
     {"group_by": ["rep"], "period": Q3_27, "compare": "previous_period"}),
    ("how much has zed booked this quarter", CLARIFY, {}),
    ("top 3 reps by biggest average won deals this year", "avg_deal_size",
     {"group_by": ["rep"], "top": 3}),
    # where a quoted figure comes from is no part of the question
    ("a colleague's Slack says we booked 9M last quarter in EMEA - right?", "bookings",
     {"period": Q3_27, "filters": {"region": ["EMEA"]}}),
    ("the hygiene report says 30 opps have no account. confirm count?", "data_issues", {}),
    ("the board deck says we won 30% of closed deals in Q2. is that right?", "win_rate",
     {"period": ("2026-05-01", "2026-07-31")}),
    ("bar chart of bookings by team last quarter, tallest bar on the left", "bookings",
     {"group_by": ["team"], "period": Q3_27, "time_grain": None}),
    ("win rate by segment this year, going in the pricing appendix", "win_rate",
     {"group_by": ["segment"], "period": YTD}),
    # a slash date either order could mean, read differently each way, is asked back
    ("bookings on 05/09/2026", CLARIFY, {"options": ["May 9 2026", "September 5 2026"]}),
    ("bookings since 13/09", "bookings", {"period": ("2026-09-13", "2026-11-26")}),
    # a negated relative clause leaves its value out; under a negation it keeps it
    ("bookings this year from reps who are not reporting to Maria Gonzalez", "bookings",
     {"excluded": {"manager": ["Maria Gonzalez"]}, "filters": {}}),
    ("count of opportunities opened this month that did not come from partners",
     "opportunity_count", {"excluded": {"lead_source": ["Partner"]}, "filters": {}}),
    # a ranked count after "which"; a month a year ago; a size or a rate nobody gave
    ("which three open deals look the riskiest", "deal_risk",
     {"group_by": ["opportunity"], "top": 3}),
    ("which four reps sold least this year", "bookings",
     {"group_by": ["rep"], "top": 4, "order": "asc", "period": YTD}),
    ("bookings in September against September a year ago", "bookings",
     {"period": ("2026-09-01", "2026-09-30"), "compare": "previous_year"}),
    ("win rate this year leaving out the huge deals", CLARIFY, {}),
    ("which segment has the lowest rate", CLARIFY, {"options": ["lowest win rate"]}),
    ("pipeline for the Coastal Enterprise team", CLARIFY, {}),
    # an aside about someone or something is context; a value said to stay in is no filter
    ("win rate by region this year without EMEA - their numbers are a mess at the moment",
     "win_rate", {"group_by": ["region"], "excluded": {"region": ["EMEA"]}, "filters": {},
                  "period": YTD}),
    ("bookings by region this year, skip EMEA but do count APAC", "bookings",
     {"group_by": ["region"], "excluded": {"region": ["EMEA"]}, "filters": {}}),
    ("bookings last quarter - they only want the Zorblax team", CLARIFY, {}),
    ("top reps by bookings this year - I do not want any deal that is not an expansion deal",
     "bookings", {"filters": {"deal_type": ["expansion"]}, "excluded": {}}),
]

DEC26 = ("2026-12-01", "2026-12-31")
CASES += [
    # a month without a year on a tool about close dates still to come is the next one
    ("SMB open pipeline with a close date in December", "open_pipeline",
     {"period": DEC26, "filters": {"segment": ["SMB"]}}),
    # a sentence of context with its own month does not narrow the period asked for
    ("I joined in March. what's our win rate this fiscal year", "win_rate", {"period": YTD}),
]
CASES += [
    # "X over X" across a longer period is a trend in that unit; "X by X" splits by X
    ("win rate month over month across FY2026", "win_rate", {"period": FY26, "time_grain": "month",
                                                             "compare": None}),
    ("give me win rates team by team for last quarter", "win_rate",
     {"group_by": ["team"], "period": Q3_27}),
]
CASES += [
    # "over the last N months, month by month": N whole months, this one to date
    ("monthly win rate over the past four months", "win_rate",
     {"period": ("2026-08-01", "2026-11-26"), "time_grain": "month"}),
    # "since the start of <period>": from its first day to today
    ("bookings by quarter since the beginning of last fiscal year", "bookings",
     {"period": ("2025-02-01", "2026-11-26"), "time_grain": "quarter"}),
    # a metric named after "tracking against" is that metric
    ("how are we tracking against quota for the EMEA team", "quota_attainment", {}),
]
CASES += [
    # a rank word before a number or a period is a window, not a ranking
    ("net revenue retention trailing 12 months by region", "net_revenue_retention",
     {"group_by": ["region"], "top": None}),
]
CASES += [
    # "this year" on a metric of what has happened is the fiscal year to date; on a plan or
    # close dates still to come it is the whole year; "the full year" is always whole
    ("average cycle time for the current year", "sales_cycle", {"period": YTD}),
    ("our lead to MQL rate in the current fiscal year", "lead_conversion", {"period": YTD}),
    ("coverage ratio for the current fiscal year", "pipeline_coverage", {"period": FY27}),
    ("quota attainment across the current year", "quota_attainment", {"period": FY27}),
    ("revenue booked over the full current fiscal year", "bookings", {"period": FY27}),
]
CASES += [
    # a long message: the sentences that ask carry the period and filters; context sentences
    # (with their own months, names and words) add nothing unless the request points back
    ("We had a rough September in APAC. Anyway, what did bookings look like by segment last "
     "quarter?", "bookings", {"period": Q3_27, "group_by": ["segment"], "filters": {}}),
    ("My VP keeps grumbling about the spreadsheet she got in August. Could you give me the open "
     "pipeline by stage?", "open_pipeline", {"group_by": ["stage"], "filters": {}}),
    ("The LATAM folks swear they are swamped. Show me quota attainment by rep for that region "
     "last quarter.", "quota_attainment",
     {"group_by": ["rep"], "filters": {"region": ["LATAM"]}, "period": Q3_27}),
    ("this is Anna Snelling. what is my win rate last quarter?", "win_rate",
     {"filters": {"rep": ["Anna Snelling"]}, "period": Q3_27}),
    ("Our finance partner closed October late. What was our win rate in that month?", "win_rate",
     {"period": ("2026-10-01", "2026-10-31")}),
    # a short sentence after the request refines it; a sign-off or a deadline does not
    ("What is our average deal size? By industry.", "avg_deal_size", {"group_by": ["industry"]}),
    ("how many deals did we win? FY26 only.", "opportunity_count", {"period": FY26}),
    ("Please send the win rate by region. Deadline is tomorrow.", "win_rate",
     {"group_by": ["region"], "filters": {}}),
    # a clause about the writer's plans names no period or metric
    ("after we wrap the board meeting, what's the weighted pipeline by team", "weighted_pipeline",
     {"group_by": ["team"]}),
    # "from the start of <period> through today"
    ("bookings from the beginning of this fiscal year through today", "bookings",
     {"period": YTD}),
]
CASES += [
    # a metric named "of" another measures it; a measure word binds to the metric it
    # modifies; between equal votes the more specific word wins ("risky" over "pipe")
    ("MAPE of last quarter's forecast", "forecast_accuracy",
     {"measure": "mape", "period": Q3_27}),
    ("risky pipe by segment, in dollars", "deal_risk",
     {"group_by": ["segment"], "measure": "amount"}),
    ("how stale is the pipeline in APAC", "stale_deals", {"filters": {"region": ["APAC"]}}),
    ("average size of won deals in EMEA", "avg_deal_size", {"filters": {"region": ["EMEA"]}}),
]
CASES += [
    # a value of a dimension the tool lacks, written as an everyday word or the tool's own
    # word and not after a filter cue, is that word; after a cue it is still asked about
    ("is the deal desk meeting its SLA", "ops_efficiency", {"filters": {}}),
    ("net new ARR walk for Q3: new, expansion, contraction and churn", "arr_waterfall",
     {"period": Q3_27, "measure": None, "filters": {}}),
    ("sales cycle for Qwertyuiop deals", CLARIFY, {}),
    # an inflected form of a known word is known ("generating" of "generate")
    ("which campaigns are generating the most sourced pipeline", "campaign_sourced", {}),
    # several sentences joined by a semicolon: the one that asks is read
    ("report bookings by region for last quarter; we will present it to the board in June",
     "bookings", {"group_by": ["region"], "period": Q3_27}),
]
CASES += [
    # "<dimension> level" splits by it
    ("win rate last quarter, region level", "win_rate",
     {"group_by": ["region"], "period": Q3_27}),
]
CASES += [
    # "the last N completed quarters": N whole quarters before this one
    ("win rate for the past two full quarters", "win_rate",
     {"period": ("2026-05-01", "2026-10-31")}),
    # a period said again in parts is one period
    ("bookings for FY2026 (February 2025 to January 2026) by region", "bookings",
     {"period": FY26, "group_by": ["region"]}),
    # the day of the writer's meeting is not a period
    ("for Thursday's pipeline review, open pipeline by stage", "open_pipeline",
     {"group_by": ["stage"], "period": None}),
    # "X here -" introduces the writer; the rest is the request
    ("Anna Snelling here - my bookings last quarter?", "bookings",
     {"filters": {"rep": ["Anna Snelling"]}, "period": Q3_27}),
    # a share of the pipeline that moved to a later quarter is the slip rate
    ("percent of the Q3 pipeline that got pushed out to a later quarter", "slipping_deals",
     {"measure": "slip_rate", "period": Q3_27}),
]
CASES += [
    # how things go, with no number, period, value or split named: ask which number
    ("so, how did we do?", CLARIFY, {}),
    ("how did we do in APAC", "bookings", {"filters": {"region": ["APAC"]}}),
]
CASES += [
    # "<dimension> to <dimension>" splits by it like "<dimension> by <dimension>"
    ("conversion rates from stage to stage last quarter", "stage_conversion",
     {"group_by": ["stage"], "period": Q3_27}),
    # a quarter of a named fiscal year; "the last N fiscal years" includes this one to date
    ("open pipeline for Q2 of next fiscal year", "open_pipeline",
     {"period": ("2027-05-01", "2027-07-31")}),
    ("win rate by quarter over the past two fiscal years", "win_rate",
     {"period": ("2025-02-01", "2026-11-26"), "time_grain": "quarter"}),
    # two swapped letters are one slip, read without asking
    ("bookings by regoin last quarter", "bookings", {"group_by": ["region"], "period": Q3_27}),
    # a metric named "using" another is measured on it
    ("forecast accuracy using the commit forecast", "forecast_accuracy", {}),
    # a value whose words are a measure of the tool is that measure
    ("best case by team this quarter", "forecast_rollup",
     {"measure": "best_case_forecast", "group_by": ["team"], "filters": {}}),
    # a sender's bracket or "X agent:" label is not part of the question
    ("[Finance] please report bookings by segment for last quarter", "bookings",
     {"group_by": ["segment"], "period": Q3_27}),
    ("Forecasting agent: weighted pipeline by team", "weighted_pipeline", {"group_by": ["team"]}),
]
CASES += [
    # "the quarter that just ended", "the most recent completed month": the last whole one
    ("win rate by team for the quarter that has just closed", "win_rate",
     {"group_by": ["team"], "period": Q3_27}),
    ("bookings for the most recent completed month", "bookings",
     {"period": ("2026-10-01", "2026-10-31")}),
]
CASES += [
    # the writer's own scope ("I run the X team") is kept when the request asks per rep
    ("I run the LATAM Sales team. what was quota attainment for each rep last quarter?",
     "quota_attainment",
     {"group_by": ["rep"], "filters": {"team": ["LATAM Sales"]}, "period": Q3_27}),
]
# the reading whose own definition explains every word, where the vote's leaves some over
CASES += [
    ("what's the median number of days opportunities spent sitting in each stage this year",
     "time_in_stage", {"group_by": ["stage"]}),
    ("what does the spread of quota attainment look like inside each team last quarter",
     "team_distribution", {"period": Q3_27}),
    ("which open deals got flagged as risky, and why", "deal_risk",
     {"group_by": ["opportunity"]}),
    # the deals themselves: lists, "deal by deal", "the actual deals"
    ("stale opportunities in EMEA, deal by deal", "stale_deals",
     {"group_by": ["opportunity"], "filters": {"region": ["EMEA"]}}),
    ("rank the risky APAC opportunities for me", "deal_risk",
     {"group_by": ["opportunity"], "filters": {"region": ["APAC"]}}),
    ("what share of open deals are stale", "stale_deals", {"group_by": [], "measure": "share"}),
    ("the 7 riskiest deals in EMEA", "deal_risk",
     {"group_by": ["opportunity"], "top": 7, "filters": {"region": ["EMEA"]}}),
    # a count of deals under a condition is the count of the tool testing it
    ("how many of our open opportunities have gone quiet", "stale_deals",
     {"measure": "count"}),
    ("number of open deals flagged at risk in APAC", "deal_risk",
     {"measure": "count", "filters": {"region": ["APAC"]}}),
    # options written as cutoffs, "N+ days", "nobody touched"
    ("stale deal count by region with a 21 day threshold", "stale_deals",
     {"group_by": ["region"], "knobs": {"stale_days": 21}}),
    ("open opportunities no one has contacted in 90+ days", "stale_deals",
     {"knobs": {"stale_days": 90}}),
    # comparisons with the same stretch of the prior year, "w/", "this fy"
    ("win rate this fiscal year so far alongside the same period of the prior year", "win_rate",
     {"compare": "previous_year", "period": YTD}),
    ("bookings ytd compared w/ last yr", "bookings", {"compare": "previous_year"}),
    ("weekly bookings this fy so far", "bookings", {"period": YTD, "time_grain": "week"}),
    ("deal count by fiscal month for FY26", "opportunity_count", {"time_grain": "month"}),
    # grammar words are never names; a split is never a territory decision
    ("for various reasons I need open pipeline by stage", "open_pipeline",
     {"group_by": ["stage"]}),
    ("weighted pipeline for this quarter, split by region", "weighted_pipeline",
     {"group_by": ["region"], "period": Q4_27}),
    # a request pointing back at a value named before it keeps it; an unknown one asks
    ("EMEA had a rough summer. What was their win rate last quarter?", "win_rate",
     {"filters": {"region": ["EMEA"]}, "period": Q3_27}),
    ("The Zorblax Partners team is new to me. What did they book last quarter?", CLARIFY, {}),
]
CASES += [
    # a forecast category named beside accuracy words picks the forecast scored
    ("how accurate has the best case call been over the last 4 quarters", "forecast_accuracy",
     {"knobs": {"forecast": "best_case", "quarters": 4}}),
    ("bias of our most likely forecast for FY26", "forecast_accuracy",
     {"measure": "bias", "knobs": {"forecast": "most_likely"}}),
    ("commit forecast by team this quarter", "forecast_rollup", {"group_by": ["team"]}),
    # did productivity improve: the improvement metric; per rep beside last year: both values
    ("has rep productivity gotten better than a year ago", "productivity_improvement", {}),
    ("bookings per ramped rep against last year", "rep_productivity",
     {"compare": "previous_year"}),
    # everyday words: loss reasons, pass/fail, NAMER, counts, "->"
    ("lost deals missing a loss reason", "data_issues", {"measure": "lost_without_reason"}),
    ("success metrics pass or fail this quarter", "scorecard", {"period": Q4_27}),
    ("win rate NAMER last quarter", "win_rate",
     {"filters": {"region": ["North America"]}, "period": Q3_27}),
    ("risky deal counts per team", "deal_risk", {"group_by": ["team"]}),
    ("mql->sql conversion last quarter", "lead_conversion",
     {"measure": "mql_to_sql", "period": Q3_27}),
]
CASES += [
    # a restatement names the metric meant; an excluded list stays excluded to its end
    ("How much pipeline do we have for the quota still open? i.e. coverage by region.",
     "pipeline_coverage", {"group_by": ["region"]}),
    ("bookings this year without renewals or expansions", "bookings",
     {"excluded": {"deal_type": ["expansion", "renewal"]}}),
    # fastest cycles first, ranked by how many deals, splits named after "per"
    ("the 3 teams with the quickest sales cycle this year", "sales_cycle",
     {"group_by": ["team"], "top": 3, "order": "asc"}),
    ("which regions have the most stale deals", "stale_deals",
     {"group_by": ["region"], "measure": "count"}),
    ("sync error rate per integration this quarter", "integration_health",
     {"group_by": ["tool"]}),
]
CASES += [
    # "the first half" is a period, not a ranking; RevOps shorthand for new business
    ("win rate by segment for the first half of this fiscal year", "win_rate",
     {"group_by": ["segment"], "top": None, "period": H1_27}),
    ("average new biz deal in EMEA this year", "avg_deal_size",
     {"filters": {"deal_type": ["new_business"], "region": ["EMEA"]}}),
    ("the median won amount per industry last quarter", "avg_deal_size",
     {"group_by": ["industry"], "period": Q3_27}),
]
CASES += [
    # what a request points back at is the context's, its period included (not a meeting day)
    ("Anna Snelling closed a big one in Q2 and presents tomorrow. What was her average deal "
     "size?", "avg_deal_size",
     {"filters": {"rep": ["Anna Snelling"]}, "period": ("2026-05-01", "2026-07-31")}),
]
CASES += [
    # a written range with one year at its end, a dash as "to"
    ("bookings Mar 3 - Sep 30, 2025", "bookings", {"period": ("2025-03-03", "2025-09-30")}),
    ("win rate from nov 15 to feb 10 2026", "win_rate",
     {"period": ("2025-11-15", "2026-02-10")}),
    ("open deals created Apr-Jun 2026", "opportunity_count",
     {"period": ("2026-04-01", "2026-06-30")}),
]
CASES += [
    # "since our fiscal year began": from its start to the as-of date
    ("win rate since our fiscal year began in February", "win_rate", {"period": YTD}),
]

CASES += [
    # the whole company is no split by account
    ("what is our win rate company wide for last quarter", "win_rate",
     {"group_by": [], "period": Q3_27}),
    ("open pipeline across the entire organization", "open_pipeline",
     {"group_by": [], "filters": {}}),
    # a dash between written dates; the unit that ends on a named day
    ("bookings 03/01/2026 - 05/31/2026", "bookings", {"period": MAR_MAY_26}),
    ("win rate by team 2026-03-01 \u2013 2026-05-31", "win_rate",
     {"group_by": ["team"], "period": MAR_MAY_26}),
    ("average deal size for the quarter ending July 31", "avg_deal_size",
     {"period": ("2026-05-01", "2026-07-31")}),
    ("bookings in the fiscal year that closed on January 31, 2026", "bookings",
     {"period": FY26}),
    # how a measure evolved across the quarters is a quarterly trend
    ("how did our win rate evolve over the four quarters of last fiscal year", "win_rate",
     {"period": FY26, "time_grain": "quarter"}),
    # how long to win a deal, said with "on average" between, is the sales cycle
    ("on average how long does it take us to win a deal with a healthcare customer",
     "sales_cycle", {"filters": {"industry": ["Healthcare"]}}),
    # the writer's own scope for "our"; "his/her" a person, "there" a place
    ("I manage the APAC Sales team. What does our open pipeline look like?", "open_pipeline",
     {"filters": {"team": ["APAC Sales"]}}),
    ("Moses Frase moved over from the Commercial team in spring. How big are his deals "
     "on average this year?", "avg_deal_size",
     {"filters": {"rep": ["Moses Frase"]}, "period": YTD}),
    ("The sync errors all came from the North America region last month. What does the win rate "
     "look like there this quarter?", "win_rate",
     {"filters": {"region": ["North America"]}, "period": Q4_27}),
    # "his team" names the team he runs: no split by team
    ("Tom Becker is out this week. Who are the two best sellers on his team by bookings this "
     "year?", "bookings",
     {"group_by": ["rep"], "top": 2, "filters": {"manager": ["Tom Becker"]}}),
    # exclusions written around their value; a short sentence naming a value refines
    ("bookings this quarter with the expansion deals taken out", "bookings",
     {"excluded": {"deal_type": ["expansion"]}, "filters": {}}),
    ("What did we book last quarter? Renewals left out.", "bookings",
     {"excluded": {"deal_type": ["renewal"]}, "filters": {}, "period": Q3_27}),
    # a clause about the writer's plans is context the request points back to
    ("Ahead of the pipeline review with the Enterprise West team, I need their weighted "
     "pipeline for this quarter", "weighted_pipeline",
     {"filters": {"team": ["Enterprise West"]}, "period": Q4_27}),
    # a request that is an imperative or the last sentence naming a metric
    ("Surprises hurt us last year. Flag the open deals at risk in APAC.", "deal_risk",
     {"filters": {"region": ["APAC"]}}),
    # a common English word is not repaired into a vocabulary word: it is asked about
    ("show the bookings with renewals stripped", CLARIFY, {}),
    ("what is our revenue recognition rate", CLARIFY, {}),
]
CASES += [
    # a team the writer says they deal with, which the request does not name: theirs, noted
    ("I'm sitting down with the Enterprise West team on Monday. Show the open pipeline closing "
     "this quarter.", "open_pipeline", {"filters": {"team": ["Enterprise West"]},
                                        "period": Q4_27}),
    # unless the tool cannot be narrowed to them: asked, never answered for everyone
    ("I'm coaching the APAC Sales team this week. How do the five success metrics look this "
     "quarter?", CLARIFY, {"options": ["for APAC Sales"]}),
    # the period of another question of the message, when the request names none
    ("Will we make next quarter's number? What does the capacity gap look like?",
     "quota_capacity", {"period": ("2027-02-01", "2027-04-30")}),
    # a generic phrase takes no object: "how did we do on the scorecard"
    ("how did we do on the scorecard in the third quarter", "scorecard", {}),
]
CASES += [
    # "how big/large ... deals" is the average deal size, whatever words sit between
    ("how large were the renewal deals we closed in the second half of last year",
     "avg_deal_size", {"filters": {"deal_type": ["renewal"]}}),
    # the spread across the reps of each team is the team distribution, not a split by rep
    ("range of quota attainment across the reps of every team in the third quarter",
     "team_distribution", {"group_by": ["team"]}),
]
CASES += [
    # number words above twelve; a knob only one tool takes names it; "each deal" lists them
    ("list every open deal in APAC whose last activity was more than thirty days ago",
     "stale_deals", {"group_by": ["opportunity"], "knobs": {"stale_days": 30},
                     "filters": {"region": ["APAC"]}}),
    # "oldest first" is an order, not a top 1
    ("deals in Commercial untouched for 60 days, oldest first", "stale_deals", {"top": None}),
    # risk said in everyday words
    ("which five open deals are most likely to fall apart", "deal_risk",
     {"group_by": ["opportunity"], "top": 5}),
]
CASES += [
    # a month against the same month a year earlier, however the two are ordered
    ("bookings in September compared with September last year", "bookings",
     {"period": ("2026-09-01", "2026-09-30"), "compare": "previous_year"}),
    # "today" beside a window is where we stand; "against the target" compares no periods
    ("with the team as it is today, what can we realistically close next quarter against "
     "the plan", "quota_capacity", {"period": ("2027-02-01", "2027-04-30"), "group_by": []}),
    # "customers who ..." is a relative clause, not "which rep"; a slip on a word of grammar
    ("bookings from customers who renewed last quarter", "bookings", {"group_by": []}),
    ("top 3 teams by win rate, so I can talk to thier managers", "win_rate",
     {"group_by": ["team"], "top": 3}),
]
CASES += [
    # a threshold on what the answer sums up is asked about, never dropped; one on the answer's
    # own figure names the rows that meet it; a change "by more than" is neither
    ("average cycle length for deals above $250k", CLARIFY,
     {"options": ["average cycle length for deals"]}),
    ("which teams are at more than 80% of quota this quarter", "quota_attainment",
     {"group_by": ["team"], "threshold": (">", 0.8, "ratio", True)}),
    ("any rep under 2x pipeline coverage next quarter?", "pipeline_coverage",
     {"group_by": ["rep"], "threshold": ("<", 2, "multiple", True)}),
    ("is our data accuracy at least 98 percent", "data_quality",
     {"group_by": [], "threshold": (">=", 0.98, "ratio", False)}),
    ("bookings by segment ytd, only the ones over $1.5m", "bookings",
     {"group_by": ["segment"], "threshold": (">", 1_500_000, "currency", True)}),
    ("median deal size of opps over 40k by region", CLARIFY, {}),  # the deals are summed away
    ("did win rate grow by more than 5% versus last quarter", "win_rate",
     {"compare": "previous_period"}),
    # a comparison sign before a number is the word for it; the knob after "stale deals"
    ("APAC stale deals >60 days", "stale_deals", {"knobs": {"stale_days": 60}}),
    # deliverables the answer feeds are audience words
    ("For the hiring model I need bookings per rep this year", "rep_productivity", {}),
]
CASES += [
    # a long measure phrase of one tool outweighs a shorter metric phrase
    ("how much annual recurring revenue did we lose to customer churn last year",
     "arr_waterfall", {"measure": "churn"}),
    ("list the inactive users who still own open deals", "data_issues",
     {"measure": "inactive_user_with_open_deals"}),
]
CASES += [
    # a name written before a kind of value that is no value of the data is asked about
    ("win rate in the Midwest region last quarter", CLARIFY, {}),
    # the unit that ended in a month; durations said as "take the longest"
    ("average deal size for the quarter that ended in July", "avg_deal_size",
     {"period": ("2026-05-01", "2026-07-31")}),
    ("which two reps take the longest to win their deals", "sales_cycle",
     {"group_by": ["rep"], "top": 2}),
    # "X's Y group": the group is meant
    ("Tom Becker's EMEA Sales team had a tough month. What is their win rate this quarter?",
     "win_rate", {"filters": {"team": ["EMEA Sales"]}, "period": Q4_27}),
    # the value of deals won is bookings
    ("total value of the deals Commercial won last quarter", "bookings",
     {"filters": {"team": ["Commercial"]}, "period": Q3_27}),
]
CASES += [
    # vocabulary phrases read with or without articles and "is/that" between their words
    ("count the open opportunities whose close dates are already in the past", "data_issues",
     {"measure": "past_close_date"}),
    ("which lost deals have no loss reason filled in", "data_issues",
     {"measure": "lost_without_reason"}),
    # shorthand spelled out; an unknown shorthand of a vocabulary word is never dropped
    ("avg deal sz by rgn prev qtr", "avg_deal_size", {"group_by": ["region"], "period": Q3_27}),
    ("wkly bookings for q3", "bookings", {"time_grain": "week", "period": Q3_27}),
    ("bookings by team nxt yr", "bookings", {"period": ("2027-02-01", "2028-01-31")}),
    ("win rate by tm lst qtr", CLARIFY, {}),
    # the duration of a stage
    ("mean days spent in negotiation last quarter", "time_in_stage",
     {"filters": {"stage": ["Negotiation"]}, "measure": "mean", "period": Q3_27}),
    ("how long in discovery on average", "time_in_stage", {"filters": {"stage": ["Discovery"]}}),
    # the share of closed deals that were won
    ("of the deals Commercial closed last quarter, what fraction did they win", "win_rate",
     {"filters": {"team": ["Commercial"]}, "period": Q3_27}),
    # "so far" after a named year is the year to date
    ("bookings by month for FY2027 so far", "bookings",
     {"time_grain": "month", "period": YTD}),
    # the request's own period, not the one of the background
    ("APAC Sales had a strong August. Across the whole company, what is our win rate this year "
     "against the same period last year?", "win_rate",
     {"filters": {}, "period": YTD, "compare": "previous_year"}),
    # the writer signing in is who "my" means
    ("Darcel Schlecht: what's my win rate this quarter?", "win_rate",
     {"filters": {"rep": ["Darcel Schlecht"]}, "period": Q4_27}),
    ("Tom Becker asking - what does my team's open pipeline look like?", "open_pipeline",
     {"filters": {"manager": ["Tom Becker"]}}),
    # the meeting the answer is for is neither a period nor a metric
    ("Need the commit for next quarter before tomorrow's pipeline call with the VP",
     "forecast_rollup", {"period": ("2027-02-01", "2027-04-30")}),
    ("bookings by region for the Q3 business review", "bookings",
     {"group_by": ["region"], "period": Q3_27}),
    ("at 9am I need weighted pipeline by team", "weighted_pipeline", {"group_by": ["team"]}),
]
CASES += [
    # two written ranges compared; the same span a year before is the previous year
    ("win rate Mar-May 2026 vs Mar-May 2025", "win_rate",
     {"period": MAR_MAY_26, "compare": "previous_year"}),
    ("bookings for last year's Q2 compared with this year's Q2", "bookings",
     {"period": ("2026-05-01", "2026-07-31"), "compare": "previous_year"}),
    # a slash date whose first number cannot be a month is day first
    ("bookings between 20/03/2026 and 10/05/2026", "bookings",
     {"period": ("2026-03-20", "2026-05-10")}),
    # counts of units in words reach the knobs and spans
    ("forecast accuracy across the previous eight quarters", "forecast_accuracy",
     {"knobs": {"quarters": 8}}),
    ("share of inbound leads reached inside five minutes last quarter", "speed_to_lead",
     {"measure": "within_sla", "knobs": {"sla_minutes": 5}, "period": Q3_27}),
    ("FY27 Q3 scorecard where meeting or exceeding the target counts as a pass", "scorecard",
     {"knobs": {"comparator": ">="}, "period": Q3_27}),
    ("capacity gap next quarter assuming that sellers hit 90% of quota", "quota_capacity",
     {"measure": "gap", "knobs": {"expected_attainment": 0.9}}),
    # "regional" asks for the split by region
    ("regional bookings this year", "bookings", {"group_by": ["region"], "period": YTD}),
]
CASES += [
    # nouns that only say a number is wanted ask which one, whatever scope they carry
    ("pull the numbers for Enterprise East last quarter", CLARIFY,
     {"options": ["bookings", "win rate"]}),
    # a bare quarter of a tool about close dates to come is the one ahead of the as-of day
    ("pipeline closing in Q1 by region", "open_pipeline",
     {"period": ("2027-02-01", "2027-04-30"), "group_by": ["region"]}),
    # everyday words of RevOps
    ("did the ops team meet their SLA on requests last month", "ops_efficiency",
     {"period": ("2026-10-01", "2026-10-31")}),
    ("open deals still owned by deactivated reps", "data_issues",
     {"measure": "inactive_user_with_open_deals"}),
]
CASES += [
    # the unit of a tool's measure is no split
    ("how balanced are the territories next quarter, accounts and pipeline per rep",
     "territory_balance", {"group_by": []}),
    # "past" after a verb of motion is a preposition; "before anything else" no period
    ("what fraction of last quarter's pipeline got pushed past quarter end", "slipping_deals",
     {"measure": "slip_rate", "period": Q3_27}),
    ("win rate matters to us before anything else: by segment for last quarter", "win_rate",
     {"group_by": ["segment"], "period": Q3_27}),
    # stage regressions in everyday words
    ("how many APAC Sales deals went backwards a stage this quarter", "slipping_deals",
     {"measure": "regression_rate", "filters": {"team": ["APAC Sales"]}}),
]
CASES += [
    # fiscal halves with a two-digit year, two-digit-year slash dates, a dash between two days
    ("win rate H2 FY26 by segment", "win_rate",
     {"period": H2_26, "group_by": ["segment"]}),
    ("bookings 3/1/26 thru 5/31/26", "bookings", {"period": MAR_MAY_26}),
    ("bookings by month, 1 Mar 2026 - 31 May 2026", "bookings",
     {"period": MAR_MAY_26, "time_grain": "month"}),
    # knobs written short or with a word between
    ("open deals with no touches >30d", "stale_deals", {"knobs": {"stale_days": 30}}),
    ("stale deal count using a 20 day inactivity threshold", "stale_deals",
     {"knobs": {"stale_days": 20}}),
    ("lead conversion by source last quarter, counting leads that converted within 45 days",
     "lead_conversion", {"knobs": {"window_days": 45}, "group_by": ["lead_source"]}),
    # deals due to close in a window ahead are open deals
    ("opps closing within the next 3 weeks by team", "open_pipeline",
     {"group_by": ["team"]}),
    # a measure of one tool "of" another metric names the tool it measures with
    ("median of quota attainment spread within each team last quarter", "team_distribution",
     {"period": Q3_27}),
    # all of the history, not a trend
    ("bookings from Commercial across the entire history", "bookings",
     {"all_time": True, "time_grain": None}),
]
CASES += [
    # "vs last" with the unit left out; "the same quarter the year before"; within a year named
    ("bookings this month vs last", "bookings", {"compare": "previous_period"}),
    ("win rate Q2 FY27 against the same quarter the year before", "win_rate",
     {"period": ("2026-05-01", "2026-07-31"), "compare": "previous_year"}),
    ("bookings for Mar-May 2026 against the same months of 2025", "bookings",
     {"period": MAR_MAY_26, "compare": "previous_year"}),
    ("fiscal q3 27 bookings compared to fiscal q3 26", "bookings",
     {"period": Q3_27, "compare": "previous_year"}),
    # "1H FY27", a written range with day and year, "through the end of Q3"
    ("average deal size 1H FY27", "avg_deal_size", {"period": H1_27}),
    ("win rate from Mar 1, 2026 to May 31, 2026", "win_rate", {"period": MAR_MAY_26}),
    ("bookings from the start of Q2 through the end of Q3 this fiscal year", "bookings",
     {"period": ("2026-05-01", "2026-10-31")}),
    # knobs in other words
    ("stale deals in APAC, use 30 days instead of the default", "stale_deals",
     {"knobs": {"stale_days": 30}}),
    ("share of open deals with any activity in the past 10 days", "activity_metrics",
     {"knobs": {"stale_days": 10}}),
    ("productivity improvement last quarter measured against a 20% target",
     "productivity_improvement", {"knobs": {"target": 0.2}}),
    ("projected bookings this quarter using only rates with at least 15 closed deals",
     "forecast_projection", {"knobs": {"min_sample": 15}}),
    # "month to month" is a trend; the deals owned by reps reporting to someone are listed
    ("how has win rate moved from month to month this year", "win_rate",
     {"time_grain": "month"}),
    ("list the open deals owned by reps reporting to Tom Becker that are at risk", "deal_risk",
     {"group_by": ["opportunity"], "filters": {"manager": ["Tom Becker"]}}),
]
CASES += [
    # of two overlapping phrases of one length, the one a determiner does not begin wins
    ("how's our forecast accuracy", "forecast_accuracy", {}),
]
CASES += [
    # dates written with dots are day first; an arrow between dates is a range
    ("open pipeline closing 01.12.2026 - 28.02.2027", "open_pipeline",
     {"period": ("2026-12-01", "2027-02-28")}),
    ("average deal size 1.6.2026 to 15.9.2026", "avg_deal_size",
     {"period": ("2026-06-01", "2026-09-15")}),
    ("sales cycle 2026-03-01 \u2192 2026-06-30", "sales_cycle",
     {"period": ("2026-03-01", "2026-06-30")}),
    # a value the data does not know, right before its kind, is asked about in any case
    ("win rate for the nordics region this year", CLARIFY, {}),
    ("NORDICS win rate this year", CLARIFY, {}),
    ("top five industries by win rate this year", "win_rate",
     {"group_by": ["industry"], "top": 5}),
    # a request after a dash; a sentence that sets a knob joins the request
    ("Open deals in EMEA with no recent touch - show them. I count a deal as untouched "
     "after 40 days without activity.", "stale_deals",
     {"group_by": ["opportunity"], "filters": {"region": ["EMEA"]}}),
    # a breakdown listed with the opening and closing balances is the whole bridge
    ("arr walk for last quarter with opening, new, churn and closing", "arr_waterfall",
     {"measure": None, "period": Q3_27}),
]
CASES += [
    # a period or comparison after "not" / "rather than" is not asked for
    ("bookings for the first half, not the second half", "bookings", {"period": H1_27}),
    ("win rate this quarter rather than last quarter", "win_rate", {"compare": None}),
    # a tool whose measures are comparison bases measures against the base named
    ("productivity improvement against the prior quarter", "productivity_improvement",
     {"measure": "previous_period", "compare": None}),
    # "# of" is a number of, "how many $" an amount; absence written with a verb
    ("# of open deals nobody has touched in 50 days", "stale_deals",
     {"measure": "count", "knobs": {"stale_days": 50}}),
    ("how many dollars are in deals with a risk flag", "deal_risk", {"measure": "amount"}),
    ("lost opportunities where the owner never entered a loss reason", "data_issues",
     {"measure": "lost_without_reason"}),
    # tool options in plain words
    ("risky deals, but only count pushes from four pushes on", "deal_risk",
     {"knobs": {"max_pushes": 4}}),
    ("deal risk where a value reduction matters only when larger than 15%", "deal_risk",
     {"knobs": {"amount_cut_pct": 0.15}}),
    ("reporting accuracy for Q3 with a 3 day timing window", "revenue_reporting_accuracy",
     {"knobs": {"timing_window_days": 3}}),
    ("revenue reporting accuracy last quarter, reconciled at the opportunity level",
     "revenue_reporting_accuracy", {"knobs": {"key_level": "opportunity"}}),
    ("tool adoption where a user counts as active only when they log in on 3 distinct days",
     "technology_adoption", {"knobs": {"min_active_days": 3}}),
    ("lead to opp conversion last quarter; only opps opened within 45 days of the lead",
     "lead_conversion", {"knobs": {"window_days": 45}}),
    ("scorecard for Q3 - a metric equal to or above its target passes", "scorecard",
     {"knobs": {"comparator": ">="}}),
]
CASES += [
    # the writer's own segment, said as context or as a role; one of several, in the singular
    ("I look after the Mid-Market segment. What did we book last quarter?", "bookings",
     {"filters": {"segment": ["Mid-Market"]}, "period": Q3_27}),
    ("Which of the managers has the best win rate this year?", "win_rate",
     {"group_by": ["manager"], "top": 1}),
    # "the quarter after this one"; "since the start of fiscal year"; British spellings
    ("pipeline coverage for the quarter after this one", "pipeline_coverage",
     {"period": ("2027-02-01", "2027-04-30")}),
    ("bookings since the start of fiscal year", "bookings", {"period": YTD}),
    ("please analyse the organisation's win rate for last quarter", "win_rate",
     {"period": Q3_27}),
    # a share of keys that match is the match rate
    ("share of records that match the ledger in Q3", "revenue_reporting_accuracy",
     {"measure": "match_rate"}),
]
CASES += [
    # a measure named outside an explaining parenthetical is the one asked for
    ("the weighted forecast for Q4 (closed so far plus open deals times probability)",
     "forecast_rollup", {"measure": "weighted_forecast"}),
    ("win rate per fiscal quarter over the last six quarters", "win_rate",
     {"time_grain": "quarter"}),
    ("how often is the LATAM team winning deals this year", "win_rate",
     {"filters": {"region": ["LATAM"]}}),
    ("of the deals that got to Negotiation last quarter, what percentage eventually closed won",
     "stage_conversion", {"measure": "stage_to_won"}),
    ("productivity improvement last quarter vs a year ago with a target of 20%",
     "productivity_improvement", {"knobs": {"target": 0.2}}),
]
CASES += [
    # "the entire fiscal year" is this fiscal year; a part of a region is no alias of it
    ("weighted pipeline for the entire fiscal year", "weighted_pipeline", {"period": FY27}),
    ("bookings in the Middle East last quarter", CLARIFY, {}),
    # the customers of the recurring base; a loss reason "entered" is no stage entered
    ("number of accounts with an active subscription in APAC", "arr",
     {"measure": "customers"}),
    ("closed-lost opps with no loss reason recorded", "data_issues",
     {"measure": "lost_without_reason"}),
    # activity said positively is coverage; the outcome beats how the deal was sourced
    ("what share of open deals saw some activity in the past 7 days", "activity_metrics",
     {"measure": "coverage", "knobs": {"stale_days": 7}}),
    ("how many partner-sourced deals did we lose last quarter", "opportunity_count",
     {"measure": "lost"}),
    ("for each stage, what percentage of deals ended up closed won last year", "stage_conversion",
     {"measure": "stage_to_won", "group_by": ["stage"]}),
]
CASES += [
    # inactivity said in weeks is stored in days; a context sentence that asks with a verb
    ("open deals in APAC with no activity for 4 weeks", "stale_deals",
     {"knobs": {"stale_days": 28}}),
    ("Quarter close prep: reconcile September bookings with finance. What is the match rate?",
     "revenue_reporting_accuracy", {"measure": "match_rate",
                                    "period": ("2026-09-01", "2026-09-30")}),
]
CASES += [
    # found in review: a period left out alone asks; "not just Q4" keeps the year named;
    # "the whole year" after a year named is that year
    ("open deals not in the current quarter", CLARIFY, {}),
    ("win rate last year - the whole year, not just Q4", "win_rate", {"period": FY26}),
    ("FY2026 bookings for the full year by month", "bookings",
     {"period": FY26, "time_grain": "month"}),
]
CASES += [
    # a snapshot date does not move "this quarter": today's quarter, as it stood then
    ("this quarter's weighted pipeline as it stood as of October 15", "weighted_pipeline",
     {"period": Q4_27, "as_of": "2026-10-15"}),
]
CASES += [
    # a word that alone names several metrics asks which, each option the question with one
    ("churn for the enterprise segment this year", CLARIFY,
     {"options": ["logo churn", "ARR churn", "gross revenue retention"]}),
    ("how good is our accuracy these days?", CLARIFY,
     {"options": ["data accuracy", "forecast accuracy", "revenue reporting accuracy"]}),
    ("show me our logo churn this year", "net_revenue_retention", {"measure": "logo_churn"}),
]
CASES += [
    # dictated and written forms of a period never vanish: "q three", "fiscal twenty six",
    # a day and month without the year, year-first dotted dates, a quarter range, "this half"
    ("bookings q three", "bookings", {"period": Q3_27}),
    ("win rate q two fiscal twenty six", "win_rate", {"period": ("2025-05-01", "2025-07-31")}),
    ("win rate from 3/1 to 5/31", "win_rate", {"period": MAR_MAY_26}),
    ("bookings 2026.03.01 - 2026.05.31", "bookings", {"period": MAR_MAY_26}),
    ("win rate Q1 through Q2 by region", "win_rate", {"period": H1_27, "group_by": ["region"]}),
    ("pipeline coverage for this half", "pipeline_coverage",
     {"period": ("2026-08-01", "2027-01-31")}),
    # a spoken amount is a threshold (asked about); a word right after a value may be the
    # rest of its name; two unknown words right before the metric name whose it is
    ("open deals over two hundred k", CLARIFY, {}),
    ("closed won on enterprise gizmo last quarter", CLARIFY, {}),
    ("hows tom smiths pipeline looking", CLARIFY, {}),
    # a word left over that, with other words of the question, makes a metric's phrase
    ("median cycle for the won new business deals", "sales_cycle", {"measure": "median"}),
    ("the mean size of won deals in EMEA by month", "avg_deal_size",
     {"time_grain": "month", "filters": {"region": ["EMEA"]}}),
]
CASES += [
    # two values named with "which one" or a comparative are compared side by side; a
    # sentence that only names values is the request's topic, never context left out
    ("Healthcare or Retail: which one wins bigger deals on average?", "avg_deal_size",
     {"group_by": ["industry"], "filters": {"industry": ["Healthcare", "Retail"]}}),
    ("emea or apac - who won a bigger share of their closed deals last quarter", "win_rate",
     {"group_by": ["region"], "filters": {"region": ["APAC", "EMEA"]}, "period": Q3_27}),
    # everyday RevOps words: pipe gen is the value created; closed lost; the biggest wins;
    # a deals list; people who left still owning deals; a rep scorecard; pipeline by campaign
    ("pipe gen by region last quarter", "opportunity_count",
     {"measure": "created_amount", "group_by": ["region"], "period": Q3_27}),
    ("count of deals closed lost in FY2026", "opportunity_count",
     {"measure": "lost", "period": FY26}),
    ("our five biggest wins this year", "bookings", {"group_by": ["opportunity"], "top": 5}),
    ("the EMEA risky deals list please", "deal_risk", {"group_by": ["opportunity"]}),
    ("reps who left the company but still own open deals", "data_issues",
     {"measure": "inactive_user_with_open_deals"}),
    ("rep scorecard for last quarter", "leaderboard", {"group_by": ["rep"], "period": Q3_27}),
    ("pipeline sourced by each campaign this year", "campaign_sourced",
     {"group_by": ["campaign"]}),
]
CASES += [
    # a name never vanishes: the subject of "how's X doing", a word before the kind of value
    # it names ("referral-sourced"), a capitalized word never read as a near vocabulary word
    ("how's zebulon doing vs quota this quarter", CLARIFY, {}),
    ("referral-sourced pipeline this quarter", CLARIFY, {}),
    ("sync errors on the Marketo integration last week", CLARIFY, {}),
    # May as a month before a range word; a calendar year to date; an exclusion reaching names
    # across the words describing them
    ("win rate trend by month, May thru October 2026", "win_rate",
     {"period": ("2026-05-01", "2026-10-31"), "time_grain": "month"}),
    ("deals created by month, calendar 2026 to date", "opportunity_count",
     {"period": ("2026-01-01", "2026-11-26"), "time_grain": "month", "measure": "created"}),
    ("win rate this year if you take out the two new hires Darcel Schlecht and Anna Snelling",
     "win_rate", {"excluded": {"rep": ["Anna Snelling", "Darcel Schlecht"]}}),
    # a value inside a metric phrase stays a filter ("responding to inbound leads")
    ("how fast are we responding to inbound leads", "speed_to_lead",
     {"filters": {"lead_source": ["Inbound"]}}),
    # attainment so far this quarter is against the whole quarter's quota
    ("my team's attainment so far this quarter", "quota_attainment", {"period": Q4_27}),
    # a writer named with an initial is found, or asked about
    ("Darcel S here. which of my open deals have gone stale?", "stale_deals",
     {"filters": {"rep": ["Darcel Schlecht"]}, "group_by": ["opportunity"]}),
    ("Darcel Q here. which of my open deals have gone stale?", CLARIFY, {}),
]
CASES += [
    # a message that carries its own thread: what was answered, then the change
    ("Thanks for the win rate by region. Can you do the same for Q2?", "win_rate",
     {"group_by": ["region"], "period": ("2026-05-01", "2026-07-31")}),
    ("Same bookings-by-segment view as before, but for last fiscal year", "bookings",
     {"group_by": ["segment"], "period": FY26}),
    ("Earlier you gave me open pipeline by stage for EMEA. Same again but drop Prospecting.",
     "open_pipeline", {"group_by": ["stage"], "filters": {"region": ["EMEA"]},
                       "excluded": {"stage": ["Prospecting"]}}),
    ("stale deals in EMEA - use 45 days instead of the usual cutoff", "stale_deals",
     {"filters": {"region": ["EMEA"]}, "knobs": {"stale_days": 45}}),
]
CASES += [
    # an order without a number sorts the whole list ("worst first" had answered the one
    # worst rep); "high to low", "ascending" the same; "dollar value" is the amount
    ("win rate by rep last quarter, worst first", "win_rate",
     {"group_by": ["rep"], "order": "asc", "top": None}),
    ("bookings by region this year, high to low", "bookings",
     {"group_by": ["region"], "order": "desc", "top": None}),
    ("dollar value of deals created last quarter by team", "opportunity_count",
     {"measure": "created_amount", "group_by": ["team"], "period": Q3_27}),
]
CASES += [
    # 'his' or 'her' points at a person: the one a context sentence names by first name, or,
    # with no one named, asked about (never the company's number)
    ("Darcel started in February. Show me his bookings month by month this fiscal year",
     "bookings", {"filters": {"rep": ["Darcel Schlecht"]}, "time_grain": "month"}),
    ("show me his bookings this year", CLARIFY, {}),
]
CASES += [
    # deals said to be closing are open ones, by a close date to come; a split listed after
    # a split cue never votes for the metric its words also name; "excluding anyone on";
    # a tally is a count
    ("top 3 deals closing this quarter", "open_pipeline",
     {"group_by": ["opportunity"], "top": 3, "period": Q4_27}),
    ("negotiation deals closing in december", "open_pipeline", {"period": DEC26}),
    ("open pipeline this quarter split by stage and forecast category", "open_pipeline",
     {"group_by": ["stage", "forecast_category"], "period": Q4_27}),
    ("bottom 3 reps by win rate this year, excluding anyone on EMEA", "win_rate",
     {"group_by": ["rep"], "top": 3, "order": "asc", "excluded": {"region": ["EMEA"]}}),
    ("per-rep tally of stale deals", "stale_deals", {"group_by": ["rep"], "measure": "count"}),
]
CASES += [
    # exclusions in the writers' own words never become filters of the value excluded
    ("weighted pipeline for EMEA, leave out anything still sitting in Prospecting",
     "weighted_pipeline", {"filters": {"region": ["EMEA"]},
                           "excluded": {"stage": ["Prospecting"]}}),
    ("win rate by industry this year, don't count Retail", "win_rate",
     {"group_by": ["industry"], "excluded": {"industry": ["Retail"]}}),
    ("bookings per region last quarter, no renewal deals", "bookings",
     {"group_by": ["region"], "excluded": {"deal_type": ["renewal"]}, "period": Q3_27}),
    ("win rate by value (not count) for EMEA last quarter", "win_rate",
     {"filters": {"region": ["EMEA"]}, "measure": "value", "period": Q3_27}),
    # every month of a list joins the span; a short date range with a dash; "this quarter?"
    # before "closed plus commit" is still this quarter
    ("bookings by month for Aug, Sep and Oct", "bookings",
     {"period": ("2026-08-01", "2026-10-31"), "time_grain": "month"}),
    ("win rate 8/1-10/31", "win_rate", {"period": ("2026-08-01", "2026-10-31")}),
    ("what are the teams committing to for this quarter? closed plus commit, per team",
     "forecast_rollup", {"period": Q4_27, "group_by": ["team"], "measure": "commit_forecast"}),
]
CASES += [
    # found in review: describing words reach an exclusion only where nothing narrows them
    # ("the new reps in EMEA": EMEA stays, the new reps are asked about); "drop" and "no"
    # exclude only as a request; fractions are no dates; a spoken amount composes; a
    # prorated attainment keeps the quota to date; Title Case names nothing
    ("win rate for everyone except the new hires in EMEA", CLARIFY, {}),
    ("why did bookings drop EMEA vs APAC", CLARIFY, {}),
    ("open deals over two hundred fifty K", CLARIFY, {}),
    ("quota attainment QTD prorated", "quota_attainment",
     {"period": ("2026-11-01", "2026-11-26")}),
    ("Open Pipelien By Region", "open_pipeline", {"group_by": ["region"]}),
    ("bookings from 11/1 to 11/30", "bookings", {"period": ("2026-11-01", "2026-11-30")}),
]
CASES += [
    # a split of integration flows asked as 'per flow' or 'which integration' (the flows'
    # systems as values: tests/test_metrics_technology.py, on the demo company)
    ("sync volume per flow last quarter", "integration_health",
     {"group_by": ["tool"], "measure": "syncs", "period": Q3_27}),
    ("which integration is slowest to sync", "integration_health", {"group_by": ["tool"]}),
    # 'worst' and 'best' judge: on a measure where less is better (days, errors, slips) the
    # worst is the largest value; 'highest', 'longest' keep their sense
    ("which flow had the worst sync error rate last quarter", "integration_health",
     {"group_by": ["tool"], "top": 1, "order": "desc", "period": Q3_27}),
    ("worst 3 reps on sales cycle this year", "sales_cycle",
     {"group_by": ["rep"], "top": 3, "order": "desc"}),
    ("slip rate by team last quarter, best first", "slipping_deals",
     {"group_by": ["team"], "order": "asc", "period": Q3_27}),
    ("which reps have the lowest win rate", "win_rate", {"group_by": ["rep"], "order": "asc"}),
    # 'the same quarter last year' is one quarter, not the year; after 'vs' it names the
    # comparison; a month range without a year beside the period it spells is that period
    ("average deal size for the same quarter last year", "avg_deal_size",
     {"period": ("2025-11-01", "2026-01-31")}),
    ("bookings this month vs the same month last year", "bookings",
     {"compare": "previous_year", "period": ("2026-11-01", "2026-11-30")}),
    ("commit for next quarter (Feb - Apr)", "forecast_rollup",
     {"period": ("2027-02-01", "2027-04-30")}),
    # 'the drop in X' compares with the period before; 'is X the same for A and B', 'each',
    # 'individually' split the values named; 'which one' asks which value, not which rep
    ("the decline in APAC bookings last quarter", "bookings",
     {"filters": {"region": ["APAC"]}, "compare": "previous_period", "period": Q3_27}),
    ("is average deal size the same for SMB and Mid-Market", "avg_deal_size",
     {"group_by": ["segment"], "filters": {"segment": ["Mid-Market", "SMB"]}}),
    ("open pipeline for EMEA and LATAM individually", "open_pipeline",
     {"group_by": ["region"], "filters": {"region": ["EMEA", "LATAM"]}}),
    ("Enterprise or SMB, which one do the reps close at a higher win rate", "win_rate",
     {"group_by": ["segment"], "filters": {"segment": ["Enterprise", "SMB"]}}),
    # 'all <values>' beside another split is the scope; 'which of <manager>'s reps' splits
    # by rep; a fiscal year or its to-date compared with the one before is a year earlier
    ("weighted pipeline across all segments, by stage", "weighted_pipeline",
     {"group_by": ["stage"]}),
    ("Which of Maria Gonzalez's reps has the biggest open pipeline", "open_pipeline",
     {"group_by": ["rep"], "top": 1, "filters": {"manager": ["Maria Gonzalez"]}}),
    ("win rate this fiscal year vs the prior one", "win_rate", {"compare": "previous_year"}),
    ("deal count this year compared with where we were at this point last year",
     "opportunity_count", {"compare": "previous_year"}),
    # a self-correction keeps the thread; 'what did we book'; 'new pipeline' is created;
    # a count of deals lacking a field is the data issue; 'how many dollars' is the amount
    ("What's the commit this quarter? hmm, actually give me most likely instead",
     "forecast_rollup", {"measure": "most_likely_forecast", "period": Q4_27}),
    ("what did we book in APAC last month", "bookings",
     {"filters": {"region": ["APAC"]}, "period": ("2026-10-01", "2026-10-31")}),
    ("new pipeline by month this fiscal year", "opportunity_count",
     {"measure": "created_amount", "time_grain": "month"}),
    ("how many open deals have no close date, by rep", "data_issues",
     {"group_by": ["rep"], "measure": "missing_close_date"}),
    ("how many pipeline dollars are at risk in LATAM", "deal_risk",
     {"filters": {"region": ["LATAM"]}, "measure": "amount"}),
]
CASES += [
    # knobs in more of the writers' words: weeks, "look back", "measured on", "average"
    ("forecast bias over the last 4 quarters, measured on commit", "forecast_accuracy",
     {"measure": "bias", "knobs": {"forecast": "commit", "quarters": 4}}),
    ("stale deals by rep, nobody has touched them in 3 weeks", "stale_deals",
     {"group_by": ["rep"], "knobs": {"stale_days": 21}}),
    ("quota capacity next quarter if my reps average 90% of quota", "quota_capacity",
     {"knobs": {"expected_attainment": 0.9}, "period": ("2027-02-01", "2027-04-30")}),
    ("how close did the forecast come to actual bookings, looking back 6 quarters",
     "forecast_accuracy", {"knobs": {"quarters": 6}}),
    # a list ending in 'etc' gives examples of the split; 'region breakdown' is a split;
    # 'quarter on quarter' compares; "median cycle" is the sales cycle
    ("win rate by lead source - inbound, partner etc - this year", "win_rate",
     {"group_by": ["lead_source"], "filters": {}}),
    ("pipeline coverage next quarter, region breakdown", "pipeline_coverage",
     {"group_by": ["region"], "period": ("2027-02-01", "2027-04-30")}),
    ("Q3 win rate quarter on quarter", "win_rate",
     {"compare": "previous_period", "period": Q3_27}),
    ("median cycle by segment this fiscal year", "sales_cycle",
     {"group_by": ["segment"], "measure": "median"}),
    # 'as of the end of' a span: that span when it is the only one named, else the day the
    # data is read as of; 'the month' of a context sentence that names it; a JSON period
    ("ARR by segment as of the end of FY2026", "arr",
     {"group_by": ["segment"], "period": FY26}),
    ("open pipeline for Q3 as of the end of Q2", "open_pipeline",
     {"period": Q3_27, "as_of": "2026-07-31"}),
    ("Closing September. What did we book in the month?", "bookings",
     {"period": ("2026-09-01", "2026-09-30")}),
    ('{"metric": "bookings", "period": {"start": "2026-08-01", "end": "2026-09-15"}}',
     "bookings", {"period": ("2026-08-01", "2026-09-15")}),
    # a list of open deals is every open deal when no close window is named
    ("top 5 open deals for Darcel Schlecht", "open_pipeline",
     {"group_by": ["opportunity"], "top": 5, "all_time": True,
      "filters": {"rep": ["Darcel Schlecht"]}}),
]
CASES += [
    # ranked within a team: its people; two values a leaderboard compares are its rows;
    # "who ... more" compares the people named
    ("top 3 on Maria Gonzalez's team by bookings this year", "bookings",
     {"group_by": ["rep"], "top": 3, "filters": {"manager": ["Maria Gonzalez"]}}),
    ("Partner vs Inbound: win rate and sales cycle this year", "leaderboard",
     {"group_by": ["lead_source"], "filters": {"lead_source": ["Inbound", "Partner"]}}),
    ("Darcel Schlecht and Anna Snelling: who booked more this year?", "bookings",
     {"group_by": ["rep"], "filters": {"rep": ["Anna Snelling", "Darcel Schlecht"]}}),
    ("what % of leads got a first touch inside 10 min this quarter", "speed_to_lead",
     {"measure": "within_sla", "knobs": {"sla_minutes": 10}, "period": Q4_27}),
]
CASES += [
    # an exclusion written after the value ("partner-sourced deals excluded"); "split by" and
    # "broken out by" name the split, not a comparison of the values filtered; "each stage"
    # is the split by stage
    ("win rate on new business this year, partner-sourced deals excluded, broken out by "
     "segment", "win_rate", {"group_by": ["segment"], "excluded": {"lead_source": ["Partner"]},
                             "filters": {"deal_type": ["new_business"]}}),
    ("open pipeline next quarter in Proposal or Negotiation - split by team please",
     "open_pipeline", {"group_by": ["team"], "filters": {"stage": ["Negotiation", "Proposal"]},
                       "period": ("2027-02-01", "2027-04-30")}),
    ("stage conversion at each stage for FY2026, Healthcare and Retail accounts only",
     "stage_conversion", {"group_by": ["stage"], "period": FY26}),
    # a correction in the same message is a follow-up of the sentence before it; a label
    # naming only a period is the request's period
    ("Win rate by team last quarter. Actually - just the Enterprise segment.", "win_rate",
     {"group_by": ["team"], "filters": {"segment": ["Enterprise"]}, "period": Q3_27}),
    ("H1 FY27: lead to opportunity conversion per source", "lead_conversion",
     {"group_by": ["lead_source"], "period": ("2026-02-01", "2026-07-31")}),
    ("which deals are sitting in the pipeline with no close date", "data_issues",
     {"measure": "missing_close_date"}),
]
CASES += [
    # found in review: 'the quarter' is the current one unless a context sentence names a
    # quarter; "the fall" is a season; 'etc' after other words lists nothing; "which one of
    # our regions" splits; "each of the last 3 quarters" is a trend; a rank word that says
    # which end ("top 3", "most") keeps it; "best and worst" flips nothing
    ("Last year was rough. How is the pipeline coverage for the quarter?", "pipeline_coverage",
     {"period": Q4_27}),
    ("What did we book in the fall in EMEA?", "bookings",
     {"period": ("2026-09-01", "2026-11-30"), "filters": {"region": ["EMEA"]}, "compare": None}),
    # (each value listed is a row of its own: parse._each_listed)
    ("EMEA and APAC bookings, deal counts etc this quarter", "bookings",
     {"filters": {"region": ["APAC", "EMEA"]}, "group_by": ["region"]}),
    ("which one of our regions had the best win rate", "win_rate",
     {"group_by": ["region"], "top": 1}),
    ("win rate for EMEA and APAC in each of the last 3 quarters", "win_rate",
     {"time_grain": "quarter", "filters": {"region": ["APAC", "EMEA"]}}),
    ("top 3 stages by time in stage - where are we struggling?", "time_in_stage",
     {"group_by": ["stage"], "top": 3, "order": "desc"}),
    ("reps with the most stale deals, worst first", "stale_deals",
     {"group_by": ["rep"], "order": "desc"}),
    ("top 3 of the Commercial team's open deals", "open_pipeline",
     {"group_by": ["opportunity"], "top": 3}),
]
CASES += [
    # a value named with its dimension word inside a metric phrase ("in the commit category");
    # shorthand and typos of the field ("teh", "src", "incl"); "sum of";
    # "who is further along" compares the people named
    ("how many dollars in the commit category are at risk this quarter", "deal_risk",
     {"filters": {"forecast_category": ["commit"]}, "measure": "amount", "period": Q4_27}),
    ("whats teh avg deal size by lead src last qtr", "avg_deal_size",
     {"group_by": ["lead_source"], "period": Q3_27}),
    ("sum of open pipeline for Darcel Schlecht this quarter", "open_pipeline",
     {"filters": {"rep": ["Darcel Schlecht"]}, "period": Q4_27}),
    ("who's further along on quota this quarter, Darcel Schlecht or Anna Snelling?",
     "quota_attainment", {"group_by": ["rep"],
                          "filters": {"rep": ["Anna Snelling", "Darcel Schlecht"]}}),
]
CASES += [
    # a value replaced by another of its kind is left out ("X rather than Y", "swap Y for X",
    # "X, not Y"); a period written only after a comparison word is what the current one is
    # set against; a what-if's number is read as the tool's own knob wherever a word naming
    # the knob stands next to it (vocab/knobs.toml), the value it replaces never
    ("win rate for the LATAM region last quarter - no, APAC rather than LATAM", "win_rate",
     {"filters": {"region": ["APAC"]}, "period": Q3_27}),
    ("bookings in APAC this quarter. actually switch APAC to LATAM", "bookings",
     {"filters": {"region": ["LATAM"]}, "period": Q4_27}),
    ("open pipeline for EMEA, not APAC, this quarter", "open_pipeline",
     {"filters": {"region": ["EMEA"]}, "excluded": {}}),
    ("bookings this quarter compared with Q3", "bookings",
     {"period": Q4_27, "compare": "previous_period"}),
    ("win rate compared with the same quarter last year", "win_rate",
     {"period": Q4_27, "compare": "previous_year"}),
    ("win rate against Q1", CLARIFY, {}),
    ("deal risk for this quarter if a deal needs at least four warning flags to count",
     "deal_risk", {"knobs": {"min_score": 4}, "period": Q4_27}),
    ("how much pipeline is at risk if ten days of silence is the trigger instead of 30 days",
     "deal_risk", {"knobs": {"inactive_days": 10}}),
    ("productivity improvement for last quarter if the goal were 25% instead",
     "productivity_improvement", {"knobs": {"target": 0.25}, "period": Q3_27}),
    ("quota capacity for next quarter against a $40M plan", "quota_capacity",
     {"knobs": {"target": 40_000_000.0}, "period": Q1_28}),
    ("revenue reporting accuracy for Q3 with a 2.5% tolerance", "revenue_reporting_accuracy",
     {"knobs": {"rel_tolerance": 0.025}}),
    ("how many stale deals, counting 2 weeks without a touch", "stale_deals",
     {"knobs": {"stale_days": 14}}),
]
CASES += [
    # the period before in shorthand after a comparison word; months with no day and a
    # two-digit year; the quarter so far written as a span; "the quarter that just closed";
    # "from the lowest ... upward" is the whole list in that order; a dimension word that says
    # what the listed deals are; inline key=value task lines; a quoted forwarded request; the
    # writer's belief after a dash is context; a what-if's threshold in the sentence before
    ("bookings ytd vs ly", "bookings", {"period": YTD, "compare": "previous_year"}),
    ("win rate this qtr vs lq", "win_rate", {"period": Q4_27, "compare": "previous_period"}),
    ("open pipeline by team, feb-apr 27", "open_pipeline",
     {"period": Q1_28, "group_by": ["team"]}),
    ("bookings from the start of the quarter to today", "bookings",
     {"period": ("2026-11-01", "2026-11-26")}),
    ("win rate by rep for the quarter that just closed", "win_rate",
     {"period": Q3_27, "group_by": ["rep"]}),
    ("list the reps by quota attainment this quarter, from the lowest upward",
     "quota_attainment", {"group_by": ["rep"], "order": "asc", "top": None}),
    ("the top 5 individual deals we won this fiscal year", "bookings",
     {"group_by": ["opportunity"], "top": 5}),
    ("task=win_rate_report split=region window=last_fiscal_quarter", "win_rate",
     {"group_by": ["region"], "period": Q3_27}),
    ("Forwarded from the CRO: 'what is our win rate by segment this quarter?'", "win_rate",
     {"group_by": ["segment"], "period": Q4_27}),
    ("Same win rate view but EMEA only - I suspect Enterprise East there.", "win_rate",
     {"filters": {"region": ["EMEA"]}}),
    ("average sales cycle by region for Q2, wait no, I need Q3", "sales_cycle",
     {"period": Q3_27, "group_by": ["region"]}),
    ("task=bookings_report exclude=deal type renewal window=last_fiscal_quarter", "bookings",
     {"excluded": {"deal_type": ["renewal"]}, "period": Q3_27}),
    ("The plan for next quarter is $30M. With the reps we have now, how big is the gap?",
     "quota_capacity", {"measure": "gap", "knobs": {"target": 30_000_000.0}, "period": Q1_28}),
]
CASES += [
    # found in review: a number is a knob only in the sense the knob takes it: a count with
    # the words that make it a threshold ("at least", "more than": one more), never a top-N,
    # a year, a bound the knob cannot hold, a window or point in time, a population's bound or
    # a change; a replaced value keeps the one before the cue, and the values listed with it go
    ("deals at risk with more than 2 risk flags", "deal_risk", {"knobs": {"min_score": 3}}),
    ("deals at risk with fewer than 3 risk flags", CLARIFY, {}),
    ("which 4 reps have the most flagged deals", "deal_risk",
     {"group_by": ["rep"], "top": 4, "knobs": {}}),
    ("leads converted in the past 60 days", "lead_conversion",
     {"period": ("2026-09-28", "2026-11-26"), "knobs": {}}),
    ("productivity improvement for reps above 80% of target", "productivity_improvement",
     {"threshold": (">", 0.8, "ratio", True)}),  # the attainment it names: asked at the answer
    ("bookings for EMEA instead of APAC and LATAM", "bookings",
     {"filters": {"region": ["EMEA"]}}),
    ("bookings from jan to mar 24", "bookings", {"period": ("2026-01-01", "2026-03-24")}),
]
CASES += [
    # a request whose only period word is its comparison ("vs a year ago") takes the period of
    # the sentence before; the word before "slide" names the slide
    ("The CFO wants last quarter's closed-won revenue year over year. What did we book and "
     "how much did it grow vs a year ago?", "bookings",
     {"period": Q3_27, "compare": "previous_year"}),
    ("stage by stage conversion so far this fiscal year, for the process slide",
     "stage_conversion", {"group_by": ["stage"], "period": YTD}),
]
CASES += [
    # tenth session: a what-if no tool applies asks (its own threshold is read); the unit a
    # question asks about ("which competitors") is never dropped; how often deals are won,
    # said in words, is the win rate; "from A to B" with a change word compares B with A
    ("pipeline coverage next quarter assuming quota rises 20%", CLARIFY, {}),
    ("with three extra AEs what would our capacity be next quarter", CLARIFY, {}),
    ("stale deal count if stale meant 50 days", "stale_deals", {"knobs": {"stale_days": 50}}),
    ("which vendors do we lose the most deals to", CLARIFY, {}),
    ("top 3 reasons deals slipped last quarter", CLARIFY, {}),
    ("our ten biggest wins this year", "bookings", {"group_by": ["opportunity"], "top": 10}),
    ("what fraction of our deals do we end up winning in EMEA", "win_rate",
     {"filters": {"region": ["EMEA"]}}),
    ("which segment wins at the highest rate", "win_rate", {"group_by": ["segment"]}),
    ("what share of bookings came from renewals", "leaderboard",
     {"group_by": ["deal_type"], "filters": {}}),  # a share: the split, renewal beside the rest
    ("how did bookings move from August to September", "bookings",
     {"period": ("2026-09-01", "2026-09-30"), "compare": "previous_period"}),
    ("bookings from August to September", "bookings", {"period": ("2026-08-01", "2026-09-30")}),
    ("win rate by industry and deal type last quarter", "win_rate",
     {"group_by": ["industry", "deal_type"], "period": Q3_27}),
    ("who were our five largest accounts by bookings last fiscal year", "bookings",
     {"group_by": ["account"], "top": 5, "period": FY26}),
    ("Hub relay from the VP office: open pipeline by stage for this quarter", "open_pipeline",
     {"group_by": ["stage"], "period": Q4_27}),
    ("Scheduler job WK-12 (weekly): bookings by region last quarter", "bookings",
     {"group_by": ["region"], "period": Q3_27}),
]
CASES += [
    # tenth session, second round: on the recurring-revenue tools a deal type is a movement
    # (retention without expansion is the gross retention); a measure named only by the split's
    # words gives way to the metric's own; a label that relays the question is no part of it
    # (one naming a metric stays); "X asked me which ..." passes a question on; a trend said
    # "quarter over quarter" is by quarter; the 'which ... renewals' are the deals
    ("logo and dollar retention leaving out expansion", "net_revenue_retention",
     {"measure": "grr", "filters": {}}),
    ("new ARR from new business deals this fiscal year", "arr_waterfall",
     {"measure": "new", "filters": {}, "period": YTD}),
    ("top 3 accounts by recurring revenue", "arr",
     {"group_by": ["account"], "top": 3, "measure": None}),
    ("Procurement question: which segment has the lowest win rate this year", "win_rate",
     {"group_by": ["segment"], "top": 1, "order": "asc"}),
    ("win rate request: by region for last quarter", "win_rate",
     {"group_by": ["region"], "period": Q3_27}),
    ("Omar asked me which EMEA deals slipped out of last quarter", "slipping_deals",
     {"group_by": ["opportunity"], "filters": {"region": ["EMEA"]}, "period": Q3_27}),
    ("bookings trended month over month", "bookings", {"time_grain": "month", "compare": None}),
    ("which renewals are at risk this quarter", "deal_risk",
     {"group_by": ["opportunity"], "filters": {"deal_type": ["renewal"]}, "period": Q4_27}),
    ("deals untouched for 60+ days, how many", "stale_deals",
     {"knobs": {"stale_days": 60}, "measure": "count"}),
]
CASES += [
    # "why" asked outright is read as the "why?" of a conversation (split by the broadest
    # driver, against the period before); why one deal went as it did asks back
    ("why did win rate drop last quarter", "win_rate",
     {"group_by": ["region"], "compare": "previous_period", "period": Q3_27}),
    ("why did we lose the Acme deal", CLARIFY, {}),
    ("which three campaigns sourced the most closed-won revenue in H1", "campaign_sourced",
     {"group_by": ["campaign"], "top": 3, "measure": "bookings"}),
    ("how much ARR came from new logos last quarter", "arr_waterfall",
     {"measure": "new", "filters": {}, "period": Q3_27}),
    ("how fast did reps respond to leads last quarter", "speed_to_lead",
     {"group_by": [], "period": Q3_27}),
]
CASES += [
    # a key: value task written on one line with semicolons; a signature "Name, Team." or
    # "Name for the Team team -" is who writes (the name no filter, the team whose "our" is);
    # "the N most recent completed quarters" is a period, not a top N
    ("Task 77 - metric: win rate; split: segment; period: last fiscal quarter", "win_rate",
     {"group_by": ["segment"], "period": Q3_27}),
    ("forecast accuracy over the three most recent completed quarters", "forecast_accuracy",
     {"period": ("2026-02-01", "2026-10-31"), "top": None}),
    ("how close did our forecasts come to what we actually closed last year", "forecast_accuracy",
     {}),
    ("are we closing a higher share of our deals than last quarter", "win_rate",
     {"group_by": [], "top": None}),
]
CASES += [
    # found in review: a label naming a value stays; an @-mention inside a question is a value;
    # "check if" is whether, no what-if; a verb after "what" is no unit asked about; "did reps
    # hit quota" judges each rep; a share of wins is no win rate
    ("Question about the Enterprise segment: what's our win rate this quarter?", "win_rate",
     {"filters": {"segment": ["Enterprise"]}, "period": Q4_27}),
    ("open pipeline for @EMEA this quarter", "open_pipeline",
     {"filters": {"region": ["EMEA"]}, "period": Q4_27}),
    ("Can you check if the top 3 reps in EMEA hit quota last quarter?", "quota_attainment",
     {"group_by": ["rep"], "top": 3, "filters": {"region": ["EMEA"]}, "period": Q3_27}),
    ("What happens to win rate if we exclude renewals?", "win_rate",
     {"excluded": {"deal_type": ["renewal"]}}),
    ("Did reps hit their quota last quarter?", "quota_attainment",
     {"group_by": ["rep"], "period": Q3_27}),
    ("What share of our wins last quarter came from partners?", CLARIFY, {}),
]
CASES += [
    # twelfth session, from the first runs of blind46-49: a superlative before a unit ranks
    # the units ("our best month"); a top N with nothing to rank is asked about, and a top N as
    # the population ("of our top 20 accounts") is never read as a ranking; a word listed with
    # a value of the data is a value asked about; values compared over "Q2 and Q3" read one
    # span; "both" and "their" point back at each value named; the metric named by its name
    # stays what is asked; a metric set against another whose definition holds it is read
    ("what was our best month for bookings this fiscal year", "bookings",
     {"time_grain": "month", "top": 1, "period": YTD}),
    ("which was our top quarter of FY2026", "bookings",
     {"time_grain": "quarter", "top": 1, "period": FY26}),
    ("worst quarter for win rate last fiscal year", "win_rate",
     {"time_grain": "quarter", "top": 1, "order": "asc", "period": FY26}),
    ("top 5 bookings", CLARIFY, {"options": ["top 5 deals", "top 5 by rep"]}),
    ("what percent of our top 20 accounts churned", CLARIFY, {}),
    ("win rate for EMEA and the nordics", CLARIFY, {"options": ["EMEA"]}),
    ("EMEA vs APAC win rate over Q2 and Q3", "win_rate",
     {"group_by": ["region"], "filters": {"region": ["EMEA", "APAC"]},
      "period": ("2026-05-01", "2026-10-31")}),
    ("win rate in the second and third quarters of this fiscal year", "win_rate",
     {"period": ("2026-05-01", "2026-10-31")}),
    ("Between May 1 and October 31, did our EMEA deals close at a better rate than our APAC "
     "ones? Show both win rates side by side.", "win_rate",
     {"group_by": ["region"], "filters": {"region": ["EMEA", "APAC"]},
      "period": ("2026-05-01", "2026-10-31")}),
    ("how much has win rate increased since Q1", CLARIFY, {}),
    ("rep win rates last quarter", "win_rate", {"group_by": ["rep"], "period": Q3_27}),
    ("segment deal sizes this year", "avg_deal_size", {"group_by": ["segment"], "period": YTD}),
    ("how closely did what we booked last quarter line up with what hit the ledger",
     "revenue_reporting_accuracy", {"period": Q3_27}),
    ("any closed won deals booked at $0 this year?", CLARIFY, {}),
    ("Anna Snelling and Darcel Schlecht are both on Enterprise East; their bookings this year "
     "next to each other", "bookings",
     {"group_by": ["rep"], "filters": {"rep": ["Anna Snelling", "Darcel Schlecht"]},
      "period": YTD}),
    ("John Doe's bookings last quarter split by new business, expansion, renewal and so on",
     "bookings", {"group_by": ["deal_type"], "filters": {"rep": ["John Doe"]}, "period": Q3_27}),
    ("bookings by month over the last three quarters", "bookings",
     {"time_grain": "month", "period": ("2026-02-01", "2026-10-31")}),
    ("plan vs actual by region this fiscal year", "quota_attainment",
     {"group_by": ["region"], "period": FY27}),
    ("which three reps finished furthest below plan last quarter", "quota_attainment",
     {"group_by": ["rep"], "top": 3, "order": "asc", "period": Q3_27}),
    ("NRR for the twelve months ending Oct 31, 2026", "net_revenue_retention",
     {"period": ("2025-11-01", "2026-10-31")}),
    ("of the customers we had a year ago, what share are still with us",
     "net_revenue_retention", {"measure": "logo_retention"}),
    ("how does next year's budget compare with this year's bookings", CLARIFY, {}),
    ("pipe coverage x team this quarter", "pipeline_coverage",
     {"group_by": ["team"], "period": Q4_27}),
    ("how fast are reps getting back to new leads? split it by lead source, last quarter",
     "speed_to_lead", {"group_by": ["lead_source"], "period": Q3_27}),
    ("bookings by region, not by rep", "bookings", {"group_by": ["region"]}),
    ("Forecast review, EMEA: what's our win rate this quarter?", "win_rate",
     {"filters": {"region": ["EMEA"]}, "period": Q4_27}),
    ("how many deals supposedly closed before they were even created", "data_issues",
     {"measure": "closed_before_created"}),
    ("Wilburn Farren (APAC) bookings this year", "bookings",
     {"filters": {"rep": ["Wilburn Farren"]}, "period": YTD}),
    ("PM-3340 - walk me through how Q3's pipeline moved: new, pulled in, won, lost, slipped",
     "pipeline_movement", {"period": Q3_27}),
    ("average days from creation to close for won deals, one row per segment. Needed for the "
     "capacity model.", "sales_cycle", {"group_by": ["segment"]}),
    ("For Maria Gonzalez's reps: who has the most open deals with a close date in the past?",
     "data_issues", {"group_by": ["rep"], "filters": {"manager": ["Maria Gonzalez"]}}),
]
CASES += [
    # the review of the twelfth session's change and the first runs of blind54-56: people
    # judged while "tracking" are each judged; a remark is no label; a top N is a ranking
    # unless it is who a share is asked of; "including the current one" ends today; "every
    # region but APAC" leaves APAC out; a day range in March or May; values pointed back at
    # with "both their" and "those two" are each shown; values listed are each shown unless
    # counted together; "her" between two people is asked about
    ("how are reps tracking to quota this quarter", "quota_attainment",
     {"group_by": ["rep"], "period": Q4_27}),
    ("Thanks for the APAC numbers yesterday. Now, bookings by region this year?", "bookings",
     {"group_by": ["region"], "filters": {}}),
    ("bookings of the top 5 reps this quarter", "bookings",
     {"group_by": ["rep"], "top": 5, "period": Q4_27}),
    ("bookings in the last 2 quarters, including the current one", "bookings",
     {"period": ("2026-05-27", "2026-11-26")}),
    ("win rate for every region but APAC", "win_rate",
     {"group_by": ["region"], "excluded": {"region": ["APAC"]}}),
    ("excluding renewals, EMEA win rate", "win_rate",
     {"filters": {"region": ["EMEA"]}, "excluded": {"deal_type": ["renewal"]}}),
    ("bookings March 1-15", "bookings", {"period": ("2026-03-01", "2026-03-15")}),
    ("APAC and LATAM missed plan. Show both their win rates.", "win_rate",
     {"group_by": ["region"], "filters": {"region": ["APAC", "LATAM"]}}),
    ("top 3 months for bookings this fiscal year", "bookings",
     {"time_grain": "month", "top": 3}),
    ("aside from that, how is EMEA pipeline", "open_pipeline",
     {"filters": {"region": ["EMEA"]}}),
    ("pipeline coverage next quarter for Anna Snelling, Darcel Schlecht and John Doe",
     "pipeline_coverage", {"group_by": ["rep"],
                           "filters": {"rep": ["Anna Snelling", "Darcel Schlecht", "John Doe"]}}),
    ("bookings for EMEA and APAC combined this year", "bookings",
     {"group_by": [], "filters": {"region": ["EMEA", "APAC"]}}),
    ("weighted pipeline closing next quarter, EMEA and APAC only", "weighted_pipeline",
     {"group_by": [], "filters": {"region": ["EMEA", "APAC"]}}),
    ("John Doe and Darcel Schlecht are up for the Club; Anna Snelling isn't in the running this "
     "year. What was the Q3 quota attainment of those two?", "quota_attainment",
     {"group_by": ["rep"], "filters": {"rep": ["John Doe", "Darcel Schlecht"]}, "period": Q3_27}),
    ("Anna and Maria both sent me their forecast notes. What's her team's commit?", CLARIFY,
     {"options": ["Anna Snelling", "Maria Gonzalez"]}),
    ("At the board prep on November 18 the CFO said a few customers carried Q3. Which three "
     "accounts booked the most in that quarter?", "bookings",
     {"group_by": ["account"], "top": 3, "period": Q3_27}),
    ("win rate for EMEA and globally", CLARIFY, {}),
    ("For the plan assumptions I need the average deal size per segment this fiscal year so far",
     "avg_deal_size", {"group_by": ["segment"], "period": YTD}),
    ("[Hub] Task 3310: report net revenue retention, segment = Enterprise, default trailing "
     "window.", "net_revenue_retention", {"group_by": [], "top": None}),
    ("North America, last quarter: reconcile CRM to ledger deal by deal",
     "revenue_reporting_accuracy",
     {"group_by": ["opportunity"], "filters": {"region": ["North America"]}, "period": Q3_27}),
    ("What's company-wide quota attainment for the fiscal year?", "quota_attainment",
     {"period": FY27}),
    ("Of our reps, whose win rate was the lowest last quarter?", "win_rate",
     {"group_by": ["rep"], "top": 1, "order": "asc", "period": Q3_27}),
]
CASES += [
    # the person who passes a question on ("X asked for ...", "X asked me which ...") or who
    # is spoken to ("X, what's ...") is outside the question, a person of the data or not;
    # "her"/"your" after them points back and keeps them
    ("Freya asked for the Q3 leaderboard, top ten reps by bookings", "leaderboard",
     {"filters": {}, "top": 10, "period": Q3_27}),
    ("Victor asked me what our win rate was last quarter", "win_rate",
     {"filters": {}, "period": Q3_27}),
    ("Anna, what's the win rate for EMEA this quarter?", "win_rate",
     {"filters": {"region": ["EMEA"]}, "period": Q4_27}),
    ("Anna, what's your win rate this quarter?", "win_rate",
     {"filters": {"rep": ["Anna Snelling"]}, "period": Q4_27}),
]

CASES += [
    # an exclusion said in a sentence of its own beside the request; "ignore" is no typo
    ("Ignore renewals. What's the EMEA win rate?", "win_rate",
     {"filters": {"region": ["EMEA"]}, "excluded": {"deal_type": ["renewal"]}}),
    ("EMEA win rate, ignore renewals", "win_rate",
     {"filters": {"region": ["EMEA"]}, "excluded": {"deal_type": ["renewal"]}}),
    ("won vs closed ratio by region for last quarter. non-partner deals only pls", "win_rate",
     {"group_by": ["region"], "excluded": {"lead_source": ["Partner"]}, "period": Q3_27}),
    # what an exclusion that excluded nothing was about is asked, never dropped
    ("bookings by rep excluding the reps hired this year", CLARIFY, {}),
    # people counted: the headcount, the attainment's own count, or asked back
    ("how many reps do we have in APAC", "rep_productivity",
     {"measure": "rep_fte", "filters": {"region": ["APAC"]}}),
    ("how many reps by team", "rep_productivity", {"measure": "rep_fte", "group_by": ["team"]}),
    ("how many reps hit quota last quarter", "quota_attainment", {"period": Q3_27}),
    ("how many reps have stale deals", CLARIFY, {}),
    # "of the month" after what is ranked is when; a rank word alone ranks nothing
    ("biggest deal of the month", "bookings",
     {"group_by": ["opportunity"], "top": 1, "period": ("2026-11-01", "2026-11-30")}),
    ("Where are we slowest?", CLARIFY, {}),
    # a yearless month range under way is the one asked about
    ("quota attainment by team for the Nov-Jan quarter", "quota_attainment",
     {"group_by": ["team"], "period": Q4_27}),
    # who writes, forwards, meets or asks is no filter
    ("open pipeline this quarter please. Thanks, Maria Gonzalez", "open_pipeline",
     {"filters": {}, "period": Q4_27}),
    ("Per yesterday's call with James and Maria: we need the weighted pipeline for this "
     "quarter, split by region.", "weighted_pipeline",
     {"filters": {}, "group_by": ["region"], "period": Q4_27}),
    ("fwd from Maria: \"need EMEA commit forecast Q4 asap\". Can you handle?", "forecast_rollup",
     {"filters": {"region": ["EMEA"]}, "measure": "commit_forecast", "period": Q4_27}),
    # a meeting day beside the period asked is no period
    ("For the board call on Dec 3 I need last quarter's win rate by region.", "win_rate",
     {"group_by": ["region"], "period": Q3_27}),
    ("Notes from Tuesday's pipeline review (11/24). Action item for RevOps: break down this "
     "quarter's open pipeline by stage.", "open_pipeline",
     {"group_by": ["stage"], "period": Q4_27}),
    # a gloss after "i.e." explains the metric named
    ("return the Q4 commit forecast, i.e. closed-won plus open deals in the Commit category, "
     "broken out per sales team", "forecast_rollup",
     {"measure": "commit_forecast", "group_by": ["team"], "filters": {}, "period": Q4_27}),
    # not closed yet is still open
    ("How much is up for renewal this quarter that we haven't closed yet?", "open_pipeline",
     {"filters": {"deal_type": ["renewal"]}, "period": Q4_27}),
    # a task's exclusion key and its output columns
    ('{"ask": "open pipeline by region closing this quarter", "exclude_stages": ["Prospecting"]}',
     "open_pipeline", {"group_by": ["region"], "excluded": {"stage": ["Prospecting"]},
                       "period": Q4_27}),
    ("Context: forecast call tomorrow with the EMEA leads.\nTask: how much open opportunity "
     "value is sitting in each stage for EMEA deals due to close between Nov 1 and Jan 31?\n"
     "Output: stage, amount, deal count.", "open_pipeline",
     {"group_by": ["stage"], "filters": {"region": ["EMEA"]}, "measure": None,
      "period": Q4_27}),
]

CASES += [
    # a correction inside one message changes what came before it, the rest kept
    ("win rate by region, sorry I meant by segment", "win_rate", {"group_by": ["segment"]}),
    ("Show me median deal size - no, the mean - for APAC, fiscal YTD", "avg_deal_size",
     {"measure": "mean", "filters": {"region": ["APAC"]}, "period": YTD}),
    ("open pipeline for EMEA this quarter - sorry, APAC", "open_pipeline",
     {"filters": {"region": ["APAC"]}, "period": Q4_27}),
    ("how many deals did we lose in Q3, err, I mean how many did we win", "bookings",
     {"measure": "count", "period": Q3_27}),
    ("time in stage by stage, median. or p75 actually", "time_in_stage",
     {"group_by": ["stage"], "measure": "p75"}),
    # an e-mail wrapped at its margin is one sentence
    ("I'm putting together the CS review. Year to date, how often do renewal\ndeals end up "
     "closed-won rather than closed-lost? Count of deals, not dollars.", "win_rate",
     {"filters": {"deal_type": ["renewal"]}, "period": YTD}),
    # who wants it and a writer's meeting day are no part of the request
    ("CoS here. Before her 1:1 with Anna Snelling tomorrow, the VP wants everything Anna has "
     "open right now, deal by deal.", "open_pipeline",
     {"group_by": ["opportunity"], "filters": {"rep": ["Anna Snelling"]}}),
    ("What did we actually sign last quarter?", "bookings", {"period": Q3_27}),
    ("and what's sitting in the pipe in total, no matter when it's supposed to close?",
     "open_pipeline", {"all_time": True}),
    # a metric named outright is not swapped for one that takes the filter
    ("how much ARR sits in Anna Snelling's book of business?", CLARIFY, {}),
    # a team named by whose it is, ranked: its people
    ("Rank Maria's team by bookings this fiscal year.", "leaderboard",
     {"group_by": ["rep"], "filters": {"manager": ["Maria Gonzalez"]}}),
    # "since then" is the date the message gave; "improved on" compares
    ("Anna Snelling joined in March. What has she booked each month since then?", "bookings",
     {"time_grain": "month", "period": ("2026-03-01", "2026-11-26")}),
    ("Has Anna Snelling's win rate in Q3 improved on the same quarter last year?", "win_rate",
     {"compare": "previous_year", "period": Q3_27}),
    # first names listed, each one person
    ("Side by side for Moses, Hayden and Kary: bookings and win rate for last quarter.",
     "leaderboard", {"filters": {"rep": ["Hayden Neloms", "Kary Hendrixson", "Moses Frase"]},
                     "period": Q3_27}),
    # a success rate ranked by how often it failed: the lowest first
    ("Which request type missed its SLA most often last quarter?", "ops_efficiency",
     {"group_by": ["request_type"], "top": 1, "order": "asc", "period": Q3_27}),
    # the sentence after the question gives its period
    ("Is sales productivity up on last year? Q3 bookings per ramped rep against Q3 a year ago.",
     "productivity_improvement", {"measure": "previous_year", "period": Q3_27}),
    # finance's and customer success's everyday words
    ("How much ARR have we lost to churn year to date?", "arr_waterfall",
     {"measure": "churn", "period": YTD}),
    ("Quarter-end ARR for the last eight quarters", "arr", {"time_grain": "quarter"}),
    ("YTD bookings vs prior YTD?", "bookings", {"compare": "previous_year", "period": YTD}),
    ("what % of our logos churned over the trailing twelve months?", "net_revenue_retention",
     {"measure": "logo_churn"}),
    ("how many paying logos do we have today?", "arr", {"measure": "customers"}),
    ("When we call a quarter a couple of weeks in, how close do we end up to what actually "
     "gets booked?", "forecast_accuracy", {}),
    ("which account managers closed the most renewal dollars this year?", "bookings",
     {"group_by": ["rep"], "filters": {"deal_type": ["renewal"]}}),
]

CASES += [
    # review of the thirteenth session: the person met, claiming or needing is whose numbers
    ("Prep for my 1:1 with Anna Snelling: win rate this quarter", "win_rate",
     {"filters": {"rep": ["Anna Snelling"]}, "period": Q4_27}),
    # (two metrics of two tools listed together: which first is asked, since the fifteenth
    # session; one answer would drop the other)
    ("Prep for my 1:1 with Anna Snelling: open pipeline and win rate this quarter", CLARIFY, {}),
    ("Moses Frase claims a 40% win rate this fiscal year - true?", "win_rate",
     {"filters": {"rep": ["Moses Frase"]}, "period": YTD}),
    ("Anna Snelling and Moses Frase asked for their bookings this quarter", "bookings",
     {"filters": {"rep": ["Anna Snelling", "Moses Frase"]}, "period": Q4_27}),
    # a reason clause keeps the team or region it names
    ("Since we are focused on EMEA, how is pipeline coverage looking for Q4?",
     "pipeline_coverage", {"filters": {"region": ["EMEA"]}, "period": Q4_27}),
    # a short window of the data is no meeting day
    ("Which Q4 deals are closing next week?", CLARIFY, {}),
    # a threshold on rows stays asked about, claim or not
    ("Are there any EMEA opportunities closing this quarter with an amount over $100k?",
     CLARIFY, {}),
    ("Is our win rate really above 35% this quarter?", "win_rate", {"period": Q4_27}),
    # "show me" a metric of deals is the metric, not the deals
    ("Show me average size of won deals in Q3", "avg_deal_size", {"period": Q3_27}),
    # a split asked is kept whatever the question before it named
    ("Is APAC the weakest region? Show me win rate by region this quarter.", "win_rate",
     {"group_by": ["region"], "filters": {}, "period": Q4_27}),
    # "X's team only" changes whose, not the split
    ("Bookings by rep for Q3. Wait, Maria Gonzalez's team only.", "bookings",
     {"group_by": ["rep"], "filters": {"manager": ["Maria Gonzalez"]}, "period": Q3_27}),
    # a remark after the question is no correction; "as well" adds, it does not replace
    ("Win rate for EMEA in Q3. No, not urgent, whenever you get a chance.", "win_rate",
     {"filters": {"region": ["EMEA"]}, "period": Q3_27}),
    ("What's the Q3 win rate for EMEA? Oops, meant to ask for Q2 as well.", CLARIFY, {}),
    # a count summed stays a count
    ("Deal count summed by region for Q3", "opportunity_count", {"group_by": ["region"]}),
    # 'since then' is the first date the message gives
    ("We restructured the teams in August. Our QBR is on Dec 3. What's the win rate since "
     "then?", "win_rate", {"period": ("2026-08-01", "2026-11-26")}),
    # a value listed after an excluded one of its kind is asked about
    ("win rate by segment, only new-logo deals (no expansions, renewals or downgrades)",
     CLARIFY, {}),
    # deals narrowed by how long they took are asked about
    ("Win rate by segment, but only for deals that took longer than 120 days to close.",
     CLARIFY, {}),
]

CASES += [
    # second review: who says a claim about something else is no filter, who claims their
    # own number is whose; "also Q2" adds nothing to replace
    ("Maria Gonzalez said at the Nov 19 forecast call that best case for the APAC region this "
     "quarter is $4M. Check that against the CRM.", "forecast_rollup",
     {"filters": {"region": ["APAC"]}, "measure": "best_case_forecast", "period": Q4_27}),
    ("Anna Snelling claims 120% attainment in Q3. Can you check?", "quota_attainment",
     {"filters": {"rep": ["Anna Snelling"]}, "period": Q3_27}),
    ("I already have Q2 bookings for Anna Snelling. Now I need the same for Moses Frase and "
     "Hayden Neloms, also Q2, one line each.", "bookings",
     {"group_by": ["rep"], "filters": {"rep": ["Hayden Neloms", "Moses Frase"]}}),
    # a reason clause setting its value aside lends it to no request
    ("Since LATAM is not a priority, what's total bookings this quarter?", "bookings",
     {"filters": {}, "period": Q4_27}),
    # several questions are asked about, one at a time
    ("Two questions: what's our win rate this quarter and what's the pipeline coverage?",
     CLARIFY, {}),
    ("Number of opportunities summed across teams for Q3", "opportunity_count",
     {"group_by": ["team"], "measure": "created"}),
]

CASES += [
    # 'as well' in a follow-up that names its new period replaces; only 'meant to ask ... as
    # well' adds a question
    ("Earlier answer was Q3 bookings by region. Now do it for Q2 as well, same split.",
     "bookings", {"group_by": ["region"], "period": ("2026-05-01", "2026-07-31")}),
    # SLA compliance of leads is lead response, not the ops team's own SLA
    ("Our SLA is first touch within 15 minutes. What's SLA compliance by region this fiscal "
     "year?", "speed_to_lead", {"group_by": ["region"], "measure": "within_sla", "period": YTD}),
]

CASES += [
    # a capital starting a sentence before "asked" is a name: one the data lacks is asked
    # about, never dropped for a manager named later ("he's new on Leo's team")
    ("Chris asked me to pull his open pipeline for this quarter; he's new on Leo's team.",
     CLARIFY, {}),
    ("Priya asked me to pull her open pipeline for this quarter", "open_pipeline",
     {"filters": {"manager": ["Priya Patel"]}, "period": Q4_27}),
]

CASES += [
    # a value before the plural of another kind names the values of that kind holding it
    ("How are the two enterprise teams doing on win rate this year? Side by side.", "win_rate",
     {"group_by": ["team"], "filters": {"team": ["Enterprise East", "Enterprise West"]},
      "period": YTD}),
    # "how are we doing?" names no metric: the fragment before it is the request
    ("New-logo bookings this year. How are we doing?", "bookings",
     {"filters": {"deal_type": ["new_business"]}, "period": YTD}),
    # a name the data lacks, pointed back at with "their", is asked about
    ("After the reorg, Public Sector became its own team. What's their pipeline coverage this "
     "quarter?", CLARIFY, {}),
    ("Are deals taking longer to close than they did a year ago?", "sales_cycle",
     {"compare": "previous_year"}),
    ("segment mix of bookings: this FY vs last", "bookings",
     {"group_by": ["segment"], "compare": "previous_year"}),
    ("Which region is dragging us down on win rate this quarter?", "win_rate",
     {"group_by": ["region"], "order": "asc", "compare": None, "period": Q4_27}),
    ("what's sitting in commit vs best case this quarter", "forecast_rollup",
     {"filters": {}, "period": Q4_27}),
    ("Show me the monthly bookings run-rate this FY", "bookings", {"time_grain": "month"}),
    ("Can we trust the forecast? How accurate has it been the last few quarters?",
     "forecast_accuracy", {}),
    ("Can I trust what's in the CRM? One number, please.", "data_quality", {}),
    ("What did we lose to churn in the Aug-Oct quarter, in ARR terms?", "arr_waterfall",
     {"measure": "churn", "period": Q3_27}),
    ("Which reps are letting their deals go cold?", "stale_deals", {"group_by": ["rep"]}),
    # periods: a week ending on a day, since a period ended, from now to a unit's end
    ("new opps created in the week ending Sunday Oct 25", "opportunity_count",
     {"period": ("2026-10-19", "2026-10-25"), "measure": "created"}),
    ("Bookings since the end of Q2", "bookings", {"period": ("2026-08-01", "2026-11-26")}),
    ("open pipeline closing between now and the end of the fiscal year", "open_pipeline",
     {"period": ("2026-11-26", "2027-01-31")}),
    # dictated: fillers, letters said one by one, a word cut in two
    ("uh top 5 uh reps by closed won um year to date", "bookings",
     {"group_by": ["rep"], "top": 5, "period": YTD}),
    ("what's our n r r", "net_revenue_retention", {}),
    ("how many stale deals does lat am have", "stale_deals", {"filters": {"region": ["LATAM"]}}),
]

CASES += [
    # letters said one by one; "n" before words is "and", before letters a letter
    ("are we hitting s l a on ops tickets last quarter", "ops_efficiency", {"period": Q3_27}),
    ("what came in n what slipped this quarter", AnyOf("pipeline_movement", CLARIFY), {}),
    # two known words join only into a word naming something alone
    ("which 3 front line managers had the best win rate last quarter?", "win_rate",
     {"group_by": ["manager"], "top": 3}),
    # every value of a dimension listed with a split by it: the split's rows, no filter
    ("Please pull win rate for last quarter split by Enterprise / Mid-Market / SMB",
     "win_rate", {"group_by": ["segment"], "filters": {}}),
    # "historically": every close date, for a metric of deals
    ("Historically, how long does it take us to close a deal?", "sales_cycle",
     {"all_time": True}),
]

CASES += [
    # CRM field names read as their labels (from the import presets), date literals and flags
    ("Sum of Amount where IsClosed = false and CloseDate = THIS_FISCAL_QUARTER, grouped by "
     "StageName", "open_pipeline", {"group_by": ["stage"], "period": Q4_27}),
    ("win rate by LeadSource for LAST_FISCAL_QUARTER", "win_rate",
     {"group_by": ["lead_source"], "period": Q3_27}),
    ("find me the deals that are still open but whose closedate already went by", "data_issues",
     {"measure": "past_close_date"}),
    # one rep set against the rest of a scope: every rep a row
    ("Where do I rank on bookings this year? I'm Anna Snelling.", AnyOf("leaderboard",
                                                                          "bookings"),
     {"group_by": ["rep"], "filters": {}}),
    # size and duration compared between two values
    ("Were new business deals bigger on average than expansion deals last fiscal year?",
     "avg_deal_size", {"group_by": ["deal_type"]}),
    ("How many more days does it take us to land an enterprise deal than a mid-market one?",
     "sales_cycle", {"group_by": ["segment"]}),
]

CASES += [
    # a value set against the others of its kind: each value a row
    ("where does EMEA rank among the regions on win rate last quarter?",
     AnyOf("win_rate", "leaderboard"),
     {"group_by": ["region"], "filters": {}}),
    ("is LATAM above the company average on win rate this year?", "win_rate",
     {"group_by": ["region"], "filters": {}}),
    # the day of a meeting is no window of the data, when it is the only day named
    ("Forecast call is tomorrow and I'd rather not get surprised: which deals have had no "
     "activity for a while?", "stale_deals", {"period": None}),
]

CASES += [
    # a value checked against a top N: the list, with the value looked for in it
    ("Is Globex one of our top 10 accounts by bookings this year?", "bookings",
     {"group_by": ["account"], "top": 10, "filters": {}}),
]

CASES += [
    # review: a flag whose "= false" would read as its opposite is asked about; Salesforce's
    # LAST_QUARTER is a calendar quarter; a close date names no deal closed
    ("Sum of amount where hs_is_closed_won = false this quarter by dealstage", CLARIFY, {}),
    ("Sum of Amount where CloseDate = LAST_QUARTER", CLARIFY, {}),
    # review: "n/a" is no North America; "who" over two regions is still which rep
    ("How many open deals have an industry of n/a?", AnyOf(CLARIFY, "opportunity_count"),
     {"filters": {}}),
    ("Who closed the most deals across EMEA and APAC this quarter?", AnyOf("bookings",
                                                                         "leaderboard",
                                                                         "opportunity_count"),
     {"group_by": ["rep"]}),
    # review: "combined" keeps one total; a rep against an unnamed team is not ranked company-wide
    ("Total bookings this quarter across Enterprise, Mid-Market and SMB combined", "bookings",
     {"group_by": []}),
    ("How does Anna Snelling compare with the rest of her team on win rate", "win_rate",
     {"group_by": ["rep"], "filters": {"team": ["Enterprise East"]}}),
]

CASES += [
    # enough pipe to hit the number is coverage, not attainment
    ("do we have enough pipe to hit our number this quarter?", "pipeline_coverage",
     {"period": Q4_27}),
]

CASES += [
    # a rep's team: "<rep>'s team", "<rep> and his team", "the rest of her team" before the name
    ("Darcel Schlecht's team only: bookings last quarter", "bookings",
     {"filters": {"team": ["Enterprise East"]}, "period": Q3_27}),
    ("Darcel Schlecht and his team: bookings last quarter", "bookings",
     {"filters": {"team": ["Enterprise East"]}, "period": Q3_27}),
    ("Anna Snelling asked about her numbers. How is she doing against the rest of her team on "
     "bookings this year?", "bookings",
     {"group_by": ["rep"], "filters": {"team": ["Enterprise East"]}}),
    # exclusions after the value, in a relative clause, or said with "count"
    ("open pipeline this quarter with SMB accounts excluded", "open_pipeline",
     {"excluded": {"segment": ["SMB"]}, "period": Q4_27}),
    ("win rate this year, Healthcare customers excluded", "win_rate",
     {"excluded": {"industry": ["Healthcare"]}, "filters": {}}),
    ("bookings this year, but not the ones where the lead source is Partner", "bookings",
     {"excluded": {"lead_source": ["Partner"]}, "filters": {}}),
    ("bookings this year, not counting deals that came in through partners", "bookings",
     {"excluded": {"lead_source": ["Partner"]}, "measure": None}),
    ("Take the renewals out: how much have we closed-won since the fiscal year started?",
     "bookings", {"excluded": {"deal_type": ["renewal"]}}),
    # an exclusion no value, option or period of the reading takes is asked about
    ("what's our win rate if you don't count the deals we lost as duplicates?", CLARIFY, {}),
    ("win rate for the fiscal year so far, excluding the quarter we're in", "win_rate",
     {"period": ("2026-02-01", "2026-10-31")}),  # the current quarter cut off the end
    # forecast categories said as metric words, listed with another or before "deals"
    ("weighted pipeline next quarter for commit and best-case deals, by region",
     "weighted_pipeline", {"filters": {"forecast_category": ["best_case", "commit"]},
                           "group_by": ["region"], "period": Q1_28}),
    ("how many open deals are sitting in commit or best case, by stage?", "opportunity_count",
     {"filters": {"forecast_category": ["best_case", "commit"]}, "group_by": ["stage"]}),
]

CASES += [
    # "the quarter we're in" is this quarter; "the past year" the last twelve months
    ("win rate for the deals closed in the quarter we're in now", "win_rate", {"period": Q4_27}),
    ("bookings over the past year", "bookings", {"period": LAST_12M}),
    ("quota attainment for Darcel Schlecht across the first 3 quarters of FY27",
     "quota_attainment", {"period": ("2026-02-01", "2026-10-31"), "time_grain": None,
                          "top": None}),
    # "today" for open deals is now (the tool's own window), never close date = today
    ("open pipeline today", "open_pipeline", {"period": None}),
    # "each person", "each of us" (with the team the writer says they are on) split by rep
    ("win rate for each person on the Enterprise East team last quarter", "win_rate",
     {"group_by": ["rep"], "filters": {"team": ["Enterprise East"]}, "period": Q3_27}),
    ("I'm on the Enterprise West team. How did each of us do on bookings last quarter?",
     "bookings", {"group_by": ["rep"], "filters": {"team": ["Enterprise West"]},
                  "period": Q3_27}),
    # deals still to close in a window not over yet are the open pipeline
    ("renewals closing this quarter, split by rep", "open_pipeline",
     {"group_by": ["rep"], "filters": {"deal_type": ["renewal"]}, "period": Q4_27}),
    # an amount narrowing the deals is asked about; one checked against the total is not
    ("open pipeline, deals over $100,000 only", CLARIFY, {}),
    ("total pipeline sitting in deals between 2.5M and 5M", CLARIFY, {}),
    ("did Q3 bookings top $19.5M?", "bookings", {"period": Q3_27}),
    # how the answer is shown names no number
    ("Bookings this fiscal year excluding renewals, in thousands please", "bookings",
     {"excluded": {"deal_type": ["renewal"]}, "period": YTD}),
    ("average deal size by product family this fiscal year, in $K", "avg_deal_size",
     {"group_by": ["product_family"], "period": YTD}),
    ("closed won $ bucketed by month, like a line chart in Looker", "bookings",
     {"time_grain": "month"}),
    # a year said aloud is one number
    ("bookings by month for calendar twenty twenty five", "bookings",
     {"time_grain": "month", "period": ("2025-01-01", "2025-12-31")}),
    ("churned arr in fiscal two thousand twenty six", "arr_waterfall",
     {"period": ("2025-02-01", "2026-01-31")}),
    # a sentence after the request that only says how to show or rank its answer
    ("Which reps have the most stale deals? Top ten, worst first.", "stale_deals",
     {"group_by": ["rep"], "top": 10}),
    ("How is deal size holding up in SMB? Give me it month by month since February.",
     "avg_deal_size", {"filters": {"segment": ["SMB"]}, "time_grain": "month"}),
    # a footer, emoji codes and quoted lines of others are no part of the request; a quote the
    # writer points at holds it
    ("win rate by segment for FY2027 Q3 :fire:\n--\nSent from my phone", "win_rate",
     {"group_by": ["segment"], "period": ("2026-08-01", "2026-10-31")}),
    ("> bookings looked weak back in July\n> - Ava\nwhat's open pipeline by region for this "
     "quarter?", "open_pipeline", {"group_by": ["region"], "period": ("2026-11-01", "2027-01-31")}),
    ("> can we see win rate by industry for FY26?\n^ could you run this one", "win_rate",
     {"group_by": ["industry"], "period": ("2025-02-01", "2026-01-31")}),
    # hearsay and the writer's purpose after a dash, and a purpose sentence after a fragment
    # request, are context
    ("Stale deals by team - my boss says nobody updates anything.", "stale_deals",
     {"group_by": ["team"]}),
    ("Bookings by product this year - I plan to take the winners to the offsite.", "bookings",
     {"group_by": ["product"]}),
    ("Average deal size by industry, FY to date. I need to know where to send the new hires.",
     "avg_deal_size", {"group_by": ["industry"]}),
    # a range ending at the end of a month
    ("open pipeline closing between 15 December 2026 and the end of February 2027",
     "open_pipeline", {"period": ("2026-12-15", "2027-02-28")}),
    # finance words for reconciliation, the ARR bridge and forecast bias
    ("CRM vs billing recon for October", "revenue_reporting_accuracy", {}),
    ("ARR roll-forward for Q2", "arr_waterfall", {}),
    ("forecast bias by region over the last 4 quarters", "forecast_accuracy",
     {"measure": "bias", "group_by": ["region"]}),
    # deals "closing" in a window not over yet are still open; a forecast category on a list of
    # deals narrows the open pipeline
    ("list the Proposal-stage opps closing this quarter", "open_pipeline",
     {"group_by": ["opportunity"], "filters": {"stage": ["Proposal"]}}),
    ("which deals are closing in December for EMEA? one row each", "open_pipeline",
     {"group_by": ["opportunity"], "filters": {"region": ["EMEA"]}}),
    ("list every commit deal in APAC closing this quarter", "open_pipeline",
     {"group_by": ["opportunity"], "filters": {"region": ["APAC"],
                                               "forecast_category": ["commit"]}}),
    ("how many deals closed this quarter", "opportunity_count", {"measure": "closed"}),
    # a manager's reps asked for ranked are one row per rep
    ("win rate for Maria Gonzalez's reps this year, best first", "win_rate",
     {"group_by": ["rep"], "filters": {"manager": ["Maria Gonzalez"]}}),
    ("bookings for Maria Gonzalez's reps this year", "bookings",
     {"group_by": [], "filters": {"manager": ["Maria Gonzalez"]}}),
    # a period dating a group of people who are named is theirs, not the question's; a group
    # named only by when it came is asked about; "since he started in <month>" starts there
    ("win rate this quarter for the Q3 class: Darcel Schlecht, Anna Snelling, one row each",
     "win_rate", {"period": ("2026-11-01", "2027-01-31"), "group_by": ["rep"],
                  "filters": {"rep": ["Anna Snelling", "Darcel Schlecht"]}}),
    ("reps hired this year: win rate by rep this quarter", CLARIFY, {}),
    ("deals John Doe has created since he joined in August", "opportunity_count",
     {"period": ("2026-08-01", "2026-11-26"), "filters": {"rep": ["John Doe"]}}),
    # a forwarded question under a subject line is the request; two managers' reps compared
    # are the two managers
    ("Fwd: win rates\n\n> From: VP Sales\n> What's our win rate by segment for FY2026?",
     "win_rate", {"group_by": ["segment"], "period": ("2025-02-01", "2026-01-31")}),
    ("Maria Gonzalez's reps vs Tom Becker's reps: bookings last quarter, who came out ahead?",
     "bookings", {"group_by": ["manager"]}),
    # the review of the sixteenth session: a bare number that counts something else, a bar on
    # who is counted, two thresholds, "not above"; instructions after a dash; a follow-on
    # sentence that only says where the answer goes
    ("win rate by rep this year for reps with more than 20 deals", CLARIFY, {}),
    ("which reps have more than 5 stale deals?", CLARIFY, {}),
    ("which reps have a win rate over 30% with more than 10 closed deals this year?",
     CLARIFY, {}),
    ("which teams are not above 80% of quota this quarter?", "quota_attainment",
     {"group_by": ["team"], "threshold": ("<=", 0.8, "ratio", True)}),
    ("Win rate this quarter - we need to exclude renewals", "win_rate",
     {"excluded": {"deal_type": ["renewal"]}}),
    ("Open pipeline by stage. Put it in a deck for Maria Gonzalez.", "open_pipeline",
     {"group_by": ["stage"], "filters": {}}),
    # how often the writer meets is no split by week; a deal's own amount bars deals
    ("for the monthly business review: win rate by segment last quarter", "win_rate",
     {"group_by": ["segment"], "time_grain": None}),
    ("count of open opps where amount > 100k, by region", CLARIFY, {}),
    # three splits are asked about (an answer has two axes), never cut to two
    ("bookings by segment, team and region this year", CLARIFY,
     {"options": ["by segment and team", "by team and region"]}),
    # seventeenth session: two kinds joined as a table's axes; the outer split of "within"
    ("bookings this year as an industry-by-segment table", "bookings",
     {"group_by": ["industry", "segment"], "period": YTD}),
    ("win rate last quarter, product against region", "win_rate",
     {"group_by": ["product", "region"], "period": Q3_27}),
    ("average cycle for each source within every segment this year", "sales_cycle",
     {"group_by": ["segment", "lead_source"], "period": YTD}),
    # a month without a year, of close dates still to come, is the next one
    ("open deals in EMEA with a close date in January", "open_pipeline",
     {"period": ("2027-01-01", "2027-01-31"), "filters": {"region": ["EMEA"]}}),
    ("which customers have a renewal closing in December", "open_pipeline",
     {"period": ("2026-12-01", "2026-12-31"), "filters": {"deal_type": ["renewal"]}}),
    # rankings: "riskiest 3", "#1", "which pair", "lowest to highest", a measure named in full
    ("riskiest 3 deals in APAC", "deal_risk",
     {"top": 3, "group_by": ["opportunity"], "filters": {"region": ["APAC"]}}),
    ("what's our #1 industry for bookings this year", "bookings",
     {"group_by": ["industry"], "top": 1, "period": YTD}),
    ("which pair of regions had the lowest win rate last quarter", "win_rate",
     {"group_by": ["region"], "top": 2, "order": "asc", "period": Q3_27}),
    ("teams by pipeline coverage, lowest coverage to highest", "pipeline_coverage",
     {"group_by": ["team"], "order": "asc"}),
    ("regions ranked by gross revenue retention", "net_revenue_retention",
     {"group_by": ["region"], "measure": "grr"}),
    ("segments by cycle length, shortest first", AnyOf("sales_cycle", "leaderboard"),
     {"group_by": ["segment"], "order": "asc"}),
    # references around the question (tickets, versions, rooms, meeting times) are set aside
    ("Re ticket OPS-5521: bookings by region last quarter, need it for my 10am", "bookings",
     {"group_by": ["region"], "period": Q3_27, "filters": {}}),
    ("win rate by segment this year (the v4 deck, page 12)", "win_rate",
     {"group_by": ["segment"], "period": YTD}),
    # a word right after a kind named as a filter is its value, never dropped
    ("pipeline for team zebra", CLARIFY, {"options": ["APAC Sales (team)"]}),
    ("bookings in region narnia this year", CLARIFY, {}),
    # exclusions: verbs that take values out, a list put out after it
    ("open pipeline, filter out APAC deals", "open_pipeline",
     {"excluded": {"region": ["APAC"]}}),
    ("last quarter's win rate - leave EMEA and LATAM out of it", "win_rate",
     {"excluded": {"region": ["EMEA", "LATAM"]}, "group_by": []}),
    # a measure set against its twin ("the dollars, not the count")
    ("stale deals on Maria Gonzalez's team - the value, not the count", "stale_deals",
     {"measure": "amount", "filters": {"manager": ["Maria Gonzalez"]}}),
    ("bookings by rep last quarter, count not dollars", "bookings",
     {"measure": "count", "group_by": ["rep"]}),
    # periods: ISO weeks, calendar spans, "last fiscal", a day of "this year", "to date"
    ("win rate for week 44", "win_rate", {"period": ("2026-10-26", "2026-11-01")}),
    ("CYTD bookings by region", "bookings",
     {"period": ("2026-01-01", "2026-11-26"), "group_by": ["region"]}),
    ("APAC bookings for Q2 calendar", "bookings", {"period": ("2026-04-01", "2026-06-30")}),
    ("cycle time by segment, last fiscal", "sales_cycle",
     {"period": FY26, "group_by": ["segment"]}),
    ("CY24 bookings", "bookings", {"period": ("2024-01-01", "2024-12-31")}),
    ("bookings for calendar H2 2025", "bookings", {"period": ("2025-07-01", "2025-12-31")}),
    ("win rate since March 3 this year", "win_rate", {"period": ("2026-03-03", "2026-11-26")}),
    ("Q4 bookings to date against the same point last year", "bookings",
     {"period": ("2026-11-01", "2026-11-26"), "compare": "previous_year"}),
    # one distinctive word of a product's name
    ("connectors win rate this year", "win_rate",
     {"filters": {"product": ["Data Connectors"]}, "period": YTD}),
    # "of each ... deal": the deals themselves
    ("the weighted amount of each LATAM deal closing next quarter", "weighted_pipeline",
     {"group_by": ["opportunity"], "filters": {"region": ["LATAM"]}}),
    # words of other languages mixed in: periods, kinds and a few measures read as English
    ("tasa de cierre por segmento el trimestre pasado", "win_rate",
     {"group_by": ["segment"], "period": Q3_27}),
    ("Buchungen je Region dieses Quartal bitte", "bookings",
     {"group_by": ["region"], "period": Q4_27}),
    ("open pipeline per regione, prossimo trimestre", "open_pipeline",
     {"group_by": ["region"], "period": Q1_28}),
    ("bookings in septiembre by equipo", "bookings",
     {"group_by": ["team"], "period": ("2026-09-01", "2026-09-30")}),
    # weekdays and the weekend; a manager's reps "one row each"
    ("deals won over the weekend, how much", "bookings",
     {"period": ("2026-11-21", "2026-11-22")}),
    ("bookings by region since Tuesday", "bookings",
     {"period": ("2026-11-24", "2026-11-26"), "group_by": ["region"]}),
    ("Maria Gonzalez's reps: attainment last quarter, one row each", "quota_attainment",
     {"group_by": ["rep"], "filters": {"manager": ["Maria Gonzalez"]}, "period": Q3_27}),
    # people named short: an initial, the family name first, a nickname or the start of a
    # first name; two people it fits are asked about
    ("win rate for D. Schlecht last quarter", "win_rate",
     {"filters": {"rep": ["Darcel Schlecht"]}, "period": Q3_27}),
    ("Neloms, Hayden - bookings this year", "bookings",
     {"filters": {"rep": ["Hayden Neloms"]}, "period": YTD}),
    ("how many open deals does Wilb have", CLARIFY, {"options": ["Wilburn Farren (rep)"]}),
    ("Jo Smith bookings this year", "bookings", {"filters": {"rep": ["John Smith"]}}),
    # a statistic named is the measure, another tool's, or asked about; never dropped
    ("median won deal size by region this year", "avg_deal_size",
     {"measure": "median", "group_by": ["region"]}),
    ("the median won deal by segment", "avg_deal_size", {"measure": "median"}),
    ("99th percentile of days in Proposal", CLARIFY, {}),
    ("the 75th percentile of days spent in each stage", "time_in_stage",
     {"measure": "p75", "group_by": ["stage"]}),
    # industry verticals as people name them; a slice the writer says they lead
    ("win rate for the banks this year", "win_rate",
     {"filters": {"industry": ["Financial Services"]}, "period": YTD}),
    # a name the data lacks before its kind, even with a kind's word in it; "both" pointing
    # back at two sources; where leads came from is their source
    ("pipeline for the Quantum Platform product this quarter", CLARIFY, {}),
    ("how did the leads convert last quarter, by where each lead came from", "lead_conversion",
     {"group_by": ["lead_source"], "period": Q3_27}),
    ("I need the 3 highest-booking reps this year. Room 12 is booked at 9am.", "bookings",
     {"group_by": ["rep"], "top": 3, "period": YTD}),
]
CASES += [
    # a metric written as its formula is read as the metric (agent/parser/formulas.py)
    ("won opportunities divided by all the closed ones (won + lost), per segment, last quarter",
     "win_rate", {"group_by": ["segment"], "period": Q3_27}),
    ("bookings as a share of quota for each team in Q3", "quota_attainment",
     {"group_by": ["team"], "period": Q3_27}),
    ("won $ over (won $ + lost $) by region this year", "win_rate",
     {"group_by": ["region"], "measure": "value", "period": YTD}),
    ("sum of won amounts divided by the count of won deals for SMB", "avg_deal_size",
     {"filters": {"segment": ["SMB"]}}),
    ("created date subtracted from close date on average, for won enterprise deals",
     "sales_cycle", {"filters": {"segment": ["Enterprise"]}}),
    ("EMEA / APAC bookings by quarter this year", "bookings",
     {"filters": {"region": ["APAC", "EMEA"]}}),
    # "neither ... nor", and a second conjunct repeating the first's head, are both left out
    ("win rate on deals that were neither renewals nor from partners", "win_rate",
     {"excluded": {"deal_type": ["renewal"], "lead_source": ["Partner"]}, "filters": {}}),
    ("bookings this year, taking out anything in EMEA and anything that came via Outbound",
     "bookings", {"excluded": {"region": ["EMEA"], "lead_source": ["Outbound"]},
                  "filters": {}}),
    # "APAC only, no need for the other regions": no split by region
    ("open pipeline for APAC by stage, APAC only, we do not need the other regions",
     "open_pipeline", {"group_by": ["stage"], "filters": {"region": ["APAC"]}}),
    # the name of what an answer is for, before its noun, is no value of the data
    ("Rookie Rocket award: top 3 reps by win rate this year", "win_rate",
     {"group_by": ["rep"], "top": 3}),
    ("bookings for the Zorblax team slide", CLARIFY, {}),
    # "with zero logged activity": with no activity
    ("open deals in EMEA with zero logged activity for 45 days", "stale_deals",
     {"filters": {"region": ["EMEA"]}}),
]
CASES += [
    # two fiscal periods as a range's ends; a quarter without its year as one row of a trend
    ("win rate by quarter from FY2025 through FY2026", "win_rate",
     {"period": ("2024-02-01", "2026-01-31"), "time_grain": "quarter"}),
    ("bookings by month across FY26 - was December our best month?", "bookings",
     {"period": FY26, "time_grain": "month"}),
    # "LY" after a period word; "comps to" a period
    ("Sep pipeline created vs Sep LY", "opportunity_count",
     {"period": ("2026-09-01", "2026-09-30"), "compare": "previous_year"}),
    ("win rate by segment YTD with comps to the same period last year", "win_rate",
     {"group_by": ["segment"], "period": YTD, "compare": "previous_year"}),
    # an amount bar on the deals is never dropped, however written
    ("average sales cycle on our 250k or more deals", CLARIFY, {}),
    ("how many seven-figure deals are open", CLARIFY, {}),
    # "4+", "no fewer than", "stop at N"
    ("open deals with 2+ risk signals", "deal_risk", {"knobs": {"min_score": 2}}),
    ("win rate by team, worst first, and stop at three", "win_rate",
     {"group_by": ["team"], "order": "asc", "top": 3}),
    ("leaderboard of reps by number of deals closed won this year", "leaderboard",
     {"group_by": ["rep"], "measure": "count"}),
    # a question the writer answers with a request of their own is its purpose
    ("Are we really slipping or is Pat exaggerating? Give me the slip rate by quarter for FY26.",
     "slipping_deals", {"period": FY26, "time_grain": "quarter"}),
    # the purpose after a dash is context beside the refinement before it
    ("Who has the worst win rate? Bottom three reps, this fiscal year to date - coaching wants "
     "to pair them up.", "win_rate", {"group_by": ["rep"], "top": 3, "order": "asc",
                                     "period": YTD}),
]
CASES += [
    # a deal kind's value never names a team ("the Webinar team" is a team the data lacks)
    ("pipeline for the Partner team this quarter", CLARIFY, {}),
    # the teams two managers run, beside the reps ranked: their scope, not a second split
    ("top 3 reps across Aiko Tanaka's and Priya Patel's teams by bookings", "bookings",
     {"group_by": ["rep"], "top": 3, "filters": {"manager": ["Aiko Tanaka", "Priya Patel"]}}),
]
CASES += [
    # "a dozen", "half a dozen"; "N of the <superlative>" is a ranked count of N
    ("half a dozen biggest open deals in APAC", "open_pipeline",
     {"group_by": ["opportunity"], "top": 6, "filters": {"region": ["APAC"]}}),
    ("show me 8 of the stalest deals in EMEA", "stale_deals",
     {"group_by": ["opportunity"], "top": 8, "filters": {"region": ["EMEA"]}}),
]
CASES += [
    # deal types said not to count in a retention: its definition (METRICS GRR / NRR)
    ("net retention by segment, no credit for upsell", "net_revenue_retention",
     {"group_by": ["segment"], "measure": "grr"}),
    ("NRR this year - expansion counts, new logos do not", "net_revenue_retention",
     {"measure": "nrr"}),
]
CASES += [
    # a value with a capitalized "Plus" after it is a longer name the data lacks
    ("win rate for Enterprise Plus last quarter", CLARIFY, {}),
    ("win rate for EMEA plus APAC last quarter", "win_rate",
     {"filters": {"region": ["APAC", "EMEA"]}}),
    # Slack: links, bold, a "+1" to someone's question, a dash signature, "e.g."
    ("+1 to Dana's q above :point_up: @RevOpsBot **win rate** by region last quarter "
     "https://example.com/dash", "win_rate", {"group_by": ["region"], "period": Q3_27}),
    ("team attainment spread for Q3? e.g. one hero carrying everyone", "team_distribution",
     {"period": Q3_27}),
    ("bottom 3 reps by win rate this quarter - need to plan coaching", "win_rate",
     {"group_by": ["rep"], "top": 3, "order": "asc"}),
]
CASES += [
    # empty brackets ("TODAY()") are no gloss: read, never a crash (asked: "LastTouch" is no
    # value or word it knows)
    ("COUNTIFS(IsOpen, TRUE, LastTouch, \"<\"&TODAY()-45) by rep, i.e. stale deals per rep",
     CLARIFY, {}),
    # a bracketed purpose with its own subject is context; one that narrows stays
    ("top 3 reps by bookings this year (enablement wants to hand them a trophy at Kickstart)",
     "bookings", {"group_by": ["rep"], "top": 3, "period": YTD}),
    ("win rate by rep this year (so we can compare EMEA)", "win_rate",
     {"group_by": ["rep"], "filters": {"region": ["EMEA"]}}),
    # "their" after "each seller" is the sellers', not someone of the context sentence
    ("At Kickstart we cheer everyone who beat quota last quarter. Can you pull each rep's "
     "bookings against their quota for that quarter?", "quota_attainment",
     {"group_by": ["rep"], "period": Q3_27}),
]
CASES += [
    # "N units ago", a month of a named quarter, part of a fiscal year, "since <event> on <day>"
    ("win rate by team three quarters ago", "win_rate",
     {"group_by": ["team"], "period": ("2026-02-01", "2026-04-30")}),
    ("pipeline created in the second month of last quarter", "opportunity_count",
     {"period": ("2026-09-01", "2026-09-30")}),
    ("bookings for the first two quarters of FY26", "bookings",
     {"period": ("2025-02-01", "2025-07-31")}),
    ("this FY's last two months... bookings by rep", "bookings",
     {"period": ("2026-12-01", "2027-01-31")}),
    ("calls logged since the pricing change on 3 August", "activity_metrics",
     {"period": ("2026-08-03", "2026-11-26")}),
]
CASES += [
    # a pivot table's axes are splits; spreadsheet functions; "by close month" is monthly
    ("pivot: rows = segment, values = sum of amount, stage = Closed Won, last quarter",
     "bookings", {"group_by": ["segment"], "period": Q3_27}),
    ("win rate, rows = region, columns = segment, FY26", "win_rate",
     {"group_by": ["region", "segment"], "period": FY26}),
    ("open pipeline this quarter, columns: close month", "open_pipeline",
     {"time_grain": "month"}),
    ("SUMIFS of closed won amount for last quarter by team", "bookings",
     {"group_by": ["team"], "period": Q3_27}),
]
CASES += [
    # a manager's words for their people and their quota
    ("how many stale deals does each of my guys in EMEA have?", "stale_deals",
     {"group_by": ["rep"], "filters": {"region": ["EMEA"]}}),
    ("how is APAC tracking to their number this quarter", "quota_attainment",
     {"filters": {"region": ["APAC"]}}),
    ("bottom 2 reps in APAC by win rate this year - want to know who to ride along with",
     "win_rate", {"group_by": ["rep"], "top": 2, "order": "asc"}),
]
CASES += [
    # a period fixed by something the question does not date is asked, never the default
    ("EMEA had a bad Q3. What did EMEA book over the two quarters before that?", CLARIFY, {}),
    ("How many calls has Dana logged since she started?", CLARIFY, {}),
    ("We launched the new SDR playbook on 2 Sept. Meetings booked since?", CLARIFY, {}),
    ("The webinar ran on the 10th. Leads created in the week after it ended?", CLARIFY, {}),
]
CASES += [
    # a fiscal year named by the month it ended; "nnARR"
    ("win rate for the fiscal yr that ended this past January", "win_rate", {"period": FY26}),
    ("nnARR by segment last qtr", "arr_waterfall",
     {"group_by": ["segment"], "measure": "net_new", "period": Q3_27}),
]
CASES += [
    # values joined by "or" are one population; "no breakdown" splits nothing; "A/B" is a list
    ("average deal size on Enterprise or Mid-Market deals last quarter", "avg_deal_size",
     {"group_by": [], "filters": {"segment": ["Enterprise", "Mid-Market"]}}),
    ("win rate for SMB/Mid-Market last quarter, no breakdown needed", "win_rate",
     {"group_by": [], "filters": {"segment": ["Mid-Market", "SMB"]}}),
    ("open pipeline by stage outside EMEA/APAC", "open_pipeline",
     {"group_by": ["stage"], "excluded": {"region": ["APAC", "EMEA"]}}),
]
CASES += [
    # spreadsheet and warehouse spellings: column names, "stage = 'Closed Won'", PERCENTILE(),
    # "<>", "Mon-YY" ranges, the pivot's "values ="
    ("sum(amount) where is_won = true and close_date in FY2027 Q3 grouped by region", "bookings",
     {"group_by": ["region"], "period": Q3_27}),
    ("rows = industry, values = average of amount, filter stage = 'Closed Won', FY26",
     "avg_deal_size", {"group_by": ["industry"], "period": FY26}),
    ("PERCENTILE(days in stage, 0.75) where stage = 'Proposal', FY26", "time_in_stage",
     {"measure": "p75", "filters": {"stage": ["Proposal"]}}),
    ("SUMIFS(Amount, Stage, \"Closed Won\", Segment, \"<>SMB\") last quarter", "bookings",
     {"excluded": {"segment": ["SMB"]}, "period": Q3_27}),
    ("bookings Mar-26 through Aug-26 by month", "bookings",
     {"period": ("2026-03-01", "2026-08-31"), "time_grain": "month"}),
]
CASES += [
    # "before she left": all she booked; "Account.Industry" is the industry; a columns list of
    # figures is no axis
    ("what did Priya Patel's team book before she left", "bookings", {"all_time": True}),
    ("IsWon / IsClosed by Account.Industry last quarter", "win_rate",
     {"group_by": ["industry"], "period": Q3_27}),
    ("one row per region, columns: accounts, TAM, open pipe, headcount", CLARIFY, {}),
]
