"""Numbers as people read them: $1,234,567, 63.2%, 45.3 days, 1,234."""

from __future__ import annotations

from typing import Any

from tools.units import currency_symbol


def money(v: float, currency: str | None = None) -> str:
    """Format an amount in the corporate currency (an ISO code; None reads as USD)."""
    sign = "-" if v < 0 else ""
    v = abs(v)
    symbol = currency_symbol(currency)
    return f"{sign}{symbol}{v:,.0f}" if v >= 1000 else f"{sign}{symbol}{v:,.2f}"


def value(v: Any, unit: str, currency: str | None = None) -> str:
    """Format a value by its unit (amounts in `currency`); None reads as n/a."""
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "yes" if v else "no"
    if unit == "currency":
        return money(float(v), currency)
    if unit == "multiple":
        return f"{float(v):,.2f}x"
    if unit == "ratio":
        return f"{float(v):.1%}"
    if unit == "days":
        return f"{float(v):,.1f} days"
    if unit in ("minutes", "hours", "seconds"):
        return f"{float(v):,.1f} {unit}"
    if unit == "count":
        return f"{int(v):,}" if float(v).is_integer() else f"{float(v):,.2f}"
    return str(v)


UNITS = {  # checked in order: the first family whose key occurs in the column name wins
    "minutes": ("minutes",),
    "hours": ("hours",),
    "seconds": ("seconds",),
    "days": ("days",),
    "ratio": ("rate", "attainment", "share", "growth", "win_rate", "retention", "nrr", "grr",
              "churn", "mape", "wape", "bias", "accuracy", "utilization", "roi", "_cv",
              "conversion", "adoption", "sla", "pct", "percent", "improvement"),
    "currency": ("bookings", "amount", "pipeline", "deal_size", "quota", "remaining", "past_due",
                 "previous", "won_amount", "arr", "mrr", "forecast",
                 "cost", "revenue", "capacity", "gap", "per_rep", "per_ramped_rep", "tam",
                 "expansion", "contraction", "opening", "closing", "net_new", "reactivation"),
}


QUALITY_COLUMNS = frozenset({"without_amount", "excluded_deals", "negative_cycle",
                             "lost_without_amount"})


def is_quality(column: str) -> bool:
    """Data-quality counts beside the measures (explained by warnings, shown when non-zero)."""
    return column in QUALITY_COLUMNS or "_unresolved_" in column or column.startswith("dq_")


def column_unit(result: Any, column: str) -> str:
    """Return a result column's unit as declared (tools.registry.run_tool declares every
    numeric column, tools.units); a result built outside it falls back to the name."""
    declared = getattr(result, "units", None) or {}
    if column in declared:
        return str(declared[column])
    return unit_of(column, result.measure or "", result.unit)


def unit_of(column: str, headline: str, headline_unit: str) -> str:
    """Guess a column's unit from its name (tables mix units); the headline's is known.

    Coverage is a ratio in the data but reads as a multiple of quota ("3.54x").
    """
    if "coverage" in column:
        return "multiple"
    counted = ("deals", "_count", "records", "_fte", "equivalents")
    if column.startswith(("reps_", "n_", "without_")) or column.endswith(counted):
        return "count"
    headline_like = column in (headline, f"{headline}_previous")
    if headline_like and headline_unit != "count":
        return headline_unit
    if column == "change":
        return headline_unit
    if is_quality(column):
        return "count"
    if column.endswith("_only"):  # forecast categories: commit_only, best_case_only
        return "currency"
    for unit, keys in UNITS.items():
        if any(k in column for k in keys):
            return unit
    return headline_unit if column == headline else "count"
