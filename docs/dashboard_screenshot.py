"""Regenerate docs/dashboard.png: the demo company's dashboard in Debian's chromium.

    python docs/dashboard_screenshot.py [--chromium /usr/bin/chromium]

Builds a 20,000-deal demo in a temporary directory, writes the dashboard file as
`revops dashboard --out` does, and screenshots its top at 1280 px.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from agent.context import Warehouse
from agent.dashboard import Dashboard, Filters
from agent.dashboard_page import VegaBundle, render
from tools.demo import generate_demo
from tools.warehouse import open_analytics, writable

AS_OF = date(2026, 11, 26)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    """Write docs/dashboard.png."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("dashboard.png"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    with writable(tmp / "demo.duckdb") as con:
        generate_demo(con, opportunities=20_000, end_date=AS_OF)
    wh = Warehouse(open_analytics(tmp / "demo.duckdb"))
    html = render(Dashboard(wh).page(Filters(), AS_OF), live=False, vega_js=VegaBundle().js())
    (tmp / "dashboard.html").write_text(html, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1330})
        page.goto((tmp / "dashboard.html").as_uri())
        page.wait_for_selector("body[data-ready='1']")
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
