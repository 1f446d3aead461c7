"""Lookups by name: turn a value into the key of the row whose match column equals it.

Candidates are the rows already in the warehouse and the clean rows of every load of the run
for the lookup table, so the order of loads does not matter and a table can reference itself.
A value that matches nothing is kept as is and reported; so is a name matching several rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.importer.context import Run
from tools.importer.plan import ColumnPlan, LoadPlan, Lookup
from tools.importer.sql import one, q
from tools.importer.summary import Notice


def _staged_sources(run: Run, table: str, columns: Sequence[str]) -> list[str]:
    """SELECTs of rows staged by this run for `table` that have all `columns`."""
    selects = []
    for other in run.plans:
        if other.table.name == table and all(
            any(c.target == col for c in other.columns) for col in columns
        ):
            picked = ", ".join(q(c) for c in columns)
            selects.append(f"SELECT {picked} FROM {q(run.rows_view(other))}")
    return selects


def lookup_table(run: Run, plan: LoadPlan, col: ColumnPlan, lookup: Lookup) -> tuple[str, int]:
    """Materialize match value -> key (smallest key when ambiguous); return it and its size."""
    name = run.temp("lk", plan, f"_{col.index}")
    pair = [lookup.match, lookup.key]
    sources = [f"SELECT {q(lookup.match)}, {q(lookup.key)} FROM {q(lookup.table)}"]
    sources += _staged_sources(run, lookup.table, pair)
    run.con.execute(
        f"CREATE TEMP TABLE {q(name)} AS SELECT {q(lookup.match)} AS k, min({q(lookup.key)}) "
        f"AS v, count(DISTINCT {q(lookup.key)}) AS n FROM ({' UNION ALL '.join(sources)}) "
        f"WHERE {q(lookup.match)} IS NOT NULL GROUP BY 1"
    )
    run.temp_tables.append(name)
    (size,) = one(run.con, f"SELECT count(*) FROM {q(name)}")
    return name, int(size)


def check_lookup(run: Run, plan: LoadPlan, col: ColumnPlan, lookup: Lookup, lk: str) -> None:
    """Warn about values that match nothing (kept raw) or match several rows."""
    rows = q(run.rows_view(plan))
    target = q(col.target)
    ids = [f"SELECT {q(lookup.key)} AS id FROM {q(lookup.table)}"] + [
        f"SELECT {q(lookup.key)} AS id FROM ({staged})"
        for staged in _staged_sources(run, lookup.table, [lookup.key])
    ]
    ids_sql = " UNION ALL ".join(ids)
    found = run.con.execute(
        f"SELECT value, n, sum(n) OVER () AS total, count(*) OVER () AS values FROM ("
        f"SELECT v.{target} AS value, count(*) AS n FROM {rows} v "
        f"ANTI JOIN {q(lk)} l ON l.k = v.{target} ANTI JOIN ({ids_sql}) i ON i.id = v.{target} "
        f"WHERE v.{target} IS NOT NULL GROUP BY 1) ORDER BY n DESC, value LIMIT 3"
    ).fetchall()
    where = f"{plan.table.name}.{col.target}"
    if found:
        total, values = int(found[0][2]), int(found[0][3])
        if values == 1:
            what = f"'{found[0][0]}', not in {lookup.label}"
        else:
            examples = ", ".join(f"'{v}' ({n:,})" for v, n, _, _ in found)
            what = f"{values:,} values not in {lookup.label}, e.g. {examples}"
        run.notices.append(Notice(
            code="UNRESOLVED_REFERENCE", table=plan.table.name, column=col.target, rows=total,
            message=f"{where}: {total:,} rows reference {what} (kept as is)",
        ))
    ambiguous = run.con.execute(
        f"SELECT l.k, l.v, l.n FROM {q(lk)} l SEMI JOIN {rows} v ON v.{target} = l.k "
        "WHERE l.n > 1 ORDER BY l.k"
    ).fetchall()
    if ambiguous:
        k, v, n = ambiguous[0]
        more = f" and {len(ambiguous) - 1} more" if len(ambiguous) > 1 else ""
        run.notices.append(Notice(
            code="AMBIGUOUS_REFERENCE", table=plan.table.name, column=col.target,
            rows=len(ambiguous),
            message=f"{where}: '{k}' matches {n} rows of {lookup.label}{more}; "
                    f"used the smallest key ('{v}')",
        ))


CREATED_FLAG = '{"created_by_import": true}'


def create_missing(run: Run, plan: LoadPlan, col: ColumnPlan, lookup: Lookup) -> int:
    """Add a row to the lookup table for each value matching neither a match value nor a key.

    The new row's key and match column hold the value (and `email` when it looks like one), its
    `extra` says `created_by_import`, so an owner named in a deals export becomes a user the
    metrics can rank without an owners file. Only when there is no such file: while the run
    loads the table, or it holds rows no import created, a value matching nothing stays an
    unresolved reference (a deleted owner, a typo) and is reported. Returns the rows created.
    """
    columns = set(_columns(run, lookup.table))
    if _staged_sources(run, lookup.table, [lookup.key]):
        return 0
    if "extra" in columns:
        (real,) = one(run.con, f"SELECT count(*) FROM {q(lookup.table)} WHERE "
                               "coalesce(json_extract(extra, '$.created_by_import')::BOOLEAN, "
                               "FALSE) IS NOT TRUE")
    else:
        (real,) = one(run.con, f"SELECT count(*) FROM {q(lookup.table)}")
    if real:
        return 0
    params: dict[str, object] = {}
    rows, target = q(run.rows_view(plan)), q(col.target)
    known = [f"SELECT {q(lookup.match)} AS v FROM {q(lookup.table)}",
             f"SELECT {q(lookup.key)} FROM {q(lookup.table)}"]
    for staged in _staged_sources(run, lookup.table, [lookup.match]):
        known.append(f"SELECT * FROM ({staged})")
    for staged in _staged_sources(run, lookup.table, [lookup.key]):
        known.append(f"SELECT * FROM ({staged})")
    names = [lookup.key] + ([lookup.match] if lookup.match != lookup.key else [])
    values = ["v", "v"][: len(names)]
    if "email" in columns and "email" not in names:
        names.append("email")
        values.append("CASE WHEN v LIKE '%_@_%' THEN v END")
    if "source_system" in columns:
        names.append("source_system")
        values.append("$system")
        params["system"] = run.system
    if "extra" in columns:
        names.append("extra")
        values.append("CAST($flag AS JSON)")
        params["flag"] = CREATED_FLAG
    (created,) = one(run.con, (
        f"INSERT INTO {q(lookup.table)} ({', '.join(q(n) for n in names)}) "
        f"SELECT {', '.join(values)} FROM (SELECT DISTINCT {target} AS v FROM {rows} "
        f"WHERE {target} IS NOT NULL) ANTI JOIN ({' UNION ALL '.join(known)}) k USING (v) "
        "ORDER BY v"), params)
    return int(created)


def _columns(run: Run, table: str) -> list[str]:
    rows = run.con.execute("SELECT column_name FROM information_schema.columns WHERE "
                           "table_schema = 'main' AND table_name = $t", {"t": table}).fetchall()
    return [r[0] for r in rows]
