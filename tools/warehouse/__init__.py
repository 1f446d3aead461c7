"""The DuckDB warehouse: schema migrations, connections and company settings."""

from tools.warehouse.connection import connect, open_analytics, writable
from tools.warehouse.migrations import LATEST_VERSION, migrate, schema_version
from tools.warehouse.settings import CompanySettings, load_settings, save_settings

__all__ = [
    "LATEST_VERSION",
    "CompanySettings",
    "connect",
    "load_settings",
    "migrate",
    "open_analytics",
    "save_settings",
    "schema_version",
    "writable",
]
