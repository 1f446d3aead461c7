"""Vet the SQL of a rule before it runs: one scalar expression, known columns, safe functions.

DuckDB parses the expression (`json_serialize_sql`) and the tree is walked: column references
must be columns of the rule's table relation, parameters must be ones the catalog binds, and
functions must be on an allowlist of deterministic scalar functions. Subqueries, aggregates,
windows, lambdas, table functions and several statements are rejected, so a user's rules file
can only describe a per-record predicate, never read other data or change anything.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from tools.quality.catalog import RuleError

FUNCTIONS = frozenset("""
abs ceil ceiling floor round trunc sign greatest least nullif ifnull isnan isfinite
lower upper lcase ucase trim ltrim rtrim length strlen len substr substring left right concat
concat_ws replace reverse repeat lpad rpad contains starts_with ends_with prefix suffix strpos
instr position split_part regexp_matches regexp_full_match regexp_replace regexp_extract
strip_accents nfc_normalize levenshtein damerau_levenshtein jaro_similarity
jaro_winkler_similarity hamming date_diff datediff date_sub date_part datepart date_trunc
datetrunc year month day quarter week dayofweek dayofyear isodow epoch last_day make_date
to_days to_months to_years to_hours to_minutes list_value list_contains list_has
array_contains list_has_any list_has_all list_position array_length
""".split())
"""Deterministic scalar functions a rule may call (no now()/random()/file or catalog access)."""
NODES = frozenset({"COLUMN_REF", "CONSTANT", "FUNCTION", "COMPARISON", "CONJUNCTION",
                   "OPERATOR", "CASE", "CAST", "BETWEEN", "PARAMETER", "TYPE", "COLLATE"})
"""Expression node classes a rule may use (anything else, e.g. SUBQUERY or WINDOW, is refused)."""


def expression_columns(con: duckdb.DuckDBPyConnection, sql: str, columns: set[str],
                       params: set[str], where: str) -> set[str]:
    """Return the columns `sql` reads; raise RuleError unless it is a safe scalar expression."""
    raw = con.execute("SELECT json_serialize_sql($q)", {"q": f"SELECT {sql}"}).fetchone()
    tree: dict[str, Any] = json.loads(raw[0]) if raw else {"error": True}
    if tree.get("error"):
        raise RuleError(f"{where}: not a valid SQL expression "
                        f"({tree.get('error_message', 'unparseable')}): {sql!r}")
    statements = tree["statements"]
    node = statements[0]["node"] if len(statements) == 1 else {}
    if (node.get("type") != "SELECT_NODE" or len(node.get("select_list", [])) != 1
            or node.get("from_table", {}).get("type") not in (None, "EMPTY")
            or node.get("where_clause") or node.get("modifiers") or node.get("group_expressions")
            or node.get("cte_map", {}).get("map")):
        raise RuleError(f"{where}: must be a single expression over the record, got {sql!r}")
    found: set[str] = set()
    _walk(node["select_list"][0], columns, params, where, found)
    return found


def _walk(node: object, columns: set[str], params: set[str], where: str,
          found: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, columns, params, where, found)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("class")
    if kind is not None:
        _check_node(node, kind, columns, params, where, found)
    for key, value in node.items():
        if key not in ("class", "type"):
            _walk(value, columns, params, where, found)


def _check_node(node: dict, kind: str, columns: set[str], params: set[str], where: str,
                found: set[str]) -> None:
    if kind not in NODES:
        raise RuleError(f"{where}: {kind.lower().replace('_', ' ')} expressions are not "
                        "allowed in a rule (one record at a time, no subqueries)")
    if kind == "COLUMN_REF":
        names = node.get("column_names", [])
        if len(names) != 1 or names[0] not in columns:
            shown = ".".join(names)
            raise RuleError(f"{where}: unknown column {shown!r}; the table offers: "
                            f"{', '.join(sorted(columns))}")
        found.add(names[0])
    elif kind == "PARAMETER":
        name = str(node.get("identifier", ""))
        if name not in params:
            raise RuleError(f"{where}: unknown parameter ${name}; bound values are "
                            f"{', '.join('$' + p for p in sorted(params))}")
    elif kind == "FUNCTION":
        name = str(node.get("function_name", ""))
        operator = bool(node.get("is_operator")) or not any(c.isalpha() for c in name)
        if node.get("filter") or node.get("distinct") or node.get("export_state") or (
                not operator and name.lower() not in FUNCTIONS):
            raise RuleError(f"{where}: function {name}() is not allowed in a rule")
