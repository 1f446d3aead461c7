"""Phrasings of the data-quality tools, in the format of tests/parser_cases.py (as-of 2026-11-26
in parser_world). They join the shared table once the tools are registered; until then
tests/test_quality_tools.py runs them with the tools registered for the test."""

from __future__ import annotations

QUALITY_CASES: list[tuple[str, str, dict]] = [
    # ---------------------------------------------------------------- data_quality (M70)
    ("how clean is our CRM data?", "data_quality", {"measure": None, "group_by": []}),
    ("what's our data accuracy rate?", "data_quality", {"measure": None, "group_by": []}),
    ("data quality", "data_quality", {"group_by": [], "filters": {}}),
    ("how accurate is our CRM", "data_quality", {"group_by": []}),
    ("data quality by rep", "data_quality", {"group_by": ["rep"]}),
    ("data accuracy by team", "data_quality", {"group_by": ["team"]}),
    ("which region has the worst data quality", "data_quality",
     {"group_by": ["region"], "order": "asc"}),
    ("data quality by dimension", "data_quality", {"measure": "dimensions"}),
    ("how complete is our data? data completeness please", "data_quality",
     {"measure": "dimensions"}),
    ("can we trust our data", "data_quality", {"group_by": []}),
    ("crm hygiene score", "data_quality", {"group_by": []}),
    ("data quality in EMEA", "data_quality", {"group_by": [], "filters": {"region": ["EMEA"]}}),
    # ---------------------------------------------------------------- data_issues
    ("which deals are missing an account?", "data_issues",
     {"measure": "missing_account", "group_by": []}),
    ("deals without an account by rep", "data_issues",
     {"measure": "missing_account", "group_by": ["rep"]}),
    ("what data issues do we have", "data_issues", {"measure": None, "group_by": []}),
    # absence said as a verb ("have no", "do not have", "lacking") reads as "without"
    ("which of my deals have no close date", "data_issues", {"measure": "missing_close_date"}),
    ("which deals have no amount", "data_issues", {"measure": "missing_amount"}),
    ("deals that do not have an owner", "data_issues", {"measure": "missing_owner"}),
    ("opportunities lacking an account", "data_issues", {"measure": "missing_account"}),
    ("what's wrong with our data?", "data_issues", {"measure": None}),
    ("which products are not in the product list", "data_issues",
     {"measure": "unresolved_product"}),
    ("which reps have no deals?", "data_issues",
     {"measure": "rep_without_deals", "group_by": []}),
    ("reps without activities", "data_issues", {"measure": "rep_without_activity"}),
    ("show me misspelled industries", "data_issues", {"measure": "misspelled_industry"}),
    ("open deals with a close date in the past", "data_issues",
     {"measure": "past_close_date", "group_by": []}),
    ("deals with past due close dates in EMEA", "data_issues",
     {"measure": "past_close_date", "filters": {"region": ["EMEA"]}}),
    ("won deals with zero amount", "data_issues", {"measure": "won_amount_not_positive"}),
    ("deals missing an amount", "data_issues", {"measure": "missing_amount"}),
    ("lost deals without a loss reason", "data_issues", {"measure": "lost_without_reason"}),
    ("leads with invalid emails", "data_issues", {"measure": "invalid_lead_email"}),
    ("deals owned by inactive owners", "data_issues", {"measure": "inactive_owner"}),
    ("deals closed before they were created", "data_issues",
     {"measure": "closed_before_created"}),
    ("stage contradictions", "data_issues", {"measure": "status_conflicts_stage"}),
    # ---------------------------------------------------------------- duplicate_records
    ("show duplicate accounts", "duplicate_records", {"measure": "accounts", "group_by": []}),
    ("do we have duplicate accounts?", "duplicate_records", {"measure": "accounts"}),
    ("any duplicate companies in the CRM", "duplicate_records", {"measure": "accounts"}),
    ("duplicates", "duplicate_records", {"measure": None}),
    ("show duplicate contacts", "duplicate_records", {"measure": "contacts"}),
    ("any duplicate leads?", "duplicate_records", {"measure": "leads"}),
    ("are there possible duplicate customers?", "duplicate_records", {"measure": "accounts"}),
    ("which accounts are entered twice", "duplicate_records", {"measure": "accounts"}),
    ("top 10 duplicate accounts", "duplicate_records", {"measure": "accounts", "top": 10}),
    ("list likely duplicates of leads", "duplicate_records", {"measure": "leads"}),
    ("dupes in contacts", "duplicate_records", {"measure": "contacts"}),
]


CASES = QUALITY_CASES
