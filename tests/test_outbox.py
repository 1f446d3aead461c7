"""The task store and escalation outbox against a real HTTP receiver on loopback.

The receiver honours Idempotency-Key like a well-behaved hub: a repeated key is acknowledged and
not stored again. Time is an injected clock, so backoffs are checked without sleeping.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.response import AgentResponse, EscalationOut, Intent, Result
from protocols.cli.app import app
from protocols.outbox import Outbox
from protocols.store import SCHEMA, EscalationRecord, TaskRecord, TaskStore
from tools.settings import Settings

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Receiver:
    """A stub hub: records every request, stores each Idempotency-Key once.

    `script` holds (status, stores) pairs answered in order, then 200; `stores` says whether the
    request was kept before answering (a 500 after a commit is a lost acknowledgement).
    """

    def __init__(self, port: int = 0) -> None:
        self.requests: list[dict] = []
        self.stored: dict[str, dict] = {}
        self.script: list[tuple[int, bool]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/escalations"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key")
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "key": key, "body": body,
                                              "auth": self.headers.get("Authorization")})
                    status, stores = (receiver.script.pop(0) if receiver.script
                                      else (200, True))
                    if stores and key not in receiver.stored:
                        receiver.stored[key] = body
                    elif stores:
                        status = 200  # seen before: acknowledge, keep the first copy only
                reply = b'{"error": "bad escalation: missing field"}' if status == 400 else b"{}"
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "120")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> Iterator[TaskStore]:
    s = TaskStore(":memory:")
    yield s
    s.close()


def escalated(escalation_id: str = "esc-1", target: str = "central-coordination",
              category: str = "strategic_decision") -> AgentResponse:
    return AgentResponse(
        request_id="req-" + escalation_id, status="escalated",
        answer="Territory decisions belong to central coordination; the analysis is attached.",
        intent=Intent(tool="win_rate", params={"group_by": "territory"}),
        result=Result(value=0.356, unit="ratio", columns=["territory", "win_rate"],
                      rows=[["West", 0.41]], period=None, as_of="2026-11-26",
                      definition="won / closed", sql="select 1", n_records=520),
        escalation=EscalationOut(escalation_id=escalation_id, target=target, category=category,
                                 reason="'redraw the territories' is a territory decision"))


def record(store: TaskStore, escalation_id: str = "esc-1", **kw: str) -> None:
    store.record_response({"task_id": "task-" + escalation_id, "question": "redraw territories"},
                          escalated(escalation_id, **kw), sender="hub",
                          requester={"id": "ana", "role": "manager"})


def outbox(store: TaskStore, url: str, clock: Clock, **kw) -> Outbox:
    return Outbox(store, {"central-coordination": url}, base_delay=10, jitter=0, timeout=2,
                  clock=clock, **kw)


def test_delivered_on_first_try_with_everything_the_receiver_needs(store, receiver, clock):
    record(store)
    with outbox(store, receiver.url, clock) as box:
        [result] = box.deliver_due()
    assert result.outcome == "delivered" and result.status_code == 200
    [req] = receiver.requests
    assert req["key"] == "esc-1" and req["path"] == "/v1/escalations"
    body = req["body"]
    assert body["category"] == "strategic_decision" and body["target"] == "central-coordination"
    assert body["kind"] == "escalation"
    assert body["task_id"] == "task-esc-1" and body["request"]["question"] == "redraw territories"
    assert body["requester"] == {"id": "ana", "role": "manager"}
    assert body["context"]["result"]["value"] == 0.356  # numbers already computed travel along
    e = store.escalation("esc-1")
    assert (e.state, e.attempts, e.delivered_at) == ("delivered", 1, T0)
    assert store.get("task-esc-1").status == "escalated"
    assert box.deliver_due() == []


def test_receiver_down_then_up_delivers_exactly_once(store, clock):
    port = free_port()  # nothing listens here yet
    record(store)
    box = outbox(store, f"http://127.0.0.1:{port}/v1/escalations", clock)
    [first] = box.deliver_due()
    assert first.outcome == "retry" and "Connect" in first.error
    e = store.escalation("esc-1")
    assert (e.state, e.attempts, e.next_attempt_at) == ("pending", 1, T0 + timedelta(seconds=10))
    assert box.deliver_due() == []  # not due yet: no hammering a hub that is down
    clock.advance(10)
    [second] = box.deliver_due()
    assert second.outcome == "retry"
    assert store.escalation("esc-1").next_attempt_at == clock.now + timedelta(seconds=20)

    up = Receiver(port)
    try:
        clock.advance(20)
        [third] = box.deliver_due()
        assert third.outcome == "delivered"
        clock.advance(3600)
        assert box.deliver_due() == []
        assert len(up.requests) == 1 and list(up.stored) == ["esc-1"]
        assert store.escalation("esc-1").attempts == 3
    finally:
        up.stop()
        box.close()


def test_server_error_then_success(store, receiver, clock):
    receiver.script = [(500, False)]
    record(store)
    box = outbox(store, receiver.url, clock)
    assert [r.outcome for r in box.deliver_due()] == ["retry"]
    assert store.escalation("esc-1").last_error.startswith("HTTP 500")
    clock.advance(10)
    assert [r.outcome for r in box.deliver_due()] == ["delivered"]
    assert [r["key"] for r in receiver.requests] == ["esc-1", "esc-1"]  # stable key
    assert len(receiver.stored) == 1


def test_lost_acknowledgement_is_retried_and_stored_once(store, receiver, clock):
    receiver.script = [(502, True)]  # the hub kept it, but the reply never made it back
    record(store)
    box = outbox(store, receiver.url, clock)
    box.deliver_due()
    clock.advance(10)
    box.deliver_due()
    assert len(receiver.requests) == 2 and len(receiver.stored) == 1
    assert store.escalation("esc-1").state == "delivered"


def test_conflict_means_the_receiver_already_has_it(store, receiver, clock):
    receiver.script = [(409, False)]
    record(store)
    [r] = outbox(store, receiver.url, clock).deliver_due()
    assert r.outcome == "delivered" and store.escalation("esc-1").state == "delivered"


def test_bad_request_is_dead_at_once_with_the_error(store, receiver, clock):
    receiver.script = [(400, False)]
    record(store)
    box = outbox(store, receiver.url, clock)
    [r] = box.deliver_due()
    assert r.outcome == "dead"
    e = store.escalation("esc-1")
    assert e.state == "dead" and e.attempts == 1 and e.next_attempt_at is None
    assert "HTTP 400" in e.last_error and "missing field" in e.last_error
    clock.advance(86400)
    assert box.deliver_due() == [] and len(receiver.requests) == 1


def test_dead_after_max_tries(store, receiver, clock):
    receiver.script = [(503, False)] * 10
    record(store)
    box = outbox(store, receiver.url, clock, max_tries=3)
    outcomes = []
    for _ in range(5):
        outcomes += [r.outcome for r in box.deliver_due()]
        clock.advance(3600)
    assert outcomes == ["retry", "retry", "dead"]
    e = store.escalation("esc-1")
    assert e.state == "dead" and e.attempts == 3 and "gave up after 3 attempts" in e.last_error
    assert len(receiver.requests) == 3


def test_rate_limit_waits_at_least_retry_after(store, receiver, clock):
    receiver.script = [(429, False)]
    record(store)
    [r] = outbox(store, receiver.url, clock).deliver_due()
    assert r.outcome == "retry" and r.next_attempt_at == T0 + timedelta(seconds=120)


def test_backoff_doubles_and_is_capped(store):
    box = Outbox(store, {}, base_delay=2, max_delay=30, jitter=0)
    assert [box.backoff(n) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]


def test_restart_keeps_pending_escalations_and_delivers_them(tmp_path, clock):
    path = tmp_path / "state.sqlite"
    port = free_port()
    first = TaskStore(path)
    record(first, "esc-a")
    record(first, "esc-b", target="finance", category="finance_action")
    box = outbox(first, f"http://127.0.0.1:{port}/", clock)
    assert [r.outcome for r in box.deliver_due()] == ["retry", "retry"]
    box.close()
    first.close()

    up = Receiver(port)
    second = TaskStore(path)
    try:
        assert second.get("task-esc-a").status == "escalated"
        assert [e.attempts for e in second.escalations("pending")] == [1, 1]
        clock.advance(10)
        with outbox(second, up.url, clock) as box2:
            assert sorted(r.outcome for r in box2.deliver_due()) == ["delivered", "delivered"]
        assert sorted(up.stored) == ["esc-a", "esc-b"] and len(up.requests) == 2
        assert second.counts() == {"pending": 0, "delivered": 2, "dead": 0}
    finally:
        second.close()
        up.stop()


def test_peer_endpoint_and_hub_fallback_and_token_only_to_its_owner(store, clock):
    hub, peer = Receiver(), Receiver()
    try:
        record(store, "esc-mkt", target="marketing-growth", category="marketing_strategy")
        record(store, "esc-fin", target="finance", category="finance_action")
        box = Outbox(store, {"central-coordination": hub.url, "marketing-growth": peer.url},
                     tokens={"central-coordination": "hub-secret"}, jitter=0, clock=clock)
        assert {r.escalation_id: r.url for r in box.deliver_due()} == {
            "esc-mkt": peer.url, "esc-fin": hub.url}
        assert [r["auth"] for r in peer.requests] == [None]
        assert [r["auth"] for r in hub.requests] == ["Bearer hub-secret"]
    finally:
        hub.stop()
        peer.stop()


def test_no_endpoint_keeps_it_pending_without_spending_a_try(store, clock):
    record(store)
    [r] = Outbox(store, {}, clock=clock).deliver_due()
    e = store.escalation("esc-1")
    assert r.outcome == "skipped" and e.state == "pending" and e.attempts == 0
    assert "REVOPS_HUB_URL" in e.last_error


def test_task_and_escalation_are_one_transaction(store):
    record(store, "esc-1")
    task = TaskRecord(task_id="task-2", request={"question": "call Acme"}, status="escalated")
    clash = EscalationRecord(escalation_id="esc-2", task_id="task-2", category="sales_execution",
                             target="central-coordination", reason="contacting a customer",
                             request=task.request, idempotency_key="esc-1")  # key already used
    with pytest.raises(sqlite3.IntegrityError):
        store.put(task, clash)
    assert store.get("task-2") is None and store.escalation("esc-2") is None
    store.put(task, clash.model_copy(update={"idempotency_key": "esc-2"}))
    assert store.get("task-2") is not None and store.escalation("esc-2") is not None


def test_replayed_task_does_not_reset_delivery(store, receiver, clock):
    record(store)
    outbox(store, receiver.url, clock).deliver_due()
    created = store.get("task-esc-1").created_at
    record(store)  # the hub retried the same task
    assert len(store.escalations()) == 1 and store.escalation("esc-1").state == "delivered"
    assert store.get("task-esc-1").created_at == created


def test_answered_task_is_recorded_without_escalation(store):
    response = AgentResponse(request_id="r9", status="answered", answer="35.6%")
    rec = store.record_response({"question": "win rate"}, response)
    assert rec.task_id == "r9" and store.get("r9").response["answer"] == "35.6%"
    assert store.escalations() == []


def test_enqueue_without_task_skips_a_repeated_alert(store):
    alert = EscalationRecord(escalation_id="mon-1", task_id="monitor", category="pipeline_action",
                             target="pipeline-management", reason="12 deals stalled", request={},
                             idempotency_key="stalled:2026-11")
    assert store.enqueue(alert) is True
    assert store.enqueue(alert.model_copy(update={"escalation_id": "mon-2"})) is False
    assert [e.escalation_id for e in store.escalations()] == ["mon-1"]


def test_background_loop_delivers_and_stops(store, receiver):
    box = Outbox(store, {"central-coordination": receiver.url}, jitter=0)
    box.start(interval=30)  # the first pass runs at once; wake() triggers the next
    try:
        record(store)
        box.wake()
        deadline = time.monotonic() + 5
        while store.escalation("esc-1").state != "delivered" and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        box.close()
    assert store.escalation("esc-1").state == "delivered" and len(receiver.stored) == 1


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REVOPS_STATE_DB", str(tmp_path / "s.sqlite"))
    monkeypatch.setenv("REVOPS_HUB_URL", "http://hub.local/esc")
    monkeypatch.setenv("REVOPS_PEER_URLS", "finance=http://fin.local/e, marketing-growth=http://m/e")
    s = Settings().service
    assert s.state_db == tmp_path / "s.sqlite"
    assert s.endpoints() == {"central-coordination": "http://hub.local/esc",
                             "finance": "http://fin.local/e", "marketing-growth": "http://m/e"}
    monkeypatch.setenv("REVOPS_PEER_URLS", '{"pipeline-management": "http://p/e"}')
    assert Settings().service.endpoints()["pipeline-management"] == "http://p/e"
    monkeypatch.setenv("REVOPS_PEER_URLS", "sales=http://s/e")
    with pytest.raises(ValueError, match="unknown target"):
        Settings()
    monkeypatch.delenv("REVOPS_STATE_DB")
    assert Settings(service={"peer_urls": {}}).service.state_db.name == "state.sqlite"


def test_cli_list_show_retry_deliver(tmp_path, receiver):
    path = tmp_path / "state.sqlite"
    with TaskStore(path) as s:
        record(s, "esc-bad")
        record(s, "esc-ok")
    runner = CliRunner()
    env = {"REVOPS_STATE_DB": str(path), "REVOPS_HUB_URL": receiver.url, "REVOPS_PEER_URLS": ""}

    def run(*args: str):
        result = runner.invoke(app, ["outbox", *args], env=env)
        return result

    out = run("list", "--json")
    assert out.exit_code == 0, out.output
    assert [e["state"] for e in json.loads(out.stdout)] == ["pending", "pending"]

    receiver.script = [(400, False), (200, True)]  # oldest first: esc-bad, then esc-ok
    out = run("deliver")
    assert out.exit_code == 0 and "dead" in out.stdout and "delivered" in out.stdout
    out = run("list", "--state", "dead")
    assert "esc-bad" in out.stdout and "esc-ok" not in out.stdout and "HTTP 400" in out.stdout

    out = run("show", "esc-bad")
    assert out.exit_code == 0 and "strategic_decision" in out.stdout
    assert "redraw territories" in out.stdout and "HTTP 400" in out.stdout
    assert json.loads(run("show", "esc-ok", "--json").stdout)["state"] == "delivered"
    missing = run("show", "nope")
    assert missing.exit_code == 1 and "no escalation 'nope'" in missing.output

    out = run("retry", "esc-bad", "--json")
    assert out.exit_code == 0 and json.loads(out.stdout)[0]["outcome"] == "delivered"
    assert sorted(receiver.stored) == ["esc-bad", "esc-ok"]
    assert "No dead escalations" in run("retry", "--all-dead").stdout
    assert run("retry").exit_code == 2


def test_cli_without_a_store_yet(tmp_path):
    env = {"REVOPS_STATE_DB": str(tmp_path / "none.sqlite")}
    out = CliRunner().invoke(app, ["outbox", "list", "--json"], env=env)
    assert out.exit_code == 0 and json.loads(out.stdout) == []
    assert not Path(tmp_path / "none.sqlite").exists()


def test_store_of_an_older_version_gains_the_kind_column(tmp_path):
    """A store created before escalations had a kind keeps its rows, read as escalations."""
    path = tmp_path / "old.sqlite"
    old_schema = SCHEMA.replace(
        "    kind             text not null default 'escalation' check (kind in ('escalation', "
        "'insight')),\n", "")
    assert old_schema != SCHEMA
    con = sqlite3.connect(path)
    con.executescript(old_schema)
    con.execute("insert into escalations (escalation_id, task_id, category, target, reason, "
                "request, context, idempotency_key, state, created_at) values ('e-old', 't', "
                "'finance_action', 'finance', 'why', '{}', '{}', 'e-old', 'pending', "
                "'2026-01-01T00:00:00')")
    con.commit()
    con.close()
    with TaskStore(path) as upgraded:
        assert upgraded.escalation("e-old").kind == "escalation"
        upgraded.enqueue(EscalationRecord(escalation_id="e-new", task_id="monitor:x",
                                          kind="insight", category="operations_issue",
                                          target="central-coordination", reason="r",
                                          request={}))
        assert upgraded.escalation("e-new").kind == "insight"


def test_escalations_limit_is_a_bound_parameter(store, monkeypatch):
    for n in (1, 2, 3):
        record(store, f"esc-{n}")
    sent: list[tuple[str, tuple]] = []
    query = store.db.query
    monkeypatch.setattr(store.db, "query", lambda sql, params=(): sent.append((sql, params))
                        or query(sql, params))
    assert [e.escalation_id for e in store.escalations("pending", limit=2)] == ["esc-1", "esc-2"]
    [(sql, params)] = sent
    assert sql.endswith(" limit ?") and params == ("pending", 2), sent
