"""The result envelope every metric tool returns (docs/metrics.md#envelope), built here only.

A tool runs its statement with `fetch` (bound parameters in, JSON-friendly rows and the SQL
rendered re-runnable out) and wraps it with `envelope`: the headline value of a scalar answer,
why it is missing (null_reason, never a silent 0) and the caveats. `headline_column` is the one
lookup from a requested measure to its column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final, NamedTuple, TypeVar

from tools.base import MetricParams, MetricResult, ToolContext, ToolInputError, Unit, Warning
from tools.fiscal import Period
from tools.query import Query, plain, render


class Fetched(NamedTuple):
    """A statement's output: column names, JSON-friendly rows, the SQL as executed (rendered)."""

    columns: list[str]
    rows: list[list[Any]]
    sql: str

    def column(self, name: str) -> list[Any]:
        """Return one column's values."""
        i = self.columns.index(name)
        return [r[i] for r in self.rows]

    def total(self, name: str) -> int:
        """Return the sum of a count column (NULL counts as 0): the records behind the rows."""
        return int(sum(v or 0 for v in self.column(name)))

    def first(self, name: str) -> Any:
        """Return the column's value in the first row (None when there are no rows)."""
        return self.rows[0][self.columns.index(name)] if self.rows else None


def fetch(ctx: ToolContext, sql: str, params: Mapping[str, Any]) -> Fetched:
    """Run a statement with its bound parameters on the read-only connection."""
    cur = ctx.con.execute(sql, dict(params))
    columns = [d[0] for d in cur.description]
    rows = [[plain(v) for v in r] for r in cur.fetchall()]
    return Fetched(columns, rows, render(sql, dict(params)))


def fetch_query(ctx: ToolContext, q: Query, sql: str) -> Fetched:
    """Run a statement built on `q` with every parameter it bound."""
    return fetch(ctx, sql, q.params)


H = TypeVar("H")


def headline_column(params: MetricParams, measures: Mapping[str, H], tool: str) -> H:
    """Return the headline (column) of the requested measure (the first one by default)."""
    if params.measure is None:
        return next(iter(measures.values()))
    if params.measure not in measures:
        raise ToolInputError(f"{tool} has no measure '{params.measure}'", options=list(measures))
    return measures[params.measure]


def no_data(ctx: ToolContext, period: Period | None, noun: str = "deals", *,
            span: bool = True) -> Warning:
    """Say that nothing matched, in which period and (with `span`) which dates the data covers."""
    s = ctx.settings
    covers = f" The data covers {s.data_start} to {s.data_end}." if span and s.data_end else ""
    where = f" in {period.label} ({period.start} to {period.end})" if period else ""
    return Warning(code="NO_DATA", message=f"No matching {noun}{where}.{covers}")


HEADLINE: Final[Any] = object()
"""Default of envelope(value=...): the headline column of the first row when the answer is a
single figure."""


def envelope(ctx: ToolContext, fetched: Fetched, *, metric: str, measure: str, unit: Unit,
             definition: str, period: Period | None, n_records: int, scalar: bool = False,
             value: Any = HEADLINE, null_reason: str | None = None,
             empty_reason: str = "NO_DATA", warnings: Sequence[Warning] = (),
             units: dict[str, str] | None = None, as_of: date | None = None) -> MetricResult:
    """Wrap fetched rows in the result envelope.

    By default the value is the headline column of a `scalar` answer (no breakdown, no trend; a
    breakdown's numbers are in its rows), and a missing one gets a reason unless the tool gave
    one: `empty_reason` when no record matched, else ZERO_DENOMINATOR. A tool that computes its
    own value (a median in Python, a balance that needs data) also gives its own reason.
    """
    if value is HEADLINE:
        value = fetched.first(measure) if scalar else None
        if scalar and value is None and null_reason is None:
            null_reason = empty_reason if n_records == 0 else "ZERO_DENOMINATOR"
    return MetricResult(
        metric=metric, value=value, unit=unit, columns=fetched.columns, rows=fetched.rows,
        period=period.to_dict() if period else None, as_of=ctx.as_of if as_of is None else as_of,
        definition=definition, sql=fetched.sql, n_records=n_records, warnings=list(warnings),
        null_reason=null_reason, measure=measure, units=units or {})
