"""Company settings (docs/metrics.md#settings) stored as key/value rows in `company_settings`."""

from __future__ import annotations

from datetime import date
from typing import Literal

import duckdb
from pydantic import BaseModel, Field

from tools.fiscal import FiscalCalendar


class CompanySettings(BaseModel):
    """The per-warehouse configuration every metric reads."""

    company_name: str = "Your company"
    corporate_currency: str = "USD"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    fiscal_year_name_basis: Literal["ending_month", "starting_month"] = "ending_month"
    stale_days: int = Field(default=30, ge=1)
    data_start: date | None = None
    """Earliest business date in the data (set by demo and import)."""
    data_end: date | None = None
    """Latest business date in the data; the demo's --end-date."""
    source: str | None = None
    """Where the data came from: demo, or the mapping file of the last import."""

    @property
    def calendar(self) -> FiscalCalendar:
        """Return the fiscal calendar these settings describe."""
        return FiscalCalendar(self.fiscal_year_start_month, self.fiscal_year_name_basis)


def load_settings(con: duckdb.DuckDBPyConnection) -> CompanySettings:
    """Read the settings table; unset keys take their defaults."""
    rows = con.execute("select key, value from company_settings").fetchall()
    known = CompanySettings.model_fields
    return CompanySettings.model_validate({k: v for k, v in rows if k in known and v is not None})


def save_settings(con: duckdb.DuckDBPyConnection, **values: object) -> CompanySettings:
    """Validate and upsert settings; return the merged result."""
    merged = CompanySettings.model_validate({**load_settings(con).model_dump(), **values})
    for key, value in merged.model_dump(mode="json").items():
        if key in values:
            con.execute(
                "insert or replace into company_settings values ($k, $v)",
                {"k": key, "v": None if value is None else str(value)},
            )
    return merged
