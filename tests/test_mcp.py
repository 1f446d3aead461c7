"""The MCP server through the official mcp client: stdio (`revops mcp` as a subprocess),
streamable HTTP (uvicorn on loopback, mounted as `revops serve` will) and in memory."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import uvicorn
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from agent.charts import chart_for
from agent.context import Warehouse
from protocols.mcp_server import ASK, build_mcp_server, mcp_http_app
from tools.base import MetricParams, PeriodParam, ToolContext
from tools.demo import generate_demo
from tools.registry import TOOLS, run_tool
from tools.warehouse import open_analytics, writable

REPO = Path(__file__).resolve().parents[1]
END = date(2026, 11, 26)
PERIOD = {"start": "2026-02-01", "end": "2026-10-31", "label": "FY2027 to Q3"}
WIN_RATE_BY_REGION = {"group_by": ["region"], "period": PERIOD, "as_of": END.isoformat()}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2,000-deal demo company, generated once for this module."""
    path = tmp_path_factory.mktemp("mcp") / "demo.duckdb"
    with writable(path) as con:
        generate_demo(con, opportunities=2_000, end_date=END)
    return path


@pytest.fixture(scope="module")
def warehouse(demo_db: Path) -> Iterator[Warehouse]:
    """A read-only in-process connection (the subprocess opens its own, also read-only)."""
    wh = Warehouse(open_analytics(demo_db))
    yield wh
    wh.con.close()


def run_directly(wh: Warehouse, name: str, params: MetricParams) -> dict[str, Any]:
    """The tool's result in-process (through run_tool, with its chart), as JSON, for
    comparison with what MCP returned."""
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=END, facts=wh.facts,
                      memo=wh.memo)
    result = run_tool(ctx, name, params)
    result.chart = chart_for(result)
    return result.model_dump(mode="json")


WIN_RATE_PARAMS = MetricParams(group_by=["region"], period=PeriodParam(
    start=date(2026, 2, 1), end=date(2026, 10, 31), label="FY2027 to Q3"))


def stdio(db: Path) -> Client:
    """A client that spawns `python -m protocols.cli mcp --db DB` (no model configured)."""
    return Client(StdioServerParameters(command=sys.executable,
                                        args=["-m", "protocols.cli", "mcp", "--db", str(db)],
                                        cwd=str(REPO)))


def test_stdio_lists_every_tool_with_schemas_and_answers_like_the_tool(
        demo_db: Path, warehouse: Warehouse) -> None:
    async def session() -> None:
        async with stdio(demo_db) as client:
            listed = (await client.list_tools()).tools
            result = await client.call_tool("win_rate", WIN_RATE_BY_REGION)
            return listed, result

    listed, result = anyio.run(session)
    assert len(listed) == len(TOOLS) + 1
    assert {t.name for t in listed} == {*TOOLS, ASK}
    for tool in listed:
        assert tool.input_schema["type"] == "object" and tool.input_schema["properties"]
        assert "as_of" in tool.input_schema["properties"], tool.name
        assert tool.output_schema and tool.annotations.read_only_hint, tool.name
    win_rate = next(t for t in listed if t.name == "win_rate")
    assert win_rate.input_schema["additionalProperties"] is False
    assert win_rate.input_schema["properties"]["measure"]["anyOf"][0]["enum"] == ["count",
                                                                                  "value"]
    assert "period" in win_rate.input_schema["properties"]

    assert not result.is_error, result.content
    assert result.structured_content == run_directly(warehouse, "win_rate", WIN_RATE_PARAMS)
    assert [r[0] for r in result.structured_content["rows"]] == [
        "EMEA", "LATAM", "APAC", "North America"]
    chart = result.structured_content["chart"]  # a split draws sorted bars
    assert chart["mark"]["type"] == "bar" and chart["encoding"]["x"]["field"] == "win_rate"
    assert result.content[0].text.startswith("Win rate by region for FY2027 to Q3")


def test_stdio_bad_params_are_tool_errors_and_ask_runs_the_agent(demo_db: Path) -> None:
    async def session() -> list[Any]:
        async with stdio(demo_db) as client:
            return [await client.call_tool("win_rate", {"group_by": ["planet"]}),
                    await client.call_tool("quota_attainment", {"group_by": ["product"]}),
                    await client.call_tool(ASK, {"question": "what's our win rate this quarter?",
                                                 "as_of": END.isoformat()}),
                    await client.call_tool("win_rate", {"as_of": END.isoformat()})]

    bad_dimension, unsupported, asked, after = anyio.run(session)
    assert bad_dimension.is_error
    assert "group_by.0" in bad_dimension.content[0].text
    assert unsupported.is_error
    assert unsupported.structured_content["options"] == ["rep", "manager", "team", "region",
                                                         "territory"]
    assert "cannot be split or filtered by product" in unsupported.content[0].text
    assert not asked.is_error
    response = asked.structured_content
    assert response["status"] == "answered" and response["intent"]["tool"] == "win_rate"
    assert asked.content[0].text == response["answer"]
    assert response["answer"].startswith("Win rate for FY2027 Q4")
    assert not after.is_error, "the server survives bad input"


