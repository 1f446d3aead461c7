"""Metric tools over the warehouse (definitions: docs/metrics.md), one package per area.

Each area package (bookings, pipeline, quota, recurring, movement, forecast, productivity,
funnel, technology, operations, activity, data_quality, scorecard) exports TOOLS; core/ holds
what they share; tools/registry.py lists the areas.

How a metric is written: a runner `(ToolContext, MetricParams) -> MetricResult` that checks its
params, builds one statement on a `tools.query.Query` (values bound, never pasted), runs it with
`core.envelope.fetch` and returns `core.envelope.envelope(...)`; its area lists it as
`Tool(name=..., run=..., ...)`. Two shapes are declared as data instead of written out:
- an aggregate over deals: a `core.spec.MetricSpec`, listed with `core.engine.spec_tool`;
- counts and rates over other records (leads, requests, licensed users, ledger keys), with
  trends and comparisons for free: a `core.frame.RecordSpec` run by `core.records.start` and
  `core.records.finish`.
A runner written out by hand says why in a one-line comment above it.
"""
