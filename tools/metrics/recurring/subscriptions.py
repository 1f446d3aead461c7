"""Shared SQL of the recurring-revenue tools (METRICS §3 B): subscriptions at constant currency.

Every recurring tool starts from the same `subs` relation: one row per subscription with its MRR
in corporate currency at one rate date (the start of the period analysed, §1.3), so opening and
closing balances carry no FX noise. When `subscriptions` is empty, subscriptions are derived from
won recurring line items (M10). Labels come from the subscription's account (and product).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tools.base import (
    Dimension,
    FilterUnsupported,
    MetricParams,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.fiscal import Period
from tools.metrics.core.envelope import Fetched, fetch
from tools.metrics.core.frame import Frame
from tools.metrics.core.periods import resolve_period
from tools.query import Query
from tools.query import ranking as order_terms

ACCOUNT_DIMS = (Dimension.account, Dimension.segment, Dimension.industry, Dimension.region,
                Dimension.territory)
"""Dimensions that describe the customer: the ARR bridge nets movements per account."""
SUBSCRIPTION_DIMS = ACCOUNT_DIMS + (Dimension.product, Dimension.product_family)

LABELS = {
    Dimension.account: "coalesce(a.name, s.account_id)",
    Dimension.segment: "coalesce(a.segment, t.segment)",
    Dimension.industry: "a.industry",
    Dimension.region: "coalesce(t.region, t.name)",
    Dimension.territory: "t.name",
    Dimension.product: "coalesce(p.name, s.product_id)",
    Dimension.product_family: "p.family",
}

LOADED = """select subscription_id, account_id, product_id, start_date, end_date, cancelled_at,
         mrr, currency_code
  from subscriptions"""
# M10 fallback: one subscription per won recurring line item (no term -> evergreen).
DERIVED = """select li.line_item_id as subscription_id, o.account_id, li.product_id,
         coalesce(li.service_start_date, o.close_date) as start_date,
         coalesce(li.service_end_date, cast(coalesce(li.service_start_date, o.close_date)
                  + to_months(li.term_months) - interval 1 day as date)) as end_date,
         cast(null as date) as cancelled_at,
         coalesce(li.mrr, case li.amount_basis when 'monthly' then li.total_price
                                               when 'annual' then li.total_price / 12
                                               when 'term_total' then li.total_price
                                                    / nullif(li.term_months, 0) end) as mrr,
         coalesce(li.currency_code, o.currency_code) as currency_code
  from opportunity_line_items li join v_opps o using (opportunity_id)
  where li.is_recurring and o.status = 'won'"""


def active(d: str, s: str = "s") -> str:
    """Return the condition 'subscription s counts on date d' (M10)."""
    return (f"{s}.start_date <= {d} and ({s}.end_date is null or {d} <= {s}.end_date) "
            f"and ({s}.cancelled_at is null or {d} < {s}.cancelled_at)")


@dataclass
class SubscriptionFrame(Frame):
    """One recurring query under construction (its period's end capped at the as-of date) and
    where its subscriptions come from."""

    derived: bool
    """True when subscriptions are derived from won recurring line items."""

    @property
    def end(self) -> date:
        """Return the date balances are taken at: the period end (never after as-of)."""
        return self.period.end


CUSTOMERS = "recurring revenue belongs to customers"
"""Why the recurring tools split only by customer attributes (their Tool.group_by_why)."""


def start(ctx: ToolContext, params: MetricParams, what: str, allowed: tuple[Dimension, ...],
          period: Period | None = None) -> SubscriptionFrame:
    """Check dimensions, resolve the period (capped at as-of) and pick the subscription source."""
    check_dims(params, allowed, what, CUSTOMERS)
    p = capped_period(ctx, params, period)
    row = ctx.con.execute("select exists (select 1 from subscriptions)").fetchone()
    return SubscriptionFrame(ctx=ctx, params=params, q=Query(), period=p,
                             derived=not (row and row[0]))


def check_dims(params: MetricParams, allowed: tuple[Dimension, ...], what: str,
               why: str) -> None:
    """Ask back when a breakdown or filter uses a dimension the records do not have."""
    bad = params.dimensions_outside(allowed)
    if bad:
        raise FilterUnsupported.outside(what, bad, allowed, why)


def capped_period(ctx: ToolContext, params: MetricParams, period: Period | None) -> Period:
    """Return the period (default: the fiscal quarter of as-of) ending no later than as-of.

    Balances and activity after the as-of date do not exist yet, so a period that runs past it
    is read to date.
    """
    p = period or resolve_period(ctx, params, "quarter")
    if p.start > ctx.as_of:
        raise ToolInputError(f"{p.label} starts after the as-of date {ctx.as_of}",
                             options=["this quarter", "last quarter"])
    return p if p.end <= ctx.as_of else Period(p.start, ctx.as_of, f"{p.label} to date")


def subs_ctes(f: SubscriptionFrame, dims: list[Dimension]) -> str:
    """Return the `rates` and `subs` CTEs (labels for `dims` and filter dimensions included)."""
    q = f.q
    rate_date = q.bind("rate_date", f.period.start)
    corp = q.bind("corp", f.ctx.settings.corporate_currency)
    wanted = list(dict.fromkeys(dims + [x.dimension for x in f.params.filters]))
    labels = "".join(f",\n         {LABELS[d]} as {d.value}" for d in wanted)
    where = "".join(f"\n    and {c}" for c in q.filters(f.params.filters, qualifier="x."))
    return f"""rates as (
  select currency_code, arg_max(units_per_corporate, start_date) as units,
         arg_max(next_start_date, start_date) as next_start
  from fx_rates where start_date <= {rate_date} group by currency_code
), source as (
  {DERIVED if f.derived else LOADED}
), all_subs as (
  select * from (
  select s.subscription_id, coalesce(s.account_id, '(none)') as account_key, s.start_date,
         s.end_date, s.cancelled_at, s.mrr,
         cast(s.mrr / case when s.currency_code is null or s.currency_code = {corp} then 1
                           else r.units end as decimal(18, 4)) as mrr_corp,
         coalesce(r.next_start <= {rate_date}, false) as fx_fallback{labels}
  from source s
  left join accounts a on a.account_id = s.account_id
  left join territories t on t.territory_id = a.territory_id
  left join products p on p.product_id = s.product_id
  left join rates r on r.currency_code = s.currency_code
  where not coalesce(a.is_test, false)) x
  where true{where}
), subs as (
  select * from all_subs where mrr_corp is not null
)"""


def quality(f: SubscriptionFrame, ctes: str) -> list[Warning]:
    """Warn about subscriptions left out or converted approximately up to the period end."""
    end = f.q.bind("q_end", f.end)
    sql = (f"with {ctes}\n"
           f"select count(*), count(*) filter (where mrr is not null and mrr_corp is null),\n"
           f"  count(*) filter (where mrr is null), count(*) filter (where fx_fallback),\n"
           f"  count(*) filter (where account_key = '(none)'),\n"
           f"  count(*) filter (where end_date is null and cancelled_at is null)\n"
           f"from all_subs where start_date <= {end}")
    total, fx_missing, no_mrr, fallback, no_account, evergreen = \
        f.ctx.con.execute(sql, f.q.used_by(f.ctx.con, sql)).fetchone()  # type: ignore[misc]
    out = []
    if total == 0:
        what = "won recurring line items (no subscriptions are loaded)" if f.derived \
            else "subscriptions"
        out.append(Warning(code="NO_DATA", message=f"No {what} start by {f.end}."))
    if f.derived and total:
        out.append(Warning(code="ARR_DERIVED", message="No subscriptions are loaded; ARR is "
                           "derived from won recurring line items (METRICS M10)."))
        if evergreen:
            out.append(Warning(code="NO_TERM", message=f"{evergreen:,} recurring line items "
                               "have no term and are treated as evergreen."))
    texts = [("FX_MISSING", fx_missing, "have no exchange rate and are left out"),
             ("NO_MRR", no_mrr, "have no MRR (or no amount basis) and are left out"),
             ("FX_FALLBACK", fallback, f"use the latest rate before {f.period.start}"),
             ("NO_ACCOUNT", no_account, "have no account; they are netted as one customer")]
    out += [Warning(code=code, message=f"{n:,} of {total:,} subscriptions {text}.")
            for code, n, text in texts if n]
    return out


def execute(f: SubscriptionFrame, sql: str) -> Fetched:
    """Run the statement with the parameters it uses (DuckDB rejects extra ones)."""
    return fetch(f.ctx, sql, f.q.used_by(f.ctx.con, sql))


def label_cols(dims: list[Dimension], source: str = "") -> list[str]:
    """Return the SELECT labels of the breakdown, missing values shown as (none)."""
    return [f"coalesce({source}{d.value}, '(none)') as {d.value}" for d in dims]


def ranking(f: SubscriptionFrame, dims: list[Dimension], headline: str) -> str:
    """Return ORDER BY (and LIMIT) of a breakdown: by the headline, ties by label."""
    if not dims:
        return ""
    keys = [d.value for d in dims]
    sql = f"\norder by {', '.join(order_terms(f.params, headline, keys))}"
    if f.params.top:
        sql += f"\nlimit {f.q.bind('top', f.params.top)}"
    return sql
