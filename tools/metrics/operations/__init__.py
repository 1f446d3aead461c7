"""Sales operations (docs/metrics.md, M80, M61, M71): sales-ops efficiency and revenue reporting
accuracy; see TOOLS."""

from __future__ import annotations

from tools.metrics.operations.efficiency import TOOLS

__all__ = ["TOOLS"]
