"""Quota (docs/metrics.md, M40 and M22): bookings and open pipeline against quota, per rep and
rolled up by owner; see TOOLS."""

from __future__ import annotations

from tools.base import NOT_OPEN, Tool
from tools.metrics.core.owners import OWNER_GROUPS
from tools.metrics.quota.attainment import (
    ATTAINMENT,
    COVERAGE,
    QUOTA_WHY,
    pipeline_coverage,
    quota_attainment,
)

TOOLS: tuple[Tool, ...] = (
    Tool(name="quota_attainment", series=True, title="Quota attainment",
         description="Bookings against quota per rep, manager, team, region or overall.",
         run=quota_attainment, measures=tuple(ATTAINMENT.measures), default_period="quarter",
         group_by=OWNER_GROUPS, group_by_why=QUOTA_WHY),
    Tool(name="pipeline_coverage", never_counts=NOT_OPEN, title="Pipeline coverage",
         description="Open pipeline against the quota still to close in the period.",
         run=pipeline_coverage, measures=tuple(COVERAGE.measures), default_period="quarter",
         group_by=OWNER_GROUPS, group_by_why=QUOTA_WHY),
)
