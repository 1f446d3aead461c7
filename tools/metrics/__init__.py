"""Metric tools over the warehouse (definitions: docs/metrics.md), one package per area.

Each area package (bookings, pipeline, quota, recurring, movement, forecast, productivity,
funnel, technology, operations, activity, data_quality, scorecard) exports TOOLS; core/ holds
what they share; tools/registry.py lists the areas.

How a metric is written (docs/design.md#how-to-write-a-metric): a declaration and a run function
`(ToolContext, MetricParams) -> MetricResult` returning through the one envelope
(core/envelope.py), in one of three cases, the first that fits:
- an aggregate over deals: a `core.spec.MetricSpec`, listed with `core.engine.spec_tool`;
- counts and rates over other records: a `core.frame.RecordSpec` run by `core.records.start`
  and `core.records.finish`;
- anything else (several steps or moments): a `core.spec.ToolSpec` (measures with units,
  options) whose `result(...)` wraps what the run function fetched; its docstring says why in a
  line starting `Hand-written:`.
"""
