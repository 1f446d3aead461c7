"""A2A v1.0 over real HTTP on loopback, driven by the official a2a-sdk client."""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import uuid
from contextlib import asynccontextmanager

import httpx
import pytest
from a2a.client import A2ACardResolver, A2AClientError, ClientConfig, ClientFactory
from a2a.helpers import get_data_parts, get_message_text
from a2a.types import (
    CancelTaskRequest,
    GetTaskRequest,
    Message,
    Part,
    Role,
    SendMessageRequest,
    Task,
    TaskState,
    TaskStatus,
)
from a2a.utils import TransportProtocol
from a2a.utils.errors import TaskNotCancelableError, TaskNotFoundError

from protocols import a2a_server
from protocols.a2a_server import VEGA_LITE
from tests.metrics_demo import demo_warehouse, shared_last_name
from tests.service_server import A2A_DB, TOKENS, agent_service, auth
from tools.settings import Settings

pytestmark = pytest.mark.anyio
WIN_RATE = "what's our win rate this quarter?"


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def server(wh, tmp_path_factory):
    with agent_service(wh, tmp_path_factory.mktemp("a2a")) as running:
        yield running


async def card_of(base: str):
    async with httpx.AsyncClient() as http:
        return await A2ACardResolver(http, base).get_agent_card()


@asynccontextmanager
async def a2a_client(base: str, who: str = "revops"):
    """The official client for the server at `base`, speaking with `who`'s token."""
    card = await card_of(base)
    async with httpx.AsyncClient(headers=auth(who), timeout=30) as http:
        config = ClientConfig(httpx_client=http, streaming=False,
                              supported_protocol_bindings=[TransportProtocol.JSONRPC])
        async with ClientFactory(config).create(card) as c:
            yield c


@pytest.fixture
async def client(server):
    async with a2a_client(server[0]) as c:
        yield c


def user_message(text: str, **ids: str) -> Message:
    return Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex, parts=[Part(text=text)],
                   **ids)


async def send(client, message: Message) -> Task:
    events = [e async for e in client.send_message(SendMessageRequest(message=message))]
    assert len(events) == 1 and events[0].HasField("task"), events
    return events[0].task


def response_of(task: Task) -> dict:
    """The AgentResponse data part of the task's artifact (beside it: the chart, if any)."""
    [artifact] = task.artifacts
    [data] = get_data_parts([p for p in artifact.parts if p.media_type != VEGA_LITE])
    return data


async def test_card_is_public_with_one_skill_per_area(server):
    card = await card_of(server[0])
    assert card.name == "RevOps Agent"
    assert card.supported_interfaces[0].url == f"{server[0]}/a2a/jsonrpc"
    assert card.supported_interfaces[0].protocol_binding == "JSONRPC"
    ids = {s.id for s in card.skills}
    assert {"revenue-analytics", "pipeline-forecast", "quota-territory-productivity",
            "marketing-handoff", "sales-technology", "sales-ops-efficiency",
            "revenue-reporting-accuracy", "data-quality", "scorecard"} == ids
    for skill in card.skills:
        assert skill.examples and set(skill.input_modes) == {"text/plain", "application/json"}
        assert "escalated" in skill.description or "refused" in skill.description
    assert "bearer" in card.security_schemes


