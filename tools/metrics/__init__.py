"""Metric tools over the warehouse (definitions: reference/METRICS.md §3)."""
