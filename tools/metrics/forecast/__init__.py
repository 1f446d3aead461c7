"""Metric tools of the forecast area (reference/METRICS.md §3 D: M30-M32); see TOOLS."""

from __future__ import annotations

from tools.base import (
    OPPORTUNITY_DIMENSIONS,
    Dimension,
    MetricParams,
    MetricResult,
    Tool,
    ToolContext,
)
from tools.metrics.core.engine import run_metric
from tools.metrics.core.options import read_options
from tools.metrics.forecast import accuracy, projection
from tools.metrics.forecast.accuracy import forecast_accuracy
from tools.metrics.forecast.projection import forecast_projection
from tools.metrics.forecast.rollup import FORECAST_ROLLUP

ACCURACY_GROUPS = tuple(d for d in OPPORTUNITY_DIMENSIONS if d not in (
    Dimension.stage, Dimension.forecast_category, Dimension.opportunity))
"""Stage and category change between the forecast snapshot and the actuals: not a split."""


def forecast_rollup(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return the M30 roll-ups and the M31 weighted forecast as of the as-of date.

    MetricSpec: FORECAST_ROLLUP run by the engine, once it has refused options.
    """
    read_options(params, "forecast_rollup", {})
    return run_metric(ctx, FORECAST_ROLLUP, params)


TOOLS: tuple[Tool, ...] = (
    Tool(name="forecast_rollup", title="Forecast",
         description="Forecast roll-ups as of a date: closed, commit, most likely, best case, "
                     "pipeline, and the weighted forecast, for deals closing in the period.",
         run=forecast_rollup, measures=tuple(FORECAST_ROLLUP.headline), default_period="quarter"),
    Tool(name="forecast_projection", title="Projected bookings",
         description="Where the quarter will land: bookings to date plus open pipeline valued at "
                     "historical win rates by stage and deal age (with the rates used). Option "
                     "min_sample (default 5): fewest historical deals behind a rate before falling "
                     "back to the stage's rate.",
         run=forecast_projection, measures=tuple(projection.SPEC.measures),
         default_period="quarter"),
    Tool(name="forecast_accuracy", title="Forecast accuracy",
         description="How close past quarters' forecasts (as of two weeks in) came to actual "
                     "bookings: accuracy (1 - WAPE), MAPE, WAPE and bias, per quarter. Options: "
                     "forecast (weighted, commit, most_likely, best_case; default weighted), "
                     "lead_days (14), close_lag_days (0), quarters (4, when no period is named).",
         run=forecast_accuracy, measures=tuple(accuracy.SPEC.measures), default_period="none",
         group_by=ACCURACY_GROUPS),
)
"""The tools this module contributes to the registry."""
