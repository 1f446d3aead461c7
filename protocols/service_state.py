"""What one server holds: its limits, every dependency the routes use, and the tasks it is
answering. `protocols.service.create_app` serves a `Service`; the routes (rest.py, a2a_server.py,
dashboard_routes.py) read it from `request.app.state.service`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx
from langgraph.checkpoint.base import BaseCheckpointSaver
from mcp.server.lowlevel import Server
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from agent.context import Warehouse
from agent.response import AgentResponse
from protocols.auth import Sessions, TokenTable
from protocols.outbox import Outbox, sender_id
from protocols.store import TaskStore
from protocols.task_claims import claimed

if TYPE_CHECKING:  # loaded on first use: the model's libraries and altair cost start-up time
    from agent.dashboard import Dashboard
    from agent.dashboard_page import VegaBundle
    from agent.llm.client import LLMClient

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
    store: TaskStore
    """Tasks, responses and the escalation outbox."""
    tokens: TokenTable
    config: ServiceConfig = field(default_factory=ServiceConfig)
    threads: BaseCheckpointSaver | None = None
    """A LangGraph checkpointer for conversations and clarifications (None = no threads)."""
    llm: LLMClient | None = None
    """The model client when a model is configured (None = the rules path only)."""
    outbox: Outbox | None = None
    """The escalation outbox, started and stopped with the app when given."""
    mcp_server: Server | None = None
    """The MCP server (protocols/mcp_server.build_mcp_server) served at /mcp."""
    a2a_db: Path | str | None = None
    """SQLite file or PostgreSQL URL of the A2A tasks (the a2a-sdk's DatabaseTaskStore), so
    GetTask and replies to INPUT_REQUIRED tasks survive a restart; None keeps them in memory."""
    inflight: dict[str, Inflight] = field(default_factory=dict)
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    limiter: anyio.CapacityLimiter | None = None
    http: httpx.AsyncClient | None = None
    sessions: Sessions | None = None
    """The dashboard's browser sessions (given by serve, else made by create_app)."""
    replica: str = field(default_factory=sender_id)
    """This server's name in the claims it holds in a shared store."""
    dashboard_store: Path | None = None
    """Where computed dashboard pages are kept on disk by data fingerprint (`serve`: beside
    the warehouse file), so a restarted server is warm; None keeps them in memory only."""
    _dashboard: Dashboard | None = None
    _bundle: VegaBundle | None = None

    def dashboard(self) -> Dashboard:
        """The dashboard over this warehouse, made on first use."""
        if self._dashboard is None:
            from agent.dashboard import Dashboard  # altair loads on the dashboard's first use
            from agent.dashboard_store import PageStore

            store = None if self.dashboard_store is None else PageStore(self.dashboard_store)
            self._dashboard = Dashboard(self.warehouse, store=store)
        return self._dashboard

    def dashboard_bundle(self) -> VegaBundle:
        """The Vega JavaScript the page loads."""
        if self._bundle is None:
            from agent.dashboard_page import VegaBundle  # as dashboard()

            self._bundle = VegaBundle()
        return self._bundle

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
        claim = claimed(self.store, task_id, body, work, owner=self.replica,
                        lease_s=self.config.lease_s, poll_s=self.config.claim_poll_s)
        entry = Inflight(body, asyncio.ensure_future(claim))
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
