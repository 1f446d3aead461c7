"""The statement of a record-level metric: the tool's records, filtered, then aggregated as a
single figure, a breakdown, a trend over the buckets, or the period beside its comparison."""

from __future__ import annotations

from tools.metrics.core.frame import RecordFrame
from tools.query import Select, ranking

EVERY_BUCKET = "buckets b left join rf using (bucket_start)"
"""Aggregating over every bucket keeps empty periods as rows (zero counts, null ratios)."""


def statement(frame: RecordFrame, ctes: str) -> str:
    """Return the full SQL for the frame's params over the tool's CTEs (ending with `r`)."""
    p, spec = frame.params, frame.spec
    ordered = sorted(spec.columns, key=lambda c: c.name != spec.headline)  # headline first
    cols = [f"{c.expr(None)} as {c.name}" for c in ordered]
    names = [c.name for c in ordered]
    rf = Select(["*"], "r", record_filters(frame)).sql()
    head = [f"buckets as (\n{frame.buckets}\n)", ctes, f"rf as (\n  {rf}\n)"]
    dims = [d.value for d in p.group_by]
    labels = [f"coalesce({d}, '(none)') as {d}" for d in dims]  # this tool's own relation
    if p.compare:
        stmt = _compare(frame, dims, labels, cols, names)
    elif p.time_grain:
        stmt = _trend(frame, dims, labels, cols, names)
    elif not dims:
        stmt = Select(cols, EVERY_BUCKET)
    else:
        stmt = Select([*labels, *cols], "rf", group_by_all=True).rank(
            frame.q, p, spec.headline, dims)
    stmt.ctes = head + stmt.ctes
    return stmt.sql()


def _per_bucket(keys: list[str], labels: list[str], cols: list[str], dims: list[str]) -> str:
    """The aggregate per bucket (and label): over the filtered records, or over every bucket
    when there is no split (so empty buckets stay)."""
    return Select([*keys, *labels, *cols], "rf" if dims else EVERY_BUCKET,
                  group_by_all=True).sql()


def _trend(frame: RecordFrame, dims: list[str], labels: list[str], cols: list[str],
           names: list[str]) -> Select:
    p, q, headline = frame.params, frame.q, frame.spec.headline
    inner = _per_bucket(["bucket_start"], labels, cols, dims)
    stmt = Select([f"{frame.label_sql} as {p.time_grain}", *dims, *names], f"({inner}) m",
                  order_by=["bucket_start", *ranking(p, headline, dims)])
    if p.top and dims:  # the top N of each bucket
        stmt.qualify = (f"row_number() over (partition by bucket_start order by "
                        f"{', '.join(ranking(p, headline, dims))}) <= {q.bind('top', p.top)}")
    elif p.top:  # "best month": rank the buckets instead of listing them in time order
        stmt.rank(q, p, headline, ["bucket_start"])
    return stmt


def _compare(frame: RecordFrame, dims: list[str], labels: list[str], cols: list[str],
             names: list[str]) -> Select:
    spec = frame.spec
    h = next(c for c in spec.columns if c.name == spec.headline)
    m = _per_bucket(["tag" if dims else "b.tag as tag"], labels, cols, dims)
    join = "".join(f" and prev.{d} = cur.{d}" for d in dims)
    delta = (f"(cur.{h.name} - prev.{h.name}) / nullif(prev.{h.name}, 0) as growth"
             if h.additive else f"cur.{h.name} - prev.{h.name} as change")
    return Select([*(f"cur.{d}" for d in dims + names), f"prev.{h.name} as {h.name}_previous",
                   delta], f"m cur left join m prev on prev.tag = 'previous'{join}",
                  ["cur.tag = 'current'"], ctes=[f"m as (\n  {m}\n)"],
                  column_separator=", ").rank(frame.q, frame.params, h.name, dims, "cur.",
                                              top=bool(dims))


def record_filters(frame: RecordFrame) -> list[str]:
    """Keep/drop filters, values bound in frame.q; a tool may define its own condition for a
    dimension (tool flows). Also for a tool's side statements over the same records."""
    conds = []
    for f in frame.params.filters:
        custom = frame.spec.filter_sql.get(f.dimension)
        if f.exclude:
            custom = frame.spec.exclude_sql.get(f.dimension, custom)
        if custom is None:
            conds += frame.q.filters([f])
            continue
        holders = ", ".join(frame.q.bind("f", v.lower()) for v in f.values)
        cond = custom.format(values=holders)
        conds.append(f"not coalesce({cond}, false)" if f.exclude else cond)
    return conds
