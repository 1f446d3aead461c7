"""The agent's scorecard (docs/metrics.md#success-metrics): the five success metrics against their
targets; see TOOLS."""

from __future__ import annotations

from tools.metrics.scorecard.success_metrics import TOOLS

__all__ = ["TOOLS"]
