"""Quota, territory and productivity tools (reference/METRICS.md §3 E: M41, M42, M44, M90, M91).

Golden vectors on small fixtures (M42 example, planning example), the strict > 30% boundary,
the reported SQL reproducing every result, and end to end on a generated demo company against
independent computations.
"""

from __future__ import annotations

import calendar
import statistics
from datetime import date, timedelta

import pytest

from tests.helpers import context, fixture_db
from tests.test_metrics_forecast import END, answer, demo_warehouse
from tools.base import Dimension, Filter, MetricParams, PeriodParam, ToolInputError
from tools.fiscal import Period
from tools.metrics.productivity import productivity_improvement_value
from tools.query import plain
from tools.registry import TOOLS, run_tool

Q1 = PeriodParam(start=date(2024, 2, 1), end=date(2024, 4, 30), label="FY2025 Q1")
Q4 = PeriodParam(start=date(2023, 11, 1), end=date(2024, 1, 31), label="FY2024 Q4")
AFTER = date(2024, 5, 15)


@pytest.fixture(scope="module")
def m42():
    con = fixture_db("productivity_m42")
    yield con
    con.close()


@pytest.fixture(scope="module")
def plan():
    con = fixture_db("productivity_planning")
    yield con
    con.close()


def run(con, tool, as_of, **params):
    return run_tool(context(con, as_of), tool, MetricParams(**params))


def rows(r) -> list[dict]:
    return [dict(zip(r.columns, row, strict=True)) for row in r.rows]


def reproduces(con, r) -> bool:
    """The reported SQL, pasted into DuckDB, gives exactly the reported rows."""
    return [[plain(v) for v in row] for row in con.execute(r.sql).fetchall()] == r.rows


# ---------------------------------------------------------------------------- M41


def test_m41_rep_fte_ramp_and_bookings(m42):
    r = run(m42, "rep_productivity", AFTER, period=Q1)
    got = rows(r)[0]
    assert r.value == 116250.0 and r.measure == "bookings_per_rep"  # 465,000 / 4.0 FTE
    assert got["rep_fte"] == 4.0 and got["ramped_fte"] == 3.5
    assert got["bookings_per_ramped_rep"] == 130000.0  # C4 (before R4's ramp) not counted
    assert got["bookings"] == 465000.0  # the manager's C6 is nobody's productivity
    # R4 hired 2023-12-17: 16 days in tenure month 2 (x0.5), 29 in month 3 (x0.75), 45 ramped
    assert got["ramped_rep_equivalents"] == pytest.approx(3 + (16 * 0.5 + 29 * 0.75 + 45) / 90)
    assert reproduces(m42, r)


def test_m41_by_team_and_compare(m42):
    r = run(m42, "rep_productivity", AFTER, period=Q1, group_by=[Dimension.team],
            compare="previous_year")
    by_team = {row["team"]: row for row in rows(r)}
    assert by_team["Team One"]["bookings_per_rep"] == 137500.0
    assert by_team["Team One"]["bookings_per_rep_previous"] == 100000.0
    assert by_team["Team One"]["growth"] == 0.375
    assert by_team["Team Two"]["bookings_per_rep_previous"] is None  # no FTE a year earlier
    assert reproduces(m42, r)


def test_m41_termination_and_running_period():
    con = fixture_db("productivity_m42")
    con.execute("""insert into users (user_id, full_name, team_id, is_quota_carrying,
                   hire_date, termination_date) values
                   ('R5', 'Rep Five', 'T2', true, DATE '2019-01-01', DATE '2024-03-31'),
                   ('S1', 'System', 'T2', true, DATE '2019-01-01', NULL)""")
    con.execute("update users set is_human = false where user_id = 'S1'")
    got = rows(run(con, "rep_productivity", AFTER, period=Q1))[0]
    assert got["rep_fte"] == pytest.approx(4 + 60 / 90)  # employed Feb 1 .. Mar 31
    running = run(con, "rep_productivity", date(2024, 3, 16), period=Q1)
    assert running.period["label"] == "FY2025 Q1 to date" and running.period["end"] == \
        "2024-03-16"
    assert rows(running)[0]["rep_fte"] == 5.0  # every rep employed on all 45 days so far
    con.close()


