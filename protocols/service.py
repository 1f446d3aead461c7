"""The agent as a service: one Starlette app serving REST, A2A and MCP (at /mcp).

`create_app(service)` wires routes, bearer auth, a body-size limit and JSON errors around a
`Service`, which holds every dependency (warehouse, task store, tokens, thread store, model,
outbox, the A2A task file) so nothing lives in module globals. `revops serve` builds both and
runs uvicorn; it keeps A2A tasks in `OutboxSettings.a2a_path()` (REVOPS_A2A_DB).

Any number of such servers may share one PostgreSQL state database (REVOPS_STATE_DB): a task id
is answered by one of them at a time (`Service.start` claims it in the store), the outbox claims
what it sends, and the warehouse follows its file when an import replaces it (LiveWarehouse).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from agent.context import Warehouse
from protocols.auth import SIGN_IN_PATHS, BearerAuthMiddleware, TokenTable
from protocols.edge import EdgeGuard
from protocols.messages import AgentResponse

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    """Limits and addresses of one server."""

    public_url: str = "http://127.0.0.1:8765"
    """Base URL peers reach us at (written into the agent card)."""
    host: str = "127.0.0.1"
    """Address served; a localhost one makes MCP accept only localhost Host headers."""
    max_body_bytes: int = 64 * 1024
    time_limit_s: float = 30.0
    """Per-request limit when the task names no earlier deadline."""
    as_of: date | None = None
    """Default evaluation date of tasks that name none (None = today)."""
    workers: int = 4
    """Graph runs at once (worker threads)."""
    callback_attempts: int = 5
    outbox_interval: float = 5.0
    """Seconds between the outbox's delivery passes (it is also woken by each escalation)."""
    lease_s: float = 60.0
    """How long this server's claim on a task id holds unrenewed (renewed while it works)."""
    claim_poll_s: float = 0.25
    """How often a server waiting for another's answer to the same task id looks for it."""


@dataclass
class Inflight:
    """A task being answered: its request body (for 409 checks) and the running work."""

    body: dict[str, Any]
    task: asyncio.Task[AgentResponse]


