"""Quota (docs/metrics.md, M40 and M22): bookings and open pipeline against quota, per rep and
rolled up by owner; see TOOLS."""

from __future__ import annotations

from tools.base import OWNER_DIMENSIONS, Dimension, Tool
from tools.metrics.quota.attainment import pipeline_coverage, quota_attainment

_OWNER = tuple(d for d in Dimension if d in OWNER_DIMENSIONS)

TOOLS: tuple[Tool, ...] = (
    Tool("quota_attainment", "Quota attainment",
         "Bookings against quota per rep, manager, team, region or overall.",
         quota_attainment, ("ratio",), "quarter", _OWNER),
    Tool("pipeline_coverage", "Pipeline coverage",
         "Open pipeline against the quota still to close in the period.",
         pipeline_coverage, ("ratio",), "quarter", _OWNER),
)
