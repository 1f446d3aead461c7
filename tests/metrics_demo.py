"""A small demo company on disk for the end-to-end tests of the funnel, technology and
operations metrics, and the independent SQL helpers they compare against."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from agent.ask import ask
from agent.context import Warehouse
from agent.response import AgentResponse
from tools.demo import generate_demo
from tools.query import plain
from tools.warehouse import open_analytics, writable

END = date(2026, 11, 26)
"""Demo end date and as-of of every question (FY starts in February: FY2027 Q4 = Nov-Jan)."""


def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Open the 2,000-deal demo company read-only, generating it once per test session."""
    path = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    if not path.exists():
        with writable(path) as con:
            generate_demo(con, opportunities=2_000, end_date=END)
    return Warehouse(open_analytics(path))


def answered(wh: Warehouse, question: str, tool: str) -> AgentResponse:
    """Ask a question; it must be answered by `tool` with a result."""
    response = ask(wh, question, as_of=END)
    assert response.status == "answered", (question, response.answer, response.clarification)
    assert response.intent.tool == tool, (question, response.intent)
    assert response.result is not None
    return response


def one(con: duckdb.DuckDBPyConnection, sql: str, **params: object) -> object:
    """Return the single value of an independent check query."""
    return plain(con.execute(sql, params).fetchone()[0])


def reproduces(con: duckdb.DuckDBPyConnection, sql: str, rows: list[list[object]]) -> bool:
    """True when the reported statement, pasted as is, gives exactly the reported rows."""
    return [[plain(v) for v in r] for r in con.execute(sql).fetchall()] == rows


def shared_last_name(wh: Warehouse) -> str:
    """A surname several deal owners share: asking about it needs a clarification."""
    found = wh.con.execute(
        "select split_part(full_name, ' ', 2) as last from users "
        "where user_id in (select owner_id from opportunities) "
        "group by last having count(*) > 1 order by last limit 1").fetchone()
    assert found, "the demo has reps sharing a last name"
    return found[0]