@dataclass(kw_only=True)
class Service:
    """Everything the routes need, built once per process by the caller."""

    warehouse: Warehouse
    store: Any
    """protocols.store.TaskStore: tasks, responses and the escalation outbox."""
    tokens: TokenTable
    config: ServiceConfig = field(default_factory=ServiceConfig)
    threads: Any = None
    """A LangGraph checkpointer for conversations and clarifications (None = no threads)."""
    llm: Any = None
    outbox: Any = None
    """protocols.outbox.Outbox, started and stopped with the app when given."""
    mcp_server: Any = None
    """An mcp low-level Server (protocols/mcp_server.build_mcp_server) served at /mcp."""
    a2a_db: Path | str | None = None
    """SQLite file or PostgreSQL URL of the A2A tasks (the a2a-sdk's DatabaseTaskStore), so
    GetTask and replies to INPUT_REQUIRED tasks survive a restart; None keeps them in memory."""
    inflight: dict[str, Inflight] = field(default_factory=dict)
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    limiter: anyio.CapacityLimiter | None = None
    http: httpx.AsyncClient | None = None
    sessions: Any = None
    """protocols.auth.Sessions: the dashboard's browser sessions (made by create_app)."""
    _dashboard: Any = None
    _bundle: Any = None

    def dashboard(self) -> Any:
        """The dashboard (agent.dashboard.Dashboard) over this warehouse, made on first use."""
        if self._dashboard is None:
            from agent.dashboard import Dashboard

            self._dashboard = Dashboard(self.warehouse)
        return self._dashboard

    def dashboard_bundle(self) -> Any:
        """The Vega JavaScript the page loads (agent.dashboard_page.VegaBundle)."""
        if self._bundle is None:
            from agent.dashboard_page import VegaBundle

            self._bundle = VegaBundle()
        return self._bundle
    replica: str = field(default_factory=lambda: _sender_id())
    """This server's name in the claims it holds in a shared store."""

    def today(self) -> date:
        """Return the default as-of date of a task."""
        return self.config.as_of or date.today()

    async def record(self, request: dict[str, Any], response: AgentResponse, *, task_id: str,
                     sender: str, requester: dict[str, Any]) -> None:
        """Store a finished task (and its escalation, in the same transaction); an escalation
        wakes the outbox so it goes out now rather than at the next pass."""
        await asyncio.to_thread(self.store.record_response, request, response, task_id=task_id,
                                sender=sender, requester=requester)
        if response.escalation is not None and self.outbox is not None:
            self.outbox.wake()

    async def run_blocking(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run blocking work (the graph, DuckDB) in a worker thread, a few at a time."""
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs),
                                              limiter=self.limiter)

    def start(self, task_id: str, body: dict[str, Any],
              work: Coroutine[Any, Any, AgentResponse]) -> Inflight:
        """Start answering a task; it runs to the end even if its caller times out.

        The work runs under this server's claim on the task id (protocols/task_claims.py), so
        servers sharing a store never answer one task twice."""
        from protocols.task_claims import claimed

        entry = Inflight(body, asyncio.ensure_future(claimed(self, task_id, body, work)))
        self.inflight[task_id] = entry
        entry.task.add_done_callback(lambda _: self.inflight.pop(task_id, None))
        return entry

    def spawn(self, work: Awaitable[Any]) -> None:
        """Run fire-and-forget work (callbacks), kept referenced until done."""
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def callback(self, url: str, payload: dict[str, Any], task_id: str) -> None:
        """POST a response to the task's callback URL, retrying transient failures."""
        assert self.http is not None
        try:
            async for attempt in AsyncRetrying(
                    stop=stop_after_attempt(self.config.callback_attempts),
                    wait=wait_exponential(multiplier=0.2, max=5),
                    retry=retry_if_exception_type(httpx.HTTPError), reraise=True):
                with attempt:
                    reply = await self.http.post(url, json=payload,
                                                 headers={"Idempotency-Key": task_id})
                    if reply.status_code >= 500 or reply.status_code == 429:
                        reply.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("callback for task %s to %s failed: %s", task_id, url, exc)


def create_app(service: Service) -> Starlette:
    """Return the ASGI app: REST + A2A (+ MCP when given), auth on, JSON errors."""
    from protocols import a2a_server, dashboard_routes, rest
    from protocols.agent_card import JSONRPC_PATH
    from protocols.auth import Sessions, session_idle_seconds

    if service.sessions is None:
        service.sessions = Sessions(service.tokens, session_idle_seconds(os.environ))
    a2a_tasks = a2a_server.task_store(service.a2a_db)  # opened in the lifespan
    routes: list[BaseRoute] = [*rest.routes(), *a2a_server.routes(service, a2a_tasks),
                               *dashboard_routes.routes()]
    if service.mcp_server is not None:
        # MCP over streamable HTTP at /mcp: its routes join ours (same auth, limits and
        # errors); its session manager runs in our lifespan.
        from protocols.mcp_server import mcp_http_app

        routes.extend(mcp_http_app(service.mcp_server, path="/mcp",
                                   host=service.config.host).routes)
    app = Starlette(
        routes=routes, lifespan=partial(_lifespan, service=service, a2a_tasks=a2a_tasks),
        middleware=[Middleware(BearerAuthMiddleware, tokens=service.tokens,
                               sessions=service.sessions),
                    Middleware(EdgeGuard, limit=service.config.max_body_bytes,
                               jsonrpc_paths=frozenset({JSONRPC_PATH, "/mcp"}),
                               form_paths=SIGN_IN_PATHS),
                    *_warehouse_pin(service.warehouse)],
        exception_handlers={HTTPException: _http_error, Exception: _internal_error})
    app.state.service = service
    return app


@asynccontextmanager
async def _lifespan(app: Starlette, *, service: Service, a2a_tasks: Any) -> AsyncIterator[None]:
    from protocols.a2a_server import opened

    service.limiter = anyio.CapacityLimiter(service.config.workers)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(opened(a2a_tasks,
                                               stale_after=2 * service.config.time_limit_s))
        service.http = await stack.enter_async_context(httpx.AsyncClient(timeout=10))
        if service.mcp_server is not None:
            await stack.enter_async_context(service.mcp_server.session_manager.run())
        if service.outbox is not None:
            service.outbox.start(interval=service.config.outbox_interval)
            stack.callback(service.outbox.stop)
        try:
            yield
        finally:
            for task in list(service.background):
                task.cancel()


def _warehouse_pin(warehouse: Warehouse) -> list[Middleware]:
    """A warehouse that follows its file serves each request from one file (see LiveWarehouse)."""
    from agent.live_warehouse import LiveWarehouse, PinWarehouse

    if not isinstance(warehouse, LiveWarehouse):
        return []
    return [Middleware(PinWarehouse, warehouse=warehouse)]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
    return JSONResponse({"error": codes.get(exc.status_code, "http_error"),
                         "detail": exc.detail}, status_code=exc.status_code,
                        headers=exc.headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    ref = uuid.uuid4().hex[:12]
    log.error("internal error %s on %s %s", ref, request.method, request.url.path,
              exc_info=exc)
    return JSONResponse({"error": "internal_error", "detail": "the server failed; the log has "
                         "the details under this request id", "request_id": ref},
                        status_code=500)


def serve(warehouse: Warehouse, *, host: str, port: int, tokens_file: Any = None,
          llm: Any = None, threads: Any = None, env: Any = None) -> None:
    """Run the service with uvicorn until interrupted (`revops serve`)."""
    import os
    import sys

    import uvicorn

    from protocols import a2a_server
    from protocols.auth import generated_tokens, load_tokens
    from protocols.mcp_server import build_mcp_server
    from protocols.settings import OutboxSettings
    from protocols.store import TaskStore

    environ = os.environ if env is None else env
    tokens = load_tokens(tokens_file, environ)
    shown = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    if tokens is None:
        token, tokens = generated_tokens()
        print(f"No tokens configured (--tokens FILE or $REVOPS_TOKENS): generated one for this "
              f"run, role revops.\n    Authorization: Bearer {token}\n    curl -H "
              f"'Authorization: Bearer {token}' {shown}/v1/tools", file=sys.stderr)
    settings = OutboxSettings()
    store = TaskStore(settings.state_db)
    service = Service(
        warehouse=warehouse, store=store, tokens=tokens, llm=llm, threads=threads,
        config=ServiceConfig(public_url=shown, host=host,
                             outbox_interval=settings.outbox_interval,
                             lease_s=settings.lease_seconds),
        outbox=_outbox(store, settings), a2a_db=settings.a2a_path(),
        mcp_server=build_mcp_server(warehouse, llm=llm, requester_of=mcp_requester))
    print(f"RevOps agent on {shown}: REST /v1/tasks, A2A {shown}/.well-known/agent-card.json, "
          f"MCP {shown}/mcp; tasks in {store.where}, A2A tasks in "
          f"{a2a_server.where(settings.a2a_path())}",
          file=sys.stderr)
    print(f"Dashboard: {shown}/?token={_dashboard_login(service)}\n    (a one-time link; "
          "others sign in there with their API token and see what their role may see)",
          file=sys.stderr)
    service.dashboard_bundle().warm()
    service.dashboard().warm(service.today())  # the first visitor finds the runs cached
    try:
        uvicorn.run(create_app(service), host=host, port=port, log_level="info")
    finally:
        if service.outbox is not None:
            service.outbox.close()
        store.close()


def _dashboard_login(service: Service) -> str:
    """A one-time token that signs the person who started the server in (role revops)."""
    from protocols.auth import Identity, Sessions, session_idle_seconds

    if service.sessions is None:
        service.sessions = Sessions(service.tokens, session_idle_seconds(os.environ))
    return str(service.sessions.login_token(Identity(id="local-admin", role="revops")))


def _sender_id() -> str:
    from protocols.outbox import sender_id

    return sender_id()


def _outbox(store: Any, settings: Any) -> Any:
    """Return the escalation outbox when endpoints are configured, else None."""
    if not settings.endpoints():
        return None
    from protocols.outbox import Outbox

    return Outbox.from_settings(store, settings)


def mcp_requester(request: Any) -> dict[str, Any] | None:
    """Return the bearer identity of an MCP HTTP request as the requester."""
    from protocols.auth import TokenUser

    user = request.scope.get("user") if request is not None else None
    return user.caller.requester() if isinstance(user, TokenUser) else None
