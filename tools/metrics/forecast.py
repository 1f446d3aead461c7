"""Metric tools of the forecast area (reference/METRICS.md §3); see TOOLS."""

from __future__ import annotations

from tools.base import Tool

TOOLS: tuple[Tool, ...] = ()
"""The tools this module contributes to the registry."""
