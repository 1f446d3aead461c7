"""Sales technology (docs/metrics.md, M53, M60): tool adoption and integration health; see TOOLS."""

from __future__ import annotations

from tools.metrics.technology.adoption import TOOLS

__all__ = ["TOOLS"]
