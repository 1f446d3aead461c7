"""DuckDB memory and thread limits for the connections that write the warehouse.

DuckDB's default memory limit is 80% of RAM, and a 10M-opportunity demo build or a large import
let it grow that far (about 19 GB RSS on a 24 GB machine). Writers therefore set
`memory_limit` (default: 60% of the physical RAM, at most 12 GB; DuckDB spills what it can to
its temp directory) and optionally `threads`, both configurable. The peak RSS stays within
about 0.2 GB of the limit (measured at 1M and 2M demo deals); the demo generator needs 1-2 GB
it cannot spill at 2M deals, so a limit far below ~1 GB per million deals fails with DuckDB's
out-of-memory error rather than slowing down:

    REVOPS_DUCKDB_MEMORY_LIMIT   a DuckDB size ('6GB', '512MB') or a fraction of RAM ('0.4')
    REVOPS_DUCKDB_THREADS        a thread count (default: DuckDB's, one per core)

(read through tools.settings.WarehouseSettings, like every other variable).
"""

from __future__ import annotations

import os
import re

import duckdb

from tools.settings import Settings, WarehouseSettings

DEFAULT_FRACTION = 0.6
DEFAULT_CAP_GB = 12.0
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


class ResourceSettingError(ValueError):
    """A REVOPS_DUCKDB_* variable holds a value DuckDB cannot use."""


def physical_ram_gb() -> float:
    """Physical memory in GB (0 when the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    except (ValueError, OSError, AttributeError):
        return 0.0


def memory_limit(setting: str | None) -> str:
    """The memory_limit writers use, from REVOPS_DUCKDB_MEMORY_LIMIT's value or the default."""
    raw = (setting or "").strip()
    ram = physical_ram_gb()
    if not raw:
        gb = min(ram * DEFAULT_FRACTION, DEFAULT_CAP_GB) if ram else DEFAULT_CAP_GB
        return f"{max(gb, 0.5):.1f}GB"
    if _SIZE.match(raw):
        return raw.replace(" ", "")
    try:
        fraction = float(raw)
    except ValueError:
        fraction = -1.0
    if not 0 < fraction <= 1 or not ram:
        raise ResourceSettingError(
            f"REVOPS_DUCKDB_MEMORY_LIMIT={raw!r}: give a size like '6GB' or a fraction of RAM "
            "between 0 and 1 like '0.4'")
    return f"{ram * fraction:.1f}GB"


def threads(setting: str | None) -> int | None:
    """The thread count from REVOPS_DUCKDB_THREADS's value, or None for DuckDB's default."""
    raw = (setting or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ResourceSettingError(f"REVOPS_DUCKDB_THREADS={raw!r}: give a whole number >= 1")
    return int(raw)


def apply_limits(con: duckdb.DuckDBPyConnection, limits: WarehouseSettings | None = None) -> None:
    """Set memory_limit (and threads when configured) on a writing connection; `limits`
    default to this run's settings."""
    config = limits or Settings().warehouse
    con.execute("SET memory_limit = $limit", {"limit": memory_limit(config.duckdb_memory_limit)})
    count = threads(config.duckdb_threads)
    if count is not None:
        con.execute("SET threads = $count", {"count": count})
