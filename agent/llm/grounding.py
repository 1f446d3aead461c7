"""The grounding check: every number a model writes must come from the tool result.

The rule, applied to each number token of the text:

1. **Evidence** comes from the result only (never from the question or the SQL): the headline
   `value`, every numeric cell, `n_records`, the row count, per column the count, mean, total
   and shares of the total (currency and counts), counts of true/"yes" cells, numbers written
   in the definition, warnings and null reason; and, over the first 25 rows, for two values of
   the same unit (columns' units as the answer formats them): their difference, their ratios
   ("3.5x") and, where growth reads naturally, a / b - 1. Pairs are a row's own measures
   (growth only against its `<measure>_previous`), the leader against each row and each row
   against the next (growth for periods in a trend), and a headline total against its rows.
   Differences of ratios are percentage points. *Literals* are the result's ISO dates, label
   tokens (FY2027, Q3, H1), their years, and the digit runs of its other strings (names).
2. A text number is read as written: thousands separators, a currency sign, K/M/B and
   thousand/million/billion, %, points (pp) and bps, an "x" multiple, ordinals, number words
   two to ten, ISO and written dates ("Nov 26, 2026"), labels (FY27, Q3).
   Its **tolerance is half a unit of its last written digit**, scaled the same way: "$10.0M"
   stands for 10,000,000 +/- 50,000, "63.2%" for 0.632 +/- 0.0005, "64%" for 0.64 +/- 0.005,
   "10,005,534" for itself +/- 0.5. Signs are ignored ("down 5%" and "-5%" are one claim).
3. It is **supported** when an evidence value lies within that tolerance (percentages and bps
   compare as fractions; points both as fractions and as plain numbers), or when it matches a
   literal: a plain integer among the literals ("2026", "Business 2026"), a date or label of
   the result, an ordinal up to the row count ("3rd"). Number words must equal a count exactly
   ("five regions" with five rows). List markers at the start of a line ("1.") are not claims.

So 0.632 supports 63.2%, 63% and 0.632 but not 64% (63.2 rounds to 63) nor 65%; 10,005,534
supports $10.0M, $10M and 10.0 million but not $11.2M. Anything else is returned, as written.
The check proves a number is derivable from the result, not that the sentence derives it
correctly; a number written with two significant digits ("$4M", "41%") in a large table can
match some derived value by chance, so exact figures are the safer style to ask for.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations
from typing import Any

from agent.formatting import unit_of
from agent.llm.numbers import (
    ISO_DATE,
    LABEL,
    NUMBER,
    Claim,
    claim,
    claims,
    label_key,
    mask,
    same_day,
)

PAIR_ROWS = 25
"""Rows whose numbers are paired for differences and ratios (bounds the evidence)."""
ADDITIVE = frozenset({"currency", "count"})
"""Units whose column totals and shares mean something."""


def ungrounded_numbers(text: str, result: Any) -> list[str]:
    """Return the numbers in `text` (as written, first occurrence) the result does not support.

    `result` is the tool result envelope (a dict or a pydantic model with value, rows,
    period, as_of, ...). The rule is in this module's docstring.
    """
    evidence = Evidence(result)
    flagged: list[str] = []
    for item in claims(text):
        if not evidence.supports(item) and item.text not in flagged:
            flagged.append(item.text)
    return flagged


@dataclass
class _Pools:
    """Evidence values by the kind of claim they can support."""

    amounts: list[float] = field(default_factory=list)
    """Cells, totals, means, counts and same-unit differences: plain numbers and money."""
    fractions: list[float] = field(default_factory=list)
    """Cells, differences of ratios (points), growth within a row, shares: percentages."""
    multiples: list[float] = field(default_factory=list)
    """Cells and same-unit ratios: "3.5x"."""

    def add_all(self, values: list[float]) -> None:
        for pool in (self.amounts, self.fractions, self.multiples):
            pool.extend(values)


class Evidence:
    """What one result supports: sorted magnitudes per kind of claim, plus literals."""

    def __init__(self, result: Any) -> None:
        data = _plain(result)
        rows = [r for r in data.get("rows") or [] if isinstance(r, list | tuple)]
        self.row_count = len(rows)
        strings = list(_strings({k: v for k, v in data.items() if k != "sql"}))
        self.dates = {d for s in strings for d in ISO_DATE.findall(s)}
        self.labels = {label_key(t) for s in strings for t in LABEL.findall(s)}
        years = {d[:4] for d in self.dates} | {k[2:] for k in self.labels if k.startswith("FY")}
        masked = [mask(s) for s in strings]
        self.literals = {str(int(d)) for s in masked for d in re.findall(r"\d+", s)} | years
        pools = _pools(data, rows, masked)
        self.counts = {v for v in pools.amounts if v >= 0 and float(v).is_integer()}
        self._amounts, self._fractions, self._multiples = (
            sorted({abs(v) for v in pool if math.isfinite(v)})
            for pool in (pools.amounts, pools.fractions, pools.multiples)
        )

    def supports(self, item: Claim) -> bool:
        """Whether some evidence value (or literal) backs the claim."""
        if item.kind == "date":
            return any(same_day(item.text, d) for d in self.dates)
        if item.kind == "label":
            return label_key(item.text) in self.labels
        if item.literal is not None and item.literal in self.literals:
            return True
        if item.kind == "word":
            return item.value in self.counts
        if item.kind == "ordinal":
            return 1 <= item.value <= max(self.row_count, 1)
        if item.kind == "percent":
            return _near(self._fractions, item)
        if item.kind == "points":
            return _near(self._fractions, item) or _near(
                self._amounts, Claim(item.text, item.value * 100, item.tolerance * 100)
            )
        if item.kind == "multiple":
            return _near(self._multiples, item)
        return _near(self._amounts, item)


def _near(pool: list[float], item: Claim) -> bool:
    slack = item.tolerance * (1 + 1e-9) + 1e-12
    i = bisect.bisect_left(pool, abs(item.value) - slack)
    return i < len(pool) and pool[i] <= abs(item.value) + slack


def _pools(data: dict[str, Any], rows: list[Any], texts: list[str]) -> _Pools:
    """Result numbers, numbers written in its texts, and bounded derivations of them."""
    pools = _Pools()
    columns = _columns(data, rows)
    headline = _number(data.get("value"))
    cells = [v for _, _, column in columns for v in column if v is not None]
    pools.add_all(cells)
    pools.add_all([v for v in (headline, _number(data.get("n_records"))) if v is not None])
    pools.amounts.append(len(rows))
    for text in texts:
        for match in NUMBER.finditer(text):
            item = claim(match)
            pools.add_all([item.value] if item.kind != "ordinal" else [])
    for _, unit, column in columns:
        values = [v for v in column if v is not None]
        if not values:
            continue
        pools.amounts += [len(values), sum(values) / len(values)]
        if unit in ADDITIVE:
            total = sum(values)
            pools.amounts.append(total)
            pools.fractions += [v / total for v in values[:PAIR_ROWS] if total]
    pools.amounts += _true_counts(data, rows)
    for _, unit, column in columns:  # one measure across entities or periods
        values = [v for v in column[:PAIR_ROWS] if v is not None]
        for j in range(1, len(values)):
            _compare(pools, unit, values[0], values[j], growth=j == 1)  # the leader vs each
            if j > 1:
                _compare(pools, unit, values[j - 1], values[j], growth=True)  # period on period
    for (name_a, unit_a, a), (name_b, unit_b, b) in combinations(columns, 2):
        if unit_a != unit_b:
            continue
        previous = name_b == f"{name_a}_previous" or name_a == f"{name_b}_previous"
        for r in range(min(len(rows), PAIR_ROWS)):  # one row's measures: "up 26.5% from $13.1M"
            x, y = a[r], b[r]
            if x is not None and y is not None:
                _compare(pools, unit_a, x, y, growth=previous)
    if headline is not None and headline not in cells:  # a total above its breakdown
        unit = str(data.get("unit") or "count")
        for _, u, column in columns:
            for v in column[:PAIR_ROWS] if u == unit else []:
                if v is not None:
                    _compare(pools, unit, headline, v, growth=False)
    return pools


def _compare(pools: _Pools, unit: str, a: float, b: float, *, growth: bool) -> None:
    """The difference and ratios of two same-unit values, and growth where it reads naturally."""
    pools.amounts.append(a - b)
    if unit == "ratio":
        pools.fractions.append(a - b)  # percentage points
    for x, y in ((a, b), (b, a)):
        if y:
            pools.multiples.append(x / y)
            if growth:
                pools.fractions.append(x / y - 1)


def _true_counts(data: dict[str, Any], rows: list[Any]) -> list[float]:
    """Per column, how many rows are true or "yes" ("3 of 4 targets met")."""
    width = max((len(r) for r in rows), default=0)
    counts = [sum(1 for row in rows if i < len(row) and (row[i] is True or row[i] == "yes"))
              for i in range(width)]
    return [c for c in counts if c]


def _columns(data: dict[str, Any], rows: list[Any]) -> list[tuple[str, str, list[float | None]]]:
    """Numeric columns of the rows: name, unit (declared by the tool, else inferred), values."""
    names = [str(c) for c in data.get("columns") or []]
    declared = data.get("units") or {}
    measure, unit = str(data.get("measure") or ""), str(data.get("unit") or "count")
    width = max((len(r) for r in rows), default=0)
    columns = []
    for i in range(width):
        column = [_number(row[i]) if i < len(row) else None for row in rows]
        if any(v is not None for v in column):
            name = names[i] if i < len(names) else f"column_{i}"
            columns.append((name, str(declared.get(name) or unit_of(name, measure, unit)), column))
    return columns


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)


def _plain(result: Any) -> dict[str, Any]:
    """The result as JSON-like data (dates as ISO strings)."""
    if hasattr(result, "model_dump"):
        result = result.model_dump(mode="json")
    return _jsonable(dict(result))


def _jsonable(node: Any) -> Any:
    if isinstance(node, date | datetime):
        return node.isoformat()
    if isinstance(node, dict):
        return {k: _jsonable(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_jsonable(v) for v in node]
    return node
