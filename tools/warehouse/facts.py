"""opp_facts: every opportunity's current state with all labels resolved, materialized
(with entity_values, the names questions can use).

The live view v_opps joins ten tables; at 10M opportunities that costs ~0.7 s a question,
the flat table answers the same in ~40 ms. Writers (demo, import, schema upgrades) rebuild it
in their transaction; readers use it only while its fingerprint still matches the data and
otherwise read the live view, so a stale table is never used for an answer.
"""

from __future__ import annotations

import duckdb

from tools.warehouse.migrations import VIEWS_CHECKSUM

SMALL_TABLES = ("company_settings", "opportunity_stages", "fx_rates", "users", "teams",
                "territories", "territory_user_assignments", "products")
"""Dimension tables hashed in full: a changed label or rate invalidates the facts."""
LARGE_TABLES = ("opportunities", "accounts")
"""Tables only counted (hashing millions of rows would cost what the facts save)."""
_PARTS = ([f"select count(*) from {t}" for t in LARGE_TABLES]
          + [f"select coalesce(sum(hash(x)), 0) from {t} x" for t in SMALL_TABLES])
# One row per table, stacked: ten scalar subqueries in one SELECT made DuckDB plan a cross
# product of ten relations, 30-60 ms of every read-only open (a cold `revops ask`); this is ~3 ms.
_FINGERPRINT = " union all ".join(f"select {i} as i, ({part}) as v"
                                  for i, part in enumerate(_PARTS)) + " order by i"


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Return a cheap signature of the data the facts are built from."""
    values = [v for _, v in con.execute(_FINGERPRINT).fetchall()]
    return VIEWS_CHECKSUM[:16] + ":" + ":".join(str(v) for v in values)


def facts_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Return True when opp_facts reflects the data as it is now."""
    row = con.execute("select checksum from schema_objects where name = 'opp_facts'").fetchall()
    return bool(row) and row[0][0] == fingerprint(con)


def refresh_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild opp_facts from the live view and record its fingerprint (caller's transaction).

    Row order is irrelevant to a fact table, so the build runs with insertion order relaxed
    (about 20% faster on two cores); the caller's setting is restored.
    """
    ordered = con.execute("select current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("set preserve_insertion_order = false")
    try:
        con.execute("create or replace table opp_facts as select * from v_opps")
        con.execute("create or replace table entity_values as select * from v_entity_values")
    finally:
        con.execute(f"set preserve_insertion_order = {bool(ordered)}")
    con.execute("insert or replace into schema_objects values ('opp_facts', $c, "
                "now()::timestamp)", {"c": fingerprint(con)})
