"""Deal risk: explainable rule flags on each open deal, as of the as-of date.

Each rule is a plain condition on the deal and its history; a flagged deal lists its reasons in
words and scores one point per reason, so the ranking can be read and argued with. Thresholds
are options (defaults in OPTIONS); the stage benchmark is the p75 of completed visits of that
stage among deals that were won (so "too long" means longer than most winners took).
"""

from __future__ import annotations

from datetime import timedelta

from tools.base import Dimension, MetricParams, MetricResult, ToolContext
from tools.metrics.core import snapshots
from tools.metrics.core.options import Option
from tools.metrics.core.snapshots import materialized
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.movement.common import (
    check_dims,
    days_between,
    dim_columns,
    end_of,
    finish,
    grouped,
    no_trend,
    snapshot,
    visits_cte,
)
from tools.metrics.movement.stale import STALE_DIMS, touch_sql
from tools.query import Query, Select

DEFINITION = (
    "Open deals as of the as-of date (closing in the period when one is given), one point per "
    "reason: no activity for more than inactive_days (default the stale_days setting, 30); "
    "close date pushed at least max_pushes times (default 2); moved back to a lower open stage; "
    "amount more than amount_cut_pct (default 10%) below its highest positive value; close date "
    "passed; in the current stage longer than the p75 of completed visits of that stage among "
    "won deals. At risk = score >= min_score (default 1).")
SPEC = ToolSpec(
    name="deal_risk", definition=DEFINITION,
    measures={"count": Headline("at_risk_deals", "count"),
              "amount": Headline("at_risk_amount", "currency"),
              "share": Headline("at_risk_share", "ratio")},
    options={"inactive_days": Option(int, None, 1, 3650), "max_pushes": Option(int, 2, 1, 100),
             "amount_cut_pct": Option(float, 0.1, 0.0, 1.0), "min_score": Option(int, 1, 1, 6)})
BY_SCORE = Headline("score", "count")
"""By deal the rows are the deals at risk, ranked by their number of reasons."""

HISTORY = """pushes as (
  select opportunity_id, count(*) filter (where close_date > prev_close) as pushes,
         max(amount) as max_amount
  from (select opportunity_id, amount, close_date,
               coalesce(prev_close_date, lag(close_date) over (
                 partition by opportunity_id order by changed_at, history_id)) as prev_close
        from opportunity_history where changed_at <= {ts}
          and opportunity_id in (select opportunity_id from scored_ids where status = 'open'))
  group by 1
), steps as (
  select opportunity_id,
         bool_or(not visit_closed and not prev_closed and visit_order < prev_order) as regressed,
         arg_max(case when exited_at is null and not visit_closed then {age} end, seq) as age,
         arg_max(visit_stage, seq) as current_stage
  from visits
  group by 1
), benchmark as (
  select v.visit_stage as current_stage, quantile_cont({done}, 0.75) as won_p75_days
  from visits v join {src} w on w.opportunity_id = v.opportunity_id and w.status = 'won'
  where v.exited_at is not null and not v.visit_closed
  group by 1
)"""

KEPT = """pushes as (
  select opportunity_id, pushes, max_amount from opp_history_spans
  where {holds} and opportunity_id in (select opportunity_id from scored_ids
                                       where status = 'open')
), steps as (
  select opportunity_id, regressed,
         case when not visit_closed then {age} end as age, visit_stage as current_stage
  from opp_stage_visits
  where entered_at <= {ts} and coalesce(exited_at, 'infinity'::timestamp) > {ts}
    and opportunity_id in (select opportunity_id from scored_ids where status = 'open')
), benchmark as (
{benchmark}
)"""
"""HISTORY from the tables materialized with opp_facts: a deal's counters up to ts are those
of its history row holding ts (opp_history_spans), its regression and current stage those of
its last visit entered by ts (opp_stage_visits; only the open deals' are read: only they are
scored; the exit compared as one expression, so the zone maps of the table sorted by exit skip
the visits ended by ts); equal rows (tests/test_history_tables.py)."""
BENCHMARK = """  select v.visit_stage as current_stage, quantile_cont({done}, 0.75) as won_p75_days
  from opp_stage_visits v join {src} w on w.opportunity_id = v.opportunity_id and w.status = 'won'
  where v.exited_at <= {ts} and not v.visit_closed
  group by 1"""
