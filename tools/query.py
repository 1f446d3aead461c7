"""Compose one aggregate SELECT over the opportunity relation from a tool's measures and params.

Identifiers come only from the Dimension enum and the tools' own measure definitions; every
value (dates, labels, limits) is a bound `$name` parameter. A statement is built from parts
(`Select`: columns, source, conditions, QUALIFY, ORDER BY, LIMIT), so adding a clause never edits
SQL text, and `bind` returns the placeholder to the caller, who puts it where it is used.
`render` turns the statement into the literal SQL reported in results, which gives the same rows
when pasted into DuckDB.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import duckdb

from tools.base import Dimension, Filter, Grain, MetricParams, Unit
from tools.fiscal import GRAIN_MONTHS, Period

Expr = Callable[[str | None], str]
"""A measure: given the period condition (or None), return its aggregate SQL."""


def filtered(agg: str, cond: str | None, period: str | None) -> str:
    """Return `agg` restricted to rows matching `cond` and the period condition."""
    conds = [c for c in (cond, period) if c]
    return f"{agg} filter (where {' and '.join(conds)})" if conds else agg


@dataclass(frozen=True)
class Measure:
    """One output column: name, SQL, unit, and whether empty buckets read as 0 (additive)."""

    name: str
    expr: Expr
    unit: Unit
    additive: bool = True
    shared: tuple[str, ...] = ()
    """Run-wide parameters its SQL names (`$as_of`); the engine binds exactly those declared."""


def column(name: str, sql: str, unit: Unit, additive: bool = False) -> Measure:
    """A measure whose SQL takes no period condition: a record-level tool's aggregate over
    records already cut to their bucket (core.frame.RecordSpec); additive only when said, as
    most of them are rates."""
    return Measure(name, lambda _period: sql, unit, additive)


@dataclass
class Query:
    """A statement under construction with its bound parameters."""

    params: dict[str, Any] = field(default_factory=dict)

    def bind(self, prefix: str, value: Any) -> str:
        """Add a parameter with a unique name and return its placeholder."""
        name = prefix
        i = 1
        while name in self.params:
            name = f"{prefix}{i}"
            i += 1
        self.params[name] = value
        return f"${name}"

    def share(self, name: str, value: Any) -> str:
        """Bind `value` under exactly `name` (SQL written as text refers to it: `$as_of`)."""
        if name in self.params and self.params[name] != value:
            raise ValueError(f"parameter ${name} is already bound to another value")
        self.params[name] = value
        return f"${name}"

    def used_by(self, con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
        """Return the values of the parameters `sql` names, as DuckDB's own parser reads it.

        For a pool of parameters shared by several statements of one tool (its main statement
        and its warnings); DuckDB refuses values a statement does not name.
        """
        (statement,) = con.extract_statements(sql)
        return {k: self.params[k] for k in statement.named_parameters}

    def filters(self, filters: Sequence[Filter], qualifier: str = "") -> list[str]:
        """Return a WHERE condition per filter, values bound; `qualifier` prefixes columns."""
        conds = []
        for f in filters:
            column = f"{qualifier}{f.dimension.value}"
            holders = ", ".join(self.bind("f", v) for v in f.values)
            if f.exclude:
                conds.append(f"coalesce({column}, '') not in ({holders})")
            else:
                conds.append(f"{column} in ({holders})")
        return conds

    def between(self, column: str, period: Period, tag: str = "p") -> str:
        """Return `column between $start and $end` for the period."""
        return (f"{column} between {self.bind(f'{tag}_start', period.start)} "
                f"and {self.bind(f'{tag}_end', period.end)}")


def label(dim: Dimension) -> str:
    """Return the SELECT expression of a dimension, with missing values shown as (none).

    Deals are listed with their id too: names repeat ("Acme - Renewal 2026").
    """
    text = f"coalesce({dim.value}, '(none)') as {dim.value}"
    return f"opportunity_id, {text}" if dim == Dimension.opportunity else text


def label_columns(dims: list[Dimension]) -> list[str]:
    """Return the output column names of the labels of these dimensions."""
    return [c for d in dims for c in (["opportunity_id"] if d == Dimension.opportunity else [])
            + [d.value]]


class Buckets(NamedTuple):
    """The SQL of a time grain's buckets, its parameters already bound."""

    start: str
    """The start of the bucket a value of the column falls in."""
    label: str
    """The bucket's name ('FY2025 Q1'), over a column named `bucket_start`."""
    step: str
    """One bucket's length as an interval (to step generate_series from bucket to bucket)."""


