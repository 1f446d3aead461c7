"""Which imported tables each tool needs, so a tool on thin data says what to import.

A warehouse built from one CRM export holds opportunities (and perhaps accounts and a stage
history) but no quotas, subscriptions, leads, activities, licenses, ledger or ops requests. A
tool reading an empty table would answer "no data" or a misleading 0; instead its result
carries a NEEDS_DATA warning naming the data and the table to map a file to.
"""

from __future__ import annotations

from tools.base import ToolContext

WHAT: dict[str, str] = {
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


def is_empty(ctx: ToolContext, table: str) -> bool:
    """Whether a table has no rows (memoized: a reader's data does not change under it)."""
    key = ("empty", table)
    if key not in ctx.memo:
        rows = ctx.con.execute(f'select count(*) from (select 1 from "{table}" limit 1)')
        ctx.memo[key] = not rows.fetchall()[0][0]
    return bool(ctx.memo[key])


def missing(ctx: ToolContext, tool: str) -> list[str]:
    """The tables `tool` needs that hold no rows."""
    return [t for t in NEEDS.get(tool, ()) if is_empty(ctx, t)]


def needs_message(tables: list[str]) -> str:
    """`needs quotas per rep and period (import a file mapped to table quotas)`."""
    return "needs " + " and ".join(
        f"{WHAT.get(t, t)} (import a file mapped to table {t})" for t in tables)
