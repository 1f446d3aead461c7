"""Detecting how an export writes a date or timestamp column, one format per column.

Exports write dates as ISO 8601 (`2024-01-22T16:14:25.000+0000`), US or European dates with
2- or 4-digit years (`02/03/24`, `31.01.2024`), month names (`3-Feb-24`, `Feb 3, 2024`),
12-hour times (`02/23/26 08:55 PM`) or Excel serial numbers (`45321`). Each value's *shape*
(digits as 9, letters as a) says which strptime format reads it; the column takes the formats
of its most common family. Whether `01/02/24` is January 2 or February 1 is decided from the
values (a first part above 12 is a day); when every part is 12 or less the mapping's
`date_order` decides, and the summary says so. DuckDB's strptime then parses with the detected
formats (transforms.parsed_expr).

A first sample of each file is checked before anything else: a column whose sampled values all
read as ISO stays on the fast ISO cast, so a clean export pays for no full extra scan.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import duckdb

from tools.importer.errors import SourceError
from tools.importer.plan import EXCEL, ISO, ColumnPlan, DateFormat, LoadPlan
from tools.importer.reader import read_sql
from tools.importer.sql import Params, q
from tools.importer.summary import Inferred

SAMPLE_ROWS = 2048
FIRST_YEAR, LAST_YEAR = 1900, 2100
ORDERS = {"MDY": "month/day/year", "DMY": "day/month/year"}

_TIME = r"(?: +(?P<h>9{1,2}):(?P<m>99)(?::(?P<s>99)(?P<f>\.9+)?)?\s*(?P<p>a)?)?"
_SLASHED = re.compile(r"(?P<a>9{1,4})(?P<sep>[/.\-])(?P<b>9{1,2})(?P=sep)(?P<c>9{2,4})" + _TIME)
_DAY_MONTH_NAME = re.compile(r"(?P<d>9{1,2})(?P<sep>[ \-/.])a(?P=sep)(?P<y>99|9999)" + _TIME)
_MONTH_NAME_DAY = re.compile(r"a (?P<d>9{1,2})(?P<comma>,?) (?P<y>9999)" + _TIME)
_ISO = re.compile(r"9{4}-99-99(?:[ a].*)?")
_EXCEL = re.compile(r"9{5}(?:\.9+)?")
_COMPACT = re.compile(r"9{8}")




@dataclass(frozen=True)
class _Shape:
    family: str
    """'iso', 'excel', 'ymd', 'named' (a month name) or 'xy' (day and month in an order the
    values must tell)."""
    format: str = ""
    """strptime format with %A/%B standing for the two parts of an 'xy' date."""


def _time(m: re.Match[str]) -> str:
    if not m["h"]:
        return ""
    hour = "%I" if m["p"] else "%H"
    fmt = f" {hour}:%M" + (":%S" if m["s"] else "") + (".%f" if m["f"] else "")
    return fmt + (" %p" if m["p"] else "")


def classify(shape: str) -> _Shape | None:
    """The family and format of one value shape (`99/99/99 99:99 a`); None when unknown."""
    shape = shape.strip()
    if _ISO.fullmatch(shape):
        return _Shape("iso")
    if _EXCEL.fullmatch(shape):
        return _Shape("excel")
    if _COMPACT.fullmatch(shape):
        return _Shape("ymd", "%Y%m%d")
    named = _DAY_MONTH_NAME.fullmatch(shape)
    if named:  # 3-Feb-24, 03 February 2024 (%b also reads full names' first three letters)
        year = "%Y" if len(named["y"]) == 4 else "%y"
        sep = named["sep"]
        return _Shape("named", f"%d{sep}%b{sep}{year}{_time(named)}")
    named = _MONTH_NAME_DAY.fullmatch(shape)
    if named:  # Feb 3, 2024, February 3 2024
        return _Shape("named", f"%b %d{named['comma']} %Y{_time(named)}")
    m = _SLASHED.fullmatch(shape)
    if m is None:
        return None
    sep, time = m["sep"], _time(m)
    if len(m["a"]) == 4 and len(m["c"]) == 2:
        return _Shape("ymd", f"%Y{sep}%m{sep}%d{time}")
    if len(m["a"]) > 2 or len(m["c"]) == 3:
        return None
    year = "%Y" if len(m["c"]) == 4 else "%y"
    return _Shape("xy", f"%A{sep}%B{sep}{year}{time}")


def decide(shapes: dict[str, int], first_over_12: int, second_over_12: int,
           date_order: str | None) -> tuple[DateFormat, str | None]:
    """The column's format from its value shapes; a note when the order was not in the data.

    Raises ValueError when day and month order cannot be told and no `date_order` is set.
    """
    families: Counter[str] = Counter()
    formats: dict[str, list[str]] = {}
    for shape, n in shapes.items():
        found = classify(shape)
        if found is None:
            continue
        families[found.family] += n
        if found.format and found.format not in formats.setdefault(found.family, []):
            formats[found.family].append(found.format)
    if not families:
        return ISO, None
    family = families.most_common(1)[0][0]
    if family == "iso":
        return ISO, None
    if family == "excel":
        return EXCEL, None
    fmts = formats[family]
    note = None
    if family == "named":  # abbreviated or full month names: the shape cannot tell
        fmts = [v for f in fmts for v in (f, f.replace("%b", "%B"))]
    if family == "xy":
        if first_over_12 > second_over_12:
            order = "DMY"
        elif second_over_12 > first_over_12:
            order = "MDY"
        elif date_order is None:
            raise ValueError("every value has day and month of 12 or less, so month/day and "
                             "day/month read differently; set date_order = \"MDY\" or \"DMY\" "
                             "in the mapping")
        else:
            order = date_order
            note = (f"every day and month is 12 or less, so the order is not in the data; "
                    f"read as {ORDERS[order]} (date_order = \"{order}\")")
        a, b = ("%m", "%d") if order == "MDY" else ("%d", "%m")
        fmts = [f.replace("%A", a).replace("%B", b) for f in fmts]
    label = " or ".join(_readable(f) for f in fmts)
    return DateFormat("strptime", tuple(fmts), label), note


def _readable(fmt: str) -> str:
    """`%m/%d/%y %I:%M %p` -> `MM/DD/YY hh:mm AM/PM` for people."""
    for code, text in (("%Y", "YYYY"), ("%y", "YY"), ("%m", "MM"), ("%d", "DD"),
                       ("%b", "Mon"), ("%B", "Month"),
                       ("%H", "HH"), ("%I", "hh"), ("%M", "mm"), ("%S", "ss"), ("%f", "fff"),
                       ("%p", "AM/PM")):
        fmt = fmt.replace(code, text)
    return fmt


def _text(col: str) -> str:
    return f"nullif(trim(CAST({q(col)} AS VARCHAR)), '')"


def _iso_ok(x: str) -> str:
    """The value reads as an ISO date or timestamp (the fast path's own casts).

    DuckDB's casts also take `02/03/24` (as the year 2), so the ISO shape is checked first.
    """
    return (f"substr({x}, 5, 1) = '-' AND coalesce(TRY_CAST({x} AS TIMESTAMP), "
            f"TRY_CAST({x} AS TIMESTAMPTZ), TRY_CAST({x} AS DATE)) IS NOT NULL")


def _detectable(plan: LoadPlan, col: ColumnPlan, fi: int) -> str | None:
    """The header whose values decide the column's format in file `fi`, if any."""
    spec = col.spec
    if col.kind not in {"date", "timestamp"} or spec.date_format is not None:
        return None
    if spec.value is not None or spec.concat is not None or spec.template is not None:
        return None
    header = col.main[fi] if col.main else None
    file = plan.files[fi]
    if header is None or (file.format == "parquet"
                          and file.types[file.headers.index(header)] != "VARCHAR"):
        return None
    return header


def _sample_iso(con: duckdb.DuckDBPyConnection, plan: LoadPlan, fi: int,
                headers: list[str]) -> set[str]:
    """Headers whose first SAMPLE_ROWS values all read as ISO (or are all empty)."""
    file = plan.files[fi]
    read, params = read_sql(file.format, plan.load, "path")
    checks = ", ".join(f"bool_and({_text(h)} IS NULL OR {_iso_ok(_text(h))})" for h in headers)
    cols = ", ".join(q(h) for h in headers)
    row = con.execute(f"SELECT {checks} FROM (SELECT {cols} FROM {read} LIMIT {SAMPLE_ROWS})",
                      {**params, "path": str(file.path)}).fetchone()
    return {h for h, ok in zip(headers, row or (), strict=False) if ok is not False}


def _features(con: duckdb.DuckDBPyConnection, plan: LoadPlan, fi: int,
              headers: list[str]) -> dict[str, tuple[dict[str, int], int, int]]:
    """Per header over all values: shape counts, and how often part 1 / part 2 exceed 12."""
    file = plan.files[fi]
    read, params = read_sql(file.format, plan.load, "path")
    p = Params()
    digits, letters = p.add("[0-9]"), p.add("[A-Za-z]+")
    first, second = p.add(r"^(\d{1,2})[/.\-]"), p.add(r"^\d{1,2}[/.\-](\d{1,2})[/.\-]")
    parts = []
    for h in headers:
        x = _text(h)
        shape = f"regexp_replace(regexp_replace({x}, {digits}, '9', 'g'), {letters}, 'a', 'g')"
        parts += [
            f"histogram({shape})",
            f"count(*) FILTER (WHERE TRY_CAST(regexp_extract({x}, {first}, 1) AS INT) > 12)",
            f"count(*) FILTER (WHERE TRY_CAST(regexp_extract({x}, {second}, 1) AS INT) > 12)",
        ]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {read}",
                      {**params, "path": str(file.path), **p.values}).fetchone() or ()
    return {h: (dict(row[3 * i] or {}), int(row[3 * i + 1]), int(row[3 * i + 2]))
            for i, h in enumerate(headers)}


