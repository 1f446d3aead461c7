"""The success-metric scorecard: targets, strict comparators, not-measured, trend, drivers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from agent.ask import ask
from tests.conftest import REPO
from tests.helpers import context, fixture_db
from tests.metrics_demo import END, demo_warehouse
from tools.base import Dimension, Filter, MetricParams, PeriodParam
from tools.metrics.operations.efficiency import ops_efficiency_value
from tools.metrics.productivity.bookings import productivity_improvement_value
from tools.metrics.scorecard.success_metrics import scorecard
from tools.metrics.technology.adoption import adoption_rate_value
from tools.query import plain

NAMES = ["Sales ops efficiency", "Data accuracy rate", "Sales productivity improvement",
         "Revenue reporting accuracy", "Technology adoption rate"]
Q3 = PeriodParam(start=date(2026, 8, 1), end=date(2026, 10, 31), label="FY2027 Q3")


@pytest.fixture(scope="module")
def boundary():
    """Ten sales-ops requests in FY2027 Q3, nine met and one breached: exactly 90%."""
    con = fixture_db("parser_world")
    start = datetime(2026, 8, 3, 9)
    for i in range(10):
        created = start + timedelta(days=i)
        resolved = created + timedelta(hours=30 if i == 0 else 2)
        con.execute("insert into ops_requests (request_id, request_type, created_at, "
                    "resolved_at, status, sla_hours) values ($id, 'access', $c, $r, 'closed', 24)",
                    {"id": f"Q{i}", "c": created, "r": resolved})
    yield con
    con.close()


def rows_by_name(r):
    return {row[0]: dict(zip(r.columns, row, strict=True)) for row in r.rows}


@pytest.mark.parametrize(("comparator", "passed"), [(">", False), (">=", True)])
def test_exactly_on_target_fails_the_strict_comparator(boundary, comparator, passed):
    r = scorecard(context(boundary, END), MetricParams(period=Q3,
                                                       options={"comparator": comparator}))
    ops = rows_by_name(r)["Sales ops efficiency"]
    assert ops["value"] == pytest.approx(0.9) and ops["target"] == 0.9
    assert ops["passed"] is passed and ops["gap"] == pytest.approx(0.0)


def test_five_metrics_with_targets_and_a_live_data_accuracy_when_none_recorded(boundary):
    from tools.quality.answer import check_run

    ctx = context(boundary, END)
    r = scorecard(ctx, MetricParams(period=Q3))
    rows = rows_by_name(r)
    assert list(rows) == NAMES
    assert [rows[n]["target"] for n in NAMES] == [0.90, 0.98, 0.30, 0.95, 0.85]
    accuracy = rows["Data accuracy rate"]
    live = check_run(ctx, recorded_ok=False).accuracy
    assert live is not None and accuracy["value"] == pytest.approx(live)
    assert accuracy["passed"] is (live > 0.98)
    # no check was recorded in the trend quarters: they stay unmeasured, never back-filled
    assert [accuracy[q] for q in ("FY2026 Q4", "FY2027 Q1", "FY2027 Q2")] == [None] * 3
    assert [w.code for w in r.warnings] == ["DQ_LIVE_CHECK"]
    assert r.columns[6:9] == ["FY2026 Q4", "FY2027 Q1", "FY2027 Q2"]


def test_recorded_checks_score_their_quarters():
    """A check recorded in a quarter is that quarter's rate; no live check is needed then."""
    from tools.quality.history import catalog_in_effect, record_run
    from tools.quality.runner import run_checks

    con = fixture_db("parser_world")
    ctx = context(con, END)
    catalog = catalog_in_effect(con)
    for as_of in (date(2026, 6, 30), date(2026, 10, 15)):  # FY2027 Q2 and Q3
        record_run(con, run_checks(con, catalog, ctx.settings, as_of), catalog)
    recorded = dict(con.execute("select as_of, accuracy from dq_runs").fetchall())
    r = scorecard(ctx, MetricParams(period=Q3))
    accuracy = rows_by_name(r)["Data accuracy rate"]
    assert accuracy["value"] == pytest.approx(recorded[date(2026, 10, 15)])
    assert accuracy["FY2027 Q2"] == pytest.approx(recorded[date(2026, 6, 30)])
    assert accuracy["FY2027 Q1"] is None and not r.warnings
    con.close()


