"""The catalog is the union of the metric areas: every area package exports TOOLS, every package
under tools/metrics/ (but core) is an area the registry lists, and no tool is listed twice; a
split a tool does not take is refused with the tool's own reason."""

from __future__ import annotations

import pkgutil
import types
from datetime import date

import pytest

import tools.metrics
from tests.helpers import context, fixture_db
from tools.base import (
    Dimension,
    Filter,
    FilterUnsupported,
    MetricParams,
    PeriodParam,
    Tool,
    ToolInputError,
)
from tools.registry import AREAS, TOOLS, _catalog, run_tool


def test_every_area_package_is_listed_and_exports_tools() -> None:
    packages = {m.name for m in pkgutil.iter_modules(tools.metrics.__path__) if m.ispkg}
    listed = {area.__name__.rsplit(".", 1)[1] for area in AREAS}
    assert packages - {"core"} == listed
    for area in AREAS:
        assert area.TOOLS and all(isinstance(t, Tool) for t in area.TOOLS), area.__name__


def test_catalog_holds_each_area_tool_once_in_area_order() -> None:
    names = [t.name for area in AREAS for t in area.TOOLS]
    assert len(names) == len(set(names))
    assert list(TOOLS) == names


def test_a_tool_listed_twice_is_refused() -> None:
    twice = types.ModuleType("twice")
    twice.TOOLS = (TOOLS["bookings"],)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="bookings is listed twice"):
        _catalog((*AREAS, twice))


def test_a_tool_is_built_by_keyword_only() -> None:
    tool = TOOLS["bookings"]
    with pytest.raises(TypeError):
        Tool(tool.name, tool.title, tool.description, tool.run,  # type: ignore[call-arg]
             tool.measures, tool.default_period)


@pytest.mark.parametrize("name", [n for n, t in TOOLS.items() if t.group_by_why])
def test_a_refused_split_says_the_tools_own_reason(name: str) -> None:
    """run_tool refuses a dimension outside the tool's group_by before the tool runs; where the
    tool says why it takes only those, the refusal says so (not just the generic wording)."""
    tool = TOOLS[name]
    other = next(d for d in Dimension if d not in tool.group_by)
    con = fixture_db("dataset_e")
    with pytest.raises(FilterUnsupported) as caught:
        run_tool(context(con, date(2024, 6, 30)), name, MetricParams(group_by=[other]))
    con.close()
    assert str(caught.value) == (
        f"{name} cannot be split or filtered by {other.value}: {tool.group_by_why}, so it is "
        f"split only by {', '.join(d.value for d in tool.group_by)}")
    assert caught.value.options == [d.value for d in tool.group_by]
    assert caught.value.dimensions == {other.value}


def test_the_tools_own_check_words_the_refusal_the_same_way() -> None:
    """A tool's own check (here quota's, for direct callers) gives run_tool's message."""
    params = MetricParams(filters=[Filter(dimension=Dimension.product, values=["X"])])
    con = fixture_db("dataset_e")
    with pytest.raises(FilterUnsupported) as direct:
        TOOLS["quota_attainment"].run(context(con, date(2024, 6, 30)), params)
    with pytest.raises(FilterUnsupported) as routed:
        run_tool(context(con, date(2024, 6, 30)), "quota_attainment", params)
    con.close()
    assert str(direct.value) == str(routed.value)
    assert "quotas are set per rep" in str(direct.value)


H1 = PeriodParam(start=date(2024, 1, 1), end=date(2024, 6, 30), label="H1 2024")


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_a_time_grain_is_drawn_by_a_series_tool_and_refused_by_the_others(name: str) -> None:
    """`Tool.series` is what the reader trusts for "X over X" with no period: a series tool
    answers one row per month; any other refuses the grain (never one figure for a trend)."""
    con = fixture_db("dataset_e")
    params = MetricParams(period=H1, time_grain="month")
    try:
        if TOOLS[name].own_grain:  # its answer is by that grain already; others are refused
            params = MetricParams(period=H1, time_grain="week")
            with pytest.raises(ToolInputError):
                run_tool(context(con, date(2024, 6, 30)), name, params)
        elif TOOLS[name].series:
            result = run_tool(context(con, date(2024, 6, 30)), name, params)
            assert result.columns[0] == "month" and len(result.rows) > 1, result.columns
        else:
            with pytest.raises(ToolInputError, match="not as a trend"):
                run_tool(context(con, date(2024, 6, 30)), name, params)
    finally:
        con.close()
