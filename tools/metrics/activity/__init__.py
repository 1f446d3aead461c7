"""Activity (docs/metrics.md, M43): the selling work reps log; see TOOLS."""

from __future__ import annotations

from tools.metrics.activity.activities import TOOLS

__all__ = ["TOOLS"]
