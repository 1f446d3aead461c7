"""`run_import`: one atomic, idempotent import of an export directory through a mapping."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from tools.importer.context import Run
from tools.importer.dates import detect_dates
from tools.importer.errors import ImportFailed, SourceError
from tools.importer.load import apply, read_group, stage
from tools.importer.mapping import Mapping, load_mapping
from tools.importer.plan import LoadPlan, plan_load
from tools.importer.reader import SourceFile
from tools.importer.schema import read_schema
from tools.importer.sql import one
from tools.importer.stages import infer_flags, infer_order
from tools.importer.staging import Group, group_plans
from tools.importer.summary import (
    ImportSummary,
    Inferred,
    LoadReport,
    Notice,
    TableCounts,
    ToolReadiness,
)
from tools.quality.loadcheck import record_load_check
from tools.warehouse import refresh_facts, save_settings

Progress = Callable[[str, float], None]
TOP_REJECTS = 5

# Earliest and latest business date: creation dates, and close dates of closed deals only
# (an open deal's close date is a forecast, often in the future).
DATA_RANGE_SQL = """
SELECT min(least(CAST(o.created_at AS DATE), o.close_date)),
       max(greatest(CAST(o.created_at AS DATE),
                    CASE WHEN coalesce(s.is_closed, o.is_closed, FALSE) THEN o.close_date END))
FROM opportunities o
LEFT JOIN opportunity_stages s ON s.pipeline_id = o.pipeline_id AND s.stage_name = o.stage_name
WHERE NOT coalesce(o.is_deleted, FALSE)
"""

UNKNOWN_STAGES_SQL = """
SELECT o.pipeline_id, o.stage_name, count(*) AS n, sum(count(*)) OVER () AS total
FROM opportunities o
ANTI JOIN opportunity_stages s ON s.pipeline_id = o.pipeline_id AND s.stage_name = o.stage_name
GROUP BY ALL ORDER BY n DESC LIMIT 3
"""

# A run replaces the quarantine left by earlier runs of the same mapping for the tables it
# loads, so re-importing an export does not pile up copies of the same rejects.
CLEAR_OLD_REJECTS_SQL = """
DELETE FROM import_rejects
WHERE import_id <> $import_id AND list_contains($tables, table_name)
  AND import_id IN (SELECT import_id FROM import_runs WHERE mapping = $mapping)
