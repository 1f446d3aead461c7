"""The dashboard's panels come from the tools, follow the filters and the viewer's scope; the
shared file is self-contained; the live page signs in with a token and keeps a session cookie."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from agent.dashboard import PANELS, Dashboard, Filters, resolve_period
from agent.dashboard_page import render
from tests.metrics_demo import END, demo_warehouse
from tests.service_server import TOKENS, agent_service
from tests.test_cli import revops
from tools.base import Dimension, Filter, MetricParams, PeriodParam, ToolContext
from tools.registry import run_tool

REP = TOKENS["rep"][1]


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def board(wh):
    return Dashboard(wh)


def tool(wh, name: str, **params) -> object:
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=END, facts=wh.facts)
    return run_tool(ctx, name, MetricParams(**params))


def drawn(spec: dict) -> list[dict]:
    """The data values of a chart's first mark (at the top, or in its first layer)."""
    return (spec.get("data") or spec["layer"][0]["data"])["values"]


def panel(page, key):
    return next(p for p in page.panels if p.key == key)


def test_every_panel_is_drawn_from_its_tools_with_provenance(board):
    page = board.page(Filters(), END)
    assert [p.key for p in page.panels] == [k for k, *_ in PANELS]
    for p in page.panels:
        assert p.error is None, (p.key, p.error)
        assert p.chart is not None and p.tools and p.sql and p.definition, p.key
        assert p.as_of == END.isoformat() and p.period, p.key
    assert [k.key for k in page.kpis] == ["bookings", "attainment", "pipeline", "coverage",
                                          "win_rate"]


