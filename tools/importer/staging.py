"""Reading export files into temporary staging tables, parsed and validated in one scan.

Loads that read the same files with the same options form a group and share one scan, so a
file feeding several loads (the Maven sales_teams.csv feeds six) is parsed once; a column two
loads compute the same way (same headers, same spec, same type) is computed once. Each load
then sees its slice of the staging table through a view with plain names: `__rid` (row order),
`__fi` (file index), `__c<i>` (parsed column i), `__err` (first failing column, NULL when the
row is valid), `__err_v` (the failing value) and `__extra` (unmapped columns as JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from tools.importer.errors import MappingError, SourceError
from tools.importer.plan import ColumnPlan, LoadPlan
from tools.importer.reader import explain, read_sql
from tools.importer.sql import Params, one, q
from tools.importer.transforms import (
    Names,
    base_expr,
    can_fail,
    invalid_check,
    is_direct,
    mapped_expr,
    parsed_expr,
)

Slot = tuple[Names, int]
"""Where a column's layers live in the shared scan: the computing load's names and index."""


@dataclass
class Group:
    """Loads reading the same files with the same options, staged together in one scan."""

    index: int
    plans: list[LoadPlan]
    slots: dict[tuple[int, int], Slot] = field(default_factory=dict)
    """(load index, column index) -> the slot that computes it."""
    owners: set[tuple[int, int]] = field(default_factory=set)
    """The (load index, column index) pairs that compute their own column."""


def group_plans(plans: list[LoadPlan]) -> list[Group]:
    """Group loads by the files they read; give identical columns a single slot."""
    groups: dict[tuple, Group] = {}
    for plan in plans:
        load = plan.load
        key = (tuple(str(f.path) for f in plan.files), tuple(f.format for f in plan.files),
               load.delimiter, load.quote, load.encoding)
        groups.setdefault(key, Group(len(groups), [])).plans.append(plan)
    for group in groups.values():
        seen: dict[tuple, Slot] = {}
        for plan in group.plans:
            for col in plan.columns:
                signature = _signature(plan, col)
                if signature not in seen:
                    seen[signature] = (names_of(plan), col.index)
                    group.owners.add((plan.index, col.index))
                group.slots[(plan.index, col.index)] = seen[signature]
    return list(groups.values())


def names_of(plan: LoadPlan) -> Names:
    """Alias prefix of a load inside its group's scan."""
    return Names(f"__l{plan.index}_")


def _signature(plan: LoadPlan, col: ColumnPlan) -> tuple:
    """Everything that decides a column's staged value, and nothing else."""
    spec = col.spec.model_dump_json(exclude={"lookup", "create_missing", "required", "optional"})
    return (spec, col.sql_type, tuple(col.main), tuple(map(tuple, col.fallbacks)),
            tuple(map(tuple, col.concat)), _direct(plan, col),
            tuple(sorted((col.value_map or {}).items())), tuple(col.dates))


def _direct(plan: LoadPlan, col: ColumnPlan) -> bool:
    """Whether a Parquet column already has the target's kind (no text round trip)."""
    types = set()
    for fi, file in enumerate(plan.files):
        header = col.main[fi] if col.main else None
        if file.format != "parquet" or header is None:
            return False
        types.add(file.types[file.headers.index(header)])
    return len(types) == 1 and is_direct(col, types.pop())


def extra_headers(plan: LoadPlan, fi: int) -> list[str]:
    """Unmapped headers of file `fi` that go into the `extra` JSON column."""
    load, table = plan.load, plan.table
    if not (load.extra and not load.distinct and table.has("extra")):
        return []
    return [h for h in plan.files[fi].headers if h in plan.unmapped]


def has_extra(plan: LoadPlan) -> bool:
    """Whether the load fills the `extra` column."""
    return any(extra_headers(plan, fi) for fi in range(len(plan.files)))


def is_constant(col: ColumnPlan) -> bool:
    """Whether a column has the same value on every row: a constant, or no header in any file.

    Constant columns are computed once into a one-row table instead of once per row, which
    keeps absent optional columns from costing a stored column each on large files.
    """
    if col.spec.value is not None:
        return True
    if col.spec.concat is not None:
        return all(h is None for parts in col.concat for h in parts)
    return all(h is None for h in col.main) and not any(col.fallbacks)


def _sources(plan: LoadPlan, col: ColumnPlan, fi: int, names: Names) -> list[str]:
    """The headers of file `fi` a column reads, under the aliases its expressions use."""
    null = "CAST(NULL AS VARCHAR)"
    i = col.index
    if col.spec.value is not None:
        return []
    if col.spec.concat is not None:
        return [f"{q(h) if h else null} AS {names.concat(i, j)}"
                for j, h in enumerate(col.concat[fi])]
    main = col.main[fi]
    cols = [f"{q(main) if main else null} AS {names.main(i)}"]
    found = col.fallbacks[fi]
    for j in range(max(len(f) for f in col.fallbacks)):
        cols.append(f"{q(found[j]) if j < len(found) else null} AS {names.fallback(i, j)}")
    return cols