"""

INSERT_RUN_SQL = """
INSERT INTO import_runs (import_id, started_at, finished_at, mapping, source, status, summary)
VALUES ($import_id, $started_at, $finished_at, $mapping, $source, 'succeeded', $summary)
"""


def _noop(step: str, fraction: float) -> None:
    """Default progress callback."""


def _restore(con: duckdb.DuckDBPyConnection, keep_order: bool, show_bar: bool) -> None:
    """Put back the connection settings the import changed."""
    con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")
    con.execute(f"SET enable_progress_bar = {'true' if show_bar else 'false'}")


def _data_range(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    start, end = one(con, DATA_RANGE_SQL)
    return start, end


def _unknown_stages(con: duckdb.DuckDBPyConnection) -> Notice | None:
    found = con.execute(UNKNOWN_STAGES_SQL).fetchall()
    if not found:
        return None
    total = int(found[0][3])
    examples = ", ".join(f"({pipeline!r}, {stage!r}) {n:,}" for pipeline, stage, n, _ in found)
    return Notice(
        code="UNKNOWN_STAGE", table="opportunities", column="stage_name", rows=total,
        message=f"opportunities.stage_name: {total:,} rows have a (pipeline_id, stage_name) "
                f"not in opportunity_stages, e.g. {examples}; their status comes from "
                "is_closed/is_won (open when unset). Add a stage dictionary load.",
    )


def _table_counts(reports: list[LoadReport]) -> list[TableCounts]:
    tables: dict[str, TableCounts] = {}
    for r in reports:
        t = tables.setdefault(r.table, TableCounts(table=r.table))
        t.read += r.read
        t.inserted += r.inserted
        t.updated += r.updated
        t.rejected += r.rejected
    return list(tables.values())


def _plan(con: duckdb.DuckDBPyConnection, spec: Mapping, source: Path,
          notices: list[Notice]) -> list[LoadPlan]:
    schema = read_schema(con)
    described: dict[tuple, SourceFile] = {}
    plans = []
    for index, load in enumerate(spec.loads):
        plan = plan_load(con, spec, index, load, schema, source, described)
        if plan is None:
            notices.append(Notice(
                code="FILE_SKIPPED", table=load.table,
                message=f"{load.name}: no file matches {' or '.join(load.patterns)}; skipped "
                        "(optional)",
            ))
        else:
            plans.append(plan)
    if not plans:
        raise SourceError(f"none of the files the mapping '{spec.name}' reads are in {source}")
    return plans


def _inferred_dates(con: duckdb.DuckDBPyConnection, spec: Mapping, plans: list[LoadPlan],
                    notices: list[Notice]) -> list[Inferred]:
    """Detect date formats; an order taken from date_order rather than the data is a warning."""
    inferred = detect_dates(con, plans, spec.date_order)
    for item in inferred:
        if item.note:
            notices.append(Notice(code="DATE_ORDER_ASSUMED", table=item.table,
                                  column=item.column, message=item.render()))
    return inferred


class _Steps:
    """Turns step counts into the fraction the progress callback receives."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress = progress
        self.total = max(total, 1)
        self.done = 0

    def step(self, label: str) -> None:
        """Report the start of the next step."""
        self.progress(label, min(self.done / self.total, 1.0))
        self.done += 1


