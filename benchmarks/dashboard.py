"""Dashboard first render: every panel and the headline strip computed on a cold warehouse.

    python benchmarks/dashboard.py --opportunities 100000 [--data-dir bench-data] [--db FILE]

Reports the first page (a fresh read-only connection, nothing cached in memory or on disk,
panels in parallel), the same page again (cache hit), a page for another filter (warm
connection, new filter), what keeping the default page at load costs (`revops refresh` /
`import`) and a new server's first visitor then (opened as `serve` opens it, an unrestricted
viewer), each panel alone, and the HTML render. `--db` times a copy (e.g. one `revops
refresh` brought up to date) instead of the generated file.
Results go to BENCHMARKS.md by hand.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 26)


def main() -> None:
    """Build (or reuse) the demo and time the dashboard on it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=REPO / "bench-data")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()

    from agent.context import Warehouse
    from agent.dashboard import (
        PANELS,
        Dashboard,
        Filters,
        Panel,
        keep_default_page,
        resolve_period,
    )
    from agent.dashboard_page import render
    from agent.dashboard_store import store_beside
    from tools.demo import generate_demo
    from tools.warehouse import open_analytics, writable

    path = args.db or args.data_dir / f"dashboard-{args.opportunities}.duckdb"
    if not path.exists():
        args.data_dir.mkdir(parents=True, exist_ok=True)
        clock = time.perf_counter()
        with writable(path) as con:
            generate_demo(con, opportunities=args.opportunities, end_date=AS_OF)
        print(f"demo generated in {time.perf_counter() - clock:.1f} s")
    firsts, hits, others, shells, cpus = [], [], [], [], []
    for _ in range(args.repeat):
        wh = Warehouse(open_analytics(path))
        clock = time.perf_counter()
        Dashboard(wh).shell(Filters(), AS_OF)
        shells.append(time.perf_counter() - clock)
        wh.con.close()
        wh = Warehouse(open_analytics(path))
        board = Dashboard(wh)
        clock, cpu = time.perf_counter(), time.process_time()
        page = board.page(Filters(), AS_OF)
        firsts.append(time.perf_counter() - clock)
        cpus.append(time.process_time() - cpu)  # all threads': less sensitive to other load
        clock = time.perf_counter()
        board.page(Filters(), AS_OF)
        hits.append(time.perf_counter() - clock)
        region = board.choices()["region"][0]
        clock = time.perf_counter()
        board.page(Filters(region=region), AS_OF)
        others.append(time.perf_counter() - clock)
        wh.con.close()
    serial, serial_cpu = [], []
    for _ in range(args.repeat):  # the work itself: one thread, one panel at a time (the CPU
        wh = Warehouse(open_analytics(path))  # time moves least with other jobs' load)
        wh.con.execute("set threads = 1")
        clock, cpu = time.perf_counter(), time.process_time()
        Dashboard(wh, workers=1).page(Filters(), AS_OF)
        serial.append(time.perf_counter() - clock)
        serial_cpu.append(time.process_time() - cpu)
        wh.con.close()
    wh = Warehouse(open_analytics(path))  # `revops serve` warms the default page at start
    board = Dashboard(wh)
    clock = time.perf_counter()
    board.warm(AS_OF).join()
    warm_s = time.perf_counter() - clock
    clock = time.perf_counter()
    board.page(Filters(), AS_OF, {"id": "local-admin", "role": "revops"})
    warmed_s = time.perf_counter() - clock
    wh.con.close()
    clock = time.perf_counter()
    render(page, live=True)
    html_s = time.perf_counter() - clock
    where = store_beside(path)
    assert where is not None
    shutil.rmtree(where, ignore_errors=True)
    # a load (`revops refresh` / `import`) keeps the default page: what it costs the load
    clock, cpu = time.perf_counter(), time.process_time()
    assert keep_default_page(path, AS_OF)
    kept_s, kept_cpu = time.perf_counter() - clock, time.process_time() - cpu
    restarted = []
    for _ in range(args.repeat):  # each a new server process opening the file as `serve` does
        code = ("import time, sys; from pathlib import Path; from datetime import date; "
                "t = time.perf_counter(); from agent.live_warehouse import LiveWarehouse; "
                "from agent.dashboard import Dashboard, Filters; "
                "from agent.dashboard_store import PageStore; "
                f"wh = LiveWarehouse(Path({str(path)!r})); "
                "t0 = time.perf_counter(); "
                f"b = Dashboard(wh, store=PageStore(Path({str(where)!r})))"
                "; who = {'id': 'ana', 'role': 'revops'}"
                f"; d = date.fromisoformat({str(AS_OF)!r}); b.shell(Filters(), d, who)"
                "; [b.panel(k, Filters(), d, who) for k in [p.key for p in "
                "b.page(Filters(), d, who).panels]]; "
                "print(time.perf_counter() - t0, t0 - t, wh.answers.misses)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.split()
        assert out[2] == "0", "the kept page was not used"
        restarted.append((float(out[0]), float(out[1])))
    shutil.rmtree(where, ignore_errors=True)
    print(f"{args.opportunities:,} opportunities, as of {AS_OF}, {len(PANELS)} panels + strip")
    print(f"live shell (cold)      median {statistics.median(shells):.2f} s  {shells}")
    print(f"first page (cold)      median {statistics.median(firsts):.2f} s  {firsts}, CPU "
          f"{statistics.median(cpus):.2f} s")
    print(f"first page, one thread median {statistics.median(serial):.2f} s, CPU "
          f"{statistics.median(serial_cpu):.2f} s")
    print(f"same page (cache hit)  median {statistics.median(hits) * 1000:.1f} ms")
    print(f"another region (warm)  median {statistics.median(others):.2f} s")
    print(f"warm-up at server start {warm_s:.2f} s, then the first visitor's page "
          f"{warmed_s * 1000:.1f} ms")
    print(f"HTML render            {html_s * 1000:.1f} ms")
    print(f"kept at load: {kept_s:.2f} s ({kept_cpu:.2f} s CPU) added to the load; then a new "
          f"server's first visitor (shell, page, every panel): median "
          f"{statistics.median(r[0] for r in restarted) * 1000:.1f} ms (after imports and "
          f"opening the warehouse: {statistics.median(r[1] for r in restarted):.2f} s)")
    for key, title, build, _ in PANELS:  # each alone on a fresh connection: nothing cached
        wh = Warehouse(open_analytics(path))
        board = Dashboard(wh)
        period = resolve_period("quarter", AS_OF, wh.settings.calendar)
        clock, cpu = time.perf_counter(), time.process_time()
        build(board._runner(None, AS_OF, Filters(), period),
              Panel(key=key, title=title, tools=[]))
        print(f"  {key:16} {time.perf_counter() - clock:6.2f} s  (CPU "
              f"{time.process_time() - cpu:5.2f} s)")
        wh.con.close()


if __name__ == "__main__":
    main()
