"""Sales technology (docs/metrics.md, M53, M60): tool adoption and integration health; see TOOLS."""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.technology.adoption import (
    DIMS,
    MEASURES,
    OPTIONS,
    adoption_rate_value,
    technology_adoption,
)
from tools.metrics.technology.integration import (
    INTEGRATION_DIMS,
    INTEGRATION_MEASURES,
    integration_health,
    integration_health_value,
)

__all__ = ["TOOLS", "adoption_rate_value", "integration_health_value"]

TOOLS: tuple[Tool, ...] = (
    Tool(name="technology_adoption", series=True, title="Technology adoption",
         lower_is_better=frozenset({"idle_cost"}),
         description="Share of licensed users actively using each sales tool (not just logging "
                     "in), seat utilization and the cost of idle seats.",
         run=technology_adoption, measures=MEASURES, default_period="quarter", group_by=DIMS,
         options=OPTIONS),
    Tool(name="integration_health", series=True, title="Integration health",
         lower_is_better=frozenset({"error_rate", "freshness", "latency", "errors"}),
         description="Sync error rate, data freshness and latency of the marketing, CRM and ERP "
                     "integrations.",
         run=integration_health, measures=INTEGRATION_MEASURES, default_period="quarter",
         group_by=INTEGRATION_DIMS),
)
