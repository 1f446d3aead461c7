"""The SQL database under the task store: a SQLite file (one host) or PostgreSQL (many replicas).

Both backends take the same statements ("?" parameters, `on conflict`, `returning`) and give
rows that read by column name, so the store's logic is written once. What differs is kept in a
`Dialect`: the tie-break column for insertion order (SQLite's rowid, a Postgres identity column),
the float type, and `for update skip locked`, which lets replicas claim different rows at once.

SQLite: one connection guarded by a lock, WAL, `begin immediate` (one writer at a time, which
also serializes claims). PostgreSQL: a small psycopg pool; each `transaction()` is one database
transaction on one pooled connection; schema changes run under an advisory lock, so replicas
starting together do not race to create the same tables.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from agent.session import await_turn, open_pool
from agent.session import redacted_url as _redacted
from tools.settings import is_postgres_url

Row = Mapping[str, Any]
SCHEMA_LOCK = 0x7265766F7073  # "revops": the advisory lock id held while changing the schema


class StoreOpenError(RuntimeError):
    """The configured state database cannot be opened (bad URL, server down, driver missing)."""


@dataclass(frozen=True)
class Dialect:
    """What the two SQL backends spell differently."""

    name: str
    order_key: str
    """Column giving insertion order among rows created in the same microsecond."""
    order_key_ddl: str
    """Column definition of `order_key` for a create table ("" when implicit)."""
    float_type: str
    skip_locked: str
    """Appended to a select whose rows are about to be claimed."""


SQLITE = Dialect(name="sqlite", order_key="rowid", order_key_ddl="", float_type="real",
                 skip_locked="")
POSTGRES = Dialect(name="postgresql", order_key="seq",
                   order_key_ddl="    seq              bigint generated always as identity,\n",
                   float_type="double precision", skip_locked=" for update skip locked")


class Cursor(Protocol):
    """What a statement returns (sqlite3 and psycopg cursors both fit)."""

    rowcount: int

    def fetchone(self) -> Any: ...  # noqa: D102
    def fetchall(self) -> list[Any]: ...  # noqa: D102


class Connection:
    """A connection inside one transaction: `execute(sql, params)` with "?" parameters."""

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw = raw
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement with bound parameters."""
        if self.dialect is POSTGRES:
            sql = sql.replace("%", "%%").replace("?", "%s")
        return self.raw.execute(sql, tuple(params))

    def columns(self, table: str) -> set[str]:
        """Return the column names of a table (for additive upgrades)."""
        if self.dialect is SQLITE:
            return {r["name"] for r in self.raw.execute(f"pragma table_info({table})")}
        rows = self.execute("select column_name from information_schema.columns"
                            " where table_schema = current_schema() and table_name = ?", (table,))
        return {r["column_name"] for r in rows.fetchall()}


class Database(Protocol):
    """One state database: transactions, reads, schema setup."""

    dialect: Dialect
    where: str
    """Where it lives, fit for messages (a path, or the URL without its password)."""
    errors: tuple[type[Exception], ...]
    """The driver's errors (to turn a failed schema set-up into a StoreOpenError)."""

    def transaction(self) -> Any: ...  # noqa: D102 - a context manager yielding a Connection
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...  # noqa: D102
    def schema(self) -> Any: ...  # noqa: D102 - transaction() under the schema lock
    def close(self) -> None: ...  # noqa: D102


def open_database(location: str | Path, *, pool_size: int = 8) -> Database:
    """Open the state database at a SQLite path (":memory:" too) or a PostgreSQL URL."""
    if is_postgres_url(location):
        return PostgresDatabase(str(location), pool_size=pool_size)
    return SqliteDatabase(location)


class SqliteDatabase:
    """A SQLite file, one connection shared by threads under a lock (WAL, synchronous=full)."""

    dialect = SQLITE
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: str | Path) -> None:
        """Open (creating it and its directory if needed) the file at `path`."""
        self.where = str(path)
        if self.where != ":memory:":
            Path(self.where).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._con = sqlite3.connect(self.where, check_same_thread=False, isolation_level=None,
                                    timeout=30.0)
        self._con.row_factory = sqlite3.Row
        if self.where != ":memory:":
            self._con.execute("pragma journal_mode=wal")
        # full: a committed escalation survives a power cut too, not only a process crash
        self._con.execute("pragma synchronous=full")

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Run a block as one IMMEDIATE transaction (all or nothing), under the lock."""
        with self._lock:
            self._con.execute("begin immediate")
            try:
                yield Connection(self._con, SQLITE)
            except BaseException:
                self._con.execute("rollback")
                raise
            self._con.execute("commit")

    schema = transaction

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a read under the lock."""
        with self._lock:
            return self._con.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._con.close()


class PostgresDatabase:
    """A PostgreSQL database through a psycopg connection pool (dict rows)."""

    dialect = POSTGRES

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        """Connect to `url`; a failure is a one-line StoreOpenError without the password."""
        self.where = _redacted(url)
        self._pool = open_pool(url, what="state database", error=StoreOpenError,
                               max_size=pool_size, prepare_threshold=None)
        import psycopg  # the optional postgres extra, importable: open_pool checked

        self.errors: tuple[type[Exception], ...] = (psycopg.Error,)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Run a block as one transaction on one pooled connection (all or nothing)."""
        with self._pool.connection() as con, con.transaction():
            yield Connection(con, POSTGRES)

    @contextmanager
    def schema(self) -> Iterator[Connection]:
        """A transaction holding the schema lock: replicas starting together take turns."""
        with self._pool.connection() as raw:
            con = Connection(raw, POSTGRES)
            await_turn(lambda: con.execute("select pg_try_advisory_lock(?) as got",
                                           (SCHEMA_LOCK,)).fetchone()["got"])
            try:
                with raw.transaction():
                    yield con
            finally:
                con.execute("select pg_advisory_unlock(?)", (SCHEMA_LOCK,))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a read on a pooled connection."""
        with self._pool.connection() as con:
            return Connection(con, POSTGRES).execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the pool (idempotent)."""
        self._pool.close()