async def test_answered_question_completes_with_the_rest_answer(server, client):
    task = await send(client, user_message(WIN_RATE))
    assert task.status.state == TaskState.TASK_STATE_COMPLETED
    data = response_of(task)
    [artifact] = task.artifacts
    text = [p.text for p in artifact.parts if p.HasField("text")]
    assert text == [data["answer"]]
    # a single number has no chart part; a split has one, the spec of result.chart
    assert data["result"]["chart"] is None
    assert not [p for p in artifact.parts if p.media_type == VEGA_LITE]
    split = await send(client, user_message("win rate by region this quarter"))
    [artifact] = split.artifacts
    charts = [p for p in artifact.parts if p.media_type == VEGA_LITE]
    assert len(charts) == 1 and response_of(split)["result"]["chart"]["mark"]["type"] == "bar"
    assert get_data_parts(charts) == [response_of(split)["result"]["chart"]]
    async with httpx.AsyncClient(base_url=server[0]) as http:
        rest = (await http.post("/v1/tasks", headers=auth("revops"), json={
            "task_id": "rest-twin", "sender": "test", "question": WIN_RATE})).json()
    for body in (data, rest):
        body.pop("request_id")
        body.pop("task_id", None)
    assert data == rest  # protobuf turns ints into floats; 185 == 185.0 keeps this exact
    stored = server[1].store.get(task.id)
    assert stored is not None and stored.status == "answered"
    assert stored.requester == {"id": "ana", "role": "revops"}


async def test_out_of_scope_is_rejected_with_the_escalation(server, client):
    task = await send(client, user_message("launch a campaign for Q1"))
    assert task.status.state == TaskState.TASK_STATE_REJECTED
    escalation = response_of(task)["escalation"]
    assert escalation["target"] == "marketing-growth"
    assert escalation["category"] == "marketing_strategy"
    assert "marketing" in get_message_text(task.status.message).lower()
    [row] = server[1].store.escalations(task_id=task.id)
    assert row.escalation_id == escalation["escalation_id"] and row.state == "pending"


async def test_write_request_is_rejected_as_refused(client):
    task = await send(client, user_message("delete all the lost deals"))
    assert task.status.state == TaskState.TASK_STATE_REJECTED
    assert response_of(task)["status"] == "refused"


async def reply_with_an_option(client, asked):
    """Answer a clarification with one of its options (a rep's name); return it and the task."""
    [data] = get_data_parts(list(asked.status.message.parts))
    options = data["clarification"]["options"]
    assert len(options) > 1
    chosen = options[1].rsplit(" (", 1)[0]
    done = await send(client, user_message(chosen, task_id=asked.id,
                                           context_id=asked.context_id))
    return chosen, done


async def test_clarification_round_trip_on_the_same_task(wh, client):
    last = shared_last_name(wh)
    asked = await send(client, user_message(f"bookings for {last.lower()} this year"))
    assert asked.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    chosen, done = await reply_with_an_option(client, asked)
    assert done.id == asked.id
    assert done.status.state == TaskState.TASK_STATE_COMPLETED
    answer = response_of(done)
    assert answer["intent"]["params"]["filters"] == [{"dimension": "rep", "values": [chosen]}]
    assert answer["intent"]["params"]["period"]["label"] == "FY2027 YTD"


async def test_get_task_and_cancel_a_finished_one(client):
    task = await send(client, user_message("top 5 reps by bookings this year"))
    got = await client.get_task(GetTaskRequest(id=task.id))
    assert got.status.state == TaskState.TASK_STATE_COMPLETED
    assert response_of(got) == response_of(task)
    with pytest.raises(TaskNotCancelableError):
        await client.cancel_task(CancelTaskRequest(id=task.id))
    with pytest.raises(TaskNotFoundError):
        await client.get_task(GetTaskRequest(id=str(uuid.uuid4())))


async def test_tasks_are_private_to_their_token(server, client):
    task = await send(client, user_message("bookings this year"))
    card = await card_of(server[0])
    async with httpx.AsyncClient(headers=auth("rep"), timeout=30) as http:
        other = ClientFactory(ClientConfig(httpx_client=http, streaming=False)).create(card)
        with pytest.raises(TaskNotFoundError):
            await other.get_task(GetTaskRequest(id=task.id))


async def test_structured_input_and_requester_rules(server, client):
    data = {"tool": "bookings", "params": {"group_by": ["region"]}, "as_of": "2026-06-30"}
    message = Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex,
                      parts=[Part(data=_value(data), media_type="application/json")])
    task = await send(client, message)
    assert task.status.state == TaskState.TASK_STATE_COMPLETED
    body = response_of(task)
    assert body["intent"]["tool"] == "bookings" and body["result"]["as_of"] == "2026-06-30"
    forged = {"question": "bookings this year", "requester": {"id": "cfo", "role": "exec"}}
    message = Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex,
                      parts=[Part(data=_value(forged))])
    task = await send(client, message)  # a revops token may not speak for the CFO
    assert task.status.state == TaskState.TASK_STATE_REJECTED
    assert "only hub tokens" in get_message_text(task.status.message)


