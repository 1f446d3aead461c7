"""Sales operations (docs/metrics.md, M80, M61, M71): sales-ops efficiency and revenue reporting
accuracy; see TOOLS."""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.operations import efficiency, reconciliation
from tools.metrics.operations.efficiency import (
    DIMS,
    MEASURES,
    ops_efficiency,
    ops_efficiency_value,
)
from tools.metrics.operations.reconciliation import (
    RECON_DIMS,
    RECON_MEASURES,
    revenue_reporting_accuracy,
    revenue_reporting_accuracy_value,
)

__all__ = ["TOOLS", "ops_efficiency_value", "revenue_reporting_accuracy_value"]

TOOLS: tuple[Tool, ...] = (
    Tool(name="ops_efficiency", series=True, title="Sales ops efficiency",
         lower_is_better=frozenset({"resolution_time", "backlog"}),
         description="SLA attainment of sales-ops requests, automation share, resolution time and "
                     "backlog.",
         run=ops_efficiency, measures=MEASURES, default_period="quarter", group_by=DIMS,
         options=efficiency.OPTIONS),
    Tool(name="revenue_reporting_accuracy", series=True, title="Revenue reporting accuracy",
         lower_is_better=frozenset({"discrepancy"}),
         description="CRM bookings reconciled to the finance ledger: key-level accuracy, aggregate "
                     "accuracy, match rate and the list of discrepancies.",
         run=revenue_reporting_accuracy, measures=RECON_MEASURES, default_period="quarter",
         group_by=RECON_DIMS, options=reconciliation.OPTIONS),
)
