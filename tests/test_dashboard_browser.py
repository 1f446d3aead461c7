"""The dashboard in a real browser: Debian's chromium driven by Playwright, on loopback.

Checks that the page loads without console errors and without a request leaving the server,
that every panel draws marks, that a filter changes the numbers, that the ask box answers with
a chart, that a rep's session shows only the rep's data; full-page screenshots go to
tests/artifacts (or $REVOPS_TEST_ARTIFACTS). Skips only when chromium is not installed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.dashboard import Dashboard, Filters
from agent.dashboard_page import VegaBundle, render
from tests.conftest import REPO
from tests.metrics_demo import END, demo_warehouse
from tests.service_server import TOKENS, agent_service

CHROMIUM = Path(os.environ.get("REVOPS_CHROMIUM", "/usr/bin/chromium"))
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM}")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("REVOPS_TEST_ARTIFACTS", REPO / "tests" / "artifacts"))
MARKS = ".role-mark path, .role-mark rect, .role-mark line, .role-mark text, .role-mark symbol"
REP = TOKENS["rep"][1]


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(wh, tmp_path_factory) -> Iterator[tuple[str, Any]]:
    with agent_service(wh, tmp_path_factory.mktemp("dash")) as served:
        yield served


class Watch:
    """What a page did: console errors and every request it made."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type in (
            "error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))


def open_page(browser: Any, url: str, width: int = 1280) -> tuple[Any, Any, Watch]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    return context, page, watch


def marks_per_panel(page: Any) -> dict[str, int]:
    return page.eval_on_selector_all(
        "article.panel", f"""els => Object.fromEntries(els.map(e => [e.dataset.panel,
        e.dataset.drawn === '1' ? e.querySelectorAll({MARKS!r}).length : 0]))""")


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_the_shared_file_draws_every_panel_offline(browser, wh):
    board = Dashboard(wh)
    page_data = board.page(Filters(), END)
    html = render(page_data, live=False, vega_js=VegaBundle().js(), views=board.views(END))
    path = Path(tempfile.mkdtemp()) / "report.html"
    path.write_text(html, encoding="utf-8")
    for width, name in ((1280, "dashboard-file-1280.png"), (420, "dashboard-file-narrow.png")):
        context, page, watch = open_page(browser, path.as_uri(), width)
        marks = marks_per_panel(page)
        assert set(marks) == {p.key for p in page_data.panels}
        assert all(n > 0 for n in marks.values()), marks
        assert watch.errors == []
        assert all(u.startswith(("file://", "data:", "blob:")) for u in watch.requests), \
            watch.requests
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width, "the page must not scroll sideways"
        shot(page, name)
        if width == 1280:  # the file's filters switch between its precomputed views
            before = page.inner_text("[data-kpi='pipeline'] .value")
            region = page.eval_on_selector("select[name='region']", "s => s.options[1].value")
            page.select_option("select[name='region']", region)
            page.wait_for_selector("body[data-ready='1']", timeout=60_000)
            assert page.inner_text("[data-kpi='pipeline'] .value") != before
            assert all(n > 0 for n in marks_per_panel(page).values())
            assert watch.errors == []
        context.close()


def test_live_page_filters_and_ask_box(browser, server):
    base, service = server
    once = service.sessions.login_token(TOKENS["revops"][1])
    context, page, watch = open_page(browser, f"{base}/?token={once}")
    assert "token=" not in page.url  # the token left the address bar
    marks = marks_per_panel(page)
    assert all(n > 0 for n in marks.values()), marks
    before = page.inner_text("[data-kpi='bookings'] .value")
    records = page.get_attribute("[data-panel='pipeline_stage']", "data-records")
    region = page.eval_on_selector("select[name='region']",
                                   "s => s.options[1].value")
    page.select_option("select[name='region']", region)
    page.wait_for_function("document.body.dataset.ready === '1' && "
                           "location.search.includes('region=')", timeout=60_000)
    assert page.inner_text("[data-kpi='bookings'] .value") != before
    assert page.get_attribute("[data-panel='pipeline_stage']", "data-records") != records
    page.fill("#ask-input", "bookings by month this year")
    page.click("#ask-form button")
    page.wait_for_selector("#ask-answer[data-state='answered'] #ask-chart svg",
                           timeout=60_000)
    assert page.locator(f"#ask-chart :is({MARKS})").count() > 0
    assert "Bookings" in page.inner_text("#ask-answer .text")
    assert watch.errors == []
    assert all(u.startswith((base, "data:", "blob:")) for u in watch.requests), watch.requests
    shot(page, "dashboard-live-1280.png")
    context.close()


def test_a_reps_cookie_shows_only_the_reps_data(browser, server):
    base, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    page.goto(base)  # not signed in: the sign-in form
    page.fill("input[name='token']", TOKENS["rep"][0])
    page.click("button[type='submit']")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    watch.errors = [e for e in watch.errors if "401" not in e]  # the sign-in page itself
    assert REP.name in page.inner_text("#subtitle")
    reps = page.eval_on_selector_all(
        "[data-panel='risk'] table tbody tr td:nth-child(2)", "tds => tds.map(t => t.textContent)")
    assert reps and set(reps) == {REP.name}
    assert "Not available to you" in page.inner_text("[data-panel='scorecard']")
    cookies = context.cookies()
    [session] = [c for c in cookies if c["name"] == "revops_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # not readable by scripts
    assert watch.errors == []
    shot(page, "dashboard-rep-1280.png")
    context.close()