def test_unknown_comparator_asks_back(boundary):
    from tools.base import ToolInputError

    with pytest.raises(ToolInputError):
        scorecard(context(boundary, END), MetricParams(options={"comparator": "<"}))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


def test_values_come_from_the_metric_tools_and_misses_name_drivers(demo):
    response = ask(demo, "how are we doing against our targets?", as_of=END)
    assert response.status == "answered" and response.intent.tool == "scorecard"
    r = response.result
    rows = {row[0]: dict(zip(r.columns, row, strict=True)) for row in r.rows}
    ctx = context(demo.con, END)
    q3 = Q3.as_period()
    assert r.period["label"] == "FY2027 Q3"  # the latest complete quarter before the as-of
    assert rows["Sales ops efficiency"]["value"] == ops_efficiency_value(ctx, q3).value
    assert rows["Technology adoption rate"]["value"] == adoption_rate_value(ctx, q3).value
    productivity = rows["Sales productivity improvement"]
    assert productivity["value"] == productivity_improvement_value(ctx, q3).value
    for row in rows.values():
        if row["passed"] is False and row["metric"] != "Data accuracy rate":
            assert row["drivers"], row
        if row["passed"] is not None:
            assert row["passed"] == (row["value"] > row["target"])
    assert "Against the success targets for FY2027 Q3" in response.answer


def test_every_statement_of_the_scorecard_reproduces_its_value(demo):
    r = ask(demo, "scorecard for last quarter", as_of=END).result
    parts = r.sql.split("\n\n-- ")  # one "-- metric, quarter(s)" header per statement
    assert len(parts) >= 8
    rows = {row[0]: row for row in r.rows}
    quarters_seen = 0
    for part in parts:
        header, sql = part.lstrip("- ").split("\n", 1)
        result = demo.con.execute(sql.rstrip().rstrip(";")).fetchall()  # runs as reported
        metric, *quarters = header.split(", ")
        quarters_seen += len(quarters)
        if "FY2027 Q3" in quarters and metric != "Data accuracy rate":
            found = result[0] if len(quarters) == 1 else next(  # a trend: the quarter's row
                row for row in result if row[0] == "FY2027 Q3")
            assert any(plain(v) == rows[metric][1] for v in found), (metric, found)
    assert quarters_seen >= 16  # four quarters of each measured metric


@pytest.mark.parametrize("tool", ["revenue_reporting_accuracy", "technology_adoption",
                                  "ops_efficiency"])
def test_quarters_from_one_trend_statement_equal_a_run_per_quarter(demo, tool):
    """for_quarters (the scorecard's four quarters in one statement) gives each quarter the
    value, record count and reason of its own run, including quarters without data."""
    from tools.metrics.core.records import for_period, for_quarters
    from tools.registry import TOOLS

    run, count = TOOLS[tool].run, {"revenue_reporting_accuracy": "keys",
                                   "technology_adoption": "licensed_users",
                                   "ops_efficiency": "requests"}[tool]
    ctx = context(demo.con, END)
    cal = ctx.settings.calendar
    latest = Q3.as_period()
    for end in (latest, cal.bucket(date(2021, 3, 1), "quarter")):  # the second has no data
        quarters = [cal.previous(end, "quarter", n) for n in (3, 2, 1)] + [end]
        together = for_quarters(run, ctx, quarters, count)
        alone = [for_period(run, ctx, q) for q in quarters]
        assert len({r.sql for r in together}) == 1 and together[0].sql != alone[0].sql
        for a, b in zip(together, alone, strict=True):
            assert (a.value, a.n_records, a.null_reason, a.period) == \
                   (b.value, b.n_records, b.null_reason, b.period), tool
        if end is latest:
            assert all(r.value is not None for r in together)
        else:
            assert all(r.value is None and r.n_records == 0 for r in together)


