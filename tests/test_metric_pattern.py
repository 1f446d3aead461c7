"""One way to write a metric (docs/design.md#how-to-write-a-metric): every registered tool says
which of the three cases it is (MetricSpec, RecordSpec or hand-written, and then why), and every
result is built by the one envelope (tools/metrics/core/envelope.py). tests/test_sql_shape.py runs
every tool and checks each result carries the envelope's fields."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tools.registry import TOOLS

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
