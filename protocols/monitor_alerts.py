"""Open and resolved monitor alerts, and the last values monitors saw, in the task store.

An alert is one episode of a breach: (monitor, group, period) opened when it first fires,
resolved when the condition clears. Its occurrence number is part of the idempotency key, so
an open alert is never queued twice, while a recurrence after a resolution is a new insight.
The key is derived from this table alone, so a crash between queuing the insight and recording
the alert re-derives the same key and the outbox skips the duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from protocols.sqlstore import Connection, Row
from protocols.store import TaskStore, utcnow

SCHEMA = """
create table if not exists monitor_alerts (
    monitor_id       text not null,
    group_key        text not null,
    period           text not null,
    occurrence       integer not null check (occurrence >= 1),
    escalation_id    text not null,
    idempotency_key  text not null unique,
    message          text not null,
    value            text,
    opened_at        text not null,
    last_seen_at     text not null,
    resolved_at      text,
    primary key (monitor_id, group_key, period, occurrence)
);
create index if not exists monitor_alerts_open on monitor_alerts (monitor_id, resolved_at);
create table if not exists monitor_values (
    monitor_id   text not null,
    group_key    text not null,
    value        {float} not null,
    previous     {float},
    observed_at  text not null,
    changed_at   text not null,
    primary key (monitor_id, group_key)
);
"""
SAME = 1e-12
"""Values closer than this are the same observation (float noise, not a change)."""


def _iso(value: datetime) -> str:
    # Fixed-width UTC text, so SQL ordering by these columns follows time (as the store does).
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class Alert(BaseModel):
    """One alert episode as recorded."""

    monitor_id: str
    group_key: str
    period: str
    occurrence: int
    escalation_id: str
    idempotency_key: str
    message: str
    value: str | None = None
    opened_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None = None


class AlertLog:
    """Monitor alerts and observations stored beside the outbox (same database)."""

    def __init__(self, store: TaskStore) -> None:
        """Use `store`'s connection; creates the two tables if needed."""
        self.store = store
        with store.db.schema() as con:
            for statement in SCHEMA.format(float=store.dialect.float_type).split(";"):
                if statement.strip():
                    con.execute(statement)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        # The store's own transaction: one writer path for the database.
        with self.store.transaction() as con:
            yield con

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        return self.store.query(sql, params)

    # --- alerts -------------------------------------------------------------------------------

    def open_alert(self, monitor_id: str, group_key: str, period: str) -> Alert | None:
        """Return the open alert of this monitor, group and period, if any."""
        rows = self._rows("select * from monitor_alerts where monitor_id = ? and group_key = ?"
                          " and period = ? and resolved_at is null", (monitor_id, group_key,
                                                                      period))
        return Alert.model_validate(dict(rows[0])) if rows else None

    def next_occurrence(self, monitor_id: str, group_key: str, period: str) -> int:
        """Return the occurrence number a new alert of this monitor, group and period gets."""
        rows = self._rows("select coalesce(max(occurrence), 0) as n from monitor_alerts"
                          " where monitor_id = ? and group_key = ? and period = ?",
                          (monitor_id, group_key, period))
        return int(rows[0]["n"]) + 1

    def record_open(self, alert: Alert) -> None:
        """Record a newly opened alert (a replay of the same key only refreshes last_seen_at)."""
        with self._tx() as con:
            con.execute(
                "insert into monitor_alerts (monitor_id, group_key, period, occurrence,"
                " escalation_id, idempotency_key, message, value, opened_at, last_seen_at)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (idempotency_key)"
                " do update set last_seen_at = excluded.last_seen_at",
                (alert.monitor_id, alert.group_key, alert.period, alert.occurrence,
                 alert.escalation_id, alert.idempotency_key, alert.message, alert.value,
                 _iso(alert.opened_at), _iso(alert.last_seen_at)))

    def touch(self, alert: Alert, at: datetime) -> None:
        """Note that an open alert still holds."""
        with self._tx() as con:
            con.execute("update monitor_alerts set last_seen_at = ? where idempotency_key = ?",
                        (_iso(at), alert.idempotency_key))

    def open_alerts(self, monitor_id: str | None = None) -> list[Alert]:
        """Return open alerts (of one monitor, or all), oldest first."""
        sql = "select * from monitor_alerts where resolved_at is null"
        params: tuple[Any, ...] = ()
        if monitor_id is not None:
            sql += " and monitor_id = ?"
            params = (monitor_id,)
        return [Alert.model_validate(dict(r)) for r in self._rows(sql + " order by opened_at",
                                                                   params)]

    def resolve(self, alert: Alert, at: datetime | None = None) -> Alert:
        """Mark an open alert resolved: its condition cleared (or its period is over)."""
        when = at or utcnow()
        with self._tx() as con:
            con.execute("update monitor_alerts set resolved_at = ? where idempotency_key = ?"
                        " and resolved_at is null", (_iso(when), alert.idempotency_key))
        return alert.model_copy(update={"resolved_at": when})

    def alerts(self, monitor_id: str | None = None) -> list[Alert]:
        """Return every alert episode (open and resolved), oldest first."""
        sql = "select * from monitor_alerts"
        params: tuple[str, ...] = ()
        if monitor_id is not None:
            sql, params = sql + " where monitor_id = ?", (monitor_id,)
        return [Alert.model_validate(dict(r)) for r in self._rows(
            sql + " order by opened_at, occurrence", params)]

    # --- observations -------------------------------------------------------------------------

    def observe(self, monitor_id: str, group_key: str, value: float,
                at: datetime | None = None) -> float | None:
        """Record a value a monitor saw; return the previous *different* value (None at first).

        The baseline moves only when the value changes, so a drop stays visible until the
        value moves again, instead of vanishing on the next pass that sees the same number.
        """
        when = _iso(at or utcnow())
        with self._tx() as con:
            row = con.execute("select value, previous from monitor_values where monitor_id = ?"
                              " and group_key = ?", (monitor_id, group_key)).fetchone()
            if row is None:
                con.execute("insert into monitor_values values (?, ?, ?, null, ?, ?)",
                            (monitor_id, group_key, value, when, when))
                return None
            if abs(row["value"] - value) <= SAME:
                con.execute("update monitor_values set observed_at = ? where monitor_id = ?"
                            " and group_key = ?", (when, monitor_id, group_key))
                return row["previous"]
            con.execute("update monitor_values set previous = value, value = ?, observed_at = ?,"
                        " changed_at = ? where monitor_id = ? and group_key = ?",
                        (value, when, when, monitor_id, group_key))
            return float(row["value"])
