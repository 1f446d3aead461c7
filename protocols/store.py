"""Durable task records and the escalation outbox table, in one SQLite file.

A task's record and its escalation are written in one transaction (the transactional outbox
pattern): an escalation is never lost after the task says "escalated", and never sent for a task
that was not recorded. Delivery state lives in the same file, so a restart resumes where the last
process stopped. Stdlib sqlite3 in WAL mode, one connection guarded by a lock: safe to share with
a uvicorn server thread and the outbox delivery thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from protocols.messages import AgentResponse

DeliveryState = Literal["pending", "delivered", "dead"]
EscalationKind = Literal["escalation", "insight"]
"""escalation: a request (or its part) the agent passes on; insight: a monitor's finding."""
DELIVERY_STATES: tuple[DeliveryState, ...] = ("pending", "delivered", "dead")

SCHEMA = """
create table if not exists tasks (
    task_id     text primary key,
    sender      text,
    requester   text,
    request     text not null,
    response    text,
    status      text not null,
    created_at  text not null,
    updated_at  text not null
);
create table if not exists escalations (
    escalation_id    text primary key,
    task_id          text not null,
    category         text not null,
    target           text not null,
    reason           text not null,
    request          text not null,
    requester        text,
    context          text not null,
    idempotency_key  text not null unique,
    kind             text not null default 'escalation' check (kind in ('escalation', 'insight')),
    state            text not null check (state in ('pending', 'delivered', 'dead')),
    attempts         integer not null default 0 check (attempts >= 0),
    last_error       text,
    next_attempt_at  text,
    delivered_at     text,
    created_at       text not null
);
create index if not exists escalations_due on escalations (state, next_attempt_at);
create index if not exists escalations_task on escalations (task_id);
"""


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


class TaskRecord(BaseModel):
    """One task as received and as answered (or still working)."""

    task_id: str
    sender: str | None = None
    requester: dict[str, Any] | None = None
    request: dict[str, Any]
    """The task envelope or question as received."""
    response: dict[str, Any] | None = None
    """AgentResponse.model_dump(mode="json"); None while working."""
    status: str
    """The AgentResponse status, or "working"."""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EscalationRecord(BaseModel):
    """An escalation waiting for (or done with) delivery to its target."""

    escalation_id: str
    task_id: str
    category: str
    target: str
    reason: str
    request: dict[str, Any]
    requester: dict[str, Any] | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    """What the receiver needs so it does not redo work, e.g. numbers already computed."""
    idempotency_key: str = ""
    """Sent as the Idempotency-Key header; equals escalation_id unless given."""
    kind: EscalationKind = "escalation"
    state: DeliveryState = "pending"
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    """None = due now."""
    delivered_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    def model_post_init(self, __context: Any) -> None:
        """Default the idempotency key to the escalation id (stable across retries)."""
        if not self.idempotency_key:
            self.idempotency_key = self.escalation_id


class EscalationNotFound(KeyError):
    """No escalation with that id in the store."""


