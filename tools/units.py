"""The unit of every column a tool reports, declared once by name.

The metric engine's measures declare their own units; the other tools build their SQL by hand,
so their output columns are declared here, by exact name (a count of churned customers is a
count whatever its name contains). tools.registry.run_tool completes `result.units` from this
table, so every reader (answer text, tables, charts) reads a declared unit, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

_DECLARED: Final[dict[str, tuple[str, ...]]] = {
    "currency": (
        "abs_error_amount", "actual_amount", "amount", "arr", "at_risk_amount", "avg_deal_size",
        "base_bookings_per_ramped_rep", "base_ramped_bookings", "bookings",
        "bookings_per_ramped_rep", "bookings_per_rep", "bookings_to_date", "campaign_bookings",
        "campaign_cost", "category_in_amount", "category_out_amount", "churned_arr",
        "closing_arr", "contraction_arr", "crm_amount", "decreased_amount",
        "difference_amount", "discrepancy_amount", "end_amount", "expansion_arr",
        "forecast_amount", "idle_seat_cost", "increased_amount", "ledger_amount",
        "lost_amount", "moved_category_amount", "mrr", "net_change_amount", "net_new_arr",
        "new_amount", "new_arr", "open_amount", "open_pipeline", "opening_arr",
        "pipeline_per_rep", "pipeline_velocity_per_day", "pipeline_velocity_per_quarter",
        "projected_bookings", "projected_from_pipeline", "pulled_in_amount",
        "pulled_out_amount", "pushed_in_amount", "pushed_out_amount", "quota",
        "quota_capacity", "quota_gap", "ramped_bookings", "reactivation_arr",
        "remaining_quota", "reopened_amount", "retained_arr", "slipped_amount",
        "snapshot_amount", "sourced_bookings", "sourced_pipeline", "stale_amount",
        "start_amount", "stuck_amount", "tam_amount", "target_quota", "total_bookings",
        "total_pipeline", "won_amount",
    ),
    "ratio": (
        "accounts_per_rep_cv", "adoption_rate", "aggregate_accuracy", "at_risk_share",
        "attainment", "attainment_iqr", "automation_rate", "bias", "bottleneck_score",
        "campaign_roi", "connected_share", "conversion_rate", "conversion_rate_incl_open",
        "cover_cv", "data_accuracy", "expected_attainment", "forecast_accuracy",
        "gross_retention_rate", "growth", "growth_gap", "lead_to_mql_rate", "lead_to_opp_rate",
        "login_only_share", "logo_churn_rate", "logo_retention_rate", "mape",
        "marketing_sourced_share", "marketing_won_share", "match_rate", "median_attainment",
        "mql_to_sql_rate", "net_retention_rate", "never_share", "open_deal_touch_rate",
        "over_60_min_share", "pass_rate", "pipe_per_rep_cv", "productivity_improvement",
        "regression_rate", "revenue_reporting_accuracy", "seat_utilization_rate",
        "similarity", "sla_attainment", "slip_rate", "slip_rate_value", "sql_to_opp_rate",
        "stage_to_won_rate", "stale_share", "stale_value_share", "stuck_share",
        "sync_error_rate", "target_growth", "top_quartile_share", "wape", "win_rate",
        "within_15_min_share", "within_5_min_share", "within_60_min_share", "within_sla_share",
    ),
    "multiple": ("coverage",),
    "days": ("avg_cycle_days", "avg_days", "days_since_touch", "median_age_days", "median_days",
             "median_days_since_touch", "median_first_visit_days", "median_open_days",
             "p75_days"),
    "minutes": ("freshness_lag_minutes", "median_responded_minutes", "median_response_minutes",
                "p90_response_minutes"),
    "hours": ("median_resolution_hours",),
    "seconds": ("p95_latency_seconds",),
    "count": (
        "accounts", "accounts_per_rep", "active_users", "activities", "advanced",
        "amount_cut_deals", "at_risk_deals", "backlog", "base_ramped_fte", "breached", "calls",
        "calls_per_rep_per_day", "category_in_deals", "category_out_deals", "checks",
        "closed_deals", "cohort_customers", "churned_customers", "converted_no_opp",
        "converted_to_opp", "customers", "deals", "decreased_deals", "dropped",
        "duplicates_removed", "emails", "emails_per_rep_per_day", "end_deals", "entered",
        "errors", "evaluated", "failing", "historical_deals", "historical_won",
        "history_reps", "immature_leads", "inactive_deals", "increased_deals", "keys", "leads",
        "ledger_without_fx", "licensed_users", "login_only_users", "long_in_stage_deals",
        "lost", "lost_deals", "meetings", "meetings_per_rep_per_day", "met",
        "mismatched_keys", "moved_category_deals", "mqls", "new_deals", "open_deals",
        "open_now", "opportunities", "overdue", "pairs", "passed", "passing",
        "past_close_deals", "pending", "pending_leads", "per_deal", "per_rep_per_day",
        "per_won_deal", "pulled_in_deals", "pulled_out_deals", "pushed_deals",
        "pushed_in_deals", "pushed_out_deals", "pushes", "quarantined", "ramped_fte",
        "ramped_rep_equivalents", "records", "regressed_deals", "reopened_deals", "rep_days",
        "rep_fte", "reps", "reps_at_or_above", "reps_with_quota", "requests", "resolved",
        "responded", "score", "seats_purchased", "slipped", "slipped_deals",
        "sourced_deals", "sqls", "stage_changed_deals", "stale_deals", "start_deals",
        "still_open", "stuck_deals", "subscriptions", "syncs", "unrecovered_errors", "visits",
        "without_amount", "without_sla", "won", "won_deals", "zero_actuals",
    ),
}
COLUMN_UNITS: Final[dict[str, str]] = {c: u for u, cols in _DECLARED.items() for c in cols}
"""Output column name -> unit, for the columns of tools that do not declare their own."""

CURRENCY_SYMBOLS: Final = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$",
                           "AUD": "A$", "INR": "₹", "CNY": "CN¥", "CHF": "CHF "}
"""How a corporate currency code prints in front of an amount (others print as 'SEK 1,234')."""


def derived_unit(column: str, units: dict[str, str], headline: str,
                 headline_unit: str) -> str | None:
    """The unit of a column derived from another one: a comparison's previous value and change,
    a data-quality or unresolved-reference count."""
    if column.endswith("_previous"):
        base = column.removesuffix("_previous")
        return units.get(base) or COLUMN_UNITS.get(base) or (
            headline_unit if base == headline else None)
    if column == "change":
        return headline_unit
    if column.startswith("dq_") or "_unresolved_" in column:
        return "count"
    return None


def declare_units(columns: Iterable[str], declared: dict[str, str], headline: str,
                  headline_unit: str) -> dict[str, str]:
    """Every column's unit that is known: the tool's own declaration first, then this table,
    then the unit derived from another column. Label columns (rep, month...) have none."""
    out: dict[str, str] = {}
    for c in columns:
        unit = declared.get(c) or COLUMN_UNITS.get(c) or derived_unit(
            c, declared, headline, headline_unit)
        if unit is None and c == headline:
            unit = headline_unit
        if unit is not None:
            out[c] = unit
    return out


def currency_symbol(code: str | None) -> str:
    """The prefix an amount in this currency prints with."""
    if not code:
        return "$"
    return CURRENCY_SYMBOLS.get(code.upper(), f"{code.upper()} ")
