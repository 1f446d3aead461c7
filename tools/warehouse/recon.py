"""Revenue reconciliation's keys of every fiscal quarter, kept at load (recon_quarter_keys).

The reconciliation (tools.metrics.operations.reconciliation, METRICS M71) matches each
quarter's won deals with the ledger per key: string keys built, converted, grouped and joined
over every won deal and ledger entry of the quarters asked, about 0.3 s of CPU for the
scorecard's four quarters at 1M deals, on every cold page. The per-key sums of a whole quarter
(the `keys` relation, before the tolerances) depend on the current won deals, the ledger and
the rates only, so they are computed here once per load, by the same SQL, for every quarter
the data covers; the tool reads them when its question is one those sums answer exactly
(`usable`), else runs the statement as before.
"""

from __future__ import annotations

from datetime import date

import duckdb

from tools.warehouse.kept import QUARTERS, stamp, stamped
from tools.warehouse.settings import load_settings

DOCUMENTS = "document_type in ('invoice', 'credit_memo', 'booking')"
"""The ledger entries that carry revenue, wherever the ledger is read."""
RECON_KEYS_SQL = """opps as (select * from {src}{won_only}),
won as (select opportunity_id from opps where status = 'won'),
ledger_ids as (
  select opportunity_id from ledger_entries
  where opportunity_id is not null and {level} <> 'account_month'
    and """ + DOCUMENTS + """ and posting_date <= {as_of}
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
  where e.""" + DOCUMENTS + """ and e.posting_date <= {as_of}
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
)"""
"""The reconciliation's keys per bucket (the CTEs after `buckets`, up to `keys`): the one
text both the tool's statement and the kept table are built from."""

TABLE = "recon_quarter_keys"
BUILD_SQL = f"""create or replace table {TABLE} as
with span as (
  select least((select min(posting_date) from ledger_entries where {DOCUMENTS}),
               (select min(close_date) from opp_facts where status = 'won')) as first,
         greatest((select max(posting_date) from ledger_entries where {DOCUMENTS}),
                  (select max(close_date) from opp_facts where status = 'won')) as last
),
{QUARTERS.format(first="first", last="last", source=" from span")},
{RECON_KEYS_SQL.format(src="opp_facts", won_only=" where status = 'won'", level="'auto'",
                       as_of="'infinity'::date", corp="$corp", window="0")}
select * exclude (tag) from keys order by bucket_start"""
"""Every fiscal quarter from the first won deal or ledger entry to the last, whole, with the
tool's defaults (keys by opportunity where the ledger carries the deal, no timing window) and
every ledger entry (no as-of cut): what the tool computes for a whole quarter ended by the
as-of date when no ledger entry of a deal is dated after it. Sorted by quarter, so the
quarters asked are read, the others skipped by zone maps."""

LAST_POSTING = (f"select max(posting_date) from ledger_entries where opportunity_id is not null "
                f"and {DOCUMENTS}")
"""Noted in the stamp (tools.warehouse.kept): the latest posting date of a ledger entry carrying
a deal, which the as-of date must reach for the kept keys to be the tool's."""


def build_recon_keys(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Build recon_quarter_keys and stamp it (after opp_facts is stamped)."""
    settings = load_settings(con)
    con.execute(BUILD_SQL, {"fy_start": settings.calendar.start_month,
                            "corp": settings.corporate_currency})
    stamp(con, TABLE, version, "ledger_entries", LAST_POSTING)


def recon_keys_state(con: duckdb.DuckDBPyConnection, version: str) -> tuple[bool, date | None]:
    """(whether recon_quarter_keys is current: built with the current opp_facts, by this
    definition, from the ledger as counted now; the ledger's latest posting date of a deal's
    entry then)."""
    last = stamped(con, TABLE, version, "ledger_entries")
    if last is None:
        return False, None
    return True, date.fromisoformat(last) if last else None
