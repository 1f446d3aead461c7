"""Fuzzing the running service on loopback: over 2,000 generated requests across REST, A2A and
MCP, with 0 responses 5xx, 0 dropped connections and the server alive at the end.

REST is fuzzed by schemathesis from the service's own OpenAPI document (GET /openapi.json,
generated from the request models): valid bodies by the schema, and bodies that break it.
A2A gets hypothesis-generated JSON-RPC bodies of both protocol versions (hostile roles, dates,
numbers, strings, methods, headers, bytes) and MCP hypothesis-generated tool calls through the
official client. Every run is seeded (derandomized) and bounded in examples and time.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from schemathesis.generation import GenerationMode

from agent.response import AgentResponse
from tests.metrics_demo import END, demo_warehouse
from tests.service_server import agent_service, auth
from tools.registry import TOOLS

REST_POSITIVE, REST_NEGATIVE, REST_GET = 350, 250, 100
A2A_BODIES, A2A_BYTES = 500, 400
MCP_CALLS = 420
"""Examples per part: 2,020 requests in all (plus a few probes)."""


def bounded(examples: int) -> settings:
    """Seeded, no example database, no shrinking past a minute: the same requests each run."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(
                        HealthCheck), stateful_step_count=1)


@dataclass
class Tally:
    """What the server answered, per protocol."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    requests: int = 0

    def saw(self, protocol: str, status: int) -> None:
        """Count an answer; any 5xx fails."""
        self.requests += 1
        self.statuses[(protocol, status)] += 1
        assert status < 500, (protocol, status)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def server(wh, tmp_path_factory):
    with agent_service(wh, tmp_path_factory.mktemp("fuzz"), time_limit_s=20) as running:
        yield running


@pytest.fixture(scope="module")
def tally(server) -> Iterator[Tally]:
    seen = Tally()
    yield seen
    # the server is alive at the end, and answers a real question
    with httpx.Client(base_url=server[0], timeout=30) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        reply = http.post("/v1/tasks", headers=auth("hub"), json={
            "task_id": "fuzz-final", "sender": "hub", "question": "win rate this quarter",
            "as_of": str(END)})
        assert reply.status_code == 200 and reply.json()["status"] == "answered"


class Connections:
    """Sends each request on a fresh connection, and every KEPT-th on one kept-alive
    connection (max one): a server that drops a connection after some answer fails the next
    request there (counted as a drop, failing the test). Fresh connections keep the run short
    on hosts where a kept-alive loopback request waits ~40 ms for a delayed ACK."""

    KEPT = 10

    def __init__(self, base: str) -> None:
        self.fresh = httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(
            max_keepalive_connections=0))
        self.kept = httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(
            max_connections=1, max_keepalive_connections=1))
        self.sent = 0

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.sent += 1
        client = self.kept if self.sent % self.KEPT == 0 else self.fresh
        return client.request(method, url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)


@contextmanager
def connections(base: str) -> Iterator[Connections]:
    sender = Connections(base)
    with sender.fresh, sender.kept:
        yield sender


def checked_json(reply: httpx.Response) -> Any:
    assert "Traceback" not in reply.text
    return reply.json()


# --- REST: schemathesis from GET /openapi.json ------------------------------------------------

def test_rest_fuzzed_from_the_openapi_document(server, tally):
    base = server[0]
    with connections(base) as http:
        doc = checked_json(http.get("/openapi.json"))
        schema = schemathesis.openapi.from_dict(doc)
        sent: list[str] = []

        def call(case: Any) -> None:
            """Send one generated case on the one connection and check the reply."""
            kwargs = case.as_transport_kwargs(base_url=base)
            headers = {k: v for k, v in kwargs["headers"].items()
                       if k.lower() not in ("authorization", "connection")}
            body: dict[str, Any] = {}
            if isinstance(kwargs.get("json"), dict):  # loopback only: no callbacks to the web
                kwargs["json"].pop("callback_url", None)
            if "json" in kwargs:
                body["content"] = json.dumps(kwargs["json"]).encode()
            elif kwargs.get("data") is not None:
                data = kwargs["data"]
                body["content"] = data if isinstance(data, bytes) else str(data).encode()
            reply = http.request(kwargs["method"], kwargs["url"], params=kwargs.get("params"),
                                 headers={**headers, **auth("hub")}, **body)
            payload = checked_json(reply)
            tally.saw("rest", reply.status_code)
            if reply.status_code == 200 and kwargs["method"] == "POST":
                AgentResponse.model_validate(payload)  # the contract holds for every answer
                assert payload["status"] != "error", payload["answer"]
                sent.append(payload["task_id"])

        for path, method, mode, examples in [
                ("/v1/tasks", "POST", GenerationMode.POSITIVE, REST_POSITIVE),
                ("/v1/tasks", "POST", GenerationMode.NEGATIVE, REST_NEGATIVE),
                ("/v1/tasks/{task_id}", "GET", GenerationMode.POSITIVE, REST_GET)]:
            strategy = schema[path][method].as_strategy(generation_mode=mode)

            def run(case: Any) -> None:
                call(case)

            given(strategy)(bounded(examples)(run))()
        assert len(sent) > 30  # the generator reached the tools, not only the validators
    assert tally.statuses[("rest", 200)] > 50 and tally.statuses[("rest", 422)] > 50


# --- A2A: JSON-RPC bodies of both versions -----------------------------------------------------

HOSTILE_DATES = st.sampled_from(["0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01",
                                 "2100-12-31", "2101-01-01", "2026-02-30", "2026-11-26", "", 0])
HOSTILE_NUMBERS = st.one_of(st.integers(min_value=-10**20, max_value=10**20),
                            st.floats(allow_nan=False, allow_infinity=False),
                            st.sampled_from([0, -1, 1001, 10**12, 1e308, -1e308, 2**63]))
HOSTILE_TEXT = st.one_of(st.text(max_size=40), st.sampled_from([
    "win rate this quarter", "top 1001 reps by bookings", "bookings by rep",
    "win rate as of 0001-01-01", "duplicate accounts by week", "delete all deals",
    "x" * 3000, "\u202e\u0000", "'; drop table opportunities; --"]))
JSON_LEAF = st.one_of(st.none(), st.booleans(), HOSTILE_NUMBERS, HOSTILE_TEXT)
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
OPTIONS = st.dictionaries(st.sampled_from(["lead_days", "stale_days", "window_days", "top",
                                           "sla_minutes", "amount_cut_pct", "quarters", "x"]),
                          HOSTILE_NUMBERS, max_size=2)
PARAMS = st.fixed_dictionaries({}, optional={
    "top": HOSTILE_NUMBERS, "time_grain": st.sampled_from(["week", "month", "quarter", "day"]),
    "compare": st.sampled_from(["previous_year", "previous_period", "never"]),
    "group_by": st.lists(st.sampled_from(["rep", "region", "tool", "stage", "nope"]),
                         max_size=3),
    "period": st.fixed_dictionaries({"start": HOSTILE_DATES, "end": HOSTILE_DATES,
                                     "label": HOSTILE_TEXT}),
    "options": OPTIONS, "measure": HOSTILE_TEXT, "all_time": st.booleans()})
TOOL_NAMES = st.one_of(st.sampled_from(sorted(TOOLS)), st.text(max_size=12))
TASK_INPUT = st.one_of(
    st.fixed_dictionaries({"question": HOSTILE_TEXT}, optional={
        "as_of": HOSTILE_DATES, "deadline": HOSTILE_NUMBERS,
        "requester": st.fixed_dictionaries({"id": HOSTILE_TEXT, "role": HOSTILE_TEXT})}),
    st.fixed_dictionaries({"tool": TOOL_NAMES}, optional={"params": PARAMS,
                                                          "as_of": HOSTILE_DATES}),
    JSON_VALUE)
PART = st.one_of(st.fixed_dictionaries({"text": HOSTILE_TEXT}),
                 st.fixed_dictionaries({"data": TASK_INPUT},
                                       optional={"mediaType": st.just("application/json")}),
                 st.fixed_dictionaries({"raw": st.text(max_size=8)}), JSON_VALUE)
ROLE = st.sampled_from(["ROLE_USER", "ROLE_USER", "ROLE_AGENT", "user", "agent", "ROLE_X", 7])


def v1_body(draw_message: dict[str, Any], method: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": uuid.uuid4().hex[:8], "method": method,
            "params": {"message": draw_message}}


@st.composite
def a2a_requests(draw: st.DrawFn) -> tuple[dict[str, str], Any]:
    """A JSON-RPC request of A2A 1.0 or 0.3 (or neither), with a matching header or not."""
    version = draw(st.sampled_from(["1.0", "1.0", "0.3", None, "2.5", "x"]))
    kind = draw(st.sampled_from(["send1", "send1", "send03", "get", "list", "cancel", "junk"]))
    ident = draw(st.one_of(st.integers(-5, 10**6), st.text(max_size=6), st.none(),
                           st.booleans(), st.lists(st.integers(), max_size=2)))
    if kind == "send1":
        message = {"messageId": draw(st.text(max_size=10)), "role": draw(ROLE),
                   "parts": draw(st.lists(PART, max_size=3))}
        params: Any = {"message": message}
        method = "SendMessage"
    elif kind == "send03":
        parts = draw(st.lists(st.one_of(
            st.fixed_dictionaries({"kind": st.just("text"), "text": HOSTILE_TEXT}),
            st.fixed_dictionaries({"kind": st.just("data"), "data": TASK_INPUT}), JSON_VALUE),
            max_size=3))
        params = {"message": {"kind": "message", "messageId": draw(st.text(max_size=10)),
                              "role": draw(st.sampled_from(["user", "agent", "ROLE_USER"])),
                              "parts": parts}}
        method = "message/send"
    elif kind in ("get", "cancel"):
        params = {"id": draw(st.one_of(st.text(max_size=40), st.just(str(uuid.uuid4())))),
                  "historyLength": draw(HOSTILE_NUMBERS)}
        method = draw(st.sampled_from(["GetTask", "tasks/get"] if kind == "get"
                                      else ["CancelTask", "tasks/cancel"]))
    elif kind == "list":
        params = {"pageSize": draw(HOSTILE_NUMBERS), "historyLength": draw(HOSTILE_NUMBERS),
                  "pageToken": draw(st.text(max_size=20))}
        method = "ListTasks"
    else:
        params = draw(JSON_VALUE)
        method = draw(st.one_of(st.text(max_size=20), st.sampled_from(
            ["SendStreamingMessage", "message/stream", "GetExtendedAgentCard"])))
    body = {"jsonrpc": draw(st.sampled_from(["2.0", "2.0", "1.0", 2])), "id": ident,
            "method": method, "params": params}
    headers = {"A2A-Version": version} if version else {}
    return headers, body


def a2a_reply_ok(reply: httpx.Response) -> None:
    assert reply.status_code < 500, reply.text
    if reply.headers.get("content-type", "").startswith("application/json"):
        body = checked_json(reply)
        error = body.get("error") if isinstance(body, dict) else None
        if error:
            assert error["code"] != -32603, error  # never an internal error
        result = body.get("result") if isinstance(body, dict) else None
        task = (result or {}).get("task", result) if isinstance(result, dict) else None
        status = (task or {}).get("status", {}) if isinstance(task, dict) else {}
        assert status.get("state") not in ("TASK_STATE_FAILED", "failed"), task


def test_a2a_fuzzed_json_rpc_bodies_of_both_versions(server, tally):
    with connections(server[0]) as http:

        @bounded(A2A_BODIES)
        @given(a2a_requests())
        def send(request: tuple[dict[str, str], Any]) -> None:
            headers, body = request
            reply = http.post("/a2a/jsonrpc", content=json.dumps(body).encode(), headers={
                **auth("hub"), "Content-Type": "application/json", **headers})
            tally.saw("a2a", reply.status_code)
            a2a_reply_ok(reply)

        send()

        @bounded(A2A_BYTES)
        @given(st.one_of(
            st.binary(max_size=200),
            st.builds(lambda n: b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", '
                                b'"params": ' + b"[" * n + b"]" * n + b"}",
                      st.integers(0, 3000)),
            st.builds(lambda s: json.dumps({"jsonrpc": "2.0", "id": 1, "method": "SendMessage",
                                            "params": {"message": {
                                                "messageId": "m", "role": "ROLE_USER",
                                                "parts": [{"text": s}]}}}).encode(),
                      st.sampled_from(["\ud800", "a\udfffb", "\ud83d"])),
            st.sampled_from([b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", '
                             b'"params": {"x": NaN}}', b"\xff\xfe\x00", b"{", b"null",
                             b'{"jsonrpc": "2.0", "id": 1, "method": "tasks/get", '
                             b'"params": {"id": Infinity}}'])))
        def raw(content: bytes) -> None:
            reply = http.post("/a2a/jsonrpc", content=content, headers={
                **auth("hub"), "Content-Type": "application/json", "A2A-Version": "1.0"})
            tally.saw("a2a", reply.status_code)
            a2a_reply_ok(reply)

        raw()
    assert tally.statuses[("a2a", 200)] > 100


def test_a2a_int32_fields_out_of_range_are_invalid_params(server):
    """A history length or page size A2A types as int32 but far larger is the caller's error
    (-32602 naming the field), not the SDK's internal error (found by the fuzzer above)."""
    with connections(server[0]) as http:
        for method, version, params in (
                ("GetTask", "1.0", {"id": "t", "historyLength": 35802476297168680}),
                ("tasks/get", None, {"id": "t", "historyLength": -10**12}),
                ("ListTasks", "1.0", {"pageSize": 2**31}),
                ("SendMessage", "1.0", {"message": {"messageId": "m", "role": "ROLE_USER",
                                                    "parts": [{"text": "win rate"}]},
                                        "configuration": {"historyLength": 10**15}})):
            headers = {**auth("hub"), "Content-Type": "application/json"}
            if version:
                headers["A2A-Version"] = version
            reply = http.post("/a2a/jsonrpc", content=json.dumps(
                {"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).encode(),
                headers=headers)
            assert reply.status_code == 200, reply.text
            error = reply.json()["error"]
            assert error["code"] == -32602 and "must be an integer" in error["message"], error


# --- MCP: tool calls through the official client -----------------------------------------------

MCP_ARGUMENTS = st.one_of(
    PARAMS.map(lambda p: {k: v for k, v in p.items() if k != "all_time"}),
    st.fixed_dictionaries({}, optional={"as_of": HOSTILE_DATES, "top": HOSTILE_NUMBERS,
                                        "filters": st.lists(st.fixed_dictionaries({
                                            "dimension": st.sampled_from(["rep", "tool", "x"]),
                                            "values": st.lists(HOSTILE_TEXT, max_size=3)}),
                                            max_size=2), "options": OPTIONS}),
    st.dictionaries(st.text(max_size=8), JSON_LEAF, max_size=3))
ASK_ARGUMENTS = st.fixed_dictionaries({"question": HOSTILE_TEXT},
                                      optional={"as_of": HOSTILE_DATES})


@asynccontextmanager
async def mcp_session(base: str) -> Any:
    async with httpx.AsyncClient(headers=auth("revops"), timeout=60) as http, \
            streamable_http_client(f"{base}/mcp", http_client=http) as (read, write, *_), \
            ClientSession(read, write) as session:
        await session.initialize()
        yield session


def test_mcp_fuzzed_tool_calls(server, tally):
    outcomes: Counter[str] = Counter()
    with start_blocking_portal() as portal, \
            portal.wrap_async_context_manager(mcp_session(server[0])) as session:

        @bounded(MCP_CALLS)
        @given(st.one_of(st.tuples(TOOL_NAMES, MCP_ARGUMENTS),
                         st.tuples(st.just("ask"), ASK_ARGUMENTS)))
        def call(request: tuple[str, dict[str, Any]]) -> None:
            name, arguments = request
            result = portal.call(session.call_tool, name, arguments)
            tally.saw("mcp", 200)
            text = " ".join(c.text for c in result.content if hasattr(c, "text"))
            assert "unexpectedly" not in text and "Traceback" not in text, text
            outcomes["error" if result.is_error else "ok"] += 1

        call()
    assert outcomes["ok"] > 20 and outcomes["error"] > 20


def test_the_run_was_big_enough(tally):
    """Runs after the three parts (file order): the total the suite promises."""
    assert tally.requests >= 2000, tally.statuses
    assert all(status < 500 for (protocol, status) in tally.statuses), tally.statuses
