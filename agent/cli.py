"""The `revops` command line (DESIGN.md "CLI"): ask, demo, import, tools, scorecard, check,
refresh.

Human output goes to stdout as an answer paragraph, a table and one line of provenance;
`--json` prints only the machine contract. Progress and notices go to stderr so JSON stays clean.
Heavy modules are imported inside commands: `revops --help` and `revops tools` stay fast.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Revenue Operations & Sales Analytics agent: correct, explained revenue "
                       "answers from your CRM data, offline.")

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="Warehouse file (default: $REVOPS_DB, else the demo company in your user "
                 "data directory).", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) \
            from None


def default_db() -> Path:
    """Return $REVOPS_DB or the per-user default warehouse path."""
    env = os.environ.get("REVOPS_DB", "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("revops-agent", appauthor=False)) / "revops.duckdb"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _progress() -> Any:
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
    with _progress() as bar, writable(db) as con:
        task = bar.add_task("demo company", total=1.0)

        def report(step: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"demo: {step}")

        return generate_demo(con, seed=seed, opportunities=opportunities,
                             end_date=end_date or date.today(),
                             fiscal_year_start_month=fiscal_year_start_month, progress=report)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain language.")],
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluation date YYYY-MM-DD for relative periods (default: today).")]
    = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a revenue question."""
    as_of_date = _parse_date(as_of, "--as-of")
    path = db or default_db()
    if db is None and not os.environ.get("REVOPS_DB", "").strip() and not path.exists():
        _stderr(f"No warehouse yet: building the demo company in {path} (one time).")
        build_demo(path)
    from agent.ask import ask as run
    from agent.context import Warehouse
    from tools.warehouse import connect
    from tools.warehouse.connection import WarehouseError

    try:
        con = connect(path, read_only=True)
    except WarehouseError as exc:
        _stderr(f"error: {exc}")
        raise typer.Exit(2) from None
    try:
        response = run(Warehouse(con), question, as_of=as_of_date)
    finally:
        con.close()
    if as_json:
        print(response.model_dump_json(indent=2))
    else:
        from agent.render import print_response

        print_response(response)
    if response.status == "error":
        raise typer.Exit(1)


@app.command()
def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same company.")] = 42,
    opportunities: Annotated[int, typer.Option(help="Number of opportunities.", min=100)]
    = 20_000,
    end_date: Annotated[str | None, typer.Option(
        "--end-date", help="Last day of history YYYY-MM-DD (default: today).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    fiscal_year_start_month: Annotated[int, typer.Option(
        "--fiscal-year-start-month", min=1, max=12, help="First month of the fiscal year.")]
    = 2,
) -> None:
    """Generate the demo company (a believable B2B SaaS CRM) into a warehouse file."""
    path = db or default_db()
    end = _parse_date(end_date, "--end-date")
    if path.exists():
        if not force:
            _stderr(f"error: {path} exists; pass --force to replace it")
            raise typer.Exit(2)
        path.unlink()
        Path(f"{path}.wal").unlink(missing_ok=True)
    summary = build_demo(path, seed=seed, opportunities=opportunities, end_date=end,
                         fiscal_year_start_month=fiscal_year_start_month)
    rows = getattr(summary, "rows", {})
    total = f"{rows.get('opportunities', opportunities):,}" if rows else f"{opportunities:,}"
    print(f"Demo company written to {path}: {total} opportunities (seed {seed}).")


@app.command("import")
def import_(
    mapping: Annotated[str, typer.Option(
        "--mapping", help="Mapping TOML file, or a preset: salesforce, hubspot.")],
    source: Annotated[Path, typer.Option("--source", help="Folder with the export files.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load a CRM export (CSV, gzip CSV or Parquet) into the warehouse through a mapping."""
    from tools.importer import ImportFailed, run_import
    from tools.warehouse import writable

    path = db or default_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _progress() as bar, writable(path) as con:
            task = bar.add_task("import", total=1.0)
            summary = run_import(con, mapping, source, progress=lambda step, f: bar.update(
                task, completed=f, description=f"import: {step}"))
    except ImportFailed as exc:
        if as_json:
            print(json.dumps({"status": "failed", "error": str(exc)}))
        _stderr(f"import failed, nothing was loaded: {exc}")
        raise typer.Exit(1) from None
    if as_json:
        print(summary.model_dump_json(indent=2))
    else:
        print(summary.render_text())


@app.command()
def scorecard(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluation date YYYY-MM-DD (default: today); the scorecard covers the "
                        "latest complete fiscal quarter before it.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the five success metrics against their targets, with trend and drivers."""
    ask("scorecard", db=db, as_of=as_of, as_json=as_json)


@app.command()
def check(
    db: DbOption = None,
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Rules file (TOML) that disables, changes or adds data-quality rules.")]
    = None,
    as_json: JsonOption = False,
) -> None:
    """Run the data-quality rules, record the run and report the data accuracy rate."""
    from tools.quality.cli import check_command

    code = check_command(db or default_db(), rules, as_json)
    if code:
        raise typer.Exit(code)


@app.command()
def refresh(db: DbOption = None) -> None:
    """Rebuild the derived tables (opp_facts, entity_values) after editing data outside revops.

    Answers stay correct without it (they read the live views while the derived tables are out
    of date), only slower on large warehouses.
    """
    from tools.warehouse import facts_current, refresh_facts, writable

    path = db or default_db()
    if not path.exists():
        _stderr(f"error: no warehouse at {path}")
        raise typer.Exit(2)
    with writable(path) as con:
        state = "were already current" if facts_current(con) else "rebuilt"
        refresh_facts(con)
    print(f"Derived tables in {path} {state}; rebuilt from the current data.")


@app.command()
def tools(as_json: JsonOption = False) -> None:
    """List the analytic tools, their measures and parameters."""
    from tools.base import MetricParams
    from tools.registry import TOOLS

    catalog = [{"name": t.name, "title": t.title, "description": t.description,
                "measures": list(t.measures), "default_period": t.default_period,
                "group_by": [d.value for d in t.group_by]} for t in TOOLS.values()]
    if as_json:
        print(json.dumps({"tools": catalog, "params_schema": MetricParams.model_json_schema()},
                         indent=2))
        return
    for t in catalog:
        print(f"{t['name']:<20} {t['description']}")
        print(f"{'':<20} measures: {', '.join(t['measures'])}; default period: "
              f"{t['default_period']}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