def _ts(value: datetime | None) -> str | None:
    # One fixed-width UTC format, so text comparison in SQL orders like time does.
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _js(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def _lo(value: str | None) -> Any:
    return None if value is None else json.loads(value)


class TaskStore:
    """Tasks and escalations in a SQLite file (":memory:" for a throwaway store)."""

    def __init__(self, path: str | Path) -> None:
        """Open (creating if needed) the store at `path`."""
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._con = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                    timeout=30.0)
        self._con.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self._con.execute("pragma journal_mode=wal")
        # full: a committed escalation survives a power cut too, not only a process crash
        self._con.execute("pragma synchronous=full")
        self._con.executescript(SCHEMA)
        self._upgrade()

    def _upgrade(self) -> None:
        """Add what later versions added to a store an older version created (additive)."""
        columns = {r["name"] for r in self._con.execute("pragma table_info(escalations)")}
        if "kind" not in columns:
            self._con.execute("alter table escalations add column kind text not null default "
                              "'escalation' check (kind in ('escalation', 'insight'))")

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one IMMEDIATE transaction (all or nothing), under the lock."""
        with self._lock:
            self._con.execute("begin immediate")
            try:
                yield self._con
            except BaseException:
                self._con.execute("rollback")
                raise
            self._con.execute("commit")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Run a read under the lock (also for modules keeping their own tables here)."""
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    # --- tasks --------------------------------------------------------------------------------

    def get(self, task_id: str) -> TaskRecord | None:
        """Return the task with this id, or None."""
        rows = self.query("select * from tasks where task_id = ?", (task_id,))
        return _task(rows[0]) if rows else None

    def put(self, task: TaskRecord, escalation: EscalationRecord | None = None) -> None:
        """Upsert the task and insert its escalation (if any) in ONE transaction.

        An escalation whose id is already stored is left as it is (a replayed task does not
        reset delivery state); any other failure rolls back the task row too.
        """
        with self.transaction() as con:
            con.execute(
                "insert into tasks (task_id, sender, requester, request, response, status,"
                " created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict (task_id) do update set sender = excluded.sender,"
                " requester = excluded.requester, request = excluded.request,"
                " response = excluded.response, status = excluded.status,"
                " updated_at = excluded.updated_at",
                (task.task_id, task.sender, _js(task.requester), _js(task.request),
                 _js(task.response), task.status, _ts(task.created_at), _ts(task.updated_at)))
            if escalation is not None:
                _insert_escalation(con, escalation, on_conflict="on conflict (escalation_id)"
                                   " do nothing")

    def record_response(self, request: dict[str, Any], response: AgentResponse, *,
                        task_id: str | None = None, sender: str | None = None,
                        requester: dict[str, Any] | None = None,
                        context: dict[str, Any] | None = None) -> TaskRecord:
        """Record a finished task and, when the response escalates, its outbox entry.

        `task_id` defaults to the request's "task_id", else the response's request_id.
        `context` defaults to what the response already computed (intent, result, warnings).
        """
        tid = task_id or str(request.get("task_id") or response.request_id)
        now = utcnow()
        previous = self.get(tid)
        task = TaskRecord(task_id=tid, sender=sender, requester=requester, request=request,
                          response=response.model_dump(mode="json"), status=response.status,
                          created_at=previous.created_at if previous else now, updated_at=now)
        escalation = None
        if response.escalation is not None:
            e = response.escalation
            escalation = EscalationRecord(
                escalation_id=e.escalation_id, task_id=tid, category=e.category,
                target=e.target, reason=e.reason, request=request, requester=requester,
                context=context if context is not None else response_context(response),
                created_at=now)
        self.put(task, escalation)
        return task

    # --- escalations --------------------------------------------------------------------------

    def enqueue(self, escalation: EscalationRecord) -> bool:
        """Add an escalation without a task (e.g. a monitor's alert); False if already stored.

        "Already stored" means the same escalation id or the same idempotency key, so a caller
        that derives the key from what it reports never queues the same alert twice.
        """
        with self.transaction() as con:
            return _insert_escalation(con, escalation, on_conflict="on conflict do nothing") > 0

    def escalation(self, escalation_id: str) -> EscalationRecord | None:
        """Return one escalation, or None."""
        rows = self.query("select * from escalations where escalation_id = ?",
                           (escalation_id,))
        return _escalation(rows[0]) if rows else None

    def escalations(self, state: DeliveryState | None = None, *, task_id: str | None = None,
                    limit: int | None = None) -> list[EscalationRecord]:
        """Return escalations, oldest first, optionally of one state or one task."""
        where, params = [], []
        if state is not None:
            where.append("state = ?")
            params.append(state)
        if task_id is not None:
            where.append("task_id = ?")
            params.append(task_id)
        sql = "select * from escalations"
        if where:
            sql += " where " + " and ".join(where)
        sql += " order by created_at, rowid"
        if limit is not None:
            sql += f" limit {int(limit)}"
        return [_escalation(r) for r in self.query(sql, tuple(params))]

    def due(self, now: datetime, limit: int = 100) -> list[EscalationRecord]:
        """Return pending escalations whose next attempt is due at `now`, oldest first."""
        rows = self.query(
            "select * from escalations where state = 'pending'"
            " and (next_attempt_at is null or next_attempt_at <= ?)"
            " order by created_at, rowid limit ?", (_ts(now), int(limit)))
        return [_escalation(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Return the number of escalations per delivery state."""
        rows = self.query("select state, count(*) as n from escalations group by state")
        return {s: 0 for s in DELIVERY_STATES} | {r["state"]: r["n"] for r in rows}

    def mark_delivered(self, escalation_id: str, at: datetime) -> None:
        """Record a successful delivery attempt."""
        self._update(escalation_id, "state = 'delivered', attempts = attempts + 1,"
                     " delivered_at = ?, next_attempt_at = null", (_ts(at),))

    def mark_retry(self, escalation_id: str, error: str, next_attempt_at: datetime) -> None:
        """Record a failed attempt that will be tried again at `next_attempt_at`."""
        self._update(escalation_id, "attempts = attempts + 1, last_error = ?,"
                     " next_attempt_at = ?", (error, _ts(next_attempt_at)))

    def mark_dead(self, escalation_id: str, error: str) -> None:
        """Record a final failed attempt: no more automatic tries."""
        self._update(escalation_id, "state = 'dead', attempts = attempts + 1, last_error = ?,"
                     " next_attempt_at = null", (error,))

    def note_error(self, escalation_id: str, error: str) -> None:
        """Record why an escalation could not be attempted (no attempt is spent)."""
        self._update(escalation_id, "last_error = ?", (error,))

    def requeue(self, escalation_id: str, now: datetime) -> EscalationRecord:
        """Put a dead escalation back to pending, due now, with a fresh try budget."""
        with self.transaction() as con:
            row = con.execute("select state from escalations where escalation_id = ?",
                              (escalation_id,)).fetchone()
            if row is None:
                raise EscalationNotFound(escalation_id)
            if row["state"] == "dead":
                con.execute("update escalations set state = 'pending', attempts = 0,"
                            " next_attempt_at = ? where escalation_id = ?",
                            (_ts(now), escalation_id))
        record = self.escalation(escalation_id)
        assert record is not None
        return record

    def _update(self, escalation_id: str, assignments: str, params: tuple[Any, ...]) -> None:
        with self.transaction() as con:
            cur = con.execute(f"update escalations set {assignments} where escalation_id = ?",
                              (*params, escalation_id))
            if cur.rowcount == 0:
                raise EscalationNotFound(escalation_id)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._con.close()

    def __enter__(self) -> TaskStore:
        """Use the store as a context manager that closes it."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the store."""
        self.close()


def response_context(response: AgentResponse) -> dict[str, Any]:
    """Return what an escalation's receiver can reuse from the response (no empty fields)."""
    data = response.model_dump(mode="json", include={"answer", "intent", "result", "warnings"})
    if response.intent.tool is None:
        data.pop("intent")
    return {k: v for k, v in data.items() if v not in (None, [], {}, "")}


def _insert_escalation(con: sqlite3.Connection, e: EscalationRecord, *, on_conflict: str) -> int:
    cur = con.execute(
        "insert into escalations (escalation_id, task_id, category, target, reason, request,"
        " requester, context, idempotency_key, kind, state, attempts, last_error,"
        " next_attempt_at, delivered_at, created_at)"
        f" values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        f" {on_conflict}",
        (e.escalation_id, e.task_id, e.category, e.target, e.reason, _js(e.request),
         _js(e.requester), _js(e.context), e.idempotency_key or e.escalation_id, e.kind, e.state,
         e.attempts, e.last_error, _ts(e.next_attempt_at), _ts(e.delivered_at),
         _ts(e.created_at)))
    return cur.rowcount


def _task(row: sqlite3.Row) -> TaskRecord:
    return TaskRecord(task_id=row["task_id"], sender=row["sender"],
                      requester=_lo(row["requester"]), request=_lo(row["request"]),
                      response=_lo(row["response"]), status=row["status"],
                      created_at=_dt(row["created_at"]), updated_at=_dt(row["updated_at"]))


def _escalation(row: sqlite3.Row) -> EscalationRecord:
    data = dict(row)
    for key in ("request", "requester", "context"):
        data[key] = _lo(data[key])
    for key in ("next_attempt_at", "delivered_at", "created_at"):
        data[key] = _dt(data[key])
    return EscalationRecord.model_validate(data)
