"""The `revops` command line (docs/design.md#cli): ask, chat, demo, import, tools, scorecard, check,
refresh, eval, serve, mcp, outbox, dashboard.

Human output goes to stdout as an answer paragraph, a table and one line of provenance;
`--json` prints only the machine contract. Progress and notices go to stderr so JSON stays clean.
Heavy modules are imported inside commands: `revops --help` and `revops tools` stay fast.
"""

from __future__ import annotations

import gc
import json
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from protocols.cli.common import (
    build_demo,
    default_db,
    fail,
    one_shot,
    open_warehouse,
    parse_date,
    progress,
    read_only,
    settings,
    stderr,
)
from protocols.cli.monitor import monitor
from protocols.cli.outbox import outbox_app

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Revenue Operations & Sales Analytics agent: correct, explained revenue "
                       "answers from your CRM data, offline.",
                  epilog="Exit codes: 0 for any answer the agent chose (answered, asked back, "
                         "escalated, refused); 2 for bad input; 1 for a failure.")
app.add_typer(outbox_app, name="outbox")
app.command("monitor")(monitor)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("revops-agent")
        except PackageNotFoundError:  # run from a source tree that was never installed
            shown = "unknown (not installed)"
        print(f"revops-agent {shown}")
        raise typer.Exit(0)


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print the installed version and exit.")] = False) -> None:
    """Options that apply before any command (--version, completion)."""

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="Warehouse file (default: $REVOPS_DB, else the demo company in your user "
                 "data directory).", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
KeepPageOption = Annotated[bool, typer.Option(
    "--dashboard-page/--no-dashboard-page",
    help="Also compute the dashboard's default page as of today and keep it beside the file, "
         "so a server's first visitor is not the one who waits (seconds on large data).")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal "
                                                           "error instead of one line.")]


@app.command()
@one_shot
def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain language.")],
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluation date YYYY-MM-DD for relative periods (default: today).")]
    = None,
    thread: Annotated[str | None, typer.Option(
        "--thread", help="Conversation id: follow-ups (\"and by region?\") continue the "
                         "thread's previous question. Kept in $REVOPS_THREADS_DB (a file or a "
                         "postgresql:// URL).")] = None,
    as_json: JsonOption = False,
    chart: Annotated[Path | None, typer.Option(
        "--chart", help="Also write the answer's chart to this file: .svg, .png or .html "
                        "(rendered offline).", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", help="Also write the full result table to this file: .csv or .parquet.",
        show_default=False)] = None,
    debug: DebugOption = False,
) -> None:
    """Answer a revenue question."""
    as_of_date = parse_date(as_of, "--as-of", as_json)
    _check_question(question, as_json)
    from agent.export import CHART_FORMATS, TABLE_FORMATS

    _check_suffix(chart, CHART_FORMATS, "--chart")
    _check_suffix(output, TABLE_FORMATS, "--output")
    try:
        with open_warehouse(db, threads=thread is not None) as (wh, llm, saver):
            from agent.ask import ask as run

            response = run(wh, question, as_of=as_of_date, thread_id=thread,
                           checkpointer=saver, llm=llm)
    except typer.Exit:
        raise
    except Exception as exc:  # a fault of ours or of the warehouse: one line, not a traceback
        if debug:
            raise
        fail(f"internal error while answering ({type(exc).__name__}); run with --debug for "
              "the traceback", as_json, code=1, kind="internal_error")
    if as_json:
        print(response.model_dump_json(indent=2))
    else:
        from agent.render import print_response

        print_response(response)
    _queue_escalation(response, question, as_of_date)
    _export(response, chart, output)
    if response.status == "error":
        raise typer.Exit(1)


def _queue_escalation(response: Any, question: str, as_of: date | None) -> None:
    """Put an escalation into the outbox ($REVOPS_STATE_DB), so the id printed is one that
    `revops outbox show` finds and `revops outbox deliver` sends; a store that cannot be opened
    is said on stderr, never a failure of the answer."""
    if response.escalation is None:
        return
    from protocols.sqlstore import StoreOpenError
    from protocols.store import TaskStore
    from tools.settings import Settings

    request = {"task_id": response.request_id, "sender": "cli", "question": question,
               "as_of": as_of.isoformat() if as_of else None}
    try:
        where = Settings().service.state_db
        if isinstance(where, Path):
            where.parent.mkdir(parents=True, exist_ok=True)
        with TaskStore(where) as store:
            store.record_response(request, response, sender="cli")
            where = store.where  # a URL's password is not printed
    except (StoreOpenError, OSError, ValueError) as exc:
        stderr(f"warning: escalation {response.escalation.escalation_id} not queued in the "
                f"outbox: {exc}")
        return
    stderr(f"Queued in the outbox ({where}); `revops outbox deliver` sends it.")


