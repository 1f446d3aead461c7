"""Run the service (or any ASGI app) with uvicorn in a background thread on loopback, for tests
over real HTTP; and the tokens the service tests use."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from agent.ask import open_threads
from agent.context import Warehouse
from protocols.auth import TokenTable
from protocols.mcp_server import build_mcp_server
from protocols.service import Service, ServiceConfig, create_app, mcp_requester
from protocols.store import TaskStore
from tests.metrics_demo import END
from tools.access import Identity

TOKENS = {
    "hub": ("hub-token-0123456789abcdef", Identity(id="chassis-hub", role="hub")),
    "revops": ("revops-token-0123456789abcdef", Identity(id="ana", role="revops")),
    "rep": ("rep-token-0123456789abcdef", Identity(id="rep-7", role="rep", name="Ben Vargas")),
    "manager": ("manager-token-0123456789abcdef",
                Identity(id="mgr-latam", role="manager", name="Pablo Zhang")),
    "exec": ("exec-token-0123456789abcdef", Identity(id="cfo", role="exec")),
}


A2A_DB = "state-a2a.sqlite"
"""The A2A task store's file in a test server's state dir (as `revops serve` names it)."""


def auth(who: str) -> dict[str, str]:
    """Return the Authorization header of one of the test tokens."""
    return {"Authorization": f"Bearer {TOKENS[who][0]}"}


@contextmanager
def serving(make_app: Callable[[str], Any]) -> Iterator[str]:
    """Serve `make_app(base_url)` on a free loopback port; yield the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(make_app(base), log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def agent_service(wh: Warehouse, state_dir: Path, *, outbox: Callable[[TaskStore], Any] | None
                  = None, **config: Any) -> Iterator[tuple[str, Service]]:
    """Serve the agent (REST, A2A, MCP) over `wh` with the test tokens and the task store, thread
    store and A2A task store in `state_dir` (fresh, or the ones a previous server left there, as
    after a restart of `revops serve`)."""
    store = TaskStore(state_dir / "state.sqlite")
    threads = open_threads(state_dir / "threads.sqlite")
    holder: dict[str, Service] = {}

    def make(base: str) -> Any:
        holder["service"] = Service(
            warehouse=wh, store=store, threads=threads,
            tokens=TokenTable({token: who for token, who in TOKENS.values()}),
            config=ServiceConfig(public_url=base, as_of=END, **config),
            mcp_server=build_mcp_server(wh, today=lambda: END, requester_of=mcp_requester),
            outbox=outbox(store) if outbox is not None else None,
            a2a_db=state_dir / A2A_DB)
        return create_app(holder["service"])

    try:
        with serving(make) as base:
            yield base, holder["service"]
    finally:
        store.close()
        threads.conn.close()
