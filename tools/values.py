"""Filter values are never dropped: code-like values are refused, unknown ones asked about.

Every caller (the graph, the model planner, REST, A2A, MCP) reaches a tool through
`tools.registry.run_tool` with a `MetricParams`, so both checks hold for all of them:
`code_reason` (tools/codelike.py) runs when a `Filter` is built (a value that is markup, a
template, a path or a SQL fragment is never a name in the data), `check_filter_values` (here)
before the tool runs (a value the warehouse does not hold would silently match nothing: a zero
that looks like an answer).
"""

from __future__ import annotations

from collections.abc import Iterable

from tools.base import Dimension, MetricParams, ToolContext, ToolInputError

CHECKED = frozenset({
    Dimension.rep, Dimension.manager, Dimension.team, Dimension.region, Dimension.territory,
    Dimension.product, Dimension.product_family, Dimension.industry, Dimension.segment,
    Dimension.deal_type, Dimension.lead_source, Dimension.campaign, Dimension.account})
"""Deal dimensions, whose every value is listed in (v_)entity_values or accounts. Stages,
forecast categories and single deals are read by the tools themselves, and `tool`,
`activity_type` and `request_type` mean something per tool (an integration flow matches a
system inside it: 'NetSuite' in 'salesforce -> netsuite')."""
NONE_LABEL = "(none)"
"""How results show a missing value; filtering on it is valid."""


class UnknownFilterValue(ToolInputError):
    """A filter names a value the data does not hold; options are the closest values."""


def known_values(ctx: ToolContext, dim: Dimension) -> frozenset[str]:
    """Every value of a dimension in the warehouse (cached per read-only connection)."""
    key = ("known_values", dim.value)
    if key not in ctx.memo:
        if dim == Dimension.account:
            sql = ("select name from accounts where name is not null "
                   "and not coalesce(is_deleted, false)")
            rows = ctx.con.execute(sql).fetchall()
        else:
            relation = "entity_values" if ctx.facts else "v_entity_values"
            rows = ctx.con.execute(f"select label from {relation} where dimension = ?",
                                   [dim.value]).fetchall()
        ctx.memo[key] = frozenset(str(r[0]) for r in rows)
    return ctx.memo[key]


def closest(value: str, choices: frozenset[str], limit: int = 5) -> list[str]:
    """The values most like `value` (case and spelling), best first."""
    from rapidfuzz import fuzz, process, utils

    found = process.extract(value, sorted(choices), scorer=fuzz.WRatio, limit=limit,
                            processor=utils.default_process, score_cutoff=50)
    return [label for label, _, _ in found]


def check_filter_values(ctx: ToolContext, params: MetricParams,
                        supported: Iterable[Dimension]) -> None:
    """Raise UnknownFilterValue for a filter value the warehouse does not hold.

    Only dimensions the tool supports are checked (the tool itself says it cannot filter by
    the others). A value differing only in case is offered as the stored value.
    """
    supported = set(supported)
    for f in params.filters:
        if f.dimension not in CHECKED or f.dimension not in supported:
            continue
        values = known_values(ctx, f.dimension)
        for value in f.values:
            if value in values or value == NONE_LABEL:
                continue
            options = closest(value, values)
            dim = f.dimension.value.replace("_", " ")
            hint = f"; did you mean {', '.join(repr(o) for o in options)}?" if options else ""
            raise UnknownFilterValue(f"there is no {dim} '{value}' in the data{hint}",
                                     [f"{o} ({f.dimension.value})" for o in options])


def check_tool_values(ctx: ToolContext, params: MetricParams, sql: str, what: str) -> None:
    """Raise UnknownFilterValue for a `tool` filter value outside the names `sql` lists.

    `tool` is checked per metric, not against every tool the data names: adoption is measured
    for licensed tools, integration health for the systems flows sync between, so 'HubSpot
    adoption' (an integration system without licences) asks rather than answering for all
    tools or none. Case is ignored when `sql` lists lower-case names (the flows' systems).
    """
    named = [v for f in params.filters if f.dimension == Dimension.tool for v in f.values]
    if not named:
        return
    key = ("tool_values", sql)
    if key not in ctx.memo:
        ctx.memo[key] = frozenset(str(r[0]) for r in ctx.con.execute(sql).fetchall()
                                  if r[0] is not None)
    known: frozenset[str] = ctx.memo[key]
    for value in named:
        if value in known or value.lower() in known or value == NONE_LABEL:
            continue
        options = sorted(known) if len(known) <= 8 else closest(value, known)
        listed = f": {', '.join(options)}" if options else " (there are none)"
        raise UnknownFilterValue(f"'{value}' is not one of the {what} in the data{listed}",
                                 [f"{o} (tool)" for o in options])
