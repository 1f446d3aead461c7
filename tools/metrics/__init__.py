"""Metric tools over the warehouse (definitions: docs/metrics.md), one package per area.

Each area package (bookings, pipeline, quota, recurring, movement, forecast, productivity,
funnel, technology, operations, activity, data_quality, scorecard) exports TOOLS; core/ holds
what they share; tools/registry.py lists the areas.
"""
