"""Test helpers shared by several test modules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tools.base import ToolContext
from tools.warehouse import connect, load_settings

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_db(name: str) -> duckdb.DuckDBPyConnection:
    """Return an in-memory warehouse loaded with tests/fixtures/<name>.sql."""
    con = connect(":memory:")
    con.execute((FIXTURES / f"{name}.sql").read_text())
    return con


def context(con: duckdb.DuckDBPyConnection, as_of: date) -> ToolContext:
    """Return a ToolContext over `con` at `as_of`."""
    return ToolContext(con=con, settings=load_settings(con), as_of=as_of)
