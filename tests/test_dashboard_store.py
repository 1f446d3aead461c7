"""Dashboard pages kept on disk by data fingerprint: a restarted server serves them without
running a tool, new data is computed afresh (and the old data's pages dropped), and a serving
dashboard re-warms its default page in the background when the file changes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from agent.context import Warehouse
from agent.dashboard import Dashboard, Filters
from agent.dashboard_store import PageStore, store_beside
from agent.live_warehouse import LiveWarehouse
from tests.metrics_demo import END
from tests.test_live_warehouse import demo_file, drop_some  # noqa: F401 - the fixture
from tools.warehouse import open_analytics


def _store(path: Path) -> PageStore:
    where = store_beside(path)
    assert where is not None
    return PageStore(where)


def _panel(page, key):
    return next(p for p in page.panels if p.key == key)


def test_a_restarted_server_serves_the_kept_page_without_running_a_tool(demo_file):  # noqa: F811
    store = _store(demo_file)
    first = Warehouse(open_analytics(demo_file))
    page = Dashboard(first, store=store).page(Filters(), END)
    assert first.answers.misses > 0  # computed by the tools
    first.con.close()

    again = Warehouse(open_analytics(demo_file))  # a new server: new connection, no memory
    board = Dashboard(again, store=store)
    assert board.page(Filters(), END) == page
    assert board.panel("forecast", Filters(), END) == _panel(page, "forecast")
    assert (again.answers.misses, again.answers.hits) == (0, 0)  # no tool ran
    again.con.close()

    drop_some(demo_file, 100)  # new data: the kept page is not this data's
    third = Warehouse(open_analytics(demo_file))
    fresh = Dashboard(third, store=store).page(Filters(), END)
    assert third.answers.misses > 0
    assert fresh.fingerprint != page.fingerprint
    assert [p.name for p in store.directory.iterdir()] == [store._bucket(
        Dashboard(third).kept_as()).name]  # the old data's pages are gone
    third.con.close()


def _kept(board: Dashboard, timeout: float = 300.0) -> object:
    """The default page once the background warm-up has computed it for the current data."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        key = (board.fingerprint(), "page", Filters(), END, board.audience(None))
        with board.lock:
            if key in board.cache:
                return board.cache[key]
        time.sleep(0.2)
    raise AssertionError("the dashboard was not warmed")


def test_the_dashboard_rewarms_when_the_file_changes(demo_file):  # noqa: F811
    wh = LiveWarehouse(demo_file, check_every=0)
    board = Dashboard(wh, store=_store(demo_file))
    stop = threading.Event()
    follower = board.follow(lambda: END, every=0.1, stop=stop)
    try:
        before = _kept(board)
        drop_some(demo_file, 100)
        after = _kept(board)  # computed in the background for the new file
    finally:
        stop.set()
        follower.join(timeout=300)
    assert after.fingerprint != before.fingerprint
    now = Warehouse(open_analytics(demo_file))  # the new file's page, computed here
    try:
        expected = Dashboard(now).page(Filters(), END)
    finally:
        now.con.close()
    assert [p.rows for p in after.panels] == [p.rows for p in expected.panels]
    assert after.kpis == expected.kpis


def test_pages_are_kept_per_code_and_the_code_digest_follows_the_source(
        tmp_path, monkeypatch) -> None:
    """A page kept by other code (an edit without a version bump) is not served: the store's
    buckets are keyed by a digest of the installed source, which changes with any source file."""
    from agent.dashboard import Page
    from agent.dashboard_store import code_fingerprint

    page = Page(company="c", as_of=str(END), currency="USD", filters=Filters(), choices={},
                kpis=[], panels=[], fingerprint="f")
    old, new = (PageStore(tmp_path / "store", code=c) for c in ("old-code", "new-code"))
    old.put(("file", 1), "key", page)
    assert old.get(("file", 1), "key", Page) == page
    assert new.get(("file", 1), "key", Page) is None  # computed again by the new code
    assert PageStore(tmp_path / "other").release.endswith(f":{code_fingerprint()}")

    package = tmp_path / "src" / "pkg_under_test"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "rules.sql").write_text("select 1")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    digest = code_fingerprint.__wrapped__(("pkg_under_test",))
    assert digest == code_fingerprint.__wrapped__(("pkg_under_test",))  # stable
    (package / "sub" / "rules.sql").write_text("select 2")
    edited = code_fingerprint.__wrapped__(("pkg_under_test",))
    assert edited != digest
    (package / "sub" / "notes.txt").write_text("not code")  # only code decides a number
    assert code_fingerprint.__wrapped__(("pkg_under_test",)) == edited
    assert len(code_fingerprint()) == 16


