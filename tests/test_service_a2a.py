"""A2A v1.0 over real HTTP on loopback, driven by the official a2a-sdk client."""

from __future__ import annotations

import uuid

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
)
from a2a.utils import TransportProtocol
from a2a.utils.errors import TaskNotCancelableError, TaskNotFoundError

from tests.metrics_demo import demo_warehouse
from tests.service_server import agent_service, auth

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


@pytest.fixture
async def client(server):
    card = await card_of(server[0])
    http = httpx.AsyncClient(headers=auth("revops"), timeout=30)
    config = ClientConfig(httpx_client=http, streaming=False,
                          supported_protocol_bindings=[TransportProtocol.JSONRPC])
    async with ClientFactory(config).create(card) as c:
        yield c
    await http.aclose()


def user_message(text: str, **ids: str) -> Message:
    return Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex, parts=[Part(text=text)],
                   **ids)


async def send(client, message: Message) -> Task:
    events = [e async for e in client.send_message(SendMessageRequest(message=message))]
    assert len(events) == 1 and events[0].HasField("task"), events
    return events[0].task


def response_of(task: Task) -> dict:
    """The AgentResponse data part of the task's artifact."""
    [artifact] = task.artifacts
    [data] = get_data_parts(list(artifact.parts))
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


async def test_clarification_round_trip_on_the_same_task(wh, client):
    [last] = wh.con.execute(
        "select split_part(full_name, ' ', 2) as last from users "
        "where user_id in (select owner_id from opportunities) "
        "group by last having count(*) > 1 order by last limit 1").fetchone()
    asked = await send(client, user_message(f"bookings for {last.lower()} this year"))
    assert asked.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    [data] = get_data_parts(list(asked.status.message.parts))
    options = data["clarification"]["options"]
    assert len(options) > 1
    chosen = options[1].rsplit(" (", 1)[0]
    done = await send(client, user_message(chosen, task_id=asked.id,
                                           context_id=asked.context_id))
    assert done.id == asked.id
    assert done.status.state == TaskState.TASK_STATE_COMPLETED
    answer = response_of(done)
    assert answer["intent"]["params"]["filters"] == [{"dimension": "rep", "values": [chosen]}]
    assert answer["intent"]["params"]["period"]["label"] == "FY2027"


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
