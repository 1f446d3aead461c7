"""Metric tools of the quota, territory and productivity area (reference/METRICS.md §3 E)."""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.productivity.bookings import (
    REP_HEADLINES,
    productivity_improvement,
    productivity_improvement_value,
    rep_productivity,
)
from tools.metrics.productivity.capacity import (
    CAPACITY_HEADLINES,
    DISTRIBUTION_HEADLINES,
    DISTRIBUTION_UNITS,
    quota_capacity,
    team_distribution,
)
from tools.metrics.productivity.common import OWNER_GROUPS
from tools.metrics.productivity.territory import UNITS, X, territory_balance

__all__ = ["TOOLS", "productivity_improvement_value"]

TOOLS: tuple[Tool, ...] = (
    Tool("rep_productivity", "Rep productivity",
         "Bookings per rep and per ramped rep, with rep FTE, ramped FTE and ramped-rep "
         "equivalents (hires, terminations and ramp counted by day).",
         rep_productivity, tuple(REP_HEADLINES), "quarter", OWNER_GROUPS),
    Tool("productivity_improvement", "Sales productivity improvement",
         "Change in bookings per ramped rep against the same period a year earlier (or the "
         "previous period); success target > 30%. Options: target (0.30), base_start and "
         "base_end (an explicit baseline of the same length).",
         productivity_improvement, ("previous_year", "previous_period"), "quarter",
         OWNER_GROUPS),
    Tool("territory_balance", "Territory balance",
         "Accounts, TAM, pipeline, quota, coverage, bookings and attainment per territory, "
         "with how unevenly coverage and load per rep are spread (CV) and the outliers.",
         territory_balance, tuple(X), "quarter", UNITS),
    Tool("team_distribution", "Team performance distribution",
         "Spread of quota attainment across the reps of each team: median, interquartile "
         "range and the top quartile's share of bookings.",
         team_distribution, tuple(DISTRIBUTION_HEADLINES), "quarter", DISTRIBUTION_UNITS),
    Tool("quota_capacity", "Quota capacity",
         "What the current reps can be expected to close: quota x ramped-rep equivalents x "
         "historical attainment, and the gap to the target. Options: expected_attainment "
         "(default: median of ramped reps over the last 4 quarters), target (default: the sum "
         "of the quotas).",
         quota_capacity, tuple(CAPACITY_HEADLINES), "quarter", OWNER_GROUPS),
)
"""The tools this module contributes to the registry."""
