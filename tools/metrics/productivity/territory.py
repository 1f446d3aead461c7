"""Territory balance (METRICS M90): how evenly accounts, pipeline and quota are spread.

Analysis for territory planning, not the planning decision itself (docs/design.md#what-it-is): per
territory (or region) the accounts, TAM proxy, open pipeline, quota, coverage, bookings and
attainment, then the spread of coverage, accounts per rep and pipeline per rep across them.
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, ToolInputError, Unit
from tools.metrics.core.envelope import fetch_query
from tools.metrics.core.periods import resolve_period
from tools.metrics.core.spec import Headline, ToolSpec, source
from tools.metrics.pipeline.open_deals import OPEN
from tools.metrics.productivity.common import (
    make_result,
    one_period,
)
from tools.metrics.productivity.reps import rep_ctes
from tools.metrics.quota.attainment import QUOTA_BY_REP
from tools.query import Query, Select

UNITS = (Dimension.territory, Dimension.region)
PLURAL = {"territory": "territories", "region": "regions"}
SPREAD_UNIT: dict[str, Unit] = {"coverage": "ratio", "accounts_per_rep": "count",
                                "pipeline_per_rep": "currency"}
X = {"coverage": ("coverage", "cover_cv", "coverage"),
     "accounts_per_rep": ("accounts_per_rep", "accounts_per_rep_cv", "accounts per rep"),
     "pipeline_per_rep": ("pipeline_per_rep", "pipe_per_rep_cv", "pipeline per rep")}
"""measure -> (per-territory column, its coefficient of variation, its name in flags)."""

DEFINITION = (
    "METRICS M90, per {unit}: accounts and tam_amount (sum of annual_revenue, a TAM proxy) of "
    "its accounts; open_pipeline (open, not omitted, close date in the period, as of the as-of "
    "date) and bookings of deals in the {unit}; quota = quotas of the reps assigned to it, "
    "prorated to the period; coverage = open_pipeline / quota, attainment = bookings / quota; "
    "per rep = per rep FTE in the period (M41). Spread across {units}: CV = stddev_pop / mean "
    "(*_cv columns); flags name each measure for which a {unit} is more than one stddev above "
    "(high) or below (low) the mean.{first}")
SPEC = ToolSpec(name="territory_balance", definition=DEFINITION,
                measures={m: Headline(m, unit) for m, unit in SPREAD_UNIT.items()})
"""Split, the measure's column per territory; ungrouped, its spread (CV, a ratio)."""

UNIT_ROWS = """terr as (
  select territory_id, name as territory, coalesce(region, name) as region from territories
),
acct as (
  select territory_id, count(*) as accounts, sum(annual_revenue) as tam_amount
  from accounts where not coalesce(is_deleted, false) and not coalesce(is_test, false)
  group by 1
),
deals as (
  select territory_id, sum(amount_corp) filter (where {open}) as open_pipeline,
         count(*) filter (where {open}) as open_deals,
         sum(amount_corp) filter (where status = 'won') as bookings,
         count(*) filter (where status = 'won') as won_deals
  from {src} where close_date between {s} and {e}
  group by 1
),
staff as (
  select r.territory_id, sum(q.quota) as quota, sum(p.rep_fte_p) as rep_fte
  from v_reps r left join quota_by_rep q using (user_id) left join per_rep p using (user_id)
  group by 1
),
unit as (
  select {unit}, sum(accounts) as accounts, sum(tam_amount) as tam_amount,
         coalesce(sum(open_pipeline), 0) as open_pipeline, sum(quota) as quota,
         coalesce(sum(bookings), 0) as bookings, sum(rep_fte) as rep_fte,
         coalesce(sum(open_deals), 0) as open_deals, coalesce(sum(won_deals), 0) as won_deals
  from terr left join acct using (territory_id) left join deals using (territory_id)
  left join staff using (territory_id){where}
  group by 1
),
m as (
  select *, open_pipeline / nullif(quota, 0) as coverage,
         bookings / nullif(quota, 0) as attainment,
         accounts / nullif(rep_fte, 0) as accounts_per_rep,
         open_pipeline / nullif(rep_fte, 0) as pipeline_per_rep
  from unit
)"""

