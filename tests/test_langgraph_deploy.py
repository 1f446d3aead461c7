"""What can be checked here of the LangGraph Server deployment (no Docker engine to build the
image): the LangGraph CLI accepts langgraph.json, the Dockerfile it generates for the production
image serves our graph with our auth handler, and both import and are what the service uses."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import REPO

cli_config = pytest.importorskip("langgraph_cli.config")


def test_the_cli_accepts_langgraph_json():
    config = cli_config.validate_config_file(REPO / "langgraph.json")
    assert config["graphs"] == {"revops": "./agent/graph.py:graph"}
    assert config["auth"] == {"path": "./protocols/langgraph_auth.py:auth"}
    assert config["dependencies"] == ["."]  # the image installs this package (pyproject.toml)
    assert tuple(map(int, config["python_version"].split("."))) >= (3, 11)


def test_the_production_dockerfile_serves_our_graph_with_our_auth():
    path = REPO / "langgraph.json"
    dockerfile, _ = cli_config.config_to_docker(path, cli_config.validate_config_file(path))
    assert dockerfile.startswith("FROM langchain/langgraph-api:")
    env = dict(re.findall(r"^ENV (\w+)='(.*)'$", dockerfile, flags=re.M))
    root = f"/deps/{REPO.name}"
    assert json.loads(env["LANGSERVE_GRAPHS"]) == {"revops": f"{root}/agent/graph.py:graph"}
    assert json.loads(env["LANGGRAPH_AUTH"]) == {
        "path": f"{root}/protocols/langgraph_auth.py:auth"}
    assert re.search(rf"^ADD \. {re.escape(root)}$", dockerfile, flags=re.M)


def test_the_paths_import_to_the_compiled_graph_and_the_auth_handler():
    from langgraph.graph.state import CompiledStateGraph
    from langgraph_sdk import Auth

    from agent.graph import graph
    from protocols import langgraph_auth

    assert isinstance(graph, CompiledStateGraph)
    assert isinstance(langgraph_auth.auth, Auth)
    assert langgraph_auth.auth._authenticate_handler is not None