def bucket_exprs(q: Query, column: str, grain: Grain, fy_start: int, ending: bool) -> Buckets:
    """Return the bucket start over `column`, the label over `bucket_start` and the step."""
    if grain == "week":
        return Buckets(f"date_trunc('week', {column})::date",
                       "'week of ' || strftime(bucket_start, '%Y-%m-%d')", "to_days(7)")
    months = GRAIN_MONTHS[grain]
    s, m, e = q.bind("fy_start", fy_start), q.bind("months", months), q.bind("fy_ending", ending)
    return Buckets(f"fiscal_bucket_start({column}, {s}, {m})",
                   f"fiscal_period_label(bucket_start, {s}, {e}, {m})", f"to_months({m})")


def ranking(params: MetricParams, headline: str, keys: Sequence[str] = (),
            prefix: str = "") -> list[str]:
    """The ORDER BY of a breakdown: the headline (params.order, nulls last), then the keys;
    `prefix` qualifies the columns (`cur.`)."""
    direction = "asc" if params.order == "asc" else "desc"
    return [f"{prefix}{headline} {direction} nulls last", *(f"{prefix}{k}" for k in keys)]


@dataclass
class Select:
    """One SELECT kept as its clauses, in the order SQL writes them; `sql()` joins them."""

    columns: list[str]
    source: str
    where: list[str] = field(default_factory=list)
    group_by_all: bool = False
    qualify: str | None = None
    order_by: list[str] = field(default_factory=list)
    limit: str | None = None
    """A bound placeholder (`$top`), never a literal."""
    ctes: list[str] = field(default_factory=list)
    """`name as (...)` definitions of a WITH clause."""
    column_separator: str = ",\n       "

    def rank(self, q: Query, params: MetricParams, headline: str, keys: Sequence[str],
             prefix: str = "", *, top: bool = True) -> Select:
        """List the rows as every breakdown does (`ranking`); with `top`, params.top keeps
        the first N (bound)."""
        self.order_by = ranking(params, headline, keys, prefix)
        if top and params.top:
            self.limit = q.bind("top", params.top)
        return self

    def sql(self) -> str:
        """Return the statement's text."""
        parts = ["with " + ",\n".join(self.ctes) + "\n" if self.ctes else "",
                 f"select {self.column_separator.join(self.columns)}\nfrom {self.source}"]
        if self.where:
            parts.append("\nwhere " + "\n  and ".join(self.where))
        if self.group_by_all:
            parts.append("\ngroup by all")
        if self.qualify:
            parts.append(f"\nqualify {self.qualify}")
        if self.order_by:
            parts.append("\norder by " + ", ".join(self.order_by))
        if self.limit:
            if not _PLACEHOLDER.fullmatch(self.limit):
                raise ValueError(f"limit must be a bound placeholder ($top), not {self.limit!r}")
            parts.append(f"\nlimit {self.limit}")
        return "".join(parts)


_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
"""A `$name` placeholder: `render` reads them back out of SQL to show the statement with its
values, and `Select` refuses a LIMIT that is not one."""


def literal(value: Any) -> str:
    """Render a Python value as a DuckDB literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):  # a struct
        return "{" + ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    return "'" + str(value).replace("'", "''") + "'"


def plain(v: Any) -> Any:
    """Return a JSON-friendly number: decimals to 4 dp floats, floats to 6 dp."""
    if isinstance(v, Decimal):
        return float(round(v, 4))
    if isinstance(v, float):
        return round(v, 6)
    return v


def render(sql: str, params: dict[str, Any]) -> str:
    """Return the statement with each `$name` replaced by its value as a literal."""
    return _PLACEHOLDER.sub(lambda m: literal(params[m.group(1)]), sql)
