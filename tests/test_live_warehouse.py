"""A served warehouse follows its file: an import into a new file renamed over the old one
(`revops import --swap`) is picked up between requests, a request in progress finishes on the
file it started with, a file that cannot be opened is not switched to, and requests keep being
answered while the file changes under a running server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from agent.context import Warehouse
from agent.live_warehouse import LiveWarehouse
from tests.conftest import REPO
from tests.metrics_demo import END, demo_warehouse
from tests.service_server import agent_service, auth
from tests.test_import_presets import SF_ACCOUNT, SF_OPPORTUNITY, SF_USER, export
from tools.warehouse import connect, writable
from tools.warehouse.swap import replaced


@pytest.fixture
def demo_file(tmp_path_factory, tmp_path) -> Path:
    """A private copy of the demo company's file."""
    demo_warehouse(tmp_path_factory).con.close()
    path = tmp_path / "w.duckdb"
    shutil.copyfile(tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb", path)
    return path


def leftovers(path: Path) -> list[Path]:
    """Copies being written and open links beside the warehouse (the swap lock file stays)."""
    return [p for p in path.parent.glob(f".{path.name}.*") if not p.name.endswith(".lock")]


def opportunities(wh: Warehouse) -> int:
    return wh.cursor().execute("select count(*) from opportunities").fetchone()[0]


def drop_some(path: Path, n: int) -> None:
    """Write a new version of the warehouse with `n` fewer opportunities, the way --swap does."""
    with replaced(path) as new, writable(new) as con:
        con.execute("delete from opportunity_history where opportunity_id in (select "
                    "opportunity_id from opportunities order by opportunity_id limit ?)", [n])
        con.execute("delete from opportunities where opportunity_id in (select opportunity_id "
                    "from opportunities order by opportunity_id limit ?)", [n])


def test_a_replaced_file_is_served_after_the_request_in_progress(demo_file):
    wh = LiveWarehouse(demo_file, check_every=0)
    before = opportunities(wh)
    with wh.pinned():  # a request that started before the import
        drop_some(demo_file, 100)
        assert opportunities(wh) == before  # it keeps reading the file it started on
        assert wh.generation == 1
    assert opportunities(wh) == before - 100  # the next request reads the new file
    assert wh.generation == 2
    drop_some(demo_file, 50)
    with wh.pinned() as pinned:
        assert opportunities(pinned) == opportunities(wh) == before - 150
    assert wh.generation == 3
    assert leftovers(demo_file) == []  # no copies or links left behind


def test_a_file_that_cannot_be_opened_is_not_switched_to(demo_file, caplog):
    wh = LiveWarehouse(demo_file, check_every=0)
    before = opportunities(wh)
    broken = demo_file.with_name("broken.duckdb")
    broken.write_bytes(b"not a duckdb file" * 100)
    broken.replace(demo_file)
    assert opportunities(wh) == before and wh.generation == 1
    assert "cannot be opened yet" in caplog.text


def test_a_failed_swap_leaves_the_old_file(demo_file):
    identity = demo_file.stat().st_ino
    with pytest.raises(RuntimeError), replaced(demo_file) as new, writable(new) as con:
        con.execute("delete from opportunities")
        raise RuntimeError("import failed half way")
    assert demo_file.stat().st_ino == identity
    with connect(demo_file, read_only=True) as con:
        assert con.execute("select count(*) from opportunities").fetchone()[0] > 0
    assert leftovers(demo_file) == []


def test_import_swap_while_another_process_reads_the_file(tmp_path):
    """A plain import cannot write a file another process has open; --swap can."""
    source = export(tmp_path, {"Opportunity.csv": SF_OPPORTUNITY, "User.csv": SF_USER,
                               "Account.csv": SF_ACCOUNT})
    db = tmp_path / "crm.duckdb"
    connect(db).close()
    reader = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print('open', flush=True); sys.stdin.readline()"), str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"

        def revops(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "protocols.cli", "import", "--db", str(db),
                                   "--mapping", "salesforce", "--source", str(source), *args],
                                  capture_output=True, text=True, cwd=REPO)

        blocked = revops()
        assert blocked.returncode != 0 and "lock" in blocked.stderr.lower()
        swapped = revops("--swap", "--json")
        assert swapped.returncode == 0, swapped.stderr
    finally:
        reader.communicate("\n", timeout=30)
    with connect(db, read_only=True) as con:
        assert con.execute("select count(*) from opportunities").fetchone()[0] == 4


def test_a_server_keeps_answering_while_the_warehouse_is_replaced(demo_file, tmp_path):
    wh = LiveWarehouse(demo_file, check_every=0)
    before = opportunities(wh)
    task = {"sender": "hub", "tool": "pipeline_coverage", "as_of": END.isoformat()}
    failures: list[str] = []
    stop = threading.Event()

    with agent_service(wh, tmp_path / "state") as (base, _service):
        def hammer(worker: int) -> None:
            with httpx.Client(base_url=base, headers=auth("hub"), timeout=60) as client:
                i = 0
                while not stop.is_set():
                    i += 1
                    r = client.post("/v1/tasks", json={**task, "task_id": f"w{worker}-{i}"})
                    if r.status_code != 200 or r.json()["status"] != "answered":
                        failures.append(f"{r.status_code} {r.text[:200]}")

        threads = [threading.Thread(target=hammer, args=(w,)) for w in range(3)]
        for t in threads:
            t.start()
        try:
            for _ in range(3):
                drop_some(demo_file, 100)
                with httpx.Client(base_url=base, headers=auth("hub"), timeout=60) as client:
                    client.post("/v1/tasks", json={**task, "task_id": f"probe-{_}"})
        finally:
            stop.set()
            for t in threads:
                t.join(60)
    assert failures == []
    assert wh.generation == 4 and opportunities(wh) == before - 300


def test_two_swaps_of_one_file_take_turns(demo_file):
    """The second import copies the file after the first renamed it: both imports are kept."""
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with replaced(demo_file) as new, writable(new) as con:
                con.execute("create table first_import (x int)")
                inside.set()
                release.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    def second() -> None:
        with replaced(demo_file) as new, writable(new) as con:
            con.execute("create table second_import (x int)")

    a = threading.Thread(target=first)
    a.start()
    assert inside.wait(30)
    b = threading.Thread(target=second)
    b.start()
    b.join(0.5)
    assert b.is_alive()  # waiting for its turn
    release.set()
    a.join(30)
    b.join(30)
    assert errors == []
    with connect(demo_file, read_only=True) as con:
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables").fetchall()}
    assert {"first_import", "second_import"} <= tables
