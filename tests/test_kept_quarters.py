"""What is kept per fiscal quarter at load answers exactly as the statements it stands for.

Revenue reconciliation from its keys (recon_quarter_keys): whole quarters and quarterly trends
read the table; every other question (a split, a filter, a partial or non-quarter period, a
comparison, other options, an as-of date before a deal's ledger entry, a changed ledger) runs
the statement as before, and a rep is refused either way. Technology adoption from its usage
(usage_quarter_days): whole quarters and quarterly trends with any split, filter, measure,
threshold and a rep's scope read it; other event types, periods or changed events do not."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import duckdb
import pytest

from tests.metrics_demo import END, demo_warehouse
from tests.service_server import TOKENS
from tools.access import AccessDenied, row_scope
from tools.base import Dimension, Filter, MetricParams, MetricResult, PeriodParam, ToolContext
from tools.fiscal import Period
from tools.metrics.operations import reconciliation
from tools.registry import run_tool
from tools.warehouse import open_analytics, writable
from tools.warehouse.facts import recon_keys
from tools.warehouse.settings import load_settings

TOOL = "revenue_reporting_accuracy"


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


def _ctx(con, as_of=END, requester=None) -> ToolContext:
    return ToolContext(con=con, settings=load_settings(con), as_of=as_of, facts=True,
                       scope=row_scope(requester, con))


def _both(con, params: MetricParams, monkeypatch, as_of=END, requester=None
          ) -> tuple[MetricResult, MetricResult]:
    """The answer as the tool gives it, and from the statement alone (the table never read)."""
    kept = run_tool(_ctx(con, as_of, requester), TOOL, params)
    with monkeypatch.context() as m:
        m.setattr(reconciliation, "_stored", lambda *a: False)
        live = run_tool(_ctx(con, as_of, requester), TOOL, params)
    assert "recon_quarter_keys" not in live.sql
    return kept, live


def _same(a: MetricResult, b: MetricResult) -> None:
    """Field for field (floats to 12 digits: a sum's last bits follow its order)."""
    assert a.columns == b.columns and len(a.rows) == len(b.rows)
    assert (a.n_records, a.null_reason, a.period, a.unit, a.measure) == \
           (b.n_records, b.null_reason, b.period, b.unit, b.measure)
    assert [w.code for w in a.warnings] == [w.code for w in b.warnings]
    for x, y in zip([[a.value]] + a.rows, [[b.value]] + b.rows, strict=True):
        for u, v in zip(x, y, strict=True):
            if isinstance(u, float) and isinstance(v, float):
                assert u == pytest.approx(v, rel=1e-12, abs=1e-9), (x, y)
            else:
                assert u == v, (x, y)


def _quarters(con) -> list[Period]:
    cal = load_settings(con).calendar
    last = cal.previous(cal.bucket(END, "quarter"), "quarter")
    return [cal.previous(last, "quarter", n) for n in range(6, -1, -1)]


def test_the_table_is_current_after_a_load_and_holds_every_quarter(wh):
    current, last = recon_keys(wh.con)
    assert current and last is not None and last <= END
    cal = wh.settings.calendar
    starts = [r[0] for r in wh.con.execute(
        "select distinct bucket_start from recon_quarter_keys order by 1").fetchall()]
    assert starts and all(cal.bucket(s, "quarter").start == s for s in starts)


def test_whole_quarters_and_quarterly_trends_read_the_table_and_answer_the_same(
        wh, monkeypatch):
    cal = wh.settings.calendar
    quarters = _quarters(wh.con)
    empty = cal.bucket(date(2021, 3, 1), "quarter")
    year = cal.previous(cal.bucket(END, "year"), "year")
    cases = [MetricParams(period=PeriodParam.of(q)) for q in (*quarters, empty)] + [
        MetricParams(period=PeriodParam.of(Period(quarters[0].start, quarters[-1].end, "span")),
                     time_grain="quarter"),
        MetricParams(period=PeriodParam.of(year), time_grain="quarter"),
        MetricParams(period=PeriodParam.of(Period(empty.start, quarters[1].end, "long")),
                     time_grain="quarter"),  # quarters with and without data
        MetricParams(period=PeriodParam.of(quarters[-1]), measure="match_rate"),
        MetricParams(period=PeriodParam.of(quarters[-1]), measure="discrepancy"),
        MetricParams(period=PeriodParam.of(quarters[-2]),
                     options={"abs_tolerance": 250.0, "rel_tolerance": 0.05}),
        MetricParams(period=PeriodParam.of(quarters[-2]), options={"key_level": "auto",
                                                                   "timing_window_days": 0}),
    ]
    measured = 0
    for params in cases:
        kept, live = _both(wh.cursor(), params, monkeypatch)
        assert "recon_quarter_keys" in kept.sql, params
        _same(kept, live)
        measured += kept.value is not None or any(r[1] is not None for r in kept.rows)
    assert measured >= 10  # the cases have data, not only empty quarters


def test_every_other_question_runs_the_statement(wh, monkeypatch):
    cal = wh.settings.calendar
    q = _quarters(wh.con)[-1]
    region = wh.con.execute("select min(region) from opp_facts").fetchone()[0]
    team = wh.con.execute("select min(team) from opp_facts").fetchone()[0]
    current = cal.bucket(END, "quarter")  # in progress: cut by the as-of date
    cases = [
        {"group_by": [Dimension.region]},
        {"group_by": [Dimension.opportunity], "top": 20},
        {"filters": [Filter(dimension=Dimension.region, values=[region])]},
        {"filters": [Filter(dimension=Dimension.segment, values=["Enterprise"])]},
        {"compare": "previous_period"},
        {"time_grain": "month"},
        {"options": {"timing_window_days": 45}},
        {"options": {"key_level": "account_month"}},
        {"options": {"key_level": "opportunity"}},
        {"period": PeriodParam.of(current)},
        {"period": PeriodParam.of(current), "time_grain": "quarter"},
        {"period": PeriodParam.of(Period(q.start, q.end - timedelta(days=20), "part"))},
        {"period": PeriodParam.of(Period(q.start + timedelta(days=1), q.end, "part"))},
        {"period": PeriodParam.of(Period(cal.previous(q, "quarter").start, q.end, "two"))},
        {"all_time": True},
    ]
    for case in cases:
        case = dict(case)
        params = MetricParams(period=case.pop("period", None if case.get("all_time")
                                              else PeriodParam.of(q)), **case)
        kept, live = _both(wh.cursor(), params, monkeypatch)
        assert "recon_quarter_keys" not in kept.sql, case
        _same(kept, live)
    with pytest.raises(Exception, match="team"):  # reconciliation has no team: same refusal
        run_tool(_ctx(wh.cursor()), TOOL, MetricParams(period=PeriodParam.of(q), filters=[
            Filter(dimension=Dimension.team, values=[team])]))
    rep = TOKENS["rep"][1].requester()
    for stored in (True, False):  # a rep is refused the company's reconciliation either way
        with monkeypatch.context() as m:
            if not stored:
                m.setattr(reconciliation, "_stored", lambda *a: False)
            with pytest.raises(AccessDenied):
                run_tool(_ctx(wh.cursor(), requester=rep), TOOL,
                         MetricParams(period=PeriodParam.of(q)))


def test_an_as_of_date_before_a_deals_ledger_entry_runs_the_statement(wh, monkeypatch):
    """How a deal is keyed depends on the ledger entries posted by the as-of date: the kept
    keys (every entry) are the tool's only once the as-of date reaches the last of them."""
    _, last = recon_keys(wh.con)
    assert last is not None
    cal = wh.settings.calendar
    q = cal.previous(cal.bucket(last, "quarter"), "quarter")
    as_of = last - timedelta(days=1)
    assert q.end <= as_of
    # the statement as of that date: an as-of date before the data's end reads past states,
    # so compare it on the current deals (what the table holds) to see the table is not used
    ctx = _ctx(wh.cursor(), as_of)
    assert not reconciliation._stored(ctx, MetricParams(period=PeriodParam.of(q)), q,
                                      dict(reconciliation.read_options(
                                          MetricParams(), TOOL, reconciliation.OPTIONS)),
                                      "opp_facts")
    kept, live = _both(wh.cursor(), MetricParams(period=PeriodParam.of(q)), monkeypatch,
                       as_of=as_of)
    assert "recon_quarter_keys" not in kept.sql
    _same(kept, live)


def test_a_changed_ledger_is_not_read_until_a_writer_rebuilds_the_keys(wh, tmp_path,
                                                                      tmp_path_factory,
                                                                      monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copy(tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb", path)
    q = _quarters(wh.con)[-1]

    raw = duckdb.connect(str(path))  # a write the facts' fingerprint does not see
    raw.execute("insert into ledger_entries by name select 'LX-test' as entry_id, "
                "opportunity_id, account_id, $d as posting_date, 'invoice' as document_type, "
                "amount * 3 as amount, currency_code from ledger_entries "
                "where opportunity_id is not null and posting_date between $s and $d limit 1",
                {"s": q.start, "d": q.end})
    raw.close()
    ro = open_analytics(path)
    assert recon_keys(ro) == (False, None)
    kept, live = _both(ro, MetricParams(period=PeriodParam.of(q)), monkeypatch)
    assert "recon_quarter_keys" not in kept.sql
    _same(kept, live)
    before = run_tool(_ctx(wh.cursor()), TOOL, MetricParams(period=PeriodParam.of(q)))
    assert kept.value != before.value  # the entry changed the answer
    ro.close()
    with writable(path):
        pass  # a writer brings the kept keys up to date
    ro = open_analytics(path)
    assert recon_keys(ro)[0]
    again, live = _both(ro, MetricParams(period=PeriodParam.of(q)), monkeypatch)
    assert "recon_quarter_keys" in again.sql
    _same(again, live)
    _same(again, kept)
    ro.close()


ADOPTION = "technology_adoption"


def _adoption(con, params: MetricParams, monkeypatch, requester=None
              ) -> tuple[MetricResult, MetricResult]:
    from tools.metrics.technology import adoption

    kept = run_tool(_ctx(con, requester=requester), ADOPTION, params)
    with monkeypatch.context() as m:
        m.setattr(adoption, "_kept", lambda *a: False)
        live = run_tool(_ctx(con, requester=requester), ADOPTION, params)
    assert "usage_quarter_days" not in live.sql
    return kept, live


def test_adoption_reads_the_kept_usage_for_whole_quarters_whatever_the_split(wh, monkeypatch):
    cal = wh.settings.calendar
    quarters = _quarters(wh.con)
    q = quarters[-1]
    empty = cal.bucket(date(2021, 3, 1), "quarter")
    tool = wh.con.execute("select min(tool_name) from license_assignments").fetchone()[0]
    team = wh.con.execute("select min(team) from v_reps where team is not null").fetchone()[0]
    region = wh.con.execute("select min(region) from v_reps where region is not null"
                            ).fetchone()[0]
    span = PeriodParam.of(Period(quarters[0].start, q.end, "span"))
    cases = [({}, None), ({"period": PeriodParam.of(empty)}, None),
             ({"period": span, "time_grain": "quarter"}, None),
             ({"period": PeriodParam.of(Period(empty.start, q.end, "long")),
               "time_grain": "quarter"}, None),
             ({"group_by": [Dimension.tool]}, None),
             ({"group_by": [Dimension.team, Dimension.tool]}, None),
             ({"filters": [Filter(dimension=Dimension.tool, values=[tool])]}, None),
             ({"filters": [Filter(dimension=Dimension.team, values=[team])]}, None),
             ({"filters": [Filter(dimension=Dimension.region, values=[region])],
               "period": span, "time_grain": "quarter"}, None),
             ({"measure": "seat_utilization", "group_by": [Dimension.tool]}, None),
             ({"measure": "idle_cost", "group_by": [Dimension.tool]}, None),
             ({"options": {"min_active_days": 5}}, None),
             ({"options": {"min_assigned_share": 0.9}}, None),
             ({"options": {"event_types": "email_sent, record_create,record_update,"
                                         "activity_logged,report_run"}}, None),
             ({}, "rep"), ({"group_by": [Dimension.tool]}, "rep"),
             ({"period": span, "time_grain": "quarter"}, "rep")]
    for case, who in cases:
        case = dict(case)
        params = MetricParams(period=case.pop("period", PeriodParam.of(q)), **case)
        requester = TOKENS[who][1].requester() if who else None
        kept, live = _adoption(wh.cursor(), params, monkeypatch, requester)
        assert "usage_quarter_days" in kept.sql, case
        _same(kept, live)
        if case.get("period") is None and params.period != PeriodParam.of(empty):
            assert kept.rows and kept.n_records > 0, case  # something was compared


def test_adoption_runs_the_statement_otherwise(wh, monkeypatch):
    cal = wh.settings.calendar
    q = _quarters(wh.con)[-1]
    cases = [{"options": {"event_types": "email_sent"}},
             {"options": {"event_types": "login"}},
             {"time_grain": "month"}, {"compare": "previous_period"},
             {"compare": "previous_year", "group_by": [Dimension.tool]},
             {"period": PeriodParam.of(cal.bucket(END, "quarter"))},
             {"period": PeriodParam.of(Period(q.start, q.end - timedelta(days=1), "part"))},
             {"period": PeriodParam.of(Period(cal.previous(q, "quarter").start, q.end, "two"))},
             {"all_time": True}]
    for case in cases:
        case = dict(case)
        params = MetricParams(period=case.pop("period", None if case.get("all_time")
                                              else PeriodParam.of(q)), **case)
        kept, live = _adoption(wh.cursor(), params, monkeypatch)
        assert "usage_quarter_days" not in kept.sql, case
        _same(kept, live)


def test_changed_usage_events_are_not_read_until_a_writer_rebuilds(wh, tmp_path,
                                                                 tmp_path_factory, monkeypatch):
    from tools.warehouse.facts import usage_days

    path = tmp_path / "copy.duckdb"
    shutil.copy(tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb", path)
    q = _quarters(wh.con)[-1]
    params = MetricParams(period=PeriodParam.of(q), group_by=[Dimension.tool])
    raw = duckdb.connect(str(path))  # events written outside a load: one tool's people only
    raw.execute("delete from usage_events where occurred_at >= $s and occurred_at < $e "  # log in
                "and event_type <> 'login' and tool_name = (select min(tool_name) "
                "from usage_events)", {"s": q.start, "e": q.end + timedelta(days=1)})
    raw.close()
    ro = open_analytics(path)
    assert not usage_days(ro)
    kept, live = _adoption(ro, params, monkeypatch)
    assert "usage_quarter_days" not in kept.sql
    _same(kept, live)
    before = run_tool(_ctx(wh.cursor()), ADOPTION, params)
    assert kept.rows != before.rows  # the change shows
    ro.close()
    with writable(path):
        pass
    ro = open_analytics(path)
    assert usage_days(ro)
    again, live = _adoption(ro, params, monkeypatch)
    assert "usage_quarter_days" in again.sql
    _same(again, live)
    _same(again, kept)
    ro.close()