KEPT_BENCHMARK = "  select current_stage, won_p75_days from opp_won_stage_days"
"""The benchmark as kept at load: used with the current deals once every visit had ended."""
OPEN_NOW = """pushes as (
  select opportunity_id, pushes, max_amount from opp_open_now
), steps as (
  select opportunity_id, regressed,
         case when not visit_closed then {age} end as age, visit_stage as current_stage
  from opp_open_now
  where entered_at is not null
), benchmark as (
{benchmark}
)"""
"""KEPT from the open deals' last span and visit (opp_open_now): the ones holding ts when no
open deal changed after ts (`_settled`)."""

FLAGS = """flags as (
  select d.*, coalesce(p.pushes, 0) as pushes, b.won_p75_days, t.age as stage_days,
         date_diff('day', d.last_touch, {day}) as days_since_touch,
         d.last_touch < {inactive_cutoff} as inactive,
         coalesce(p.pushes, 0) >= {max_pushes} as pushed,
         coalesce(t.regressed, false) as regressed,
         coalesce(p.max_amount > 0 and d.amount < p.max_amount * (1 - {cut}), false) as amount_cut,
         coalesce(d.close_date < {day}, false) as past_close,
         coalesce(t.age > b.won_p75_days, false) as long_in_stage,
         100 * (1 - d.amount / nullif(p.max_amount, 0)) as cut_pct
  from {deals} d
  left join pushes p using (opportunity_id)
  left join steps t using (opportunity_id)
  left join benchmark b on b.current_stage = t.current_stage
), scored as (
  select *, inactive::int + pushed::int + regressed::int + amount_cut::int + past_close::int
            + long_in_stage::int as score,
         concat_ws('; ',
           case when inactive then 'no activity for ' || days_since_touch || ' days' end,
           case when pushed then 'close date pushed ' || pushes || ' times' end,
           case when regressed then 'moved back a stage' end,
           case when amount_cut then 'amount cut ' || round(cut_pct)::int || '%' end,
           case when past_close then 'close date passed ' || date_diff('day', close_date, {day})
                || ' days ago' end,
           case when long_in_stage then round(stage_days)::int || ' days in ' || stage
                || ' (won deals p75: ' || round(won_p75_days)::int || ')' end) as reasons
  from flags
)"""

REASONS = ("inactive", "pushed", "regressed", "amount_cut", "past_close", "long_in_stage")