@pytest.mark.parametrize(("tool", "params"), [
    ("rep_productivity", {"group_by": [Dimension.product]}),
    ("rep_productivity", {"time_grain": "month"}),
    ("productivity_improvement", {"all_time": True}),
    ("territory_balance", {"compare": "previous_period"}),
    ("team_distribution", {"group_by": [Dimension.rep]}),
    ("quota_capacity", {"compare": "previous_year"}),
])
def test_questions_the_tools_do_not_answer_are_asked_back(m42, tool, params):
    with pytest.raises(ToolInputError):
        run(m42, tool, AFTER, **({"period": Q1} | params))


# ---------------------------------------------------------------------------- M42


def test_m42_golden_exactly_30_percent_does_not_pass(m42):
    r = run(m42, "productivity_improvement", AFTER, period=Q1)
    got = rows(r)[0]
    assert r.value == 0.3 and got["passed"] is False and got["growth_gap"] == 0.0
    assert got["bookings_per_ramped_rep"] == 130000.0
    assert got["base_bookings_per_ramped_rep"] == 100000.0
    assert got["base_ramped_fte"] == 2.0 and got["target_growth"] == 0.3
    assert got["base_period"].startswith("FY2024 Q1")
    assert reproduces(m42, r)
    lower = run(m42, "productivity_improvement", AFTER, period=Q1, options={"target": 0.29})
    assert rows(lower)[0]["passed"] is True


def test_m42_scorecard_function_names_the_teams(m42):
    r = productivity_improvement_value(context(m42, AFTER), Q1.as_period())
    assert r.value == 0.3 and r.metric == "productivity_improvement"
    by_team = productivity_improvement_value(context(m42, AFTER), Q1,
                                             group_by=[Dimension.team])
    got = rows(by_team)
    assert [row["team"] for row in got] == ["Team One", "Team Two"]  # worst first
    assert got[0]["productivity_improvement"] == 0.375 and got[0]["passed"] is True
    assert got[1]["productivity_improvement"] is None  # no ramped rep a year earlier


def test_m42_null_reasons_and_previous_period(m42):
    two = run(m42, "productivity_improvement", AFTER, period=Q1,
              filters=[Filter(dimension=Dimension.team, values=["Team Two"])])
    assert two.value is None and two.null_reason == "INSUFFICIENT_HISTORY"
    seq = run(m42, "productivity_improvement", AFTER, period=Q1, measure="previous_period")
    assert rows(seq)[0]["base_period"].startswith("FY2024 Q4")
    assert seq.value is None and seq.null_reason == "ZERO_DENOMINATOR"  # nothing won in Q4


# ---------------------------------------------------------------------------- M90


def test_m90_golden_coverage_cv_and_flags(plan):
    r = run(plan, "territory_balance", date(2024, 4, 15), period=Q1)
    got = rows(r)
    assert round(r.value, 4) == 0.2722 and r.measure == "cover_cv"
    assert got[0]["territory"] is None and got[0]["quota"] == 400000.0
    by_name = {row["territory"]: row for row in got[1:]}
    assert [by_name[t]["coverage"] for t in ("North", "South", "West")] == [3.0, 2.0, 4.0]
    assert by_name["West"]["flags"] == "coverage high, pipeline per rep high"
    assert by_name["South"]["flags"].startswith("coverage low") and by_name["North"]["flags"] \
        is None
    assert by_name["West"]["open_pipeline"] == 800000.0  # N5 is omitted
    assert by_name["West"]["rep_fte"] == 1.5 and by_name["West"]["tam_amount"] == 10000000.0
    assert by_name["North"]["attainment"] == 0.5
    assert reproduces(plan, r)


