"""Small helpers for building statements: quoted identifiers and bound parameters.

Identifiers in generated SQL come only from the validated mapping and the warehouse catalog and
are always quoted; values from mappings or exports are always bound, never formatted in.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb


def q(identifier: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + identifier.replace('"', '""') + '"'


class Params:
    """Named parameters of one statement: `add` returns the placeholder to put in the SQL."""

    def __init__(self, prefix: str = "p") -> None:
        self._prefix = prefix
        self.values: dict[str, object] = {}

    def add(self, value: object) -> str:
        """Bind a value and return its placeholder, e.g. `$p3`."""
        name = f"{self._prefix}{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def one(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> tuple:
    """Run a statement that yields one row and return it, consuming the whole result."""
    rows = con.execute(sql, params or {}).fetchall()
    return tuple(rows[0]) if rows else ()


def case_of(selector: str, values: Sequence[tuple[int, object]], p: Params) -> str:
    """CASE selector WHEN i THEN <bound value> ... END."""
    if len(values) == 1:
        return p.add(values[0][1])
    whens = " ".join(f"WHEN {i} THEN {p.add(v)}" for i, v in values)
    return f"CASE {selector} {whens} END"
