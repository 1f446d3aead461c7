"""Rejected rows: duplicates of a key, and values that are missing or do not parse.

Each bad row becomes one row of `import_rejects` with its file, 1-based data row, the header
of the first failing column, a reason and the raw row as JSON. The raw rows are read back
from the files only when there are rejects, so a clean import never pays for them.
"""

from __future__ import annotations

from tools.importer.context import Run
from tools.importer.plan import ColumnPlan, LoadPlan
from tools.importer.reader import read_sql
from tools.importer.sql import Params, case_of, one, q
from tools.importer.staging import rejecting_columns
from tools.importer.summary import RejectGroup
from tools.importer.transforms import invalid_message

MISSING = "missing required value"
DUPLICATE = "duplicate id"
QUOTE = "''''"  # SQL literal holding one single quote, to frame values in reasons


def _row_number(rid: str, fi: str, offsets: list[int]) -> str:
    """1-based data row, within its file, of staging row `rid` (rowids follow file order)."""
    if len(offsets) == 1:
        return f"({rid} + 1)"
    whens = " ".join(f"WHEN {i} THEN {offset}" for i, offset in enumerate(offsets))
    return f"({rid} - CASE {fi} {whens} END + 1)"


def find_duplicates(run: Run, plan: LoadPlan, stg: str) -> str | None:
    """Keep the first valid row of each key (file order); list the later ones as duplicates."""
    keys = [f"__c{c.index}" for c in plan.key_columns()]
    group = ", ".join(keys)
    repeated = (f"SELECT {group} FROM {q(stg)} WHERE __err IS NULL GROUP BY {group} "
                "HAVING count(*) > 1")
    (count,) = one(run.con, f"SELECT count(*) FROM ({repeated})")
    if not count:
        return None
    dups = run.temp("dup", plan)
    join = " AND ".join(f"s.{k} = d.{k}" for k in keys)
    window = f"PARTITION BY {', '.join('s.' + k for k in keys)} ORDER BY s.__rid"
    run.con.execute(
        f"CREATE TEMP TABLE {q(dups)} AS SELECT rid, first_rid, first_fi FROM ("
        "SELECT s.__rid AS rid, row_number() OVER w AS rn, first_value(s.__rid) OVER w "
        f"AS first_rid, first_value(s.__fi) OVER w AS first_fi FROM {q(stg)} s "
        f"SEMI JOIN ({repeated}) d ON {join} WHERE s.__err IS NULL WINDOW w AS ({window})"
        ") WHERE rn > 1"
    )
    run.temp_tables.append(dups)
    return dups


def _column_name(col: ColumnPlan) -> str:
    """Column recorded with a reject: the source header when there is one."""
    return col.header or col.target


def _collect_rejects(run: Run, plan: LoadPlan, stg: str, dups: str | None) -> str:
    """Temp table of rejects: file index, row, column, reason kind, reason text, value."""
    offsets = run.offsets[plan.index]
    p = Params()
    parts = []
    cols = rejecting_columns(plan)
    if cols:
        column = case_of("__err", [(c.index, _column_name(c)) for c in cols], p)
        invalid = case_of("__err", [(c.index, invalid_message(c)) for c in cols], p)
        reason = (f"CASE WHEN __err_v IS NULL THEN {p.add(MISSING)} "
                  f"ELSE {invalid} || ': ' || {QUOTE} || __err_v || {QUOTE} END")
        parts.append(
            f"SELECT __fi AS fi, {_row_number('__rid', '__fi', offsets)} AS row, "
            "__err AS target, CASE WHEN __err_v IS NULL THEN 'missing' ELSE 'invalid' END "
            f"AS kind, {column} AS column_name, {reason} AS reason, __err_v AS value "
            f"FROM {q(stg)} WHERE __err IS NOT NULL"
        )
    if dups:
        key_cols = plan.key_columns()
        key_text = "concat_ws(', ', " + ", ".join(
            f"CAST(s.__c{c.index} AS VARCHAR)" for c in key_cols) + ")"
        kept = f"CAST({_row_number('d.first_rid', 'd.first_fi', offsets)} AS VARCHAR)"
        if len(offsets) > 1:
            kept += f" || ' of ' || {case_of('d.first_fi', list(enumerate(plan.file_names)), p)}"
        reason = (f"{p.add(DUPLICATE + ' ')} || {QUOTE} || {key_text} || {QUOTE} || "
                  f"' (kept row ' || {kept} || ')'")
        parts.append(
            f"SELECT s.__fi, {_row_number('s.__rid', 's.__fi', offsets)}, "
            f"{key_cols[0].index}, 'duplicate', {p.add(_column_name(key_cols[0]))}, "
            f"{reason}, {key_text} FROM {q(stg)} s JOIN {q(dups)} d ON d.rid = s.__rid"
        )
    rej = run.temp("rej", plan)
    run.con.execute(f"CREATE TEMP TABLE {q(rej)} AS {' UNION ALL '.join(parts)}", p.values)
    run.temp_tables.append(rej)
    return rej


def write_rejects(run: Run, plan: LoadPlan, stg: str, dups: str | None) -> int:
    """Store bad rows and duplicates in import_rejects with their raw row; return the count.

    The raw rows are read back from each file that has rejects, numbered the same way as
    staging, and stored as JSON objects keyed by header.
    """
    con = run.con
    rej = _collect_rejects(run, plan, stg, dups)
    for (fi,) in con.execute(f"SELECT DISTINCT fi FROM {q(rej)} ORDER BY fi").fetchall():
        file = plan.files[fi]
        read, params = read_sql(file.format, plan.load, "path")
        p = Params()
        raw = ", ".join(f"{p.add(h)}, r.{q(h)}" for h in file.headers)
        con.execute(
            "INSERT INTO import_rejects (import_id, table_name, file_name, row_number, "
            f"column_name, reason, raw_row) SELECT {p.add(run.import_id)}, "
            f"{p.add(plan.table.name)}, {p.add(file.name)}, j.row, j.column_name, j.reason, "
            f"json_object({raw}) FROM (SELECT row_number() OVER () AS __import_row, * "
            f"FROM {read}) r JOIN {q(rej)} j ON j.fi = {p.add(fi)} AND j.row = r.__import_row",
            {**params, "path": str(file.path), **p.values},
        )

    by_index = {c.index: c for c in plan.columns}
    total = 0
    for target, kind, rows, first in con.execute(
        "SELECT target, kind, count(*), min(struct_pack(fi := fi, r := row, v := value)) "
        f"FROM {q(rej)} GROUP BY ALL ORDER BY 3 DESC, 1"
    ).fetchall():
        col = by_index[target]
        total += rows
        where = f"{plan.file_names[first['fi']]} row {first['r']}"
        reason = {"missing": MISSING, "duplicate": DUPLICATE}.get(kind, invalid_message(col))
        run.reject_groups.append(RejectGroup(
            table=plan.table.name, column=col.target, source_column=_column_name(col),
            reason=reason, rows=rows,
            example=where if kind == "missing" else f"{where}: '{first['v']}'",
        ))
    return total
