"""Which chart a result's shape calls for, decided without the charting library.

agent/charts.py draws it with altair, which costs about a third of a cold `revops ask`: an
answer checks `chart_kind` first and loads the drawing only for a result that has a chart (a
single number has none).
"""

from __future__ import annotations

from typing import Literal

from tools.base import MetricResult

ChartKind = Literal["scorecard", "waterfall", "trend", "heatmap", "bars"]
GRAINS = ("week", "month", "quarter", "year")
BRIDGES: dict[str, tuple[str, tuple[tuple[str, str, int], ...], str]] = {
    "arr_waterfall": ("opening_arr", (
        ("new_arr", "New", 1), ("reactivation_arr", "Reactivation", 1),
        ("expansion_arr", "Expansion", 1), ("contraction_arr", "Contraction", -1),
        ("churned_arr", "Churn", -1)), "closing_arr"),
    "pipeline_movement": ("start_amount", (
        ("new_amount", "New", 1), ("pulled_in_amount", "Pulled in", 1),
        ("pushed_in_amount", "Pushed in", 1), ("reopened_amount", "Reopened", 1),
        ("category_in_amount", "Category in", 1), ("increased_amount", "Increased", 1),
        ("decreased_amount", "Decreased", -1), ("won_amount", "Won", -1),
        ("lost_amount", "Lost", -1), ("slipped_amount", "Slipped", -1),
        ("pulled_out_amount", "Pulled out", -1), ("category_out_amount", "Category out", -1)),
        "end_amount"),
}
"""Bridges as the tools define them (docs/metrics.md: ARR bridge, pipeline movement): start,
signed steps, end."""


def label_columns(r: MetricResult) -> list[str]:
    """The leading columns that name a row (no unit): time bucket, dimension labels."""
    out = []
    for c in r.columns:
        if c in r.units:
            break
        out.append(c)
    return out


def chart_kind(r: MetricResult) -> ChartKind | None:
    """The chart that draws the result (its headline measure), or None when its shape has none:
    a trend over a time grain, a two-way split as a heatmap, a split as bars, a bridge as a
    waterfall, the scorecard against its targets."""
    if r.metric == "scorecard":
        return "scorecard" if r.rows else None
    if r.metric in BRIDGES and len(r.rows) == 1 and label_columns(r) == []:
        return "waterfall"
    if r.measure not in r.columns or r.measure not in r.units or not r.rows:
        return None
    labels = label_columns(r)  # none: a single number, nothing to draw
    i = r.columns.index(r.measure)
    if all(row[i] is None for row in r.rows):  # nothing defined to draw (e.g. no quota left)
        return None
    if labels and labels[0] in GRAINS:
        return "trend"
    if len(labels) == 2 and labels[1] != "opportunity":
        return "heatmap"
    return "bars" if labels else None
