"""Metric tools of the forecast area (reference/METRICS.md §3 D: M30-M32); see TOOLS."""

from __future__ import annotations

from tools.base import OPPORTUNITY_DIMENSIONS, Dimension, Tool
from tools.metrics.core.engine import spec_tool
from tools.metrics.forecast import accuracy, projection
from tools.metrics.forecast.accuracy import forecast_accuracy
from tools.metrics.forecast.projection import forecast_projection
from tools.metrics.forecast.rollup import FORECAST_ROLLUP

ACCURACY_GROUPS = tuple(d for d in OPPORTUNITY_DIMENSIONS if d not in (
    Dimension.stage, Dimension.forecast_category, Dimension.opportunity))
"""Stage and category change between the forecast snapshot and the actuals: not a split."""


TOOLS: tuple[Tool, ...] = (
    spec_tool(FORECAST_ROLLUP, "Forecast",
              "Forecast roll-ups as of a date: closed, commit, most likely, best case, pipeline, "
              "and the weighted forecast, for deals closing in the period.", comparable=False,
              series=True),
    Tool(name="forecast_projection", title="Projected bookings",
         description="Where the quarter will land: bookings to date plus open pipeline valued at "
                     "historical win rates by stage and deal age (with the rates used). Option "
                     "min_sample (default 5): fewest historical deals behind a rate before falling "
                     "back to the stage's rate.",
         run=forecast_projection, measures=tuple(projection.SPEC.measures),
         default_period="quarter", options=projection.SPEC.options),
    Tool(name="forecast_accuracy", title="Forecast accuracy",
         lower_is_better=frozenset({"mape", "wape"}),
         description="How close past quarters' forecasts (as of two weeks in) came to actual "
                     "bookings: accuracy (1 - WAPE), MAPE, WAPE and bias, per quarter. Options: "
                     "forecast (weighted, commit, most_likely, best_case; default weighted), "
                     "lead_days (14), close_lag_days (0), quarters (4, when no period is named).",
         run=forecast_accuracy, measures=tuple(accuracy.SPEC.measures), default_period="none",
         group_by=ACCURACY_GROUPS, options=accuracy.SPEC.options, own_grain="quarter"),
)
"""The tools this module contributes to the registry."""
