"""Finding export files and reading them into DuckDB with file name and row number.

CSV is read with every column as text (`all_varchar`), so that a bad value becomes a rejected
row with a reason instead of a failed type guess; Parquet keeps its types. Row numbers are
1-based data rows (the header is not counted), per file.
"""

from __future__ import annotations

import fnmatch
import gzip
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tools.importer.errors import SourceError
from tools.importer.mapping import Load

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")


@dataclass(frozen=True)
class SourceFile:
    """One resolved export file and its header."""

    path: Path
    format: str
    headers: tuple[str, ...]
    types: tuple[str, ...]

    @property
    def name(self) -> str:
        """File name as recorded in rejects and the summary."""
        return self.path.name


def _format_of(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    lower = path.name.lower()
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    raise SourceError(
        f"{path.name}: unknown file type; name it .csv, .csv.gz or .parquet, "
        "or set `format` on the load"
    )


def find_files(source: Path, load: Load) -> list[Path]:
    """Files matching the load's first pattern that matches anything (case-insensitive)."""
    for pattern in load.patterns:
        if "/" in pattern:
            candidates = [p for p in source.rglob("*") if p.is_file()]
            names = {p: p.relative_to(source).as_posix().lower() for p in candidates}
        else:
            candidates = [p for p in source.iterdir() if p.is_file()]
            names = {p: p.name.lower() for p in candidates}
        matched = sorted(p for p, n in names.items() if fnmatch.fnmatchcase(n, pattern.lower()))
        if matched:
            return matched
    return []


def _is_empty(path: Path, fmt: str) -> bool:
    if fmt != "csv":
        return path.stat().st_size == 0
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            return not handle.read(1).strip()
    except (OSError, EOFError) as exc:
        raise SourceError(f"{path.name}: cannot read the file: {exc}") from exc


def _csv_options(load: Load) -> tuple[str, dict[str, object]]:
    """Extra read_csv arguments as SQL (names fixed here) and their bound values."""
    parts, params = [], {}
    for option, value in (("delim", load.delimiter), ("quote", load.quote),
                          ("encoding", load.encoding)):
        if value is not None:
            parts.append(f", {option} = ${option}")
            params[option] = value
    return "".join(parts), params


def read_sql(fmt: str, load: Load, path_param: str) -> tuple[str, dict[str, object]]:
    """The table function call reading one file, with its parameters."""
    if fmt == "parquet":
        return f"read_parquet(${path_param})", {}
    options, params = _csv_options(load)
    return (
        f"read_csv(${path_param}, all_varchar = true, header = true{options})",
        params,
    )


def describe(con: duckdb.DuckDBPyConnection, path: Path, load: Load) -> SourceFile:
    """Read a file's header (and Parquet types) without loading it; fatal if unreadable."""
    fmt = _format_of(path, load.format)
    if _is_empty(path, fmt):
        raise SourceError(
            f"{path.name} is empty (no header, no rows); re-export it, or remove it from the "
            "source directory"
        )
    sql, params = read_sql(fmt, load, "path")
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {sql}", {**params, "path": str(path)})
        rows = described.fetchall()
    except duckdb.Error as exc:
        hint = "; set `encoding` on the load" if "utf-8" in str(exc).lower() else ""
        raise SourceError(f"cannot read {path.name}: {str(exc).splitlines()[0]}{hint}") from exc
    headers = tuple(str(r[0]) for r in rows)
    types = tuple(str(r[1]) for r in rows)
    if fmt == "csv" and len(headers) == 1 and any(c in headers[0] for c in ",;\t|"):
        raise SourceError(
            f"{path.name}: could not split the header '{headers[0][:60]}' into columns; rows "
            "probably have different numbers of fields, or set `delimiter` on the load"
        )
    return SourceFile(path, fmt, headers, types)

