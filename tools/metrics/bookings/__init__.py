"""Revenue performance (docs/metrics.md, M01-M08): bookings, win rate, deal size, sales cycle and
the leaderboard, over deals closed in a period; see TOOLS."""

from __future__ import annotations

from tools.base import ONLY_CLOSED, ONLY_WON, Tool
from tools.metrics.bookings.closed_deals import (
    BOOKINGS,
    DEAL_SIZE,
    LEADERBOARD,
    SALES_CYCLE,
    WIN_RATE,
)
from tools.metrics.core.engine import spec_tool

TOOLS: tuple[Tool, ...] = (
    spec_tool(BOOKINGS, "Bookings",
              "Closed-won revenue (amount, or number of deals won) in a period.",
              series=True, never_counts=ONLY_WON),
    spec_tool(WIN_RATE, "Win rate",
              "Share of closed deals that were won, by count or by value.",
              series=True, never_counts=ONLY_CLOSED),
    spec_tool(DEAL_SIZE, "Average deal size",
              "Average and median amount of won deals.",
              series=True, never_counts=ONLY_WON),
    spec_tool(SALES_CYCLE, "Sales cycle length",
              "Days from creation to close of won deals, mean and median.",
              lower_is_better=frozenset({"mean", "median"}),
              series=True, never_counts=ONLY_WON),
    spec_tool(LEADERBOARD, "Leaderboard",
              "Performance table per rep (or any dimension): bookings, share, won deals, win "
              "rate, deal size, cycle, ranked.", lower_is_better=frozenset({"cycle"}),
              series=True),
)
