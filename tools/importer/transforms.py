"""SQL expressions that turn a source value into a target value, one layer per step.

Layer `b` builds the text value (header, fallbacks, concat, split, template), layer `t` applies
the value map and default, layer `c` parses into the target type with TRY_CAST, so a value
that does not parse becomes NULL and the row can be rejected with the reason. Column aliases
carry a per-load prefix because several loads reading the same file are staged in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.importer.dates import FIRST_YEAR, LAST_YEAR, in_range
from tools.importer.mapping import as_text
from tools.importer.plan import ISO, ColumnPlan
from tools.importer.schema import kind_of
from tools.importer.sql import Params


@dataclass(frozen=True)
class Names:
    """Aliases of one load's columns inside a shared staging statement."""

    prefix: str

    def main(self, i: int) -> str:
        """Column i's main source header."""
        return f"{self.prefix}m{i}"

    def fallback(self, i: int, j: int) -> str:
        """Column i's j-th fallback header."""
        return f"{self.prefix}f{i}_{j}"

    def concat(self, i: int, j: int) -> str:
        """Column i's j-th concatenated header."""
        return f"{self.prefix}k{i}_{j}"

    def extra(self, k: int) -> str:
        """The k-th unmapped header (for the extra JSON)."""
        return f"{self.prefix}x{k}"

    def layer(self, step: str, i: int) -> str:
        """Column i after layer `step` (b, t or c)."""
        return f"{self.prefix}{step}{i}"

    def column(self, name: str) -> str:
        """A per-load output column (err, err_v, extra)."""
        return f"{self.prefix}{name}"


def text(expr: str) -> str:
    """A source value as text without surrounding spaces, empty meaning NULL.

    trim() copies every string, so it only runs on values that start or end with a space.
    """
    v = f"CAST({expr} AS VARCHAR)"
    return f"nullif(CASE WHEN prefix({v}, ' ') OR suffix({v}, ' ') THEN trim({v}) ELSE {v} END, '')"


def _plain(col: ColumnPlan) -> bool:
    spec = col.spec
    return (
        spec.column is not None and not spec.fallbacks and spec.split is None
        and spec.template is None and spec.map is None and spec.default is None
        and spec.lookup is None
    )


def is_direct(col: ColumnPlan, source_type: str | None) -> bool:
    """Whether a typed (Parquet) source can be cast straight into the target, skipping text."""
    spec = col.spec
    untouched = (
        _plain(col) and spec.scale is None and not spec.percent and spec.thousands is None
        and spec.date_format is None
    )
    return (
        untouched and source_type is not None and kind_of(source_type) == col.kind
        and col.kind not in {"text", "json"}
    )


def base_expr(col: ColumnPlan, p: Params, names: Names, direct: bool) -> str:
    """Layer b: the value as text before value maps."""
    spec = col.spec
    i = col.index
    if direct:
        return names.main(i)
    if spec.value is not None:
        return f"CAST({p.add(as_text(spec.value))} AS VARCHAR)"
    if spec.concat is not None:
        parts = ", ".join(text(names.concat(i, j)) for j in range(len(spec.concat)))
        expr = f"nullif(concat_ws(CAST({p.add(spec.separator)} AS VARCHAR), {parts}), '')"
    else:
        width = max((len(f) for f in col.fallbacks), default=0)
        options = [text(names.main(i))]
        options += [text(names.fallback(i, j)) for j in range(width)]
        expr = options[0] if len(options) == 1 else f"coalesce({', '.join(options)})"
    if spec.split is not None:
        expr = f"nullif(trim(split_part({expr}, {p.add(spec.split)}, 1)), '')"
    if spec.template is not None:
        prefix, suffix = spec.template.split("{value}", 1)
        expr = f"({p.add(prefix)} || {expr} || {p.add(suffix)})"
    return expr


def mapped_expr(col: ColumnPlan, p: Params, source: str) -> str:
    """Layer t: value map (case-insensitive, trimmed keys) and default on the text value."""
    expr = source
    if col.value_map:
        whens = " ".join(
            f"WHEN {p.add(key)} THEN {p.add(value)}" for key, value in col.value_map.items()
        )
        otherwise = source if col.spec.otherwise is None else p.add(as_text(col.spec.otherwise))
        expr = f"nullif(CASE lower({source}) {whens} ELSE {otherwise} END, '')"
    if col.spec.default is not None:
        expr = f"coalesce({expr}, {p.add(as_text(col.spec.default))})"
    return expr


