"""Forecast category roll-ups (M30) and the weighted forecast (M31), as of the as-of date.

One aggregate over the deals as they stood on the as-of date (METRICS §1.7) with a close date
in the period, so the engine gives it breakdowns, filters and trends like any other metric.
"""

from __future__ import annotations

from tools.metrics.core.spec import MetricSpec
from tools.metrics.pipeline.open_deals import WEIGHTED
from tools.query import Measure, filtered

CATEGORY = "coalesce(forecast_category, 'pipeline')"
OPEN = "status = 'open'"
ONLY = {
    "commit_only": f"{OPEN} and {CATEGORY} = 'commit'",
    "most_likely_only": f"{OPEN} and {CATEGORY} = 'most_likely'",
    "best_case_only": f"{OPEN} and {CATEGORY} = 'best_case'",
    "pipeline_only": f"{OPEN} and {CATEGORY} not in ('commit', 'most_likely', 'best_case', "
                     "'omitted')",
}
CUMULATIVE = {
    "closed": ["closed"],
    "commit_forecast": ["closed", "commit_only"],
    "best_case_forecast": ["closed", "commit_only", "most_likely_only", "best_case_only"],
    "weighted_forecast": ["closed", "weighted_pipeline"],
    "most_likely_forecast": ["closed", "commit_only", "most_likely_only"],
    "open_pipeline": ["commit_only", "most_likely_only", "best_case_only", "pipeline_only"],
}
"""Each roll-up as the sum of its parts (METRICS M30 table; M31 = closed + weighted)."""

PARTS = {"closed": "status = 'won'", **ONLY,
         "weighted_pipeline": f"{OPEN} and {CATEGORY} <> 'omitted'"}


def _part(name: str, p: str | None) -> str:
    agg = WEIGHTED if name == "weighted_pipeline" else "sum(amount_corp)"
    return f"coalesce({filtered(agg, PARTS[name], p)}, 0)"


def _rollup(name: str) -> Measure:
    return Measure(name, lambda p: " + ".join(_part(x, p) for x in CUMULATIVE[name]),
                   "currency")


def _single(name: str) -> Measure:
    return Measure(name, lambda p: _part(name, p), "currency")


def _count(name: str, cond: str) -> Measure:
    return Measure(name, lambda p: filtered("count(*)", cond, p), "count")


FORECAST_ROLLUP = MetricSpec(
    name="forecast_rollup",
    definition=(
        "METRICS M30/M31 as of the as-of date, deals with a close date in the period (default: "
        "the fiscal quarter of the as-of date), each in the stage and forecast category it had "
        "on that date: closed = won; commit/most_likely/best_case/pipeline_only = open deals in "
        "that category (no category counts as pipeline); commit_forecast = closed + commit; "
        "most_likely_forecast adds most likely; best_case_forecast adds best case; "
        "open_pipeline = all open categories; weighted_forecast = closed + open amount x "
        "probability (the stage default where a deal has none). Omitted and lost deals are "
        "never included."),
    measures=(
        *(_rollup(n) for n in ("commit_forecast", "closed", "best_case_forecast",
                               "weighted_forecast", "most_likely_forecast", "open_pipeline")),
        *(_single(n) for n in (*ONLY, "weighted_pipeline")),
        _count("deals", None),  # type: ignore[arg-type]
    ),
    headline={n: n for n in ("commit_forecast", "best_case_forecast", "most_likely_forecast",
                             "weighted_forecast", "closed", "open_pipeline", *ONLY)},
    count_measure="deals",
    population=f"(status = 'won' or ({OPEN} and {CATEGORY} <> 'omitted'))",
    default_period="quarter",
    quality=(Measure("without_amount",
                     lambda p: filtered("count(*)", "amount_corp is null", p), "count"),),
)
