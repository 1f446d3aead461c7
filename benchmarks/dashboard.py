"""Dashboard first render: every panel and the headline strip computed on a cold warehouse.

    python benchmarks/dashboard.py --opportunities 100000 [--data-dir bench-data]

Reports the first page (a fresh read-only connection, nothing cached, panels in parallel),
the same page again (cache hit), a page for another filter (warm connection, new filter),
each panel alone, and the HTML render. Results go to BENCHMARKS.md by hand.
"""

from __future__ import annotations

import argparse
import statistics
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
    args = parser.parse_args()

    from agent.context import Warehouse
    from agent.dashboard import PANELS, Dashboard, Filters, Panel, resolve_period
    from agent.dashboard_page import render
    from tools.demo import generate_demo
    from tools.warehouse import open_analytics, writable

    path = args.data_dir / f"dashboard-{args.opportunities}.duckdb"
    if not path.exists():
        args.data_dir.mkdir(parents=True, exist_ok=True)
        clock = time.perf_counter()
        with writable(path) as con:
            generate_demo(con, opportunities=args.opportunities, end_date=AS_OF)
        print(f"demo generated in {time.perf_counter() - clock:.1f} s")
    firsts, hits, others, shells = [], [], [], []
    for _ in range(args.repeat):
        wh = Warehouse(open_analytics(path))
        clock = time.perf_counter()
        Dashboard(wh).shell(Filters(), AS_OF)
        shells.append(time.perf_counter() - clock)
        wh.con.close()
        wh = Warehouse(open_analytics(path))
        board = Dashboard(wh)
        clock = time.perf_counter()
        page = board.page(Filters(), AS_OF)
        firsts.append(time.perf_counter() - clock)
        clock = time.perf_counter()
        board.page(Filters(), AS_OF)
        hits.append(time.perf_counter() - clock)
        region = board.choices()["region"][0]
        clock = time.perf_counter()
        board.page(Filters(region=region), AS_OF)
        others.append(time.perf_counter() - clock)
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
    print(f"{args.opportunities:,} opportunities, as of {AS_OF}, {len(PANELS)} panels + strip")
    print(f"live shell (cold)      median {statistics.median(shells):.2f} s  {shells}")
    print(f"first page (cold)      median {statistics.median(firsts):.2f} s  {firsts}")
    print(f"same page (cache hit)  median {statistics.median(hits) * 1000:.1f} ms")
    print(f"another region (warm)  median {statistics.median(others):.2f} s")
    print(f"warm-up at server start {warm_s:.2f} s, then the first visitor's page "
          f"{warmed_s * 1000:.1f} ms")
    print(f"HTML render            {html_s * 1000:.1f} ms")
    for key, title, build, _ in PANELS:  # each alone on a fresh connection: nothing cached
        wh = Warehouse(open_analytics(path))
        board = Dashboard(wh)
        period = resolve_period("quarter", AS_OF, wh.settings.calendar)
        clock = time.perf_counter()
        build(board._runner(None, AS_OF, Filters(), period),
              Panel(key=key, title=title, tools=[]))
        print(f"  {key:16} {time.perf_counter() - clock:6.2f} s")
        wh.con.close()


if __name__ == "__main__":
    main()