def deal_risk(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Flag open deals by explainable rules; rank them by the number of reasons.

    Hand-written: rule flags per open deal with their reasons, not an aggregate.
    """
    check_dims(params, STALE_DIMS, "Deal risk")
    no_trend(params, "Deal risk")
    opts = SPEC.read_options(params)
    headline = SPEC.headline(params)
    q = Query()
    ts, day = q.bind("as_of_ts", end_of(ctx.as_of)), q.bind("as_of", ctx.as_of)
    src = snapshot(ctx, q, ctx.as_of, "deals_ts")
    cols = ["opportunity_id", "opportunity", "rep", "status", "stage", "stage_order", "amount",
            "amount_corp", "close_date",
            *[c for c in dim_columns(params) if c not in ("opportunity", "rep", "stage")]]
    conds = ["status = 'open'"]
    period = params.period.as_period() if params.period else None
    if period is not None:
        conds.append(q.between("close_date", period))
    deals = f"(select * from {touch_sql(ctx, q, src, cols)} where {' and '.join(conds)})"
    inactive = opts["inactive_days"] or ctx.settings.stale_days
    # only open deals are scored and only won ones set the benchmark: the history of the
    # others (most of it) is never read
    scored = (f"scored_ids as materialized (\n  select opportunity_id, status from {src}\n"
              "  where status in ('open', 'won')\n)")
    age, done = days_between("entered_at", ts), days_between("v.entered_at", "v.exited_at")
    if snapshots.spans(ctx) and materialized(ctx, "opp_stage_visits"):
        benchmark = KEPT_BENCHMARK if _ended(ctx, src) else BENCHMARK.format(
            done=done, src=src, ts=ts)
        if _settled(ctx, src):
            history = [OPEN_NOW.format(age=age, benchmark=benchmark)]
        else:
            history = [scored, KEPT.format(ts=ts, holds=snapshots.holds(ts), age=age,
                                           benchmark=benchmark)]
    else:
        history = [scored, visits_cte(ts, "select opportunity_id from scored_ids", ctx),
                   HISTORY.format(ts=ts, src=src, age=age, done=done)]
    ctes = [*history,
            FLAGS.format(day=day, deals=deals, max_pushes=q.bind("max_pushes", opts["max_pushes"]),
                         inactive_cutoff=q.bind("cutoff", ctx.as_of - timedelta(days=inactive)),
                         cut=q.bind("cut", opts["amount_cut_pct"]))]
    at_risk = f"score >= {q.bind('min_score', opts['min_score'])}"
    if Dimension.opportunity in params.group_by:
        body, headline, count = _deal_list(q, params, at_risk), BY_SCORE, None
    else:
        body = grouped(q, params, "scored", [
            f"count(*) filter (where {at_risk}) as at_risk_deals",
            f"count(*) filter (where {at_risk}) / nullif(count(*), 0) as at_risk_share",
            f"sum(amount_corp) filter (where {at_risk}) as at_risk_amount",
            "count(*) as open_deals", "sum(amount_corp) as open_amount",
            *[f"count(*) filter (where {r}) as {r}_deals" for r in REASONS]], headline.column)
        count = "open_deals"
    definition = (f"{DEFINITION} Thresholds used: inactive_days={inactive}, "
                  f"max_pushes={opts['max_pushes']}, amount_cut_pct={opts['amount_cut_pct']}, "
                  f"min_score={opts['min_score']}.")
    return finish(ctx, q, "with " + ",\n".join(ctes) + "\n" + body, SPEC, headline,
                  definition=definition, period=period, count=count, params=params)


def _ended(ctx: ToolContext, src: str) -> bool:
    """Whether the kept stage benchmark is the one as of the as-of date: scored on the current
    deals, with every stage visit ended by then (the latest exit is not after it), and kept
    with this opp_facts (asked once per connection)."""
    if src != "opp_facts" or not materialized(ctx, "opp_won_stage_days"):
        return False
    if "last_visit_exit" not in ctx.memo:
        row = ctx.con.execute("select max(exited_at) from opp_stage_visits").fetchone()
        ctx.memo["last_visit_exit"] = row[0] if row else None
    last = ctx.memo["last_visit_exit"]
    return last is None or last <= end_of(ctx.as_of)


def _settled(ctx: ToolContext, src: str) -> bool:
    """Whether opp_open_now holds the open deals' history as of the as-of date: scored on the
    current deals, kept with this opp_facts, and no open deal's last span or visit began after
    it (asked once per connection)."""
    if src != "opp_facts" or not materialized(ctx, "opp_open_now"):
        return False
    if "open_now_last_change" not in ctx.memo:
        row = ctx.con.execute("select max(greatest(valid_from, coalesce(entered_at, valid_from)))"
                              " from opp_open_now").fetchone()
        ctx.memo["open_now_last_change"] = row[0] if row else None
    last = ctx.memo["open_now_last_change"]
    return last is None or last <= end_of(ctx.as_of)


def _deal_list(q: Query, params: MetricParams, at_risk: str) -> str:
    others = [d.value for d in params.group_by
              if d not in (Dimension.opportunity, Dimension.rep)]
    cols = ["opportunity", "opportunity_id", "rep", *others, "score", "reasons",
            "amount_corp as amount", "stage", "cast(close_date as varchar) as close_date"]
    direction = "asc" if params.order == "asc" else "desc"
    stmt = Select(cols, "scored", [at_risk, *q.filters(params.filters)],
                  order_by=[f"score {direction}", "amount_corp desc nulls last", "opportunity_id"],
                  column_separator=", ")
    if params.top:
        stmt.limit = q.bind("top", params.top)
    return stmt.sql()
