"""Set-based loading of one planned load: stage, reject, deduplicate, resolve lookups, upsert.

Phase 1 (`stage`) reads each file once into a temporary staging table, in the same pass
parsing every target column and marking the first failing column of each bad row; bad rows
and duplicate keys go to `import_rejects`, the rest becomes a temporary view of clean rows.
Phase 2 (`apply`) runs once every load is staged, so a lookup (`users.full_name`) sees the
rows of every load of the run as well as rows already in the warehouse, whatever the order
of the loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from tools.importer.errors import SourceError
from tools.importer.plan import ColumnPlan, LoadPlan, Lookup
from tools.importer.reader import read_sql
from tools.importer.sql import Params, one, q
from tools.importer.summary import LoadReport, Notice, RejectGroup
from tools.importer.transforms import (
    Names,
    base_expr,
    can_fail,
    invalid_check,
    invalid_message,
    is_direct,
    mapped_expr,
    needs_trim,
    parsed_expr,
)

MISSING = "missing required value"
DUPLICATE = "duplicate id"
QUOTE = "''''"  # SQL literal holding one single quote, to frame values in reasons


@dataclass
class Run:
    """State shared by the loads of one import: ids, temp names, collected results."""

    con: duckdb.DuckDBPyConnection
    import_id: str
    prefix: str
    system: str
    plans: list[LoadPlan]
    notices: list[Notice] = field(default_factory=list)
    reject_groups: list[RejectGroup] = field(default_factory=list)
    temp_tables: list[str] = field(default_factory=list)
    temp_views: list[str] = field(default_factory=list)
    offsets: dict[int, list[int]] = field(default_factory=dict)
    """Per load: the staging rowid where each file starts."""

    def temp(self, kind: str, plan: LoadPlan, suffix: str = "") -> str:
        """Name of a temporary object for this run (never collides with user tables)."""
        return f"{self.prefix}{kind}{plan.index}{suffix}"

    def drop_temps(self) -> None:
        """Drop what the run created; views first, they read the tables."""
        for view in reversed(self.temp_views):
            self.con.execute(f"DROP VIEW IF EXISTS temp.{q(view)}")
        for table in reversed(self.temp_tables):
            self.con.execute(f"DROP TABLE IF EXISTS temp.{q(table)}")


# ---------------------------------------------------------------------------- phase 1


@dataclass
class Group:
    """Loads reading the same files with the same options: staged together in one pass."""

    index: int
    plans: list[LoadPlan]


def group_plans(plans: list[LoadPlan]) -> list[Group]:
    """Group loads by the files they read, so each file is parsed once per import."""
    groups: dict[tuple, Group] = {}
    for plan in plans:
        load = plan.load
        key = (tuple(str(f.path) for f in plan.files), tuple(f.format for f in plan.files),
               load.delimiter, load.quote, load.encoding)
        groups.setdefault(key, Group(len(groups), [])).plans.append(plan)
    return list(groups.values())


def _names(plan: LoadPlan) -> Names:
    return Names(f"__l{plan.index}_")


def _source_type(plan: LoadPlan, col: ColumnPlan) -> str | None:
    """The common Parquet type of a column's main header, None for CSV or mixed types."""
    types = set()
    for fi, file in enumerate(plan.files):
        header = col.main[fi] if col.main else None
        if file.format != "parquet" or header is None:
            return None
        types.add(file.types[file.headers.index(header)])
    return types.pop() if len(types) == 1 else None


