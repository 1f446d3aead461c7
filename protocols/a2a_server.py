"""A2A v1.0 binding (official a2a-sdk): agent card, JSON-RPC SendMessage / GetTask / CancelTask.

Outcomes map to task states: answered -> COMPLETED (artifact: the AgentResponse as a data part
and the answer as text); escalated or refused -> REJECTED (the same parts, escalation inside);
needs_clarification -> INPUT_REQUIRED, and the next message on the task is read as the reply
(the graph's thread completes the question); failures -> FAILED with a sanitized message.
Finished tasks are recorded in the agent's TaskStore, so escalations reach the outbox.

The A2A tasks themselves (status, artifacts, history) are kept by the a2a-sdk's
DatabaseTaskStore in their own SQLite file (`task_store(path)`; `revops serve` uses
REVOPS_A2A_DB, default `<state_db stem>-a2a.sqlite` beside the state db, table `tasks`), so
GetTask and the reply to an INPUT_REQUIRED task work after a restart (the graph's thread is in
the LangGraph checkpointer). Its table is created at app startup and its engine disposed at
shutdown (`opened`, entered by the service's lifespan); at startup, tasks a previous run left
SUBMITTED or WORKING (their run died with it) are marked FAILED, so pollers stop waiting.
Without a path the tasks live in memory. Given a postgresql:// URL they live in PostgreSQL
(table `a2a_tasks`, beside the task store's tables), shared by every replica; there a startup
fails only tasks left unfinished for longer than a live replica could still be answering them.
Protobuf's JSON mapping (the wire and that store) has no NaN/Infinity: such numbers in an
AgentResponse are sent and stored as null, with a warning in the log.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
import warnings
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from a2a.auth.user import User
from a2a.helpers import (
    get_data_parts,
    get_message_text,
    new_data_part,
    new_task_from_user_message,
    new_text_message,
)
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.context import ServerCallContext
from a2a.server.events import EventQueue
from a2a.server.models import create_task_model
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import (
    DefaultServerCallContextBuilder,
    create_agent_card_routes,
    create_jsonrpc_routes,
)
from a2a.server.routes.jsonrpc_dispatcher import JSONRPC03Adapter  # after routes: import cycle
from a2a.server.tasks import DatabaseTaskStore, InMemoryTaskStore, TaskStore, TaskUpdater
from a2a.types import Message, Part, Role, SendMessageRequest, Task, TaskState, TaskStatus
from a2a.utils.constants import VERSION_HEADER
from a2a.utils.errors import InvalidParamsError
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import ValidationError
from sqlalchemy import event as sql_event
from sqlalchemy import select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from agent.response import AgentResponse
from agent.session import redacted_url
from protocols.agent_card import JSONRPC_PATH, build_card
from protocols.auth import TokenUser
from protocols.service_state import Service
from protocols.sqlstore import SCHEMA_LOCK, is_postgres_url
from protocols.tasks import ForbiddenRequester, TaskInput, effective_requester, failed, run_task
from tools.access import Identity
from tools.base import validation_text

log = logging.getLogger(__name__)


class IdentityContextBuilder(DefaultServerCallContextBuilder):
    """Carry the bearer token's identity into the executor (and scope tasks to their owner)."""

    def build(self, request: Request) -> ServerCallContext:  # noqa: D102
        context = super().build(request)
        user = request.scope.get("user")
        if isinstance(user, TokenUser):
            context.state["identity"] = user.caller
        return context


