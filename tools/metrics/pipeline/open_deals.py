"""Open pipeline, weighted pipeline (M20/M21) and deal counts, as of the as-of date."""

from __future__ import annotations

from tools.base import MetricParams, MetricResult, ToolContext, ToolInputError
from tools.metrics.core.engine import run_metric
from tools.metrics.core.spec import MetricSpec
from tools.query import Measure, filtered

OPEN = "status = 'open' and coalesce(forecast_category, '') <> 'omitted'"
WEIGHTED = "sum(amount_corp * coalesce(probability, stage_probability))"


def _pipeline_spec(name: str, headline: str) -> MetricSpec:
    headlines = {"amount": "open_pipeline", "weighted": "weighted_pipeline", "count": "deals"}
    order = {headline: headlines.pop(headline), **headlines}
    return MetricSpec(
        name=name,
        definition="Open deals (not omitted from the forecast) as of the as-of date with a close "
                   "date in the window (default: the fiscal quarter of the as-of date); "
                   "weighted = amount x probability, the stage default where a deal has none "
                   "(METRICS M20/M21).",
        measures=(
            Measure("open_pipeline", lambda p: filtered("sum(amount_corp)", None, p), "currency"),
            Measure("weighted_pipeline", lambda p: filtered(WEIGHTED, None, p), "currency"),
            Measure("deals", lambda p: filtered("count(*)", None, p), "count"),
            Measure("past_due", lambda p: filtered("sum(amount_corp)", "close_date < $as_of", p),
                    "currency", shared=("as_of",)),
        ),
        headline=order,
        count_measure="deals",
        population=OPEN,
        default_period="quarter",
        stock=True,
        quality=(Measure("without_amount",
                         lambda p: filtered("count(*)", "amount_corp is null", p), "count"),),
    )


OPEN_PIPELINE = _pipeline_spec("open_pipeline", "amount")
WEIGHTED_PIPELINE = _pipeline_spec("weighted_pipeline", "weighted")

_COUNT_POPULATIONS = {
    "open": ("status = 'open'", "close_date", "open deals as of the as-of date (any close date)"),
    "created": ("true", "created_date", "deals created in the period"),
    "won": ("status = 'won'", "close_date", "deals won with a close date in the period"),
    "lost": ("status = 'lost'", "close_date", "deals lost with a close date in the period"),
    "closed": ("status in ('won', 'lost')", "close_date", "deals closed in the period"),
}


def count_spec(kind: str) -> MetricSpec:
    """Return the deal-count metric for one population (open, created, won, lost, closed)."""
    base = kind.removesuffix("_amount")
    if base not in _COUNT_POPULATIONS:
        raise ToolInputError(f"no deal count '{kind}'", options=list(_COUNT_POPULATIONS))
    population, column, text = _COUNT_POPULATIONS[base]
    return MetricSpec(
        name="opportunity_count",
        definition=f"Number and amount of {text}.",
        measures=(
            Measure("deals", lambda p: filtered("count(*)", None, p), "count"),
            Measure("amount", lambda p: filtered("sum(amount_corp)", None, p), "currency"),
        ),
        headline={base: "deals", f"{base}_amount": "amount"},
        count_measure="deals",
        population=population,
        period_column=column,
        default_period="quarter" if base == "open" else "ytd",  # compared, or in a trend: the
        # open deals closing in this quarter (otherwise every open deal: opportunity_count)
        stock=base == "open",
    )


def opportunity_count(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Count deals; open deals ignore the period unless one is given explicitly.

    MetricSpec: one spec per population (count_spec), chosen by the measure.
    """
    kind = params.measure or "open"
    spec = count_spec(kind)
    if kind.startswith("open") and params.period is None and not params.time_grain and \
            not params.compare:  # compared: a balance, over the spec's default quarter
        params = params.model_copy(update={"all_time": True})
    return run_metric(ctx, spec, params.model_copy(update={"measure": kind}))
