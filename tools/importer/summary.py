"""What an import did: counts per table and per load, top reject reasons, warnings.

The same model is stored as JSON in `import_runs.summary`, printed by `revops import --json`
and rendered for people by `render_text`.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, computed_field


class LoadReport(BaseModel):
    """One load of the mapping: which files fed which table, and what happened to the rows."""

    table: str
    label: str
    files: list[str]
    distinct: bool = False
    read: int = 0
    """Source rows read from the files."""
    inserted: int = 0
    updated: int = 0
    """Rows whose key already existed (updated in place, or replaced for keyless tables)."""
    rejected: int = 0
    columns: dict[str, str | None] = Field(default_factory=dict)
    """Target column -> source header used (None for constants or absent optional columns)."""

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented form
    @property
    def loaded(self) -> int:
        """Rows written: inserted + updated."""
        return self.inserted + self.updated


class TableCounts(BaseModel):
    """Counts summed over the loads of one target table."""

    table: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented form
    @property
    def loaded(self) -> int:
        """Rows written: inserted + updated."""
        return self.inserted + self.updated


class RejectGroup(BaseModel):
    """Rejected rows sharing a table, column and reason."""

    table: str
    column: str | None
    source_column: str | None = None
    """The export's header for that column (what to fix in the file)."""
    reason: str
    rows: int
    example: str
    """One occurrence: file, row and value."""


class Inferred(BaseModel):
    """Something the import read from the data rather than from the mapping (a date format,
    closed/won from stage names, owners created from names), so a person can check it."""

    table: str
    column: str | None = None
    source_column: str | None = None
    file: str | None = None
    what: str
    value: str
    note: str | None = None
    """Why, when the data alone did not decide it (e.g. the date_order setting was used)."""

    def render(self) -> str:
        """One line for the text summary."""
        where = f"{self.table}.{self.column}" if self.column else self.table
        source = f" ({self.file}: {self.source_column})" if self.source_column else ""
        note = f"; {self.note}" if self.note else ""
        return f"{where}{source}: {self.what}: {self.value}{note}"


class ToolReadiness(BaseModel):
    """Whether the warehouse, after the import, holds what a tool needs to answer."""

    tool: str
    ready: bool
    needs: str | None = None
    """What to import when not ready: `needs quotas per rep and period (import a file mapped
    to table quotas)`."""


class Notice(BaseModel):
    """A warning that did not stop the import (an unresolved reference, a skipped file)."""

    code: str
    message: str
    table: str | None = None
    column: str | None = None
    rows: int = 0


class ImportSummary(BaseModel):
    """The outcome of one `run_import`."""

    import_id: str
    mapping: str
    source: str
    started_at: datetime
    elapsed_seconds: float
    tables: list[TableCounts]
    loads: list[LoadReport]
    rejects: list[RejectGroup]
    """The most frequent reject reasons (all rows are in `import_rejects`)."""
    warnings: list[Notice]
    inferred: list[Inferred] = []
    tools: list[ToolReadiness] = []
    """Every tool: ready, or what it needs (after this import, with what was already there)."""
    """What was read from the data rather than the mapping (formats, flags, created users)."""
    data_start: date | None = None
    data_end: date | None = None
    phases: dict[str, float] = {}
    """Seconds per phase (read, load, checks, opp_facts rebuild, commit, then dq_check: the
    data-quality check kept for the dashboard, tools.quality.loadcheck): where the time went."""

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented form
    @property
    def rejected(self) -> int:
        """Rejected rows over all tables."""
        return sum(t.rejected for t in self.tables)

    def table(self, name: str) -> TableCounts:
        """Counts of one target table (zeros when the mapping did not load it)."""
        return next((t for t in self.tables if t.table == name), TableCounts(table=name))

    def render_text(self) -> str:
        """A summary a person reads after `revops import`."""
        lines = [
            f"Import {self.import_id} from {self.source} with mapping '{self.mapping}' "
            f"({self.elapsed_seconds:.1f} s)",
            "",
            f"  {'table':<28} {'read':>10} {'loaded':>10} {'new':>10} {'updated':>10} "
            f"{'rejected':>9}",
        ]
        for t in self.tables:
            lines.append(f"  {t.table:<28} {t.read:>10,} {t.loaded:>10,} {t.inserted:>10,} "
                         f"{t.updated:>10,} {t.rejected:>9,}")
        if self.data_start or self.data_end:
            lines += ["", f"Data from {self.data_start} to {self.data_end}."]
        if self.inferred:
            lines += ["", "Read from the data (check these):"]
            lines += [f"  {i.render()}" for i in self.inferred]
        if self.rejects:
            lines += ["", f"Rejected rows ({self.rejected:,}; details in import_rejects, "
                          f"import_id = '{self.import_id}'):"]
            for r in self.rejects:
                where = f"{r.table}.{r.column}" if r.column else r.table
                if r.source_column and r.source_column != r.column:
                    where += f" ({r.source_column})"
                lines.append(f"  {where}: {r.rows:,} rows {r.reason} (e.g. {r.example})")
        loaded = {t.table for t in self.tables}
        skipped = sorted({w.table or "" for w in self.warnings if w.code == "FILE_SKIPPED"}
                         - loaded)
        others = [w for w in self.warnings if w.code != "FILE_SKIPPED"]
        if others:
            lines += ["", "Warnings:"]
            lines += [f"  {w.message}" for w in others]
        if skipped:
            lines += ["", f"Not in the export (optional, skipped): {', '.join(skipped)}."]
        if self.tools:
            ready = [tr.tool for tr in self.tools if tr.ready]
            lines += ["", f"Metrics the data supports ({len(ready)} of {len(self.tools)} "
                          "tools):", f"  ready: {', '.join(ready) or 'none'}"]
            waiting: dict[str, list[str]] = {}
            for tr in self.tools:
                if not tr.ready:
                    waiting.setdefault(tr.needs or "", []).append(tr.tool)
            lines += [f"  {', '.join(names)}: {needs}" for needs, names in waiting.items()]
        return "\n".join(lines)
