"""Checking a mapping against the warehouse schema and the export files, before any write.

Every fatal problem that can be found without loading data (unknown table or column, missing
file, missing required header, a lookup into a table without a single-column key) is raised
here, so a failed import usually never opens a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tools.importer.errors import MappingError, SourceError
from tools.importer.mapping import ColumnSpec, Load, Mapping, normalize_header
from tools.importer.reader import SourceFile, describe, find_files
from tools.importer.schema import Table, kind_of
from tools.suggest import did_you_mean

_NUMERIC = {"number", "integer"}


@dataclass(frozen=True)
class DateFormat:
    """How one file's column is parsed: ISO cast, strptime formats, or Excel serials."""

    kind: str
    """'iso', 'strptime' or 'excel'."""
    formats: tuple[str, ...] = ()
    label: str = "ISO 8601"
    """What the summary and reject reasons call the format."""


ISO = DateFormat("iso")
EXCEL = DateFormat("excel", label="Excel serial day numbers")


@dataclass(frozen=True)
class Lookup:
    """Resolve a value by matching `table.match`; the result is the table's key column."""

    table: str
    match: str
    key: str

    @property
    def label(self) -> str:
        """`users.full_name`, as written in the mapping."""
        return f"{self.table}.{self.match}"


@dataclass
class ColumnPlan:
    """One target column of a load, with the source headers chosen per file."""

    index: int
    target: str
    sql_type: str
    kind: str
    spec: ColumnSpec
    required: bool
    value_map: dict[str, str] | None
    lookup: Lookup | None
    main: list[str | None] = field(default_factory=list)
    """Per file: the header giving the main value (None when absent and optional)."""
    fallbacks: list[list[str]] = field(default_factory=list)
    concat: list[list[str | None]] = field(default_factory=list)
    dates: list[DateFormat] = field(default_factory=list)
    """Per file: how a date or timestamp column's text is parsed (set by dates.detect_dates)."""

    @property
    def header(self) -> str | None:
        """The header used in the first file, for the summary."""
        if self.spec.value is not None:
            return None
        if self.spec.concat is not None:
            return " + ".join(h for h in self.concat[0] if h) if self.concat else None
        return self.main[0] if self.main else None


@dataclass
class LoadPlan:
    """A load resolved against the schema and its files."""

    index: int
    load: Load
    table: Table
    files: list[SourceFile]
    columns: list[ColumnPlan]
    key: list[str]
    raw_headers: list[str]
    unmapped: list[str]

    @property
    def label(self) -> str:
        """Name used in messages."""
        return self.load.name

    def column(self, target: str) -> ColumnPlan:
        """The plan of a target column."""
        return next(c for c in self.columns if c.target == target)

    def key_columns(self) -> list[ColumnPlan]:
        """The plans of the key columns, in key order."""
        return [self.column(k) for k in self.key]

    @property
    def file_names(self) -> list[str]:
        """Names of the files read."""
        return [f.name for f in self.files]


