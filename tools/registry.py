"""The tool catalog: one explicit, frozen mapping from tool name to tool."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType, ModuleType
from typing import Final

from tools.base import (
    FilterUnsupported,
    MetricParams,
    MetricResult,
    Tool,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.metrics import (
    activity,
    bookings,
    data_quality,
    forecast,
    funnel,
    movement,
    operations,
    pipeline,
    productivity,
    quota,
    recurring,
    scorecard,
    technology,
)
from tools.metrics.core.options import read_options
from tools.needs import unmet
from tools.units import declare_units
from tools.values import check_filter_values

AREAS: Final = (bookings, pipeline, quota, recurring, movement, forecast, productivity, funnel,
                technology, operations, activity, data_quality, scorecard)
"""The metric areas (packages under tools/metrics/), each exporting TOOLS; this order is the
catalog's order (tool lists, MCP, OpenAPI)."""


def _catalog(areas: tuple[ModuleType, ...]) -> MappingProxyType[str, Tool]:
    tools: dict[str, Tool] = {}
    for area in areas:
        for tool in area.TOOLS:
            if tool.name in tools:
                raise ValueError(f"tool {tool.name} is listed twice ({area.__name__})")
            tools[tool.name] = tool
    return MappingProxyType(tools)


TOOLS: Final = _catalog(AREAS)


def run_tool(ctx: ToolContext, name: str, params: MetricParams) -> MetricResult:
    """Run a registered tool by name, within the requester's row scope (ctx.scope).

    The one entry point of every request path (graph, REST, A2A, MCP): a split or filter by a
    dimension the tool lacks is a FilterUnsupported; a filter value the data does not hold raises
    tools.values.UnknownFilterValue (a ToolInputError with did-you-mean options); a time grain
    on a tool that is not a `series` is refused with the reason; a restricted
    scope refuses the tool or the params (tools.access.AccessDenied), or adds its owner
    filter and checks the result honoured it. With ctx.cache, a run with the same plan, as-of,
    scope and data is answered from the cache (tools/answer_cache.py).
    """
    tool = TOOLS[name]
    outside = params.dimensions_outside(tool.group_by)
    if outside:  # what the tool's schema says (and why); its SQL has no such column
        raise FilterUnsupported.outside(name, outside, tool.group_by, tool.group_by_why)
    check_filter_values(ctx, params, tool.group_by)  # a value the data lacks matches nothing
    read_options(params, name, tool.options)  # a knob it lacks is asked back, never ignored
    if params.time_grain and not tool.series and params.time_grain != tool.own_grain:
        # a trend it cannot draw, never one figure instead
        raise ToolInputError(f"{tool.title} is computed for one period at a time, not as a "
                             f"trend", options=["ask for one period"])
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
