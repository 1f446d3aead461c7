"""ARR waterfall (M11), net new ARR (M15) and retention (M12 NRR, M13 GRR, M14 logo churn).

All of them compare each account's ARR at an opening date (the day before the window) with its
ARR at the window end, both at the constant-currency rate of the period start, and net the
movements per account: a product swap inside one account is expansion or contraction, never
churn plus new; an account that churns and returns inside the window shows only its net change.
"""

from __future__ import annotations

from datetime import date, timedelta

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, ToolInputError
from tools.fiscal import GRAIN_MONTHS, Period
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.recurring.subscriptions import (
    ACCOUNT_DIMS,
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

MOVES = """points as (
  select account_key, start_date as d from subs
  union select account_key, cast(end_date + 1 as date) from subs where end_date is not null
  union select account_key, cancelled_at from subs where cancelled_at is not null
), first_arr as (
  select account_key, min(d) as first_arr_date from (
    select p.account_key, p.d from points p
    join subs s on s.account_key = p.account_key and {active_p}
    group by p.account_key, p.d having sum(s.mrr_corp) > 0)
  group by account_key
), acct as (
  select w.bucket_start, s.account_key{labels},
         greatest(coalesce(12 * sum(s.mrr_corp) filter (where {active_od}), 0), 0) as o,
         greatest(coalesce(12 * sum(s.mrr_corp) filter (where {active_we}), 0), 0) as c,
         any_value(w.od) as od
  from windows w join subs s on s.start_date <= w.we
  group by all
), moves as (
  select a.*, case when o = 0 and c > 0 and f.first_arr_date <= a.od then 'reactivation'
                   when o = 0 and c > 0 then 'new'
                   when o > 0 and c = 0 then 'churn'
                   when c > o then 'expansion'
                   when c < o then 'contraction' else 'flat' end as movement
  from acct a left join first_arr f using (account_key)
  where o > 0 or c > 0
)"""

BRIDGE_MEASURES = [
    "coalesce(sum(o), 0) as opening_arr",
    "coalesce(sum(c) filter (where movement = 'new'), 0) as new_arr",
    "coalesce(sum(c) filter (where movement = 'reactivation'), 0) as reactivation_arr",
    "coalesce(sum(c - o) filter (where movement = 'expansion'), 0) as expansion_arr",
    "coalesce(sum(o - c) filter (where movement = 'contraction'), 0) as contraction_arr",
    "coalesce(sum(o) filter (where movement = 'churn'), 0) as churned_arr",
    "coalesce(sum(c), 0) as closing_arr",
    "coalesce(sum(c), 0) - coalesce(sum(o), 0) as net_new_arr",
    "count(movement) as accounts"]
COHORT = "nullif(sum(o) filter (where o > 0), 0)"
LOGOS = "nullif(count(*) filter (where o > 0), 0)"
RETENTION_MEASURES = [
    f"sum(c) filter (where o > 0) / {COHORT} as net_retention_rate",
    f"sum(least(c, o)) filter (where o > 0) / {COHORT} as gross_retention_rate",
    f"count(*) filter (where o > 0 and c = 0) / {LOGOS} as logo_churn_rate",
    f"1 - count(*) filter (where o > 0 and c = 0) / {LOGOS} as logo_retention_rate",
    "coalesce(sum(o) filter (where o > 0), 0) as opening_arr",
    "coalesce(sum(c) filter (where o > 0), 0) as retained_arr",
    "count(*) filter (where o > 0) as cohort_customers",
    "count(*) filter (where movement = 'churn') as churned_customers"]

BRIDGE_DEFINITION = (
    "ARR bridge per account from the day before {start} to {end} at the {rate} rate: new "
    "(no ARR before), reactivation (had ARR earlier), expansion, contraction, churn (ARR to 0); "
    "opening + new + reactivation + expansion - contraction - churn = closing; net new ARR = "
    "closing - opening (METRICS M11, M15); accounts = those with ARR at either end. An account "
    "netting below 0 counts as 0.")
RETENTION_DEFINITION = (
    "Cohort = accounts with ARR on {opening}; NRR (net_retention_rate) = their ARR on {end} / "
    "their opening ARR; GRR caps each account at its opening ARR; logo churn = cohort accounts "
    "at 0 ARR / cohort. "
    "Window {window}, ARR base at the {rate} rate; new and reactivated accounts are excluded "
    "(METRICS M12-M14).")
WATERFALL = ToolSpec(name="arr_waterfall", definition=BRIDGE_DEFINITION, measures={
    m: Headline(c, "currency") for m, c in (
        ("net_new", "net_new_arr"), ("new", "new_arr"), ("expansion", "expansion_arr"),
        ("contraction", "contraction_arr"), ("churn", "churned_arr"),
        ("reactivation", "reactivation_arr"), ("opening", "opening_arr"),
        ("closing", "closing_arr"))})
RETENTION = ToolSpec(name="net_revenue_retention", definition=RETENTION_DEFINITION, measures={
    m: Headline(c, "ratio") for m, c in (
        ("nrr", "net_retention_rate"), ("grr", "gross_retention_rate"),
        ("logo_churn", "logo_churn_rate"), ("logo_retention", "logo_retention_rate"))})


def arr_waterfall(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return the ARR bridge (and net new ARR) for the period, or per bucket for a trend.

    Hand-written: each account's ARR at two dates, netted into movements.
    """
    return _run(ctx, params, WATERFALL, BRIDGE_MEASURES, None)


def net_revenue_retention(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return NRR / GRR / logo churn over a window (default: trailing 12 months to as-of).

    Hand-written: a cohort's ARR at a window's start against its end.
    """
    default = None
    if params.period is None and not params.time_grain:
        first = _months_back(ctx.as_of, 12) + timedelta(days=1)
        default = Period(first, ctx.as_of, f"trailing 12 months to {ctx.as_of}")
    return _run(ctx, params, RETENTION, RETENTION_MEASURES, default)


def _run(ctx: ToolContext, params: MetricParams, spec: ToolSpec, measures: list[str],
         default: Period | None) -> MetricResult:
    h = spec.headline(params)
    headline = h.column
    if params.compare:
        raise ToolInputError("compare two windows by asking for the trend",
                             options=["by quarter", "by month"])
    f = start(ctx, params, spec.name, ACCOUNT_DIMS, default)
    dims = list(params.group_by)
    ctes = subs_ctes(f, dims)
    retention = spec is RETENTION
    body = _select(f, measures, dims, headline)
    sql = f"with {ctes}, {_windows(f, retention)}, {_moves(dims)}\n{body}"
    fetched = execute(f, sql)
    warnings = quality(f, ctes)
    no_data = any(w.code == "NO_DATA" for w in warnings)
    scalar = not dims and not params.time_grain
    value = fetched.first(headline) if scalar and not no_data else None
    null_reason = None
    if scalar and value is None:  # subscriptions exist, so an empty ratio has no base
        null_reason = "NO_DATA" if no_data else "ZERO_DENOMINATOR"
    return spec.result(
        ctx, fetched, h, definition=_definition(f, retention), period=f.period,
        n_records=fetched.total("cohort_customers" if retention else "accounts"),
        scalar=scalar, value=value, null_reason=null_reason, warnings=warnings)


def _windows(f: SubscriptionFrame, retention: bool) -> str:
    """One window per row: opening date `od` (the day before it starts) and end `we`."""
    q, grain = f.q, f.params.time_grain
    if grain is None:
        return (f"windows as (\n  select {q.bind('w_start', f.period.start)} as bucket_start, "
                f"{q.bind('w_open', f.period.start - timedelta(days=1))} as od, "
                f"{q.bind('w_end', f.end)} as we\n)")
    cal = f.ctx.settings.calendar
    step = "to_days(7)" if grain == "week" else f"to_months({GRAIN_MONTHS[grain]})"
    last = q.bind("b_end", f.end)
    we = f"least(cast(b + {step} - interval 1 day as date), {last})"
    od = (f"cast({we} - interval 12 month as date)" if retention
          else "cast(b - interval 1 day as date)")
    first = q.bind("b_start", cal.bucket_start(f.period.start, grain))
    return (f"windows as (\n  select cast(b as date) as bucket_start, {od} as od, {we} as we\n"
            f"  from unnest(generate_series({first}, {last}, {step})) t(b)\n)")


def _moves(dims: list[Dimension]) -> str:
    labels = "".join(f",\n         {c}" for c in label_cols(dims, "s."))
    return MOVES.format(active_p=active("p.d"), active_od=active("w.od"),
                        active_we=active("w.we"), labels=labels)


def _select(f: SubscriptionFrame, measures: list[str], dims: list[Dimension], headline: str) -> str:
    grain = f.params.time_grain
    keys = [d.value for d in dims]
    if grain is None:
        group = f"\ngroup by {', '.join(keys)}" if keys else ""
        return (f"select {', '.join(keys + measures)}\nfrom moves{group}"
                f"{ranking(f, dims, headline)}")
    cal = f.ctx.settings.calendar
    label = bucket_exprs(f.q, "bucket_start", grain, cal.start_month, cal.ending).label
    source = "moves" if keys else "windows left join moves using (bucket_start)"
    return (f"select {label} as {grain}, {', '.join(keys + measures)}\nfrom {source}\n"
            f"group by {', '.join(['bucket_start'] + keys)}\n"
            f"order by {', '.join(['bucket_start'] + keys)}")


def _definition(f: SubscriptionFrame, retention: bool) -> str:
    rate = f"{f.period.start} exchange"
    if not retention:
        return BRIDGE_DEFINITION.format(start=f.period.start, end=f.end, rate=rate)
    if f.params.time_grain:
        return RETENTION_DEFINITION.format(
            opening="the date 12 months before each bucket end", end="each bucket end",
            window=f"trailing 12 months at each {f.params.time_grain} end", rate=rate)
    months = round(f.period.days / 30.44)
    window = f"{f.period.label}, {months} months" + ("" if months == 12 else ", not annualized")
    return RETENTION_DEFINITION.format(opening=f.period.start - timedelta(days=1), end=f.end,
                                       window=window, rate=rate)


def _months_back(d: date, months: int) -> date:
    """Return d moved back whole months (the last day of the month when it is shorter)."""
    index = d.year * 12 + d.month - 1 - months
    year, month = index // 12, index % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