async def test_json_rpc_needs_a_token(server):
    card = await card_of(server[0])
    async with httpx.AsyncClient(timeout=30) as http:
        anonymous = ClientFactory(ClientConfig(httpx_client=http, streaming=False)).create(card)
        with pytest.raises(A2AClientError):
            await send(anonymous, user_message(WIN_RATE))
        raw = await http.post(f"{server[0]}/a2a/jsonrpc", json={
            "jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {}},
            headers={"A2A-Version": "1.0"})
    assert raw.status_code == 401 and raw.headers["www-authenticate"].startswith("Bearer")


def _value(data: dict):
    from google.protobuf.json_format import ParseDict
    from google.protobuf.struct_pb2 import Value

    return ParseDict(data, Value())


@pytest.mark.parametrize("content", [b"\xff\xfe garbage", b"[1, 2", b'{"jsonrpc": "2.0"}',
                                     b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", '
                                     b'"params": {"message": {"parts": 5}}}'])
async def test_malformed_json_rpc_is_a_json_rpc_error_not_a_500(server, content):
    async with httpx.AsyncClient(timeout=30) as http:
        reply = await http.post(f"{server[0]}/a2a/jsonrpc", content=content, headers={
            **auth("revops"), "A2A-Version": "1.0", "Content-Type": "application/json"})
    assert reply.status_code < 500
    assert reply.json()["error"]["code"] < 0


# A2A tasks survive a restart: a second server (new app, new SDK handler, new connections) over
# the state dir the first one left, as after a restart of `revops serve`.

def stored_a2a_tasks(state_dir) -> dict[str, tuple[str, str]]:
    """Task id -> (owner, state) as the a2a-sdk's SQL store left them on disk."""
    with sqlite3.connect(state_dir / A2A_DB) as con:
        rows = con.execute("select id, owner, json_extract(status, '$.state') from tasks")
        return {task_id: (owner, state) for task_id, owner, state in rows}


async def test_a_finished_task_is_still_there_after_a_restart(wh, tmp_path):
    with agent_service(wh, tmp_path) as (base, _):
        async with a2a_client(base) as c:
            task = await send(c, user_message(WIN_RATE))
    assert task.status.state == TaskState.TASK_STATE_COMPLETED
    assert stored_a2a_tasks(tmp_path)[task.id] == ("ana", "TASK_STATE_COMPLETED")
    with agent_service(wh, tmp_path) as (base, _):
        async with a2a_client(base) as c:
            got = await c.get_task(GetTaskRequest(id=task.id))
        async with a2a_client(base, "rep") as other:  # still private to its token
            with pytest.raises(TaskNotFoundError):
                await other.get_task(GetTaskRequest(id=task.id))
    assert (got.id, got.context_id) == (task.id, task.context_id)
    assert got.status.state == TaskState.TASK_STATE_COMPLETED
    assert got.status == task.status
    assert list(got.artifacts) == list(task.artifacts)  # the text part and the data part
    assert response_of(got) == response_of(task)
    assert response_of(got)["status"] == "answered" and response_of(got)["answer"]
    [artifact] = got.artifacts
    assert [p.text for p in artifact.parts if p.HasField("text")] == [response_of(got)["answer"]]


async def test_a_clarification_is_answered_on_the_same_task_after_a_restart(wh, tmp_path):
    last = shared_last_name(wh)
    with agent_service(wh, tmp_path) as (base, _):
        async with a2a_client(base) as c:
            asked = await send(c, user_message(f"bookings for {last.lower()} this year"))
    assert asked.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    assert stored_a2a_tasks(tmp_path)[asked.id] == ("ana", "TASK_STATE_INPUT_REQUIRED")
    with agent_service(wh, tmp_path) as (base, service):
        async with a2a_client(base) as c:
            waiting = await c.get_task(GetTaskRequest(id=asked.id))
            assert waiting.status == asked.status  # the question, with its options
            chosen, done = await reply_with_an_option(c, waiting)
        stored = service.store.get(asked.id)  # recorded in the agent's own task store too
    assert stored is not None and stored.status == "answered"
    assert (done.id, done.context_id) == (asked.id, asked.context_id)
    assert done.status.state == TaskState.TASK_STATE_COMPLETED
    answer = response_of(done)
    assert answer["status"] == "answered"
    assert answer["intent"]["params"]["filters"] == [{"dimension": "rep", "values": [chosen]}]
    assert answer["intent"]["params"]["period"]["label"] == "FY2027 YTD"
    assert stored_a2a_tasks(tmp_path)[asked.id] == ("ana", "TASK_STATE_COMPLETED")


async def test_unknown_task_after_a_restart_is_an_a2a_error(wh, tmp_path):
    with agent_service(wh, tmp_path) as (base, _):
        async with a2a_client(base) as c:
            await send(c, user_message("bookings this year"))
    with agent_service(wh, tmp_path) as (base, _):
        async with a2a_client(base) as c:
            with pytest.raises(TaskNotFoundError):
                await c.get_task(GetTaskRequest(id=str(uuid.uuid4())))
            with pytest.raises(TaskNotFoundError):
                await c.cancel_task(CancelTaskRequest(id=str(uuid.uuid4())))
        async with httpx.AsyncClient(timeout=30) as http:
            raw = await http.post(f"{base}/a2a/jsonrpc", json={
                "jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "nope"}},
                headers={**auth("revops"), "A2A-Version": "1.0"})
    assert raw.status_code == 200
    assert raw.json()["error"]["code"] == -32001  # TaskNotFoundError


async def test_tasks_a_crash_left_working_are_failed_at_startup(wh, tmp_path):
    from a2a.server.context import ServerCallContext

    ana = ServerCallContext(user=a2a_server._Owner("ana"))
    seeded = {state: Task(id=str(uuid.uuid4()), context_id=str(uuid.uuid4()),
                          status=TaskStatus(state=state), history=[user_message(WIN_RATE)])
              for state in (TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_INPUT_REQUIRED)}
    async with a2a_server.opened(a2a_server.task_store(tmp_path / A2A_DB)) as store:
        for task in seeded.values():  # as a run killed mid-answer leaves them
            await store.save(task, ana)
    with agent_service(wh, tmp_path) as (base, _):
        async with a2a_client(base) as c:
            working = await c.get_task(GetTaskRequest(id=seeded[TaskState.TASK_STATE_WORKING].id))
            waiting = await c.get_task(
                GetTaskRequest(id=seeded[TaskState.TASK_STATE_INPUT_REQUIRED].id))
    assert working.status.state == TaskState.TASK_STATE_FAILED
    assert get_message_text(working.status.message) == a2a_server.INTERRUPTED
    assert list(working.history) == list(seeded[TaskState.TASK_STATE_WORKING].history)
    assert waiting.status.state == TaskState.TASK_STATE_INPUT_REQUIRED


def test_serve_keeps_a2a_tasks_beside_the_state_db(wh, tmp_path, monkeypatch):
    import uvicorn

    from protocols import service as service_module

    apps = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: apps.append(app))
    monkeypatch.delenv("REVOPS_A2A_DB", raising=False)
    monkeypatch.setenv("REVOPS_STATE_DB", str(tmp_path / "agent.sqlite"))
    token, who = TOKENS["revops"]
    env = {"REVOPS_TOKENS": f"{token}={who.id}:{who.role}"}
    service_module.serve(wh, host="127.0.0.1", port=8765, env=env)
    assert apps[0].state.service.a2a_db == tmp_path / "agent-a2a.sqlite"
    monkeypatch.setenv("REVOPS_A2A_DB", str(tmp_path / "elsewhere" / "a2a.sqlite"))
    assert Settings().service.a2a_path() == tmp_path / "elsewhere" / "a2a.sqlite"


def test_non_finite_numbers_go_out_as_null_with_a_warning(caplog):
    from google.protobuf.json_format import MessageToDict

    with caplog.at_level(logging.WARNING, logger=a2a_server.__name__):
        part = a2a_server._data_part({"rate": math.nan, "rows": [[1.5, math.inf]], "n": 3})
    assert MessageToDict(part)["data"] == {"rate": None, "rows": [[1.5, None]], "n": 3}
    assert "/rate, /rows/0/1" in caplog.text


# --- A2A 0.3 and 1.0 on the same endpoint ---------------------------------------------------

async def rpc(base: str, method: str, params: dict, version: str | None) -> dict:
    """POST a raw JSON-RPC request as a hub would, with or without an A2A-Version header."""
    headers = {**auth("hub"), **({"A2A-Version": version} if version else {})}
    async with httpx.AsyncClient(timeout=60) as http:
        reply = await http.post(f"{base}/a2a/jsonrpc", headers=headers, json={
            "jsonrpc": "2.0", "id": uuid.uuid4().hex[:8], "method": method, "params": params})
    assert reply.status_code == 200, reply.text
    return reply.json()


async def test_the_card_offers_one_endpoint_for_both_versions(server):
    async with httpx.AsyncClient() as http:
        raw = (await http.get(f"{server[0]}/.well-known/agent-card.json")).json()
    endpoint = f"{server[0]}/a2a/jsonrpc"
    assert [(i["url"], i["protocolVersion"]) for i in raw["supportedInterfaces"]] == [
        (endpoint, "1.0"), (endpoint, "0.3")]
    assert raw["url"] == endpoint and raw["protocolVersion"] == "0.3"  # what 0.3 clients read
    assert raw["preferredTransport"] == "JSONRPC"


async def test_a_0_3_json_rpc_body_completes_a_question_without_a_version_header(server):
    sent = await rpc(server[0], "message/send", {"message": {
        "kind": "message", "messageId": uuid.uuid4().hex, "role": "user",
        "parts": [{"kind": "text", "text": WIN_RATE}]}}, version=None)
    task = sent["result"]
    assert task["kind"] == "task" and task["status"]["state"] == "completed", sent
    [artifact] = task["artifacts"]
    [data] = [p["data"] for p in artifact["parts"] if p["kind"] == "data"]
    assert data["status"] == "answered" and data["intent"]["tool"] == "win_rate"
    got = await rpc(server[0], "tasks/get", {"id": task["id"]}, version="0.3")
    assert got["result"]["status"]["state"] == "completed"
    assert got["result"]["artifacts"][0]["parts"] == artifact["parts"]


async def test_a_1_0_json_rpc_body_completes_the_same_question(server):
    sent = await rpc(server[0], "SendMessage", {"message": {
        "messageId": uuid.uuid4().hex, "role": "ROLE_USER", "parts": [{"text": WIN_RATE}]}},
        version="1.0")
    task = sent["result"]["task"]
    assert task["status"]["state"] == "TASK_STATE_COMPLETED", sent
    got = await rpc(server[0], "GetTask", {"id": task["id"]}, version="1.0")
    data = got["result"]["artifacts"][0]["parts"][1]["data"]
    assert data["status"] == "answered" and data["intent"]["tool"] == "win_rate"


async def test_the_sdk_0_3_client_completes_a_question(server):
    """The a2a-sdk's own 0.3 transport, as a hub on 0.3 would speak."""
    card = await card_of(server[0])
    legacy = [i for i in card.supported_interfaces if i.protocol_version == "0.3"]
    del card.supported_interfaces[:]
    card.supported_interfaces.extend(legacy)
    async with httpx.AsyncClient(headers=auth("revops"), timeout=60) as http:
        config = ClientConfig(httpx_client=http, streaming=False,
                              supported_protocol_bindings=[TransportProtocol.JSONRPC])
        async with ClientFactory(config).create(card) as old:
            task = await send(old, user_message(WIN_RATE))
            assert task.status.state == TaskState.TASK_STATE_COMPLETED
            assert response_of(task)["intent"]["tool"] == "win_rate"
            again = await old.get_task(GetTaskRequest(id=task.id))
            assert again.status.state == TaskState.TASK_STATE_COMPLETED


@pytest.mark.parametrize(("method", "version"), [("SendMessage", None),
                                                 ("message/send", "1.0")])
async def test_a_method_of_the_other_version_is_version_not_supported(server, method, version):
    """No header means 0.3 (spec 3.6.2): a 1.0 method needs `A2A-Version: 1.0`, and a 0.3
    method under a 1.0 header is refused the same way (-32009), not an internal error."""
    message = {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": WIN_RATE}]}
    reply = await rpc(server[0], method, {"message": message}, version=version)
    assert reply["error"]["code"] == -32009, reply


async def test_list_tasks_pages_and_history_length_follow_the_spec(server, client):
    for _ in range(3):
        await send(client, user_message(WIN_RATE))
    page = await rpc_as(server[0], "ListTasks", {"pageSize": 2})
    assert len(page["result"]["tasks"]) == 2 and page["result"]["nextPageToken"]
    assert page["result"]["pageSize"] == 2
    rest = await rpc_as(server[0], "ListTasks", {"pageSize": 2,
                                                "pageToken": page["result"]["nextPageToken"]})
    assert {t["id"] for t in rest["result"]["tasks"]}.isdisjoint(
        t["id"] for t in page["result"]["tasks"])
    for size in (0, 101):
        assert (await rpc_as(server[0], "ListTasks", {"pageSize": size}))["error"][
            "code"] == -32602
    task_id = page["result"]["tasks"][0]["id"]
    full = (await rpc_as(server[0], "GetTask", {"id": task_id}))["result"]
    assert len(full["history"]) >= 1
    one = (await rpc_as(server[0], "GetTask", {"id": task_id, "historyLength": 1}))["result"]
    assert one["history"] == full["history"][-1:]
    none = (await rpc_as(server[0], "GetTask", {"id": task_id, "historyLength": 0}))["result"]
    assert "history" not in none and none["status"] == full["status"]
    default = (await rpc_as(server[0], "ListTasks", {}))["result"]
    assert default["pageSize"] == 50  # the spec's default page size
    assert (await rpc_as(server[0], "GetTask", {"id": task_id, "historyLength": -1}))[
        "error"]["code"] == -32602


async def rpc_as(base: str, method: str, params: dict, who: str = "revops") -> dict:
    async with httpx.AsyncClient(timeout=60) as http:
        reply = await http.post(f"{base}/a2a/jsonrpc", headers={
            **auth(who), "A2A-Version": "1.0"}, json={"jsonrpc": "2.0", "id": 1,
                                                       "method": method, "params": params})
    return reply.json()


async def test_a_json_rpc_body_is_parsed_once_past_the_edge(server, monkeypatch):
    """The route's int32 check and the SDK's request model share one parse of the body: two
    parses in all, the edge's vetting and that one (the route used to parse it once more)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "GetTask",
                       "params": {"id": "no-such-task", "historyLength": 1}})
    parses = []
    loads = json.loads

    def counted(text, *args, **kwargs):
        if (text.decode() if isinstance(text, bytes) else text) == body:
            parses.append(text)
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counted)
    async with httpx.AsyncClient(timeout=60) as http:
        reply = await http.post(f"{server[0]}/a2a/jsonrpc", content=body.encode(), headers={
            **auth("revops"), "A2A-Version": "1.0", "Content-Type": "application/json"})
    assert reply.json()["error"]["code"] == -32001, reply.text  # TaskNotFound: the SDK ran
    assert len(parses) == 2, parses
