"""Per-rep metrics rolled up by the owner dimensions (rep, manager, team, region, territory):
quota, attainment, productivity and capacity are all computed per rep first, so a team's number
is the sum of its members'."""

from __future__ import annotations

from tools.base import OWNER_DIMENSIONS, Dimension, FilterUnsupported, MetricParams
from tools.query import Query, Select

OWNER_GROUPS = tuple(d for d in Dimension if d in OWNER_DIMENSIONS)
"""rep, manager, team, region, territory: the dimensions a per-rep metric can roll up by."""


def check_owner_dims(params: MetricParams, what: str, why: str) -> None:
    """Reject splits or filters by anything but the owner dimensions, saying `why`."""
    bad = params.dimensions_outside(OWNER_GROUPS)
    if bad:
        raise FilterUnsupported.outside(what, bad, OWNER_GROUPS, why)


def owner_rollup(q: Query, params: MetricParams, ctes: list[str], per_rep: str,
                 measures: list[str], headline: str) -> tuple[str, list[str]]:
    """Return the statement (after `ctes`) rolling a per-rep relation (column user_id) up by
    the owner dimensions, and the dimensions' columns."""
    dims = [d.value for d in params.group_by]
    labels = [f"coalesce(r.{d}, '(none)') as {d}" for d in dims]
    stmt = Select(labels + measures, f"{per_rep} p\nleft join v_reps r using (user_id)",
                  q.filters(params.filters, qualifier="r."), ctes=ctes, column_separator=", ")
    if dims:
        stmt.group_by_all = True
        stmt.rank(q, params, headline, dims)
    return stmt.sql(), dims
