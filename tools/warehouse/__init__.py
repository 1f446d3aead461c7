"""The DuckDB warehouse: schema migrations, connections and company settings."""

from tools.warehouse.connection import connect, open_analytics, writable
from tools.warehouse.facts import facts_current, refresh_facts
from tools.warehouse.migrations import LATEST_VERSION, migrate, schema_version
from tools.warehouse.settings import CompanySettings, load_settings, save_settings

__all__ = [
    "LATEST_VERSION",
    "CompanySettings",
    "connect",
    "facts_current",
    "load_settings",
    "migrate",
    "open_analytics",
    "refresh_facts",
    "save_settings",
    "schema_version",
    "writable",
]