def task_store(path: Path | str | None) -> TaskStore:
    """Return the store of A2A tasks: the SDK's DatabaseTaskStore over the SQLite file `path`
    (created with its directory; the table at `opened`) or the PostgreSQL database at a
    postgresql:// URL, or an in-memory one when None."""
    if path is None:
        return InMemoryTaskStore()

    if is_postgres_url(path):
        url = make_url(str(path)).set(drivername="postgresql+psycopg")
        # no server-side prepared statements: safe behind PgBouncer (as the other pools)
        shared = DatabaseTaskStore(create_async_engine(
            url, pool_pre_ping=True, connect_args={"prepare_threshold": None}))
        shared.task_model = _pg_task_model()  # the SDK would define the class once per store
        return shared

    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(URL.create("sqlite+aiosqlite", database=str(path)),
                                 connect_args={"timeout": 30.0})

    @sql_event.listens_for(engine.sync_engine, "connect")
    def _wal(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("pragma journal_mode=wal")
        cursor.close()

    return DatabaseTaskStore(engine)


PG_TABLE = "a2a_tasks"
"""The A2A tasks' table in PostgreSQL (the task store's own table there is `tasks`)."""


@functools.cache
def _pg_task_model() -> Any:
    """The A2A task model mapped to PG_TABLE (a mapped class may be defined once per process)."""
    with warnings.catch_warnings():  # the SDK names every such class TaskModel: a harmless clash
        warnings.simplefilter("ignore")
        return create_task_model(PG_TABLE)


def where(path: Path | str | None) -> str:
    """Where A2A tasks are kept, fit for messages (a URL's password left out)."""
    return "memory" if path is None else redacted_url(str(path))


@asynccontextmanager
async def opened(store: TaskStore, *, stale_after: float = 60.0) -> AsyncIterator[TaskStore]:
    """Create a SQL store's table now (not at the first request) and close its connections
    on exit; an in-memory store needs neither. A shared (PostgreSQL) store fails only the
    unfinished tasks not updated for `stale_after` seconds: other replicas may be answering
    the rest."""
    if not isinstance(store, DatabaseTaskStore):
        yield store
        return
    shared = store.engine.dialect.name == "postgresql"
    if shared:
        await _initialize_in_turn(store)
    else:
        await store.initialize()
    try:
        await _fail_unfinished(store, older_than=stale_after if shared else None)
        yield store
    finally:
        await store.engine.dispose()


INTERRUPTED = "Interrupted by a restart of the agent before it answered; send the request again."


async def _initialize_in_turn(store: DatabaseTaskStore) -> None:
    """Create the table under a PostgreSQL advisory lock: replicas starting together would
    otherwise race to create it (a duplicate-type error for all but one)."""
    async with store.engine.connect() as lock:
        # polled, not waited for (see agent.session.await_turn)
        while not (await lock.execute(text("select pg_try_advisory_lock(:k)"),
                                      {"k": SCHEMA_LOCK})).scalar():
            await lock.rollback()  # hold no transaction (nor snapshot) between two tries
            await asyncio.sleep(0.05)
        try:
            await store.initialize()
        finally:
            await lock.execute(text("select pg_advisory_unlock(:k)"), {"k": SCHEMA_LOCK})
            await lock.commit()


async def _fail_unfinished(store: DatabaseTaskStore, older_than: float | None = None) -> None:
    """Mark FAILED the tasks a previous run left SUBMITTED or WORKING: nothing answers them
    (with `older_than`, only those whose status is at least that many seconds old)."""
    model = store.task_model
    states = [TaskState.Name(TaskState.TASK_STATE_SUBMITTED),
              TaskState.Name(TaskState.TASK_STATE_WORKING)]
    async with store.async_session_maker() as session:
        rows = (await session.execute(select(model.id, model.owner).where(
            model.status["state"].as_string().in_(states)))).all()
    for task_id, owner in rows:
        context = ServerCallContext(user=_Owner(owner or ""))
        task = await store.get(task_id, context)
        if task is None:
            continue
        if older_than is not None and task.status.HasField("timestamp") and (
                time.time() - task.status.timestamp.seconds < older_than):
            continue
        now = Timestamp()
        now.GetCurrentTime()
        task.status.CopyFrom(TaskStatus(
            state=TaskState.TASK_STATE_FAILED, timestamp=now,
            message=new_text_message(INTERRUPTED, media_type="text/plain",
                                     context_id=task.context_id, task_id=task.id)))
        await store.save(task, context)
        log.warning("A2A task %s was unfinished at the last shutdown: marked failed", task_id)


class _Owner(User):
    """The owner a stored task is scoped to (the store's key is the caller's user name)."""

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def is_authenticated(self) -> bool:  # noqa: D102
        return True

    @property
    def user_name(self) -> str:  # noqa: D102
        return self._name


def routes(service: Service, tasks: TaskStore) -> list[BaseRoute]:
    """Return the public agent-card route and the (authenticated) JSON-RPC route, keeping A2A
    tasks in `tasks` (see `task_store`)."""
    card = build_card(service.config.public_url)
    handler = ValidatingRequestHandler(agent_executor=RevOpsExecutor(service),
                                       task_store=tasks, agent_card=card)
    rpc = create_jsonrpc_routes(handler, rpc_url=JSONRPC_PATH,
                                context_builder=IdentityContextBuilder(),
                                enable_v0_3_compat=True)
    return [*create_agent_card_routes(card),
            *[Route(r.path, _versioned(r.endpoint), methods=list(r.methods or ["POST"]))
              if isinstance(r, Route) else r for r in rpc]]


V03_METHODS = frozenset(JSONRPC03Adapter.METHOD_TO_MODEL)
"""The A2A 0.3 JSON-RPC method names (message/send, tasks/get, ...) the SDK serves besides
the 1.0 ones: a request without an A2A-Version header is 0.3 (spec 3.6.2), so these work as
is; 1.0 methods (SendMessage, GetTask, ...) need `A2A-Version: 1.0`."""


def _versioned(endpoint: Any) -> Any:
    """The JSON-RPC endpoint, answering a 0.3 method sent with a 1.x A2A-Version header with
    -32009 VersionNotSupported (the SDK's 0.3 layer, which has no such code, answers -32603)."""

    async def versioned(request: Request) -> Response:
        version = request.headers.get(VERSION_HEADER, "").strip()
        try:  # Starlette keeps the parsed body on the request: the SDK's request.json() reuses it
            body = await request.json()
        except ValueError:
            body = None
        bad = _out_of_range(body.get("params") if isinstance(body, dict) else None)
        if bad is not None and isinstance(body, dict):
            ident = body.get("id")
            return JSONResponse({"jsonrpc": "2.0", "id": ident if isinstance(
                ident, str | int) and not isinstance(ident, bool) else None, "error": {
                "code": -32602, "message": f"{bad} must be an integer from {INT32[0]} to "
                                           f"{INT32[1]}"}})
        if version and not version.startswith("0."):
            if isinstance(body, dict) and body.get("method") in V03_METHODS:
                ident = body.get("id")
                return JSONResponse({"jsonrpc": "2.0", "id": ident if isinstance(
                    ident, str | int) and not isinstance(ident, bool) else None, "error": {
                    "code": -32009, "message": f"{body['method']} is an A2A 0.3 method; send it "
                    f"without the A2A-Version header (or with 0.3), or use its 1.0 name with "
                    f"A2A-Version: {version}"}})
        return await endpoint(request)

    return versioned


INT32 = (-(2**31), 2**31 - 1)
INT32_FIELDS = frozenset({"historyLength", "pageSize"})
"""Request fields A2A types as int32: a larger number makes the SDK's conversion raise, which
it answers as an internal error (-32603), so it is refused here as invalid params."""


def _out_of_range(params: Any) -> str | None:
    """The first int32 field of the params (or of their configuration) outside its range."""
    for scope, where in ((params, "params"),
                         (params.get("configuration") if isinstance(params, dict) else None,
                          "params.configuration")):
        if not isinstance(scope, dict):
            continue
        for name in INT32_FIELDS & set(scope):
            value = scope[name]
            if isinstance(value, int | float) and not isinstance(value, bool) and \
                    not INT32[0] <= value <= INT32[1]:
                return f"{where}.{name}"
    return None


class ValidatingRequestHandler(DefaultRequestHandler):
    """The SDK's handler, with each incoming message checked before a task is made for it:
    a message that is not the user's, or whose parts are not a valid task input, is a JSON-RPC
    invalid-params error naming the field (the same check for 0.3 and 1.0 callers, whose
    requests the SDK converts to these calls)."""

    async def on_message_send(self, params: SendMessageRequest,  # noqa: D102
                              context: ServerCallContext) -> Message | Task:
        _vet(params)
        return await super().on_message_send(params, context)

    async def on_message_send_stream(self, params: SendMessageRequest,  # noqa: D102
                                     context: ServerCallContext) -> AsyncGenerator[Any, None]:
        _vet(params)
        async for event in super().on_message_send_stream(params, context):
            yield event


def _vet(params: SendMessageRequest) -> None:
    message = params.message
    if message.role != Role.ROLE_USER:
        given = Role.Name(message.role) if message.role in Role.values() else message.role
        raise InvalidParamsError(message=f"message.role must be ROLE_USER (user), not "
                                         f"{given}: this agent answers requests, it does not "
                                         "take agents' replies")
    try:
        _task_input(message)
    except ValidationError as exc:
        raise InvalidParamsError(message=f"invalid message: {validation_text(exc)}") from None


class RevOpsExecutor(AgentExecutor):
    """Run the agent for one A2A message and publish the task's outcome."""

    def __init__(self, service: Service) -> None:
        self.service = service

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Answer the message (a new task, or the reply to a question we asked back)."""
        task = context.current_task
        if task is None:
            assert context.message is not None
            task = new_task_from_user_message(context.message)
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        try:
            await self._answer(context, task, updater)
        except Exception:
            log.exception("A2A task %s failed", task.id)
            await updater.failed(_message(updater, failed(task.id).answer))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Mark a running or waiting task canceled (its worker thread finishes unobserved)."""
        assert context.task_id is not None and context.context_id is not None
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()

    async def _answer(self, context: RequestContext, task: Task, updater: TaskUpdater) -> None:
        service = self.service
        identity = context.call_context.state.get("identity")
        if not isinstance(identity, Identity):
            raise RuntimeError("A2A request without an identity: is auth middleware on?")
        assert context.message is not None
        try:
            first = _task_input(task.history[0] if task.history else context.message)
            current = _task_input(context.message)
            requester = effective_requester(identity, current.requester or first.requester)
        except ValidationError as exc:
            await updater.reject(_message(updater, f"Invalid request: {_errors(exc)}"))
            return
        except ForbiddenRequester as exc:
            await updater.reject(_message(updater, f"Not allowed: {exc}"))
            return
        current = current.model_copy(update={"as_of": current.as_of or first.as_of})
        await updater.start_work()
        run = asyncio.ensure_future(service.run_blocking(
            run_task, service.warehouse, current, request_id=task.id, today=service.today(),
            requester=requester, thread_id=f"a2a:{identity.id}:{task.context_id}",
            checkpointer=service.threads, llm=service.llm))
        try:
            response = await asyncio.wait_for(asyncio.shield(run), service.config.time_limit_s)
        except TimeoutError:
            await updater.failed(_message(updater, "Not answered within the time limit "
                                          f"({service.config.time_limit_s:.0f} s)."))
            return
        if response.status != "needs_clarification":
            request = {"protocol": "a2a", "context_id": task.context_id,
                       **current.model_dump(mode="json", exclude_none=True),
                       "requester": requester}
            await service.record(request, response, task_id=task.id, sender=identity.id,
                                 requester=requester)
        await _publish(updater, response)


async def _publish(updater: TaskUpdater, response: AgentResponse) -> None:
    data = response.model_dump(mode="json")
    parts = [Part(text=response.answer, media_type="text/plain"),
             _data_part(data)]
    if response.result is not None and response.result.chart is not None:
        parts.append(_data_part(response.result.chart, VEGA_LITE))  # for hubs that draw it
    if response.status == "answered":
        await updater.add_artifact(parts, name="answer")
        await updater.complete(_message(updater, response.answer))
    elif response.status == "needs_clarification":
        await updater.requires_input(updater.new_agent_message(parts))
    elif response.status in ("escalated", "refused"):
        await updater.add_artifact(parts, name=response.status)
        await updater.reject(updater.new_agent_message(parts))
    else:
        await updater.failed(updater.new_agent_message(parts))


def _task_input(message: Message) -> TaskInput:
    """Read a message: a JSON data part is a TaskInput; text alone is the question."""
    payload: dict[str, Any] = {}
    for data in get_data_parts(list(message.parts)):
        if isinstance(data, dict):
            payload = dict(data)
            break
    text = get_message_text(message, delimiter=" ").strip()
    if text and "question" not in payload and "tool" not in payload:
        payload["question"] = text
    return TaskInput.model_validate(payload)


VEGA_LITE = "application/vnd.vegalite.v5+json"
"""Media type of the chart's data part (the Vega-Lite spec of result.chart)."""


def _data_part(data: dict[str, Any], media_type: str = "application/json") -> Part:
    replaced: list[str] = []
    part = new_data_part(_finite(data, "", replaced), media_type=media_type)
    if replaced:
        log.warning("A2A data part: non-finite numbers sent as null at %s", ", ".join(replaced))
    return part


def _finite(value: Any, where: str, replaced: list[str]) -> Any:
    """Return `value` with NaN/Infinity as None (protobuf's JSON mapping, used on the wire and
    by the SQL task store, rejects them), noting where in `replaced`."""
    if isinstance(value, float) and not math.isfinite(value):
        replaced.append(where or "/")
        return None
    if isinstance(value, dict):
        return {k: _finite(v, f"{where}/{k}", replaced) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, f"{where}/{i}", replaced) for i, v in enumerate(value)]
    return value


def _message(updater: TaskUpdater, text: str) -> Message:
    return updater.new_agent_message([Part(text=text, media_type="text/plain")])


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}"
                     for e in exc.errors())

