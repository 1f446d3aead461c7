"""Threads kept in PostgreSQL (REVOPS_THREADS_DB=postgresql://...): a real server is started
from the PostgreSQL binaries (tests/pg_server.py); follow-ups and clarifications must survive a new
saver (a restart) and a new process, and a bad URL must be a message, not a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from agent.ask import ThreadStoreError, ask, open_threads
from tests.conftest import REPO
from tests.metrics_demo import END, demo_warehouse, shared_last_name
from tests.pg_server import MISSING, PG_BIN, new_database
from tests.pg_server import free_port as _free_port

if PG_BIN is None:
    pytest.skip(MISSING, allow_module_level=True)


@pytest.fixture(scope="module")
def pg_url(pg_server):
    """A fresh database on the session's throwaway PostgreSQL server."""
    return new_database(pg_server, "revops_threads")


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


def params(response) -> dict:
    assert response.status == "answered", (response.answer, response.clarification)
    return response.intent.params


def checkpoints(url: str, thread: str) -> int:
    """Checkpoints Postgres holds for a thread: proof the state went there, not to SQLite."""
    import psycopg

    with psycopg.connect(url) as con:
        return con.execute("SELECT count(*) FROM checkpoints WHERE thread_id = %s",
                           (thread,)).fetchone()[0]


def test_a_follow_up_continues_after_a_restart(wh, pg_url):
    from langgraph.checkpoint.postgres import PostgresSaver

    saver = open_threads(pg_url)
    assert isinstance(saver, PostgresSaver)
    try:
        first = params(ask(wh, "what's our win rate this quarter?", as_of=END,
                           thread_id="pg-1", checkpointer=saver))
        assert first["period"]["label"] == "FY2027 Q4"
        by_region = ask(wh, "and by region?", as_of=END, thread_id="pg-1", checkpointer=saver)
        assert by_region.intent.tool == "win_rate"
        assert params(by_region) == {**first, "group_by": ["region"]}
    finally:
        saver.conn.close()
    assert checkpoints(pg_url, "pg-1") > 0

    restarted = open_threads(pg_url)  # a new process would open a new saver just like this
    try:
        later = ask(wh, "what about last quarter?", as_of=END, thread_id="pg-1",
                    checkpointer=restarted)
        assert later.intent.tool == "win_rate"
        assert params(later)["period"]["label"] == "FY2027 Q3"
        assert params(later)["group_by"] == ["region"]
        fresh = ask(wh, "and by region?", as_of=END, thread_id="pg-other",
                    checkpointer=restarted)  # threads stay separate
        assert fresh.status == "needs_clarification"
    finally:
        restarted.conn.close()


def test_a_clarification_is_answered_after_a_restart(wh, pg_url):
    last = shared_last_name(wh)
    saver = open_threads(pg_url)
    try:
        asked = ask(wh, f"bookings for {last.lower()} this year", as_of=END,
                    thread_id="pg-clarify", checkpointer=saver)
    finally:
        saver.conn.close()
    assert asked.status == "needs_clarification" and len(asked.clarification.options) > 1
    chosen = asked.clarification.options[1].rsplit(" (", 1)[0]

    restarted = open_threads(pg_url)
    try:
        reply = ask(wh, chosen, as_of=END, thread_id="pg-clarify", checkpointer=restarted)
    finally:
        restarted.conn.close()
    assert reply.intent.tool == "bookings"
    assert params(reply)["filters"] == [{"dimension": "rep", "values": [chosen]}]
    assert params(reply)["period"]["label"] == "FY2027 YTD"  # "this year": year to date


def _cli(tmp_path_factory, threads: str, *args: str) -> subprocess.CompletedProcess:
    demo_warehouse(tmp_path_factory)
    db = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    env = {**os.environ, "REVOPS_THREADS_DB": threads}
    env.pop("OPENAI_API_KEY", None)
    env.pop("REVOPS_LLM_BASE_URL", None)
    return subprocess.run([sys.executable, "-m", "protocols.cli", "ask", "--db", str(db),
                           "--as-of", END.isoformat(), *args], capture_output=True, text=True,
                          cwd=REPO, env=env)


def test_cli_thread_persists_between_processes_in_postgres(tmp_path_factory, pg_url):
    def cli(question: str) -> dict:
        out = _cli(tmp_path_factory, pg_url, "--thread", "cli-pg", "--json", question)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert cli("bookings this quarter")["status"] == "answered"
    second = cli("and by region?")
    assert second["status"] == "answered"
    assert second["intent"]["tool"] == "bookings"
    assert second["intent"]["params"]["group_by"] == ["region"]
    assert second["intent"]["params"]["period"]["label"] == "FY2027 Q4"
    assert checkpoints(pg_url, "cli-pg") > 0


@pytest.mark.parametrize("bad", [
    "postgresql://postgres:s3cret@127.0.0.1:{closed}/revops",  # nothing listens there
    "postgres://postgres@127.0.0.1:not-a-port/revops",  # malformed
    "{server}/no_such_database",  # the server is up, the database is not
])
def test_a_bad_url_is_a_clear_error_not_a_traceback(tmp_path_factory, pg_url, bad):
    url = bad.format(closed=_free_port(), server=pg_url.rsplit("/", 1)[0])
    out = _cli(tmp_path_factory, url, "--thread", "t", "bookings this quarter")
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert out.stderr.startswith("error: cannot open the thread store"), out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert "s3cret" not in out.stderr  # the password is never echoed


def test_a_missing_postgres_extra_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    with pytest.raises(ThreadStoreError, match=r"pip install 'revops-agent\[postgres\]'"):
        open_threads("postgresql://postgres@127.0.0.1:1/revops")


def test_threads_path_keeps_urls_and_files(monkeypatch, tmp_path):
    from tools.settings import Settings

    monkeypatch.setenv("REVOPS_THREADS_DB", "postgresql://u@db.example:5432/revops")
    url = "postgresql://u@db.example:5432/revops"
    assert Settings().warehouse.threads_db == url  # not folded by Path
    monkeypatch.setenv("REVOPS_THREADS_DB", str(tmp_path / "t.sqlite"))
    assert Settings().warehouse.threads_db == tmp_path / "t.sqlite"


def test_the_sqlite_path_never_imports_psycopg(tmp_path):
    code = ("import sys; from agent.ask import open_threads; "
            f"s = open_threads({str(tmp_path / 'threads.sqlite')!r}); s.conn.close(); "
            "print(type(s).__name__, 'psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert out.stdout.split() == ["SqliteSaver", "False"]