def match_header(headers: tuple[str, ...], candidates: list[str]) -> str | None:
    """First candidate found among headers: exact name first, then normalized
    (docs/metrics.md#import-mapping)."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalize_header(header), header)
    for candidate in candidates:
        if candidate in headers:
            return candidate
        found = by_norm.get(normalize_header(candidate))
        if found is not None:
            return found
    return None


def _lookup(spec: ColumnSpec, where: str, schema: dict[str, Table]) -> Lookup | None:
    if spec.lookup is None:
        return None
    table_name, match = spec.lookup.split(".")
    table = schema.get(table_name)
    if table is None:
        raise MappingError(f"{where}: lookup table '{table_name}' does not exist"
                           f"{did_you_mean(table_name, list(schema))}")
    if not table.has(match):
        raise MappingError(f"{where}: lookup column '{spec.lookup}' does not exist"
                           f"{did_you_mean(match, list(table.columns))}")
    if len(table.primary_key) != 1:
        raise MappingError(f"{where}: lookups need a table with a one-column primary key; "
                           f"{table_name} has none")
    return Lookup(table_name, match, table.primary_key[0])


def _check_spec(spec: ColumnSpec, kind: str, where: str) -> None:
    if spec.date_format is not None and kind not in {"date", "timestamp"}:
        raise MappingError(f"{where}: `date_format` needs a date or timestamp column")
    if (spec.scale is not None or spec.percent or spec.thousands) and kind not in _NUMERIC:
        raise MappingError(f"{where}: `scale`, `percent` and `thousands` need a numeric column")
    if spec.lookup is not None and kind != "text":
        raise MappingError(f"{where}: `lookup` needs a text column")


def _resolve_headers(
    plan: ColumnPlan, files: list[SourceFile], optional: bool, essential: bool, where: str
) -> None:
    spec = plan.spec
    for file in files:
        if spec.value is not None:
            continue
        if spec.concat is not None:
            parts = [match_header(file.headers, [name]) for name in spec.concat]
            missing = [n for n, h in zip(spec.concat, parts, strict=True) if h is None]
            if missing and not optional:
                _missing(file, missing[0], where, essential)
            plan.concat.append(parts)
            continue
        header = match_header(file.headers, spec.headers)
        if header is None and not optional:
            _missing(file, " / ".join(spec.headers), where, essential)
        plan.main.append(header)
        found = [match_header(file.headers, [name]) for name in spec.fallbacks]
        plan.fallbacks.append([h for h in found if h is not None])


def _missing(file: SourceFile, wanted: str, where: str, required: bool) -> None:
    kind = "required column" if required else "column"
    listed = ", ".join(file.headers[:30])
    hint = "" if required else "; add `optional = true` to that column if exports may lack it"
    raise SourceError(
        f"{file.name} has no {kind} '{wanted}' (needed for {where})"
        f"{did_you_mean(wanted, list(file.headers))}. Columns in the file: {listed}{hint}"
    )


def plan_load(
    con: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    index: int,
    load: Load,
    schema: dict[str, Table],
    source: Path,
    described: dict[tuple, SourceFile],
) -> LoadPlan | None:
    """Resolve one load; None when its file is optional and absent.

    `described` caches file headers across the loads of a run, so a file read by several
    loads is sniffed once.
    """
    table = schema.get(load.table)
    if table is None:
        raise MappingError(f"load '{load.name}': table '{load.table}' is not in the warehouse"
                           f"{did_you_mean(load.table, list(schema))}")
    specs = load.specs
    for target in specs:
        if not table.has(target):
            raise MappingError(f"load '{load.name}': {load.table} has no column '{target}'"
                               f"{did_you_mean(target, list(table.columns))}")
    key = list(table.primary_key) or list(load.key or [])
    if not key:
        raise MappingError(f"load '{load.name}': {load.table} has no primary key; list the "
                           "columns that identify a row in `key`, e.g. key = [\"territory_id\", "
                           "\"user_id\"]")
    if load.key and table.primary_key and list(load.key) != list(table.primary_key):
        raise MappingError(f"load '{load.name}': {load.table} is keyed by its primary key "
                           f"({', '.join(table.primary_key)}); remove `key`")
    for column in key:
        if column not in specs:
            raise MappingError(f"load '{load.name}': key column {load.table}.{column} is not "
                               "mapped; every row needs it")
    paths = find_files(source, load)
    if not paths:
        if load.optional:
            return None
        raise SourceError(f"no file in {source} matches {' or '.join(load.patterns)} "
                          f"(needed for {load.table}); check --source, or mark the load "
                          "`optional = true`")
    files = []
    for path in paths:
        read_key = (str(path), load.format, load.delimiter, load.quote, load.encoding)
        if read_key not in described:
            described[read_key] = describe(con, path, load)
        files.append(described[read_key])

    ordered = key + [t for t in specs if t not in key]
    columns: list[ColumnPlan] = []
    for i, target in enumerate(ordered):
        spec = specs[target]
        where = f"{load.table}.{target}"
        sql_type = table.columns[target]
        kind = kind_of(sql_type)
        _check_spec(spec, kind, where)
        required = spec.required or (target in key and not load.distinct)
        optional = not required and (
            spec.optional if spec.optional is not None else load.optional_columns
        )
        plan = ColumnPlan(i, target, sql_type, kind, spec, required, mapping.value_map(spec),
                          _lookup(spec, where, schema))
        _resolve_headers(plan, files, optional, required or target in key, where)
        columns.append(plan)

    raw_headers: list[str] = []
    for file in files:
        raw_headers += [h for h in file.headers if h not in raw_headers]
    used = {h for c in columns for h in c.main if h}
    used |= {h for c in columns for hs in c.fallbacks for h in hs}
    used |= {h for c in columns for hs in c.concat for h in hs if h}
    unmapped = [h for h in raw_headers if h not in used]
    return LoadPlan(index, load, table, files, columns, key, raw_headers, unmapped)
