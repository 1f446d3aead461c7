"""`revops monitor`: watch the thresholds of protocols/monitors.toml and send insights.

Each pass evaluates every monitor on the warehouse (opened read-only for the pass only, so an
import can run between passes), queues new insights in the escalation outbox of the task store
($REVOPS_STATE_DB, or --store) and runs one delivery pass to the hub and peers configured as for
`revops serve` (REVOPS_HUB_URL, REVOPS_PEER_URLS). Without --once it repeats every --interval
seconds until Ctrl-C. What a pass needs is imported when the command runs, so `revops --help`
stays fast.
"""

from __future__ import annotations

import signal
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from protocols.cli.common import fail, open_warehouse, parse_date

if TYPE_CHECKING:  # the command imports them when it runs: `revops --help` stays fast
    from protocols.monitor import MonitorReport
    from protocols.monitor_config import Monitor
    from protocols.outbox import Outbox
    from protocols.store import TaskStore

MonitorsOption = Annotated[Path | None, typer.Option(
    "--monitors", show_default=False,
    help="Monitors file (TOML) that disables, replaces or adds monitors "
         "(default: $REVOPS_MONITORS_FILE; the shipped monitors always load first).")]


def monitor(
    db: Annotated[Path | None, typer.Option(
        "--db", help="Warehouse file (default: $REVOPS_DB, else the demo company in your user "
                     "data directory).", show_default=False)] = None,
    store: Annotated[str | None, typer.Option(
        "--store", help="Task store holding the outbox and the alerts, a file or a "
                        "postgresql:// URL (default: "
                        "$REVOPS_STATE_DB, else state.sqlite in your user data directory).",
        show_default=False)] = None,
    once: Annotated[bool, typer.Option("--once", help="Run one pass and exit.")] = False,
    interval: Annotated[float, typer.Option(
        "--interval", min=1.0, help="Seconds between passes (without --once).")] = 300.0,
    monitors_file: MonitorsOption = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluation date YYYY-MM-DD (default: today, at each pass).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the pass report as JSON (one line per pass without --once).")]
    = False,
) -> None:
    """Evaluate the monitors and send insights (new, still open, resolved) through the outbox."""
    from protocols.monitor_config import MonitorConfigError, load_monitors
    from protocols.outbox import Outbox
    from protocols.store import TaskStore
    from tools.settings import Settings, location

    fixed_as_of = parse_date(as_of, "--as-of")
    try:
        config = Settings()
    except ValueError as exc:  # pydantic's ValidationError: a bad REVOPS_* variable
        fail(f"invalid settings: {exc}")
    settings = config.service
    try:
        monitors = load_monitors(monitors_file or config.monitors.file)
    except MonitorConfigError as exc:
        fail(str(exc))
    from protocols.sqlstore import StoreOpenError

    try:
        opened = TaskStore(location(store) if store else settings.state_db)
    except StoreOpenError as exc:
        fail(str(exc))
    with opened as task_store, Outbox.from_settings(task_store, settings) as outbox:
        if once:
            report = _pass(db, task_store, outbox, monitors, fixed_as_of or date.today())
            _print(report, as_json=as_json, once=True)
            if report.errors:
                raise typer.Exit(1)
            return
        with _StopOnSignal() as stop:
            while not stop.requested:
                report = _pass(db, task_store, outbox, monitors, fixed_as_of or date.today())
                _print(report, as_json=as_json, once=False)
                deadline = time.monotonic() + interval
                while not stop.requested and time.monotonic() < deadline:
                    time.sleep(min(0.2, interval))
        print("Stopped.", file=sys.stderr)


class _StopOnSignal:
    """Ctrl-C (or SIGTERM) ends the loop after the current pass; a second Ctrl-C aborts.

    A handler that only sets a flag also keeps DuckDB from cancelling the running query.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print("Stopping after this pass (Ctrl-C again to abort).", file=sys.stderr)

    def __enter__(self) -> _StopOnSignal:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def _pass(db: Path | None, store: TaskStore, outbox: Outbox, monitors: list[Monitor],
          as_of: date) -> MonitorReport:
    from protocols.monitor import run_monitors

    with open_warehouse(db, threads=False) as (wh, _, _):
        return run_monitors(wh, store, monitors, as_of=as_of, outbox=outbox)


def _print(report: MonitorReport, *, as_json: bool, once: bool) -> None:
    for failure in report.errors:
        print(f"error: monitor {failure.monitor_id}: {failure.error}", file=sys.stderr)
    if as_json:
        print(report.model_dump_json(indent=2 if once else None), flush=True)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200)
    if report.insights or report.resolved:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("status", "severity", "monitor", "target", "group", "period", "message"):
            table.add_column(column, overflow="fold")
        for i in report.insights:
            table.add_row(i.status, i.severity, i.monitor_id, i.target, i.group,
                          (i.period or {}).get("label", "-"), i.message)
        for r in report.resolved:
            table.add_row("resolved", "-", r.monitor_id, r.target, r.group, r.period, r.message)
        console.print(table)
    new = len(report.new)
    summary = (f"{report.as_of}: {len(report.evaluated)} monitors evaluated; {new} new, "
               f"{len(report.insights) - new} still open, {len(report.resolved)} resolved")
    outcomes: dict[str, int] = {}
    for d in report.delivery:
        outcomes[d.outcome] = outcomes.get(d.outcome, 0) + 1
    if outcomes:
        summary += "; delivery: " + ", ".join(f"{n} {k}" for k, n in outcomes.items())
    console.print(summary + ".", markup=False)
    skipped = next((d.error for d in report.delivery if d.outcome == "skipped"), None)
    if skipped:
        print(f"note: {skipped}", file=sys.stderr)
