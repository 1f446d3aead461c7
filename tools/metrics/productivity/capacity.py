"""Team performance distribution (M44) and quota capacity (M91), both built on per-rep M40."""

from __future__ import annotations

from tools.base import (
    Dimension,
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import fetch_query
from tools.metrics.core.options import Option
from tools.metrics.core.owners import owner_rollup
from tools.metrics.core.periods import resolve_period
from tools.metrics.core.spec import Headline, ToolSpec, source
from tools.metrics.productivity.common import (
    check_per_rep,
    make_result,
    one_period,
)
from tools.metrics.productivity.reps import rep_ctes
from tools.metrics.quota.attainment import (
    BOOKED_BY_REP,
    BOOKED_SQL,
    PER_REP_ATTAINMENT,
    QUOTA_BY_REP,
    QUOTA_SQL,
)
from tools.query import Query, Select

DISTRIBUTION_UNITS = (Dimension.team, Dimension.manager, Dimension.region, Dimension.territory)
DISTRIBUTION_DEFINITION = (
    "METRICS M44, per {unit}, over reps with a quota in the period (M40: bookings credited to "
    "the current owner / quota prorated to the period): median attainment, attainment_iqr = "
    "interquartile range (75th - 25th percentile, interpolated) and top_quartile_share = "
    "bookings of the top quarter of reps by bookings (ceil(n/4) reps) / all their bookings.{first}")
DISTRIBUTION_SPEC = ToolSpec(
    name="team_distribution", definition=DISTRIBUTION_DEFINITION,
    measures={m: Headline(c, "ratio") for m, c in (
        ("median", "median_attainment"), ("iqr", "attainment_iqr"),
        ("top_quartile_share", "top_quartile_share"))})

DISTRIBUTION = """r as (
  select p.user_id, {label} as unit, p.bookings, p.quota, p.bookings / p.quota as attainment
  from per_rep p left join v_reps r using (user_id)
  where p.quota > 0{filters}
),
ranked as (
  select *, ntile(4) over (partition by unit order by bookings desc, user_id) as quartile,
         ntile(4) over (order by bookings desc, user_id) as quartile_all
  from r
)"""


def _distribution_select(unit: str, quartile: str, label: str, k: int) -> str:
    return (f"select {label} as {unit}, median(attainment) as median_attainment,\n"
            f"  quantile_cont(attainment, 0.75) - quantile_cont(attainment, 0.25) "
            f"as attainment_iqr,\n"
            f"  sum(bookings) filter (where {quartile} = 1) / nullif(sum(bookings), 0) "
            f"as top_quartile_share,\n"
            f"  sum(bookings) / sum(quota) as attainment, sum(bookings) as bookings,\n"
            f"  sum(quota) as quota, count(*) as reps,\n"
            f"  count(*) filter (where attainment >= 1) as reps_at_or_above, {k} as k\n"
            f"from ranked")


def team_distribution(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return the attainment distribution per team; ungrouped, an all-reps row comes first.

    Hand-written: a distribution over reps (quantiles, shares), not a sum.
    """
    check_per_rep(params, "Team performance distribution")
    one_period(params, "Team performance distribution")
    if len(params.group_by) > 1 or any(d not in DISTRIBUTION_UNITS for d in params.group_by):
        raise ToolInputError("the distribution is taken over the reps of a team, manager, "
                             "region or territory", options=[d.value for d in DISTRIBUTION_UNITS])
    head = DISTRIBUTION_SPEC.headline(params)
    headline = head.column
    unit = (params.group_by or [Dimension.team])[0].value
    period = resolve_period(ctx, params, "quarter")
    q = Query()
    src = source(ctx, q)
    h = {"p_start": q.bind("p_start", period.start), "p_end": q.bind("p_end", period.end),
         "corp": q.bind("corp", ctx.settings.corporate_currency)}
    conds = q.filters(params.filters, qualifier="r.")
    ctes = [QUOTA_BY_REP.format(**h), BOOKED_BY_REP.format(src=src, **h), PER_REP_ATTAINMENT,
            DISTRIBUTION.format(label=f"coalesce(r.{unit}, '(none)')",
                                filters="".join(f" and {c}" for c in conds))]
    per_unit = _distribution_select(unit, "quartile", "unit", 1) + "\ngroup by unit"
    grouped = bool(params.group_by)
    if grouped:
        tail = Select(["* exclude (k)"], f"({per_unit})").rank(q, params, headline, [unit]).sql()
    else:
        total = _distribution_select(unit, "quartile_all", "null", 0)
        tail = (f"select * exclude (k) from ({per_unit}\nunion all\n{total})\n"
                f"order by k, {unit}")
    fetched = fetch_query(ctx, q, "with " + ",\n".join(ctes) + "\n" + tail)
    reps = fetched.column("reps")
    n = int(reps[0]) if not grouped and reps else int(sum(reps))
    value = None if grouped or not n else fetched[1][0][fetched[0].index(headline)]
    warnings = [] if n or grouped else [Warning(
        code="MISSING_QUOTA", message=f"No rep has a quota for {period.label}.")]
    first = "" if grouped else " The first row (no name) is over all reps together."
    return make_result(ctx, DISTRIBUTION_SPEC, head, period=period, fetched=fetched,
                       n_records=n, value=value,
                       null_reason=None if grouped or n else "MISSING_QUOTA",
                       definition=DISTRIBUTION_DEFINITION.format(unit=unit, first=first),
                       warnings=warnings)


CAPACITY_DEFINITION = (
    "METRICS M91: quota_capacity = sum over reps of quota (prorated to the period) x ramped-rep "
    "equivalents in the period (M41) x expected attainment; expected attainment = {expected}; "
    "quota_gap = target_quota - quota_capacity, target_quota = {target}.")
CAPACITY_SPEC = ToolSpec(
    name="quota_capacity", definition=CAPACITY_DEFINITION,
    measures={"capacity": Headline("quota_capacity", "currency"),
              "gap": Headline("quota_gap", "currency")},
    options={"expected_attainment": Option(float, None, 0.0, 10.0),
             "target": Option(float, None, 0.0, 1e12)})

HISTORY = """hist_{k} as (
  select q.user_id, coalesce(b.bookings, 0) / q.quota as attainment
  from quota_h{k} q
  join reps r on r.user_id = q.user_id
  left join booked_h{k} b on b.user_id = q.user_id
  where q.quota > 0 and coalesce(r.ramp_date <= {s}, true)
    and (r.termination_date is null or r.termination_date > {e})
)"""


def _history_ctes(ctx: ToolContext, q: Query, src: str, period: Period) -> tuple[list[str], str]:
    """CTEs of per-rep attainment of ramped reps in the 4 complete fiscal quarters before the
    period (before the as-of quarter when the period is still ahead)."""
    cal = ctx.settings.calendar
    first = cal.bucket(min(period.start, ctx.as_of), "quarter")
    ctes, parts = [], []
    corp = q.bind("corp", ctx.settings.corporate_currency)
    for k in range(1, 5):
        hq = cal.previous(first, "quarter", k)
        s, e = q.bind(f"h{k}_start", hq.start), q.bind(f"h{k}_end", hq.end)
        h = {"p_start": s, "p_end": e, "corp": corp, "src": src}
        ctes += [f"quota_h{k} as (\n{QUOTA_SQL.format(**h)}\n)",
                 f"booked_h{k} as (\n{BOOKED_SQL.format(**h)}\n)", HISTORY.format(k=k, s=s, e=e)]
        parts.append(f"select attainment from hist_{k}")
    ctes.append("history as (\n  " + "\n  union all ".join(parts) + "\n)")
    oldest, latest = cal.previous(first, "quarter", 4), cal.previous(first, "quarter")
    return ctes, f"{oldest.label} to {latest.label}"


def quota_capacity(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return how much of the quota the current reps can be expected to close (M91).

    Hand-written: ramped capacity per rep against quota.
    """
    check_per_rep(params, "Quota capacity")
    one_period(params, "Quota capacity")
    head = CAPACITY_SPEC.headline(params)
    headline = head.column
    period = resolve_period(ctx, params, "quarter")
    q = Query()
    src = source(ctx, q)
    ctes = rep_ctes(q, src, {"p": period})
    h = {"p_start": q.bind("q_start", period.start), "p_end": q.bind("q_end", period.end),
         "corp": q.bind("corp", ctx.settings.corporate_currency)}
    ctes.append(QUOTA_BY_REP.format(**h))
    history, span = _history_ctes(ctx, q, src, period)
    ctes += history
    opts = CAPACITY_SPEC.read_options(params)
    option = opts["expected_attainment"]
    expected = (q.bind("expected", float(option)) if option is not None
                else "(select median(attainment) from history)")
    ctes.append("cap as (\n  select user_id, coalesce(q.quota, 0) as quota, "
                "coalesce(p.rre_p, 0) as rre\n  from quota_by_rep q full join per_rep p "
                "using (user_id)\n)")
    target = opts["target"]
    target_sql = (q.bind("target", float(target)) if target is not None and not params.group_by
                  else "sum(quota)")
    capacity = f"sum(quota * rre) * {expected}"
    measures = [f"{capacity} as quota_capacity", "sum(quota) as quota",
                "sum(rre) as ramped_rep_equivalents", f"{expected} as expected_attainment",
                f"{target_sql} as target_quota", f"{target_sql} - {capacity} as quota_gap",
                "count(*) filter (where quota > 0) as reps",
                "(select count(*) from history) as history_reps"]
    sql, dims = owner_rollup(q, params, ctes, "cap", measures, headline)
    fetched = fetch_query(ctx, q, sql)
    value = None if dims or not fetched[1] else fetched[1][0][fetched[0].index(headline)]
    reason = None
    if value is None and not dims:
        reason = "INSUFFICIENT_HISTORY" if option is None and not fetched.column(
            "history_reps")[0] else "MISSING_QUOTA"
    exp_text = (f"{float(option):.4f} (given)" if option is not None else
                f"the median attainment of ramped reps over {span}")
    target_text = ("the given target" if target is not None and not dims
                   else "the sum of the quotas")
    return make_result(ctx, CAPACITY_SPEC, head, period=period, fetched=fetched,
                       n_records=int(sum(v or 0 for v in fetched.column("reps"))),
                       value=value, null_reason=reason,
                       definition=CAPACITY_DEFINITION.format(expected=exp_text,
                                                             target=target_text))
