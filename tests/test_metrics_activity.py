"""Activity metrics (METRICS M43): the golden example, what is (not) counted, rep working days,
per deal rates and open-deal coverage, reported SQL, and the demo company end to end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers import context
from tests.metrics_demo import answered, demo_warehouse
from tools.base import Dimension, Filter, MetricParams, PeriodParam, ToolInputError
from tools.query import plain
from tools.registry import run_tool
from tools.warehouse import connect

MARCH = PeriodParam(start=date(2024, 3, 4), end=date(2024, 3, 29), label="4 weeks")
AS_OF = date(2024, 4, 1)
END = date(2026, 11, 26)
COLUMNS = "(activity_id, activity_type, direction, is_completed, is_automated, owner_id, " \
          "contact_id, opportunity_id, occurred_at, outcome, is_deleted, subtype)"
# One rep, 20 working days: 120 calls + 300 outbound emails + 24 held meetings (M43), plus
# activities that must not count and deals for the per-deal rates and coverage.
GOLDEN = f"""
insert into company_settings values ('fiscal_year_start_month', '2'), ('data_end', '2024-04-01');
insert into users (user_id, full_name, is_human, is_quota_carrying, hire_date) values
  ('R', 'Rep R', true, true, DATE '2023-01-01'), ('BOT', 'Integration', false, false, NULL);
insert into opportunity_stages values
  ('default', 'Open', 'Open', 1, 0.5, false, false, 'pipeline', true),
  ('default', 'Won', 'Won', 2, 1, true, true, 'closed', true);
insert into opportunities (opportunity_id, owner_id, pipeline_id, stage_name, amount, close_date,
  created_at) values
  ('O1', 'R', 'default', 'Won', 100, DATE '2024-03-20', TIMESTAMP '2024-01-05 00:00:00'),
  ('O2', 'R', 'default', 'Open', 100, DATE '2024-06-30', TIMESTAMP '2024-01-05 00:00:00'),
  ('O3', 'R', 'default', 'Open', 100, DATE '2024-06-30', TIMESTAMP '2024-01-05 00:00:00');
insert into activities {COLUMNS}
select 'C' || i, 'call', 'outbound', true, false, 'R', 'K' || i,
       case when i <= 2 then 'O1' end, TIMESTAMP '2024-03-05 08:00:00' + to_minutes(i), 'connected',
       false, 'Call' from range(1, 121) t(i)
union all
select 'E' || i, 'email', 'outbound', true, false, 'R', 'K' || i, case when i = 1 then 'O2' end,
       case when i = 1 then TIMESTAMP '2024-03-25 10:00:00'
            else TIMESTAMP '2024-03-12 08:00:00' + to_minutes(i) end, null, false, 'Email'
from range(1, 301) t(i)
union all
select 'M' || i, 'meeting', null, true, false, 'R', 'K' || i, null,
       TIMESTAMP '2024-03-20 08:00:00' + to_minutes(i), 'HELD', false, 'Meeting'
from range(1, 25) t(i);
insert into activities {COLUMNS} values
  ('X1', 'email', 'outbound', true, true, 'R', 'K1', null,
   '2024-03-06 09:00', null, false, 'Email'),
  ('X2', 'email', 'inbound', true, false, 'R', 'K1', null,
   '2024-03-06 09:00', null, false, 'Email'),
  ('X3', 'meeting', null, true, false, 'R', 'K1', null,
   '2024-03-06 09:00', 'NO_SHOW', false, 'Meeting'),
  ('X4', 'meeting', null, true, false, 'R', 'K2', null,
   '2024-03-06 09:00', 'canceled', false, 'Meeting'),
  ('X5', 'task', null, false, false, 'R', 'K1', null,
   '2024-03-06 09:00', null, false, 'Task'),
  ('X6', 'call', 'outbound', true, false, 'R', 'K1', null,
   '2024-03-06 09:00', null, true, 'Call'),
  ('X7', 'call', 'outbound', true, false, 'BOT', 'K1', null,
   '2024-03-06 09:00', null, false, 'Call'),
  ('X8', 'email', 'outbound', true, false, 'R', 'K2', null,
   '2024-03-12 08:02:30', null, false, 'Email'),
  ('X9', 'call', 'outbound', true, false, 'R', 'K1', 'O1',
   '2024-02-10 09:00', null, false, 'Call'),
  ('XA', 'call', 'outbound', true, false, 'R', 'K1', 'O3',
   '2024-01-10 09:00', null, false, 'Call'),
  ('XB', 'call', 'outbound', true, false, 'R', 'K1', null,
   '2024-04-02 09:00', null, false, 'Call'),
  ('XC', 'call', 'outbound', true, false, 'R', 'K1', 'O1',
   '2024-03-30 09:00', null, false, 'Call');
