"""The layers of docs/design.md#layers hold, and no module imports itself through others.

`lint-imports` checks the contracts in pyproject.toml ([tool.importlinter]): protocols -> agent
-> prompts -> tools, and inside tools the tools -> the warehouse -> the fiscal calendar. grimp
(import-linter's graph) finds import cycles among the project's own modules; imports inside
functions and under TYPE_CHECKING count, since they tie modules together all the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter.api import read_configuration

from tests.conftest import REPO

PACKAGES = ("protocols", "agent", "prompts", "tools")



def test_the_layer_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_contracts_list_no_exceptions() -> None:
    config = read_configuration(str(REPO / "pyproject.toml"))
    contracts = config["contracts_options"]
    assert {c["type"] for c in contracts} == {"layers"} and len(contracts) >= 2
    for contract in contracts:
        assert not contract.get("ignore_imports"), contract["name"]
        assert not contract.get("exhaustive_ignores"), contract["name"]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """One cycle through each import that is part of one: the import, then the shortest way
    back (as `importer -> imported -> ... -> importer`)."""
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                found.append((importer, *back))
    return found


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    found = cycles(graph)
    assert not found, "\n".join(" -> ".join(c) for c in found)


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check is not vacuous: an import from the warehouse back up to the tools that use
    it closes a cycle, and the check names it."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)  # its own: this one gets an import
    graph.add_import(importer="tools.warehouse.settings", imported="tools.base")
    assert any(c[:2] == ("tools.warehouse.settings", "tools.base") for c in cycles(graph))


def test_no_node_imports_another_node(graph: grimp.ImportGraph) -> None:
    """Nodes meet only through the state and the graph's edges (agent/graph.py)."""
    nodes = graph.find_children("agent.nodes")
    assert len(nodes) >= 7
    calls = {(n, other) for n in nodes for other in graph.find_modules_directly_imported_by(n)
             if other in nodes}
    assert not calls
