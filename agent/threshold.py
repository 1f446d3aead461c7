"""A threshold on the answer's own figure: "which teams are under 70% of quota", "is data
accuracy above 98%?".

No tool filters its rows by a value, and none needs to: the threshold compares the figure each
row of a split already carries (or the one figure of a scalar answer), so the answer keeps the
whole table and says which rows meet it, or whether the figure does. A threshold on something
the answer does not show ("average deal size of deals over 50k": the deals are summed away)
is never applied this way; the reader asks about it instead.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel

from agent.formatting import column_unit, value
from tools.base import MetricResult

Unit = Literal["ratio", "currency", "multiple", "days", "number"]
Sign = Literal[">", ">=", "<", "<="]

OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
SKIPPED_COLUMNS = ("_previous", "change", "growth")
"""Comparison columns beside a figure: never the figure a threshold is about."""


class Threshold(BaseModel):
    """A comparison of the answer's figure with a number the question gives."""

    said: str
    """The words as asked ("under 70%"), for the answer and the notes."""
    op: Sign
    value: float
    """In the column's own terms: 0.7 for 70%, 500000 for $500k, 2 for 2x, 90 for 90 days."""
    unit: Unit
    rows: bool
    """True: say which rows of the split meet it; False: whether the one figure does."""
    column: str | None = None
    """The figure it names, when the words name one ("80% of quota" is the attainment)."""


def column(r: MetricResult, t: Threshold) -> str | None:
    """The result column the threshold compares: the headline when its unit fits, else the
    first column of that unit; None when the answer has no such figure (ask instead)."""
    if t.column is not None:
        return t.column if t.column in r.columns else None
    if t.unit == "number":  # "who closed at least 10": a count, never a rate or an amount
        plain = r.measure in r.columns and column_unit(r, r.measure) not in (
            "ratio", "currency", "multiple")
        return r.measure if plain else None
    fits = [c for c in r.columns if column_unit(r, c) == t.unit and not c.endswith(SKIPPED_COLUMNS)]
    return r.measure if r.measure in fits else next(iter(fits), None)


def sentence(r: MetricResult, t: Threshold, labels: list[str], noun: str) -> str:
    """Which rows meet the threshold (named by their `labels` columns; `noun`: what the rows
    are, plural), or whether the figure does; empty when the answer has no figure to compare."""
    col = column(r, t)
    if col is None or not r.rows:
        return ""
    i, test = r.columns.index(col), OPS[t.op]

    def shown(v: Any) -> str:
        return value(v, column_unit(r, col), r.currency)

    if not t.rows:
        v = r.value if col == r.measure else r.rows[0][i]
        if v is None:
            return ""
        return f"{'Yes' if test(v, t.value) else 'No'}: {shown(v)} is " \
               f"{'' if test(v, t.value) else 'not '}{t.said}."
    met = [row for row in r.rows if row[i] is not None and test(row[i], t.value)]
    if not met:
        return f"None of the {len(r.rows)} {noun} is {t.said}."
    names = [f"{' / '.join(str(row[r.columns.index(c)]) for c in labels)} ({shown(row[i])})"
             for row in met[:10]]
    more = f", and {len(met) - 10} more" if len(met) > 10 else ""
    count = f"all {len(met)}" if len(met) == len(r.rows) else f"{len(met)} of the {len(r.rows)}"
    return f"{t.said[:1].upper()}{t.said[1:]}: {count} {noun}: " \
           f"{'; '.join(names)}{more}."
