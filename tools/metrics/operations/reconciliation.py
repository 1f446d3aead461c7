"""Revenue reporting accuracy (METRICS M71): CRM bookings reconciled to the finance ledger.

Each reconciliation key is an opportunity when the ledger carries its id, otherwise an account
and fiscal month (key_level=auto; opportunity and account_month force one level). Errors are
summed per key before dividing, so an over-billed deal cannot hide an unbilled one. Splitting by
opportunity or account lists the discrepancies, largest first.
"""

from __future__ import annotations

from typing import Any

from tools.base import Dimension, MetricParams, MetricResult, ToolContext, ToolInputError
from tools.fiscal import Period
from tools.metrics.core.frame import RecordSpec
from tools.metrics.core.options import Option, read_options
from tools.metrics.core.records import finish, for_period, for_quarters, start, whole_quarters
from tools.metrics.core.spec import source
from tools.metrics.core.warnings import count_warning
from tools.query import column
from tools.warehouse.facts import recon_keys
from tools.warehouse.recon import RECON_KEYS_SQL, TABLE

RECON_MEASURES = ("accuracy", "aggregate", "match_rate", "discrepancy")
RECON_DIMS = (Dimension.opportunity, Dimension.account, Dimension.region, Dimension.segment,
              Dimension.industry)
OPTIONS = {"key_level": Option(str, "auto", choices=("auto", "opportunity", "account_month")),
           "timing_window_days": Option(int, 0, 0, 365),
           "abs_tolerance": Option(float, 1.0, 0, 1e9), "rel_tolerance": Option(float, 0.005, 0, 1)}

R_SQL = """,
r as (
  select k.*, k.crm - k.ledger as diff, abs(k.crm - k.ledger) as abs_diff,
         abs(k.crm - k.ledger) <= greatest({abs_tol}, {rel_tol} * abs(k.ledger)) as matched{labels}
  from keys k{label_joins}
)"""
RECON_SQL = RECON_KEYS_SQL + R_SQL
"""The keys of each bucket computed from the deals and the ledger, then matched."""
STORED_SQL = f"""keys as (
  select b.tag, k.* from buckets b join {TABLE} k on k.bucket_start = b.bucket_start
)""" + R_SQL
"""The same from the keys kept at load (tools.warehouse.recon), when they are this question's
(`_stored`)."""
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
    src = source(ctx, q)
    tolerances = {"abs_tol": q.bind("abs_tolerance", opts["abs_tolerance"]),
                  "rel_tol": q.bind("rel_tolerance", opts["rel_tolerance"])}
    if _stored(ctx, params, frame.period, opts, src):
        sql = STORED_SQL.format(labels="", label_joins="", **tolerances)
    else:
        sql = RECON_SQL.format(
            src=src, won_only="" if labelled else " where status = 'won'",
            labels=LABELS if labelled else "", label_joins=LABEL_JOINS if labelled else "",
            corp=q.bind("corp", ctx.settings.corporate_currency),
            level=q.bind("key_level", opts["key_level"]), as_of=frame.as_of,
            window=q.bind("timing_window_days", opts["timing_window_days"]), **tolerances)
    result = finish(frame, sql)
    count_warning(result, "ledger_without_fx", "MISSING_FX", (
        "ledger entries have no exchange rate for their posting date; they are left out of "
        "the ledger side"))
    return result


def _stored(ctx: ToolContext, params: MetricParams, period: Period, opts: dict[str, Any],
            src: str) -> bool:
    """Whether the keys kept at load are this question's: the current deals (no split,
    filter or row scope: no labels), the default key level and timing window, buckets that
    are whole fiscal quarters ended by the as-of date, no ledger entry of a deal dated after
    the as-of date (which decides how a deal is keyed), and the table current (opp_facts, its
    definition, the ledger)."""
    if (src != "opp_facts" or _labelled(params) or opts["key_level"] != "auto"
            or opts["timing_window_days"] != 0 or not whole_quarters(ctx, params, period)):
        return False
    if TABLE not in ctx.memo:  # once per connection, as the history tables' stamps
        ctx.memo[TABLE] = recon_keys(ctx.con)
    current, last_posting = ctx.memo[TABLE]
    return bool(current) and (last_posting is None or last_posting <= ctx.as_of)


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
