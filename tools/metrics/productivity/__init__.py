"""Metric tools of the quota, territory and productivity area (reference/METRICS.md §3 E)."""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.core.owners import OWNER_GROUPS
from tools.metrics.productivity.bookings import (
    IMPROVEMENT_SPEC,
    REP_SPEC,
    productivity_improvement,
    productivity_improvement_value,
    rep_productivity,
)
from tools.metrics.productivity.capacity import (
    CAPACITY_SPEC,
    DISTRIBUTION_SPEC,
    DISTRIBUTION_UNITS,
    quota_capacity,
    team_distribution,
)
from tools.metrics.productivity.common import PER_REP
from tools.metrics.productivity.territory import SPEC as TERRITORY_SPEC
from tools.metrics.productivity.territory import UNITS, territory_balance

__all__ = ["TOOLS", "productivity_improvement_value"]

TOOLS: tuple[Tool, ...] = (
    Tool(name="rep_productivity", title="Rep productivity",
         description="Bookings per rep and per ramped rep, with rep FTE, ramped FTE and ramped-rep "
                     "equivalents (hires, terminations and ramp counted by day).",
         run=rep_productivity, measures=tuple(REP_SPEC.measures), default_period="quarter",
         group_by=OWNER_GROUPS, group_by_why=PER_REP),
    Tool(name="productivity_improvement", title="Sales productivity improvement",
         description="Change in bookings per ramped rep against the same period a year earlier (or "
                     "the previous period); success target > 30%. Options: target (0.30), "
                     "base_start and base_end (an explicit baseline of the same length).",
         run=productivity_improvement, measures=tuple(IMPROVEMENT_SPEC.measures),
         default_period="quarter", group_by=OWNER_GROUPS, group_by_why=PER_REP,
         options=IMPROVEMENT_SPEC.options),
    Tool(name="territory_balance", title="Territory balance",
         description="Accounts, TAM, pipeline, quota, coverage, bookings and attainment per "
                     "territory, with how unevenly coverage and load per rep are spread (CV) and "
                     "the outliers.",
         run=territory_balance, measures=tuple(TERRITORY_SPEC.measures), default_period="quarter",
         group_by=UNITS),
    Tool(name="team_distribution", title="Team performance distribution",
         description="Spread of quota attainment across the reps of each team: median, "
                     "interquartile range and the top quartile's share of bookings.",
         run=team_distribution, measures=tuple(DISTRIBUTION_SPEC.measures),
         default_period="quarter",
         group_by=DISTRIBUTION_UNITS),
    Tool(name="quota_capacity", title="Quota capacity",
         description="What the current reps can be expected to close: quota x ramped-rep "
                     "equivalents x historical attainment, and the gap to the target. Options: "
                     "expected_attainment (default: median of ramped reps over the last 4 "
                     "quarters), target (default: the sum of the quotas).",
         run=quota_capacity, measures=tuple(CAPACITY_SPEC.measures), default_period="quarter",
         group_by=OWNER_GROUPS, group_by_why=PER_REP, options=CAPACITY_SPEC.options),
)
"""The tools this module contributes to the registry."""