def detect_dates(con: duckdb.DuckDBPyConnection, plans: list[LoadPlan],
                 default_order: str | None) -> list[Inferred]:
    """Set `col.dates` (one DateFormat per file) on every date column; return what was inferred.

    Raises SourceError when a column's day/month order cannot be told and no date_order is set.
    """
    inferred: list[Inferred] = []
    done: dict[tuple[str, str], tuple[DateFormat, str | None]] = {}
    for plan in plans:
        order = plan.load.date_order or default_order
        for fi, file in enumerate(plan.files):
            wanted = {c.index: h for c in plan.columns
                      if (h := _detectable(plan, c, fi)) is not None}
            todo = sorted({h for h in wanted.values() if (str(file.path), h) not in done})
            if todo:
                iso = _sample_iso(con, plan, fi, todo)
                for h in iso:
                    done[(str(file.path), h)] = (ISO, None)
                rest = [h for h in todo if h not in iso]
                if rest:
                    for h, (shapes, a, b) in _features(con, plan, fi, rest).items():
                        try:
                            done[(str(file.path), h)] = decide(shapes, a, b, order)
                        except ValueError as exc:
                            raise SourceError(f"{file.name} column '{h}': {exc}") from exc
            for col in plan.columns:
                if not col.dates:
                    col.dates = [ISO] * len(plan.files)
                header = wanted.get(col.index)
                if header is None:
                    continue
                fmt, note = done[(str(file.path), header)]
                col.dates[fi] = fmt
                if fmt.kind != "iso":
                    inferred.append(Inferred(
                        table=plan.table.name, column=col.target, source_column=header,
                        file=file.name, what="date format", value=fmt.label, note=note))
    return _unique(inferred)


def _unique(items: list[Inferred]) -> list[Inferred]:
    seen, out = set(), []
    for item in items:
        key = (item.table, item.column, item.file)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def in_range(value: str, sql_type: str) -> str:
    """The parsed value when its year is within FIRST_YEAR..LAST_YEAR, else NULL (rejected)."""
    low, high = f"'{FIRST_YEAR}-01-01'", f"'{LAST_YEAR + 1}-01-01'"
    return (f"CASE WHEN {value} >= {low}::{sql_type} AND {value} < {high}::{sql_type} "
            f"THEN {value} END")