def _sources(plan: LoadPlan, fi: int, names: Names) -> list[str]:
    """The headers of file `fi` each column reads, under the aliases the expressions use."""
    cols = []
    null = "CAST(NULL AS VARCHAR)"
    for col in plan.columns:
        i = col.index
        if col.spec.value is not None:
            continue
        if col.spec.concat is not None:
            for j, header in enumerate(col.concat[fi]):
                cols.append(f"{q(header) if header else null} AS {names.concat(i, j)}")
            continue
        cols.append(f"{q(col.main[fi]) if col.main[fi] else null} AS {names.main(i)}")
        found = col.fallbacks[fi]
        for j in range(max(len(f) for f in col.fallbacks)):
            cols.append(f"{q(found[j]) if j < len(found) else null} AS {names.fallback(i, j)}")
    for k, header in enumerate(_extra_headers(plan, fi)):
        cols.append(f"{q(header)} AS {names.extra(k)}")
    return cols


def _extra_headers(plan: LoadPlan, fi: int) -> list[str]:
    """Unmapped headers of file `fi` that go into the `extra` JSON column."""
    load, table = plan.load, plan.table
    if not (load.extra and not load.distinct and table.has("extra")):
        return []
    return [h for h in plan.files[fi].headers if h in plan.unmapped]


def _has_extra(plan: LoadPlan) -> bool:
    return any(_extra_headers(plan, fi) for fi in range(len(plan.files)))


def _checks(plan: LoadPlan, names: Names) -> list[tuple[str, int]]:
    """(condition, column index) pairs that reject a row, in column order."""
    checks = []
    for c in plan.columns:
        t, v = names.layer("t", c.index), names.layer("c", c.index)
        if c.required:
            checks.append((f"{t} IS NULL", c.index))
        if can_fail(c):
            checks.append((invalid_check(t, v), c.index))
    return checks


def _layers(plan: LoadPlan, p: Params, names: Names) -> tuple[list[str], list[str], list[str]]:
    """The b (text), t (mapped) and c (parsed) expressions of every column of a load."""
    base, mapped, parsed = [], [], []
    for c in plan.columns:
        direct = is_direct(c, _source_type(plan, c))
        trim = needs_trim(c, c.target in plan.key or c.required)
        b, t = names.layer("b", c.index), names.layer("t", c.index)
        base.append(f"{base_expr(c, p, names, direct, trim)} AS {b}")
        mapped.append(f"{mapped_expr(c, p, b)} AS {t}")
        parsed.append(f"{parsed_expr(c, p, t, direct)} AS {names.layer('c', c.index)}")
    return base, mapped, parsed


def _outputs(plan: LoadPlan, fi: int, p: Params, names: Names) -> list[str]:
    """Columns a load keeps in staging: parsed values, first failing column, extra JSON."""
    outputs = [names.layer("c", c.index) for c in plan.columns]
    checks = _checks(plan, names)
    if checks:
        err = " ".join(f"WHEN {cond} THEN {i}" for cond, i in checks)
        err_v = " ".join(
            f"WHEN {cond} THEN CAST({names.layer('t', i)} AS VARCHAR)" for cond, i in checks
        )
        outputs += [f"CASE {err} END AS {names.column('err')}",
                    f"CASE {err_v} END AS {names.column('err_v')}"]
    else:
        outputs += [f"CAST(NULL AS INTEGER) AS {names.column('err')}",
                    f"CAST(NULL AS VARCHAR) AS {names.column('err_v')}"]
    extra = _extra_headers(plan, fi)
    if extra:
        pairs = ", ".join(f"{p.add(h)}, {names.extra(k)}" for k, h in enumerate(extra))
        outputs.append(f"json_object({pairs}) AS {names.column('extra')}")
    elif _has_extra(plan):
        outputs.append(f"CAST(NULL AS JSON) AS {names.column('extra')}")
    return outputs


