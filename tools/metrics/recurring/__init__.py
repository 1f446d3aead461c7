"""Metric tools of the recurring area (reference/METRICS.md §3 B: M10-M15); see TOOLS.

The SQL lives in subscriptions.py (subscriptions at constant currency), arr.py (the balance
at a date) and bridge.py (movements between two dates, retention).
"""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.recurring.arr import SPEC as ARR
from tools.metrics.recurring.arr import arr
from tools.metrics.recurring.bridge import (
    RETENTION,
    WATERFALL,
    arr_waterfall,
    net_revenue_retention,
)
from tools.metrics.recurring.subscriptions import ACCOUNT_DIMS, CUSTOMERS, SUBSCRIPTION_DIMS

TOOLS: tuple[Tool, ...] = (
    Tool(name="arr", series=True, title="ARR",
         description="Annual recurring revenue (12 x MRR) of active subscriptions at the period "
                     "end (default: the as-of date), at the period-start exchange rate; measures "
                     "arr, mrr, customers (accounts with an active subscription); a trend gives "
                     "the balance at each month/quarter end.",
         run=arr, measures=tuple(ARR.measures), default_period="quarter",
         group_by=SUBSCRIPTION_DIMS, group_by_why=CUSTOMERS),
    Tool(name="arr_waterfall", series=True, title="ARR waterfall",
         lower_is_better=frozenset({"contraction", "churn"}),
         description="ARR bridge for a period, netted per account: opening, new, reactivation, "
                     "expansion, contraction, churn, closing, and net new ARR (the default "
                     "measure); per month or quarter for a trend. Default period: the fiscal "
                     "quarter to date.",
         run=arr_waterfall, measures=tuple(WATERFALL.measures), default_period="quarter",
         group_by=ACCOUNT_DIMS, group_by_why=CUSTOMERS),
    Tool(name="net_revenue_retention", series=True, title="Net revenue retention",
         lower_is_better=frozenset({"logo_churn"}),
         description="NRR, GRR and logo churn / retention of the customers that had ARR at the "
                     "start of the window (default: trailing 12 months to the as-of date; a named "
                     "period is its own window); a trend gives trailing-12-month values at each "
                     "bucket end.",
         run=net_revenue_retention, measures=tuple(RETENTION.measures), default_period="none",
         group_by=ACCOUNT_DIMS, group_by_why=CUSTOMERS),
)
"""The tools this module contributes to the registry."""
