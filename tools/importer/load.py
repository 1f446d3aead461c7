"""Loading one planned load: staging view, rejects, clean rows, lookups and the upsert.

`read_group` parses files into staging outside the transaction (see staging.py); `stage`
then, inside it, counts rows, writes rejects and exposes the clean rows as a view; `apply`
runs once every load is staged, so a lookup (`users.full_name`) sees the rows of every load
of the run as well as rows already in the warehouse, whatever the order of the loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from tools.importer.context import Run
from tools.importer.errors import SourceError
from tools.importer.lookups import check_lookup, create_missing, lookup_table
from tools.importer.plan import ColumnPlan, LoadPlan, Lookup
from tools.importer.rejects import find_duplicates, write_rejects
from tools.importer.sql import Params, one, q
from tools.importer.staging import Group, has_extra, stage_view_sql
from tools.importer.staging import read_group as read_staging
from tools.importer.summary import Inferred, LoadReport, Notice


def read_group(run: Run, group: Group) -> tuple[str, list[int]]:
    """Stage a group's files (outside the transaction); return the table and file offsets."""
    table = f"{run.prefix}stage{group.index}"
    run.temp_tables.append(table)  # dropped even if reading fails halfway
    offsets, created = read_staging(run.con, group, table)
    run.temp_tables += [t for t in created if t != table]
    return table, offsets


def _stage_view(run: Run, plan: LoadPlan, group: Group, shared: str) -> str:
    """A load's slice of the shared staging table under plain names (__c0, __err, ...)."""
    view = run.temp("stg", plan)
    run.con.execute(f"CREATE TEMP VIEW {q(view)} AS {stage_view_sql(plan, group, shared)}")
    run.temp_views.append(view)
    return view


def stage(run: Run, plan: LoadPlan, group: Group, shared: str, offsets: list[int]
          ) -> LoadReport:
    """Counts, empty-file check, duplicates, rejects and the clean-rows view of one load.

    Runs inside the import transaction: it writes the load's rejects.
    """
    run.offsets[plan.index] = offsets
    stg = _stage_view(run, plan, group, shared)
    read, bad = one(run.con, f"SELECT count(*), count(__err) FROM {q(stg)}")
    report = LoadReport(
        table=plan.table.name, label=plan.label, files=plan.file_names,
        distinct=plan.load.distinct, read=read,
        columns={c.target: c.header for c in plan.columns},
    )
    if read == 0:
        if not plan.load.allow_empty:
            raise SourceError(
                f"{', '.join(plan.file_names)} has a header but no data rows (needed for "
                f"{plan.label}); re-export it, or set `allow_empty = true` on the load"
            )
        run.notices.append(Notice(code="EMPTY_FILE", table=plan.table.name,
                                  message=f"{plan.label}: no data rows; nothing loaded"))
    dups = None if plan.load.distinct else find_duplicates(run, plan, stg)
    report.rejected = write_rejects(run, plan, stg, dups) if bad or dups else 0
    _rows_view(run, plan, stg, dups)
    return report


def _rows_view(run: Run, plan: LoadPlan, stg: str, dups: str | None) -> None:
    """The clean rows of a load under their target column names (lookups not applied yet).

    A distinct load keeps one row per key; each other column takes its first non-empty
    value in file order.
    """
    view = run.rows_view(plan)
    if plan.load.distinct:
        key_cols = plan.key_columns()
        keys = ", ".join(f"__c{c.index} AS {q(c.target)}" for c in key_cols)
        others = "".join(
            f", arg_min(__c{c.index}, __rid) AS {q(c.target)}"
            for c in plan.columns if c.target not in plan.key
        )
        not_null = " AND ".join(f"__c{c.index} IS NOT NULL" for c in key_cols)
        sql = (
            f"SELECT {keys}{others}, min(__rid) AS __rid FROM {q(stg)} "
            f"WHERE __err IS NULL AND {not_null} "
            f"GROUP BY {', '.join(f'__c{c.index}' for c in key_cols)} ORDER BY __rid"
        )  # in export order, so the stage dictionary's rowids follow first appearance
    else:
        cols = [f"s.__c{c.index} AS {q(c.target)}" for c in plan.columns]
        cols.append("s.__rid")
        if has_extra(plan):
            cols.append("s.__extra")
        anti = f" ANTI JOIN {q(dups)} d ON d.rid = s.__rid" if dups else ""
        sql = f"SELECT {', '.join(cols)} FROM {q(stg)} s{anti} WHERE s.__err IS NULL"
    run.con.execute(f"CREATE TEMP VIEW {q(view)} AS {sql}")
    run.temp_views.append(view)


def _create(run: Run, plan: LoadPlan, col: ColumnPlan, lookup: Lookup) -> None:
    """Create the rows a `create_missing` lookup needs, and list them in the summary."""
    created = create_missing(run, plan, col, lookup)
    if created:
        run.inferred.append(Inferred(
            table=lookup.table, what="rows created",
            value=f"{created:,}, from values of {plan.table.name}.{col.target} matching no "
                  f"{lookup.label}",
            note="flagged created_by_import in extra; import a file mapped to "
                 f"{lookup.table} to give them their details"))


