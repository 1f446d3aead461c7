"""Hostile input at every edge (REST, A2A, MCP, CLI) gets a clear 4xx, a JSON-RPC error, an
MCP tool error or one CLI line naming the field and its range, never a 500 or a traceback;
and a failure nobody foresaw is a JSON 500 with a request id on a connection that stays open.

Over real HTTP on loopback against `revops serve`'s app, with the official clients."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date
from typing import Any

import anyio
import httpx
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from agent.ask import ask
from tests.conftest import REPO
from tests.metrics_demo import END, demo_warehouse
from tests.service_server import agent_service, auth
from tools.base import MAX_DATE, MIN_DATE, MetricParams, PeriodParam, ToolContext
from tools.fiscal import FiscalCalendar
from tools.registry import TOOLS, run_tool

RANGE = f"{MIN_DATE}"
BAD_DATES = ["0001-01-01", "9999-12-31"]


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def server(wh, tmp_path_factory):
    with agent_service(wh, tmp_path_factory.mktemp("edge")) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server[0], timeout=60) as c:
        yield c


def task(**fields: Any) -> dict[str, Any]:
    return {"task_id": f"edge-{uuid.uuid4().hex[:10]}", "sender": "chassis-hub", **fields}


def post(client: httpx.Client, body: bytes | dict[str, Any], path: str = "/v1/tasks",
         **headers: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(path, content=content, headers={
        **auth("hub"), "Content-Type": "application/json", **headers})


def details(reply: httpx.Response) -> str:
    return json.dumps(reply.json()["detail"])


# --- the bounds themselves ------------------------------------------------------------------

@pytest.mark.parametrize("day", [MIN_DATE, MAX_DATE])
def test_the_fiscal_calendar_works_at_the_bounds(day):
    for start_month in (1, 2, 12):
        cal = FiscalCalendar(start_month)
        for grain in ("week", "month", "quarter", "year"):
            bucket = cal.bucket(day, grain)
            assert bucket.start <= day <= bucket.end
            assert cal.previous(bucket, grain).end < bucket.start
        quarter = cal.bucket(day, "quarter")
        assert quarter.shifted_years(-1).start.year == quarter.start.year - 1
        assert cal.year(cal.fiscal_year(day)).start <= day


@pytest.mark.parametrize("day", [MIN_DATE, MAX_DATE])
def test_every_tool_answers_or_asks_back_at_the_bounds(wh, day):
    """Tools look back and ahead of as_of (previous years, history, lead days): at either
    bound each one returns a result or a typed input error, nothing else."""
    from tools.base import ToolInputError

    for name in TOOLS:
        for params in (MetricParams(), MetricParams(compare="previous_year"),
                       MetricParams(time_grain="quarter")):
            ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=day, facts=wh.facts)
            try:
                result = run_tool(ctx, name, params)
            except ToolInputError:
                continue
            assert result.metric == name


# --- REST -----------------------------------------------------------------------------------

@pytest.mark.parametrize("day", BAD_DATES)
def test_rest_as_of_outside_the_bounds_is_a_422_naming_field_and_range(client, day):
    for body in (task(question="win rate this quarter", as_of=day),
                 task(tool="win_rate", as_of=day)):
        reply = post(client, body)
        assert reply.status_code == 422, reply.text
        assert reply.json()["detail"][0]["loc"] == ["as_of"]
        assert RANGE in details(reply) or str(MAX_DATE) in details(reply)


@pytest.mark.parametrize("day", BAD_DATES)
def test_rest_periods_outside_the_bounds_are_a_422(client, day):
    period = {"start": day, "end": day, "label": "x"} if day > "2000" else \
        {"start": day, "end": "2000-01-01", "label": "x"}
    reply = post(client, task(tool="bookings", params={"period": period}))
    assert reply.status_code == 422, reply.text
    assert "period" in details(reply) and ("1900-01-01" in details(reply)
                                           or "2100-12-31" in details(reply))


def test_rest_top_1001(client):
    asked = post(client, task(question="top 1001 reps by bookings", as_of=str(END)))
    assert asked.status_code == 200, asked.text
    body = asked.json()
    assert body["status"] == "needs_clarification"
    assert "top" in body["answer"] and "1000" in body["answer"] and "1001" in body["answer"]
    called = post(client, task(tool="bookings", params={"top": 1001, "group_by": ["rep"]}))
    assert called.status_code == 422 and "top" in details(called) and "1000" in details(called)


@pytest.mark.parametrize("raw", [
    b'{"task_id": "nan-1", "sender": "hub", "tool": "win_rate", "params": {"top": NaN}}',
    b'{"task_id": "inf-1", "sender": "hub", "tool": "stale_deals", '
    b'"params": {"options": {"stale_days": Infinity}}}',
    b'{"task_id": "inf-2", "sender": "hub", "question": "win rate", "x": -Infinity}',
])
def test_rest_nan_and_infinity_are_refused_at_parse(client, raw):
    reply = post(client, raw)
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["error"] == "invalid_json" and "not a JSON number" in body["detail"]


def test_rest_huge_and_infinite_tool_options(client):
    huge = post(client, task(tool="forecast_accuracy",
                             params={"options": {"lead_days": 1_000_000_000_000}}))
    assert huge.status_code == 422, huge.text
    assert "lead_days" in huge.json()["detail"] and "between 0 and 365" in huge.json()["detail"]
    for tool, option, value in [("stale_deals", "stale_days", 10**12),
                                ("deal_risk", "amount_cut_pct", 1e300),
                                ("lead_conversion", "window_days", -5),
                                ("speed_to_lead", "sla_minutes", 1e18)]:
        reply = post(client, task(tool=tool, params={"options": {option: value}}))
        assert reply.status_code == 422, (tool, reply.text)
        assert option in reply.json()["detail"], reply.json()


@pytest.mark.parametrize("field", ["question", "sender", "task_id", "thread_id", "requester.id",
                                   "requester.name", "filter", "as_of", "option"])
def test_rest_lone_surrogate_in_each_string_field(client, field):
    bad = "\ud800"
    body: dict[str, Any] = task(question="bookings by rep")
    if field in ("question", "sender", "task_id", "thread_id", "as_of"):
        body[field] = f"x{bad}"
    elif field.startswith("requester"):
        body["requester"] = {"id": "ana", "role": "rep", "name": "Ana"}
        body["requester"][field.split(".")[1]] = f"x{bad}"
    else:
        body.pop("question")
        body.update(tool="bookings", params={"filters": [
            {"dimension": "rep", "values": [bad]}]} if field == "filter"
            else {"options": {"x": bad}})
    raw = json.dumps(body).encode()  # ensure_ascii: the surrogate travels as \ud800
    assert b"\\ud800" in raw
    reply = post(client, raw)
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"] == "invalid_text" and "lone surrogate" in reply.json()["detail"]


def test_rest_deep_nesting_and_invalid_utf8(client):
    deep = b'{"task_id": "deep", "sender": "hub", "question": "q", "x": ' + b"[" * 1000 + \
        b"]" * 1000 + b"}"
    reply = post(client, deep)
    assert reply.status_code == 422 and "deeper than" in reply.json()["detail"]
    middling = b'{"task_id": "deep2", "sender": "hub", "question": "q", "x": ' + b"[" * 100 + \
        b"]" * 100 + b"}"
    assert post(client, middling).status_code == 422
    reply = post(client, b'{"task_id": "u8", "sender": "hub", "question": "\xff\xfe"}')
    assert reply.status_code == 422 and "UTF-8" in reply.json()["detail"]


def test_rest_duplicate_records_by_week(client, wh):
    reply = post(client, task(tool="duplicate_records", params={"time_grain": "week"}))
    assert reply.status_code == 422, reply.text
    assert "not as a trend" in reply.json()["detail"]
    asked = ask(wh, "duplicate accounts by week", as_of=END)
    assert asked.status != "error", asked.answer


@pytest.mark.parametrize("deadline", [0, 1e10, "0001-01-01T00:00:00Z"])
def test_rest_deadline_must_be_a_date_time_within_the_bounds(client, deadline):
    reply = post(client, task(question="win rate", deadline=deadline))
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"][0]["loc"] == ["deadline"]


def test_form_bodies_only_at_the_sign_in_form(client):
    """The dashboard's sign-in form posts URL-encoded text; no other path takes a form, and the
    form itself must be ASCII."""
    form = {**auth("hub"), "content-type": "application/x-www-form-urlencoded"}
    elsewhere = client.post("/v1/tasks", content=b"question=win+rate", headers=form)
    assert elsewhere.status_code == 422 and elsewhere.json()["error"] == "invalid_json"
    bad = client.post("/", content="token=\u00e9".encode(), headers=form)
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_form"


def test_rest_every_reply_carries_a_request_id(client):
    mine = client.get("/healthz", headers={"X-Request-ID": "hub-trace-42"})
    assert mine.headers["x-request-id"] == "hub-trace-42"
    fresh = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert fresh.headers["x-request-id"] != "bad id with spaces"
    assert len(fresh.headers["x-request-id"]) == 16


def test_an_unexpected_failure_is_a_json_500_with_the_request_id_and_keep_alive(wh, tmp_path,
                                                                                 caplog):
    """The task store breaking under the server is a genuine server fault: a JSON 500 with a
    request id the log also has, and the same connection serves the next request."""
    with agent_service(wh, tmp_path) as (base, service), \
            httpx.Client(base_url=base, timeout=30) as http:
        assert http.get("/healthz").status_code == 200
        service.store.close()  # every later store call raises
        reply = post(http, task(question="win rate this quarter", as_of=str(END)))
        assert reply.status_code == 500, reply.text
        body = reply.json()
        assert body["error"] == "internal_error" and body["request_id"] in body["detail"]
        assert body["request_id"] == reply.headers["x-request-id"]
        assert "Traceback" not in reply.text
        assert any(body["request_id"] in r.getMessage() for r in caplog.records)
        port = reply.extensions["network_stream"].get_extra_info("socket").getsockname()[1]
        again = http.get("/healthz")
        assert again.status_code == 200
        assert again.extensions["network_stream"].get_extra_info(
            "socket").getsockname()[1] == port  # the same TCP connection


# --- A2A ------------------------------------------------------------------------------------

def rpc(method: str, params: dict[str, Any], version: str | None = "1.0") -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": uuid.uuid4().hex[:8], "method": method, "params": params}


def send_params(*parts: dict[str, Any], role: str = "ROLE_USER") -> dict[str, Any]:
    return {"message": {"messageId": uuid.uuid4().hex, "role": role, "parts": list(parts)}}


def a2a(client: httpx.Client, body: bytes | dict[str, Any], version: str | None = "1.0"
        ) -> httpx.Response:
    headers = {"A2A-Version": version} if version else {}
    return post(client, body, "/a2a/jsonrpc", **headers)


def rpc_error(reply: httpx.Response) -> dict[str, Any]:
    assert reply.status_code < 500, reply.text
    body = reply.json()
    assert "error" in body, body
    return body["error"]


@pytest.mark.parametrize("day", BAD_DATES)
def test_a2a_as_of_outside_the_bounds_is_invalid_params(client, day):
    data = {"data": {"question": "win rate this quarter", "as_of": day},
            "mediaType": "application/json"}
    error = rpc_error(a2a(client, rpc("SendMessage", send_params(data))))
    assert error["code"] == -32602 and "as_of" in error["message"]
    assert "1900-01-01" in error["message"] or "2100-12-31" in error["message"]


def test_a2a_agent_role_messages_are_invalid_params(client):
    error = rpc_error(a2a(client, rpc("SendMessage", send_params({"text": "win rate"},
                                                                 role="ROLE_AGENT"))))
    assert error["code"] == -32602 and "ROLE_USER" in error["message"]


@pytest.mark.parametrize(("raw", "code"), [
    (b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"message": '
     b'{"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "\xff\xfe win rate"}]}}}',
     -32700),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"message": '
     b'{"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "win \\ud800 rate"}]}}}',
     -32602),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"x": NaN}}', -32700),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": ' + b"[" * 1000
     + b"]" * 1000 + b"}", -32600),
])
def test_a2a_invalid_bytes_are_json_rpc_errors(client, raw, code):
    assert rpc_error(a2a(client, raw))["code"] == code


def test_a2a_chunked_body_over_the_limit_is_a_size_error(client):
    def chunks():
        yield b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"x": "'
        for _ in range(128):
            yield b"y" * 8192
        yield b'"}}'

    reply = client.post("/a2a/jsonrpc", content=chunks(), headers={
        **auth("hub"), "A2A-Version": "1.0", "Content-Type": "application/json"})
    assert reply.status_code == 413
    error = reply.json()["error"]
    assert error["code"] == -32600 and "limited to" in error["message"]


def test_a2a_deadline_in_a_data_part_is_refused_not_read_as_1970(client):
    data = {"data": {"question": "win rate", "deadline": 0}}
    error = rpc_error(a2a(client, rpc("SendMessage", send_params(data))))
    assert error["code"] == -32602 and "deadline" in error["message"]


# --- MCP (the official client over streamable HTTP) ------------------------------------------

def mcp_calls(base: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    async def run() -> list[Any]:
        async with httpx.AsyncClient(headers=auth("revops"), timeout=60) as http, \
                streamable_http_client(f"{base}/mcp", http_client=http) as (read, write, *_), \
                ClientSession(read, write) as session:
            await session.initialize()
            return [await session.call_tool(name, args) for name, args in calls]

    return anyio.run(run)


def test_mcp_hostile_arguments_are_tool_errors_with_the_reason(server):
    calls = [("win_rate", {"as_of": day}) for day in BAD_DATES] + \
        [("ask", {"question": "win rate this quarter", "as_of": day}) for day in BAD_DATES] + [
        ("forecast_accuracy", {"options": {"lead_days": 1_000_000_000_000}}),
        ("bookings", {"top": 1001}),
        ("duplicate_records", {"time_grain": "week"}),
    ]
    says = ["1900-01-01", "2100-12-31", "1900-01-01", "2100-12-31", "between 0 and 365", "1000",
            "not as a trend"]
    results = mcp_calls(server[0], calls)
    for (name, _), result, text in zip(calls, results, says, strict=True):
        assert result.is_error, (name, result)
        message = result.content[0].text
        assert text in message and "unexpectedly" not in message, (name, message)
    [ok] = mcp_calls(server[0], [("ask", {"question": "top 1001 reps by bookings",
                                         "as_of": str(END)})])
    assert ok.structured_content["status"] == "needs_clarification"


def test_mcp_lone_surrogates_are_tool_errors(wh):
    """The HTTP client cannot even encode them; over stdio they arrive, and the typed
    arguments refuse them."""
    from protocols.mcp_server import call_ask, call_metric_tool

    results = [call_metric_tool(wh, "bookings", {"filters": [
                   {"dimension": "rep", "values": ["\ud800"]}]}, today=END),
               call_metric_tool(wh, "bookings", {"options": {"x\udfff": 1}}, today=END),
               call_ask(wh, {"question": "win \ud800 rate"}, llm=None, today=END)]
    for result in results:
        text = result.content[0].text
        assert result.is_error and ("lone surrogate" in text or "unicode string" in text), text


# --- CLI ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_db(wh, tmp_path_factory) -> str:
    return str(tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb")


def revops(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "protocols.cli", *args], capture_output=True,
                          cwd=REPO, env=env, timeout=300, text=True, errors="surrogateescape")


@pytest.mark.parametrize("day", BAD_DATES)
def test_cli_as_of_outside_the_bounds_is_one_line_and_exit_2(demo_db, day):
    out = revops("ask", "--db", demo_db, "--as-of", day, "win rate this quarter")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "Traceback" not in out.stderr
    assert "--as-of" in out.stderr and "1900-01-01" in out.stderr and "2100-12-31" in out.stderr
    as_json = revops("ask", "--db", demo_db, "--json", "--as-of", day, "win rate this quarter")
    assert as_json.returncode == 2
    assert json.loads(as_json.stdout) == {"status": "error", "error": "invalid_input",
                                          "detail": as_json.stderr.strip()[len("error: "):]}


def test_cli_top_1001_asks_back_and_bad_text_is_refused(demo_db):
    out = revops("ask", "--db", demo_db, "--as-of", str(END), "--json",
                 "top 1001 reps by bookings")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "needs_clarification"
    undecodable = revops("ask", "--db", demo_db, "win \udcff rate")  # the byte 0xff in argv
    assert undecodable.returncode == 2 and "surrogate" in undecodable.stderr
    assert "Traceback" not in undecodable.stderr


def test_plan_dates_from_the_words_are_held_to_the_bounds(wh):
    for question in ("win rate as of 0001-01-01", "bookings as of 9999-12-31"):
        response = ask(wh, question, as_of=END)
        assert response.status == "needs_clarification", response.answer
        assert "as_of" in response.answer


def test_periods_computed_inside_tools_may_pass_the_bounds(wh):
    """A year back from the first allowed day is 1899: computed, not asked, so allowed."""
    start = PeriodParam(start=date(1900, 1, 1), end=date(1900, 3, 31), label="x")
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=END, facts=wh.facts)
    result = run_tool(ctx, "bookings", MetricParams(period=start, compare="previous_year"))
    assert result.metric == "bookings"


def test_cli_internal_error_is_one_line_and_debug_shows_the_traceback(demo_db, tmp_path):
    """A warehouse whose settings cannot be read (a fiscal start month of 'thirteen')."""
    import shutil

    import duckdb

    broken = tmp_path / "broken.duckdb"
    shutil.copy(demo_db, broken)
    con = duckdb.connect(str(broken))
    con.execute("update company_settings set value = 'thirteen' "
                "where key = 'fiscal_year_start_month'")
    con.close()
    out = revops("ask", "--db", str(broken), "win rate")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().startswith("error: internal error") and "--debug" in out.stderr
    assert out.stderr.strip().count("\n") == 0
    as_json = revops("ask", "--json", "--db", str(broken), "win rate")
    assert json.loads(as_json.stdout)["error"] == "internal_error"
    debug = revops("ask", "--debug", "--db", str(broken), "win rate")
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_the_openapi_document_is_public_and_generated_from_the_models(client):
    from protocols.tasks import TaskEnvelope

    doc = client.get("/openapi.json").json()  # no token
    assert doc["openapi"].startswith("3.1") and "/v1/tasks" in doc["paths"]
    envelope = doc["components"]["schemas"]["TaskEnvelope"]
    assert set(envelope["properties"]) == set(TaskEnvelope.model_fields)
    assert set(envelope["required"]) == {"task_id", "sender"}
    assert envelope["properties"]["tool"]["anyOf"][0]["enum"] == sorted(TOOLS)
    top = doc["components"]["schemas"]["MetricParams"]["properties"]["top"]["anyOf"][0]
    assert (top["minimum"], top["maximum"]) == (1, 1000)
