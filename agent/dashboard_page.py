"""The dashboard as one HTML page: the computed Page as JSON, drawn by vega-embed.

The Vega libraries come from vl-convert-python's bundle (a package dependency), inlined in a
shared file or served by the server itself: the page makes no request outside its origin.
"""

from __future__ import annotations

import html
import json
import re
import threading
from dataclasses import dataclass, field
from importlib.resources import files

from agent.dashboard import Page


@dataclass
class VegaBundle:
    """The vega-embed + Vega-Lite + Vega JavaScript bundle, built once (a few seconds)."""

    _js: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def js(self) -> str:
        """Return the bundle, building it on first use."""
        with self._lock:
            if self._js is None:
                import vl_convert as vlc  # the Vega bundle loads only for a dashboard page

                self._js = vlc.javascript_bundle()  # type: ignore[call-arg]  # stub omits default
            return self._js

    def warm(self) -> None:
        """Build the bundle in the background so the first page does not wait for it."""
        threading.Thread(target=self.js, daemon=True).start()


def _asset(name: str) -> str:
    return files("agent").joinpath("dashboard_assets", name).read_text(encoding="utf-8")


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def render(page: Page, *, live: bool, vega_js: str | None = None,
           views: dict[str, Page] | None = None) -> str:
    """Return the page. `vega_js` inlines the libraries (a shareable file); without it the
    page loads them from the server at /dashboard/vega.js. `views` (a shared file: pages by
    agent.dashboard.view_key) lets the file's filters switch between precomputed pages;
    without them its filters are fixed and the page says so."""
    data = _json(page.model_dump(mode="json"))
    shown = _json({k: v.model_dump(mode="json") for k, v in (views or {}).items()})
    vega = (f"<script>{vega_js}</script>" if vega_js is not None
            else '<script src="/dashboard/vega.js"></script>')
    parts = {"title": html.escape(f"{page.company} · Revenue operations"),
             "live": "1" if live else "0", "css": _asset("dashboard.css"), "vega": vega,
             "app": _asset("dashboard.js"), "data": data, "views": shown}
    # one pass: text put in (the bundle, the data) is never scanned for placeholders again
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], _asset("page.html"))