def test_m90_by_region_and_filtered(plan):
    r = run(plan, "territory_balance", date(2024, 4, 15), period=Q1,
            group_by=[Dimension.region], measure="accounts_per_rep")
    assert r.value is None and r.measure == "accounts_per_rep"
    assert [row["region"] for row in rows(r)] == ["Europe", "Americas"]
    assert reproduces(plan, r)
    americas = run(plan, "territory_balance", date(2024, 4, 15), period=Q1,
                   filters=[Filter(dimension=Dimension.region, values=["Americas"])])
    assert round(americas.value, 4) == 0.2  # coverages 3.0 and 2.0
    with pytest.raises(ToolInputError):
        run(plan, "territory_balance", date(2024, 4, 15), period=Q1,
            group_by=[Dimension.team])


# ---------------------------------------------------------------------------- M44, M91


def test_m44_team_distribution(plan):
    r = run(plan, "team_distribution", date(2024, 4, 15), period=Q4)
    got = rows(r)
    assert r.value == 0.8 and got[0]["team"] is None
    assert got[0]["attainment_iqr"] == pytest.approx(0.2)
    assert round(got[0]["top_quartile_share"], 4) == 0.4167  # R3's 100k of 240k
    team_a = got[1]
    assert team_a["team"] == "Team A" and team_a["median_attainment"] == pytest.approx(0.7)
    assert round(team_a["top_quartile_share"], 4) == 0.5714
    assert reproduces(plan, r)


def test_m91_golden_capacity_and_gap(plan):
    r = run(plan, "quota_capacity", date(2024, 4, 15), period=Q1, options={"target": 300000})
    got = rows(r)[0]
    assert r.value == 280000.0 and got["quota_gap"] == 20000.0
    assert got["ramped_rep_equivalents"] == 3.5
    assert got["expected_attainment"] == 0.8  # median of 0.6 / 0.8 / 1.0 in FY2024 Q4
    assert reproduces(plan, r)
    gap = run(plan, "quota_capacity", date(2024, 4, 15), period=Q1, measure="gap",
              options={"target": 300000, "expected_attainment": 0.5})
    assert gap.value == 300000 - 3.5 * 100000 * 0.5
    early = run(plan, "quota_capacity", date(2024, 4, 15), period=Q4)
    assert early.value is None and early.null_reason == "INSUFFICIENT_HISTORY"


# ---------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    wh = demo_warehouse(tmp_path_factory)
    yield wh
    wh.con.close()


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _reps(con, p: Period) -> dict[str, tuple[float, float, float, date]]:
    """Independent M41 per rep: (FTE, ramped FTE, RRE, ramp date), day by day in Python."""
    out = {}
    for uid, hire, term, ramp in con.execute(
            "select user_id, hire_date, termination_date, coalesce(ramp_months, 3) from users "
            "where is_quota_carrying and coalesce(is_human, true)").fetchall():
        ramp_date = _add_months(hire, ramp)
        fte = ramped = rre = 0.0
        for i in range(p.days):
            d = p.start + timedelta(days=i)
            if d < hire or (term is not None and d > term):
                continue
            months = next(k for k in range(400) if _add_months(hire, k + 1) > d)
            fte, ramped = fte + 1, ramped + (d >= ramp_date)
            rre += 1.0 if d >= ramp_date else (months + 1) / (ramp + 1)
        out[uid] = (fte / p.days, ramped / p.days, rre / p.days, ramp_date)
    return out


def _bookings_per_ramped_rep(con, p: Period) -> float:
    reps = _reps(con, p)
    won = con.execute("select owner_id, close_date, amount_corp from v_opps where status = "
                      "'won' and close_date between $s and $e", {"s": p.start, "e": p.end})
    ramped = sum(float(a) for o, d, a in won.fetchall() if o in reps and d >= reps[o][3])
    return ramped / sum(v[1] for v in reps.values())


def test_e2e_rep_productivity(demo):
    r = answer(demo, "bookings per rep last quarter", "rep_productivity")
    p = Period(date(2026, 8, 1), date(2026, 10, 31), "FY2027 Q3")
    reps = _reps(demo.con, p)
    won = demo.con.execute("select owner_id, amount_corp from v_opps where status = 'won' and "
                           "close_date between $s and $e", {"s": p.start, "e": p.end})
    booked = sum(float(a) for o, a in won.fetchall() if o in reps)
    assert r.value == pytest.approx(booked / sum(v[0] for v in reps.values()))
    got = rows(r)[0]
    assert got["ramped_rep_equivalents"] == pytest.approx(sum(v[2] for v in reps.values()))


