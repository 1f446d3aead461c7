"""Human output of an AgentResponse: the answer, a table, one provenance line, caveats."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from agent.formatting import column_unit, is_quality, value
from agent.response import AgentResponse

MAX_ROWS = 25


def print_response(response: AgentResponse, console: Console | None = None) -> None:
    """Print a response for a person at a terminal."""
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:  # piped or captured: don't squeeze tables to 80 columns
            console = Console(highlight=False, width=160)
    console.print(response.answer, markup=False)
    r = response.result
    if r is not None and r.rows and (len(r.rows) > 1 or len(r.columns) > 1):
        table = Table(show_edge=False, pad_edge=False)
        keep = [i for i, c in enumerate(r.columns)
                if not is_quality(c) or any(row[i] for row in r.rows)]
        cells = [[_cell(row[i], column_unit(r, r.columns[i]), r.columns[i], r.currency)
                  for i in keep]
                 for row in r.rows[:MAX_ROWS]]
        for k, i in enumerate(keep):
            c = r.columns[i]
            label = _is_label(r, c)
            widest = max(len(row[k]) for row in cells)
            table.add_column(c.replace("_", " "), justify="left" if label else "right",
                             min_width=min(widest, 28) if label else widest)
        for row in cells:
            table.add_row(*row)
        wide = console.measure(table).maximum
        # a terminal wraps headers to fit; piped output keeps every column at full width
        console.print(table, width=None if console.is_terminal else max(console.width, wide),
                      crop=console.is_terminal)
        if len(r.rows) > MAX_ROWS:
            console.print(f"... {len(r.rows) - MAX_ROWS} more rows (use --json for all)",
                          style="dim")
    if r is not None:
        period = (f"{r.period['label']} ({r.period['start']} to {r.period['end']})"
                  if r.period else "all dates")
        console.print(f"Definition: {r.definition} Period: {period}. As of {r.as_of}. "
                      f"{r.n_records:,} records.", style="dim", markup=False)
    for w in response.warnings:
        console.print(f"Warning [{w.code}]: {w.message}", style="yellow", markup=False)
    for note in response.intent.notes:
        console.print(f"Note: {note}", style="dim", markup=False)
    if response.escalation is not None:
        e = response.escalation
        console.print(f"Escalation {e.escalation_id} -> {e.target} ({e.category})", style="dim",
                      markup=False)


def _is_label(r: object, column: str) -> bool:
    return column in getattr(r, "columns", [])[:1] or column in (
        "rep", "manager", "team", "region", "territory", "product", "product_family", "industry",
        "segment", "deal_type", "lead_source", "account", "stage", "forecast_category",
        "opportunity", "month", "quarter", "year", "week")


def _cell(v: object, unit: str, column: str, currency: str | None = None) -> str:
    if v is None:
        return "-"
    if isinstance(v, str | bool):
        return value(v, "count")
    if column == "rank":
        return str(v)
    return value(v, unit, currency)
