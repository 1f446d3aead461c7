"""Finding export files and reading them into DuckDB with file name and row number.

CSV is read with every column as text (`all_varchar`), so that a bad value becomes a rejected
row with a reason instead of a failed type guess; Parquet keeps its types. Row numbers are
1-based data rows (the header is not counted), per file.
"""

from __future__ import annotations

import fnmatch
import gzip
import re
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


MAX_MESSAGE = 280
_LINE = re.compile(r"\b(?:line|Line):? (\d+)")  # not the "LINE 1:" of DuckDB's SQL echo


QUOTE_PROBLEM = ("a double quote opens a value that is never closed; fix the quoting (a quote "
                 "inside a value is written twice) and export again, or set quote = \"\" on the "
                 "load if quotes are plain characters in this file")


def explain(name: str, exc: Exception, path: Path | None = None) -> str:
    """A short reason DuckDB could not read file `name`: the file, the line when known, and
    what was expected, never the file's content or a page of parser hints."""
    text = str(exc)
    first = text.splitlines()[0] if text else type(exc).__name__
    lower = first.lower()  # DuckDB's list of possible fixes names every cause: not read
    line = _LINE.search(first)
    where = f"{name} line {line.group(1)}" if line else name
    shape = "original line" in text.lower() or "sniffing" in lower
    quoted = unbalanced_quote(path) if path is not None and shape else None
    if quoted is not None:
        return f"{name} line {quoted}: {QUOTE_PROBLEM}"[:MAX_MESSAGE]
    if "original line" in text.lower():
        why = ("does not fit the file's format (a different number of fields, or a quote that "
               "never closes)")
    elif "gzip" in lower or "zlib" in lower or "compressed" in lower:
        why = ("is a damaged or truncated gzip file (it ends before its data does); "
               "export or download it again")
    elif "unicode" in lower or "utf-8" in lower or "utf8" in lower:
        why = ("is not UTF-8 text; set `encoding` on the load (e.g. encoding = \"latin-1\"), "
               "or export it as UTF-8")
    elif "sniffing" in lower or "dialect" in lower:
        why = ("could not be read as CSV (no consistent delimiter, quoting and number of "
               "fields); check that it is a CSV export, or set `delimiter` and `quote`")
    else:
        why = f"could not be read: {first.split(': ', 1)[-1]}"
    return f"{where} {why}"[:MAX_MESSAGE]


def _binary(path: Path) -> bool:
    """A NUL byte in the first 8 KB: a spreadsheet, an archive or an image, not CSV text."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            return b"\x00" in handle.read(8192)
    except (OSError, EOFError):
        return False


def unbalanced_quote(path: Path, quote: str = '"') -> int | None:
    """The first file line (1-based) holding an odd number of quote characters, if any."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
            for number, line in enumerate(handle, start=1):
                if line.count(quote) % 2:
                    return number
    except (OSError, EOFError):
        return None
    return None


def _is_empty(path: Path, fmt: str) -> bool:
    if fmt != "csv":
        return path.stat().st_size == 0
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:  # blank lines or spaces alone are empty too
            while chunk := handle.read(65536):
                if chunk.strip():
                    return False
            return True
    except (OSError, EOFError) as exc:
        raise SourceError(f"{path.name}: cannot read the file: {exc}") from exc


def _csv_options(load: Load) -> tuple[str, dict[str, object]]:
    """Extra read_csv arguments as SQL (names fixed here) and their bound values."""
    parts: list[str] = []
    params: dict[str, object] = {}
    # Quotes are RFC 4180 double quotes unless the load says otherwise: left to the sniffer,
    # a quote that never closes makes it read the file without quoting, and `"Darcel` loads
    # as a value; with the quote set, DuckDB stops at that line instead.
    quote = '"' if load.quote is None else load.quote
    for option, value in (("delim", load.delimiter), ("quote", quote),
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
    if fmt == "csv" and _binary(path):
        raise SourceError(f"{path.name} is not a CSV text file (it holds binary data: a "
                          "spreadsheet, archive or image?); save or export it as CSV")
    sql, params = read_sql(fmt, load, "path")
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {sql}", {**params, "path": str(path)})
        rows = described.fetchall()
    except duckdb.Error as exc:
        raise SourceError(explain(path.name, exc, path)) from exc
    headers = tuple(str(r[0]) for r in rows)
    types = tuple(str(r[1]) for r in rows)
    if fmt == "csv" and len(headers) == 1 and any(c in headers[0] for c in ",;\t|"):
        line = unbalanced_quote(path) if load.quote is None else None
        if line is not None:
            raise SourceError(f"{path.name} line {line}: {QUOTE_PROBLEM}"[:MAX_MESSAGE])
        raise SourceError(
            f"{path.name}: could not split the header '{headers[0][:60]}' into columns; rows "
            "probably have different numbers of fields, or set `delimiter` on the load"
        )
    return SourceFile(path, fmt, headers, types)