"""


@pytest.fixture(scope="module")
def golden():
    con = connect(":memory:")
    con.execute(GOLDEN)
    yield con
    con.close()


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """The 2,000-deal demo company shared by the area tests (read-only)."""
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def demo(wh):
    return wh.con


def run(con, as_of=AS_OF, **params):
    return run_tool(context(con, as_of), "activity_metrics", MetricParams(**params))


def row_of(r, i=0) -> dict:
    return dict(zip(r.columns, r.rows[i], strict=True))


def test_m43_golden_per_rep_per_day(golden):
    r = run(golden, period=MARCH, measure="per_rep_per_day")
    got = row_of(r)
    assert r.value == 22.2 and r.measure == "per_rep_per_day"
    assert (got["activities"], got["calls"], got["emails"], got["meetings"]) == (444, 120, 300, 24)
    assert got["rep_days"] == 20 and r.n_records == 444  # X1..X8 not counted (X8 = sync copy)
    assert run(golden, period=MARCH, measure="calls_per_rep_per_day").value == 6.0
    by_type = run(golden, period=MARCH, group_by=[Dimension.activity_type],
                  measure="per_rep_per_day")
    rates = {row[0]: row[by_type.columns.index("per_rep_per_day")] for row in by_type.rows}
    assert rates == {"email": 15.0, "call": 6.0, "meeting": 1.2}


def test_per_deal_rates_and_coverage(golden):
    got = row_of(run(golden, period=MARCH))
    assert got["per_deal"] == 1.5  # 3 activities on 2 deals touched (O1 twice, O2 once)
    assert got["per_won_deal"] == 3.0  # O1: two calls in March, one in February (not XC: later)
    assert got["open_deals"] == 2 and got["open_deal_touch_rate"] == 0.5  # O2 yes, O3 stale
    wide = run(golden, period=MARCH, measure="coverage", options={"stale_days": 90})
    assert wide.value == 1.0 and wide.unit == "ratio" and wide.measure == "open_deal_touch_rate"
    assert "last 90 days" in wide.definition
    with pytest.raises(ToolInputError, match="stale_days"):
        run(golden, period=MARCH, options={"stale_days": "soon"})


def test_rep_days_follow_employment_and_due_dates_stand_in(warehouse):
    warehouse.execute(f"""
        insert into users (user_id, full_name, is_quota_carrying, hire_date, termination_date)
        values ('A', 'Rep A', true, DATE '2024-03-18', NULL),
               ('B', 'Rep B', true, NULL, DATE '2024-03-08'),
               ('M', 'Manager M', false, NULL, NULL), ('Q', 'Quiet Q', false, NULL, NULL);
        insert into activities {COLUMNS} values
          ('1', 'call', 'outbound', true, false, 'M', 'K', null, TIMESTAMP '2024-03-05 10:00:00',
           null, false, 'Call');
        insert into activities (activity_id, activity_type, is_completed, owner_id, due_date)
          values ('2', 'task', true, 'A', DATE '2024-03-20'),
                 ('3', 'task', true, 'GHOST', DATE '2024-03-20'),
                 ('4', null, true, 'M', DATE '2024-03-21');
    """)
    r = run(warehouse, period=MARCH, group_by=[Dimension.rep])
    days = {row[0]: row[r.columns.index("rep_days")] for row in r.rows}
    assert days == {"Rep A": 10, "Rep B": 5, "Manager M": 20}  # Quiet Q logged nothing
    assert [w.code for w in r.warnings] == ["DUE_DATE_AS_OCCURRED", "DQ_OWNER_UNRESOLVED"]
    total = run(warehouse, period=MARCH, measure="per_rep_per_day")
    assert total.value == plain(3 / 35)  # an activity without a type still counts


def test_unsupported_requests_ask_back(golden):
    with pytest.raises(ToolInputError, match="product"):
        run(golden, period=MARCH, group_by=[Dimension.product])
    with pytest.raises(ToolInputError, match="one period"):
        run(golden, period=MARCH, time_grain="month")
    empty = run(golden, period=PeriodParam(start=date(2023, 3, 1), end=date(2023, 3, 31),
                                           label="2023-03"))
    assert empty.value == 0 and [w.code for w in empty.warnings] == ["NO_DATA"]
    rate = run(golden, period=PeriodParam(start=date(2022, 3, 1), end=date(2022, 3, 31),
                                          label="2022-03"), measure="per_deal")
    assert rate.value is None and rate.null_reason == "NO_DATA"


@pytest.mark.parametrize("params", [
    {}, {"group_by": [Dimension.rep]}, {"group_by": [Dimension.activity_type]},
    {"group_by": [Dimension.team, Dimension.activity_type], "top": 5},
    {"measure": "coverage", "group_by": [Dimension.region]},
    {"filters": [Filter(dimension=Dimension.activity_type, values=["call"])],
     "measure": "calls_per_rep_per_day"},
    {"filters": [Filter(dimension=Dimension.team, values=["APAC"], exclude=True)]}])
@pytest.mark.parametrize("as_of", [END, date(2026, 6, 30)])
def test_reported_sql_reproduces_rows(demo, params, as_of):
    r = run(demo, as_of, **params)
    assert r.rows
    assert [[plain(v) for v in row] for row in demo.execute(r.sql).fetchall()] == r.rows


def _independent(con, start: date, end: date) -> tuple[int, int]:
    """(activities, rep working days) for a period, computed in Python from raw rows."""
    users = {u: (human, quota, hire, term) for u, human, quota, hire, term in con.execute(
        "select user_id, is_human, is_quota_carrying, hire_date, termination_date from users"
    ).fetchall()}
    seen = set()
    for (owner, kind, direction, outcome, opp, account, who, subtype, at, done, auto,
         deleted) in con.execute("select owner_id, activity_type, direction, outcome, "
                                 "opportunity_id, account_id, coalesce(contact_id, lead_id), "
                                 "subtype, occurred_at, is_completed, is_automated, is_deleted "
                                 "from activities").fetchall():
        if not done or auto or deleted or owner not in users or users[owner][0] is False:
            continue
        if (kind == "email" and direction != "outbound") or (
                kind == "meeting" and (outcome or "").upper() in ("NO_SHOW", "RESCHEDULED")):
            continue
        if start <= at.date() <= end:
            seen.add((owner, kind, opp, account, who, subtype, at.replace(second=0,
                                                                         microsecond=0)))
    loggers = {s[0] for s in seen}
    workdays = [start + timedelta(days=i) for i in range((end - start).days + 1)
                if (start + timedelta(days=i)).weekday() < 5]
    rep_days = sum(1 for u, (human, quota, hire, term) in users.items()
                   if human is not False and (quota or u in loggers)
                   for d in workdays if (hire is None or hire <= d) and (term is None or d <= term))
    return len(seen), rep_days


@pytest.mark.parametrize(("start", "end"), [(date(2026, 10, 1), date(2026, 10, 31)),
                                            (date(2025, 2, 1), date(2025, 4, 30))])
def test_demo_matches_independent_count(demo, start, end):
    r = run(demo, END, period=PeriodParam(start=start, end=end, label="p"))
    activities, rep_days = _independent(demo, start, end)
    got = row_of(r)
    assert (got["activities"], got["rep_days"]) == (activities, rep_days)
    assert r.value == activities and row_of(r)["per_rep_per_day"] == plain(activities / rep_days)
    by_team = run(demo, END, period=PeriodParam(start=start, end=end, label="p"),
                  group_by=[Dimension.team])
    assert sum(row[by_team.columns.index("activities")] for row in by_team.rows) == activities


def test_ask_end_to_end(wh, demo):
    r = answered(wh, "activities per rep per day last month", "activity_metrics")
    activities, rep_days = _independent(demo, date(2026, 10, 1), date(2026, 10, 31))
    assert r.result.value == plain(activities / rep_days)
    assert r.result.period["start"] == "2026-10-01"