def _file_select(group: Group, fi: int) -> tuple[str, dict[str, object]]:
    """SELECT staging file `fi` for every load of the group in one scan.

    Three nested layers (text, then value map and default, then typed parse) so each step
    reads the previous one's column instead of repeating its expression.
    """
    p = Params()
    first = group.plans[0]
    file = first.files[fi]
    read, params = read_sql(file.format, first.load, "path")
    sources, base, mapped, parsed, outputs = [], [], [], [], [f"{fi} AS __fi"]
    for plan in group.plans:
        names = _names(plan)
        sources += _sources(plan, fi, names)
        b, t, c = _layers(plan, p, names)
        base, mapped, parsed = base + b, mapped + t, parsed + c
        outputs += _outputs(plan, fi, p, names)
    src = f"SELECT {', '.join(sources) or '1 AS __one'} FROM {read}"
    sql = (
        f"SELECT {', '.join(outputs)} FROM (SELECT *, {', '.join(parsed)} FROM (SELECT *, "
        f"{', '.join(mapped)} FROM (SELECT *, {', '.join(base)} FROM ({src}))))"
    )
    return sql, {**params, "path": str(file.path), **p.values}


def _row_number(rid: str, fi: str, offsets: list[int]) -> str:
    """1-based data row, within its file, of staging row `rid` (rowids follow file order)."""
    if len(offsets) == 1:
        return f"({rid} + 1)"
    whens = " ".join(f"WHEN {i} THEN {offset}" for i, offset in enumerate(offsets))
    return f"({rid} - CASE {fi} {whens} END + 1)"


def _case(selector: str, values: Sequence[tuple[int, object]], p: Params) -> str:
    """CASE selector WHEN i THEN <bound value> ... END."""
    if len(values) == 1:
        return p.add(values[0][1])
    whens = " ".join(f"WHEN {i} THEN {p.add(v)}" for i, v in values)
    return f"CASE {selector} {whens} END"


def read_group(run: Run, group: Group) -> tuple[str, list[int]]:
    """Read and parse a group's files into a shared staging table; return it and file offsets.

    Runs outside the import transaction (it writes only a temporary table), because rowids
    are dense and in file order only for committed rows: a row's rowid then gives its row
    number without a window over the whole file.
    """
    con = run.con
    shared = f"{run.prefix}stage{group.index}"
    offsets: list[int] = []
    total = 0
    for fi in range(len(group.plans[0].files)):
        sql, params = _file_select(group, fi)
        if fi == 0:
            statement = f"CREATE TEMP TABLE {q(shared)} AS {sql}"
        else:
            statement = f"INSERT INTO {q(shared)} {sql}"
        try:
            con.execute(statement, params)
        except duckdb.Error as exc:
            name = group.plans[0].files[fi].name
            raise SourceError(f"cannot read {name}: {str(exc).splitlines()[0]}") from exc
        if fi == 0:
            run.temp_tables.append(shared)
        offsets.append(total)
        (total,) = one(con, f"SELECT count(*) FROM {q(shared)}")
    return shared, offsets


def _stage_view(run: Run, plan: LoadPlan, shared: str) -> str:
    """A load's slice of the shared staging table under plain names (__c0, __err, ...)."""
    names = _names(plan)
    cols = ["rowid AS __rid", "__fi"]
    cols += [f"{names.layer('c', c.index)} AS __c{c.index}" for c in plan.columns]
    cols += [f"{names.column('err')} AS __err", f"{names.column('err_v')} AS __err_v"]
    if _has_extra(plan):
        cols.append(f"{names.column('extra')} AS __extra")
    view = run.temp("stg", plan)
    run.con.execute(f"CREATE TEMP VIEW {q(view)} AS SELECT {', '.join(cols)} FROM {q(shared)}")
    run.temp_views.append(view)
    return view


def stage(run: Run, plan: LoadPlan, shared: str, offsets: list[int]) -> LoadReport:
    """Counts, empty-file check, duplicates, rejects and the clean-rows view of one load.

    Runs inside the import transaction: it writes the load's rejects.
    """
    run.offsets[plan.index] = offsets
    stg = _stage_view(run, plan, shared)
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
    dups = None if plan.load.distinct else _find_duplicates(run, plan, stg)
    report.rejected = _write_rejects(run, plan, stg, dups) if bad or dups else 0
    _rows_view(run, plan, stg, dups)
    return report