def _timestamp(x: str) -> str:
    """ISO timestamp text -> UTC TIMESTAMP.

    A non-zero UTC offset ("+02:00", "+0200", "-05") needs the TIMESTAMPTZ cast; "Z" and naive
    values cast directly (naive ones are taken as UTC). Offsets are recognized by a sign where
    they end, only past the length of a date and time, so the "-15" of "2024-01-15" is not one.
    """
    sign = " OR ".join(f"substr({x}, {pos}, 1) IN ('+', '-')" for pos in (-6, -5, -3))
    return (
        f"CASE WHEN length({x}) > 16 AND ({sign}) "
        f"THEN TRY_CAST({x} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' "
        f"ELSE TRY_CAST({x} AS TIMESTAMP) END"
    )


def _date(col: ColumnPlan, p: Params, x: str, fi: int) -> str:
    """A date or timestamp in the column's format (given, or detected per file)."""
    sql_type = col.sql_type
    fmt = col.dates[fi] if fi < len(col.dates) else ISO
    if col.spec.date_formats:
        value = f"try_strptime({x}, {p.add(col.spec.date_formats)}::VARCHAR[])"
    elif fmt.kind == "strptime":
        value = f"try_strptime({x}, {p.add(list(fmt.formats))}::VARCHAR[])"
    elif fmt.kind == "excel":
        value = (f"TIMESTAMP '1899-12-30' + to_microseconds(CAST(round("
                 f"TRY_CAST({x} AS DOUBLE) * 86400000000) AS BIGINT))")
    elif col.kind == "date":
        return in_range(f"coalesce(TRY_CAST({x} AS DATE), CAST({_timestamp(x)} AS DATE))",
                        sql_type)
    else:
        return in_range(_timestamp(x), sql_type)
    return in_range(f"CAST({value} AS {sql_type})", sql_type)


def parsed_expr(col: ColumnPlan, p: Params, x: str, direct: bool, fi: int = 0) -> str:
    """Layer c: the target-typed value, NULL when the text does not parse.

    Dates and timestamps outside 1900-2100 are NULL too, so the row is rejected rather than
    stored with a year like 0002 (a 2-digit year read as 4 digits).
    """
    spec, kind, sql_type = col.spec, col.kind, col.sql_type
    if direct:
        value = f"TRY_CAST({x} AS {sql_type})"
        return in_range(value, sql_type) if kind in {"date", "timestamp"} else value
    if kind == "text":
        return x
    if kind == "json":
        return f"TRY_CAST({x} AS JSON)"
    if kind == "boolean":  # DuckDB accepts exactly true/false, t/f, yes/no, y/n, 1/0
        return f"TRY_CAST({x} AS BOOLEAN)"
    if kind in {"date", "timestamp"}:
        return _date(col, p, x, fi)
    # number / integer
    if spec.thousands:
        x = f"replace({x}, {p.add(spec.thousands)}, '')"
    factor = (spec.scale if spec.scale is not None else 1.0) * (0.01 if spec.percent else 1.0)
    if factor != 1.0:
        f = p.add(factor)
        scaled = f"TRY_CAST(TRY_CAST({x} AS DOUBLE) * {f}::DOUBLE AS {sql_type})"
        if not spec.percent:
            return scaled
        # strip "%" only when the plain number did not parse: stripping copies the string
        number = f"TRY_CAST(rtrim(rtrim({x}, '%')) AS DOUBLE)"
        stripped = f"TRY_CAST({number} * {f}::DOUBLE AS {sql_type})"
        return f"coalesce({scaled}, {stripped})"
    return f"coalesce(TRY_CAST({x} AS {sql_type}), TRY_CAST(TRY_CAST({x} AS DOUBLE) AS {sql_type}))"


def invalid_check(t: str, c: str) -> str:
    """A present value that did not parse."""
    return f"{t} IS NOT NULL AND {c} IS NULL"


def invalid_message(col: ColumnPlan) -> str:
    """What a value that fails to parse into this column is called in a reject reason."""
    if col.kind in {"date", "timestamp"}:
        fmts = col.spec.date_formats
        label = " or ".join(fmts) if fmts else (col.dates[0] if col.dates else ISO).label
        return (f"not a {col.kind} from {FIRST_YEAR} to {LAST_YEAR} (expected {label})")
    return {
        "number": "not a number",
        "integer": "not a whole number",
        "boolean": "not a true/false value",
        "json": "not valid JSON",
    }.get(col.kind, "invalid value")


def can_fail(col: ColumnPlan) -> bool:
    """Whether parsing this column can reject a row."""
    return col.kind != "text"
