"""Which imported tables each tool needs, so a tool on thin data says what to import.

A warehouse built from one CRM export holds opportunities (and perhaps accounts and a stage
history) but no quotas, subscriptions, leads, activities, licenses, ledger or ops requests. A
tool reading an empty table would answer "no data" or a misleading 0; instead its result
carries a NEEDS_DATA warning naming the data and the table to map a file to.
"""

from __future__ import annotations

import duckdb

from tools.base import ToolContext

WHAT: dict[str, str] = {
    "opportunities": "deals",
    "quotas": "quotas per rep and period",
    "territories": "territories",
    "users": "the sales reps (users)",
    "subscriptions": "subscriptions (recurring revenue)",
    "opportunity_history": "the deals' stage history",
    "leads": "leads",
    "activities": "activities (calls, e-mails, meetings)",
    "campaigns": "campaigns",
    "tool_licenses": "tool licenses",
    "license_assignments": "license assignments",
    "integration_sync_log": "integration sync logs",
    "ops_requests": "sales ops requests",
    "ledger_entries": "the finance ledger (invoices, credit memos)",
}

NEEDS: dict[str, tuple[str, ...]] = {
    "quota_attainment": ("quotas",),
    "pipeline_coverage": ("quotas",),
    "team_distribution": ("quotas",),
    "quota_capacity": ("quotas",),
    "territory_balance": ("territories",),
    "rep_productivity": ("users",),
    "productivity_improvement": ("users",),
    "arr": ("subscriptions",),
    "arr_waterfall": ("subscriptions",),
    "net_revenue_retention": ("subscriptions",),
    "stage_conversion": ("opportunity_history",),
    "bottleneck": ("opportunity_history",),
    "time_in_stage": ("opportunity_history",),
    "slipping_deals": ("opportunity_history",),
    "lead_conversion": ("leads",),
    "speed_to_lead": ("leads", "activities"),
    "campaign_sourced": ("campaigns",),
    "technology_adoption": ("tool_licenses", "license_assignments"),
    "integration_health": ("integration_sync_log",),
    "ops_efficiency": ("ops_requests",),
    "revenue_reporting_accuracy": ("ledger_entries",),
    "activity_metrics": ("activities",),
}
"""Tool -> the tables without which it cannot answer (all other tools need opportunities)."""


def _none(ctx: ToolContext, key: tuple[str, str], sql: str) -> bool:
    """Whether `sql` counts zero (memoized: a reader's data does not change under it)."""
    if key not in ctx.memo:
        ctx.memo[key] = not ctx.con.execute(sql).fetchall()[0][0]
    return bool(ctx.memo[key])


def is_empty(ctx: ToolContext, table: str) -> bool:
    """Whether a table has no rows."""
    return _none(ctx, ("empty", table), f'select count(*) from (select 1 from "{table}" limit 1)')


def missing(ctx: ToolContext, tool: str) -> list[str]:
    """The tables `tool` needs that hold no rows."""
    return [t for t in NEEDS.get(tool, ()) if is_empty(ctx, t)]


def _no_values(ctx: ToolContext, column: str) -> bool:
    return _none(ctx, ("no values", column), f'select count("{column}") from opportunities')


def unmet(ctx: ToolContext, tool: str) -> list[str]:
    """What `tool` needs that the warehouse lacks: empty tables, opportunity dates never set."""
    out = [needs_message([t]) for t in missing(ctx, tool)]
    for column, tools in DATED.items():
        if tool in tools and _no_values(ctx, column):
            out += [f"needs {what} (map a column to {target})"
                    for what, target in COLUMN_NEEDS[column]]
    return out


def needs_message(tables: list[str]) -> str:
    """`needs quotas per rep and period (import a file mapped to table quotas)`."""
    return "needs " + " and ".join(
        f"{WHAT.get(t, t)} (import a file mapped to table {t})" for t in tables)


COLUMN_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "close_date": (("close dates", "opportunities.close_date"),),
    "created_at": (("creation dates", "opportunities.created_at"),),
}
DATED = {
    "close_date": ("bookings", "win_rate", "avg_deal_size", "leaderboard", "open_pipeline",
                   "weighted_pipeline", "quota_attainment", "pipeline_coverage",
                   "forecast_rollup", "forecast_projection", "forecast_accuracy",
                   "slipping_deals", "productivity_improvement", "rep_productivity"),
    "created_at": ("sales_cycle", "pipeline_velocity"),
}
"""Opportunity columns a tool cannot do without (periods are placed by these dates)."""


def readiness(con: duckdb.DuckDBPyConnection, tools: list[str]) -> list[tuple[str, str | None]]:
    """Per tool: None when the warehouse holds what it needs, else what to import.

    Read after an import, for its summary: empty tables the tool needs, no opportunities, or
    no opportunity dates of the kind the tool places in periods.
    """
    def empty(sql: str) -> bool:
        return not con.execute(sql).fetchall()[0][0]

    tables = {t for tool in tools for t in NEEDS.get(tool, ())} | {"opportunities"}
    empties = {t for t in tables if empty(f'select count(*) from (select 1 from "{t}" limit 1)')}
    no_dates = {c for c in DATED if empty(f"select count({c}) from opportunities")}
    out = []
    for tool in tools:
        lacking = [t for t in NEEDS.get(tool, ()) if t in empties]
        if "opportunities" in empties and tool != "scorecard":
            lacking.insert(0, "opportunities")
        parts = [needs_message(lacking)] if lacking else []
        parts += [f"needs {what} (map a column to {target})" for c in sorted(no_dates)
                  if tool in DATED[c] for what, target in COLUMN_NEEDS[c]]
        out.append((tool, "; ".join(parts) or None))
    return out
