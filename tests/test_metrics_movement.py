"""Movement tools: golden vectors (dataset E, METRICS examples), hand fixtures, demo effects,
reported SQL, and questions end to end, each checked against an independent computation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.helpers import context, fixture_db
from tests.parser_cases_movement import CASES as MOVEMENT_CASES
from tools.base import Dimension, Filter, MetricParams, PeriodParam, ToolInputError
from tools.metrics.movement.bottleneck import RANKING
from tools.query import plain
from tools.registry import run_tool

Q1_E = PeriodParam(start=date(2024, 2, 1), end=date(2024, 4, 30), label="FY2025 Q1")
Q2_25 = PeriodParam(start=date(2025, 4, 1), end=date(2025, 6, 30), label="2025 Q2")
END = date(2026, 11, 26)
TYPES_IN = ("new", "pulled_in", "pushed_in", "reopened", "category_in")
TYPES_OUT = ("won", "lost", "slipped", "pulled_out", "category_out")


def run(con, tool: str, as_of: date, **params):
    return run_tool(context(con, as_of), tool, MetricParams(**params))


def row(r) -> dict:
    return dict(zip(r.columns, r.rows[0], strict=True))


def reconciles(r) -> None:
    """start + entries + increased - decreased - exits = end, for amounts and counts."""
    for x in r.rows:
        v = dict(zip(r.columns, x, strict=True))
        amount = (v["start_amount"] + sum(v[f"{t}_amount"] for t in TYPES_IN)
                  + v["increased_amount"] - v["decreased_amount"]
                  - sum(v[f"{t}_amount"] for t in TYPES_OUT))
        assert amount == pytest.approx(v["end_amount"], abs=0.01)
        deals = (v["start_deals"] + sum(v[f"{t}_deals"] for t in TYPES_IN)
                 - sum(v[f"{t}_deals"] for t in TYPES_OUT))
        assert deals == v["end_deals"]


# ---------------------------------------------------------------- golden vectors and examples
@pytest.fixture(scope="module")
def e() -> Iterator[duckdb.DuckDBPyConnection]:
    con = fixture_db("dataset_e")
    yield con
    con.close()


def test_m26_o4_cumulative_days(e):
    r = run(e, "time_in_stage", date(2024, 5, 1), period=Q1_E, group_by=[Dimension.stage],
            filters=[Filter(dimension=Dimension.opportunity, values=["O4"])])
    days = {x[0]: round(x[1], 4) for x in r.rows}
    assert days == {"Discovery": 14.125, "Proposal": 21.0, "Negotiation": 20.2083}
    visits = {x[0]: x[r.columns.index("visits")] for x in r.rows}
    assert visits == {"Discovery": 2, "Proposal": 2, "Negotiation": 1}


def test_m27_slip_rate_and_regressions(e):
    r = run(e, "slipping_deals", date(2024, 5, 1), period=Q1_E,
            options={"snapshot": "2024-04-15"})
    assert round(r.value, 4) == 0.6667 and round(row(r)["slip_rate_value"], 4) == 0.871
    assert r.n_records == 3
    deals = run(e, "slipping_deals", date(2024, 5, 1), period=Q1_E, group_by=[
        Dimension.opportunity], options={"snapshot": "2024-04-15"})
    assert sorted(x[1] for x in deals.rows) == ["O6", "O7"]
    regression = run(e, "slipping_deals", date(2024, 5, 1), period=Q1_E,
                     measure="regression_rate")
    assert regression.value == 0.25  # O4 went back to Discovery; O1-O4 changed stage


def test_m25_example_and_edge_cases():
    con = fixture_db("movement_conversion")
    r = run(con, "stage_conversion", date(2025, 7, 15), period=Q2_25, group_by=[Dimension.stage])
    by_stage = {x[0]: dict(zip(r.columns, x, strict=True)) for x in r.rows}
    discovery = by_stage["Discovery"]
    assert round(discovery["conversion_rate"], 4) == 0.6667  # 6 / (6 + 3)
    assert round(discovery["conversion_rate_incl_open"], 4) == 0.6  # 6 / 10
    assert (discovery["entered"], discovery["advanced"], discovery["dropped"],
            discovery["still_open"]) == (10, 6, 3, 1)
    assert round(discovery["stage_to_won_rate"], 4) == 0.3333  # D4, D6 won; D1, D7-D9 lost
    assert by_stage["Proposal"]["entered"] == 6  # D1-D5 and D11; D6 skipped it
    assert by_stage["Negotiation"]["advanced"] == 2  # both won: won counts as advancing
    con.close()


def test_m24_example_2000_per_day():
    con = fixture_db("movement_velocity")
    r = run(con, "pipeline_velocity", date(2024, 12, 31))
    v = row(r)
    assert r.value == 2000.0 and v["open_deals"] == 40 and v["win_rate"] == 0.25
    assert v["avg_deal_size"] == 10000.0 and v["avg_cycle_days"] == 50.0
    assert r.period["start"] == "2023-10-01" and r.period["end"] == "2024-09-30"
    con.close()


def test_m81_rule_on_the_example():
    con = duckdb.connect()
    con.execute("""create table inputs as select * from (values
        ('Discovery', 1, 0.30, 0.67, 12.0, 20.0, 10, 3, 30000.0, 9),
        ('Proposal', 2, 0.50, 0.55, 15.0, 25.0, 10, 5, 50000.0, 20),
        ('Negotiation', 3, 0.20, 0.80, 10.0, 18.0, 5, 1, 8000.0, 5))
        t(stage, stage_order, stuck_share, conversion, median_days, p75_days, open_deals,
          stuck_deals, stuck_amount, entered)""")
    rows = con.execute(RANKING).fetchall()
    assert [x[0] for x in rows] == ["Proposal", "Discovery", "Negotiation"]
    assert [round(float(x[1]), 4) for x in rows] == [0.225, 0.099, 0.04]


def test_pipeline_movement_by_hand():
    con = fixture_db("movement_flow")
    r = run(con, "pipeline_movement", date(2025, 7, 15), period=Q2_25)
    v = row(r)
    expected = {"start": (6, 12700), "new": (2, 11000), "pulled_in": (1, 7000),
                "pushed_in": (1, 800), "reopened": (1, 900), "category_in": (1, 1100),
                "increased": (1, 200), "decreased": (1, 200), "won": (2, 7800),
                "lost": (1, 3000), "slipped": (1, 4000), "pulled_out": (1, 1400),
                "category_out": (1, 1300), "end": (6, 16000), "pushed_out": (2, 5200),
                "moved_category": (2, 2500)}
    assert {t: (v[f"{t}_deals"], v[f"{t}_amount"]) for t in expected} == expected
    assert r.value == 3300.0 and r.n_records == 12  # M, N and O are not in it
    reconciles(r)
    by_region = run(con, "pipeline_movement", date(2025, 7, 15), period=Q2_25,
                    group_by=[Dimension.region])
    reconciles(by_region)
    assert sum(x[by_region.columns.index("end_amount")] for x in by_region.rows) == 16000
    deals = run(con, "pipeline_movement", date(2025, 7, 15), period=Q2_25, measure="won",
                group_by=[Dimension.opportunity])
    assert {x[0]: x[2] for x in deals.rows} == {"Deal F": 6000.0, "Deal B": 1800.0}
    con.close()


def test_bad_options_and_dimensions_ask_back(e):
    with pytest.raises(ToolInputError):
        run(e, "stale_deals", date(2024, 5, 1), options={"stale_days": "often"})
    with pytest.raises(ToolInputError):
        run(e, "stale_deals", date(2024, 5, 1), options={"nope": 1})
    with pytest.raises(ToolInputError):
        run(e, "pipeline_velocity", date(2024, 5, 1), group_by=[Dimension.tool])
    with pytest.raises(ToolInputError):
        run(e, "time_in_stage", date(2024, 5, 1), time_grain="month")


# ---------------------------------------------------------------- the demo company
@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    from tools.demo import generate_demo
    from tools.warehouse import open_analytics, writable

    path = Path(tmp_path_factory.mktemp("movement")) / "demo.duckdb"
    with writable(path) as con:
        generate_demo(con, opportunities=2000, end_date=END)
    con = open_analytics(path)
    yield con
    con.close()


def quarter(start: date, end: date) -> PeriodParam:
    return PeriodParam(start=start, end=end, label=f"{start}..{end}")


@pytest.mark.parametrize("period", [
    quarter(date(2026, 2, 1), date(2026, 4, 30)), quarter(date(2026, 8, 1), date(2026, 10, 31)),
    quarter(date(2026, 11, 1), date(2027, 1, 31)), quarter(date(2025, 6, 1), date(2025, 6, 30))])
def test_movement_reconciles_with_open_pipeline(demo, period):
    r = run(demo, "pipeline_movement", END, period=period)
    reconciles(r)
    v = row(r)
    start_day = period.start - timedelta(days=1)
    start = run(demo, "open_pipeline", start_day, period=period)
    end = run(demo, "open_pipeline", min(period.end, END), period=period)
    assert v["start_amount"] == pytest.approx(start.value or 0, abs=0.01)
    assert v["end_amount"] == pytest.approx(end.value or 0, abs=0.01)
    assert (v["start_deals"], v["end_deals"]) == (start.n_records, end.n_records)
    by_team = run(demo, "pipeline_movement", END, period=period, group_by=[Dimension.team])
    reconciles(by_team)


def test_e1_emea_negotiation_is_slow(demo):
    r = run(demo, "time_in_stage", END, group_by=[Dimension.region],
            filters=[Filter(dimension=Dimension.stage, values=["Negotiation"])])
    median = {x[0]: x[1] for x in r.rows}
    others = [v for k, v in median.items() if k != "EMEA"]
    assert median["EMEA"] > 1.5 * max(others)  # x2.5 durations; 2,000 deals are noisy


def test_velocity_inputs_match_their_tools(demo):
    r = run(demo, "pipeline_velocity", END)
    v, window = row(r), PeriodParam(**{**r.period})
    assert v["win_rate"] == run(demo, "win_rate", END, period=window).value
    assert v["avg_deal_size"] == run(demo, "avg_deal_size", END, period=window).value
    assert v["avg_cycle_days"] == run(demo, "sales_cycle", END, period=window).value
    assert v["open_deals"] == run(demo, "open_pipeline", END, all_time=True).n_records


def test_stale_deals_against_sql_and_e8(demo):
    r = run(demo, "stale_deals", END, options={"stale_days": 45})
    stale, total = demo.execute("""
        select count(*) filter (where coalesce(last_activity_date, cast(updated_at as date),
                                               created_date) < $cut), count(*)
        from v_opps where status = 'open'""", {"cut": END - timedelta(days=45)}).fetchone()
    assert (row(r)["stale_deals"], row(r)["open_deals"]) == (stale, total)
    listed = run(demo, "stale_deals", END, group_by=[Dimension.opportunity])
    ids = demo.execute("select opportunity_id, cast(substr(opportunity_id, 5) as int) "
                       "from v_opps where status = 'open'").fetchall()
    e8 = {opp for opp, i in ids if i % 6 == 1}
    stale_names = {x[1] for x in listed.rows}
    rate_e8 = len(stale_names & e8) / len(e8)
    rate_rest = len(stale_names - e8) / (len(ids) - len(e8))
    assert rate_e8 > 2 * rate_rest  # E8: activities stop early on a sixth of the deals


def test_slipping_against_history(demo):
    period = quarter(date(2026, 5, 1), date(2026, 7, 31))
    r = run(demo, "slipping_deals", END, period=period)
    snap, out = "TIMESTAMP '2026-04-30 23:59:59.999999'", "TIMESTAMP '2026-07-31 23:59:59.999999'"
    expected = demo.execute(f"""
        with last as (
          select h.*, s.is_closed, row_number() over (partition by h.opportunity_id, t.k
                 order by h.changed_at desc, h.history_id desc) as rn, t.k
          from opportunity_history h
          join opportunities o using (opportunity_id)
          join opportunity_stages s on s.pipeline_id = o.pipeline_id
               and s.stage_name = h.stage_name
          join (values ('snap', {snap}), ('end', {out})) t(k, ts) on h.changed_at <= t.ts
          where not o.is_deleted)
        select count(*) filter (where e.close_date > DATE '2026-07-31' and not e.is_closed),
               count(*)
        from last s join last e on e.opportunity_id = s.opportunity_id and e.k = 'end'
        where s.k = 'snap' and s.rn = 1 and e.rn = 1 and not s.is_closed
          and s.forecast_category <> 'omitted'
          and s.close_date between DATE '2026-05-01' and DATE '2026-07-31'""").fetchone()
    assert (row(r)["slipped"], row(r)["deals"]) == expected


def test_deal_risk_reasons_and_past_close(demo):
    r = run(demo, "deal_risk", END, group_by=[Dimension.opportunity])
    score, reasons = r.columns.index("score"), r.columns.index("reasons")
    assert r.rows and all(x[score] == len(x[reasons].split("; ")) for x in r.rows)
    assert [x[score] for x in r.rows] == sorted((x[score] for x in r.rows), reverse=True)
    past = demo.execute("select count(*) from v_opps where status = 'open' "
                        "and close_date < $d", {"d": END}).fetchone()[0]
    assert row(run(demo, "deal_risk", END))["past_close_deals"] == past > 0
    quarter_only = run(demo, "deal_risk", END, period=quarter(date(2026, 11, 1),
                                                              date(2027, 1, 31)))
    assert 0 < quarter_only.n_records < row(run(demo, "deal_risk", END))["open_deals"]


def test_bottleneck_ranks_open_stages(demo):
    r = run(demo, "bottleneck", END)
    scores = [x[1] for x in r.rows]
    assert r.value == scores[0] == max(scores) and len(r.rows) == 4
    assert r.n_records == demo.execute("select count(*) from v_opps where status = 'open' "
                                       "and stage_order is not null").fetchone()[0]


CALLS = [
    ("pipeline_movement", {}), ("pipeline_movement", {"group_by": [Dimension.region]}),
    ("pipeline_movement", {"group_by": [Dimension.opportunity], "measure": "slipped"}),
    ("stage_conversion", {"group_by": [Dimension.stage, Dimension.segment]}),
    ("time_in_stage", {"group_by": [Dimension.stage]}), ("pipeline_velocity", {}),
    ("pipeline_velocity", {"group_by": [Dimension.team]}), ("stale_deals", {}),
    ("stale_deals", {"group_by": [Dimension.opportunity], "top": 20}),
    ("slipping_deals", {"group_by": [Dimension.rep]}),
    ("slipping_deals", {"group_by": [Dimension.opportunity], "measure": "pushes"}),
    ("deal_risk", {"group_by": [Dimension.region]}),
    ("deal_risk", {"group_by": [Dimension.opportunity], "top": 10}), ("bottleneck", {}),
]


@pytest.mark.parametrize(("tool", "params"), CALLS, ids=[f"{t}-{i}" for i, (t, _) in
                                                          enumerate(CALLS)])
@pytest.mark.parametrize("as_of", [END, date(2026, 6, 30)])
def test_reported_sql_reproduces_rows(demo, tool, params, as_of):
    r = run(demo, tool, as_of, **params)
    pasted = [[plain(v) for v in x] for x in demo.execute(r.sql).fetchall()]
    assert pasted == r.rows and r.rows
    assert "$" not in r.sql


# ---------------------------------------------------------------- questions end to end
def ask(demo, question: str, tool: str):
    from agent.ask import ask as ask_agent
    from agent.context import Warehouse

    response = ask_agent(Warehouse(demo), question, as_of=END)
    assert response.status == "answered", response.answer
    assert response.intent.tool == tool
    return response.result


def visits(demo) -> dict[str, list[tuple]]:
    """Stage visits per deal computed in Python: (stage, entered, exited or None)."""
    out: dict[str, list[tuple]] = {}
    for opp, at, stage in demo.execute(
            "select opportunity_id, changed_at, stage_name from opportunity_history "
            "where changed_at <= $ts order by opportunity_id, changed_at, history_id",
            {"ts": END + timedelta(days=1)}).fetchall():
        deal = out.setdefault(opp, [])
        if deal and deal[-1][0] == stage:
            continue
        if deal:
            deal[-1] = (*deal[-1][:2], at)
        deal.append((stage, at, None))
    return out


def test_ask_pipeline_movement(demo):
    r = ask(demo, "How did our pipeline move this quarter?", "pipeline_movement")
    pipeline = ("select coalesce(sum(amount_corp), 0) from {src} where status = 'open' and "
                "coalesce(forecast_category, '') <> 'omitted' and close_date between "
                "DATE '2026-11-01' and DATE '2027-01-31'")
    start = demo.execute(pipeline.format(
        src="opps_as_of(TIMESTAMP '2026-10-31 23:59:59.999999')")).fetchone()[0]
    end = demo.execute(pipeline.format(src="v_opps")).fetchone()[0]
    v = row(r)
    assert (v["start_amount"], v["end_amount"]) == (float(start), float(end))
    assert r.value == pytest.approx(float(end - start), abs=0.01)


def test_ask_time_in_negotiation_by_region(demo):
    import statistics

    r = ask(demo, "time in Negotiation by region this year", "time_in_stage")
    region = dict(demo.execute("select opportunity_id, region from v_opps").fetchall())
    days: dict[str, list[float]] = {}
    for opp, deal in visits(demo).items():
        done = [(s, a, b) for s, a, b in deal if s == "Negotiation" and b is not None]
        if opp in region and done and date(2026, 2, 1) <= max(b for *_, b in done).date() <= END:
            total = sum((b - a).total_seconds() / 86400 for _, a, b in done)
            days.setdefault(region[opp] or "(none)", []).append(total)
    expected = {k: statistics.median(v) for k, v in days.items()}
    assert {x[0]: round(x[1], 4) for x in r.rows} == {k: round(v, 4) for k, v in
                                                       expected.items()}
    assert r.rows[0][0] == "EMEA"


def test_ask_stage_conversion(demo):
    r = ask(demo, "stage conversion by stage this year", "stage_conversion")
    first = {}
    for opp, deal in visits(demo).items():
        for stage, at, _ in deal:
            first.setdefault((opp, stage), at)
    live = {x[0] for x in demo.execute("select opportunity_id from v_opps").fetchall()}
    entered = sum(1 for (opp, stage), at in first.items() if stage == "Discovery" and opp in live
                  and date(2026, 2, 1) <= at.date() <= END)
    assert dict((x[0], x[r.columns.index("entered")]) for x in r.rows)["Discovery"] == entered


def test_ask_pipeline_velocity(demo):
    r = ask(demo, "what's our pipeline velocity?", "pipeline_velocity")
    n, rate, size, cycle = demo.execute("""
        select count(*) filter (where status = 'open' and coalesce(forecast_category, '')
                                <> 'omitted'),
               count(*) filter (where status = 'won' and close_date between $s and $e)
               / count(*) filter (where status in ('won', 'lost') and close_date between $s and $e),
               avg(amount_corp) filter (where status = 'won' and close_date between $s and $e
                                        and amount_corp > 0),
               avg(close_date - created_date) filter (where status = 'won' and close_date
                   between $s and $e and close_date >= created_date)
        from v_opps""", {"s": date(2025, 11, 1), "e": date(2026, 10, 31)}).fetchone()
    assert r.value == pytest.approx(n * rate * float(size) / cycle, rel=1e-6)


def test_ask_stale_deals(demo):
    r = ask(demo, "how many stale deals do we have", "stale_deals")
    expected = demo.execute("""
        select count(*) from v_opps where status = 'open'
          and coalesce(last_activity_date, cast(updated_at as date), created_date) < $cut""",
                            {"cut": END - timedelta(days=30)}).fetchone()[0]
    assert r.value == expected


def test_ask_slip_rate(demo):
    r = ask(demo, "what's our slip rate last quarter?", "slipping_deals")
    slipped, deals = demo.execute("""
        with s as (select * from opps_as_of(TIMESTAMP '2026-07-31 23:59:59.999999')
                   where status = 'open' and coalesce(forecast_category, '') <> 'omitted'
                     and close_date between DATE '2026-08-01' and DATE '2026-10-31'),
             e as (select * from opps_as_of(TIMESTAMP '2026-10-31 23:59:59.999999'))
        select count(*) filter (where e.status = 'open' and e.close_date > DATE '2026-10-31'),
               count(*)
        from s join e using (opportunity_id)""").fetchone()
    assert r.value == pytest.approx(slipped / deals, abs=1e-6)


def test_ask_deals_at_risk(demo):
    r = ask(demo, "top 10 deals at risk this quarter", "deal_risk")
    assert len(r.rows) == 10
    facts = {x[0]: x[1:] for x in demo.execute(
        "select opportunity_id, close_date, coalesce(last_activity_date, "
        "cast(updated_at as date), created_date) from v_opps where status = 'open'").fetchall()}
    for x in r.rows:
        v = dict(zip(r.columns, x, strict=True))
        close, touch = facts[v["opportunity_id"]]
        assert date(2026, 11, 1) <= close <= date(2027, 1, 31)
        assert ("close date passed" in v["reasons"]) == (close < END)
        assert ("no activity" in v["reasons"]) == (touch < END - timedelta(days=30))


def test_ask_bottleneck(demo):
    r = ask(demo, "where is our bottleneck?", "bottleneck")
    in_stage = dict(demo.execute("select stage, count(*) from v_opps where status = 'open' "
                                 "group by 1").fetchall())
    assert {x[0]: x[r.columns.index("open_deals")] for x in r.rows} == in_stage
    assert r.value == max(x[1] for x in r.rows if x[1] is not None)


@pytest.mark.parametrize("question", [q for q, _, _ in MOVEMENT_CASES])
def test_movement_questions_stay_in_scope(question):
    """Analysis of deals at risk or stuck is in scope; acting on them would be escalated."""
    from agent.scope import decide

    assert decide(question).action == "allow", decide(question)


def test_without_history_the_reason_is_said():
    con = fixture_db("parser_world")  # deals but no opportunity_history
    for tool in ("stage_conversion", "time_in_stage"):
        r = run(con, tool, END)
        assert r.value is None and r.null_reason == "INSUFFICIENT_HISTORY"
        assert any(w.code == "INSUFFICIENT_HISTORY" for w in r.warnings)
    con.close()
