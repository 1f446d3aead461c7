"""Phrasings of the success-metric scorecard."""

Q3_27 = ("2026-08-01", "2026-10-31")
CASES = [
    ("how are we doing against our targets?", "scorecard", {"period": None}),
    ("show me the scorecard", "scorecard", {}),
    ("scorecard for last quarter", "scorecard", {"period": Q3_27}),
    ("are we hitting our targets", "scorecard", {}),
    ("which targets did we miss last quarter", "scorecard", {"period": Q3_27}),
    ("kpi scorecard", "scorecard", {}),
    ("how are we tracking against our goals", "scorecard", {}),
    ("give me our success metrics", "scorecard", {}),
    ("Compute the success-metric scorecard for FY2027 Q3.", "scorecard", {"period": Q3_27}),
    ("report card please", "scorecard", {}),
]