def _key_cols(plan: LoadPlan) -> list[ColumnPlan]:
    return [plan.column(k) for k in plan.key]


def _find_duplicates(run: Run, plan: LoadPlan, stg: str) -> str | None:
    """Keep the first valid row of each key (file order); list the later ones as duplicates."""
    keys = [f"__c{c.index}" for c in _key_cols(plan)]
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
    failing = sorted({i for _, i in _checks(plan, Names(''))})
    if failing:
        cols = [plan.columns[i] for i in failing]
        column = _case("__err", [(c.index, _column_name(c)) for c in cols], p)
        invalid = _case("__err", [(c.index, invalid_message(c)) for c in cols], p)
        reason = (f"CASE WHEN __err_v IS NULL THEN {p.add(MISSING)} "
                  f"ELSE {invalid} || ': ' || {QUOTE} || __err_v || {QUOTE} END")
        parts.append(
            f"SELECT __fi AS fi, {_row_number('__rid', '__fi', offsets)} AS row, "
            "__err AS target, CASE WHEN __err_v IS NULL THEN 'missing' ELSE 'invalid' END "
            f"AS kind, {column} AS column_name, {reason} AS reason, __err_v AS value "
            f"FROM {q(stg)} WHERE __err IS NOT NULL"
        )
    if dups:
        key_cols = _key_cols(plan)
        key_text = "concat_ws(', ', " + ", ".join(
            f"CAST(s.__c{c.index} AS VARCHAR)" for c in key_cols) + ")"
        kept = f"CAST({_row_number('d.first_rid', 'd.first_fi', offsets)} AS VARCHAR)"
        if len(offsets) > 1:
            kept += f" || ' of ' || {_case('d.first_fi', list(enumerate(plan.file_names)), p)}"
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


def _write_rejects(run: Run, plan: LoadPlan, stg: str, dups: str | None) -> int:
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


def _rows_view(run: Run, plan: LoadPlan, stg: str, dups: str | None) -> None:
    """The clean rows of a load under their target column names (lookups not applied yet).

    A distinct load keeps one row per key; each other column takes its first non-empty
    value in file order.
    """
    view = run.temp("rows", plan)
    if plan.load.distinct:
        key_cols = _key_cols(plan)
        keys = ", ".join(f"__c{c.index} AS {q(c.target)}" for c in key_cols)
        others = "".join(
            f", arg_min(__c{c.index}, __rid) AS {q(c.target)}"
            for c in plan.columns if c.target not in plan.key
        )
        not_null = " AND ".join(f"__c{c.index} IS NOT NULL" for c in key_cols)
        sql = (
            f"SELECT {keys}{others}, min(__rid) AS __rid FROM {q(stg)} "
            f"WHERE __err IS NULL AND {not_null} "
            f"GROUP BY {', '.join(f'__c{c.index}' for c in key_cols)}"
        )
    else:
        cols = [f"s.__c{c.index} AS {q(c.target)}" for c in plan.columns]
        cols.append("s.__rid")
        if _has_extra(plan):
            cols.append("s.__extra")
        anti = f" ANTI JOIN {q(dups)} d ON d.rid = s.__rid" if dups else ""
        sql = f"SELECT {', '.join(cols)} FROM {q(stg)} s{anti} WHERE s.__err IS NULL"
    run.con.execute(f"CREATE TEMP VIEW {q(view)} AS {sql}")
    run.temp_views.append(view)


# ---------------------------------------------------------------------------- phase 2


def _staged_sources(run: Run, table: str, columns: Sequence[str]) -> list[str]:
    """SELECTs of rows staged by this run for `table` that have all `columns`."""
    selects = []
    for other in run.plans:
        if other.table.name == table and all(
            any(c.target == col for c in other.columns) for col in columns
        ):
            picked = ", ".join(q(c) for c in columns)
            selects.append(f"SELECT {picked} FROM {q(run.temp('rows', other))}")
    return selects


