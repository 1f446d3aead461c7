"""Quota (docs/metrics.md, M40 and M22): bookings and open pipeline against quota, per rep and
rolled up by owner; see TOOLS."""

from __future__ import annotations

from tools.base import OWNER_DIMENSIONS, Dimension, Tool
from tools.metrics.quota.attainment import pipeline_coverage, quota_attainment

_OWNER = tuple(d for d in Dimension if d in OWNER_DIMENSIONS)

TOOLS: tuple[Tool, ...] = (
    Tool(name="quota_attainment", title="Quota attainment",
         description="Bookings against quota per rep, manager, team, region or overall.",
         run=quota_attainment, measures=("ratio",), default_period="quarter", group_by=_OWNER),
    Tool(name="pipeline_coverage", title="Pipeline coverage",
         description="Open pipeline against the quota still to close in the period.",
         run=pipeline_coverage, measures=("ratio",), default_period="quarter", group_by=_OWNER),
)
