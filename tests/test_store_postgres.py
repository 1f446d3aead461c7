"""The task store, outbox, monitor alerts and A2A tasks in PostgreSQL (REVOPS_STATE_DB=postgresql://):
a real server from the PostgreSQL binaries; two stores on one database stand for two replicas.

The same claim tests run on SQLite too: one mechanism, two backends."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest

from protocols.monitor_alerts import AlertLog
from protocols.outbox import Outbox
from protocols.sqlstore import StoreOpenError
from protocols.store import EscalationRecord, TaskClaim, TaskRecord, TaskStore
from tests.conftest import REPO
from tests.pg_server import free_port, new_database
from tests.test_outbox import T0, Clock, Receiver, record
from tools.settings import Settings


@pytest.fixture(scope="module")
def pg_url(pg_server):
    return new_database(pg_server, "revops_state")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """A fresh store location on each backend (the Postgres one is emptied first)."""
    if request.param == "sqlite":
        return tmp_path / "state.sqlite"
    url = request.getfixturevalue("pg_url")
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("drop table if exists tasks, escalations, task_claims, monitor_alerts,"
                    " monitor_values, a2a_tasks")
    return url


def escalation(i: int) -> EscalationRecord:
    return EscalationRecord(escalation_id=f"esc-{i:03d}", task_id=f"t-{i}",
                            category="finance_action", target="central-coordination",
                            reason="r", request={"i": i}, created_at=T0)


def test_postgres_store_keeps_tasks_and_escalations(pg_url):
    import psycopg

    with TaskStore(pg_url) as store:
        assert store.dialect.name == "postgresql"
        record(store, "esc-1")
        assert store.get("task-esc-1").status == "escalated"
        e = store.escalation("esc-1")
        assert (e.state, e.idempotency_key, e.kind) == ("pending", "esc-1", "escalation")
        assert e.context["result"]["value"] == 0.356
        assert store.counts() == {"pending": 1, "delivered": 0, "dead": 0}
    with psycopg.connect(pg_url) as con:  # the rows are in PostgreSQL, not in a file
        assert con.execute("select count(*) from escalations").fetchone()[0] == 1
    with TaskStore(pg_url) as again:  # a second start: schema already there, nothing lost
        assert again.escalation("esc-1").request["question"] == "redraw territories"


def test_insertion_order_breaks_ties_of_the_same_instant(location):
    with TaskStore(location) as store:
        for i in (3, 1, 2):
            store.enqueue(escalation(i))
        assert [e.escalation_id for e in store.escalations()] == ["esc-003", "esc-001",
                                                                  "esc-002"]


def test_replicas_claim_different_escalations_and_take_over_lapsed_ones(location):
    with TaskStore(location) as a, TaskStore(location) as b:
        for i in range(6):
            a.enqueue(escalation(i))
        lease = T0 + timedelta(seconds=60)
        got_a = a.claim_due(T0, owner="a", lease_until=lease, limit=4)
        got_b = b.claim_due(T0, owner="b", lease_until=lease)
        assert [e.escalation_id for e in got_a] == [f"esc-{i:03d}" for i in range(4)]
        assert [e.escalation_id for e in got_b] == ["esc-004", "esc-005"]
        assert b.claim_due(T0, owner="b", lease_until=lease) == []  # all held
        assert b.claim("esc-000", T0, owner="b", lease_until=lease) is None
        # a dies; after its lease lapses b takes its claims over
        later = lease + timedelta(seconds=1)
        taken = b.claim_due(later, owner="b", lease_until=later + timedelta(seconds=60))
        assert {e.escalation_id for e in taken} == {f"esc-{i:03d}" for i in range(6)}
        assert all(e.lease_owner == "b" for e in taken)
        # a's late outcome does not overwrite b's claim; b's delivery ends it
        assert a.mark_retry("esc-000", "late", later, owner="a") is False
        assert b.escalation("esc-000").attempts == 0
        b.mark_delivered("esc-000", later)
        done = a.escalation("esc-000")
        assert (done.state, done.lease_owner, done.lease_until) == ("delivered", None, None)


def test_one_replica_answers_a_task_id(location):
    now = T0
    with TaskStore(location) as a, TaskStore(location) as b:
        body = {"task_id": "t1", "question": "win rate"}
        mine = a.claim_task("t1", body, owner="a", now=now, lease_until=now + timedelta(seconds=30))
        assert isinstance(mine, TaskClaim) and mine.owner == "a"
        theirs = b.claim_task("t1", {**body, "question": "other"}, owner="b", now=now,
                              lease_until=now + timedelta(seconds=30))
        assert theirs.owner == "a" and theirs.request == body  # b sees a's body: a 409 there
        assert b.task_claim("t1").owner == "a"
        assert a.renew_task("t1", owner="a", lease_until=now + timedelta(seconds=90))
        lapsed = now + timedelta(seconds=91)
        taken = b.claim_task("t1", body, owner="b", now=lapsed,
                             lease_until=lapsed + timedelta(seconds=30))
        assert taken.owner == "b"
        assert not a.renew_task("t1", owner="a", lease_until=lapsed)
        b.put(TaskRecord(task_id="t1", request=body, status="answered",
                         response={"answer": "35%"}))
        assert a.task_claim("t1") is None  # recording the answer ends the claim
        done = a.claim_task("t1", body, owner="a", now=lapsed, lease_until=lapsed)
        assert isinstance(done, TaskRecord) and done.response == {"answer": "35%"}


def test_two_outboxes_on_one_database_send_each_escalation_once(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("drop table if exists tasks, escalations, task_claims")
    receiver = Receiver()
    stores = [TaskStore(pg_url), TaskStore(pg_url)]
    try:
        for i in range(40):
            stores[0].enqueue(escalation(i))
        clock = Clock()
        boxes = [Outbox(s, {"central-coordination": receiver.url}, jitter=0, timeout=5,
                        clock=clock, owner=name) for s, name in zip(stores, "ab", strict=True)]
        results: dict[str, list] = {}
        start = threading.Barrier(2)

        def run(box: Outbox) -> None:  # passes of 4 until the other box or this one sent all
            start.wait()
            results[box.owner] = []
            deadline = time.monotonic() + 30
            while box.store.counts()["delivered"] < 40 and time.monotonic() < deadline:
                results[box.owner] += box.deliver_due(limit=4)

        threads = [threading.Thread(target=run, args=(box,)) for box in boxes]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        keys = [r["key"] for r in receiver.requests]
        assert sorted(keys) == [f"esc-{i:03d}" for i in range(40)]  # each sent once, none lost
        assert stores[1].counts()["delivered"] == 40
        outcomes = results["a"] + results["b"]
        assert len(outcomes) == 40 and {r.outcome for r in outcomes} == {"delivered"}
    finally:
        receiver.stop()
        for s in stores:
            s.close()


def test_monitor_alerts_keep_full_float_precision_in_postgres(pg_url):
    with TaskStore(pg_url) as store:
        log = AlertLog(store)
        assert log.observe("m", "g", 0.123456789012345, at=T0) is None
        assert log.observe("m", "g", 0.2, at=T0) == 0.123456789012345


def test_a2a_tasks_live_in_postgres_beside_the_store(pg_url):
    from a2a.server.tasks import DatabaseTaskStore

    from protocols.a2a_server import PG_TABLE, opened, task_store

    tasks = task_store(pg_url)
    assert isinstance(tasks, DatabaseTaskStore)

    async def start_three() -> None:  # replicas starting together must not race on the table
        async def one() -> None:
            store = task_store(pg_url)
            async with opened(store):
                pass

        await asyncio.gather(one(), one(), one())

    asyncio.run(start_three())
    import psycopg

    with psycopg.connect(pg_url) as con:
        assert con.execute("select to_regclass(%s)", (PG_TABLE,)).fetchone()[0] == PG_TABLE


def test_settings_keep_a_postgres_url_and_share_it_with_a2a(monkeypatch, tmp_path):
    monkeypatch.setenv("REVOPS_STATE_DB", "postgresql://u:pw@db.example:5432/revops")
    monkeypatch.delenv("REVOPS_A2A_DB", raising=False)
    s = Settings().service
    assert s.state_db == "postgresql://u:pw@db.example:5432/revops"  # not folded by Path
    assert s.a2a_path() == s.state_db
    monkeypatch.setenv("REVOPS_STATE_DB", str(tmp_path / "s.sqlite"))
    assert Settings().service.a2a_path() == tmp_path / "s-a2a.sqlite"
    monkeypatch.setenv("REVOPS_LEASE_SECONDS", "5")
    with pytest.raises(ValueError, match="must be longer than REVOPS_OUTBOX_TIMEOUT"):
        Settings()


@pytest.mark.parametrize("bad", [
    "postgresql://postgres:s3cret@127.0.0.1:{closed}/revops",  # nothing listens there
    "{server}/no_such_database",  # the server is up, the database is not
])
def test_a_bad_state_url_is_one_line_without_the_password(pg_server, bad):
    url = bad.format(closed=free_port(), server=pg_server)
    with pytest.raises(StoreOpenError) as err:
        TaskStore(url)
    assert str(err.value).startswith("cannot open the state database")
    assert "s3cret" not in str(err.value) and "\n" not in str(err.value)
    out = subprocess.run([sys.executable, "-m", "protocols.cli", "outbox", "list"],
                         capture_output=True, text=True, cwd=REPO,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO),
                              "REVOPS_STATE_DB": url})
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.startswith("error: cannot open the state database")
    assert "s3cret" not in out.stderr


def test_a_claim_racing_the_answer_being_recorded_gets_the_answer(pg_url):
    """Replica b claims a task id while replica a is committing its answer (which ends a's
    claim): b must get a's answer, not a fresh claim of its own (which would answer twice)."""
    from protocols.store import _js, _ts

    body = {"task_id": "race", "question": "win rate"}
    lease = T0 + timedelta(seconds=60)
    with TaskStore(pg_url) as a, TaskStore(pg_url) as b:
        a.claim_task("race", body, owner="a", now=T0, lease_until=lease)
        got: list = []
        with a.transaction() as con:  # a records its answer; not committed yet
            con.execute("insert into tasks (task_id, request, response, status, created_at,"
                        " updated_at) values (?, ?, ?, 'answered', ?, ?)",
                        ("race", _js(body), _js({"answer": "35%"}), _ts(T0), _ts(T0)))
            con.execute("delete from task_claims where task_id = ?", ("race",))
            racer = threading.Thread(target=lambda: got.append(b.claim_task(
                "race", body, owner="b", now=T0, lease_until=lease)))
            racer.start()
            time.sleep(0.5)  # b now waits on the claim row a is deleting
            assert got == []
        racer.join(10)
        [result] = got
        assert isinstance(result, TaskRecord) and result.response == {"answer": "35%"}
        assert b.task_claim("race") is None


def test_serve_with_an_unreachable_state_database_is_one_line(tmp_path_factory, tmp_path):
    from tests.metrics_demo import demo_warehouse

    demo_warehouse(tmp_path_factory).con.close()
    db = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    url = f"postgresql://revops:s3cret@127.0.0.1:{free_port()}/revops"
    out = subprocess.run([sys.executable, "-m", "protocols.cli", "serve", "--db", str(db), "--port",
                          str(free_port())], capture_output=True, text=True, cwd=REPO, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO),
                              "REVOPS_STATE_DB": url, "REVOPS_TOKENS": "t" * 20 + "=hub:hub",
                              "REVOPS_THREADS_DB": str(tmp_path / "threads.sqlite")})
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith(
        "error: cannot open the state database postgresql://revops:***@127.0.0.1:")
    assert "s3cret" not in out.stderr


def test_a_role_that_may_not_create_the_tables_is_one_line(pg_server):
    import psycopg

    url = new_database(pg_server, "revops_locked")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("drop role if exists reader")
        con.execute("create role reader login")
        con.execute("revoke create on schema public from public")
    with pytest.raises(StoreOpenError, match="^cannot set up the state database .*permission"):
        TaskStore(url.replace("postgres@", "reader@"))