def test_every_chart_is_a_valid_vega_lite_spec(board):
    """Charts are built without validation (it costs more than the SQL of a panel): each one
    the page draws must pass the Vega-Lite schema here, and a broken one must not."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema import load_schema

    schema = load_schema()
    charts = [p.chart for p in board.page(Filters(), END).panels if p.chart]
    assert len(charts) == len(PANELS)
    for chart in charts:
        assert validate_jsonschema(chart, schema, rootschema=schema, raise_error=False) is None
    broken = {**charts[0], "mark": {"type": "no-such-mark"}}
    assert validate_jsonschema(broken, schema, rootschema=schema, raise_error=False) is not None


def test_panel_numbers_are_the_tools_numbers(wh, board):
    page = board.page(Filters(), END)
    coverage = tool(wh, "pipeline_coverage", group_by=[Dimension.team],
                    period=resolve_period("quarter", END, wh.settings.calendar))
    bars = drawn(panel(page, "coverage").chart)
    i = coverage.columns.index("coverage")
    assert {d["label"]: d["coverage"] for d in bars} == {
        row[0]: row[i] for row in coverage.rows if row[i] is not None}
    assert panel(page, "coverage").n_records == coverage.n_records
    october = tool(wh, "quota_attainment", period=PeriodParam(
        start=date(2026, 10, 1), end=date(2026, 10, 31), label="x"))
    months = {d["month"]: d for d in drawn(panel(page, "bookings").chart)}
    assert months["2026-10"]["bookings"] == october.rows[0][0]
    assert months["2026-10"]["quota"] == october.rows[0][1]
    kpi = next(k for k in page.kpis if k.key == "bookings")
    assert kpi.value == tool(wh, "bookings", period=resolve_period(
        "quarter", END, wh.settings.calendar)).value


def test_a_filter_changes_the_numbers_and_says_what_it_could_not_filter(wh, board):
    everyone = board.page(Filters(), END)
    emea = board.page(Filters(region="EMEA"), END)
    direct = tool(wh, "open_pipeline", group_by=[Dimension.stage],
                  period=resolve_period("quarter", END, wh.settings.calendar),
                  filters=[Filter(dimension=Dimension.region, values=["EMEA"])])
    assert panel(emea, "pipeline_stage").n_records == direct.n_records
    assert panel(emea, "pipeline_stage").n_records < panel(everyone, "pipeline_stage").n_records
    assert any("cannot be filtered by region" in n for n in panel(emea, "sla").notes)


def test_a_rep_sees_only_their_own_deals(board):
    page = board.page(Filters(), END, REP.requester())
    risk = panel(page, "risk")
    assert risk.error is None and {row[1] for row in risk.rows} == {REP.name}
    assert panel(page, "scorecard").error.startswith("Not available to you")
    assert page.viewer == f"{REP.name} (rep)"


def test_pages_are_cached_by_data_fingerprint_filters_and_viewer(board):
    first = board.page(Filters(period="year"), END)
    assert board.page(Filters(period="year"), END) is first
    assert board.page(Filters(period="year"), END, REP.requester()) is not first


def test_the_shared_file_is_self_contained(board, tmp_path):
    db = tmp_path / "demo.duckdb"
    assert revops("demo", "--db", str(db), "--opportunities", "1500", "--end-date",
                  END.isoformat()).returncode == 0
    out = revops("dashboard", "--db", str(db), "--as-of", END.isoformat(), "--out",
                 str(tmp_path / "report.html"))
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "report.html").read_text()
    assert "vegaEmbed" in html and 'data-live="0"' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from elsewhere
    bad = revops("dashboard", "--db", str(db), "--region", "Atlantis", "--out",
                 str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "unknown region" in bad.stderr


def test_live_page_signs_in_once_and_keeps_an_httponly_samesite_cookie(wh, tmp_path):
    with agent_service(wh, tmp_path) as (base, service):
        with httpx.Client(base_url=base, timeout=120) as web:
            assert web.get("/").status_code == 401  # no token, no cookie: how to sign in
            assert web.get("/dashboard/data").status_code == 401
            once = service.sessions.login_token(TOKENS["revops"][1])
            signed = web.get(f"/?token={once}&period=year", follow_redirects=False)
            assert signed.status_code == 303 and signed.headers["location"] == "/?period=year"
            cookie = signed.headers["set-cookie"].lower()
            assert "httponly" in cookie and "samesite=strict" in cookie
            page = web.get("/?period=year")
            assert page.status_code == 200 and 'data-live="1"' in page.text
            assert "default-src 'self'" in page.headers["content-security-policy"]
            assert web.get("/dashboard/data?period=century").status_code == 422
            asked = web.post("/v1/tasks", headers={"Origin": base}, json={
                "task_id": "dash-1", "sender": "dashboard", "question": "win rate by region"})
            assert asked.status_code == 200 and asked.json()["result"]["chart"]
            forged = web.post("/v1/tasks", headers={"Origin": "http://elsewhere.example"},
                              json={"task_id": "dash-2", "sender": "dashboard",
                                    "question": "win rate"})
            assert forged.status_code == 401
        with httpx.Client(base_url=base, timeout=120) as other:
            assert other.get(f"/?token={once}", follow_redirects=False).status_code == 401
            form = other.post("/", data={"token": TOKENS["rep"][0]}, follow_redirects=False)
            assert form.status_code == 303 and "httponly" in form.headers["set-cookie"].lower()
            data = other.get("/dashboard/data").json()
            assert data["viewer"] == f"{REP.name} (rep)"
            risk = next(p for p in data["panels"] if p["key"] == "risk")
            assert {row[1] for row in risk["rows"]} == {REP.name}
            shell = other.get("/dashboard/data?shell=1").json()  # panels load one by one
            assert all(p["pending"] and p["chart"] is None for p in shell["panels"])
            one = other.get("/dashboard/panel/risk").json()
            assert one["rows"] == risk["rows"] and one["sql"] == risk["sql"]
            assert other.get("/dashboard/panel/nope").status_code == 404


def test_a_shared_file_holds_every_view_its_filters_offer(board):
    from agent.dashboard import view_key

    views = board.views(END)
    choices = board.choices()
    assert len(views) == 3 * (1 + len(choices["region"]) + len(choices["team"]))
    for key, page in views.items():
        assert view_key(page.filters) == key
    region = choices["region"][0]
    emea = views[f"quarter|{region}|"]
    assert emea is board.page(Filters(region=region), END)  # the page the live server shows
    assert panel(emea, "pipeline_stage").n_records < panel(
        views["quarter||"], "pipeline_stage").n_records
    html = render(views["quarter||"], live=False, vega_js="", views=views)
    assert f"year||{choices['team'][0]}" in html and "views-data" in html


def test_render_keeps_the_data_out_of_the_markup(board):
    page = board.page(Filters(), END)
    page = page.model_copy(update={"company": "</script><script>alert(1)</script>"})
    html = render(page, live=False, vega_js="")
    assert "</script><script>alert(1)" not in html


class Clock:
    """A clock a test moves on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_end_after_the_idle_timeout_and_are_dropped(monkeypatch):
    from protocols.auth import Sessions, TokenTable
    from tools.settings import Settings

    clock = Clock()
    sessions = Sessions(TokenTable({t: who for t, who in TOKENS.values()}), idle_seconds=600,
                        clock=clock)
    cookie = f"revops_session={sessions.start(TOKENS['rep'][0])}"
    clock.now += 599
    assert sessions.identity(cookie) == REP  # used: its idle time starts again
    clock.now += 599
    assert sessions.identity(cookie) == REP
    clock.now += 601
    assert sessions.identity(cookie) is None and len(sessions) == 0
    once = sessions.login_token(TOKENS["revops"][1])
    other = sessions.start(TOKENS["revops"][0])
    clock.now += 601
    assert sessions.start(once) is None  # an unused login link ends too
    assert len(sessions) == 0 and other is not None  # ended sessions are dropped on a start
    monkeypatch.delenv("REVOPS_SESSION_IDLE_SECONDS", raising=False)
    assert Settings().auth.session_idle_seconds == 8 * 3600
    monkeypatch.setenv("REVOPS_SESSION_IDLE_SECONDS", "90")
    assert Settings().auth.session_idle_seconds == 90
    monkeypatch.setenv("REVOPS_SESSION_IDLE_SECONDS", "soon")
    with pytest.raises(ValueError):
        Settings()


