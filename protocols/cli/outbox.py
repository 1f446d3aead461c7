"""`revops outbox`: see, deliver and re-queue the escalations waiting for the hub or a peer.

The store is $REVOPS_STATE_DB (or --store); endpoints and the retry policy come from the same
settings the service uses (tools/settings.py), so a pass from the CLI behaves like the
service's background loop. The store and the outbox are imported inside the commands, so
`revops --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from protocols.cli.common import fail

outbox_app = typer.Typer(no_args_is_help=True, help="Escalations waiting for (or done with) "
                         "delivery to the hub or a peer agent.")

StoreOption = Annotated[str | None, typer.Option(
    "--store", help="Task store: a SQLite file or a postgresql:// URL (default: "
                    "$REVOPS_STATE_DB, else state.sqlite in your user data directory).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
State = Literal["pending", "delivered", "dead"]


@contextmanager
def _open(store_path: str | None, *, outbox: bool = False,
          as_json: bool = False, required: bool = False) -> Iterator[tuple[Any, Any]]:
    """Open the store (and an outbox on it); a store not created yet means no escalations."""
    from protocols.outbox import Outbox
    from protocols.store import TaskStore
    from tools.settings import Settings, location

    try:
        settings = Settings().service
    except ValueError as exc:  # pydantic's ValidationError: a bad REVOPS_* variable
        fail(f"invalid outbox settings: {exc}")
    from protocols.sqlstore import StoreOpenError

    path = location(store_path) if store_path else settings.state_db
    missing = isinstance(path, Path) and not path.exists()  # a PostgreSQL URL always opens
    if missing and required:
        fail(f"no task store at {path}", code=1)
    if missing:
        # Not an error: the service creates the store when the first task arrives.
        if as_json:
            print("[]")
        print(f"No escalations: no task store at {path} yet.", file=sys.stderr)
        raise typer.Exit(0)
    try:
        store = TaskStore(path)
    except StoreOpenError as exc:
        fail(str(exc))
    box = Outbox.from_settings(store, settings) if outbox else None
    try:
        yield store, box
    finally:
        if box is not None:
            box.close()
        store.close()


def _console() -> Any:
    from rich.console import Console

    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=160)


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value is not None else "-"


def _next_try(e: Any) -> str:
    if e.state != "pending":
        return "-"
    return "now" if e.next_attempt_at is None else _when(e.next_attempt_at)


def _print_records(records: list[Any]) -> None:
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for column in ("escalation", "task", "category", "target", "state", "tries", "next try",
                   "last error"):
        table.add_column(column, justify="right" if column == "tries" else "left",
                         overflow="fold")
    for e in records:
        table.add_row(e.escalation_id, e.task_id, e.category, e.target, e.state,
                      str(e.attempts), _next_try(e),
                      (e.last_error or "-")[:80])
    _console().print(table)


def _print_results(results: list[Any]) -> None:
    from rich.table import Table

    if not results:
        print("Nothing due for delivery.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for column in ("escalation", "target", "outcome", "status", "detail"):
        table.add_column(column, overflow="fold")
    for r in results:
        detail = r.error or ""
        if r.outcome == "retry" and r.next_attempt_at is not None:
            detail = f"{detail}; next try {_when(r.next_attempt_at)}"
        table.add_row(r.escalation_id, r.target, r.outcome,
                      str(r.status_code) if r.status_code else "-", detail[:100] or "-")
    _console().print(table)


def _dump(items: list[Any]) -> None:
    print(json.dumps([i.model_dump(mode="json") for i in items], indent=2))


@outbox_app.command("list")
def list_(
    state: Annotated[State | None, typer.Option("--state", help="Only this delivery state.")]
    = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """List escalations, oldest first, with their delivery state."""
    with _open(store, as_json=as_json) as (s, _):
        records = s.escalations(state)
        counts = s.counts()
    if as_json:
        _dump(records)
        return
    if not records:
        print("No escalations" + (f" in state {state}." if state else "."))
        return
    _print_records(records)
    print(", ".join(f"{n} {name}" for name, n in counts.items()))


@outbox_app.command()
def show(
    escalation_id: Annotated[str, typer.Argument(metavar="ID", help="Escalation id.")],
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one escalation: what was asked, why it went where, and its delivery history."""
    with _open(store, required=True) as (s, _):
        record = s.escalation(escalation_id)
    if record is None:
        fail(f"no escalation {escalation_id!r}; `revops outbox list` shows them", code=1)
    if as_json:
        print(record.model_dump_json(indent=2))
        return
    console = _console()
    for label, value in (("escalation", record.escalation_id), ("task", record.task_id),
                         ("category", record.category), ("target", record.target),
                         ("reason", record.reason), ("state", record.state),
                         ("attempts", record.attempts), ("last error", record.last_error),
                         ("next try", _next_try(record)),
                         ("delivered", _when(record.delivered_at)),
                         ("created", _when(record.created_at)),
                         ("idempotency key", record.idempotency_key)):
        console.print(f"{label + ':':<17}{value if value is not None else '-'}", markup=False)
    for label, value in (("request", record.request), ("requester", record.requester),
                         ("context", record.context)):
        console.print(f"{label}:", markup=False)
        console.print(json.dumps(value, indent=2), markup=False)


@outbox_app.command()
def retry(
    escalation_id: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="Escalation id to re-queue and attempt now.")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Re-queue every dead one.")]
    = False,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-queue dead escalations with a fresh try budget and attempt delivery now."""
    if (escalation_id is not None) == all_dead:
        fail("give an escalation ID or --all-dead (one of them)")
    with _open(store, outbox=True, as_json=as_json, required=escalation_id is not None) as (
            s, box):
        if escalation_id is not None:
            if s.escalation(escalation_id) is None:
                fail(f"no escalation {escalation_id!r}; `revops outbox list` shows them", code=1)
            results = [box.retry(escalation_id)]
        else:
            results = box.retry_dead()
    if as_json:
        _dump(results)
    elif all_dead and not results:
        print("No dead escalations.")
    else:
        _print_results(results)


@outbox_app.command()
def deliver(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """Run one delivery pass: attempt every pending escalation that is due."""
    with _open(store, outbox=True, as_json=as_json) as (_, box):
        results = box.deliver_due()
    if as_json:
        _dump(results)
    else:
        _print_results(results)