def _check_suffix(path: Path | None, allowed: tuple[str, ...], option: str) -> None:
    if path is not None and path.suffix.lower() not in allowed:
        raise typer.BadParameter(f"expected a file ending in {', '.join(allowed)}, got "
                                 f"{path.name!r}", param_hint=option)


def _export(response: Any, chart: Path | None, output: Path | None) -> None:
    """Write the chart and table files `revops ask` was asked for; say so on stderr."""
    from agent.export import write_chart, write_table

    r = response.result
    if chart is not None:
        if r is None or r.chart is None:
            stderr(f"No chart written to {chart}: this answer has no shape to draw "
                    "(a single number, or no result).")
        else:
            write_chart(r.chart, chart)
            stderr(f"Chart written to {chart}.")
    if output is not None:
        if r is None:
            stderr(f"No table written to {output}: the answer has no result.")
        else:
            write_table(r.columns, r.rows, output)
            stderr(f"Table written to {output} ({len(r.rows):,} rows).")


@app.command()
def chat(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluation date YYYY-MM-DD for relative periods (default: today).")]
    = None,
    thread: Annotated[str | None, typer.Option(
        "--thread", help="Resume a conversation by id (default: a new one).")] = None,
) -> None:
    """Ask questions in a conversation: follow-ups keep the metric, filters and period."""
    import uuid

    as_of_date = parse_date(as_of, "--as-of")
    thread_id = thread or uuid.uuid4().hex[:12]
    with open_warehouse(db, threads=True) as (wh, llm, saver):
        from agent.ask import ask as run
        from agent.render import print_response

        stderr(f"Thread {thread_id} ({'model: ' + llm.settings.model if llm else 'rules parser'})"
                ". Ask a question; follow up with \"and by region?\", \"what about last "
                "quarter?\", \"why?\". Empty line or Ctrl-D to stop.")
        while True:
            try:
                question = input("? ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not question:
                break
            print_response(run(wh, question, as_of=as_of_date, thread_id=thread_id,
                               checkpointer=saver, llm=llm))
    stderr(f"Resume with: revops chat --thread {thread_id}")


def _check_question(question: str, as_json: bool) -> None:
    """Hold the question to the input model the service uses (length, valid Unicode: an
    undecodable byte of the command line arrives as a lone surrogate)."""
    from pydantic import ValidationError

    from protocols.tasks import TaskInput
    from tools.base import validation_text

    try:
        TaskInput.model_validate({"question": question})
    except ValidationError as exc:
        fail(validation_text(exc), as_json)


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
    end = parse_date(end_date, "--end-date")
    if path.exists():
        if not force:
            stderr(f"error: {path} exists; pass --force to replace it")
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
    swap: Annotated[bool, typer.Option(
        "--swap", help="Import into a copy of the warehouse and rename it over the original "
                       "when done: servers reading it keep answering, then switch to the new "
                       "file (needs room for a second copy).")] = False,
    dashboard_page: KeepPageOption = True,
) -> None:
    """Load a CRM export (CSV, gzip CSV or Parquet) into the warehouse through a mapping."""
    from tools.importer import ImportFailed, SourceError, load_mapping, run_import
    from tools.warehouse import writable
    from tools.warehouse.connection import WarehouseError
    from tools.warehouse.swap import replaced

    path = db or default_db()
    created = not path.exists()
    try:  # a bad mapping or source fails before a warehouse file is created or opened
        spec = load_mapping(mapping)
        if not source.is_dir():
            raise SourceError(f"source {source} is not a directory of export files")
        path.parent.mkdir(parents=True, exist_ok=True)
        with progress() as bar, (replaced(path) if swap else nullcontext(path)) as target, \
                writable(target) as con:
            task = bar.add_task("import", total=1.0)
            summary = run_import(con, spec, source, progress=lambda step, f: bar.update(
                task, completed=f, description=f"import: {step}"))
    except ImportFailed as exc:
        if created:  # a failed first import leaves no empty warehouse file behind
            for leftover in (path, Path(f"{path}.wal")):
                leftover.unlink(missing_ok=True)
        if as_json:
            print(json.dumps({"status": "failed", "error": str(exc)}))
        stderr(f"import failed, nothing was loaded: {exc}")
        raise typer.Exit(1) from None
    except WarehouseError as exc:  # --swap: the file is being written by someone else
        stderr(f"error: {exc}")
        raise typer.Exit(2) from None
    if as_json:
        print(summary.model_dump_json(indent=2))
    else:
        print(summary.render_text())
    if dashboard_page:
        _keep_dashboard_page(path, to_stderr=as_json)


