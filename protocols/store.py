"""Durable task records and the escalation outbox table, in one SQLite file or PostgreSQL.

A task's record and its escalation are written in one transaction (the transactional outbox
pattern): an escalation is never lost after the task says "escalated", and never sent for a task
that was not recorded. Delivery state lives in the same database, so a restart resumes where the
last process stopped. The database is a SQLite file (one host) or, given a postgresql:// URL, a
PostgreSQL database that any number of service replicas share (protocols/sqlstore.py).

Replicas coordinate through leases, never through memory: a replica claims an escalation before
sending it and a task id before answering it; a claim names its owner and lapses at
`lease_until`, so the claims of a replica that died are taken over once they lapse.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from agent.session import first_line
from protocols.sqlstore import Connection, Database, Row, StoreOpenError, open_database

if TYPE_CHECKING:
    from agent.response import AgentResponse

DeliveryState = Literal["pending", "delivered", "dead"]
EscalationKind = Literal["escalation", "insight"]
"""escalation: a request (or its part) the agent passes on; insight: a monitor's finding."""
DELIVERY_STATES: tuple[DeliveryState, ...] = ("pending", "delivered", "dead")

SCHEMA_TEMPLATE = """
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
{order_key}    escalation_id    text primary key,
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
    created_at       text not null,
    lease_owner      text,
    lease_until      text
);
create index if not exists escalations_due on escalations (state, next_attempt_at);
create index if not exists escalations_task on escalations (task_id);
create table if not exists task_claims (
    task_id      text primary key,
    request      text not null,
    owner        text not null,
    lease_until  text not null,
    claimed_at   text not null
);
"""
"""Timestamps are fixed-width UTC ISO text and JSON is text in both backends, so one set of
statements (and text ordering, which follows time) serves SQLite and PostgreSQL alike."""
SCHEMA = SCHEMA_TEMPLATE.format(order_key="")
"""The schema as SQLite runs it."""
UPGRADES = {
    "kind": "alter table escalations add column kind text not null default 'escalation'"
            " check (kind in ('escalation', 'insight'))",
    "lease_owner": "alter table escalations add column lease_owner text",
    "lease_until": "alter table escalations add column lease_until text",
}
"""Columns later versions added to `escalations`, and how to add each to an older store."""


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
    lease_owner: str | None = None
    """The replica (or CLI run) sending it now; None when nobody holds it."""
    lease_until: datetime | None = None
    """When that claim lapses and another replica may send it (a sender that died)."""

    def model_post_init(self, __context: Any) -> None:
        """Default the idempotency key to the escalation id (stable across retries)."""
        if not self.idempotency_key:
            self.idempotency_key = self.escalation_id


class EscalationNotFound(KeyError):
    """No escalation with that id in the store."""


