"""Three `revops serve` replicas on one PostgreSQL state database, behind a client that fails
over like a load balancer, with a stub hub: requests spread over the replicas, one replica is
killed with SIGKILL mid-run (and started again), the hub is down, then up.

Nothing is lost: every task is answered and readable from every replica; every escalation is
stored once in PostgreSQL and accepted by the hub exactly once, under one Idempotency-Key, and
never sent by two replicas at the same time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.metrics_demo import END, demo_warehouse, shared_last_name
from tests.pg_server import free_port, new_database

pytestmark = pytest.mark.slow

HUB_TOKEN = "hub-token-0123456789abcdef"
HEADERS = {"Authorization": f"Bearer {HUB_TOKEN}"}
ESCALATING = "launch a campaign for Q1"  # marketing strategy: escalated (to the hub's URL)
TASKS = 48


class Hub:
    """A stub hub on a fixed port that can go down and come back. It honours Idempotency-Key
    (a repeated key is acknowledged, not stored again) and notes when each send began and
    ended, so two replicas sending the same escalation at once would show as an overlap."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sends: list[tuple[str, float, float]] = []
        self.stored: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/escalations"

    def up(self) -> None:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                began = time.monotonic()
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                time.sleep(0.05)  # a send takes a while: room for an overlap to show
                with hub.lock:
                    hub.stored.setdefault(key, body)
                    hub.sends.append((key, began, time.monotonic()))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class Replica:
    """One `revops serve` process on a loopback port."""

    def __init__(self, port: int, db: Path, env: dict[str, str], log: Path) -> None:
        self.port, self.db, self.env, self.log = port, db, env, log
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "protocols.cli", "serve", "--db", str(self.db), "--port",
             str(self.port)], cwd=REPO, env=self.env, stdout=subprocess.DEVNULL,
            stderr=self.log.open("a"))

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.proc.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack
        self.proc.wait(10)
        raise AssertionError(f"replica on {self.port} did not start: {self.log.read_text()}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def ambiguous_name(tmp_path_factory) -> str:
    """A last name two reps of the demo company share (a question about it is asked back)."""
    wh = demo_warehouse(tmp_path_factory)
    try:
        return shared_last_name(wh)
    finally:
        wh.con.close()


@pytest.fixture(scope="module")
def cluster(pg_server, tmp_path_factory, ambiguous_name):
    db = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    logs = tmp_path_factory.mktemp("replicas")
    url = new_database(pg_server, "revops_replicas")
    hub = Hub(free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVOPS_", "OPENAI_"))}
    env.update({
        "PYTHONPATH": str(REPO), "PYTHONFAULTHANDLER": "1",
        "REVOPS_TOKENS": f"{HUB_TOKEN}=chassis-hub:hub",
        "REVOPS_STATE_DB": url, "REVOPS_THREADS_DB": url, "REVOPS_HUB_URL": hub.url,
        # short intervals so the test sees retries, lapsed claims and recovery in seconds
        "REVOPS_OUTBOX_INTERVAL": "0.3", "REVOPS_OUTBOX_BASE_DELAY": "0.3",
        "REVOPS_OUTBOX_MAX_DELAY": "1", "REVOPS_OUTBOX_MAX_TRIES": "1000",
        "REVOPS_OUTBOX_TIMEOUT": "1", "REVOPS_LEASE_SECONDS": "5"})
    replicas = [Replica(free_port(), db, env, logs / f"replica-{i}.log") for i in range(3)]
    for r in replicas:
        r.start()
    try:
        for r in replicas:
            r.wait_ready()
        yield replicas, hub, url
    finally:
        for r in replicas:
            r.stop()
        hub.down()


def submit(replicas: list, task: dict, first: int, served: dict) -> dict:
    """POST a task like a load balancer would: to replica `first`, and on a connection error
    (a dead replica) or a 504 to the next one, same task id, until it is answered."""
    deadline = time.monotonic() + 45
    i = first
    while time.monotonic() < deadline:
        replica = replicas[i % len(replicas)]
        try:
            reply = httpx.post(f"{replica.url}/v1/tasks", json=task, headers=HEADERS,
                               timeout=20)
        except httpx.TransportError:
            i += 1
            continue
        if reply.status_code == 504:
            i += 1
            continue
        assert reply.status_code == 200, reply.text
        served[task["task_id"]] = i % len(replicas)
        return reply.json()
    raise AssertionError(f"task {task['task_id']} never answered")


def task(n: int) -> dict:
    body = {"task_id": f"rt-{n:03d}", "sender": "hub", "as_of": END.isoformat()}
    if n % 2:
        return {**body, "tool": "win_rate", "params": {"group_by": ["region"]}}
    return {**body, "question": ESCALATING}


def test_three_replicas_lose_nothing(cluster):
    import psycopg

    replicas, hub, url = cluster
    answers: dict[str, dict] = {}
    served: dict[str, int] = {}
    killed = threading.Event()

    def one(n: int) -> None:
        if n == TASKS // 3:  # a third of the way through, replica 2 dies mid-run
            replicas[2].kill()
            killed.set()
        answers[f"rt-{n:03d}"] = submit(replicas, task(n), n, served)

    with ThreadPoolExecutor(6) as pool:  # the hub is down for all of this
        list(pool.map(one, range(TASKS)))
        # the same task id at two replicas at once: one answer, one escalation
        twice = list(pool.map(lambda i: submit(replicas, task(TASKS), i, {}), (0, 1)))
    assert killed.is_set()
    assert twice[0] == twice[1] and twice[0]["status"] == "escalated"
    answers[f"rt-{TASKS:03d}"] = twice[0]
    conflict = httpx.post(f"{replicas[1].url}/v1/tasks", headers=HEADERS,
                          json={**task(TASKS), "question": "bookings this year"})
    assert conflict.status_code == 409  # a different body under a stored id, at any replica

    assert len(answers) == TASKS + 1
    assert {s for s in served.values()} >= {0, 1}  # spread over the replicas
    assert any(served[f"rt-{n:03d}"] == 2 for n in range(TASKS // 3))  # 2 worked before dying
    escalating = {tid for tid, a in answers.items() if a["status"] == "escalated"}
    assert len(escalating) == TASKS // 2 + 1
    assert all(a["status"] == "answered" for tid, a in answers.items() if tid not in escalating), \
        [a for tid, a in answers.items() if tid not in escalating and a["status"] != "answered"][:1]

    replicas[2].start()  # the dead replica comes back
    hub.up()
    replicas[2].wait_ready()
    deadline = time.monotonic() + 30
    with psycopg.connect(url) as con:
        while time.monotonic() < deadline:
            pending = con.execute("select count(*) from escalations where state <> 'delivered'"
                                  ).fetchone()[0]
            if pending == 0:
                break
            time.sleep(0.2)
        rows = con.execute("select task_id, escalation_id, idempotency_key, state"
                           " from escalations").fetchall()
    # one escalation per escalating task, all delivered, each under its own key
    assert sorted(r[0] for r in rows) == sorted(escalating)
    assert all(r[3] == "delivered" and r[1] == r[2] for r in rows), rows
    assert {a["escalation"]["escalation_id"] for a in answers.values()
            if a["status"] == "escalated"} == {r[1] for r in rows}
    # the hub accepted each exactly once (it was down until every replica had queued them)
    keys = [k for k, _, _ in hub.sends]
    assert sorted(keys) == sorted(r[2] for r in rows), "a key sent twice or missing"
    by_key: dict[str, list[tuple[float, float]]] = {}
    for key, began, ended in hub.sends:
        by_key.setdefault(key, []).append((began, ended))
    for spans in by_key.values():  # never two sends of one escalation at once
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))

    # every task is readable from every replica, the restarted one included
    for r in replicas:
        with httpx.Client(base_url=r.url, headers=HEADERS, timeout=20) as client:
            for tid, answer in answers.items():
                got = client.get(f"/v1/tasks/{tid}")
                assert got.status_code == 200, (r.port, tid, got.text)
                assert got.json()["answer"] == answer["answer"]


async def a2a_send(base: str, message):
    """Send one A2A message with the official client to the replica at `base`."""
    from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
    from a2a.types import SendMessageRequest
    from a2a.utils import TransportProtocol

    async with httpx.AsyncClient(headers=HEADERS, timeout=30) as http:
        card = await A2ACardResolver(http, base).get_agent_card()
        config = ClientConfig(httpx_client=http, streaming=False,
                              supported_protocol_bindings=[TransportProtocol.JSONRPC])
        async with ClientFactory(config).create(card) as client:
            if isinstance(message, str):  # a task id: GetTask
                from a2a.types import GetTaskRequest

                return await client.get_task(GetTaskRequest(id=message))
            [event] = [e async for e in client.send_message(SendMessageRequest(message=message))]
            return event.task


def test_an_a2a_clarification_continues_at_another_replica(cluster, ambiguous_name):
    """A2A tasks and threads are shared: asked back at one replica, answered at another, read
    at the third."""
    import asyncio
    import uuid

    from a2a.helpers import get_data_parts
    from a2a.types import Message, Part, Role, TaskState

    replicas, _hub, _url = cluster

    def message(text: str, **ids: str) -> Message:
        return Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex,
                       parts=[Part(text=text)], **ids)

    asked = asyncio.run(a2a_send(replicas[0].url, message(
        f"bookings for {ambiguous_name.lower()} this year")))
    assert asked.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
    [data] = get_data_parts(list(asked.status.message.parts))
    chosen = data["clarification"]["options"][1].rsplit(" (", 1)[0]
    done = asyncio.run(a2a_send(replicas[1].url, message(
        chosen, task_id=asked.id, context_id=asked.context_id)))
    assert done.id == asked.id and done.status.state == TaskState.TASK_STATE_COMPLETED
    [artifact] = done.artifacts
    [answer] = get_data_parts(list(artifact.parts))
    assert answer["intent"]["params"]["filters"] == [{"dimension": "rep", "values": [chosen]}]
    read = asyncio.run(a2a_send(replicas[2].url, asked.id))
    assert read.status.state == TaskState.TASK_STATE_COMPLETED
    got = httpx.get(f"{replicas[2].url}/v1/tasks/{asked.id}", headers=HEADERS, timeout=20)
    assert got.status_code == 200 and got.json()["intent"]["params"]["filters"] == [
        {"dimension": "rep", "values": [chosen]}]