def test_a_page_kept_at_load_serves_a_servers_first_visitor(demo_file):  # noqa: F811
    """`revops refresh` / `import` keep the default page: a server opened on the file later
    (through a link of its own, as `serve` opens it) serves it to an unrestricted visitor
    without running a tool, naming the visitor; a rep's page is the rep's, computed."""
    from agent.dashboard import keep_default_page
    from tests.service_server import TOKENS

    assert keep_default_page(demo_file, END)
    wh = LiveWarehouse(demo_file)
    board = Dashboard(wh, store=_store(demo_file))
    admin = TOKENS["revops"][1].requester()
    page = board.page(Filters(), END, admin)
    shell = board.shell(Filters(), END, admin)
    assert (wh.answers.misses, wh.answers.hits) == (0, 0)  # nothing computed here
    assert page.viewer == "ana (revops)" and shell.viewer == "ana (revops)"
    assert all(not p.pending for p in page.panels) and all(p.pending for p in shell.panels)
    fresh = Warehouse(open_analytics(demo_file))  # the same page, computed now
    try:
        expected = Dashboard(fresh).page(Filters(), END, admin)
    finally:
        fresh.con.close()
    assert page == expected
    rep = TOKENS["rep"][1].requester()
    mine = board.page(Filters(), END, rep)
    assert wh.answers.misses > 0 and mine.viewer == f"{TOKENS['rep'][1].name} (rep)"
    assert [p.rows for p in mine.panels] != [p.rows for p in page.panels]
    assert board.audience(rep) != board.audience(admin) == board.audience(None)


def test_a_reps_kept_pages_are_found_by_another_process(demo_file):  # noqa: F811
    """A rep's pages are filed by the rep's row scope, whose sets a new process (another hash
    seed) iterates in another order: the key sorts them, so a restarted server finds them."""
    import os
    import subprocess
    import sys

    from tests.service_server import TOKENS

    rep = TOKENS["rep"][1].requester()
    wh = Warehouse(open_analytics(demo_file))
    try:
        here = Dashboard(wh).audience(rep)
    finally:
        wh.con.close()
    assert here != ()
    code = ("import sys; from agent.context import Warehouse; from agent.dashboard import "
            "Dashboard; from tools.warehouse import open_analytics; "
            f"print(Dashboard(Warehouse(open_analytics({str(demo_file)!r}))).audience({rep!r})"
            "[0])")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert out.stdout.strip() == here[0]


def test_revops_refresh_keeps_the_default_page_unless_told_not_to(demo_file):  # noqa: F811
    """The CLI path: `revops refresh` ends with today's default page kept beside the file,
    found by a server opened on it afterwards without running a tool; with
    --no-dashboard-page nothing is kept."""
    from datetime import date

    from tests.test_cli import revops

    store = _store(demo_file)
    skipped = revops("refresh", "--db", str(demo_file), "--no-dashboard-page")
    assert skipped.returncode == 0, skipped.stderr
    assert "kept" not in skipped.stdout and not store.directory.exists()
    out = revops("refresh", "--db", str(demo_file))
    assert out.returncode == 0, out.stderr
    assert f"default page as of {date.today()} is kept" in out.stdout
    wh = LiveWarehouse(demo_file)
    page = Dashboard(wh, store=store).page(Filters(), date.today(),
                                           {"id": "ana", "role": "revops"})
    assert (wh.answers.misses, wh.answers.hits) == (0, 0) and page.viewer == "ana (revops)"
