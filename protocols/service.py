"""The agent as a service: one Starlette app serving REST, A2A and MCP (at /mcp).

`create_app(service)` wires routes, bearer auth, a body-size limit and JSON errors around a
`Service`, which holds every dependency (warehouse, task store, tokens, thread store, model,
outbox, the A2A task file) so nothing lives in module globals. `revops serve` builds both and
runs uvicorn; it keeps A2A tasks in `ServiceSettings.a2a_path()` (REVOPS_A2A_DB).

Any number of such servers may share one PostgreSQL state database (REVOPS_STATE_DB): a task id
is answered by one of them at a time (`Service.start` claims it in the store), the outbox claims
what it sends, and the warehouse follows its file when an import replaces it (LiveWarehouse).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import uvicorn
from a2a.server.tasks import TaskStore as A2ATaskStore
from langgraph.checkpoint.base import BaseCheckpointSaver
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from agent.context import Warehouse
from agent.dashboard_store import store_beside
from agent.live_warehouse import LiveWarehouse, PinWarehouse
from protocols import a2a_server, dashboard_routes, rest
from protocols.agent_card import JSONRPC_PATH
from protocols.auth import (
    SIGN_IN_PATHS,
    BearerAuthMiddleware,
    Sessions,
    TokenUser,
    generated_tokens,
    load_tokens,
)
from protocols.edge import EdgeGuard
from protocols.mcp_server import build_mcp_server, mcp_http_app
from protocols.outbox import Outbox
from protocols.service_state import Service, ServiceConfig
from protocols.store import TaskStore
from tools.access import Identity
from tools.settings import ServiceSettings, Settings

if TYPE_CHECKING:  # the model client's libraries load only when a model is configured
    from agent.llm.client import LLMClient

log = logging.getLogger(__name__)


def create_app(service: Service) -> Starlette:
    """Return the ASGI app: REST + A2A (+ MCP when given), auth on, JSON errors."""
    sessions(service)
    a2a_tasks = a2a_server.task_store(service.a2a_db)  # opened in the lifespan
    routes: list[BaseRoute] = [*rest.routes(), *a2a_server.routes(service, a2a_tasks),
                               *dashboard_routes.routes()]
    if service.mcp_server is not None:
        # MCP over streamable HTTP at /mcp: its routes join ours (same auth, limits and
        # errors); its session manager runs in our lifespan.
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
async def _lifespan(app: Starlette, *, service: Service, a2a_tasks: A2ATaskStore
                    ) -> AsyncIterator[None]:
    service.limiter = anyio.CapacityLimiter(service.config.workers)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(a2a_server.opened(a2a_tasks,
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


def serve(warehouse: Warehouse, *, host: str, port: int, tokens_file: Path | None = None,
          llm: LLMClient | None = None, threads: BaseCheckpointSaver | None = None,
          env: Mapping[str, str] | None = None) -> None:
    """Run the service with uvicorn until interrupted (`revops serve`)."""
    config = Settings()
    tokens = load_tokens(tokens_file, config.auth.environ() if env is None else env)
    shown = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    if tokens is None:
        token, tokens = generated_tokens()
        print(f"No tokens configured (--tokens FILE or $REVOPS_TOKENS): generated one for this "
              f"run, role revops.\n    Authorization: Bearer {token}\n    curl -H "
              f"'Authorization: Bearer {token}' {shown}/v1/tools", file=sys.stderr)
    settings = config.service
    store = TaskStore(settings.state_db)
    service = Service(
        warehouse=warehouse, store=store, tokens=tokens, llm=llm, threads=threads,
        config=ServiceConfig(public_url=shown, host=host,
                             outbox_interval=settings.outbox_interval,
                             lease_s=settings.lease_seconds),
        outbox=_outbox(store, settings), a2a_db=settings.a2a_path(),
        mcp_server=build_mcp_server(warehouse, llm=llm, requester_of=mcp_requester),
        sessions=Sessions(tokens, config.auth.session_idle_seconds),
        dashboard_store=store_beside(getattr(warehouse, "path", None)
                                     or warehouse.answers.path))
    print(f"RevOps agent on {shown}: REST /v1/tasks, A2A {shown}/.well-known/agent-card.json, "
          f"MCP {shown}/mcp; tasks in {store.where}, A2A tasks in "
          f"{a2a_server.where(settings.a2a_path())}",
          file=sys.stderr)
    print(f"Dashboard: {shown}/?token={_dashboard_login(service)}\n    (a one-time link; "
          "others sign in there with their API token and see what their role may see)",
          file=sys.stderr)
    service.dashboard_bundle().warm()
    # the first visitor finds the page computed, and so after an import or a refresh
    service.dashboard().follow(service.today)
    try:
        uvicorn.run(create_app(service), host=host, port=port, log_level="info")
    finally:
        if service.outbox is not None:
            service.outbox.close()
        store.close()


def sessions(service: Service) -> Sessions:
    """The service's dashboard sessions (`serve` gives them; an app built without them, as in
    tests, makes them on first use with the configured idle timeout)."""
    if service.sessions is None:
        service.sessions = Sessions(service.tokens, Settings().auth.session_idle_seconds)
    return service.sessions


def _dashboard_login(service: Service) -> str:
    """A one-time token that signs the person who started the server in (role revops)."""
    return str(sessions(service).login_token(Identity(id="local-admin", role="revops")))


def _outbox(store: TaskStore, settings: ServiceSettings) -> Outbox | None:
    """Return the escalation outbox when endpoints are configured, else None."""
    if not settings.endpoints():
        return None
    return Outbox.from_settings(store, settings)


def mcp_requester(request: Any) -> dict[str, Any] | None:
    """Return the bearer identity of an MCP HTTP request as the requester."""
    user = request.scope.get("user") if request is not None else None
    return user.caller.requester() if isinstance(user, TokenUser) else None
