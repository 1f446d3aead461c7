"""Recurring revenue tools (METRICS M10-M15): golden vectors, the bridge identity, constant
currency, netting per account, reported SQL, and the demo company end to end."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.helpers import context, fixture_db
from tests.metrics_demo import answered, demo_warehouse
from tools.base import Dimension, Filter, MetricParams, PeriodParam, ToolInputError
from tools.query import plain
from tools.registry import run_tool

Q1 = PeriodParam(start=date(2024, 2, 1), end=date(2024, 4, 30), label="FY2025 Q1")
END = date(2026, 11, 26)
BRIDGE = ["opening_arr", "new_arr", "reactivation_arr", "expansion_arr", "contraction_arr",
          "churned_arr", "closing_arr", "net_new_arr"]


@pytest.fixture(scope="module")
def m11():
    con = fixture_db("recurring_m11")
    yield con
    con.close()


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """The 2,000-deal demo company shared by the area tests (read-only)."""
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def demo(wh):
    return wh.con


def run(con, tool, as_of=date(2024, 5, 1), **params):
    return run_tool(context(con, as_of), tool, MetricParams(**params))


def exact(con, r) -> list[dict]:
    """The reported SQL pasted into DuckDB: exact decimals, keyed by column."""
    cur = con.execute(r.sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def assert_identity(row: dict) -> None:
    opening, new, react, exp, contr, churn, closing, net = (row[c] for c in BRIDGE)
    assert opening + new + react + exp - contr - churn == closing
    assert net == closing - opening
    assert min(new, react, exp, contr, churn) >= 0


def test_m11_waterfall_golden(m11):
    r = run(m11, "arr_waterfall", period=Q1)
    got = dict(zip(r.columns, r.rows[0], strict=True))
    assert [round(got[c], 2) for c in BRIDGE] == [28000, 9000, 4000, 3000, 2000, 6000, 36000,
                                                  8000]
    assert round(r.value, 2) == 8000 and r.measure == "net_new_arr" and r.n_records == 5
    assert_identity(exact(m11, r)[0])
    assert r.period == {"start": "2024-02-01", "end": "2024-04-30", "label": "FY2025 Q1"}
    assert round(run(m11, "arr_waterfall", period=Q1, measure="churn").value, 2) == 6000


def test_m12_m14_retention_golden(m11):
    r = run(m11, "net_revenue_retention", period=Q1)
    got = dict(zip(r.columns, r.rows[0], strict=True))
    assert round(r.value, 4) == 0.8214 and r.measure == "net_retention_rate"
    assert round(got["gross_retention_rate"], 4) == 0.7143
    assert round(got["logo_churn_rate"], 4) == 0.3333
    assert round(got["logo_retention_rate"], 4) == 0.6667
    assert r.n_records == 3  # X, Y, Z: new (W) and reactivated (V) accounts are not the cohort
    assert "not annualized" in r.definition
    assert round(run(m11, "net_revenue_retention", period=Q1, measure="grr").value, 4) == 0.7143


def test_default_retention_window_is_trailing_twelve_months(m11):
    r = run(m11, "net_revenue_retention")
    assert r.period == {"start": "2023-05-02", "end": "2024-05-01",
                        "label": "trailing 12 months to 2024-05-01"}
    assert "not annualized" not in r.definition


def test_m10_arr_at_period_end_and_trend(m11):
    r = run(m11, "arr", period=Q1)
    assert round(r.value, 2) == 36000 and r.rows[0][r.columns.index("customers")] == 4
    assert round(run(m11, "arr", period=Q1, measure="mrr").value, 2) == 3000
    trend = run(m11, "arr", period=Q1, time_grain="month")
    assert [(row[0], round(row[1], 2)) for row in trend.rows] == [
        ("2024-02", 28000), ("2024-03", 23000), ("2024-04", 36000)]
    bridge = run(m11, "arr_waterfall", period=Q1, time_grain="month")
    rows = [dict(zip(bridge.columns, row, strict=True)) for row in bridge.rows]
    assert [round(x["closing_arr"], 2) for x in rows] == [28000, 23000, 36000]
    assert all(a["closing_arr"] == b["opening_arr"] for a, b in zip(rows, rows[1:], strict=False))
    for row in exact(m11, bridge):
        assert_identity(row)


def test_breakdowns_sum_to_the_total(m11):
    total = run(m11, "arr_waterfall", period=Q1)
    by_segment = run(m11, "arr_waterfall", period=Q1, group_by=[Dimension.segment])
    for c in BRIDGE:
        i = by_segment.columns.index(c)
        assert round(sum(row[i] for row in by_segment.rows), 4) == \
            round(total.rows[0][total.columns.index(c)], 4)
    top = run(m11, "arr_waterfall", period=Q1, group_by=[Dimension.account], top=2,
              measure="expansion")
    assert [row[0] for row in top.rows] == ["Xenon", "Vine"]  # by expansion, ties by name
    smb = run(m11, "net_revenue_retention", period=Q1,
              filters=[Filter(dimension=Dimension.segment, values=["SMB"])])
    assert round(smb.value, 4) == round(8000 / 16000, 4)  # Y 10k -> 8k, Z 6k -> 0


def test_m10_derived_from_line_items(warehouse):
    """No subscriptions loaded: a 36-month contract, TCV 36,000 (term_total) from 2024-01-01."""
    warehouse.execute("""
        insert into opportunity_stages values
          ('default', 'Won', 'Won', 1, 1, true, true, 'closed', true);
        insert into accounts (account_id, name) values ('A', 'Acme');
        insert into opportunities (opportunity_id, account_id, pipeline_id, stage_name, amount,
          currency_code, close_date, created_at) values ('O', 'A', 'default', 'Won', 36000,
          'USD', DATE '2023-12-20', TIMESTAMP '2023-11-01 00:00:00');
        insert into opportunity_line_items (line_item_id, opportunity_id, total_price,
          is_recurring, term_months, amount_basis, service_start_date) values
          ('L', 'O', 36000, true, 36, 'term_total', DATE '2024-01-01');
    """)
    june = PeriodParam(start=date(2024, 6, 30), end=date(2024, 6, 30), label="2024-06-30")
    r = run(warehouse, "arr", date(2024, 7, 1), period=june)
    assert r.value == 12000 and {w.code for w in r.warnings} == {"ARR_DERIVED"}
    later = PeriodParam(start=date(2027, 1, 1), end=date(2027, 1, 1), label="2027-01-01")
    assert run(warehouse, "arr", date(2027, 1, 2), period=later).value == 0


def test_constant_currency_and_missing_rates(warehouse):
    """EUR moves from 0.92 to 0.80 per USD mid-quarter: the bridge uses the period-start rate."""
    warehouse.execute("""
        insert into accounts (account_id, name) values ('E', 'Euro'), ('J', 'Yen');
        insert into fx_rates values ('EUR', DATE '2023-01-01', DATE '2024-03-01', 0.92),
                                    ('EUR', DATE '2024-03-01', NULL, 0.80);
        insert into subscriptions (subscription_id, account_id, start_date, mrr, currency_code)
          values ('S1', 'E', DATE '2023-06-01', 920, 'EUR'),
                 ('S2', 'J', DATE '2023-06-01', 100000, 'JPY');
    """)
    r = run(warehouse, "arr_waterfall", period=Q1)
    got = dict(zip(r.columns, r.rows[0], strict=True))
    assert got["opening_arr"] == got["closing_arr"] == 12000 and r.value == 0
    assert {w.code for w in r.warnings} == {"FX_MISSING"}
    april = PeriodParam(start=date(2024, 4, 1), end=date(2024, 4, 30), label="2024-04")
    assert run(warehouse, "arr", period=april).value == 13800  # 920 / 0.80 x 12


def test_netting_per_account(warehouse):
    """A product swap is not churn plus new; churn and return inside the window nets out."""
    warehouse.execute("""
        insert into company_settings values ('fiscal_year_start_month', '2');
        insert into accounts (account_id, name) values ('S', 'Swap'), ('R', 'Return');
        insert into subscriptions (subscription_id, account_id, product_id, start_date, end_date,
          mrr, currency_code, cancelled_at) values
          ('S1', 'S', 'P1', DATE '2023-01-01', DATE '2024-02-29', 500, 'USD', NULL),
          ('S2', 'S', 'P2', DATE '2024-03-01', NULL, 500, 'USD', NULL),
          ('R1', 'R', 'P1', DATE '2023-01-01', NULL, 100, 'USD', DATE '2024-02-15'),
          ('R2', 'R', 'P1', DATE '2024-04-01', NULL, 150, 'USD', NULL);
    """)
    r = run(warehouse, "arr_waterfall", period=Q1)
    got = dict(zip(r.columns, r.rows[0], strict=True))
    assert got["expansion_arr"] == 600 and got["net_new_arr"] == 600
    assert got["churned_arr"] == got["new_arr"] == got["reactivation_arr"] == 0
    with pytest.raises(ToolInputError, match="product"):
        run(warehouse, "arr_waterfall", period=Q1, group_by=[Dimension.product])
    with pytest.raises(ToolInputError, match="rep"):
        run(warehouse, "arr", period=Q1, group_by=[Dimension.rep])


def test_undefined_retention_is_null(warehouse):
    r = run(warehouse, "net_revenue_retention", period=Q1)
    assert r.value is None and r.null_reason == "NO_DATA"
    warehouse.execute("""insert into subscriptions (subscription_id, account_id, start_date, mrr,
        currency_code) values ('N', 'N', DATE '2024-03-01', 100, 'USD')""")
    r = run(warehouse, "net_revenue_retention", period=Q1)
    assert r.value is None and r.null_reason == "ZERO_DENOMINATOR"
    assert run(warehouse, "arr_waterfall", period=Q1).value == 1200  # all new


@pytest.mark.parametrize("tool", ["arr", "arr_waterfall", "net_revenue_retention"])
@pytest.mark.parametrize("params", [
    {}, {"group_by": [Dimension.region], "top": 2}, {"time_grain": "month"},
    {"group_by": [Dimension.segment], "time_grain": "quarter"},
    {"filters": [Filter(dimension=Dimension.industry, values=["Software"], exclude=True)]}])
def test_reported_sql_reproduces_rows(m11, tool, params):
    r = run(m11, tool, period=Q1, **params)
    assert r.rows
    assert [[plain(v) for v in row] for row in m11.execute(r.sql).fetchall()] == r.rows


def _independent_accounts(con, first: date, last: date) -> dict:
    """Per-account (opening, closing) ARR from raw subscriptions, computed in Python."""
    rates = con.execute("""select currency_code, arg_max(units_per_corporate, start_date)
        from fx_rates where start_date <= $d group by 1""", {"d": first}).fetchall()
    rate = dict(rates) | {"USD": 1}
    subs = con.execute("select account_id, start_date, end_date, cancelled_at, mrr, "
                       "currency_code from subscriptions").fetchall()

    def on(d, s):
        return s[1] <= d and (s[2] is None or d <= s[2]) and (s[3] is None or d < s[3])

    out: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for s in subs:
        mrr = round(s[4] / Decimal(rate[s[5]]), 4) * 12
        for k, d in enumerate((first - timedelta(days=1), last)):
            if on(d, s):
                out[s[0]][k] += mrr
    return {a: (max(o, 0), max(c, 0)) for a, (o, c) in out.items()}


@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 8, 1), date(2026, 10, 31)), (date(2026, 11, 1), END),
    (date(2025, 11, 27), END), (date(2025, 2, 1), date(2026, 1, 31)),
    (date(2024, 6, 1), date(2024, 6, 30))])
def test_demo_bridge_identity_and_independent_values(demo, start, end):
    period = PeriodParam(start=start, end=end, label=f"{start}..{end}")
    bridge = run(demo, "arr_waterfall", END, period=period)
    row = exact(demo, bridge)[0]
    assert_identity(row)
    accounts = _independent_accounts(demo, start, end)
    assert row["opening_arr"] == sum(o for o, _ in accounts.values())
    assert row["closing_arr"] == sum(c for _, c in accounts.values())
    assert run(demo, "arr", END, period=period).value == plain(row["closing_arr"])
    cohort = [(o, c) for o, c in accounts.values() if o > 0]
    nrr = run(demo, "net_revenue_retention", END, period=period)
    got = dict(zip(nrr.columns, nrr.rows[0], strict=True))
    opening = sum(o for o, _ in cohort)
    assert nrr.value == plain(float(sum(c for _, c in cohort) / opening))
    assert got["gross_retention_rate"] == plain(float(sum(min(o, c) for o, c in cohort) /
                                                      opening))
    assert got["logo_churn_rate"] == plain(sum(1 for _, c in cohort if c == 0) / len(cohort))


def test_demo_bridge_trend_chains(demo):
    r = run(demo, "arr_waterfall", END, time_grain="quarter")
    rows = exact(demo, r)
    assert len(rows) == 8
    for row in rows:
        assert_identity(row)
    assert all(a["closing_arr"] == b["opening_arr"] for a, b in zip(rows, rows[1:], strict=False))
    by_region = exact(demo, run(demo, "arr_waterfall", END, group_by=[Dimension.region]))
    assert sum(x["net_new_arr"] for x in by_region) == \
        exact(demo, run(demo, "arr_waterfall", END))[0]["net_new_arr"]


@pytest.mark.parametrize(("question", "tool", "column"), [
    ("what's our ARR", "arr", "arr"),
    ("ARR waterfall last quarter", "arr_waterfall", "net_new_arr"),
    ("what's our net revenue retention", "net_revenue_retention", "net_retention_rate"),
])
def test_ask_end_to_end(wh, demo, question, tool, column):
    r = answered(wh, question, tool)
    first = date(2026, 8, 1) if tool == "arr_waterfall" else None
    last = date(2026, 10, 31) if tool == "arr_waterfall" else END
    if tool == "net_revenue_retention":
        first = date(2025, 11, 27)
    accounts = _independent_accounts(demo, first or date(2026, 11, 1), last)
    closing = sum(c for _, c in accounts.values())
    opening = sum(o for o, _ in accounts.values())
    expected = {"arr": closing, "arr_waterfall": closing - opening,
                "net_revenue_retention": sum(c for o, c in accounts.values() if o > 0) / opening}
    assert r.result.value == plain(float(expected[tool]))
    assert r.result.columns[r.result.columns.index(column)] == column
