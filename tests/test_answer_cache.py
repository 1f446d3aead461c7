"""The answer cache: the same plan on the same data is computed once; another as-of, another
requester's scope or a change to the data computes again (counted, not timed)."""

from __future__ import annotations

import shutil

import httpx
import pytest

from agent.ask import ask
from agent.context import Warehouse
from tests.metrics_demo import END, demo_warehouse
from tests.service_server import agent_service, auth
from tools.warehouse import connect, refresh_facts

BOOKINGS = "bookings this quarter"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    demo_warehouse(tmp_path_factory).con.close()  # built once per session
    return tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"


@pytest.fixture
def writable_wh(demo_file, tmp_path):
    """A private copy of the demo, opened read-write so the test can change its data."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(demo_file, path)
    con = connect(path)
    yield Warehouse(con)
    con.close()


def counts(wh: Warehouse) -> tuple[int, int]:
    return wh.answers.hits, wh.answers.misses


def test_the_same_plan_is_computed_once_and_a_data_change_computes_again(writable_wh):
    wh = writable_wh
    first = ask(wh, BOOKINGS, as_of=END)
    assert first.status == "answered" and counts(wh) == (0, 1)
    again = ask(wh, BOOKINGS, as_of=END)
    assert counts(wh) == (1, 1)
    assert again.result == first.result and again.answer == first.answer
    ask(wh, "what were bookings this quarter?", as_of=END)  # other words, same plan
    assert counts(wh) == (2, 1)
    period = first.result.period
    won = wh.con.execute(
        "select opportunity_id from opportunities where is_won and close_date between ? and ? "
        "order by opportunity_id limit 1", [period["start"], period["end"]]).fetchone()[0]
    wh.con.execute("update opportunities set amount = amount + 1000000 "
                   "where opportunity_id = ?", [won])
    refresh_facts(wh.con)  # as `revops refresh` or an import does
    changed = ask(wh, BOOKINGS, as_of=END)
    assert counts(wh) == (2, 2)
    assert changed.result.value == pytest.approx(first.result.value + 1_000_000, rel=0.05)


def test_as_of_and_scope_are_part_of_the_key(writable_wh):
    wh = writable_wh
    ask(wh, BOOKINGS, as_of=END)
    ask(wh, BOOKINGS, as_of=END.replace(day=1))
    assert counts(wh) == (0, 2)
    rep = wh.con.execute("select user_id, full_name from users where user_id in "
                         "(select owner_id from opportunities) order by 1 limit 1").fetchone()
    mine = ask(wh, BOOKINGS, as_of=END, requester={"id": rep[0], "role": "rep", "name": rep[1]})
    assert mine.status == "answered" and counts(wh) == (0, 3)
    ask(wh, BOOKINGS, as_of=END, requester={"id": rep[0], "role": "rep", "name": rep[1]})
    assert counts(wh) == (1, 3)


def test_it_is_bounded_and_can_be_turned_off(demo_file):
    con = connect(demo_file, read_only=True)
    try:
        small = Warehouse(con, answer_cache=2)
        for question in ("bookings this quarter", "win rate this quarter", "open pipeline",
                         "bookings this quarter"):
            ask(small, question, as_of=END)
        assert len(small.answers) == 2 and counts(small) == (0, 4)  # the first was evicted
        off = Warehouse(con, answer_cache=0)
        ask(off, BOOKINGS, as_of=END)
        ask(off, BOOKINGS, as_of=END)
        assert counts(off) == (0, 0) and len(off.answers) == 0
    finally:
        con.close()


def test_an_in_memory_database_is_never_cached():
    con = connect(":memory:")
    try:
        wh = Warehouse(con)
        assert wh.answers.fingerprint() is None
    finally:
        con.close()


def test_the_service_answers_a_repeat_question_from_the_cache(demo_file, tmp_path):
    con = connect(demo_file, read_only=True)
    wh = Warehouse(con)
    try:
        with agent_service(wh, tmp_path) as (base, service), \
                httpx.Client(base_url=base, timeout=60) as http:
            bodies = [http.post("/v1/tasks", headers=auth("hub"), json={
                "task_id": f"cache-{n}", "sender": "hub", "question": BOOKINGS}).json()
                for n in range(3)]
            assert counts(service.warehouse) == (2, 1)
            assert len({b["result"]["value"] for b in bodies}) == 1
            tool = {"task_id": "cache-tool", "sender": "hub", "tool": "bookings",
                    "params": bodies[0]["intent"]["params"]}
            assert http.post("/v1/tasks", headers=auth("hub"), json=tool).status_code == 200
            assert counts(service.warehouse) == (3, 1)  # an explicit call of the same plan
    finally:
        con.close()


def test_concurrent_requests_for_one_plan_compute_it_once(writable_wh):
    """A second request for a plan still being computed waits for that result."""
    import threading

    from tools.answer_cache import AnswerCache

    first = ask(writable_wh, BOOKINGS, as_of=END).result
    cache = AnswerCache(writable_wh.answers.path)
    release = threading.Event()
    calls: list[str] = []

    def slow() -> object:
        calls.append("slow")
        release.wait(10)
        return first

    def other() -> object:
        calls.append("other")
        return first

    key = ("bookings", "{}", str(END), None, True, cache.fingerprint())
    results = []
    owner = threading.Thread(target=lambda: results.append(cache.get_or_compute(key, slow)))
    owner.start()
    while not calls:
        threading.Event().wait(0.01)
    waiter = threading.Thread(target=lambda: results.append(cache.get_or_compute(key, other)))
    waiter.start()
    threading.Event().wait(0.2)
    release.set()
    owner.join(10)
    waiter.join(10)
    assert calls == ["slow"] and (cache.hits, cache.misses) == (1, 1)
    assert results[0] == results[1] == first and results[0] is not results[1]
