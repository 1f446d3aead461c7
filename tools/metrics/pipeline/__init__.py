"""Pipeline (docs/metrics.md, M20/M21): open and weighted pipeline as of a date, and deal counts;
see TOOLS. How the pipeline moves is the movement area; coverage against quota the quota area."""

from __future__ import annotations

from tools.base import NOT_OPEN, Tool
from tools.metrics.core.engine import spec_tool
from tools.metrics.pipeline.open_deals import (
    OPEN_PIPELINE,
    WEIGHTED_PIPELINE,
    opportunity_count,
)

TOOLS: tuple[Tool, ...] = (
    spec_tool(OPEN_PIPELINE, "Open pipeline",
              "Open deals with a close date in the window, as of a date.",
              series=True, never_counts=NOT_OPEN),
    spec_tool(WEIGHTED_PIPELINE, "Weighted pipeline",
              "Open pipeline weighted by deal probability, as of a date.",
              series=True, never_counts=NOT_OPEN),
    Tool(name="opportunity_count", series=True, title="Deal counts",
         description="How many deals are open (by stage), or were created, won, lost or closed in "
                     "a period.",
         run=opportunity_count,
         measures=("open", "created", "won", "lost", "closed", "open_amount", "created_amount",
                   "won_amount", "lost_amount", "closed_amount"),
         default_period="ytd"),
)
