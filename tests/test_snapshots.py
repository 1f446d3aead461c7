"""tools/metrics/core/snapshots.py rebuilds deals as of past moments in one history pass: its rows
must be exactly those of the warehouse macro opps_as_of(ts), the definition (METRICS §1.7)."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import duckdb
import pytest

from tools.metrics.core import snapshots
from tools.metrics.movement.common import visits_cte
from tools.warehouse import connect, refresh_facts

END = date(2026, 3, 31)
MOMENTS = [datetime(2025, 1, 15, 12), datetime(2025, 9, 30, 23, 59, 59),
           datetime(2026, 2, 1), datetime(2026, 3, 31, 23, 59, 59, 999999)]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    from tools.demo import generate_demo

    c = connect(":memory:")
    generate_demo(c, opportunities=1500, end_date=END)
    return c


def _diff(con: duckdb.DuckDBPyConnection, ours: str, ts: datetime) -> tuple[int, int]:
    """Rows in ours and not in the macro's, and the other way round (as multisets)."""
    macro = "(select * from opps_as_of($ts))"
    one = con.execute(f"select count(*) from (select * from {ours} except all "
                      f"select * from {macro})", {"ts": ts}).fetchone()
    two = con.execute(f"select count(*) from (select * from {macro} except all "
                      f"select * from {ours})", {"ts": ts}).fetchone()
    assert one is not None and two is not None
    return one[0], two[0]


@pytest.mark.parametrize("facts", [True, False])
def test_one_moment_equals_the_macro(con: duckdb.DuckDBPyConnection, facts: bool) -> None:
    ctx = SimpleNamespace(facts=facts)
    for ts in MOMENTS:
        n = con.execute("select count(*) from opps_as_of($ts)", {"ts": ts}).fetchone()
        assert n is not None and n[0] > 0
        assert _diff(con, snapshots.one(ctx, "$ts"), ts) == (0, 0), ts  # type: ignore[arg-type]


def test_many_moments_in_one_pass_equal_the_macro(con: duckdb.DuckDBPyConnection) -> None:
    """Edge cases the macro settles by its order: two history rows at the same instant (the
    higher history_id wins), a row with empty fields (the current value shows through), a deal
    with no history (its current state), a foreign-currency deal (converted at the rate of its
    close date then)."""
    c = con.cursor()
    c.execute("begin")
    try:
        deal, other = [r[0] for r in c.execute(
            "select opportunity_id from opportunities where created_at < $t and opportunity_id "
            "in (select opportunity_id from opportunity_history) order by 1 limit 2",
            {"t": MOMENTS[0]}).fetchall()]
        c.execute("insert into opportunity_history (history_id, opportunity_id, changed_at, "
                  "stage_name, amount, close_date) values "
                  "('zz-tie-1', $d, $t, 'Negotiation', 111, date '2025-10-15'), "
                  "('zz-tie-2', $d, $t, 'Closed Lost', 222, date '2025-11-15'), "
                  "('zz-empty', $o, $t, null, null, null)",
                  {"d": deal, "o": other, "t": MOMENTS[1]})
        c.execute("delete from opportunity_history where opportunity_id = "
                  "(select max(opportunity_id) from opportunities)")
        c.execute("update opportunities set currency_code = (select min(currency_code) from "
                  "fx_rates) where opportunity_id = $o", {"o": other})
        _check_moments(c, SimpleNamespace(facts=False), deal)
        refresh_facts(c)  # the same, from the history spans materialized with opp_facts
        memo: dict[object, object] = {}
        _check_moments(c, SimpleNamespace(facts=True, con=c, memo=memo), deal)
        assert memo == {"opp_history_spans": True, "opp_stage_visits": True}  # read them
    finally:
        c.execute("rollback")


def _check_moments(c: duckdb.DuckDBPyConnection, ctx: SimpleNamespace, deal: str) -> None:
    """Every moment of a many-moment snapshot (live) or of the history spans (materialized:
    every column, and the state columns alone) equals the macro at that moment."""
    stamps = [f"$t{k}" for k in range(len(MOMENTS))]
    state = ", ".join(snapshots.STATE_COLUMNS)
    for k, ts in enumerate(MOMENTS):
        params = {f"t{i}": m for i, m in enumerate(MOMENTS)}
        macro = "(select * from opps_as_of($ts))"
        if ctx.facts:
            assert snapshots.spans(ctx)
            pairs = [(snapshots.one(ctx, stamps[k]), macro),
                     (snapshots.one(ctx, stamps[k], snapshots.STATE_COLUMNS),
                      f"(select {state} from opps_as_of($ts))")]
            assert "b.*" not in pairs[1][0] and "opp_history_spans" in pairs[1][0]
        else:
            pairs = [(f"(with {snapshots.states(stamps)},\n"
                      f"{snapshots.base(ctx, len(stamps))}\n"  # type: ignore[arg-type]
                      f"select * from {snapshots.at(k, stamps[k], len(stamps))})", macro)]
        for ours, theirs in pairs:
            used = {n: v for n, v in {**params, "ts": ts}.items() if f"${n}" in ours + theirs}
            for a, b in ((ours, theirs), (theirs, ours)):
                row = c.execute(f"select count(*) from (select * from {a} except all "
                                f"select * from {b})", used).fetchone()
                assert row == (0,), (ts, a[:20])
    tie = c.execute("select stage, amount from opps_as_of($ts) where opportunity_id = $d",
                    {"ts": MOMENTS[1], "d": deal}).fetchone()
    assert tie is not None and tie[0] == "Closed Lost"  # the macro's pick, matched above
    if ctx.facts:
        _same_visits(c, ctx, MOMENTS)
        _same_counters(c, MOMENTS)