def _checks(plan: LoadPlan, group: Group) -> list[tuple[str, int]]:
    """(condition, column index) pairs that reject a row, in column order."""
    checks = []
    for c in plan.columns:
        if is_constant(c):
            continue
        names, i = group.slots[(plan.index, c.index)]
        t, v = names.layer("t", i), names.layer("c", i)
        if c.required:
            checks.append((f"{t} IS NULL", c.index))
        if can_fail(c):
            checks.append((invalid_check(t, v), c.index))
    return checks


def rejecting_columns(plan: LoadPlan) -> list[ColumnPlan]:
    """The columns whose value can reject a row."""
    return [c for c in plan.columns if c.required or can_fail(c)]


def _errors(plan: LoadPlan, group: Group) -> list[str]:
    """Per load: the first failing column (NULL when the row is valid)."""
    checks = _checks(plan, group)
    err = " ".join(f"WHEN {cond} THEN {i}" for cond, i in checks)
    value = f"CASE {err} END" if checks else "CAST(NULL AS INTEGER)"
    return [f"{value} AS {names_of(plan).column('err')}"]


def _outputs(plan: LoadPlan, group: Group, fi: int, p: Params) -> list[str]:
    """Per load: the failing column's text and the extra JSON, reading the `err` layer.

    The failing value is looked up only on rows that failed (CASE runs its THEN branch on
    the selected rows alone), so valid rows do not evaluate the checks a second time.
    """
    names = names_of(plan)
    err = names.column("err")
    slot = {c.index: group.slots[(plan.index, c.index)] for c in plan.columns}
    failing = sorted({i for _, i in _checks(plan, group)})
    if failing:
        whens = " ".join(
            f"WHEN {i} THEN CAST({slot[i][0].layer('t', slot[i][1])} AS VARCHAR)"
            for i in failing
        )
        outputs = [err, f"CASE WHEN {err} IS NOT NULL THEN CASE {err} {whens} END END AS "
                        f"{names.column('err_v')}"]
    else:
        outputs = [err, f"CAST(NULL AS VARCHAR) AS {names.column('err_v')}"]
    extra = extra_headers(plan, fi)
    if extra:
        pairs = ", ".join(f"{p.add(h)}, {names.extra(k)}" for k, h in enumerate(extra))
        outputs.append(f"json_object({pairs}) AS {names.column('extra')}")
    elif has_extra(plan):
        outputs.append(f"CAST(NULL AS JSON) AS {names.column('extra')}")
    return outputs


def _file_select(group: Group, fi: int) -> tuple[str, dict[str, object]]:
    """SELECT staging file `fi` for every load of the group in one scan.

    Nested layers (text, then value map and default, then typed parse, then the first
    failing column) so each step reads the previous one's column instead of repeating its
    expression.
    """
    p = Params()
    first = group.plans[0]
    file = first.files[fi]
    read, params = read_sql(file.format, first.load, "path")
    sources: list[str] = []
    base, mapped, parsed, kept = [], [], [], [f"{fi} AS __fi"]
    for plan in group.plans:
        names = names_of(plan)
        for c in plan.columns:
            if (plan.index, c.index) not in group.owners or is_constant(c):
                continue
            direct = _direct(plan, c)
            b, t, v = (names.layer(step, c.index) for step in "btc")
            sources += _sources(plan, c, fi, names)
            base.append(f"{base_expr(c, p, names, direct)} AS {b}")
            mapped.append(f"{mapped_expr(c, p, b)} AS {t}")
            parsed.append(f"{parsed_expr(c, p, t, direct, fi)} AS {v}")
            kept.append(v)
        sources += [f"{q(h)} AS {names.extra(k)}" for k, h in enumerate(extra_headers(plan, fi))]
    outputs = kept + [o for plan in group.plans for o in _outputs(plan, group, fi, p)]
    errors = [e for plan in group.plans for e in _errors(plan, group)]
    src = f"SELECT {', '.join(sources) or '1 AS __one'} FROM {read}"
    sql = (
        f"SELECT {', '.join(outputs)} FROM (SELECT *, {', '.join(errors)} FROM (SELECT *, "
        f"{', '.join(parsed)} FROM (SELECT *, {', '.join(mapped)} FROM (SELECT *, "
        f"{', '.join(base)} FROM ({src})))))"
    )
    return sql, {**params, "path": str(file.path), **p.values}


