"""The stamps of tables kept at load from sources opp_facts' fingerprint does not cover (the
ledger, the usage events: tools.warehouse.recon, tools.warehouse.usage).

Each is stamped with opp_facts' stamp (so with the data, the settings and the calendar it was
built with), its definition's digest and its source's state: the source's rows counted (as the
large tables are in the fingerprint; a load rewriting rows in place rebuilds every kept table:
refresh_facts) and, where a reader needs it, one more value of the source when built. A reader
uses the table only while all of them still hold.
"""

from __future__ import annotations

import duckdb

QUARTERS = """buckets as (
  select 'current' as tag, bs as bucket_start, bs as b_start,
         cast(bs + to_months(3) as date) - 1 as b_end
  from (select unnest(generate_series(fiscal_bucket_start({first}, $fy_start, 3), {last},
                                      to_months(3)))::date as bs{source})
)"""
"""Every whole fiscal quarter from the one holding `first` to the one holding `last` (the
buckets relation the tools read, as a kept table is built)."""


def stamp(con: duckdb.DuckDBPyConnection, name: str, version: str, counted: str,
          noted: str = "null") -> None:
    """Stamp the kept table `name` (after opp_facts is stamped): `counted` is its source
    table, `noted` a scalar SQL expression over it whose value the stamp records."""
    con.execute(f"insert or replace into schema_objects select $n, checksum || $v || ':' || "
                f"(select count(*) from {counted}) || ':' || "
                f"coalesce(cast(({noted}) as varchar), ''), applied_at "
                f"from schema_objects where name = 'opp_facts'", {"n": name, "v": version})


def stamped(con: duckdb.DuckDBPyConnection, name: str, version: str, counted: str
            ) -> str | None:
    """The value `stamp` recorded ('' for none) when the table is current: built with the
    current opp_facts, by this definition, from its source as counted now; else None."""
    row = con.execute(f"select b.checksum, a.checksum || $v || ':' || "
                      f"(select count(*) from {counted}) || ':' "
                      f"from schema_objects a join schema_objects b on a.name = 'opp_facts' "
                      f"and b.name = $n and a.applied_at = b.applied_at",
                      {"n": name, "v": version}).fetchall()
    if not row or not row[0][0].startswith(row[0][1]):
        return None
    return str(row[0][0][len(row[0][1]):])
