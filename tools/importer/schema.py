"""What the warehouse accepts: target tables, their column types and keys.

Read from the catalog of the connection being loaded, so a mapping is checked against the
schema it will actually write to (including columns added by later migrations).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# Bookkeeping and derived tables an import writes itself; a mapping must not target them.
RESERVED = frozenset(
    {"import_runs", "import_rejects", "company_settings", "schema_version", "dq_results",
     "dq_rules", "dq_runs", "dq_table_results", "dq_rule_results", "dq_load_check",
     "opp_history_spans", "opp_stage_visits", "opp_won_stage_days", "opp_open_now",
     "recon_quarter_keys", "usage_quarter_days"}
)


# Bulk tables that carry no PRIMARY KEY constraint (migration 003: an index DuckDB advises
# against on bulk loads) but are keyed all the same: the importer quarantines duplicates of
# this key and upserts by it with MERGE, and quality rule R17 reports any duplicate.
LOGICAL_KEYS: dict[str, tuple[str, ...]] = {
    "opportunities": ("opportunity_id",),
    "opportunity_history": ("history_id",),
}


@dataclass(frozen=True)
class Table:
    """A target table: column name -> SQL type, and the primary key (may be empty)."""

    name: str
    columns: dict[str, str]
    primary_key: tuple[str, ...]
    enforced: bool = True
    """Whether the key is a PRIMARY KEY constraint (else a logical key, LOGICAL_KEYS)."""

    def has(self, column: str) -> bool:
        """Whether the table has this column."""
        return column in self.columns


def read_schema(con: duckdb.DuckDBPyConnection) -> dict[str, Table]:
    """Return every base table of the main schema, keyed by name."""
    columns: dict[str, dict[str, str]] = {}
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'main' and table_catalog = current_database() "
        "and table_name in (select table_name from information_schema.tables "
        "  where table_type = 'BASE TABLE' and table_schema = 'main') "
        "order by table_name, ordinal_position"
    ).fetchall()
    for table, column, data_type in rows:
        columns.setdefault(table, {})[column] = data_type
    keys = {
        table: tuple(names)
        for table, names in con.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where constraint_type = 'PRIMARY KEY' and schema_name = 'main' "
            "and database_name = current_database()"
        ).fetchall()
    }
    return {
        name: Table(name, cols, keys.get(name, LOGICAL_KEYS.get(name, ())), name in keys)
        for name, cols in columns.items()
        if name not in RESERVED
    }


def kind_of(sql_type: str) -> str:
    """Coarse kind of a column type, which decides how text is parsed into it."""
    upper = sql_type.upper()
    if upper.startswith(("DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL")):
        return "number"
    if upper in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER"}:
        return "integer"
    if upper == "DATE":
        return "date"
    if upper.startswith("TIMESTAMP"):
        return "timestamp"
    if upper == "BOOLEAN":
        return "boolean"
    if upper == "JSON":
        return "json"
    return "text"
