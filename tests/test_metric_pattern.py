"""One way to write a metric (docs/design.md#how-to-write-a-metric): every registered tool says
which of the three cases it is (MetricSpec, RecordSpec or hand-written, and then why), a
hand-written one declares a ToolSpec the catalog agrees with, options go through the one typed
reader, and every result is built by the one envelope (tools/metrics/core/envelope.py).
tests/test_sql_shape.py runs every tool and checks each result carries the envelope's fields."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from datetime import date
from pathlib import Path

import pytest

import tools.metrics
from tests.helpers import context, fixture_db
from tools.base import MetricParams, ToolInputError
from tools.metrics.core.envelope import fetch
from tools.metrics.core.options import Option
from tools.metrics.core.spec import Headline, ToolSpec
from tools.registry import TOOLS, run_tool

ROOT = Path(__file__).resolve().parents[1]
CASE = re.compile(r"^\s*(MetricSpec|RecordSpec|Hand-written): (\S.*)$", re.M)


def test_every_tool_says_which_case_it_is_and_a_hand_written_one_why() -> None:
    unsaid = [name for name, tool in TOOLS.items() if not CASE.search(tool.run.__doc__ or "")]
    assert not unsaid, f"no 'MetricSpec:', 'RecordSpec:' or 'Hand-written: <why>' line: {unsaid}"


def constructions(tree: ast.AST, name: str) -> list[int]:
    """Lines that build `name` directly: `name(...)`, `name.model_construct(...)`, ..."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == name or (
                isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
                and f.value.id == name and f.attr.startswith("model_")):
            lines.append(node.lineno)
    return lines


def test_a_result_is_built_only_by_the_envelope() -> None:
    built = {str(p.relative_to(ROOT)): lines for p in sorted((ROOT / "tools").rglob("*.py"))
             if (lines := constructions(ast.parse(p.read_text()), "MetricResult"))}
    assert list(built) == ["tools/metrics/core/envelope.py"], built


def test_the_scan_finds_a_result_built_elsewhere() -> None:
    tree = ast.parse("r = MetricResult(metric='m')\ns = MetricResult.model_construct()\n"
                     "t = envelope(ctx, fetched)")
    assert constructions(tree, "MetricResult") == [1, 2]


def declared_specs() -> dict[str, ToolSpec]:
    """Every ToolSpec a module under tools/metrics declares at module level, by tool name."""
    found: dict[str, ToolSpec] = {}
    for info in pkgutil.walk_packages(tools.metrics.__path__, "tools.metrics."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, ToolSpec):
                assert found.get(value.name, value) is value, f"{value.name} declared twice"
                found[value.name] = value
    return found


LISTINGS = {"data_issues", "duplicate_records"}
"""Hand-written tools whose measures are the data-quality catalog's (tools/quality/answer.py)."""


def test_every_hand_written_tool_declares_a_tool_spec_the_catalog_agrees_with() -> None:
    specs = declared_specs()
    hand_written = {name for name, tool in TOOLS.items()
                    if (m := CASE.search(tool.run.__doc__ or "")) and m[1] == "Hand-written"}
    assert hand_written - LISTINGS <= set(specs), hand_written - LISTINGS - set(specs)
    for name, spec in specs.items():
        assert TOOLS[name].measures == tuple(spec.measures), name
        assert spec.definition and all(h.column for h in spec.measures.values()), name


def test_a_tool_spec_reads_its_measure_and_options_and_refuses_others() -> None:
    spec = ToolSpec(name="t", definition="d",
                    measures={"share": Headline("s", "ratio"), "count": Headline("n", "count")},
                    options={"days": Option(int, 30, 1, 90),
                             "level": Option(str, "auto", choices=("auto", "deal"))})
    assert spec.headline(MetricParams()) == Headline("s", "ratio")
    assert spec.headline(MetricParams(measure="count")) == Headline("n", "count")
    assert spec.read_options(MetricParams(options={"days": "45"})) == {"days": 45,
                                                                        "level": "auto"}
    assert spec.read_options(MetricParams(options={"days": 7.0})) == {"days": 7,
                                                                       "level": "auto"}
    for bad, says in [({"measure": "sum"}, "t has no measure 'sum'"),
                      ({"options": {"dayz": 1}}, "t has no option dayz"),
                      ({"options": {"days": 7.5}}, "option days must be a whole number, not 7.5"),
                      ({"options": {"days": 91}}, "option days must be between 1 and 90"),
                      ({"options": {"days": True}}, "option days must be a whole number, not True"),
                      ({"options": {"level": "key"}}, "option level must be one of auto, deal")]:
        with pytest.raises(ToolInputError, match=re.escape(says)):
            spec.headline(MetricParams(**bad)) if "measure" in bad else \
                spec.read_options(MetricParams(**bad))


def test_a_tool_spec_result_is_the_envelope_with_its_name_unit_and_definition() -> None:
    con = fixture_db("funnel_golden")
    ctx = context(con, date(2024, 6, 30))
    spec = ToolSpec(name="t", definition="d", measures={"n": Headline("n", "count")})
    fetched = fetch(ctx, "select null::int as n", {})
    r = spec.result(ctx, fetched, spec.headline(MetricParams()), period=None, n_records=0,
                    scalar=True)
    con.close()
    assert (r.metric, r.measure, r.unit, r.definition, r.value, r.null_reason) == \
        ("t", "n", "count", "d", None, "NO_DATA")


def test_every_tool_refuses_a_knob_it_lacks_and_names_the_ones_the_catalog_declares() -> None:
    """The catalog's options (Tool.options) are the ones each tool reads: the evaluation
    compares readings by them and the registry refuses any other before the tool runs."""
    con = fixture_db("dataset_e")
    ctx, params = context(con, date(2024, 6, 30)), MetricParams(options={"zz": 1})
    for name, tool in TOOLS.items():
        with pytest.raises(ToolInputError, match=f"{name} has no option zz"):
            run_tool(ctx, name, params)
        try:  # the tool's own reader, without the registry: the same knobs or none
            tool.run(ctx, params)
            assert not tool.options, f"{name} declares options it does not read"
        except ToolInputError as exc:
            assert exc.options == sorted(tool.options), name
    con.close()


@pytest.mark.parametrize("name", ["win_rate", "forecast_rollup", "opportunity_count"])
def test_a_spec_tool_asks_back_a_knob_it_lacks(name: str) -> None:
    """The engine's tools read options through the one reader too: none is silently ignored."""
    con = fixture_db("dataset_e")
    with pytest.raises(ToolInputError, match=f"{name} has no option stale_days"):
        run_tool(context(con, date(2024, 6, 30)), name, MetricParams(options={"stale_days": 3}))
    con.close()
