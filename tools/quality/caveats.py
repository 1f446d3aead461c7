"""Data-quality caveats on metric answers: when the deals behind a number fail a critical rule,
the answer says how many, what share, and how the number treats them.

Two hooks for the metric engine (tools.metrics.core.engine / warnings; the spec's shape is
tools.metrics.core.spec):
- `caveat_measures(spec, params)`: extra count columns (`dq_*`) for the metric's own
  statement, so the counts are of exactly the rows behind the number;
- `caveat_warnings(ctx, spec, params, columns, rows, n_records, period)`: the warnings from
  those counts, plus deals no period can include (no date in the period column) and misspelled
  group labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from tools.base import Dimension, MetricParams, ToolContext, Warning
from tools.fiscal import Period
from tools.metrics.core.spec import MetricSpec, source
from tools.query import Measure, Query, filtered

CLOSED_METRICS = frozenset({"bookings", "win_rate", "avg_deal_size", "sales_cycle", "leaderboard"})
OPEN_METRICS = frozenset({"open_pipeline", "weighted_pipeline"})
DEAL_METRICS = CLOSED_METRICS | OPEN_METRICS | {"opportunity_count"}


@dataclass(frozen=True)
class Caveat:
    """A rule failure that changes a metric, counted inside the metric's own rows."""

    column: str
    rule: str
    condition: str
    metrics: frozenset[str]
    message: str
    """Formatted with n, total and share; says what the number does with these deals."""
    shared: tuple[str, ...] = ()
    """Run-wide parameters the condition names (`$as_of`)."""


CAVEATS = (
    Caveat("dq_won_not_positive", "R28",
           "status = 'won' and amount_corp <= 0 and coalesce(deal_type, '') <> 'contraction'",
           frozenset({"bookings", "leaderboard"}),
           "{n} of {total} won deals ({share}) have an amount of 0 or less (rule R28); "
           "bookings count them at that amount."),
    Caveat("dq_past_close_date", "R12", "status = 'open' and close_date < $as_of",
           OPEN_METRICS | {"opportunity_count"},
           "{n} of {total} open deals ({share}) have a close date before the as-of date (rule "
           "R12); they are still counted as open.", shared=("as_of",)),
    Caveat("dq_unknown_stage", "R06", "stage_unresolved", DEAL_METRICS,
           "{n} of {total} deals ({share}) are in a stage missing from the stage dictionary "
           "(rule R06); their status comes from the deal's own won/closed flags."),
    Caveat("dq_missing_fx", "R07", "amount is not null and amount_corp is null",
           DEAL_METRICS - {"sales_cycle"},
           "{n} of {total} deals ({share}) have no exchange rate on their close date (rule "
           "R07); their amounts are left out of every sum."),
)
TYPO_LABELS = """SELECT label, arg_min(w, damerau_levenshtein(lower(trim(label)), w)) AS meant
FROM unnest($labels) l(label), unnest($vocab) v(w)
WHERE NOT list_contains($vocab, lower(trim(label))) AND length(trim(label)) >= 4
  AND damerau_levenshtein(lower(trim(label)), w) <= CASE WHEN length(w) <= 5 THEN 1 ELSE 2 END
GROUP BY label ORDER BY label"""
VOCABULARY_OF = {Dimension.industry: "industry", Dimension.lead_source: "lead_source"}


def caveat_measures(spec: MetricSpec, params: MetricParams) -> list[Measure]:
    """Return the `dq_*` count columns to add to a metric's statement."""
    del params  # every applicable caveat is counted, whatever the breakdown
    return [Measure(c.column, partial(filtered, "count(*)", c.condition), "count",
                    shared=c.shared)
            for c in CAVEATS if spec.name in c.metrics]


def caveat_warnings(ctx: ToolContext, spec: MetricSpec, params: MetricParams,
                    columns: list[str], rows: list[list[Any]], n_records: int,
                    period: Period | None) -> list[Warning]:
    """Return the data-quality warnings of one metric result (see the module docstring)."""
    out: list[Warning] = []
    for c in CAVEATS:
        if c.column in columns:
            n = sum(r[columns.index(c.column)] or 0 for r in rows)
            if n:
                out.append(Warning(code=f"DQ_{c.column[3:].upper()}", message=c.message.format(
                    n=f"{n:,}", total=f"{n_records:,}", share=f"{n / n_records:.1%}")))
    if period is not None and spec.name in DEAL_METRICS:
        out += _undated(ctx, spec, params)
    for dim in params.group_by:
        if dim in VOCABULARY_OF:
            labels = [r[columns.index(dim.value)] for r in rows]
            out += _misspelled(ctx, dim, [v for v in labels if isinstance(v, str)])
    return out


def _undated(ctx: ToolContext, spec: MetricSpec, params: MetricParams) -> list[Warning]:
    """Count deals of the metric's population with no date in its period column."""
    column = {"close_date": ("close date", "R02"), "created_date": ("creation date", "R32")}
    if spec.period_column not in column:
        return []
    q = Query()
    conds = [f"({spec.population})", f"{spec.period_column} is null",
             *q.filters(params.filters)]
    sql = f"select count(*) from {source(ctx, q)} where {' and '.join(conds)}"
    key = ("undated", sql, tuple(sorted(q.params.items())))
    if key not in ctx.memo:  # constant for a read-only connection: count once
        ctx.memo[key] = ctx.con.execute(sql, q.params).fetchall()[0][0]
    n = ctx.memo[key]
    if not n:
        return []
    what, rule = column[spec.period_column]
    kind = next((k for k in ("open", "won", "lost") if f"status = '{k}'" in spec.population),
                "closed" if "status in" in spec.population else "")
    return [Warning(code=f"DQ_MISSING_{what.split()[0].upper()}_DATE", message=(
        f"{n:,} {kind + ' ' if kind else ''}deals have no {what} (rule {rule}), so no period "
        "includes them; they are not in this number."))]


def _misspelled(ctx: ToolContext, dim: Dimension, labels: list[str]) -> list[Warning]:
    from tools.quality.history import catalog_in_effect

    if not labels:
        return []
    vocab = catalog_in_effect(ctx.con).vocabularies.get(VOCABULARY_OF[dim], [])
    found = ctx.con.execute(TYPO_LABELS, {"labels": labels, "vocab": vocab}).fetchall()
    return [Warning(code="DQ_MISSPELLED_VALUE", message=(
        f"{dim.value.replace('_', ' ').capitalize()} '{label}' looks like a misspelling of "
        f"'{meant}'; its deals are shown as a group of their own, not under '{meant}'."))
        for label, meant in found]
