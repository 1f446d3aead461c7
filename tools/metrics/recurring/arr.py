"""ARR / MRR at a date (METRICS M10): a balance, taken at the period end or at each bucket end."""

from __future__ import annotations

from tools.base import MetricParams, MetricResult, ToolContext, ToolInputError
from tools.fiscal import GRAIN_MONTHS
from tools.metrics.core.periods import comparison_period
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.recurring.subscriptions import (
    SUBSCRIPTION_DIMS,
    SubscriptionFrame,
    active,
    execute,
    label_cols,
    quality,
    ranking,
    start,
    subs_ctes,
)
from tools.query import bucket_exprs

DEFINITION = (
    "ARR = 12 x MRR on {date}: the MRR of subscriptions started on or before that date, not yet "
    "ended (end date inclusive; none = evergreen) and not cancelled, converted at the rate of "
    "{rate} (constant currency). Overlapping subscriptions are summed; customers = accounts "
    "with an active subscription (METRICS M10).")
SPEC = ToolSpec(name="arr", definition=DEFINITION,
                measures={"arr": Headline("arr", "currency"), "mrr": Headline("mrr", "currency"),
                          "customers": Headline("customers", "count")})


def _measures(d: str) -> list[str]:
    on = f"filter (where {active(d)})"
    return [f"coalesce(12 * sum(mrr_corp) {on}, 0) as arr",
            f"coalesce(sum(mrr_corp) {on}, 0) as mrr",
            f"count(distinct account_key) {on} as customers",
            f"count(*) {on} as subscriptions"]


def arr(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return ARR (or MRR, or paying customers) at the period end, by bucket for a trend.

    Hand-written: a balance of subscriptions at a date, not deals in a period.
    """
    h = SPEC.headline(params)
    headline = h.column
    if params.compare and params.time_grain:
        raise ToolInputError("a comparison works on one date; ask for the trend or the "
                             "comparison", options=["drop the comparison", "drop the trend"])
    f = start(ctx, params, "arr", SUBSCRIPTION_DIMS)
    dims = list(params.group_by)
    ctes = subs_ctes(f, dims)
    sql = _trend_sql(f, ctes, headline) if params.time_grain else _at_date_sql(f, ctes, headline)
    fetched = execute(f, sql)
    warnings = quality(f, ctes)
    scalar = not dims and not params.time_grain
    no_data = any(w.code == "NO_DATA" for w in warnings)
    definition = SPEC.definition.format(
        date=f"the end of each {params.time_grain} (never after {ctx.as_of})"
        if params.time_grain else f.end, rate=f.period.start)
    return SPEC.result(
        ctx, fetched, h, definition=definition, period=f.period,
        n_records=fetched.total("subscriptions"), scalar=scalar,
        value=None if no_data or not scalar else fetched.first(headline),
        null_reason="NO_DATA" if scalar and no_data else None, warnings=warnings)


def _at_date_sql(f: SubscriptionFrame, ctes: str, headline: str) -> str:
    d = f.q.bind("at", f.end)
    dims = list(f.params.group_by)
    measures = _measures(d)
    cond = active(d)
    if f.params.compare:
        prev = comparison_period(f.ctx, f.period, f.params.compare)
        p = f.q.bind("at_previous", min(prev.end, f.ctx.as_of))
        at = [m.rsplit(" as ", 1)[1] for m in measures].index(headline)
        cur, before = (m[at].rsplit(" as ", 1)[0] for m in (measures, _measures(p)))
        measures += [f"{before} as {headline}_previous",
                     f"({cur} - {before}) / nullif({before}, 0) as growth"]
        cond = f"(({cond}) or ({active(p)}))"
    select = ",\n       ".join(label_cols(dims) + measures)
    group = "\ngroup by all" if dims else ""
    return (f"with {ctes}\nselect {select}\nfrom subs s\nwhere {cond}{group}"
            f"{ranking(f, dims, headline)}")


def _trend_sql(f: SubscriptionFrame, ctes: str, headline: str) -> str:
    grain = f.params.time_grain
    assert grain is not None
    cal = f.ctx.settings.calendar
    label = bucket_exprs(f.q, "bucket_start", grain, cal.start_month, cal.ending).label
    step = "to_days(7)" if grain == "week" else f"to_months({GRAIN_MONTHS[grain]})"
    first = f.q.bind("b_start", cal.bucket_start(f.period.start, grain))
    last = f.q.bind("b_end", f.end)
    dims = list(f.params.group_by)
    labels = label_cols(dims, "s.")
    select = ",\n       ".join([f"{label} as {grain}"] + labels + _measures("b.bucket_end"))
    keys = ", ".join(["bucket_start", "bucket_end"] + [d.value for d in dims])
    join = "join" if dims else "left join"
    order = f"bucket_start, {headline} desc nulls last" + "".join(f", {d.value}" for d in dims)
    return (f"with {ctes}, buckets as (\n"
            f"  select cast(b as date) as bucket_start,\n"
            f"         least(cast(b + {step} - interval 1 day as date), {last}) as bucket_end\n"
            f"  from unnest(generate_series({first}, {last}, {step})) t(b)\n)\n"
            f"select {select}\nfrom buckets b\n{join} subs s on {active('b.bucket_end')}\n"
            f"group by {keys}\norder by {order}")

