"""The frame of one metric run: the call (context and params), its bound parameters and its
resolved period; the record-level engine's spec and frame (records.py, records_sql.py) and the
recurring tools extend it."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.base import Dimension, MetricParams, ToolContext
from tools.fiscal import Period
from tools.query import Measure, Query


@dataclass
class Frame:
    """One metric run under construction."""

    ctx: ToolContext
    params: MetricParams
    q: Query
    """The statement's bound parameters."""
    period: Period
    """The period analysed."""


@dataclass(frozen=True)
class RecordSpec:
    """What a tool computes for one call (columns may depend on its measure and grouping)."""

    name: str
    definition: str
    headline: str
    columns: tuple[Measure, ...]
    """Aggregates over `rf` (the filtered records, tools.query.column); additive ones compare as
    growth."""
    count: str
    """Column holding the records behind each row (sums to n_records)."""
    dims: tuple[Dimension, ...]
    filter_sql: dict[Dimension, str] = field(default_factory=dict)
    """Filter conditions that are not `dim in (...)`; `{values}` becomes the bound values."""
    exclude_sql: dict[Dimension, str] = field(default_factory=dict)
    """The records an exclusion by such a dimension drops, when that is not the records its
    filter keeps (two systems keep the flow between them, but exclude every flow of either)."""


@dataclass
class RecordFrame(Frame):
    """One record-level run: the Frame plus the tool's spec and the buckets SQL."""

    spec: RecordSpec
    buckets: str = ""
    label_sql: str | None = None
    as_of: str = ""
    """Placeholder of the as-of date."""
    cutoff: str = ""
    """Placeholder of the first instant after the as-of day: events before it have happened."""