class TaskClaim(BaseModel):
    """A task id being answered by one replica (until it is recorded, or the lease lapses)."""

    task_id: str
    request: dict[str, Any]
    owner: str
    lease_until: datetime
    claimed_at: datetime


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
    """Tasks and escalations in a SQLite file (":memory:" for a throwaway store) or, given a
    postgresql:// URL, a PostgreSQL database shared by replicas."""

    def __init__(self, location: str | Path) -> None:
        """Open (creating and upgrading the schema if needed) the store at `location`.

        Raises protocols.sqlstore.StoreOpenError when a PostgreSQL server cannot be reached.
        """
        self.db: Database = open_database(location)
        self.dialect = self.db.dialect
        self._key = self.dialect.order_key
        failures: tuple[type[Exception], ...] = (*self.db.errors, TimeoutError)
        try:
            with self.db.schema() as con:
                for statement in SCHEMA_TEMPLATE.format(
                        order_key=self.dialect.order_key_ddl).split(";"):
                    if statement.strip():
                        con.execute(statement)
                self._upgrade(con)
        except failures as exc:  # e.g. no right to create tables
            self.db.close()
            raise StoreOpenError(f"cannot set up the state database {self.where}: "
                                 f"{first_line(exc)}") from None

    @property
    def where(self) -> str:
        """Where the store lives, fit for messages (a URL's password is left out)."""
        return self.db.where

    def _upgrade(self, con: Connection) -> None:
        """Add what later versions added to a store an older version created (additive)."""
        columns = con.columns("escalations")
        for column, statement in UPGRADES.items():
            if column not in columns:
                con.execute(statement)

    # --- transactions -------------------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[Connection]:
        """Run a block as one transaction (all or nothing); "?" parameters on both backends."""
        return self.db.transaction()

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        """Run a read (also for modules keeping their own tables here)."""
        return self.db.query(sql, params)

    # --- tasks --------------------------------------------------------------------------------

    def get(self, task_id: str) -> TaskRecord | None:
        """Return the task with this id, or None."""
        rows = self.query("select * from tasks where task_id = ?", (task_id,))
        return _task(rows[0]) if rows else None

    def put(self, task: TaskRecord, escalation: EscalationRecord | None = None) -> None:
        """Upsert the task and insert its escalation (if any) in ONE transaction.

        An escalation whose id is already stored is left as it is (a replayed task does not
        reset delivery state); any other failure rolls back the task row too. The task's claim,
        if any, ends with it.
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
            con.execute("delete from task_claims where task_id = ?", (task.task_id,))

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

    # --- task claims (one replica answers a task id at a time) ---------------------------------

    def claim_task(self, task_id: str, request: dict[str, Any], *, owner: str, now: datetime,
                   lease_until: datetime) -> TaskRecord | TaskClaim:
        """Claim a task id before answering it; return the stored task if it is answered.

        Otherwise return the claim that holds: `owner`'s own (new, renewed, or taken over from
        a claim that lapsed), or another live owner's (whose request may differ: a 409).
        """
        while True:
            with self.transaction() as con:
                # Claim first, then look for the answer: in PostgreSQL the claim waits for a
                # replica recording the answer right now, and the look after it (a statement
                # of its own, so a fresh snapshot under READ COMMITTED) then sees that answer.
                row = con.execute(
                    "insert into task_claims (task_id, request, owner, lease_until, claimed_at)"
                    " values (?, ?, ?, ?, ?) on conflict (task_id) do update set"
                    " request = excluded.request, owner = excluded.owner,"
                    " lease_until = excluded.lease_until, claimed_at = excluded.claimed_at"
                    " where task_claims.owner = excluded.owner or task_claims.lease_until <= ?"
                    " returning *",
                    (task_id, _js(request), owner, _ts(lease_until), _ts(now), _ts(now))
                ).fetchone()
                done = con.execute("select * from tasks where task_id = ?",
                                   (task_id,)).fetchone()
                if done is not None:
                    if row is not None:
                        con.execute("delete from task_claims where task_id = ? and owner = ?",
                                    (task_id, owner))
                    return _task(done)
                if row is None:
                    row = con.execute("select * from task_claims where task_id = ?",
                                      (task_id,)).fetchone()
                if row is not None:
                    return _claim(row)
            # the other claim ended between two statements (answered or given up): look again

    def task_claim(self, task_id: str) -> TaskClaim | None:
        """Return the claim on a task id still being answered (by any replica), or None."""
        rows = self.query("select * from task_claims where task_id = ?", (task_id,))
        return _claim(rows[0]) if rows else None

    def renew_task(self, task_id: str, *, owner: str, lease_until: datetime) -> bool:
        """Extend `owner`'s claim on a task (still answering); False if it no longer holds."""
        with self.transaction() as con:
            return con.execute("update task_claims set lease_until = ? where task_id = ?"
                               " and owner = ?", (_ts(lease_until), task_id, owner)).rowcount > 0

    def release_task(self, task_id: str, *, owner: str) -> None:
        """Drop `owner`'s claim on a task it will not answer (its run failed)."""
        with self.transaction() as con:
            con.execute("delete from task_claims where task_id = ? and owner = ?",
                        (task_id, owner))

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
        where: list[str] = []
        params: list[Any] = []
        if state is not None:
            where.append("state = ?")
            params.append(state)
        if task_id is not None:
            where.append("task_id = ?")
            params.append(task_id)
        sql = "select * from escalations"
        if where:
            sql += " where " + " and ".join(where)
        sql += f" order by created_at, {self._key}"
        if limit is not None:
            sql += " limit ?"
            params.append(int(limit))
        return [_escalation(r) for r in self.query(sql, tuple(params))]

    def claim_due(self, now: datetime, *, owner: str, lease_until: datetime,
                  limit: int = 100) -> list[EscalationRecord]:
        """Claim up to `limit` due escalations nobody holds (or whose holder's lease lapsed),
        oldest first: nobody else sends them until `lease_until` or until they are marked.

        PostgreSQL skips rows another replica is claiming at this moment (SKIP LOCKED), so
        replicas claiming together take different escalations instead of waiting in line.
        """
        return self._claim(owner, lease_until, (
            "state = 'pending' and (next_attempt_at is null or next_attempt_at <= ?)"
            " and (lease_until is null or lease_until <= ?)"
            f" order by created_at, {self._key} limit ?"), (_ts(now), _ts(now), int(limit)))

    def claim(self, escalation_id: str, now: datetime, *, owner: str,
              lease_until: datetime) -> EscalationRecord | None:
        """Claim one pending escalation, due or not, unless another holder's lease is live."""
        found = self._claim(owner, lease_until, (
            "state = 'pending' and escalation_id = ? and (lease_until is null or lease_until <= ?"
            " or lease_owner = ?)"), (escalation_id, _ts(now), owner))
        return found[0] if found else None

    def _claim(self, owner: str, lease_until: datetime, where: str,
               params: tuple[Any, ...]) -> list[EscalationRecord]:
        with self.transaction() as con:
            rows = con.execute(
                "update escalations set lease_owner = ?, lease_until = ? where escalation_id in"
                f" (select escalation_id from escalations where {where}"
                f"{self.dialect.skip_locked}) returning *, {self._key} as claim_order",
                (owner, _ts(lease_until), *params)).fetchall()
        rows = sorted(rows, key=lambda r: (r["created_at"], r["claim_order"]))
        return [_escalation(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Return the number of escalations per delivery state."""
        rows = self.query("select state, count(*) as n from escalations group by state")
        return {s: 0 for s in DELIVERY_STATES} | {r["state"]: int(r["n"]) for r in rows}

    def mark_delivered(self, escalation_id: str, at: datetime) -> None:
        """Record a successful delivery attempt (and end the sender's claim)."""
        self._update(escalation_id, "state = 'delivered', attempts = attempts + 1,"
                     " delivered_at = ?, next_attempt_at = null" + _UNCLAIM, (_ts(at),))

    def mark_retry(self, escalation_id: str, error: str, next_attempt_at: datetime, *,
                   owner: str | None = None) -> bool:
        """Record a failed attempt that will be tried again at `next_attempt_at`.

        With `owner`, only while that owner's claim holds: False when it had lapsed and another
        sender took the escalation over (its outcome counts, not this late one)."""
        return self._update(escalation_id, "attempts = attempts + 1, last_error = ?,"
                            " next_attempt_at = ?" + _UNCLAIM, (error, _ts(next_attempt_at)),
                            owner=owner)

    def mark_dead(self, escalation_id: str, error: str, *, owner: str | None = None) -> bool:
        """Record a final failed attempt: no more automatic tries (see `mark_retry`'s owner)."""
        return self._update(escalation_id, "state = 'dead', attempts = attempts + 1,"
                            " last_error = ?, next_attempt_at = null" + _UNCLAIM, (error,),
                            owner=owner)

    def note_error(self, escalation_id: str, error: str, *, owner: str | None = None) -> bool:
        """Record why an escalation could not be attempted (no attempt is spent)."""
        return self._update(escalation_id, "last_error = ?" + _UNCLAIM, (error,), owner=owner)

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

    def _update(self, escalation_id: str, assignments: str, params: tuple[Any, ...], *,
                owner: str | None = None) -> bool:
        sql = f"update escalations set {assignments} where escalation_id = ?"
        guard: tuple[Any, ...] = ()
        if owner is not None:
            sql, guard = sql + " and lease_owner = ?", (owner,)
        with self.transaction() as con:
            if con.execute(sql, (*params, escalation_id, *guard)).rowcount > 0:
                return True
            if con.execute("select 1 from escalations where escalation_id = ?",
                           (escalation_id,)).fetchone() is None:
                raise EscalationNotFound(escalation_id)
        return False

    def close(self) -> None:
        """Close the database (idempotent)."""
        self.db.close()

    def __enter__(self) -> TaskStore:
        """Use the store as a context manager that closes it."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the store."""
        self.close()


_UNCLAIM = ", lease_owner = null, lease_until = null"


def response_context(response: AgentResponse) -> dict[str, Any]:
    """Return what an escalation's receiver can reuse from the response (no empty fields)."""
    data = response.model_dump(mode="json", include={"answer", "intent", "result", "warnings"})
    if response.intent.tool is None:
        data.pop("intent")
    return {k: v for k, v in data.items() if v not in (None, [], {}, "")}


def _insert_escalation(con: Connection, e: EscalationRecord, *, on_conflict: str) -> int:
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


def _task(row: Row) -> TaskRecord:
    return TaskRecord(task_id=row["task_id"], sender=row["sender"],
                      requester=_lo(row["requester"]), request=_lo(row["request"]),
                      response=_lo(row["response"]), status=row["status"],
                      created_at=datetime.fromisoformat(row["created_at"]),
                      updated_at=datetime.fromisoformat(row["updated_at"]))


def _claim(row: Row) -> TaskClaim:
    return TaskClaim.model_validate({**row, "request": _lo(row["request"])})


def _escalation(row: Row) -> EscalationRecord:
    data = dict(row)
    for key in ("request", "requester", "context"):
        data[key] = _lo(data[key])
    for key in ("next_attempt_at", "delivered_at", "created_at", "lease_until"):
        data[key] = _dt(data[key])
    return EscalationRecord.model_validate(data)