@contextmanager
def _timed(phases: dict[str, float], name: str) -> Iterator[None]:
    """Record the wall seconds of one import phase (ImportSummary.phases)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        phases[name] = round(time.perf_counter() - start, 3)


Staged = tuple[Group, str, list[int]]


def _read_files(run: Run, steps: _Steps) -> dict[int, Staged]:
    """Stage every file once (outside the transaction): group, table and offsets per load."""
    staged: dict[int, Staged] = {}
    for group in group_plans(run.plans):
        steps.step(f"reading {', '.join(group.plans[0].file_names)}")
        table, offsets = read_group(run, group)
        for plan in group.plans:
            staged[plan.index] = (group, table, offsets)
    return staged


def _load(run: Run, staged: dict[int, Staged], steps: _Steps) -> list[LoadReport]:
    """Inside the transaction: rejects and clean rows of every load, then the upserts."""
    reports = [stage(run, plan, *staged[plan.index]) for plan in run.plans]
    for plan, report in zip(run.plans, reports, strict=True):
        steps.step(f"loading {plan.table.name}")
        try:
            apply(run, plan, report)
        except duckdb.Error as exc:
            raise ImportFailed(f"loading {plan.label} failed: {exc}") from exc
    return reports


def _record(run: Run, spec: Mapping, source: Path, reports: list[LoadReport],
            started_at: datetime, clock: float) -> ImportSummary:
    """Inside the transaction: data checks, settings, old rejects, the import_runs row."""
    con = run.con
    if any(p.table.name == "opportunity_stages" for p in run.plans):
        run.inferred += infer_flags(con) + infer_order(con)
    if any(p.table.name == "opportunities" for p in run.plans):
        unknown = _unknown_stages(con)
        if unknown:
            run.notices.append(unknown)
    data_start, data_end = _data_range(con)
    if data_start is None:
        run.notices.append(Notice(code="NO_DATES", message="no opportunity dates in the data; "
                                  "data_start and data_end are left unset"))
    tables = sorted({p.table.name for p in run.plans})
    con.execute(CLEAR_OLD_REJECTS_SQL,
                {"import_id": run.import_id, "tables": tables, "mapping": spec.name})
    save_settings(con, **spec.settings.values(), data_start=data_start, data_end=data_end,
                  source=spec.name)
    top = sorted(run.reject_groups, key=lambda g: -g.rows)[:TOP_REJECTS]
    summary = ImportSummary(
        import_id=run.import_id, mapping=spec.name, source=str(source), started_at=started_at,
        elapsed_seconds=round(time.perf_counter() - clock, 3), tables=_table_counts(reports),
        loads=reports, rejects=top, warnings=run.notices, inferred=run.inferred,
        data_start=data_start,
        data_end=data_end, tools=_readiness(con),
    )
    con.execute(INSERT_RUN_SQL, {
        "import_id": run.import_id, "started_at": started_at,
        "finished_at": datetime.now(UTC).replace(tzinfo=None), "mapping": spec.name,
        "source": str(source), "summary": summary.model_dump_json(),
    })
    return summary


def _readiness(con: duckdb.DuckDBPyConnection) -> list[ToolReadiness]:
    """Which tools the warehouse can now answer, and what the others need."""
    from tools.needs import readiness
    from tools.registry import TOOLS

    return [ToolReadiness(tool=tool, ready=needs is None, needs=needs)
            for tool, needs in readiness(con, sorted(TOOLS))]


def run_import(
    con: duckdb.DuckDBPyConnection,
    mapping: str | Path | Mapping,
    source: str | Path,
    *,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the export files in `source` through `mapping` into the warehouse behind `con`.

    `mapping` is a TOML file, a preset name ("salesforce", "hubspot") or a parsed Mapping.
    All writes happen in one transaction: on any fatal problem (raised as ImportFailed, with
    MappingError and SourceError as the usual cases) the warehouse is left exactly as before.
    Rows that cannot be stored go to `import_rejects`; the rest loads.
    """
    started_at = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    spec = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    source_dir = Path(source)
    if not source_dir.is_dir():
        raise SourceError(f"source {source_dir} is not a directory of export files")
    spec.settings.values()  # fail on invalid settings before reading anything
    notices: list[Notice] = []
    plans = _plan(con, spec, source_dir, notices)
    inferred = _inferred_dates(con, spec, plans, notices)
    import_id = str(uuid.uuid4())
    run = Run(con, import_id, f"__import_{import_id[:8]}_", spec.system, plans, notices,
              inferred=inferred)
    steps = _Steps(progress or _noop, len(group_plans(plans)) + len(plans) + 2)

    # Row numbers rely on scans keeping file order; DuckDB's own progress bar would draw over
    # the caller's. Both settings are restored afterwards.
    (keep_order,) = one(con, "SELECT current_setting('preserve_insertion_order')")
    (show_bar,) = one(con, "SELECT current_setting('enable_progress_bar')")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    phases: dict[str, float] = {}
    try:
        with _timed(phases, "read"):
            staged = _read_files(run, steps)
        try:
            con.execute("BEGIN TRANSACTION")
        except duckdb.Error as exc:
            raise ImportFailed(f"cannot start the import transaction: {exc}") from exc
        try:
            with _timed(phases, "load"):
                reports = _load(run, staged, steps)
            steps.step("recording the import")
            with _timed(phases, "checks"):
                summary = _record(run, spec, source_dir, reports, started_at, clock)
            with _timed(phases, "opp_facts"):
                refresh_facts(con)  # upserts can change rows in place; counts would not notice
            with _timed(phases, "commit"):
                con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise ImportFailed(f"import failed, nothing was changed: {exc}") from exc
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        run.drop_temps()
        _restore(con, keep_order, show_bar)
    with _timed(phases, "dq_check"):  # after the commit: a failing rules file keeps the load
        steps.step("checking data quality")
        record_load_check(con)
    summary.elapsed_seconds = round(time.perf_counter() - clock, 3)
    summary.phases = phases
    (progress or _noop)("done", 1.0)
    return summary