def test_an_idle_session_must_sign_in_again(wh, tmp_path, monkeypatch):
    monkeypatch.setenv("REVOPS_SESSION_IDLE_SECONDS", "60")
    with agent_service(wh, tmp_path) as (base, service):
        clock = Clock()
        service.sessions.clock = clock
        assert service.sessions.idle_seconds == 60
        with httpx.Client(base_url=base, timeout=120) as web:
            once = service.sessions.login_token(TOKENS["revops"][1])
            assert web.get(f"/?token={once}", follow_redirects=False).status_code == 303
            assert web.get("/dashboard/data?shell=1").status_code == 200
            clock.now += 61
            assert web.get("/dashboard/data?shell=1").status_code == 401
            assert web.get("/").status_code == 401  # the sign-in page again


def test_panels_share_the_warehouse_answer_cache(wh):
    """A panel's tool run is the answer any other question gets on the same data (one cache,
    keyed by the data fingerprint), and the filter values are read once per fingerprint."""
    board = Dashboard(wh)  # no page computed yet: the panel runs its tools
    board.panel("pipeline_stage", Filters(), END)
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=END, facts=wh.facts,
                      memo=wh.memo, cache=wh.answers)
    hits = wh.answers.hits
    run_tool(ctx, "open_pipeline", MetricParams(
        group_by=[Dimension.stage], period=resolve_period("quarter", END, wh.settings.calendar)))
    assert wh.answers.hits == hits + 1
    assert board.choices() is board.choices()
    assert board.fingerprint() == (wh.identity, wh.answers.fingerprint())
    assert wh.identity is not None
