"""The records behind one rule: failing deals (with their labels, filters and breakdowns),
failing accounts, contacts, leads, activities or users, or the failing values themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from tools.base import Dimension, MetricParams
from tools.quality.compile import Check, TablePlan, bound
from tools.quality.findings import (
    misspellings,
    orphan_statement,
    orphan_values,
    typo_statement,
)
from tools.quality.model import Finding
from tools.quality.runner import failing_ids_sql
from tools.query import Query, label, render

DEFAULT_ROWS = 50
DEAL_COLUMNS = ("opportunity", "rep", "account", "stage", "status", "amount_corp AS amount",
                "close_date", "product")


@dataclass
class Listing:
    """Rows of one rule's failures, their total and the SQL that produced them."""

    columns: list[str]
    rows: list[list[Any]]
    total: int
    sql: str


def value_view(con: duckdb.DuckDBPyConnection, catalog: Any, plan: TablePlan, check: Check,
               values: dict[str, Any], findings: list[Finding],
               name: str | None = None) -> Listing | None:
    """Return failing values with the record they probably mean (reference / picklist rules);
    `name` labels the value column (the dimension it is, e.g. product for product_id)."""
    rule = check.rule
    if rule.typo:
        found = findings or misspellings(con, catalog, plan, check, values)[0]
        sql, bound_values = typo_statement(con, catalog, plan, check, values)
    elif rule.references or rule.allowed:
        found = orphan_values(con, catalog, plan, check, values, limit=DEFAULT_ROWS)
        sql, bound_values = orphan_statement(con, catalog, plan, check, values, DEFAULT_ROWS)
    else:
        return None
    rows = [[f.value, f.records, f.suggestion] for f in found]
    total = sum(f.records for f in found)
    return Listing([name or rule.column or "value", "records", "did_you_mean"], rows, total,
                   render(sql, bound_values))


def deal_listing(con: duckdb.DuckDBPyConnection, plan: TablePlan, check: Check,
                 values: dict[str, Any], params: MetricParams, source: str) -> Listing:
    """Return failing deals (labels from the opportunity relation), or counts per group."""
    q = Query()
    conds = q.filters(params.filters)
    where = "".join(f"\n  AND {c}" for c in conds)
    bad = failing_ids_sql(plan, check)
    dims: list[Dimension] = list(params.group_by)
    top = q.bind("top", params.top or DEFAULT_ROWS)
    if dims:
        keys = ", ".join(d.value for d in dims)
        sql = (f"SELECT {', '.join(label(d) for d in dims)}, count(*) AS deals, "
               f"sum(amount_corp) AS amount, sum(count(*)) OVER () AS total\n"
               f"FROM {source}\nWHERE opportunity_id IN ({bad}){where}\n"
               f"GROUP BY ALL\nORDER BY deals {'ASC' if params.order == 'asc' else 'DESC'}, "
               f"{keys}\nLIMIT {top}")
    else:
        sql = (f"SELECT opportunity_id, {', '.join(DEAL_COLUMNS)}, count(*) OVER () AS total\n"
               f"FROM {source}\nWHERE opportunity_id IN ({bad}){where}\n"
               f"ORDER BY amount_corp DESC NULLS LAST, opportunity_id\nLIMIT {top}")
    return _run(con, sql, {**values, **q.params})


def record_listing(con: duckdb.DuckDBPyConnection, plan: TablePlan, check: Check,
                   values: dict[str, Any], params: MetricParams) -> Listing:
    """Return failing records of a table other than opportunities (key, name, context)."""
    spec = plan.spec
    rel = plan.narrow(check, {"__label": spec.label})
    show = [c for c in spec.show if c in plan.columns and c != spec.key]
    cols = ", ".join(f'r."{c}"' for c in show)
    sql = (f"SELECT CAST(r.\"{spec.key}\" AS VARCHAR) AS id, r.__label AS name"
           f"{', ' + cols if cols else ''}, count(*) OVER () AS total\n"
           f"FROM ({rel}) r\nWHERE r.\"{spec.key}\" IN ({failing_ids_sql(plan, check)})\n"
           f"ORDER BY id\nLIMIT $top")
    return _run(con, sql, {**values, "top": params.top or DEFAULT_ROWS})


def _cell(v: Any) -> Any:
    """Return a JSON-friendly cell; dates as ISO text (rows mix them with numbers)."""
    from tools.query import plain

    if isinstance(v, bool):
        return "yes" if v else "no"
    return v.isoformat() if isinstance(v, date) else plain(v)


def _run(con: duckdb.DuckDBPyConnection, sql: str, values: dict[str, Any]) -> Listing:

    params = bound(con, sql, values)
    cur = con.execute(sql, params)
    columns = [d[0] for d in cur.description][:-1]
    raw = cur.fetchall()
    total = int(raw[0][-1]) if raw else 0
    rows = [[_cell(v) for v in r[:-1]] for r in raw]
    return Listing(columns, rows, total, render(sql, params))
