"""The values behind failing records: misspellings (with the word meant) and orphan references
(with the closest master record), e.g. 'GTXPro' on 1,480 deals -> 'GTX Pro' in the product list.
"""

from __future__ import annotations

from typing import Any

import duckdb

from tools.quality.catalog import Catalog
from tools.quality.compile import Check, TablePlan, bound
from tools.quality.model import Finding

MAX_DISTINCT = 1000
"""A typo rule only judges picklist-like columns (at most this many distinct values)."""
TOP = 5
NORM = "regexp_replace(lower({}), '[^a-z0-9]', '', 'g')"

TYPO_SQL = """WITH vals AS (
  SELECT CAST(r.{col} AS VARCHAR) AS value, count(*) AS n
  FROM ({relation}) r WHERE r.{col} IS NOT NULL GROUP BY ALL
), cand AS (
  SELECT w AS word, coalesce((SELECT min(value) FROM vals WHERE lower(trim(value)) = w), w)
         AS shown, CAST(NULL AS BIGINT) AS n FROM unnest($vocab) v(w)
  UNION ALL SELECT lower(trim(value)), value, n FROM vals
), pairs AS (
  SELECT v.value, v.n, c.shown, damerau_levenshtein(lower(trim(v.value)), c.word) AS d
  FROM vals v JOIN cand c
    ON damerau_levenshtein(lower(trim(v.value)), c.word)
       <= CASE WHEN length(c.word) <= 5 THEN 1 ELSE 2 END
   AND CASE WHEN c.n IS NULL  -- a vocabulary word: the value is none of them
            THEN NOT list_contains($vocab, lower(trim(v.value)))
                 AND length(trim(v.value)) >= 4 AND lower(trim(v.value)) <> c.word
            ELSE c.n >= 5 * v.n AND c.n >= 5 AND c.shown <> v.value END  -- a far commoner value
  WHERE (SELECT count(*) FROM vals) <= $max_distinct
)
SELECT value, any_value(n) AS n, arg_min(shown, (d, shown)) AS suggestion,
       (SELECT count(*) FROM vals) AS distinct_values
FROM pairs GROUP BY value ORDER BY n DESC, value"""


def misspellings(con: duckdb.DuckDBPyConnection, catalog: Catalog, plan: TablePlan,
                 check: Check, params: dict[str, Any]) -> tuple[list[Finding], str]:
    """Return the column's likely misspellings and a note (e.g. too many distinct values)."""
    rule = check.rule
    rows = con.execute(*typo_statement(con, catalog, plan, check, params)).fetchall()
    found = [Finding(value=v, records=int(n), suggestion=s) for v, n, s, _ in rows]
    if not rows:
        many = con.execute(f'SELECT count(DISTINCT "{rule.column}") FROM "{rule.table}"')
        count = many.fetchall()[0][0]
        if count > MAX_DISTINCT:
            return [], f"not judged: {count:,} distinct values is not a picklist"
    return found, ""


def typo_statement(con: duckdb.DuckDBPyConnection, catalog: Catalog, plan: TablePlan,
                   check: Check, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the statement finding a typo rule's misspellings, with its bound values."""
    rule = check.rule
    sql = TYPO_SQL.format(col=f'"{rule.column}"', relation=plan.narrow(check))
    values = {**params, "vocab": catalog.vocabularies[rule.typo or ""],
              "max_distinct": MAX_DISTINCT}
    return sql, bound(con, sql, values)


def orphan_values(con: duckdb.DuckDBPyConnection, catalog: Catalog, plan: TablePlan,
                  check: Check, params: dict[str, Any], limit: int = TOP) -> list[Finding]:
    """Return the most frequent failing values of a reference or picklist rule, with the
    closest master record (or allowed value) when one is clearly meant."""
    rows = con.execute(*orphan_statement(con, catalog, plan, check, params, limit)).fetchall()
    return [Finding(value=str(v), records=int(n), suggestion=s) for v, n, s in rows]


def orphan_statement(con: duckdb.DuckDBPyConnection, catalog: Catalog, plan: TablePlan,
                     check: Check, params: dict[str, Any],
                     limit: int = TOP) -> tuple[str, dict[str, Any]]:
    """Return the statement of `orphan_values`, with its bound values."""
    rule = check.rule
    col = f'r."{rule.column}"'
    bad = (f"SELECT CAST({col} AS VARCHAR) AS value, count(*) AS n FROM ({plan.narrow(check)}) r "
           f"WHERE {check.fails(plan.order)} GROUP BY ALL ORDER BY n DESC, value "
           f"LIMIT $top")
    if rule.references:
        m = catalog.tables[rule.references]
        master = (f"SELECT DISTINCT CAST({m.label} AS VARCHAR) AS label FROM \"{m.name}\" t "
                  f"WHERE {m.reference_scope or m.scope}")
    else:
        master = "SELECT unnest($allowed_values) AS label"
    sql = (f"WITH bad AS ({bad}), master AS ({master})\n"
           f"SELECT b.value, b.n, arg_max(m.label, jaro_winkler_similarity("
           f"{NORM.format('b.value')}, {NORM.format('m.label')})) AS suggestion\n"
           f"FROM bad b LEFT JOIN master m ON jaro_winkler_similarity("
           f"{NORM.format('b.value')}, {NORM.format('m.label')}) >= 0.9\n"
           f"GROUP BY ALL ORDER BY b.n DESC, b.value")
    values = {**params, "allowed_values": list(rule.allowed or []), "top": limit}
    return sql, bound(con, sql, values)
