"""Data quality (docs/metrics.md, M70): data accuracy rate, the records behind a rule, duplicates;
see TOOLS."""

from __future__ import annotations

from tools.metrics.data_quality.accuracy import TOOLS

__all__ = ["TOOLS"]
