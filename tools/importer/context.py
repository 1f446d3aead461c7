"""State shared by the steps of one import run."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from tools.importer.plan import LoadPlan
from tools.importer.sql import q
from tools.importer.summary import Inferred, Notice, RejectGroup


@dataclass
class Run:
    """State shared by the loads of one import: ids, temp names, collected results."""

    con: duckdb.DuckDBPyConnection
    import_id: str
    prefix: str
    system: str
    plans: list[LoadPlan]
    notices: list[Notice] = field(default_factory=list)
    reject_groups: list[RejectGroup] = field(default_factory=list)
    inferred: list[Inferred] = field(default_factory=list)
    """What the import read from the data: date formats, closed/won from stages, users."""
    temp_tables: list[str] = field(default_factory=list)
    temp_views: list[str] = field(default_factory=list)
    offsets: dict[int, list[int]] = field(default_factory=dict)
    """Per load: the staging rowid where each file starts."""

    def rows_view(self, plan: LoadPlan) -> str:
        """Name of the view holding a load's clean rows under target column names."""
        return self.temp("rows", plan)

    def temp(self, kind: str, plan: LoadPlan, suffix: str = "") -> str:
        """Name of a temporary object for this run (never collides with user tables)."""
        return f"{self.prefix}{kind}{plan.index}{suffix}"

    def drop_temps(self) -> None:
        """Drop what the run created; views first, they read the tables."""
        for view in reversed(self.temp_views):
            self.con.execute(f"DROP VIEW IF EXISTS temp.{q(view)}")
        for table in reversed(self.temp_tables):
            self.con.execute(f"DROP TABLE IF EXISTS temp.{q(table)}")
