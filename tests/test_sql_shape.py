"""Every registered tool's SQL is one read-only SELECT, with the values it is asked about bound.

Each tool runs over the demo company (tests/metrics_demo.py) with its measures, a split,
a filter, a trend (with and without a split, and its top N), a comparison and a top N -- the
variants a tool refuses (a ToolInputError) are skipped, the others must run. For each run:
- the statement reported in the result (`sql`, parameters rendered as literals) parses with
  sqlglot (DuckDB dialect) as exactly one query (SELECT, WITH ... SELECT, or a set operation of
  SELECTs) with no DDL, DML or command anywhere in it;
- the result carries the envelope's fields (tools/metrics/core/envelope.py): the tool's name,
  the as-of date, a definition, and a reason or a warning when there is nothing to show;
- every statement the tool sent to DuckDB (read back from DuckDB's own query log) is read-only
  the same way and names the filter value, the period bounds and the as-of date only through
  `$name` parameters: none of them appears in it as a literal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from agent.context import Warehouse
from tests.metrics_demo import END, demo_warehouse
from tools.base import (
    Dimension,
    Filter,
    MetricParams,
    MetricResult,
    PeriodParam,
    ToolContext,
    ToolInputError,
)
from tools.registry import TOOLS, run_tool

PERIOD = PeriodParam(start=date(2026, 2, 1), end=date(2026, 10, 31), label="Feb-Oct 2026")
"""An explicit period, so its bounds are known values to look for in the executed SQL."""


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    warehouse = demo_warehouse(tmp_path_factory)
    warehouse.con.execute("CALL enable_logging('QueryLog')")
    yield warehouse
    warehouse.con.close()


COMPOSITE = {
    "scorecard": "one statement per scorecard row, each the statement of the tool behind it",
    "data_quality": "by owner: the rules' run, then the rollup of its per-owner results",
}
"""Tools whose reported SQL is a script of several statements (each checked on its own)."""


def queries(sql: str) -> list[exp.Query]:
    """Parse `sql` (DuckDB dialect); every statement in it must be a read-only query."""
    statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    assert statements, f"no statement: {sql[:300]}"
    for tree in statements:
        assert isinstance(tree, exp.Query), f"not a SELECT ({type(tree).__name__}): {sql[:300]}"
        writes = [n for n in tree.walk() if isinstance(n, exp.DDL | exp.DML | exp.Command)]
        assert not writes, f"writes {[type(n).__name__ for n in writes]}: {sql[:300]}"
    return statements  # type: ignore[return-value]


def one_query(sql: str) -> exp.Query:
    """Parse `sql`; it must be exactly one read-only query."""
    statements = queries(sql)
    assert len(statements) == 1, f"{len(statements)} statements: {sql[:300]}"
    return statements[0]


def literals(tree: exp.Expression) -> set[str]:
    """The string literals of a parsed statement (DATE '...' included)."""
    return {n.this for n in tree.find_all(exp.Literal) if n.is_string}


def executed(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return (and forget) the statements DuckDB ran since the last call, as they were sent."""
    rows = con.execute("SELECT message FROM duckdb_logs WHERE type = 'QueryLog'").fetchall()
    con.execute("CALL truncate_duckdb_logs()")
    skip = ("SELECT message FROM duckdb_logs", "CALL truncate_duckdb_logs")
    return [m for (m,) in rows if not m.startswith(skip)]


def run(wh: Warehouse, tool: str, params: MetricParams) -> MetricResult | None:
    """Run a tool (no answer cache: every run reaches DuckDB); None when it refuses the params."""
    ctx = ToolContext(con=wh.con, settings=wh.settings, as_of=END, facts=wh.facts,
                      memo={})
    executed(wh.con)
    try:
        return run_tool(ctx, tool, params)
    except ToolInputError:
        return None


