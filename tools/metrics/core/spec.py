"""What a metric tool declares before it runs (docs/design.md#how-to-write-a-metric): a
MetricSpec (an aggregate over deals, run by engine.py), or the ToolSpec of a tool that writes its
own statement; and the deal relation they read.

Below the engine (engine.py), its caveats (warnings.py) and the data-quality caveats
(tools/quality/caveats.py), which all need the spec's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, NamedTuple

from tools.base import MetricParams, MetricResult, ToolContext, Unit
from tools.metrics.core.envelope import Fetched, envelope, headline_column
from tools.metrics.core.options import Option, read_options
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
    options: Mapping[str, Option] = field(default_factory=dict)
    """The knobs it reads from params.options (none so far); any other is refused."""
    stock: bool = False
    """The population is a balance at the as-of date (open deals), not a flow over the period:
    compared with another period, it is read as it stood at the same point of that period
    (engine.stock_source), never as today's deals with a close date back then."""

    def measure(self, name: str) -> Measure:
        """Return a measure by column name."""
        return next(m for m in self.measures + self.quality if m.name == name)


class Headline(NamedTuple):
    """A measure a question may ask for (params.measure): its column and unit."""

    column: str
    unit: Unit


@dataclass(frozen=True)
class ToolSpec:
    """The declaration of a tool that writes its own statement (several steps, snapshots,
    balances), the shape a MetricSpec has too: name, definition, measures with their units,
    options. Its run function reads params through it and returns `result(...)`."""

    name: str
    definition: str
    """The definition every result cites (a template when the run fills in values)."""
    measures: Mapping[str, Headline]
    """params.measure -> headline column and unit; the first entry is the default."""
    options: Mapping[str, Option] = field(default_factory=dict)
    """The knobs it reads from params.options (core/options.py); any other is refused."""

    def headline(self, params: MetricParams) -> Headline:
        """Return the requested measure's column and unit (the first by default)."""
        return headline_column(params, self.measures, self.name)

    def read_options(self, params: MetricParams) -> dict[str, Any]:
        """Return the options, typed and checked, defaults filled in."""
        return read_options(params, self.name, self.options)

    def result(self, ctx: ToolContext, fetched: Fetched, headline: Headline,
               **rest: Any) -> MetricResult:
        """Wrap the fetched rows in the one envelope (core/envelope.py) as this tool's answer;
        `rest` are envelope's keywords (period, n_records, ...; definition defaults to the
        spec's)."""
        rest.setdefault("definition", self.definition)
        return envelope(ctx, fetched, metric=self.name, measure=headline.column,
                        unit=headline.unit, **rest)


def source(ctx: ToolContext, q: Query, as_of: date | None = None, tag: str = "as_of_ts") -> str:
    """Return the relation to read: current state, or rebuilt as of the as-of date (§1.7;
    `as_of` another moment than the run's, bound as `tag`).

    The current state comes from opp_facts (materialized) when it is up to date, else from
    the live view v_opps; both have the same columns and rows.
    """
    end, when = ctx.settings.data_end, as_of or ctx.as_of
    if end is None or when >= end:
        return "opp_facts" if ctx.facts else "v_opps"
    return f"opps_as_of({q.bind(tag, datetime.combine(when, time.max))})"
