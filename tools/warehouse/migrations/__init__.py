"""Versioned schema migrations: NNN_description.sql files applied in order, each once.

`schema_version` records what has been applied, so opening a file written by an older
release upgrades it in place, in one transaction per migration.
"""

from __future__ import annotations

import re
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


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the highest applied migration, 0 for an empty database."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("select coalesce(max(version), 0) from schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every pending migration; return the versions applied."""
    con.execute(
        "create table if not exists schema_version "
        "(version integer primary key, description varchar, applied_at timestamp)"
    )
    current = schema_version(con)
    applied = []
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        con.execute("begin transaction")
        try:
            con.execute(sql)
            con.execute(
                "insert into schema_version values ($v, $d, now()::timestamp)",
                {"v": version, "d": description},
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(version)
    return applied