MEASURES = ("accounts, tam_amount, open_pipeline, quota, coverage, bookings, attainment, "
            "rep_fte, accounts_per_rep, pipeline_per_rep")


def _cv(x: str, cv: str, _: str) -> str:
    return f"stddev_pop({x}) over () / nullif(avg({x}) over (), 0) as {cv}"


def _flag(x: str, _: str, name: str) -> str:
    mean, sd = f"avg({x}) over ()", f"stddev_pop({x}) over ()"
    return (f"case when {x} - {mean} > {sd} then '{name} high' "
            f"when {mean} - {x} > {sd} then '{name} low' end")


def territory_balance(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return the per-territory table and the spread; ungrouped, a total row comes first.

    Hand-written: spread across territories (coefficient of variation).
    """
    one_period(params, "Territory balance")
    bad = [d.value for d in params.group_by[1:]] + [
        f.dimension.value for f in params.filters if f.dimension not in UNITS]
    if bad or any(d not in UNITS for d in params.group_by):
        raise ToolInputError("territory balance compares territories or regions; it can be "
                             "split and filtered by territory or region only",
                             options=["territory", "region"])
    h = SPEC.headline(params)
    x_col, cv_col, _ = X[h.column]
    unit = (params.group_by or [Dimension.territory])[0].value
    period = resolve_period(ctx, params, "quarter")
    q = Query()
    src = source(ctx, q)
    s, e = q.bind("p_start", period.start), q.bind("p_end", period.end)
    ctes = rep_ctes(q, src, {"p": period})
    corp = q.bind("corp", ctx.settings.corporate_currency)
    ctes.append(QUOTA_BY_REP.format(p_start=s, p_end=e, corp=corp))
    conds = q.filters(params.filters)
    where = ("\n  where " + " and ".join(conds)) if conds else ""
    ctes.append(UNIT_ROWS.format(open=OPEN, src=src, s=s, e=e, unit=unit, where=where))
    spreads = ", ".join(_cv(*X[k]) for k in X)
    flags = ", ".join(_flag(*X[k]) for k in X)
    rows_sql = (f"t as (\n  select {unit}, {MEASURES},\n    {spreads},\n"
                f"    nullif(concat_ws(', ', {flags}), '') as flags,\n"
                f"    open_deals + won_deals as deals, 1 as k\n  from m\n)")
    grouped = bool(params.group_by)
    if grouped:
        tail = Select(["* exclude (k)"], "t").rank(q, params, x_col, [unit]).sql()
    else:
        total = ("select null, sum(accounts), sum(tam_amount), sum(open_pipeline), sum(quota), "
                 "sum(open_pipeline) / nullif(sum(quota), 0), sum(bookings), "
                 "sum(bookings) / nullif(sum(quota), 0), sum(rep_fte), "
                 "sum(accounts) / nullif(sum(rep_fte), 0), "
                 "sum(open_pipeline) / nullif(sum(rep_fte), 0), "
                 + ", ".join(f"any_value({c})" for _, c, _ in X.values())
                 + ", null, sum(deals), 0 from t")
        tail = (f"select * exclude (k) from (select * from t union all {total})\n"
                f"order by k, {unit}")
    sql = "with " + ",\n".join(ctes) + ",\n" + rows_sql + "\n" + tail
    fetched = fetch_query(ctx, q, sql)
    deals = [v or 0 for v in fetched.column("deals")]  # NULL when nothing matched
    n = int(deals[0] if not grouped and deals else sum(deals))
    headline = h if grouped else Headline(cv_col, "ratio")  # ungrouped: the spread
    value = None if grouped or not fetched[1] else fetched[1][0][fetched[0].index(cv_col)]
    reason = None if grouped or value is not None else "ZERO_DENOMINATOR"
    first = "" if grouped else " The first row (no name) is the total over all of them."
    return make_result(ctx, SPEC, headline, period=period, definition=DEFINITION.format(
                           unit=unit, units=PLURAL[unit], first=first),
                       fetched=fetched, n_records=n, value=value, null_reason=reason)
