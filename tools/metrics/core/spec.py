"""A metric over opportunities described as data (MetricSpec) and the relation it reads.

Below the engine (engine.py), its caveats (warnings.py) and the data-quality caveats
(tools/quality/caveats.py), which all need the spec's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from tools.base import ToolContext
from tools.query import Measure, Query


@dataclass(frozen=True)
class MetricSpec:
    """A metric over the opportunity relation, described as data."""

    name: str
    definition: str
    measures: tuple[Measure, ...]
    headline: dict[str, str]
    """Measure variant (params.measure) -> headline column; the first entry is the default."""
    count_measure: str
    """Column holding the number of records behind each row (sums to n_records)."""
    population: str
    """Row condition that defines which deals the metric looks at."""
    period_column: str = "close_date"
    default_period: str = "ytd"
    quality: tuple[Measure, ...] = field(default_factory=tuple)
    """Extra count columns whose non-zero totals become warnings (e.g. deals without amount)."""

    def measure(self, name: str) -> Measure:
        """Return a measure by column name."""
        return next(m for m in self.measures + self.quality if m.name == name)


def source(ctx: ToolContext, q: Query) -> str:
    """Return the relation to read: current state, or rebuilt as of the as-of date (§1.7).

    The current state comes from opp_facts (materialized) when it is up to date, else from
    the live view v_opps; both have the same columns and rows.
    """
    end = ctx.settings.data_end
    if end is None or ctx.as_of >= end:
        return "opp_facts" if ctx.facts else "v_opps"
    return f"opps_as_of({q.bind('as_of_ts', datetime.combine(ctx.as_of, time.max))})"
