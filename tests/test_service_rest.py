"""The REST binding over real HTTP on loopback: tasks, idempotency, auth, limits, clear 4xx."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agent.ask import ask
from tests.metrics_demo import END, demo_warehouse
from tests.service_server import agent_service, auth, serving
from tools.base import MetricParams, ToolContext
from tools.registry import run_tool

WIN_RATE = "what's our win rate this quarter?"


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def server(wh, tmp_path_factory):
    with agent_service(wh, tmp_path_factory.mktemp("rest")) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server[0], timeout=30) as c:
        yield c


def task(task_id: str, **fields) -> dict:
    return {"task_id": task_id, "sender": "chassis-hub", **fields}


def test_health_needs_no_token_and_everything_else_does(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    missing = client.get("/v1/tools")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "missing bearer token" in missing.json()["detail"]
    wrong = client.get("/v1/tools", headers={"Authorization": "Bearer not-a-real-token-at-all"})
    assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers[
        "www-authenticate"]
    basic = client.get("/v1/tools", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


def test_tool_catalog(client):
    body = client.get("/v1/tools", headers=auth("rep")).json()
    names = {t["name"] for t in body["tools"]}
    assert {"win_rate", "bookings", "pipeline_coverage"} <= names
    assert "group_by" in body["params_schema"]["properties"]


def test_answered_task_matches_the_in_process_answer(client, wh):
    reply = client.post("/v1/tasks", json=task("t-answer-1", question=WIN_RATE),
                        headers=auth("hub"))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    expected = ask(wh, WIN_RATE, as_of=END, request_id="t-answer-1")
    assert body["task_id"] == "t-answer-1" and body["status"] == "answered"
    assert body["result"]["value"] == expected.result.value
    assert body["answer"] == expected.answer


def test_repeat_returns_the_stored_answer_and_a_different_body_conflicts(client, server):
    service = server[1]
    first = client.post("/v1/tasks", json=task("t-idem", question="top 5 reps by bookings"),
                        headers=auth("hub"))
    assert first.status_code == 200
    stored = service.store.get("t-idem")
    again = client.post("/v1/tasks", json=task("t-idem", question="top 5 reps by bookings"),
                        headers=auth("hub"))
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert service.store.get("t-idem").updated_at == stored.updated_at  # not recomputed
    other = client.post("/v1/tasks", json=task("t-idem", question="pipeline coverage by team"),
                        headers=auth("hub"))
    assert other.status_code == 409 and other.json()["error"] == "conflict"
    fetched = client.get("/v1/tasks/t-idem", headers=auth("hub"))
    assert fetched.status_code == 200 and fetched.json() == first.json()


def test_get_task_unknown_and_someone_elses(client):
    assert client.get("/v1/tasks/never-sent", headers=auth("hub")).status_code == 404
    on_behalf = task("t-for-cfo", question="bookings this year",
                     requester={"id": "cfo", "role": "exec"})
    assert client.post("/v1/tasks", json=on_behalf, headers=auth("hub")).status_code == 200
    assert client.get("/v1/tasks/t-for-cfo", headers=auth("exec")).status_code == 200
    denied = client.get("/v1/tasks/t-for-cfo", headers=auth("rep"))
    assert denied.status_code == 403 and denied.json()["error"] == "forbidden"


def test_only_hub_tokens_act_for_others_and_set_callbacks(client):
    as_cfo = task("t-impersonate", question="bookings this year",
                  requester={"id": "cfo", "role": "exec"})
    assert client.post("/v1/tasks", json=as_cfo, headers=auth("rep")).status_code == 403
    hook = task("t-hook-rep", question="bookings this year",
                callback_url="http://127.0.0.1:9/hook")
    reply = client.post("/v1/tasks", json=hook, headers=auth("rep"))
    assert reply.status_code == 403 and "callback_url" in reply.json()["detail"]


def test_escalated_task_is_stored_with_its_outbox_row(client, server):
    reply = client.post("/v1/tasks", json=task("t-campaign", question="launch a campaign for Q1"),
                        headers=auth("hub"))
    body = reply.json()
    assert reply.status_code == 200 and body["status"] == "escalated"
    assert body["escalation"]["target"] == "marketing-growth"
    store = server[1].store
    assert store.get("t-campaign").status == "escalated"
    [row] = store.escalations(task_id="t-campaign")
    assert row.escalation_id == body["escalation"]["escalation_id"]
    assert row.category == "marketing_strategy" and row.state == "pending"
    assert row.requester == {"id": "chassis-hub", "role": "hub"}


def test_explicit_tool_call(client, wh):
    params = {"group_by": ["region"], "period": {"start": "2026-08-01", "end": "2026-10-31",
                                                 "label": "FY2027 Q3"}}
    reply = client.post("/v1/tasks", json=task("t-tool", tool="win_rate", params=params),
                        headers=auth("revops"))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["status"] == "answered" and body["intent"]["tool"] == "win_rate"
    expected = run_tool(ToolContext(con=wh.cursor(), settings=wh.settings, as_of=END,
                                    facts=wh.facts), "win_rate", MetricParams(**params))
    assert body["result"]["rows"] == expected.model_dump(mode="json")["rows"]
    assert body["result"]["period"]["label"] == "FY2027 Q3" and "FY2027 Q3" in body["answer"]


@pytest.mark.parametrize(("content", "error", "where"), [
    (b"\xff\x00\x13garbage{", "invalid_json", None),
    (b"", "invalid_json", None),
    (b'["a", "list"]', "invalid_envelope", None),
    (b'"just a string"', "invalid_envelope", None),
    (b'{"task_id": 5, "sender": "hub", "question": "bookings"}', "invalid_envelope",
     "task_id"),
    (b'{"task_id": "x1", "sender": "hub", "question": ["bookings"]}', "invalid_envelope",
     "question"),
    (b'{"task_id": "x2", "sender": "hub"}', "invalid_envelope", None),
    (b'{"task_id": "x3", "sender": "hub", "question": "q", "tool": "win_rate"}',
     "invalid_envelope", None),
    (b'{"task_id": "x4", "sender": "hub", "question": "bookings", "colour": "red"}',
     "invalid_envelope", "colour"),
    (b'{"task_id": "x5", "sender": "hub", "tool": "drop_tables", "params": {}}',
     "invalid_envelope", None),
    (b'{"task_id": "x6", "sender": "hub", "tool": "win_rate", "params": {"top": "many"}}',
     "invalid_envelope", None),
    (b'{"task_id": "x7", "sender": "hub", "question": "bookings", "as_of": "2026-13-45"}',
     "invalid_envelope", "as_of"),
    (b'{"task_id": "has spaces!", "sender": "hub", "question": "bookings"}',
     "invalid_envelope", "task_id"),
    (b'{"task_id": "x8", "sender": "hub", "question": "q", "callback_url": "file:///etc"}',
     "invalid_envelope", "callback_url"),
])
def test_malformed_input_gets_a_clear_422(client, content, error, where):
    reply = client.post("/v1/tasks", content=content, headers={
        **auth("hub"), "Content-Type": "application/json"})
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["error"] == error and body["detail"]
    if where is not None:
        assert any(where in e["loc"] for e in body["detail"]), body["detail"]


def test_unknown_tool_message_names_the_catalog(client):
    reply = client.post("/v1/tasks", json=task("x9", tool="drop_tables", params={}),
                        headers=auth("hub"))
    assert "unknown tool 'drop_tables'" in reply.json()["detail"][0]["msg"]


def test_oversized_bodies_get_413_before_parsing(client):
    big = b'{"task_id": "big", "sender": "hub", "question": "' + b"x" * 70_000 + b'"}'
    declared = client.post("/v1/tasks", content=big, headers=auth("hub"))
    assert declared.status_code == 413 and declared.json()["error"] == "payload_too_large"

    def chunks():
        for _ in range(20):
            yield b"y" * 8192

    streamed = client.post("/v1/tasks", content=chunks(), headers=auth("hub"))
    assert streamed.status_code == 413


def test_unknown_paths_and_methods_get_json(client):
    missing = client.get("/v1/nothing-here", headers=auth("hub"))
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = client.delete("/v1/tasks", headers=auth("hub"))
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


def test_a_past_deadline_gets_422_without_work(client, server):
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    reply = client.post("/v1/tasks", json=task("t-late", question=WIN_RATE, deadline=past),
                        headers=auth("hub"))
    assert reply.status_code == 422 and reply.json()["task_id"] == "t-late"
    assert reply.json()["error"] == "deadline_exceeded"
    assert server[1].store.get("t-late") is None


def test_time_limit_gives_504_and_the_answer_is_kept(wh, tmp_path):
    with agent_service(wh, tmp_path, time_limit_s=0.001) as (base, _), \
            httpx.Client(base_url=base, timeout=30) as c:
        reply = c.post("/v1/tasks", json=task("t-slow", question=WIN_RATE), headers=auth("hub"))
        assert reply.status_code == 504 and "GET /v1/tasks/t-slow" in reply.json()["detail"]
        for _ in range(300):
            got = c.get("/v1/tasks/t-slow", headers=auth("hub"))
            if got.status_code == 200:
                break
            assert got.status_code == 202 and got.json()["status"] == "working"
            time.sleep(0.05)
        assert got.status_code == 200 and got.json()["status"] == "answered"


def test_callback_is_posted_after_answering_with_retries(client):
    received: list[tuple[str | None, dict]] = []
    calls = {"n": 0}

    async def hook(request: Request) -> JSONResponse:
        calls["n"] += 1
        if calls["n"] == 1:
            return JSONResponse({"busy": True}, status_code=503)
        received.append((request.headers.get("idempotency-key"), await request.json()))
        return JSONResponse({"ok": True})

    with serving(lambda base: Starlette(routes=[Route("/hook", hook, methods=["POST"])])) \
            as hub:
        reply = client.post("/v1/tasks", json=task("t-callback", question=WIN_RATE,
                                                   callback_url=f"{hub}/hook"),
                            headers=auth("hub"))
        assert reply.status_code == 200
        for _ in range(100):
            if received:
                break
            time.sleep(0.05)
    assert calls["n"] == 2
    [(key, payload)] = received
    assert key == "t-callback" and payload == reply.json()


@pytest.mark.anyio
async def test_mcp_is_mounted_behind_the_same_auth(server, client):
    from mcp import Client
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    assert client.post("/mcp", json={"jsonrpc": "2.0", "id": 1,
                                     "method": "tools/list"}).status_code == 401
    http = create_mcp_http_client(headers=auth("revops"))
    async with http, Client(streamable_http_client(f"{server[0]}/mcp", http_client=http)) as mcp:
        names = {t.name for t in (await mcp.list_tools()).tools}
        assert {"win_rate", "ask"} <= names
        result = await mcp.call_tool("win_rate", {})
        assert not result.is_error and result.structured_content["metric"] == "win_rate"
        assert result.structured_content["as_of"] == END.isoformat()


@pytest.fixture
def anyio_backend():
    return "asyncio"


def test_tokens_from_toml_json_and_env(tmp_path):
    from protocols.auth import load_tokens

    toml = tmp_path / "tokens.toml"
    toml.write_text('[tokens."hub-secret-0123456789"]\nid = "chassis-hub"\nrole = "hub"\n')
    assert load_tokens(toml, {}).lookup("hub-secret-0123456789").role == "hub"
    as_json = tmp_path / "tokens.json"
    as_json.write_text('{"tokens": {"rep-secret-0123456789": {"id": "r1", "role": "rep"}}}')
    assert load_tokens(None, {"REVOPS_TOKENS_FILE": str(as_json)}).lookup(
        "rep-secret-0123456789").id == "r1"
    table = load_tokens(None, {"REVOPS_TOKENS": "a-secret-0123456789=ana:revops, "
                                                "b-secret-0123456789=bo:manager"})
    assert table.lookup("b-secret-0123456789").role == "manager"
    assert table.lookup("b-secret-012345678") is None
    assert load_tokens(None, {}) is None


@pytest.mark.parametrize(("text", "message"), [
    ('[tokens."short"]\nid = "x"\nrole = "hub"\n', "at least 16"),
    ('[tokens."long-enough-0123456789"]\nid = "x"\nrole = "king"\n', "role"),
    ('[tokens."long-enough-0123456789"]\nid = "x"\n', "role"),
    ("tokens = 3\n", "'tokens' table"),
    ("not toml at all [", "cannot read"),
])
def test_bad_token_files_are_rejected_at_start(tmp_path, text, message):
    from protocols.auth import AuthConfigError, load_tokens

    path = tmp_path / "tokens.toml"
    path.write_text(text)
    with pytest.raises(AuthConfigError, match=message):
        load_tokens(path, {})


def test_serve_refuses_a_bad_tokens_file(tmp_path_factory, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from protocols.cli.app import app

    demo_warehouse(tmp_path_factory)
    db = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    monkeypatch.setenv("REVOPS_STATE_DB", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("REVOPS_THREADS_DB", str(tmp_path / "threads.sqlite"))
    bad = tmp_path / "tokens.toml"
    bad.write_text('[tokens."short"]\nid = "x"\nrole = "hub"\n')
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--tokens", str(bad)])
    assert result.exit_code == 2 and "at least 16" in result.output


def test_follow_up_in_a_thread(client):
    first = client.post("/v1/tasks", json=task("t-thread-1", question=WIN_RATE,
                                               thread_id="conv-1"), headers=auth("exec"))
    assert first.json()["status"] == "answered"
    follow = client.post("/v1/tasks", json=task("t-thread-2", question="and by region?",
                                                thread_id="conv-1"), headers=auth("exec"))
    body = follow.json()
    assert body["status"] == "answered" and body["intent"]["tool"] == "win_rate"
    assert body["intent"]["params"]["group_by"] == ["region"]
    alone = client.post("/v1/tasks", json=task("t-thread-3", question="and by region?",
                                               thread_id="conv-1"), headers=auth("rep"))
    assert alone.json()["status"] == "needs_clarification"  # threads are per identity


def test_escalation_reaches_the_hub_through_the_outbox(wh, tmp_path):
    from protocols.outbox import Outbox

    received: list[tuple[str | None, dict]] = []

    async def escalations(request: Request) -> JSONResponse:
        received.append((request.headers.get("idempotency-key"), await request.json()))
        return JSONResponse({"ok": True})

    hub_app = Starlette(routes=[Route("/escalations", escalations, methods=["POST"])])
    with serving(lambda base: hub_app) as hub:
        def outbox(store):
            return Outbox(store, {"central-coordination": f"{hub}/escalations"}, jitter=0)

        with agent_service(wh, tmp_path, outbox=outbox, outbox_interval=60) as (base, svc), \
                httpx.Client(base_url=base, timeout=30) as c:
            reply = c.post("/v1/tasks", json=task("t-out", question="call Acme and offer a "
                                                  "renewal"), headers=auth("hub"))
            assert reply.json()["status"] == "escalated"
            for _ in range(100):  # woken by the escalation, not the 60 s pass
                [row] = svc.store.escalations(task_id="t-out")
                if row.state == "delivered":
                    break
                time.sleep(0.05)
            assert row.state == "delivered"
    [(key, payload)] = received
    assert key == row.idempotency_key
    assert reply.json()["escalation"]["escalation_id"] in str(payload)