@app.command()
def scorecard(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluation date YYYY-MM-DD (default: today); the scorecard covers the "
                        "latest complete fiscal quarter before it.")] = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Show the five success metrics against their targets, with trend and drivers."""
    ask("scorecard", db=db, as_of=as_of, as_json=as_json, debug=debug)


@app.command()
def check(
    db: DbOption = None,
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Rules file (TOML) that disables, changes or adds data-quality rules.")]
    = None,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", min=0.0, max=1.0, help="Exit 1 when the data accuracy rate is below "
                                               "this fraction (e.g. 0.98), for CI gates.")]
    = None,
    as_json: JsonOption = False,
) -> None:
    """Run the data-quality rules, record the run and report the data accuracy rate."""
    from tools.quality.cli import check_command

    code = check_command(db or default_db(), rules, as_json, fail_under)
    if code:
        raise typer.Exit(code)


def _keep_dashboard_page(path: Path, to_stderr: bool = False) -> None:
    """An optimisation after a load that succeeded: its failure is reported, not fatal."""
    from agent.dashboard import keep_default_page

    today = date.today()
    try:
        kept = keep_default_page(path, today)
    except Exception as exc:  # noqa: BLE001 - the page is then computed on the first visit
        stderr(f"note: the dashboard's default page was not kept ({exc}); it is computed "
               "on its first visit")
        return
    if kept:
        note = f"The dashboard's default page as of {today} is kept for its first visitor."
        if to_stderr:
            stderr(note)
        else:
            print(note)


@app.command()
def refresh(db: DbOption = None, dashboard_page: KeepPageOption = True) -> None:
    """Rebuild the derived tables (opp_facts, entity_values, the data-quality check the dashboard
    reads) after editing data outside revops.

    Answers stay correct without it (they read the live views while the derived tables are out
    of date), only slower on large warehouses.
    """
    from tools.quality.loadcheck import record_load_check
    from tools.warehouse import facts_current, refresh_facts, writable

    path = db or default_db()
    if not path.exists():
        stderr(f"error: no warehouse at {path}")
        raise typer.Exit(2)
    with writable(path) as con:
        state = "were already current" if facts_current(con) else "rebuilt"
        refresh_facts(con)
        checked = record_load_check(con)
    print(f"Derived tables in {path} {state}; rebuilt from the current data"
          + (", with the data-quality check." if checked else "."))
    if dashboard_page:
        _keep_dashboard_page(path)


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


@app.command("mcp")
def mcp_(db: DbOption = None) -> None:
    """Serve the analytic tools and the agent to an MCP client over stdio (read-only)."""
    with open_warehouse(db, threads=False) as (wh, llm, _):
        from protocols.mcp_server import build_mcp_server, run_stdio

        run_stdio(build_mcp_server(wh, llm=llm))


@app.command("eval")
def eval_(
    questions: Annotated[Path, typer.Option(
        "--questions", help="Question set (TOML; format in examples/eval/README.md).")],
    db: Annotated[Path | None, typer.Option(
        "--db", help="Warehouse file (default: the demo company the set names, built once in "
                     "your user data directory).", show_default=False)] = None,
    parser: Annotated[str, typer.Option(
        "--parser", help="Parser(s) to score: rules, llm or both.")] = "rules",
    as_json: JsonOption = False,
    fail_under: Annotated[float, typer.Option(
        "--fail-under", min=0.0, max=1.0, help="Exit 1 when intent or value accuracy of a "
                                               "configured parser is below this.")] = 0.95,
) -> None:
    """Score the agent on a question set: intent and value accuracy, per parser and tool."""
    from agent import evaluation as ev
    from agent.context import Warehouse
    from agent.session import make_llm
    from tools.settings import data_dir

    if parser not in ("rules", "llm", "both"):
        raise typer.BadParameter("expected rules, llm or both", param_hint="--parser")
    try:
        qset = ev.load_questions(questions)
    except ValueError as exc:
        stderr(f"error: {exc}")
        raise typer.Exit(2) from None
    if db is not None:
        path = db
    elif qset.demo is None:
        stderr("error: the question set names no demo company; pass --db")
        raise typer.Exit(2)
    else:
        path = ev.demo_path(qset.demo, data_dir())
        if not path.exists():
            stderr(f"Building the set's demo company in {path} (one time).")
            build_demo(path, seed=qset.demo.seed, opportunities=qset.demo.opportunities,
                       end_date=qset.demo.end_date,
                       fiscal_year_start_month=qset.demo.fiscal_year_start_month)
    con = read_only(path)
    try:
        config = settings()
        wh = Warehouse(con, config.warehouse.answer_cache)
        answer = ev.answerers(wh, parser, make_llm(config.llm) if parser != "rules" else None)
        with progress() as bar:
            tasks = {p: bar.add_task(f"eval: {p}", total=len(qset.cases))
                     for p, f in answer.items() if f is not None}
            report = ev.evaluate(qset, wh, answer, fail_under=fail_under, progress=lambda p, n,
                                 total: bar.update(tasks[p], completed=n))
    except ValueError as exc:
        stderr(f"error: {exc}")
        raise typer.Exit(2) from None
    finally:
        con.close()
    print(report.model_dump_json(indent=2) if as_json else ev.render_text(report))
    if not report.passed:
        raise typer.Exit(1)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
    tokens: Annotated[Path | None, typer.Option(
        "--tokens", help="Bearer tokens file (TOML or JSON: token -> id, role); default "
                         "$REVOPS_TOKENS_FILE or $REVOPS_TOKENS, else one generated and printed.")]
    = None,
) -> None:
    """Serve the agent over HTTP: REST for the hub, A2A for peers, MCP at /mcp."""
    from pydantic import ValidationError

    from protocols.auth import AuthConfigError
    from protocols.sqlstore import StoreOpenError

    with open_warehouse(db, threads=True, live=True) as (wh, llm, saver):
        from protocols.service import serve as run_service

        try:
            run_service(wh, host=host, port=port, tokens_file=tokens, llm=llm, threads=saver)
        except (AuthConfigError, StoreOpenError, ValidationError) as exc:
            stderr(f"error: {exc}")
            raise typer.Exit(2) from None


@app.command()
def dashboard(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluation date YYYY-MM-DD (default: today).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write the dashboard to this .html file (one self-contained file to "
                      "share, no network needed); default: open it in your browser.",
        show_default=False)] = None,
    period: Annotated[str, typer.Option(
        help="quarter (this fiscal quarter), previous_quarter or year.")] = "quarter",
    region: Annotated[str | None, typer.Option(help="Only this region.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    all_views: Annotated[bool, typer.Option(
        "--all-views", help="Also compute every period for everyone, each region and each "
                            "team, so the file's filters work offline (slower, larger file); "
                            "without it the file's filters are fixed.")] = False,
) -> None:
    """The revenue operations dashboard as one HTML file: every panel computed by the tools."""
    from pydantic import ValidationError

    as_of_date = parse_date(as_of, "--as-of") or date.today()
    with open_warehouse(db, threads=False) as (wh, _llm, _saver):
        from agent.dashboard import Dashboard, Filters
        from agent.dashboard_page import VegaBundle, render
        from agent.dashboard_store import PageStore, store_beside

        try:
            filters = Filters(period=period, region=region, team=team)  # type: ignore[arg-type]
        except ValidationError:
            raise typer.BadParameter("expected quarter, previous_quarter or year",
                                     param_hint="--period") from None
        where = store_beside(wh.answers.path)  # pages `serve` or an earlier run computed
        board = Dashboard(wh, store=None if where is None else PageStore(where))
        for name, value in (("region", region), ("team", team)):
            if value is not None and value not in board.choices()[name]:
                raise typer.BadParameter(f"unknown {name} {value!r}; one of "
                                         f"{', '.join(board.choices()[name])}",
                                         param_hint=f"--{name}")
        page = board.page(filters, as_of_date)
        views = board.views(as_of_date, base=filters) if all_views else None
        html = render(page, live=False, vega_js=VegaBundle().js(), views=views)
    if out is None:
        import tempfile
        import webbrowser

        out = Path(tempfile.mkdtemp(prefix="revops-")) / "dashboard.html"
        out.write_text(html, encoding="utf-8")
        webbrowser.open(out.as_uri())
        stderr(f"Dashboard written to {out} and opened in your browser.")
        return
    out.write_text(html, encoding="utf-8")
    stderr(f"Dashboard written to {out} ({len(page.panels)} panels, as of {page.as_of}).")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    finally:
        # the process ends here: the interpreter's exit would otherwise walk every object left
        # (about a fifth of a cold `revops ask`); what is open was closed by the command
        gc.freeze()


if __name__ == "__main__":
    main()