def constants_table(table: str, plan: LoadPlan) -> str:
    """Name of the one-row table holding a load's constant columns."""
    return f"{table}_k{plan.index}"


def _constants(con: duckdb.DuckDBPyConnection, plan: LoadPlan, table: str) -> str | None:
    """Compute a load's constant columns once; fail if a constant does not parse."""
    cols = [c for c in plan.columns if is_constant(c)]
    if not cols:
        return None
    p = Params()
    names = Names("__k")
    nulls = [f"CAST(NULL AS VARCHAR) AS {alias}" for c in cols
             for alias in _aliases(c, names)] or ["1 AS __one"]
    base = ", ".join(f"{base_expr(c, p, names, False)} AS {names.layer('b', c.index)}"
                     for c in cols)
    mapped = ", ".join(f"{mapped_expr(c, p, names.layer('b', c.index))} AS "
                       f"{names.layer('t', c.index)}" for c in cols)
    parsed = ", ".join(f"{parsed_expr(c, p, names.layer('t', c.index), False)} AS "
                       f"__c{c.index}" for c in cols)
    texts = ", ".join(f"CAST({names.layer('t', c.index)} AS VARCHAR) AS __t{c.index}"
                      for c in cols)
    name = constants_table(table, plan)
    con.execute(
        f"CREATE TEMP TABLE {q(name)} AS SELECT *, {texts} FROM (SELECT *, {parsed} FROM "
        f"(SELECT *, {mapped} FROM (SELECT *, {base} FROM (SELECT {', '.join(nulls)}))))",
        p.values,
    )
    row = con.execute(f"SELECT * FROM {q(name)}").fetchall()[0]
    values = dict(zip([d[0] for d in con.description or []], row, strict=False))
    for c in cols:
        text, value = values[f"__t{c.index}"], values[f"__c{c.index}"]
        where = f"{plan.table.name}.{c.target}"
        if text is not None and value is None and can_fail(c):
            raise MappingError(f"load '{plan.label}': {where} = '{text}' is not a valid "
                               f"{c.kind} value for {c.sql_type}")
        if text is None and c.required:
            raise MappingError(f"load '{plan.label}': {where} is required but has no value")
    return name


def _aliases(col: ColumnPlan, names: Names) -> list[str]:
    """Source aliases a column's base expression reads (all NULL for a constant)."""
    if col.spec.value is not None:
        return []
    if col.spec.concat is not None:
        return [names.concat(col.index, j) for j in range(len(col.spec.concat))]
    return [names.main(col.index)]


def read_group(con: duckdb.DuckDBPyConnection, group: Group, table: str) -> tuple[list[int],
                                                                                  list[str]]:
    """Read and parse a group's files into staging `table`.

    Returns where each file starts and the temporary tables created. Run it outside the
    import transaction (it writes only temporary tables): rowids are dense and in file order
    only for committed rows, and a row's rowid then gives its row number without a window
    over the whole file.
    """
    offsets: list[int] = []
    created: list[str] = []
    total = 0
    for fi in range(len(group.plans[0].files)):
        sql, params = _file_select(group, fi)
        verb = f"CREATE TEMP TABLE {q(table)} AS" if fi == 0 else f"INSERT INTO {q(table)}"
        try:
            con.execute(f"{verb} {sql}", params)
        except duckdb.Error as exc:
            file = group.plans[0].files[fi]
            raise SourceError(explain(file.name, exc, file.path)) from exc
        if fi == 0:
            created.append(table)
        offsets.append(total)
        (total,) = one(con, f"SELECT count(*) FROM {q(table)}")
    for plan in group.plans:
        constants = _constants(con, plan, table)
        if constants:
            created.append(constants)
    return offsets, created


def stage_view_sql(plan: LoadPlan, group: Group, table: str) -> str:
    """SELECT of one load's slice of the staging table under plain names."""
    names = names_of(plan)
    cols = ["s.rowid AS __rid", "s.__fi"]
    for c in plan.columns:
        if is_constant(c):
            cols.append(f"k.__c{c.index}")
            continue
        slot_names, i = group.slots[(plan.index, c.index)]
        cols.append(f"s.{slot_names.layer('c', i)} AS __c{c.index}")
    cols += [f"s.{names.column('err')} AS __err", f"s.{names.column('err_v')} AS __err_v"]
    if has_extra(plan):
        cols.append(f"s.{names.column('extra')} AS __extra")
    constants = (f" CROSS JOIN {q(constants_table(table, plan))} k"
                 if any(is_constant(c) for c in plan.columns) else "")
    return f"SELECT {', '.join(cols)} FROM {q(table)} s{constants}"
