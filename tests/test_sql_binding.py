"""Values reach DuckDB as bound `$name` parameters, not as SQL text: the findings of a rule,
the writers' resource settings, a statement's LIMIT. The SQL shown renders them back."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.helpers import fixture_db
from tools.demo import generate_demo
from tools.quality import load_catalog
from tools.quality.findings import MAX_DISTINCT, orphan_statement, typo_statement
from tools.quality.runner import bind_values, prepare
from tools.query import Query, Select, render
from tools.settings import WarehouseSettings
from tools.warehouse import connect, load_settings
from tools.warehouse.resources import apply_limits

AS_OF = date(2026, 6, 30)


def test_finding_statements_bind_their_limits():
    con = fixture_db("quality_small")
    catalog = load_catalog()
    values = bind_values(catalog, load_settings(con), AS_OF)
    active, _ = prepare(con, catalog, values, only={"opportunities", "accounts"})
    checks = {c.rule.id: (p, c) for p, cs in active for c in cs}

    plan, check = checks["R04c"]  # a reference rule: 'Widgit' on one deal
    one, one_values = orphan_statement(con, catalog, plan, check, values, limit=1)
    none, none_values = orphan_statement(con, catalog, plan, check, values, limit=0)
    assert one == none and (one_values["top"], none_values["top"]) == (1, 0)
    assert con.execute(one, one_values).fetchall() == [("Widgit", 1, "Widget")]
    assert con.execute(none, none_values).fetchall() == []
    assert "LIMIT 1" in render(one, one_values) and "$" not in render(one, one_values)

    plan, check = checks["R29"]  # a typo rule: 'Sofware'
    sql, typo_values = typo_statement(con, catalog, plan, check, values)
    assert str(MAX_DISTINCT) not in sql and typo_values["max_distinct"] == MAX_DISTINCT
    assert f"<= {MAX_DISTINCT}" in render(sql, typo_values)
    assert [r[:3] for r in con.execute(sql, typo_values).fetchall()] == [
        ("Sofware", 1, "Software")]
    con.close()


def _sent(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The statements DuckDB ran on `con` since logging began, as they were sent."""
    return [m for (m,) in con.execute(
        "SELECT message FROM duckdb_logs WHERE type = 'QueryLog'").fetchall()]


def test_writer_settings_are_bound_not_written_into_the_statement():
    con = duckdb.connect()
    con.execute("CALL enable_logging('QueryLog')")
    apply_limits(con, WarehouseSettings(duckdb_memory_limit="300MB", duckdb_threads="1"))
    sets = [s for s in _sent(con) if s.upper().startswith("SET")]
    assert len(sets) == 2 and not any("300" in s or "= 1" in s for s in sets), sets
    assert con.execute("SELECT current_setting('memory_limit'), "
                       "current_setting('threads')").fetchone() == ("286.1 MiB", 1)
    con.close()


def test_demo_build_restores_insertion_order_through_a_parameter():
    """The demo build and the facts refresh inside it each turn insertion order off and put
    the caller's setting back: that value is bound."""
    con = connect(":memory:")
    con.execute("CALL enable_logging('QueryLog')")
    generate_demo(con, opportunities=500, end_date=date(2025, 6, 30))
    restores = [s for s in _sent(con) if "preserve_insertion_order =" in s
                and not s.endswith("= false")]
    assert restores == ["set preserve_insertion_order = $ordered"] * 2, restores
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (True,)
    con.close()


def test_a_select_takes_its_limit_only_as_a_placeholder():
    q = Query()
    stmt = Select(["stage", "count(*) AS n"], "v_opps", group_by_all=True, order_by=["n DESC"])
    stmt.limit = q.bind("top", 2)
    assert stmt.sql().endswith("\nlimit $top")
    assert render(stmt.sql(), q.params).endswith("\nlimit 2")
    for text in ("2", "2; DROP TABLE t", "$top OFFSET 1"):
        stmt.limit = text
        with pytest.raises(ValueError, match="bound placeholder"):
            stmt.sql()
