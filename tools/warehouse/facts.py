"""opp_facts: every opportunity's current state with all labels resolved, materialized
(with entity_values, the names questions can use, and the history for past states:
opp_history_spans, each deal's state per validity span, opp_stage_visits, the stage
benchmark opp_won_stage_days and the open deals' last span and visit opp_open_now; and, from
sources this fingerprint does not cover, the tables kept per fiscal quarter for the
dashboard's cold page: tools.warehouse.recon, tools.warehouse.usage).

The live view v_opps joins ten tables; at 10M opportunities that costs ~0.7 s a question,
the flat table answers the same in ~40 ms. Writers (demo, import, schema upgrades) rebuild it
in their transaction; readers use it only while its fingerprint still matches the data and
otherwise read the live view, so a stale table is never used for an answer.
"""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb

from tools.warehouse.migrations import VIEWS_CHECKSUM
from tools.warehouse.recon import BUILD_SQL as RECON_KEYS_BUILD
from tools.warehouse.recon import build_recon_keys, recon_keys_state
from tools.warehouse.usage import BUILD_SQL as USAGE_DAYS_BUILD
from tools.warehouse.usage import build_usage_days, usage_days_current

SMALL_TABLES = ("company_settings", "opportunity_stages", "fx_rates", "users", "teams",
                "territories", "territory_user_assignments", "products")
"""Dimension tables hashed in full: a changed label or rate invalidates the facts."""
LARGE_TABLES = ("opportunities", "accounts")
"""Tables only counted (hashing millions of rows would cost what the facts save)."""
_PARTS = ([f"select count(*) from {t}" for t in LARGE_TABLES]
          + [f"select coalesce(sum(hash(x)), 0) from {t} x" for t in SMALL_TABLES])
# One row per table, stacked: ten scalar subqueries in one SELECT made DuckDB plan a cross
# product of ten relations, 30-60 ms of every read-only open (a cold `revops ask`); this is ~3 ms.
_FINGERPRINT = " union all ".join(f"select {i} as i, ({part}) as v"
                                  for i, part in enumerate(_PARTS)) + " order by i"


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Return a cheap signature of the data the facts are built from."""
    values = [v for _, v in con.execute(_FINGERPRINT).fetchall()]
    return VIEWS_CHECKSUM[:16] + ":" + ":".join(str(v) for v in values)


def facts_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Return True when opp_facts reflects the data as it is now."""
    row = con.execute("select checksum from schema_objects where name = 'opp_facts'").fetchall()
    return bool(row) and row[0][0] == fingerprint(con)