def _select(run: Run, plan: LoadPlan, p: Params) -> tuple[str, dict[str, str]]:
    """SELECT of the rows to write (lookups resolved, bookkeeping columns added)."""
    joins, exprs = [], {}
    for col in plan.columns:
        exprs[col.target] = f"v.{q(col.target)}"
        if col.lookup is not None:
            if col.spec.create_missing:
                _create(run, plan, col, col.lookup)
            lk, size = lookup_table(run, plan, col, col.lookup)
            check_lookup(run, plan, col, col.lookup, lk)
            if size:  # nothing to match against: every value stays as it is
                alias = f"l{col.index}"
                joins.append(f"LEFT JOIN {q(lk)} {alias} ON {alias}.k = v.{q(col.target)}")
                exprs[col.target] = f"coalesce({alias}.v, v.{q(col.target)})"
    table = plan.table
    if table.has("source_system") and "source_system" not in exprs:
        exprs["source_system"] = p.add(run.system)
    if table.has("source_id") and "source_id" not in exprs and len(plan.key) == 1:
        exprs["source_id"] = f"CAST(v.{q(plan.key[0])} AS VARCHAR)"
    if has_extra(plan):
        exprs["extra"] = "v.__extra"
    select = (f"SELECT {', '.join(f'{e} AS {q(t)}' for t, e in exprs.items())} "
              f"FROM {q(run.rows_view(plan))} v {' '.join(joins)}")
    return select, exprs


def _existing(run: Run, plan: LoadPlan, rows: str, on: str) -> int:
    """How many rows of `rows` already exist in the target (0 at once for an empty table)."""
    target = q(plan.table.name)
    (any_row,) = one(run.con, f"SELECT count(*) FROM (SELECT 1 FROM {target} LIMIT 1)")
    if not any_row:
        return 0
    (found,) = one(run.con, f"SELECT count(*) FROM {rows} s SEMI JOIN {target} t ON {on}")
    return int(found)


@contextmanager
def _unordered(con: duckdb.DuckDBPyConnection, relax: bool) -> Iterator[None]:
    """Let DuckDB write a load's rows in any order (parallel, no reordering buffer).

    A table's physical order carries no meaning for non-distinct loads: row numbers for
    rejects come from the staging rowids, "first row wins" from explicit ORDER BY __rid. A
    distinct load (the stage dictionary) keeps file order, which stages.py reads as the
    export's stage order. The import runs with insertion order kept; it is restored here.
    """
    if relax:
        con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        if relax:
            con.execute("SET preserve_insertion_order = true")


def apply(run: Run, plan: LoadPlan, report: LoadReport) -> None:
    """Resolve lookups (creating missing rows), then upsert the load's clean rows (_write)."""
    p = Params()
    select, exprs = _select(run, plan, p)
    with _unordered(run.con, not plan.load.distinct):
        _write(run, plan, report, select, exprs, p)


def _write(run: Run, plan: LoadPlan, report: LoadReport, select: str, exprs: dict[str, str],
           p: Params) -> None:
    """Upsert the rows `select` yields into the load's target table.

    Tables with a primary key get INSERT ... ON CONFLICT DO UPDATE of the columns the load
    sets (a plain INSERT when none of the keys exists yet), tables with a logical key
    (schema.LOGICAL_KEYS) the same through MERGE INTO; tables without one have the rows with
    the same `key` replaced.
    """
    con, table = run.con, plan.table
    targets = list(exprs)
    columns = ", ".join(q(t) for t in targets)
    updates = [t for t in targets if t not in plan.key]
    key_lookup = any(c.lookup for c in plan.key_columns())
    if table.primary_key and not key_lookup:
        source, counted, params = f"({select})", q(run.rows_view(plan)), p.values
    else:  # keys known only after lookups: resolve once, one row per key (first wins)
        res = run.temp("res", plan)
        partition = ", ".join(exprs[k] for k in plan.key)
        con.execute(f"CREATE TEMP TABLE {q(res)} AS {select} QUALIFY row_number() OVER "
                    f"(PARTITION BY {partition} ORDER BY v.__rid) = 1", p.values)
        run.temp_tables.append(res)
        source, counted, params = q(res), q(res), {}

    if table.primary_key and not table.enforced:  # a logical key: MERGE, no index needed
        on_key = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in plan.key)
        updated = _existing(run, plan, counted, on_key)
        if updated:
            sets = ", ".join(f"{q(t)} = s.{q(t)}" for t in updates)
            matched = f"WHEN MATCHED THEN UPDATE SET {sets} " if updates else ""
            values = ", ".join(f"s.{q(t)}" for t in targets)
            con.execute(f"MERGE INTO {q(table.name)} t USING (SELECT * FROM {source}) s "
                        f"ON {on_key} {matched}WHEN NOT MATCHED THEN INSERT ({columns}) "
                        f"VALUES ({values})", params)
            (total,) = one(con, f"SELECT count(*) FROM {counted}")
            report.inserted = int(total) - updated
        else:
            (written,) = one(con, f"INSERT INTO {q(table.name)} ({columns}) SELECT * FROM "
                                  f"{source}", params)
            report.inserted = int(written)
    elif table.primary_key:
        on_key = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in plan.key)
        updated = _existing(run, plan, counted, on_key)
        action = ("DO UPDATE SET " + ", ".join(f"{q(t)} = excluded.{q(t)}" for t in updates)
                  if updates else "DO NOTHING")
        conflict = f" ON CONFLICT ({', '.join(q(k) for k in plan.key)}) {action}"
        (written,) = one(con, f"INSERT INTO {q(table.name)} ({columns}) SELECT * FROM "
                              f"{source}{conflict if updated else ''}", params)
        # DO NOTHING counts only new rows; DO UPDATE counts inserts and updates.
        report.inserted = int(written) if not updates else int(written) - updated
    else:
        null_safe = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM s.{q(k)}" for k in plan.key)
        updated = _existing(run, plan, counted, null_safe)
        if updated:
            con.execute(f"DELETE FROM {q(table.name)} t USING {source} s WHERE {null_safe}")
        (written,) = one(con, f"INSERT INTO {q(table.name)} ({columns}) SELECT * FROM {source}")
        report.inserted = int(written) - updated
    report.updated = updated
