"""Marketing to sales hand-off (docs/metrics.md, M50-M52): lead conversion, speed-to-lead, sourced
pipeline; see TOOLS."""

from __future__ import annotations

from tools.base import Dimension, Tool
from tools.metrics.funnel import conversion, speed
from tools.metrics.funnel.campaigns import campaign_sourced, campaign_sourced_value
from tools.metrics.funnel.conversion import MEASURES, lead_conversion, lead_conversion_value
from tools.metrics.funnel.speed import LEAD_DIMS, SPEED_MEASURES, speed_to_lead, speed_to_lead_value

__all__ = ["TOOLS", "campaign_sourced_value", "lead_conversion_value", "speed_to_lead_value"]

TOOLS: tuple[Tool, ...] = (
    Tool(name="lead_conversion", series=True, title="Lead conversion",
         description="Share of leads that became opportunities (or MQLs, SQLs) within the window.",
         run=lead_conversion, measures=MEASURES, default_period="quarter", group_by=LEAD_DIMS,
         options=conversion.OPTIONS),
    Tool(name="speed_to_lead", series=True, title="Speed to lead",
         lower_is_better=frozenset({"median", "median_responded", "p90", "never"}),
         description="Minutes from a lead's creation to the first human call, e-mail or meeting.",
         run=speed_to_lead, measures=SPEED_MEASURES, default_period="quarter", group_by=LEAD_DIMS,
         options=speed.OPTIONS),
    Tool(name="campaign_sourced", series=True, title="Marketing-sourced pipeline",
         description="Pipeline and bookings sourced by marketing, by campaign or lead source, and "
                     "ROI.",
         run=campaign_sourced, measures=("pipeline", "bookings", "share", "roi"),
         default_period="quarter",
         group_by=tuple(d for d in Dimension if d.value not in (
             "tool", "activity_type", "request_type", "stage", "forecast_category"))),
)
