"""Revenue reporting accuracy (METRICS M71): CRM bookings reconciled to the finance ledger.

Each reconciliation key is an opportunity when the ledger carries its id, otherwise an account
and fiscal month (key_level=auto; opportunity and account_month force one level). Errors are
summed per key before dividing, so an over-billed deal cannot hide an unbilled one. Splitting by
opportunity or account lists the discrepancies, largest first.
"""

from __future__ import annotations

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, ToolInputError
from tools.fiscal import Period
from tools.metrics.core.frame import RecordSpec
from tools.metrics.core.options import Option, read_options
from tools.metrics.core.records import finish, for_period, for_quarters, start
from tools.metrics.core.spec import source
from tools.metrics.core.warnings import count_warning
from tools.query import column

RECON_MEASURES = ("accuracy", "aggregate", "match_rate", "discrepancy")
RECON_DIMS = (Dimension.opportunity, Dimension.account, Dimension.region, Dimension.segment,
              Dimension.industry)
OPTIONS = {"key_level": Option(str, "auto", choices=("auto", "opportunity", "account_month")),
           "timing_window_days": Option(int, 0, 0, 365),
           "abs_tolerance": Option(float, 1.0, 0, 1e9), "rel_tolerance": Option(float, 0.005, 0, 1)}

RECON_SQL = """opps as (select * from {src}{won_only}),
won as (select opportunity_id from opps where status = 'won'),
ledger_ids as (
  select opportunity_id from ledger_entries
  where opportunity_id is not null and {level} <> 'account_month'
    and document_type in ('invoice', 'credit_memo', 'booking') and posting_date <= {as_of}
),
ledger as (
  select e.*, date_trunc('month', e.posting_date) as month,
         e.amount / case when e.currency_code is null or e.currency_code = {corp} then 1
                         else fx.units_per_corporate end as amount_corp,
         case when e.opportunity_id is not null and {level} <> 'account_month'
              then 'O:' || e.opportunity_id
              else 'A:' || coalesce(e.account_id, '?') || ':' || strftime(e.posting_date, '%Y-%m')
              end as key
  from ledger_entries e
  left join fx_rates fx on fx.currency_code = e.currency_code
   and e.posting_date >= fx.start_date
   and (fx.next_start_date is null or e.posting_date < fx.next_start_date)
  where e.document_type in ('invoice', 'credit_memo', 'booking') and e.posting_date <= {as_of}
    and e.posting_date >= (select min(b_start) from buckets)
    and e.posting_date <= (select max(b_end) from buckets) + {window}
),
crm as (
  select b.tag, b.bucket_start, b.b_start, b.b_end, o.opportunity_id, o.account_id,
         date_trunc('month', o.close_date) as month, coalesce(o.amount_corp, 0) as amount_corp,
         case when {level} = 'opportunity' or ({level} = 'auto' and o.opportunity_id in
                   (select opportunity_id from ledger_ids))
              then 'O:' || o.opportunity_id
              else 'A:' || coalesce(o.account_id, '?') || ':' || strftime(o.close_date, '%Y-%m')
              end as key
  from buckets b join opps o on o.status = 'won' and o.close_date between b.b_start and b.b_end
),
ledger_in as (
  select c.tag, c.bucket_start, e.* from ledger e
  join (select distinct tag, bucket_start, b_start, b_end, key from crm where key like 'O:%') c
    on c.key = e.key and e.posting_date between c.b_start and c.b_end + {window}
  union all
  select b.tag, b.bucket_start, e.* from buckets b
  join ledger e on e.posting_date between b.b_start and b.b_end
  where e.key like 'A:%' or e.opportunity_id not in (select opportunity_id from won)
),
keys as (
  select coalesce(c.tag, l.tag) as tag, bucket_start, key,
         coalesce(c.crm, 0) as crm, coalesce(l.ledger, 0) as ledger,
         coalesce(c.opp_id, l.opp_id) as opp_id, coalesce(c.account_id, l.account_id) as account_id,
         coalesce(c.month, l.month) as month, coalesce(l.fx_missing, 0) as fx_missing, c.deals,
         c.key is not null as in_crm, l.key is not null as in_ledger
  from (select tag, bucket_start, key, sum(amount_corp) as crm, any_value(month) as month,
               any_value(opportunity_id) filter (where key like 'O:%') as opp_id,
               any_value(account_id) as account_id,
               string_agg(opportunity_id, ', ' order by opportunity_id) as deals
        from crm group by all) c
  full join (select tag, bucket_start, key, sum(amount_corp) as ledger, any_value(month) as month,
                    any_value(opportunity_id) filter (where key like 'O:%') as opp_id,
                    any_value(account_id) as account_id,
                    count(*) filter (where amount_corp is null) as fx_missing
             from ledger_in group by all) l using (bucket_start, key)
),
r as (
  select k.*, k.crm - k.ledger as diff, abs(k.crm - k.ledger) as abs_diff,
         abs(k.crm - k.ledger) <= greatest({abs_tol}, {rel_tol} * abs(k.ledger)) as matched{labels}
  from keys k{label_joins}
)"""
LABELS = """,
         case when k.opp_id is not null then coalesce(o.opportunity, k.opp_id) || ' (' || k.opp_id
                   || ')'
              else coalesce(a.name, k.account_id, 'no account') || ' '
                   || strftime(k.month, '%Y-%m') || ' (by account and month; deals: '
                   || coalesce(k.deals, 'none') || ')' end as opportunity,
         coalesce(o.account, a.name, k.account_id) as account,
         coalesce(o.region, t.region, t.name) as region,
         coalesce(o.segment, a.segment) as segment, coalesce(o.industry, a.industry) as industry"""