def check(wh: Warehouse, tool: str, label: str, params: MetricParams,
          values: set[str]) -> MetricResult | None:
    """Run one variant and check its reported and executed statements (None: refused)."""
    result = run(wh, tool, params)
    sent = executed(wh.con)
    if result is None:
        return None
    assert (result.metric, result.as_of) == (tool, END) and result.definition, (tool, label)
    if result.value is None and not result.rows:  # nothing to show: the envelope says why
        assert result.null_reason or result.warnings, (tool, label)
    if not result.sql:  # nothing was computed (a disabled rule): no statement to report
        assert result.null_reason and result.value is None and not result.rows, (tool, label)
        return result
    if tool in COMPOSITE:
        queries(result.sql)
    else:
        one_query(result.sql)
    assert sent, f"{tool} {label}: no statement reached DuckDB"
    for sql in sent:
        leaked = literals(one_query(sql)) & values
        assert not leaked, f"{tool} {label}: {sorted(leaked)} written as literals: {sql[:300]}"
    return result


def label_of(result: MetricResult | None, dim: Dimension) -> str | None:
    """A label of `dim` in a split's rows, to filter by (one a SQL literal would show)."""
    if result is None or dim.value not in result.columns:
        return None
    i = result.columns.index(dim.value)
    return next((r[i] for r in result.rows if isinstance(r[i], str) and r[i] != "(none)"
                 and len(r[i]) > 3 and "'" not in r[i]), None)


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_statement_is_one_read_only_select_with_values_bound(wh, tool):
    t = TOOLS[tool]
    bounds = {PERIOD.start.isoformat(), PERIOD.end.isoformat(), END.isoformat()}
    variants = [(f"measure={m}", MetricParams(period=PERIOD, measure=m), bounds)
                for m in t.measures[:4]]  # data_issues has one measure per rule: a sample
    variants += [("its default period", MetricParams(), {END.isoformat()}),
                 ("all time", MetricParams(all_time=True), set()),
                 ("trend by quarter", MetricParams(period=PERIOD, time_grain="quarter"), bounds),
                 ("best month", MetricParams(period=PERIOD, time_grain="month", top=1), bounds),
                 ("against last year", MetricParams(period=PERIOD, compare="previous_year"),
                  bounds)]
    dims = [d for d in t.group_by if d != Dimension.opportunity][:2]
    if dims:
        by = [dims[0]]
        variants += [
            ("trend by", MetricParams(period=PERIOD, time_grain="quarter", group_by=by), bounds),
            ("top 2 per quarter", MetricParams(period=PERIOD, time_grain="quarter", group_by=by,
                                               top=2), bounds),
            ("bottom 3", MetricParams(period=PERIOD, group_by=by, top=3, order="asc"), bounds)]
    ran = [r for label, params, values in variants
           if (r := check(wh, tool, label, params, values)) is not None]
    for n, dim in enumerate(dims):
        split = check(wh, tool, f"by {dim.value}", MetricParams(period=PERIOD, group_by=[dim]),
                      bounds)
        value = label_of(split, dim)
        if value is None:
            continue
        f = Filter(dimension=dim, values=[value], exclude=n == 1)  # keep by one, drop by other
        check(wh, tool, f"filter {f}", MetricParams(period=PERIOD, filters=[f]),
              bounds | {value})
    assert ran, f"{tool} ran in none of its variants"


def test_the_check_catches_writes_and_several_statements():
    """The checks above fail on what they are meant to catch."""
    one_query("with m as (select 1 as a) select a from m qualify a > 0 order by a limit 1")
    for bad in ("insert into t values (1)", "select 1; select 2", "create table t as select 1",
                "with d as (delete from t returning *) select * from d", "copy t to 'x.csv'",
                "attach 'x.duckdb'", "select 1; drop table t", "-- only a comment"):
        with pytest.raises(AssertionError):
            one_query(bad)
    assert len(queries("select 1; with a as (select 2) select * from a")) == 2
    assert literals(one_query("select * from t where d = DATE '2026-11-26'")) == {"2026-11-26"}
