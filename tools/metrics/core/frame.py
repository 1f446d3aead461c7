"""The frame of one metric run: the call (context and params), its bound parameters and its
resolved period. The record-level engine (records.py) and the recurring tools extend it."""

from __future__ import annotations

from dataclasses import dataclass

from tools.base import MetricParams, ToolContext
from tools.fiscal import Period
from tools.query import Query


@dataclass
class Frame:
    """One metric run under construction."""

    ctx: ToolContext
    params: MetricParams
    q: Query
    """The statement's bound parameters."""
    period: Period
    """The period analysed."""
