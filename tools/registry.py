"""The tool catalog: one explicit, frozen mapping from tool name to tool."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Final

from tools.base import (
    OWNER_DIMENSIONS,
    Dimension,
    FilterUnsupported,
    MetricParams,
    MetricResult,
    Runner,
    Tool,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.metrics import (
    activity,
    closed_deals,
    forecast,
    funnel,
    movement,
    operations,
    pipeline,
    productivity,
    quality,
    quota,
    recurring,
    scorecard,
    technology,
)
from tools.metrics.engine import MetricSpec, run_metric
from tools.needs import unmet
from tools.units import declare_units
from tools.values import check_filter_values


def _spec_runner(spec: MetricSpec) -> Runner:
    def run(ctx: ToolContext, params: MetricParams) -> MetricResult:
        return run_metric(ctx, spec, params)

    return run


def _from_spec(spec: MetricSpec, title: str, description: str) -> Tool:
    return Tool(name=spec.name, title=title, description=description, run=_spec_runner(spec),
                measures=tuple(spec.headline), default_period=spec.default_period,
                comparable=True)


_OWNER = tuple(d for d in Dimension if d in OWNER_DIMENSIONS)

CORE: Final = (
    _from_spec(closed_deals.BOOKINGS, "Bookings",
               "Closed-won revenue (amount, or number of deals won) in a period."),
    _from_spec(closed_deals.WIN_RATE, "Win rate",
               "Share of closed deals that were won, by count or by value."),
    _from_spec(closed_deals.DEAL_SIZE, "Average deal size",
               "Average and median amount of won deals."),
    _from_spec(closed_deals.SALES_CYCLE, "Sales cycle length",
               "Days from creation to close of won deals, mean and median."),
    _from_spec(closed_deals.LEADERBOARD, "Leaderboard",
               "Performance table per rep (or any dimension): bookings, share, won deals, win "
               "rate, deal size, cycle, ranked."),
    _from_spec(pipeline.OPEN_PIPELINE, "Open pipeline",
               "Open deals with a close date in the window, as of a date."),
    _from_spec(pipeline.WEIGHTED_PIPELINE, "Weighted pipeline",
               "Open pipeline weighted by deal probability, as of a date."),
    Tool("opportunity_count", "Deal counts",
         "How many deals are open (by stage), or were created, won, lost or closed in a period.",
         pipeline.opportunity_count,
         ("open", "created", "won", "lost", "closed", "open_amount", "created_amount",
          "won_amount", "lost_amount", "closed_amount"), "ytd"),
    Tool("quota_attainment", "Quota attainment",
         "Bookings against quota per rep, manager, team, region or overall.",
         quota.quota_attainment, ("ratio",), "quarter", _OWNER),
    Tool("pipeline_coverage", "Pipeline coverage",
         "Open pipeline against the quota still to close in the period.",
         quota.pipeline_coverage, ("ratio",), "quarter", _OWNER),
)
TOOLS: Final = MappingProxyType({t.name: t for t in (
    *CORE, *recurring.TOOLS, *movement.TOOLS, *forecast.TOOLS, *productivity.TOOLS,
    *funnel.TOOLS, *technology.TOOLS, *operations.TOOLS, *activity.TOOLS, *quality.TOOLS,
    *scorecard.TOOLS,
)})


def run_tool(ctx: ToolContext, name: str, params: MetricParams) -> MetricResult:
    """Run a registered tool by name, within the requester's row scope (ctx.scope).

    The one entry point of every request path (graph, REST, A2A, MCP): a split or filter by a
    dimension the tool lacks is a FilterUnsupported; a filter value the data does not hold raises
    tools.values.UnknownFilterValue (a ToolInputError with did-you-mean options); a restricted
    scope refuses the tool or the params (tools.access.AccessDenied), or adds its owner
    filter and checks the result honoured it. With ctx.cache, a run with the same plan, as-of,
    scope and data is answered from the cache (tools/answer_cache.py).
    """
    tool = TOOLS[name]
    outside = params.dimensions_outside(tool.group_by)
    if outside:  # what the tool's schema says; its SQL has no such column
        raise FilterUnsupported(f"{name} cannot be split or filtered by {', '.join(outside)}",
                                outside, [d.value for d in tool.group_by])
    check_filter_values(ctx, params, tool.group_by)  # a value the data lacks matches nothing
    if ctx.cache is None:
        return _run_scoped(ctx, tool, params)
    key = ctx.cache.key(name, params, ctx.as_of, ctx.scope, ctx.facts)
    return ctx.cache.get_or_compute(key, lambda: _run_scoped(ctx, tool, params))


def _run_scoped(ctx: ToolContext, tool: Tool, params: MetricParams) -> MetricResult:
    if ctx.scope is None:
        return _declared(ctx, _needs(ctx, tool.name, lambda: tool.run(ctx, params)))
    scoped, owner = ctx.scope.restrict(tool, params)
    try:
        result = _needs(ctx, tool.name, lambda: tool.run(ctx, scoped))
    except FilterUnsupported as exc:
        if owner.dimension.value in exc.dimensions:
            raise ctx.scope.unscopable(tool, str(exc)) from exc
        raise
    return _declared(ctx, ctx.scope.vouch(tool, result, owner))


def _declared(ctx: ToolContext, result: MetricResult) -> MetricResult:
    """Complete the result's column units (tools.units) and name its currency."""
    result.units = declare_units(result.columns, result.units, result.measure, result.unit)
    result.currency = ctx.settings.corporate_currency
    return result


def _needs(ctx: ToolContext, name: str, run: Callable[[], MetricResult]) -> MetricResult:
    """Run a tool; when a table it needs is empty, say which data to import (NEEDS_DATA)."""
    try:
        result = run()
    except FilterUnsupported:
        raise
    except ToolInputError as exc:
        lacking = unmet(ctx, name)
        if lacking:
            raise ToolInputError(f"{exc}; {'; '.join(lacking)}", exc.options) from exc
        raise
    lacking = unmet(ctx, name) if result.value is None or not result.n_records else []
    if lacking:  # a tool that answered from other data (ARR from line items) is an answer
        result.warnings.append(Warning(code="NEEDS_DATA", message=(
            f"{TOOLS[name].title}: {'; '.join(lacking)}; without it this is not a "
            "measurement.")))
    return result
