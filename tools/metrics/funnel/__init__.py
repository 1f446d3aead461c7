"""Marketing to sales hand-off (docs/metrics.md, M50-M52): lead conversion, speed-to-lead, sourced
pipeline; see TOOLS."""

from __future__ import annotations

from tools.metrics.funnel.conversion import TOOLS

__all__ = ["TOOLS"]
