"""Schema migrations: versioned NNN_description.sql files applied once each, in order, plus
views.sql (macros and views), re-applied whenever its content changes.

`schema_version` records the versioned steps, so opening a file written by an older release
upgrades it in place, one transaction per step. Views are derived objects: they are replaced
as a whole when their checksum (kept in `schema_objects`) differs, so a file never keeps a
stale definition of v_opps after an upgrade.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from importlib import resources

import duckdb

_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files(__name__)
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match[1]), match[2].replace("_", " "), entry.read_text("utf-8")))
    return sorted(found)


MIGRATIONS = _migrations()
LATEST_VERSION = MIGRATIONS[-1][0]
VIEWS_SQL = resources.files(__name__).joinpath("views.sql").read_text("utf-8")
VIEWS_CHECKSUM = hashlib.sha256(VIEWS_SQL.encode()).hexdigest()


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # duckdb_tables(), not the information_schema view: binding that view cost ~8 ms of each
    # read-only open (a cold `revops ask`)
    row = con.execute("select count(*) from duckdb_tables() where table_name = $n",
                      {"n": name}).fetchone()
    return bool(row and row[0])


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the highest applied versioned migration, 0 for an empty database."""
    if not _has_table(con, "schema_version"):
        return 0
    row = con.execute("select coalesce(max(version), 0) from schema_version").fetchone()
    return int(row[0]) if row else 0


def views_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Return True when the file's views match this release's views.sql."""
    if not _has_table(con, "schema_objects"):
        return False
    row = con.execute("select checksum from schema_objects where name = 'views'").fetchone()
    return bool(row and row[0] == VIEWS_CHECKSUM)


def migrate(con: duckdb.DuckDBPyConnection, *,
            rebuild: Callable[[duckdb.DuckDBPyConnection], None]) -> list[int]:
    """Apply pending versioned migrations, then refresh the views if they changed.

    `rebuild` rebuilds the tables derived from the views (tools.warehouse.facts.refresh_facts)
    in the views' transaction; the caller names it, since the facts depend on this module."""
    con.execute("create table if not exists schema_version "
                "(version integer primary key, description varchar, applied_at timestamp)")
    con.execute("create table if not exists schema_objects "
                "(name varchar primary key, checksum varchar, applied_at timestamp)")
    current = schema_version(con)
    applied = []
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        with _transaction(con):
            con.execute(sql)
            con.execute("insert into schema_version values ($v, $d, now()::timestamp)",
                        {"v": version, "d": description})
        applied.append(version)
    if not views_current(con):
        with _transaction(con):
            con.execute(VIEWS_SQL)
            con.execute("insert or replace into schema_objects values "
                        "('views', $c, now()::timestamp)", {"c": VIEWS_CHECKSUM})
            rebuild(con)
    return applied


class _transaction:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("begin transaction")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.con.execute("rollback" if exc_type else "commit")