def _same_visits(c: duckdb.DuckDBPyConnection, ctx: SimpleNamespace, moments: list) -> None:
    """Stage visits as of each moment from opp_stage_visits equal the live walk of the
    history (common.visits_cte), for every deal and for a subset."""
    only = "select opportunity_id from opportunities where opportunity_id like '%1'"
    for restrict in (None, only):
        live = f"(with {visits_cte('$ts', restrict)}\nselect * from visits)"
        kept = f"(with {visits_cte('$ts', restrict, ctx)}\nselect * from visits)"
        assert "opp_stage_visits" in kept and "opp_stage_visits" not in live
        for ts in moments:
            n = c.execute(f"select count(*) from {live}", {"ts": ts}).fetchone()
            assert n is not None
            for a, b in ((live, kept), (kept, live)):
                row = c.execute(f"select count(*) from (select * from {a} except all "
                                f"select * from {b})", {"ts": ts}).fetchone()
                assert row == (0,), (ts, restrict, n)


def _same_counters(c: duckdb.DuckDBPyConnection, moments: list) -> None:
    """The running counters the materialized tables carry equal their live computation as of
    each moment: close-date pushes and the highest amount (the history row holding ts), and
    whether the deal moved back to a lower open stage (its last visit entered by ts)."""
    pushes = """select opportunity_id, count(*) filter (where close_date > prev_close),
           max(amount)
    from (select opportunity_id, amount, close_date,
                 coalesce(prev_close_date, lag(close_date) over (
                   partition by opportunity_id order by changed_at, history_id)) as prev_close
          from opportunity_history where changed_at <= $ts)
    group by 1"""
    kept = f"""select opportunity_id, pushes, max_amount from opp_history_spans
    where {snapshots.holds('$ts')} and not history_missing"""
    none = f"""select count(*) from opp_history_spans
    where {snapshots.holds('$ts')} and history_missing
      and (pushes <> 0 or max_amount is not null)"""
    regressed = f"""with {visits_cte('$ts')}
    select opportunity_id, bool_or(not visit_closed and not prev_closed
                                   and visit_order < prev_order)
    from (select * exclude (prev_order, prev_closed), lag(visit_order) over w as prev_order,
                 lag(visit_closed) over w as prev_closed
          from visits window w as (partition by opportunity_id order by seq))
    group by 1"""
    last = """select opportunity_id, regressed from opp_stage_visits
    where entered_at <= $ts and (exited_at is null or exited_at > $ts)"""
    compared = 0
    for ts in moments:
        n = c.execute(f"select count(*) filter (where pushes > 0), count(*) from ({kept}) "
                      f"join ({last}) using (opportunity_id)", {"ts": ts}).fetchone()
        assert n is not None
        compared += n[0]
        for a, b in ((pushes, kept), (kept, pushes), (regressed, last), (last, regressed)):
            row = c.execute(f"select count(*) from (({a}) except all ({b}))",
                            {"ts": ts}).fetchone()
            assert row == (0,), (ts, a[:30], n)
        assert c.execute(none, {"ts": ts}).fetchone() == (0,)
    assert compared > 0  # deals with pushes were compared


def test_stage_visits_from_the_materialized_table_equal_the_live_walk(
        con: duckdb.DuckDBPyConnection) -> None:
    ctx = SimpleNamespace(facts=True, con=con, memo={})
    _same_visits(con, ctx, [*MOMENTS, datetime(2023, 1, 1), datetime(2027, 1, 1)])
    _same_counters(con, [*MOMENTS, datetime(2023, 1, 1), datetime(2027, 1, 1)])


def test_one_moment_from_the_history_spans_equals_the_macro(con: duckdb.DuckDBPyConnection):
    """opp_history_spans (materialized with opp_facts) gives the macro's rows at any moment."""
    ctx = SimpleNamespace(facts=True, con=con, memo={})
    assert "opp_history_spans" in snapshots.one(ctx, "$ts")  # type: ignore[arg-type]
    for ts in [*MOMENTS, datetime(2023, 1, 1), datetime(2027, 1, 1)]:
        assert _diff(con, snapshots.one(ctx, "$ts"), ts) == (0, 0), ts  # type: ignore[arg-type]
    rows = con.execute("select count(*), count(distinct opportunity_id), "
                       "count(*) filter (where history_missing) from opp_history_spans"
                       ).fetchone()
    deals = con.execute("select count(*) from opp_facts").fetchone()
    history = con.execute("select count(*) from opportunity_history where changed_at is not null "
                          "and opportunity_id in (select opportunity_id from opp_facts)"
                          ).fetchone()
    assert rows is not None and deals is not None and history is not None
    assert rows == (deals[0] + history[0], deals[0], deals[0])  # a first span per deal


def test_a_derived_table_built_by_other_code_is_not_read(con: duckdb.DuckDBPyConnection) -> None:
    """A derived table's stamp names its definition: one built by other code (other columns,
    e.g. an older release) reads as not current, so the live computation answers."""
    from tools.warehouse.facts import derived_current

    c = con.cursor()
    c.execute("begin")
    try:
        assert derived_current(c, "opp_history_spans") and derived_current(c, "opp_stage_visits")
        c.execute("update schema_objects set checksum = (select checksum from schema_objects "
                  "where name = 'opp_facts') where name = 'opp_history_spans'")  # old stamp
        assert not derived_current(c, "opp_history_spans")
        assert derived_current(c, "opp_stage_visits")
        ctx = SimpleNamespace(facts=True, con=c, memo={})
        assert "opp_history_spans" not in snapshots.one(ctx, "$ts")  # type: ignore[arg-type]
    finally:
        c.execute("rollback")