def refresh_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild opp_facts from the live view and record its fingerprint (caller's transaction).

    Row order is irrelevant to a fact table's answers, so the build runs with insertion order
    relaxed (about 20% faster on two cores; the caller's setting is restored), except the one
    it is stored in: by status, then close date, so a statement reading the won, the open or
    the closed deals of a period reads their row groups only, the others skipped by zone maps
    (nearly every metric does: a fifth of a cold 1M-deal dashboard page's work).
    """
    ordered = con.execute("select current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("set preserve_insertion_order = false")
    try:
        con.execute(FACTS_SQL)
        con.execute("create or replace table entity_values as select * from v_entity_values")
        for built in DERIVED_HISTORY.values():
            con.execute(built)
    finally:
        con.execute("set preserve_insertion_order = $ordered", {"ordered": bool(ordered)})
    con.execute("insert or replace into schema_objects values ('opp_facts', $c, "
                "now()::timestamp)", {"c": fingerprint(con)})
    for name, built in DERIVED_HISTORY.items():  # built with this opp_facts, by this SQL
        con.execute("insert or replace into schema_objects select $n, checksum || $v, "
                    "applied_at from schema_objects where name = 'opp_facts'",
                    {"n": name, "v": _version(built)})
    refresh_kept(con)


def refresh_kept(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the tables kept from sources the facts' fingerprint does not see (the
    reconciliation's keys, tools.warehouse.recon; adoption's usage, tools.warehouse.usage):
    part of refresh_facts, and on their own when only those sources changed."""
    build_recon_keys(con, _version(RECON_KEYS_BUILD))
    build_usage_days(con, _version(USAGE_DAYS_BUILD))


def kept_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every table refresh_kept builds is current."""
    return recon_keys(con)[0] and usage_days(con)


def usage_days(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether usage_quarter_days is current (tools.warehouse.usage)."""
    return usage_days_current(con, _version(USAGE_DAYS_BUILD))


def recon_keys(con: duckdb.DuckDBPyConnection) -> tuple[bool, date | None]:
    """(whether recon_quarter_keys is current, the ledger's last posting date of a deal's
    entry): tools.warehouse.recon.recon_keys_state for this definition."""
    return recon_keys_state(con, _version(RECON_KEYS_BUILD))


FACTS_SQL = "create or replace table opp_facts as select * from v_opps order by status, close_date"
"""The current deals, stored by status and close date (refresh_facts)."""


def _version(sql: str) -> str:
    """What a derived table's stamp adds to opp_facts': its definition, so a table built by
    other code (with other columns) is never read as current."""
    return ":" + hashlib.sha256(sql.encode()).hexdigest()[:12]


SPANS_SQL = """create or replace table opp_history_spans as
with rows as (
  select opportunity_id, changed_at, history_id, stage_name, amount, close_date, probability,
         forecast_category,
         close_date > coalesce(prev_close_date, lag(close_date) over (
           partition by opportunity_id order by changed_at, history_id)) as pushed
  from opportunity_history
  where opportunity_id is not null and changed_at is not null
), spans as (
  select opportunity_id, changed_at as valid_from,
         coalesce(lead(changed_at) over w, 'infinity'::timestamp) as valid_to,
         stage_name, amount, close_date, probability, forecast_category, false as none,
         count(*) filter (where pushed) over w as pushes, max(amount) over w as max_amount
  from rows
  window w as (partition by opportunity_id order by changed_at, history_id nulls first
               rows between unbounded preceding and current row)
  union all
  select b.opportunity_id, '-infinity'::timestamp, coalesce(f.first_change, 'infinity'),
         null, null, null, null, null, true, 0, null
  from opp_facts b
  left join (select opportunity_id, min(changed_at) as first_change from opportunity_history
             where opportunity_id is not null and changed_at is not null group by 1) f
    using (opportunity_id)
)
select h.opportunity_id, h.valid_from, h.valid_to, b.created_at, b.created_date,
       coalesce(h.stage_name, b.stage) as stage, s.sort_order as stage_order,
       s.default_probability as stage_probability,
       case when h.none then b.status when coalesce(s.is_won, false) then 'won'
            when coalesce(s.is_closed, false) then 'lost' else 'open' end as status,
       coalesce(h.amount, b.amount) as amount,
       case when h.none then b.amount_corp
            else cast(coalesce(h.amount, b.amount) / case
              when b.currency_code is null or b.currency_code = coalesce((select value
                from company_settings where key = 'corporate_currency'), 'USD')
              then 1 else fx.units_per_corporate end as decimal(18,4))
       end as amount_corp,
       coalesce(h.probability, b.probability) as probability,
       coalesce(h.forecast_category, b.forecast_category) as forecast_category,
       coalesce(h.close_date, b.close_date) as close_date, h.none as history_missing,
       (coalesce(h.stage_name, b.stage) is not null and s.stage_name is null)
         as stage_unresolved,
       h.pushes, h.max_amount
from spans h
join opp_facts b using (opportunity_id)
left join opportunity_stages s on s.pipeline_id = b.pipeline_id
      and s.stage_name = coalesce(h.stage_name, b.stage)
left join fx_rates fx on not h.none and fx.currency_code = b.currency_code
      and coalesce(h.close_date, b.close_date) >= fx.start_date
      and (fx.next_start_date is null or coalesce(h.close_date, b.close_date) < fx.next_start_date)
order by status, valid_to"""
"""Each deal's states over time, one row per span in which they held: a first span from
-infinity to its first history row (the current state shows through, as in opps_as_of before
any history), then each history row until the next one replaced it (else +infinity). A row
carries the deal as opps_as_of(ts) gives it for any ts in its span (valid_from <= ts < valid_to:
the latest history row at or before ts, by changed_at, then history_id, nulls first) in the
columns that change with the history (snapshots.STATE_COLUMNS, besides created_at/_date), so
a past state is a range filter instead of a ranking of all history
(tools.metrics.core.snapshots); and the running risk counters up to that row: close-date pushes
(a later close date than the previous row's, or than its prev_close_date) and the highest
amount (tools.metrics.movement.risk). Sorted by status, then valid_to: a moment's rows
(valid_to > ts) are the tail of each status's rows, the rest skipped by zone maps, and a reader
of the deals won (or open) at a moment reads that status's tail only (the projection's won
deals at each quarter's end: a few row groups)."""


def stage_visits(where: str) -> tuple[str, str]:
    """The one definition of a stage visit: (CTE `stage_rows` over the history rows passing
    `where`, the SELECT of the visits over it). Consecutive history rows with the same stage
    are one visit; `seq` orders a deal's visits, `exited_at` is the next visit's entry (NULL:
    still there), `prev_order` / `prev_closed` describe the visit before. Materialized whole in
    opp_stage_visits, built live as of a moment by tools.metrics.movement.common.visits_cte."""
    return f"""stage_rows as (
  select opportunity_id, stage_name, changed_at, history_id,
         lag(stage_name) over (partition by opportunity_id
                               order by changed_at, history_id) as prev_stage
  from opportunity_history
  where {where}
)""", """select r.opportunity_id, r.stage_name as visit_stage, r.changed_at as entered_at,
       lead(r.changed_at) over w as exited_at, row_number() over w as seq,
       s.sort_order as visit_order, coalesce(s.is_closed, false) as visit_closed,
       coalesce(s.is_won, false) as visit_won, lag(s.sort_order) over w as prev_order,
       lag(coalesce(s.is_closed, false)) over w as prev_closed
from stage_rows r
join opportunities o on o.opportunity_id = r.opportunity_id
left join opportunity_stages s on s.pipeline_id = o.pipeline_id and s.stage_name = r.stage_name
where r.prev_stage is distinct from r.stage_name
window w as (partition by r.opportunity_id order by r.changed_at, r.history_id)"""


_ROWS, _VISITS = stage_visits("changed_at is not null and stage_name is not null")
VISITS_SQL = f"""create or replace table opp_stage_visits as
with {_ROWS}, visits as (
{_VISITS}
)
select *, bool_or(not visit_closed and not prev_closed and visit_order < prev_order) over (
         partition by opportunity_id order by seq rows unbounded preceding) as regressed
from visits
order by exited_at nulls last"""
"""Every stage visit over the whole history (tools.metrics.movement.common.visits_cte, with
no cut-off). The visits as of a moment ts are a prefix of these: the ones entered by ts, with
an exit after ts not yet happened; so any as-of date reads them with a filter. Each visit also
says whether the deal had moved back to a lower open stage by then (`regressed`, from each
visit's previous one), so the last visit entered by ts says it for the whole prefix
(tools.metrics.movement.risk). Sorted by exit, the visits not ended by a moment (the ones a
deal is in then) are the table's tail, the rest skipped by zone maps."""

STAGE_DAYS = "(epoch(v.exited_at) - epoch(v.entered_at)) / 86400.0"
"""A completed visit's length in days (METRICS §1.4)."""
WON_DAYS_SQL = f"""create or replace table opp_won_stage_days as
select v.visit_stage as current_stage, quantile_cont({STAGE_DAYS}, 0.75) as won_p75_days
from opp_stage_visits v join opp_facts w on w.opportunity_id = v.opportunity_id
 and w.status = 'won'
where v.exited_at is not null and not v.visit_closed
group by 1"""
"""Deal risk's stage benchmark over the whole history: the p75 length of the completed visits
of each stage among the deals won now. It is the benchmark as of any moment every visit had
ended by (the latest exit), with the current deals: the dashboard's as-of date
(tools.metrics.movement.risk)."""

OPEN_NOW_SQL = """create or replace table opp_open_now as
select o.opportunity_id, s.valid_from, s.pushes, s.max_amount, v.entered_at, v.visit_stage,
       v.visit_closed, v.regressed
from opp_facts o
join opp_history_spans s on s.opportunity_id = o.opportunity_id
 and s.valid_to = 'infinity'::timestamp
left join opp_stage_visits v on v.opportunity_id = o.opportunity_id and v.exited_at is null
where o.status = 'open'
order by o.opportunity_id"""
"""Each deal open now with its last span (the one never ended: its risk counters) and its
last stage visit (the one never exited; none without stage history): what deal risk reads
of the history at any moment after the open deals' last change (tools.metrics.movement.risk),
a table of the open deals instead of every deal's current span and visit."""

DERIVED_HISTORY = {"opp_history_spans": SPANS_SQL, "opp_stage_visits": VISITS_SQL,
                   "opp_won_stage_days": WON_DAYS_SQL, "opp_open_now": OPEN_NOW_SQL}
"""Tables derived from opportunity_history with opp_facts, in build order (stamped with its
build and their definition)."""


def derived_current(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Return True when the history table `name` (DERIVED_HISTORY) was built with the current
    opp_facts by its current definition (ask only when facts_current: then it reflects the data
    as it is now)."""
    row = con.execute("select count(*) from schema_objects a join schema_objects b "
                      "on a.name = 'opp_facts' and b.name = $n "
                      "and a.checksum || $v = b.checksum and a.applied_at = b.applied_at",
                      {"n": name, "v": _version(DERIVED_HISTORY[name])}).fetchall()
    return bool(row[0][0])
