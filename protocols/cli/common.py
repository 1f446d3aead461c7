"""What every `revops` command module shares: one-line errors and date options (exit codes as
docs/design.md#cli fixes them: 2 for input the command refuses, 1 for a failure)."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import NoReturn

import typer

from tools.base import MAX_DATE, MIN_DATE


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
