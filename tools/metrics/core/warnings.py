"""Caveats derived from a metric's own result rows: no data, unlabeled groups, quality counts."""

from __future__ import annotations

from typing import Any

from tools.base import MetricParams, MetricResult, ToolContext, Warning
from tools.fiscal import Period
from tools.metrics.core.envelope import headline_column, no_data
from tools.metrics.core.spec import MetricSpec
from tools.quality.caveats import caveat_warnings

QUALITY_MESSAGES = {
    "without_amount": "{n} of {total} deals ({share}) have no amount; they are counted but not "
                      "summed.",
    "excluded_deals": "{n} won deals ({share}) have no positive amount and are left out of the "
                      "average.",
    "negative_cycle": "{n} won deals ({share}) close before they were created and are left out.",
    "lost_without_amount": "{n} lost deals ({share} of closed deals) have no amount, so win "
                           "rate by value counts them as 0.",
}


QUALITY_APPLIES = {"lost_without_amount": {"win_rate_value"}}

# Why a dimension can be missing or unreliable on a deal: column -> (flag, explanation).
REFERENCE_CHECKS = {
    "product": ("product_unresolved", "reference a product that is not in the product list; "
                "they are shown under the name the deal carries"),
    "product_family": ("product_unresolved", "reference a product that is not in the product "
                       "list, so they have no product family"),
    "account": ("account_unresolved", "reference an account that is not in the account list"),
    "industry": ("account_unresolved", "reference an account that is not in the account list, "
                 "so they have no industry"),
    "segment": ("account_unresolved", "reference an account that is not in the account list"),
    "rep": ("owner_unresolved", "are owned by someone who is not in the user list; they are "
            "shown under the raw owner"),
    "manager": ("owner_unresolved", "are owned by someone who is not in the user list, so "
                "they have no manager"),
    "team": ("owner_unresolved", "are owned by someone who is not in the user list, so they "
             "have no team"),
}
"""A breakdown or filter on these dimensions reports deals whose reference did not resolve."""
"""Quality counts that only matter for some headline measures."""


def _share(n: float, total: float) -> str:
    return f"{n / total:.1%}" if total else "n/a"


def collect_warnings(ctx: ToolContext, spec: MetricSpec, params: MetricParams,
                     columns: list[str], rows: list[list[Any]], n_records: int,
                     period: Period | None) -> list[Warning]:
    """Return the warnings a reader needs to trust (or distrust) this result."""
    caveats = caveat_warnings(ctx, spec, params, columns, rows, n_records, period)
    out: list[Warning] = []
    if n_records == 0:
        return [no_data(ctx, period), *caveats]
    count_idx = columns.index(spec.count_measure)
    for dim in params.group_by:
        i = columns.index(dim.value)
        n = sum(r[count_idx] or 0 for r in rows if r[i] == "(none)")
        if n:
            out.append(Warning(
                code="MISSING_DIMENSION",
                message=f"{n:,} of {n_records:,} records ({_share(n, n_records)}) have no "
                        f"{dim.value.replace('_', ' ')}; they are shown as (none)."))
    for name, (flag, text) in REFERENCE_CHECKS.items():
        column = f"{flag}_{name}"
        if column in columns:
            n = sum(r[columns.index(column)] or 0 for r in rows)
            if n:
                out.append(Warning(code=f"DQ_{flag.upper()}",
                                   message=f"{n:,} of {n_records:,} records "
                                           f"({_share(n, n_records)}) {text}."))
    headline = headline_column(params, spec.headline, spec.name)
    for q in spec.quality:
        if headline not in QUALITY_APPLIES.get(q.name, {headline}):
            continue
        n = sum(r[columns.index(q.name)] or 0 for r in rows)
        if n:
            text = QUALITY_MESSAGES[q.name].format(n=f"{n:,}", total=f"{n_records:,}",
                                                   share=_share(n, n_records))
            out.append(Warning(code=f"DQ_{q.name.upper()}", message=text))
    return out + caveats


def count_warning(result: MetricResult, column: str, code: str, what: str) -> None:
    """Warn when a count column of the result's rows is not 0 ("{n:,} <what>."), e.g. leads
    left out until their wait ends; a column the measure does not produce counts nothing."""
    n = result.total(column) if column in result.columns else 0
    if n:
        result.warnings.append(Warning(code=code, message=f"{n:,} {what}."))
