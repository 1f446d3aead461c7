"""Write an answer's chart (.svg, .png, .html) or its full table (.csv, .parquet) to a file.

Charts render offline with vl-convert (a bundled Vega runtime, no browser, no network); the
HTML embeds the Vega libraries, so it opens without a connection too.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

CHART_FORMATS = (".svg", ".png", ".html")
TABLE_FORMATS = (".csv", ".parquet")
FILE_WIDTH = 640
"""Pixels a chart spans in a file (in a page it spans its container)."""


class ExportError(ValueError):
    """The file cannot be written as asked (unknown format, nothing to draw)."""


def _fixed_width(spec: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(spec)
    if out.get("width") == "container":
        out["width"] = FILE_WIDTH
    return out


def write_chart(spec: dict[str, Any], path: Path) -> None:
    """Render a Vega-Lite spec to `path`, in the format its suffix names."""
    import vl_convert as vlc  # the chart renderer loads only when a chart file is asked for

    suffix = path.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise ExportError(f"a chart is written as {', '.join(CHART_FORMATS)}, not {suffix!r}")
    spec = _fixed_width(spec)
    if suffix == ".svg":
        path.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    elif suffix == ".png":
        path.write_bytes(vlc.vegalite_to_png(spec, scale=2))
    else:
        path.write_text(vlc.vegalite_to_html(spec, bundle=True), encoding="utf-8")


def write_table(columns: list[str], rows: list[list[Any]], path: Path) -> None:
    """Write every row of a result table to `path` (.csv or .parquet), typed by its values."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise ExportError(f"a table is written as {', '.join(TABLE_FORMATS)}, not {suffix!r}")
    types = [_sql_type([r[i] for r in rows]) for i in range(len(columns))]
    cols = ", ".join(f'"{c.replace(chr(34), "")}" {t}' for c, t in zip(columns, types,
                                                                       strict=True))
    con = duckdb.connect()
    try:
        con.execute(f"create table result_table ({cols})")
        if rows:
            marks = ", ".join("?" for _ in columns)
            con.executemany(f"insert into result_table values ({marks})", rows)
        fmt = "(format csv, header true)" if suffix == ".csv" else "(format parquet)"
        target = str(path).replace("'", "''")  # DuckDB 1.3 cannot bind COPY's target: quoted
        con.execute(f"copy result_table to '{target}' {fmt}")
    finally:
        con.close()


def _sql_type(values: list[Any]) -> str:
    """The narrowest DuckDB type holding every non-null value of a column."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return "varchar"
    if kinds == {bool}:
        return "boolean"
    if kinds <= {int}:
        return "bigint"
    if kinds <= {int, float}:
        return "double"
    if kinds <= {dt.date}:
        return "date"
    return "varchar"
