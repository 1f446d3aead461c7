"""The statement of a record-level metric: the tool's records, filtered, then aggregated as a
single figure, a breakdown, a trend over the buckets, or the period beside its comparison."""

from __future__ import annotations

from tools.metrics.core.frame import RecordFrame

EVERY_BUCKET = "buckets b left join rf using (bucket_start)"
"""Aggregating over every bucket keeps empty periods as rows (zero counts, null ratios)."""


def statement(frame: RecordFrame, ctes: str) -> str:
    """Return the full SQL for the frame's params over the tool's CTEs (ending with `r`)."""
    p, spec = frame.params, frame.spec
    conds = _filters(frame)
    rf = "select * from r" + (f"\n  where {' and '.join(conds)}" if conds else "")
    ordered = sorted(spec.columns, key=lambda c: c.name != spec.headline)  # headline first
    cols = ",\n       ".join(f"{c.sql} as {c.name}" for c in ordered)
    names = [c.name for c in ordered]
    head = f"with buckets as (\n{frame.buckets}\n),\n{ctes},\nrf as (\n  {rf}\n)\n"
    dims = [d.value for d in p.group_by]
    labels = [f"coalesce({d}, '(none)') as {d}" for d in dims]  # this tool's own relation
    if p.compare:
        return head + _compare(frame, dims, labels, cols, names)
    if p.time_grain:
        return head + _trend(frame, dims, labels, cols, names)
    if not dims:
        return head + f"select {cols}\nfrom {EVERY_BUCKET}"
    body = (f"select {', '.join(labels)},\n       {cols}\nfrom rf\ngroup by all\n"
            f"order by {_rank(frame)}{''.join(f', {d}' for d in dims)}")
    if p.top:
        body += f"\nlimit {frame.q.bind('top', p.top)}"
    return head + body


def _rank(frame: RecordFrame, prefix: str = "") -> str:
    direction = "asc" if frame.params.order == "asc" else "desc"
    return f"{prefix}{frame.spec.headline} {direction} nulls last"


def _trend(frame: RecordFrame, dims: list[str], labels: list[str], cols: str,
           names: list[str]) -> str:
    p, q = frame.params, frame.q
    keys = "".join(f", {d}" for d in dims)
    inner = ", ".join(["bucket_start", *labels, cols])
    body = (f"select {frame.label_sql} as {p.time_grain}, {', '.join(dims + names)}\n"
            f"from (select {inner}\n      from {'rf' if dims else EVERY_BUCKET}\n"
            f"      group by all) m\n")
    if p.top and dims:  # the top N of each bucket
        body += (f"qualify row_number() over (partition by bucket_start order by "
                 f"{_rank(frame)}{keys}) <= {q.bind('top', p.top)}\n")
    if p.top and not dims:  # "best month": rank the buckets instead of listing them in time
        return body + f"order by {_rank(frame)}, bucket_start\nlimit {q.bind('top', p.top)}"
    return body + f"order by bucket_start, {_rank(frame)}{keys}"


def _compare(frame: RecordFrame, dims: list[str], labels: list[str], cols: str,
             names: list[str]) -> str:
    spec = frame.spec
    h = next(c for c in spec.columns if c.name == spec.headline)
    inner = ", ".join(["tag" if dims else "b.tag as tag", *labels, cols])
    join = "".join(f" and prev.{d} = cur.{d}" for d in dims)
    delta = (f"(cur.{h.name} - prev.{h.name}) / nullif(prev.{h.name}, 0) as growth"
             if h.additive else f"cur.{h.name} - prev.{h.name} as change")
    picked = ", ".join([f"cur.{d}" for d in dims + names])
    sql = (f", m as (select {inner}\n      from {'rf' if dims else EVERY_BUCKET}\n"
           f"      group by all)\n"
           f"select {picked}, prev.{h.name} as {h.name}_previous, {delta}\n"
           f"from m cur left join m prev on prev.tag = 'previous'{join}\n"
           f"where cur.tag = 'current'\n"
           f"order by {_rank(frame, 'cur.')}" + "".join(f", cur.{d}" for d in dims))
    if frame.params.top and dims:
        sql += f"\nlimit {frame.q.bind('top', frame.params.top)}"
    return sql


def _filters(frame: RecordFrame) -> list[str]:
    """Keep/drop filters; a tool may define its own condition for a dimension (tool flows)."""
    conds = []
    for f in frame.params.filters:
        custom = frame.spec.filter_sql.get(f.dimension)
        if custom is None:
            conds += frame.q.filters([f])
            continue
        holders = ", ".join(frame.q.bind("f", v.lower()) for v in f.values)
        cond = custom.format(values=holders)
        conds.append(f"not coalesce({cond}, false)" if f.exclude else cond)
    return conds