def test_cli_scorecard_json(tmp_path_factory):
    demo_warehouse(tmp_path_factory)
    path = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    out = subprocess.run([sys.executable, "-m", "protocols.cli", "scorecard", "--db", str(path),
                          "--as-of", END.isoformat(), "--json"], capture_output=True, text=True,
                         cwd=REPO, check=True)
    body = json.loads(out.stdout)
    assert body["status"] == "answered"
    columns = body["result"]["columns"]
    metrics = [dict(zip(columns, row, strict=True)) for row in body["result"]["rows"]]
    assert [m["metric"] for m in metrics] == NAMES
    assert all({"target", "passed", "gap"} <= set(m) for m in metrics)


OLD_ACTIVE_DAYS = """count(distinct cast(e.occurred_at as date))
           filter (where list_contains({types}, e.event_type)) as active_days,"""
"""Adoption's active days as first written (an aggregate FILTER on a DISTINCT count)."""
OLD_LEDGER_IDS = "(select opportunity_id from ledger where key like 'O:%')"
"""Reconciliation's deals the ledger carries, as first written: from the ledger's keys."""
LEDGER_SPAN = """
    and e.posting_date >= (select min(b_start) from buckets)
    and e.posting_date <= (select max(b_end) from buckets) + {window}"""


def full_statements(monkeypatch) -> None:
    """Put back the statements the faster ones replaced: reconciliation with its label joins
    over every deal (never from what is kept at load: tests/test_kept_quarters.py), the whole
    ledger to the as-of date keyed before it is cut to the buckets,
    and the ledger's deals taken from its keys; adoption's active days as a DISTINCT count
    with a FILTER."""
    from tools.metrics.operations import reconciliation
    from tools.metrics.technology import adoption

    monkeypatch.setattr(reconciliation, "_labelled", lambda params: True)
    monkeypatch.setattr(reconciliation, "_stored", lambda *a: False)  # the keys kept at load
    monkeypatch.setattr(adoption, "_kept", lambda *a: False)  # and the usage kept at load
    recon = reconciliation.RECON_SQL
    assert "(select opportunity_id from ledger_ids)" in recon and LEDGER_SPAN in recon
    monkeypatch.setattr(reconciliation, "RECON_SQL", recon.replace(
        "(select opportunity_id from ledger_ids)", OLD_LEDGER_IDS).replace(LEDGER_SPAN, ""))
    sql = adoption.ADOPTION_SQL
    start = sql.index("coalesce(bit_count(bitstring_agg(")
    end = sql.index("as active_days,") + len("as active_days,")
    monkeypatch.setattr(adoption, "ADOPTION_SQL", sql[:start] + OLD_ACTIVE_DAYS + sql[end:])


def same(a, b, tool) -> None:
    """The same answer from two statements (float sums to 12 digits)."""
    assert a.sql != b.sql and a.columns == b.columns
    assert (a.n_records, a.null_reason, a.period) == (b.n_records, b.null_reason, b.period)
    assert len(a.rows) == len(b.rows) and close(a.value, b.value)
    for x, y in zip(a.rows, b.rows, strict=True):  # float sums may differ in their order
        assert all(close(u, v) for u, v in zip(x, y, strict=True)), (tool, x, y)