def test_e2e_productivity_improvement(demo):
    r = answer(demo, "sales productivity improvement last quarter", "productivity_improvement")
    cur = _bookings_per_ramped_rep(demo.con, Period(date(2026, 8, 1), date(2026, 10, 31), ""))
    base = _bookings_per_ramped_rep(demo.con, Period(date(2025, 8, 1), date(2025, 10, 31), ""))
    assert r.value == pytest.approx((cur - base) / base)
    assert rows(r)[0]["passed"] is (r.value > 0.30)


def test_e2e_territory_balance(demo):
    r = answer(demo, "how balanced are our territories this quarter", "territory_balance")
    pipe = dict(demo.con.execute("""
        select territory, sum(amount_corp) from v_opps
        where status = 'open' and forecast_category <> 'omitted'
          and close_date between DATE '2026-11-01' and DATE '2027-01-31' group by 1""").fetchall())
    quota = dict(demo.con.execute("""
        select r.territory, sum(q.quota_amount) from quotas q join v_reps r on r.user_id =
        q.owner_id where q.period_start = DATE '2026-11-01' group by 1""").fetchall())
    cover = {t: float(pipe[t]) / float(quota[t]) for t in quota}
    got = {row["territory"]: row["coverage"] for row in rows(r) if row["territory"]}  # + total
    assert got == pytest.approx(cover, rel=1e-5)
    cv = statistics.pstdev(cover.values()) / statistics.mean(cover.values())
    assert rows(r)[0]["cover_cv"] == pytest.approx(cv, rel=1e-5)


def test_e2e_team_distribution(demo):
    r = answer(demo, "median attainment by team last quarter", "team_distribution")
    per_rep = demo.con.execute("""
        select r.team, coalesce(b.booked, 0) / q.quota_amount
        from quotas q join v_reps r on r.user_id = q.owner_id
        left join (select owner_id, sum(amount_corp) as booked from v_opps where status = 'won'
                   and close_date between DATE '2026-08-01' and DATE '2026-10-31' group by 1) b
          on b.owner_id = q.owner_id
        where q.period_start = DATE '2026-08-01' and q.quota_amount > 0""").fetchall()
    teams: dict[str, list[float]] = {}
    for team, att in per_rep:
        teams.setdefault(team, []).append(float(att))
    got = {row["team"]: row["median_attainment"] for row in rows(r)}
    assert got == pytest.approx({t: statistics.median(v) for t, v in teams.items()}, rel=1e-5)


def test_e2e_quota_capacity(demo):
    r = answer(demo, "quota capacity next quarter", "quota_capacity")
    p = Period(date(2027, 2, 1), date(2027, 4, 30), "FY2028 Q1")
    reps = _reps(demo.con, p)
    quota = dict(demo.con.execute("select owner_id, quota_amount from quotas where "
                                  "period_start = DATE '2027-02-01'").fetchall())
    got = rows(r)[0]
    assert got["quota"] == pytest.approx(float(sum(quota.values())))
    weighted = sum(float(q) * reps[u][2] for u, q in quota.items() if u in reps)
    assert r.value == pytest.approx(weighted * got["expected_attainment"])
    assert 0.3 < got["expected_attainment"] < 1.5 and got["history_reps"] > 20


@pytest.mark.parametrize("tool", ["rep_productivity", "productivity_improvement",
                                  "territory_balance", "team_distribution", "quota_capacity"])
def test_demo_sql_reproduces_rows(demo, tool):
    ctx = context(demo.con, END)
    group = [Dimension.region] if tool in ("territory_balance", "team_distribution") else \
        [Dimension.team]
    r = TOOLS[tool].run(ctx, MetricParams(group_by=group))
    assert r.rows and reproduces(demo.con, r)
    assert reproduces(demo.con, TOOLS[tool].run(ctx, MetricParams()))
