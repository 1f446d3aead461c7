"""Opening the warehouse: writable for loaders, read-only for analytics."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tools.warehouse.facts import facts_current, kept_current, refresh_facts, refresh_kept
from tools.warehouse.migrations import LATEST_VERSION, migrate, schema_version, views_current
from tools.warehouse.resources import apply_limits


class WarehouseError(Exception):
    """The warehouse file is missing, unreadable or from a newer release."""


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file, upgrading its schema first when it is older than this release.

    A read-only open of an outdated file briefly opens it writable to migrate, then reopens it
    read-only: analytics never hold a writable handle.
    """
    path = str(path)
    if path != ":memory:" and read_only and not Path(path).exists():
        raise WarehouseError(f"no warehouse at {path}; run `revops demo` or `revops import` first")
    if read_only:
        con = duckdb.connect(path, read_only=True)
        version = schema_version(con)
        if version == LATEST_VERSION and views_current(con):
            return con
        con.close()
        if version > LATEST_VERSION:
            raise WarehouseError(
                f"{path} has schema v{version}; this release knows v{LATEST_VERSION}")
        with writable(path):
            pass
        return duckdb.connect(path, read_only=True)
    con = duckdb.connect(path)
    apply_limits(con)  # demo builds and imports: bounded memory (tools/warehouse/resources.py)
    version = schema_version(con)
    if version > LATEST_VERSION:
        con.close()
        raise WarehouseError(f"{path} has schema v{version}; this release knows v{LATEST_VERSION}")
    migrate(con, rebuild=refresh_facts)
    return con


@contextmanager
def writable(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for writing (migrated); on success bring opp_facts up to date."""
    con = connect(path)
    try:
        yield con
        if not facts_current(con):
            refresh_facts(con)
        elif not kept_current(con):  # only the ledger or the usage changed: those alone
            refresh_kept(con)
    finally:
        con.close()


def open_analytics(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only for metric tools."""
    return connect(path, read_only=True)
