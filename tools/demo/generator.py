"""`revops demo`: fill an empty warehouse with a deterministic, believable B2B SaaS company.

Everything is generated set-based inside DuckDB (INSERT ... SELECT over range()) with
hash(key, salt, seed) randomness, so 10M opportunities fit on a laptop and the same seed, end date,
size and fiscal start always give identical content. The SQL steps live in ./sql; the effects and
injected defects they produce are documented in docs/demo.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from importlib import resources
from typing import Any

import duckdb
from pydantic import BaseModel

from tools.demo import catalog, templates
from tools.demo.sql_render import param_macros, reference_tables
from tools.fiscal import FiscalCalendar
from tools.quality.loadcheck import record_load_check
from tools.warehouse import refresh_facts, save_settings

Progress = Callable[[str, float], None]

# (sql file, what the progress bar says, share of the total time measured at 10M rows)
STEPS: tuple[tuple[str, str, float], ...] = (
    ("00_macros.sql", "Preparing generator", 0.0),
    ("01_org.sql", "Building the org chart", 0.001),
    ("02_catalog.sql", "Products, stages, FX rates and accounts", 0.004),
    ("03_opp_plan.sql", "Planning opportunities", 0.03),
    ("04_deal.sql", "Line items and deal timelines", 0.035),
    ("05_history.sql", "Writing opportunities and stage history", 0.29),
    ("06_accounts.sql", "Accounts and contacts", 0.02),
    ("07_marketing.sql", "Campaigns and leads", 0.12),
    ("08_revenue.sql", "Subscriptions, ledger and quotas", 0.04),
    ("09_activities.sql", "Activities", 0.14),
    ("10_adoption.sql", "Tool licenses and usage", 0.033),
    ("11_ops.sql", "Ops requests and integration syncs", 0.013),
)
COMMIT_WEIGHT = 0.28
"""Share of the work spent committing (writing indexes and the checkpoint) at 10M rows."""

TABLES: tuple[str, ...] = (
    "territories", "teams", "users", "user_team_history", "territory_user_assignments",
    "territory_account_assignments", "accounts", "contacts", "products", "opportunity_stages",
    "opportunities", "opportunity_history", "opportunity_field_history",
    "opportunity_line_items", "subscriptions", "fx_rates", "quotas", "forecast_submissions",
    "leads", "campaigns", "campaign_members", "activities", "ledger_entries", "tool_licenses",
    "license_assignments", "usage_events", "ops_requests", "integration_sync_log",
)


class DemoSummary(BaseModel):
    """What `generate_demo` wrote."""

    seed: int
    end_date: date
    opportunities: int
    fiscal_year_start_month: int
    rows: dict[str, int]
    elapsed_seconds: float


def reps_for(opportunities: int) -> int:
    """Quota-carrying reps: 40, growing linearly beyond 20k deals (~40 deals/rep/quarter)."""
    return max(40, round(opportunities / 500))


def accounts_for(opportunities: int) -> int:
    """Accounts: one per five deals (deals recur on accounts as renewals and expansions)."""
    return max(300, opportunities // 5)


def anchors_for(opportunities: int) -> int:
    """Anchor deals per kind (won in the current quarter to date / open at end_date)."""
    return max(5, opportunities // 1000)


def three_years_before(d: date) -> date:
    """Return d minus three calendar years (29 February maps to 28 February)."""
    try:
        return d.replace(year=d.year - 3)
    except ValueError:
        return d.replace(year=d.year - 3, day=28)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """First value of a query, fetching fully (DuckDB 2 keeps unfinished results open)."""
    return con.execute(sql).fetchall()[0][0]


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";\n") if s.strip() and not _only_comments(s)]


def _only_comments(s: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in s.splitlines())


def generate_demo(con: duckdb.DuckDBPyConnection, *, seed: int = 42, opportunities: int = 20_000,
                  end_date: date, fiscal_year_start_month: int = 2,
                  progress: Progress | None = None) -> DemoSummary:
    """Generate the demo company into an empty, migrated warehouse in one transaction."""
    if opportunities < 500:
        raise ValueError(f"opportunities must be at least 500, got {opportunities}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    calendar = FiscalCalendar(fiscal_year_start_month)
    existing = _scalar(con, "select count(*) from opportunities")
    if existing:
        raise ValueError(
            f"the warehouse already holds {existing} opportunities; "
            "the demo only fills an empty warehouse (use --force to start from a new file)")
    report = progress or (lambda _step, _fraction: None)
    started = time.perf_counter()
    params = {
        "p_seed": seed, "p_seed_offset": seed * 7919 % 1_048_576, "p_n": opportunities,
        "p_end": end_date,
        "p_d0": three_years_before(end_date), "p_fy": fiscal_year_start_month,
        "p_reps": reps_for(opportunities),
        "p_accounts": accounts_for(opportunities),
        "p_anchors": anchors_for(opportunities),
        "p_q0": calendar.bucket_start(end_date, "quarter"),
    }
    previous_order = bool(_scalar(con, "select current_setting('preserve_insertion_order')"))
    con.execute("set preserve_insertion_order = false")
    con.execute("begin transaction")
    try:
        for statement in param_macros(params) + reference_tables():
            con.execute(statement)
        _load_templates(con)
        total = sum(w for _, _, w in STEPS) + COMMIT_WEIGHT
        done = 0.0
        for name, label, weight in STEPS:
            report(label, done / total)
            sql = resources.files("tools.demo").joinpath("sql", name).read_text("utf-8")
            for statement in _statements(sql):
                con.execute(statement)
            done += weight
        report("Committing to disk", done / total)
        save_settings(con, company_name=catalog.COMPANY_NAME,
                      corporate_currency=catalog.CORPORATE_CURRENCY,
                      fiscal_year_start_month=fiscal_year_start_month,
                      data_start=three_years_before(end_date), data_end=end_date, source="demo")
        _drop_scratch(con)
        refresh_facts(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute("set preserve_insertion_order = $ordered", {"ordered": previous_order})
    report("Checking data quality (kept for the dashboard while the data is unchanged)",
           done / total)
    record_load_check(con)
    rows = {t: int(_scalar(con, f"select count(*) from {t}")) for t in TABLES}
    report("Done", 1.0)
    return DemoSummary(seed=seed, end_date=end_date, opportunities=opportunities,
                       fiscal_year_start_month=fiscal_year_start_month, rows=rows,
                       elapsed_seconds=round(time.perf_counter() - started, 3))


def _load_templates(con: duckdb.DuckDBPyConnection) -> None:
    """Load the stage-path templates as two temp tables (columns bound as lists: fast)."""
    ev = ("tpl", "step", "stage", "c1", "c2", "c3", "c4", "lvl", "amt_lvl", "pc1", "pc2", "pc3",
          "pc4", "p_lvl", "p_amt", "nc1", "nc2", "nc3", "nc4")
    tp = ("tpl", "tot_c1", "tot_c2", "tot_c3", "tot_c4", "pu1_c1", "pu1_c2", "pu1_c3", "pu1_c4",
          "pu2_c1", "pu2_c2", "pu2_c3", "pu2_c4", "pr_c1", "pr_c2", "pr_c3", "pr_c4", "n_events")
    ints = {"tpl", "step", "stage", "lvl", "amt_lvl", "p_lvl", "p_amt", "n_events"}
    for name, cols, rows in (("d_tpl_event", ev, templates.event_rows()),
                             ("d_tpl", tp, templates.template_rows())):
        select = ", ".join(f"unnest(${c}::{'INTEGER' if c in ints else 'DOUBLE'}[]) AS {c}"
                           for c in cols)
        con.execute(f"create or replace temp table {name} as select {select}",
                    {c: list(v) for c, v in zip(cols, zip(*rows, strict=True), strict=True)})


def _drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    """Remove the generator's temp tables, views and macros from the caller's connection."""
    for kind, name in con.execute(
        "select 'table', table_name from duckdb_tables() where temporary "
        "union all select 'view', view_name from duckdb_views() where temporary "
        "union all select 'macro', function_name from duckdb_functions() "
        "where schema_name = 'main' and database_name = 'temp' "
        "and function_type in ('macro', 'table_macro')"
    ).fetchall():
        con.execute(f"drop {kind} if exists temp.{name}")
