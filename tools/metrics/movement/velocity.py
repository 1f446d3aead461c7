"""Pipeline velocity (M24): how much revenue the open pipeline turns into per day.

velocity = open qualified deals x win rate x average deal size / average sales cycle. The open
deals are counted as of the as-of date; the other three inputs come from deals closed in the
trailing window (default: the 4 full fiscal quarters before the as-of date) with the same rules
as win_rate (M04), avg_deal_size (M03) and sales_cycle (M06), so each input can be checked
against those tools. Every input is in the result.
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, ToolInputError
from tools.fiscal import Period
from tools.metrics.core.options import Option
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.movement.common import (
    OPEN_FORECAST,
    check_dims,
    finish,
    grouped,
    no_trend,
    snapshot,
)
from tools.query import Query

VELOCITY_DIMS = tuple(d for d in Dimension if d.value in (
    "rep", "manager", "team", "region", "territory", "product", "product_family", "industry",
    "segment", "deal_type", "lead_source"))
DEFINITION = (
    "pipeline_velocity_per_day = open_deals x win_rate x avg_deal_size / avg_cycle_days "
    "(METRICS M24). "
    "open_deals: open, not omitted from the forecast, any close date, as of the as-of date (at "
    "or past option min_stage when given). From deals closed in the window (default the 4 full "
    "fiscal quarters before the as-of date): win_rate = won / (won + lost) (M04), "
    "avg_deal_size = mean amount of won deals with a positive amount (M03), avg_cycle_days = "
    "mean days from creation to close of won deals (M06). NULL when an input is missing or the "
    "cycle is 0. pipeline_velocity_per_quarter = per day x the days of the as-of date's fiscal "
    "quarter.")
SPEC = ToolSpec(
    name="pipeline_velocity", definition=DEFINITION,
    measures={"per_day": Headline("pipeline_velocity_per_day", "currency"),
              "per_quarter": Headline("pipeline_velocity_per_quarter", "currency")},
    options={"min_stage": Option(str, None)})


def trailing_quarters(ctx: ToolContext, n: int = 4) -> Period:
    """Return the n full fiscal quarters before the one holding the as-of date."""
    cal = ctx.settings.calendar
    current = cal.bucket(ctx.as_of, "quarter")
    first, last = cal.previous(current, "quarter", n), cal.previous(current, "quarter", 1)
    return Period(first.start, last.end, f"last {n} full quarters ({first.label} to {last.label})")


def _qualified(ctx: ToolContext, q: Query, min_stage: str | None) -> str:
    if min_stage is None:
        return OPEN_FORECAST
    known = [r[0] for r in ctx.con.execute(
        "select distinct stage_name from opportunity_stages where not coalesce(is_closed, false) "
        "order by 1").fetchall()]
    if min_stage not in known:
        raise ToolInputError(f"no open stage '{min_stage}'", options=known)
    holder = q.bind("min_stage", min_stage)
    return (f"{OPEN_FORECAST} and stage_order >= (select min(sort_order) "
            f"from opportunity_stages where stage_name = {holder})")


def pipeline_velocity(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Expected revenue per day from today's open pipeline, with its four inputs.

    Hand-written: an open snapshot combined with trailing quarters' won deals.
    """
    check_dims(params, VELOCITY_DIMS, "Pipeline velocity")
    no_trend(params, "Pipeline velocity")
    headline = SPEC.headline(params)
    window = params.period.as_period() if params.period else trailing_quarters(ctx)
    q = Query()
    src = snapshot(ctx, q, ctx.as_of, "as_of_ts")
    min_stage = SPEC.read_options(params)["min_stage"]
    qualified = _qualified(ctx, q, min_stage)
    in_window = q.between("close_date", window, "w")
    won = f"status = 'won' and {in_window}"
    open_n = f"count(*) filter (where {qualified})"
    win_rate = (f"count(*) filter (where {won}) / nullif(count(*) filter (where status in "
                f"('won', 'lost') and {in_window}), 0)")
    size = f"avg(amount_corp) filter (where {won} and amount_corp > 0)"
    cycle = (f"avg(date_diff('day', created_date, close_date)) filter (where {won} "
             f"and close_date >= created_date)")
    velocity = f"{open_n} * {win_rate} * {size} / nullif({cycle}, 0)"
    days = q.bind("quarter_days", ctx.settings.calendar.bucket(ctx.as_of, "quarter").days)
    measures = [f"{velocity} as pipeline_velocity_per_day",
                f"{velocity} * {days} as pipeline_velocity_per_quarter",
                f"{open_n} as open_deals", f"{win_rate} as win_rate",
                f"{size} as avg_deal_size", f"{cycle} as avg_cycle_days",
                f"sum(amount_corp) filter (where {qualified}) as open_pipeline",
                f"count(*) filter (where {won}) as won_deals",
                f"count(*) filter (where status in ('won', 'lost') and {in_window}) "
                "as closed_deals"]
    body = grouped(q, params, src, measures, headline.column)
    return finish(ctx, q, body, SPEC, headline, definition=DEFINITION, period=window,
                  count="open_deals", params=params)