@pytest.mark.parametrize(("name", "arguments", "says"), [
    ("win_rate", {"bogus": 1}, "bogus: Extra inputs are not permitted"),
    ("win_rate", {"measure": "nope"}, "win_rate has no measure 'nope'. Options: count, value"),
    ("win_rate", {"period": {"start": "2026-05-01", "end": "2026-04-01", "label": "x"}},
     "period ends (2026-04-01) before it starts (2026-05-01)"),
    ("win_rate", {"as_of": "2026-13-01"}, "as_of:"),
    ("win_rate", {"top": 0}, "top: Input should be greater than or equal to 1"),
    ("win_rate", {"filters": [{"dimension": "tool", "values": ["CRM"]}]},
     "cannot be split or filtered by tool"),
    ("no_such_tool", {}, "unknown tool 'no_such_tool'"),
    (ASK, {"question": ""}, "question: String should have at least 1 character"),
    (ASK, {"question": "win rate", "sql": "drop table x"}, "sql: Extra inputs"),
])
def test_bad_input_is_a_readable_tool_error(warehouse: Warehouse, name: str,
                                           arguments: dict[str, Any], says: str) -> None:
    server = build_mcp_server(warehouse, today=lambda: END)

    async def call() -> Any:
        async with Client(server, raise_exceptions=True) as client:
            return await client.call_tool(name, arguments)

    result = anyio.run(call)
    assert result.is_error
    assert says in result.content[0].text
    assert result.structured_content["error"]


def test_default_as_of_is_the_injected_today(warehouse: Warehouse) -> None:
    server = build_mcp_server(warehouse, today=lambda: END)

    async def call() -> Any:
        async with Client(server, raise_exceptions=True) as client:
            return await client.call_tool("bookings", {})

    result = anyio.run(call)
    assert result.structured_content["as_of"] == END.isoformat()
    assert result.structured_content["period"]["label"] == "FY2027 YTD"


def test_a_warehouse_failure_is_a_tool_error_not_a_crash(demo_db: Path) -> None:
    broken = Warehouse(open_analytics(demo_db))
    broken.con.close()
    server = build_mcp_server(broken, today=lambda: END)

    async def call() -> Any:
        async with Client(server, raise_exceptions=True) as client:
            return await client.call_tool("bookings", {})

    result = anyio.run(call)
    assert result.is_error
    assert result.content[0].text == "bookings failed on the warehouse (see the server log)"


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def http_service(warehouse: Warehouse) -> Iterator[tuple[str, list[str | None]]]:
    """The MCP app mounted in a parent Starlette app exactly as the module docstring tells
    `revops serve` to, under uvicorn on a free loopback port; yields the URL and the
    Authorization headers the requester hook saw."""
    seen: list[str | None] = []

    def requester_of(request: Any) -> dict[str, Any] | None:
        seen.append(request.headers.get("authorization") if request is not None else None)
        return None

    server = build_mcp_server(warehouse, today=lambda: END, requester_of=requester_of)
    mcp_app = mcp_http_app(server)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        async with server.session_manager.run():
            yield

    app = Starlette(routes=[Route("/healthz", lambda request: PlainTextResponse("ok")),
                            Mount("/", app=mcp_app)], lifespan=lifespan)
    sock = free_socket()
    port = sock.getsockname()[1]
    service = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=service.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not service.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        service.should_exit = True
        thread.join(10)
        sock.close()


def test_streamable_http_lists_and_calls_a_tool(http_service: tuple[str, list[str | None]],
                                                warehouse: Warehouse) -> None:
    base, seen = http_service

    async def session() -> Any:
        http = httpx2.AsyncClient(headers={"Authorization": "Bearer t0ken"},
                                  timeout=httpx2.Timeout(30.0))
        async with http, Client(streamable_http_client(f"{base}/mcp", http_client=http)) as c:
            listed = (await c.list_tools()).tools
            result = await c.call_tool("win_rate", WIN_RATE_BY_REGION)
            health = (await http.get(f"{base}/healthz")).text
            return listed, result, health

    listed, result, health = anyio.run(session)
    assert len(listed) == len(TOOLS) + 1
    assert not result.is_error, result.content
    assert result.structured_content == run_directly(warehouse, "win_rate", WIN_RATE_PARAMS)
    assert health == "ok", "the service's own routes still answer next to the mount"
    assert seen == ["Bearer t0ken"], "tool calls see the HTTP request (for the access policy)"