@pytest.mark.parametrize("tool", ["revenue_reporting_accuracy", "technology_adoption"])
def test_the_scorecards_faster_statements_equal_the_full_ones(demo, tool, monkeypatch):
    """Reconciliation without a split leaves out the label joins and reads only won deals, and
    keys only the ledger of the buckets' dates; adoption counts active days as bits: both
    give what the full statements give, for one quarter, the four-quarter trend and a
    quarter without data."""
    from tools.metrics.core.records import for_period, for_quarters
    from tools.registry import TOOLS

    run, count = TOOLS[tool].run, {"revenue_reporting_accuracy": "keys",
                                   "technology_adoption": "licensed_users"}[tool]
    ctx = context(demo.con, END)
    cal = ctx.settings.calendar
    quarters = [cal.previous(Q3.as_period(), "quarter", n) for n in (3, 2, 1)] + [Q3.as_period()]
    empty = cal.bucket(date(2021, 3, 1), "quarter")

    def runs():
        return [for_period(run, ctx, q) for q in (*quarters, empty)] + \
            for_quarters(run, ctx, quarters, count)

    fast = runs()
    if tool == "revenue_reporting_accuracy":
        assert "left join accounts" not in fast[0].sql and "status = 'won')" in fast[0].sql
    else:
        assert "filter (where list_contains" not in fast[0].sql
    full_statements(monkeypatch)
    full = runs()
    assert "left join accounts" in full[0].sql or "filter (where list_contains" in full[0].sql
    assert sum(r.value is not None for r in fast) >= 8
    for a, b in zip(fast, full, strict=True):
        same(a, b, tool)


RECON_CASES = [
    {"group_by": [Dimension.region]},
    {"group_by": [Dimension.opportunity], "top": 20},
    {"filters": [Filter(dimension=Dimension.segment, values=["Enterprise"])]},
    {"compare": "previous_period"},
    {"time_grain": "month"},
    {"all_time": True},
    {"options": {"timing_window_days": 45}},
    {"options": {"key_level": "account_month"}},
    {"options": {"key_level": "opportunity"}},
]
ADOPTION_CASES = [
    {"group_by": [Dimension.tool]},
    {"group_by": [Dimension.team, Dimension.tool]},
    {"filters": [Filter(dimension=Dimension.tool, values=["Salesforce"])]},
    {"compare": "previous_year"},
    {"time_grain": "month"},
    {"all_time": True},
    {"options": {"min_active_days": 5}},
    {"options": {"event_types": "email_sent,report_run"}},
    {"measure": "idle_cost", "group_by": [Dimension.tool]},
]


@pytest.mark.parametrize(("tool", "params", "who"),
                         [("revenue_reporting_accuracy", p, "admin") for p in RECON_CASES]
                         + [("technology_adoption", p, w) for p in ADOPTION_CASES
                            for w in ("admin", "rep")]  # reconciliation is refused to a rep
                         + [("technology_adoption",  # seats: only by tool, so not for a rep
                             {"measure": "seat_utilization", "group_by": [Dimension.tool]},
                             "admin")])
def test_the_faster_statements_answer_every_question_as_the_full_ones(demo, tool, params, who,
                                                                      monkeypatch):
    """The same rewrites answer every shape of question the tools take (a split, a filter, a
    comparison, a monthly trend, all dates, the options), for everyone and within a rep's
    row scope, as the statements they replaced."""
    from tests.service_server import TOKENS
    from tools.access import row_scope
    from tools.base import ToolContext
    from tools.registry import run_tool

    def answer():
        con = demo.cursor()
        requester = TOKENS["rep"][1].requester() if who == "rep" else None
        ctx = ToolContext(con=con, settings=demo.settings, as_of=END, facts=demo.facts,
                          scope=row_scope(requester, con))
        return run_tool(ctx, tool, MetricParams(period=None if params.get("all_time") else Q3,
                                                **params))

    fast = answer()
    full_statements(monkeypatch)
    full = answer()
    assert fast.rows and fast.n_records > 0, "the case answers nothing"
    same(fast, full, tool)


def close(a, b) -> bool:
    """Equal, floats to 12 significant digits (a sum's last bits follow its order)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b
