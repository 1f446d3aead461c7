"""The catalog is the union of the metric areas: every area package exports TOOLS, every package
under tools/metrics/ (but core) is an area the registry lists, and no tool is listed twice."""

from __future__ import annotations

import pkgutil
import types

import pytest

import tools.metrics
from tools.base import Tool
from tools.registry import AREAS, TOOLS, _catalog


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