LABEL_JOINS = """
  left join opps o on o.opportunity_id = k.opp_id
  left join accounts a on a.account_id = coalesce(o.account_id, k.account_id)
  left join territories t on t.territory_id = a.territory_id"""
"""Each key's dimension labels. Joined on the primary keys of the deals, accounts and
territories (at most one row each), so they add no keys: without a split or filter they are
left out, and `opps` then holds only the won deals (all the rest reads): the same figures from
a fraction of the reading (BENCHMARKS.md, the scorecard)."""

ABS_L = "sum(abs(ledger))"
COLUMNS = (
    column("revenue_reporting_accuracy",  # greatest() skips nulls: keep Σ|L| = 0 null
           f"case when {ABS_L} > 0 then greatest(0, 1 - sum(abs_diff) / {ABS_L}) end", "ratio"),
    column("aggregate_accuracy", "1 - abs(sum(crm) - sum(ledger)) / nullif(abs(sum(ledger)), 0)",
           "ratio"),
    column("match_rate", "count(key) filter (where matched) / nullif(count(key), 0)", "ratio"),
    column("crm_amount", "coalesce(sum(crm), 0)", "currency", additive=True),
    column("ledger_amount", "coalesce(sum(ledger), 0)", "currency", additive=True),
    column("difference_amount", "coalesce(sum(diff), 0)", "currency", additive=True),
    column("discrepancy_amount", "coalesce(sum(abs_diff), 0)", "currency", additive=True),
    column("keys", "count(key)", "count", additive=True),
    column("mismatched_keys", "count(key) filter (where not matched)", "count", additive=True),
    column("ledger_without_fx", "coalesce(sum(fx_missing), 0)", "count", additive=True),
)
STATUS = column("status", (
    "case when count(key) <> 1 then 'several keys' when bool_and(matched) then 'matched' "
    "when not bool_or(in_ledger) then 'crm_only' when not bool_or(in_crm) then 'ledger_only' "
    "else 'mismatched' end"), "count")
HEADLINES = {"accuracy": "revenue_reporting_accuracy", "aggregate": "aggregate_accuracy",
             "match_rate": "match_rate", "discrepancy": "discrepancy_amount"}
DEFINITION = (
    "Won CRM bookings (close date in the period, as of the as-of date) against ledger invoices, "
    "credit memos and booking entries (corporate currency at the posting date) per key: the "
    "opportunity when the ledger carries its id, else account x fiscal month; accuracy = "
    "max(0, 1 - sum|CRM - ledger| / sum|ledger|) over keys; aggregate accuracy = 1 - |sum CRM "
    "- sum ledger| / |sum ledger|; a key matches within max(abs_tolerance 1.00, rel_tolerance "
    "0.5% of ledger); ledger entries of a deal count when posted in the period (plus "
    "timing_window_days); CRM-only and ledger-only keys count with 0 on the other side "
    "(METRICS M71).")


def _measure(params: MetricParams) -> str:
    """By opportunity or account the question is which keys are off: rank by |difference|."""
    if params.measure is None:
        listed = {Dimension.opportunity, Dimension.account} & set(params.group_by)
        return "discrepancy" if listed else "accuracy"
    if params.measure not in RECON_MEASURES:
        raise ToolInputError(f"no measure '{params.measure}'", options=list(RECON_MEASURES))
    return params.measure


def revenue_reporting_accuracy(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Key-level accuracy of CRM bookings against the ledger, or the discrepancy list.

    RecordSpec: one row per reconciliation key.
    """
    measure = _measure(params)
    opts = read_options(params, "revenue_reporting_accuracy", OPTIONS)
    listed = Dimension.opportunity in params.group_by
    spec = RecordSpec("revenue_reporting_accuracy", DEFINITION, HEADLINES[measure],
                      COLUMNS + ((STATUS,) if listed else ()), "keys", RECON_DIMS)
    frame = start(ctx, params, spec, "quarter")
    q = frame.q
    labelled = _labelled(params)
    sql = RECON_SQL.format(
        src=source(ctx, q), won_only="" if labelled else " where status = 'won'",
        labels=LABELS if labelled else "", label_joins=LABEL_JOINS if labelled else "",
        corp=q.bind("corp", ctx.settings.corporate_currency),
        level=q.bind("key_level", opts["key_level"]), as_of=frame.as_of,
        window=q.bind("timing_window_days", opts["timing_window_days"]),
        abs_tol=q.bind("abs_tolerance", opts["abs_tolerance"]),
        rel_tol=q.bind("rel_tolerance", opts["rel_tolerance"]))
    result = finish(frame, sql)
    count_warning(result, "ledger_without_fx", "MISSING_FX", (
        "ledger entries have no exchange rate for their posting date; they are left out of "
        "the ledger side"))
    return result


def _labelled(params: MetricParams) -> bool:
    """Whether the keys need their dimension labels (a split or a filter reads them)."""
    return bool(params.group_by or params.filters)


def revenue_reporting_accuracy_value(ctx: ToolContext, period: Period) -> MetricResult:
    """Key-level revenue reporting accuracy of one period (scorecard: target > 95%)."""
    return for_period(revenue_reporting_accuracy, ctx, period)


def revenue_reporting_accuracy_quarters(ctx: ToolContext,
                                        quarters: list[Period]) -> list[MetricResult]:
    """The same for consecutive quarters, the ledger and the deals read once (scorecard)."""
    return for_quarters(revenue_reporting_accuracy, ctx, quarters, "keys")
