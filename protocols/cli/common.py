"""What every `revops` command module shares: one-line errors and date options (exit codes as
docs/design.md#cli fixes them: 2 for input the command refuses, 1 for a failure), and the
warehouse a command opens. The agent and the warehouse are imported inside the functions that
open them, so `revops --help` and `revops tools` stay fast."""

from __future__ import annotations

import functools
import gc
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer

from tools.base import MAX_DATE, MIN_DATE
from tools.settings import Settings, configured


def stderr(message: str) -> None:
    """Print a notice or an error on stderr, so --json output on stdout stays clean."""
    print(message, file=sys.stderr)


def fail(message: str, as_json: bool = False, code: int = 2, kind: str = "invalid_input"
         ) -> NoReturn:
    """End the command with one line on stderr (and, with --json, a JSON error object on
    stdout): exit 2 for input the command refuses, 1 for a failure while answering."""
    if as_json:
        print(json.dumps({"status": "error", "error": kind, "detail": message}))
    stderr(f"error: {message}")
    raise typer.Exit(code)


def parse_date(value: str | None, option: str, as_json: bool = False) -> date | None:
    """Read a date option: YYYY-MM-DD within the dates every input may name (tools.base)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: expected YYYY-MM-DD, got {value!r}", as_json)
    if not MIN_DATE <= day <= MAX_DATE:
        fail(f"{option}: must be between {MIN_DATE} and {MAX_DATE}, got {value}", as_json)
    return day


P = ParamSpec("P")
R = TypeVar("R")


def one_shot(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command that answers once and ends without Python's cyclic garbage collector.

    Its start-up (LangGraph, the pydantic models, the vocabulary, the entity index) makes over
    100,000 long-lived objects, which the collector would traverse again and again: about a
    seventh of a cold `revops ask`, none of it garbage. Afterwards the collector is back, so a
    caller running commands in-process (tests) keeps collecting; what the command made goes to
    the oldest generation untraversed (freeze, then unfreeze), where a full collection still
    reaches it.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if collecting:
                gc.freeze()
                gc.unfreeze()
                gc.enable()

    return run


def settings() -> Settings:
    """Return this run's settings; a bad variable or config file is exit 2."""
    try:
        return Settings()
    except ValueError as exc:  # pydantic's ValidationError: a bad REVOPS_* variable or file
        stderr(f"error: invalid settings: {exc}")
        raise typer.Exit(2) from None


def default_db() -> Path:
    """Return $REVOPS_DB or the per-user default warehouse path."""
    db: Path = settings().warehouse.db
    return db


def progress() -> Any:
    """A progress bar on stderr (stdout stays for the output)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
        "{task.percentage:>3.0f}%"), TimeElapsedColumn(), console=Console(stderr=True),
        transient=False)


def build_demo(db: Path, *, seed: int = 42, opportunities: int = 20_000,
               end_date: date | None = None, fiscal_year_start_month: int = 2) -> Any:
    """Generate the demo company into a new warehouse file, with a progress bar."""
    from tools.demo import generate_demo
    from tools.warehouse import writable

    db.parent.mkdir(parents=True, exist_ok=True)
    with progress() as bar, writable(db) as con:
        task = bar.add_task("demo company", total=1.0)

        def report(step: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"demo: {step}")

        return generate_demo(con, seed=seed, opportunities=opportunities,
                             end_date=end_date or date.today(),
                             fiscal_year_start_month=fiscal_year_start_month, progress=report)


def read_only(path: Path) -> Any:
    """Open a warehouse read-only; a file that cannot be opened is a clear error, exit 2."""
    from tools.warehouse import connect
    from tools.warehouse.connection import WarehouseError

    try:
        return connect(path, read_only=True)
    except WarehouseError as exc:
        stderr(f"error: {exc}")
        raise typer.Exit(2) from None


@contextmanager
def open_warehouse(db: Path | None, *, threads: bool, live: bool = False
               ) -> Iterator[tuple[Any, Any, Any]]:
    """Open the warehouse read-only (building the demo on first use), the model client and,
    for conversations, the thread store, for one command. `live`: follow the file when an
    import replaces it (a server)."""
    config = settings()
    path = db or config.warehouse.db
    if db is None and not configured(config.warehouse, "db") and not path.exists():
        stderr(f"No warehouse yet: building the demo company in {path} (one time).")
        build_demo(path)
    from agent.ask import ThreadStoreError, open_threads
    from agent.context import Warehouse
    from agent.session import make_llm

    con = read_only(path)
    try:
        saver = open_threads(config.warehouse.threads_db) if threads else None
    except ThreadStoreError as exc:  # bad REVOPS_THREADS_DB: a message, not a traceback
        con.close()
        stderr(f"error: {exc}")
        raise typer.Exit(2) from None
    try:
        if live:
            from agent.live_warehouse import LiveWarehouse

            first = Warehouse(con, config.warehouse.answer_cache)
            yield LiveWarehouse(path, first=first), make_llm(config.llm), saver
        else:
            yield Warehouse(con, config.warehouse.answer_cache), make_llm(config.llm), saver
    finally:
        con.close()
        if saver is not None:
            saver.conn.close()