def _lookup_table(run: Run, plan: LoadPlan, col: ColumnPlan, lookup: Lookup) -> str:
    """Materialize match value -> key (smallest key when ambiguous) for one lookup column."""
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
    return name


def _check_lookup(run: Run, plan: LoadPlan, col: ColumnPlan, lookup: Lookup, lk: str) -> None:
    """Warn about values that match nothing (kept raw) or match several rows."""
    rows = q(run.temp("rows", plan))
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


def apply(run: Run, plan: LoadPlan, report: LoadReport) -> None:
    """Resolve lookups and upsert the load's clean rows into its target table."""
    con = run.con
    table = plan.table
    rows = q(run.temp("rows", plan))
    p = Params()
    joins, exprs = [], {}
    for col in plan.columns:
        exprs[col.target] = f"v.{q(col.target)}"
        if col.lookup is not None:
            lk = _lookup_table(run, plan, col, col.lookup)
            _check_lookup(run, plan, col, col.lookup, lk)
            alias = f"l{col.index}"
            joins.append(f"LEFT JOIN {q(lk)} {alias} ON {alias}.k = v.{q(col.target)}")
            exprs[col.target] = f"coalesce({alias}.v, v.{q(col.target)})"
    if table.has("source_system") and "source_system" not in exprs:
        exprs["source_system"] = p.add(run.system)
    if table.has("source_id") and "source_id" not in exprs and len(plan.key) == 1:
        exprs["source_id"] = f"CAST(v.{q(plan.key[0])} AS VARCHAR)"
    if _has_extra(plan):
        exprs["extra"] = "v.__extra"

    targets = list(exprs)
    select = (f"SELECT {', '.join(f'{e} AS {q(t)}' for t, e in exprs.items())} "
              f"FROM {rows} v {' '.join(joins)}")
    key_lookup = any(plan.column(k).lookup for k in plan.key)
    keys = ", ".join(q(k) for k in plan.key)
    on_key = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in plan.key)

    if table.primary_key and not key_lookup:
        source, counted, params = f"({select})", rows, p.values
    else:
        res = run.temp("res", plan)
        con.execute(
            f"CREATE TEMP TABLE {q(res)} AS {select} "
            f"QUALIFY row_number() OVER (PARTITION BY {', '.join(exprs[k] for k in plan.key)} "
            "ORDER BY v.__rid) = 1",
            p.values,
        )
        run.temp_tables.append(res)
        source, counted, params = q(res), q(res), {}

    columns = ", ".join(q(t) for t in targets)
    updates = [t for t in targets if t not in plan.key]
    if table.primary_key:
        (updated,) = one(
            con, f"SELECT count(*) FROM {counted} s SEMI JOIN {q(table.name)} t ON {on_key}"
        )
        action = ("DO UPDATE SET " + ", ".join(f"{q(t)} = excluded.{q(t)}" for t in updates)
                  if updates else "DO NOTHING")
        # No key exists yet (first import): a plain insert skips the conflict checks.
        conflict = f" ON CONFLICT ({keys}) {action}" if updated else ""
        (written,) = one(
            con,
            f"INSERT INTO {q(table.name)} ({columns}) SELECT * FROM {source}{conflict}",
            params,
        )
    else:
        null_safe = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM s.{q(k)}" for k in plan.key)
        (updated,) = one(
            con, f"SELECT count(*) FROM {counted} s SEMI JOIN {q(table.name)} t ON {null_safe}"
        )
        con.execute(f"DELETE FROM {q(table.name)} t USING {source} s WHERE {null_safe}")
        (written,) = one(con, f"INSERT INTO {q(table.name)} ({columns}) SELECT * FROM {source}")
    total = int(written)
    report.updated = int(updated)
    # DO NOTHING counts only new rows; otherwise the count covers inserts and updates.
    report.inserted = total if table.primary_key and not updates else max(total - updated, 0)
