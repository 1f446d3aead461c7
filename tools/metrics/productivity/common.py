"""Pieces shared by the forecast and productivity tools: owner rollups, period checks
and their rule for a missing value (make_result, over core.envelope).

These tools build their own statements (several periods or snapshots in one query) instead of
going through the single-period engine, with the same conventions: bound parameters,
`result.sql` rendered from the executed statement, undefined ratios NULL.
"""

from __future__ import annotations

from typing import Any

from tools.base import (
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import Fetched
from tools.metrics.core.owners import check_owner_dims
from tools.metrics.core.spec import Headline, ToolSpec

PER_REP = "it is measured per rep"
"""Why these tools split only by the owner dimensions (their Tool.group_by_why)."""


def check_per_rep(params: MetricParams, what: str) -> None:
    """Reject splits or filters by anything but the owner dimensions (the metric is per rep)."""
    check_owner_dims(params, what, PER_REP)


def one_period(params: MetricParams, what: str, *, compare: bool = False,
               grain: str | None = None) -> None:
    """Say so when a question asks for what these tools do not do (instead of ignoring it).

    They answer one period at a time: no trend (except `grain`, which they list anyway), no
    "all time", and no comparison unless `compare`.
    """
    if params.time_grain and params.time_grain != grain:
        raise ToolInputError(f"{what} is computed for one period at a time, not as a trend",
                             options=["this quarter", "last quarter", "this fiscal year"])
    if params.all_time:
        raise ToolInputError(f"{what} needs a period", options=["this quarter", "this year"])
    if params.compare and not compare:
        raise ToolInputError(f"{what} cannot be compared with another period in one answer; "
                             "ask for each period", options=["this quarter", "last quarter"])


def make_result(ctx: ToolContext, spec: ToolSpec, headline: Headline, *, period: Period | None,
                definition: str, fetched: Fetched, n_records: int, value: Any = None,
                null_reason: str | None = None,
                warnings: list[Warning] | None = None) -> MetricResult:
    """The spec's result when the tool computes its own value: with no value, no reason given
    and no rows at all, the reason is NO_DATA."""
    if value is None and null_reason is None and not fetched.rows:
        null_reason = "NO_DATA"
    return spec.result(ctx, fetched, headline, definition=definition, period=period,
                       n_records=n_records, value=value, null_reason=null_reason,
                       warnings=warnings or ())

