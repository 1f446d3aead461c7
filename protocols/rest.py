"""REST binding for the hub: POST /v1/tasks, GET /v1/tasks/{id}, GET /v1/tools, GET /healthz,
GET /openapi.json (protocols/openapi.py).

Tasks are idempotent on task_id: a repeat gets the stored response without recomputing, a
repeat with a different body gets 409. The graph runs in a worker thread under a time limit;
past it the caller gets 504 while the work finishes and is stored for a later GET; a deadline
already past on arrival is the caller's error (422, no work started).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agent.response import AgentResponse
from protocols.auth import identity_of
from protocols.openapi import openapi_json
from protocols.service_state import Service
from protocols.task_claims import TaskConflict
from protocols.tasks import ForbiddenRequester, TaskEnvelope, effective_requester, run_task
from tools.access import Identity
from tools.base import MetricParams
from tools.registry import TOOLS

log = logging.getLogger(__name__)
READ_ANY_TASK = frozenset({"revops", "hub"})
"""Roles that may read any task; others read only the tasks asked on their behalf."""
CALLBACK_ROLES = frozenset({"revops", "hub"})
"""Roles that may ask the server to POST to a URL (others could aim it at internal hosts)."""


def error(status: int, code: str, detail: Any, **extra: Any) -> JSONResponse:
    """Return the JSON error body every 4xx/5xx of the service uses."""
    return JSONResponse({"error": code, "detail": detail, **extra}, status_code=status)


def routes() -> list[Route]:
    """Return the REST routes (the app's state holds the Service)."""
    return [Route("/healthz", healthz, methods=["GET"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            Route("/v1/tools", list_tools, methods=["GET"]),
            Route("/v1/tasks", post_task, methods=["POST"]),
            Route("/v1/tasks/{task_id}", get_task, methods=["GET"])]


async def healthz(request: Request) -> JSONResponse:
    """Liveness: no auth, no warehouse query."""
    return JSONResponse({"status": "ok"})


async def list_tools(request: Request) -> JSONResponse:
    """Return the tool catalog with the parameter schema (same as `revops tools --json`)."""
    catalog = [{"name": t.name, "title": t.title, "description": t.description,
                "measures": list(t.measures), "default_period": t.default_period,
                "group_by": [d.value for d in t.group_by]} for t in TOOLS.values()]
    return JSONResponse({"tools": catalog, "params_schema": MetricParams.model_json_schema()})


async def post_task(request: Request) -> JSONResponse:
    """Answer a hub task, or return the stored answer of a repeat."""
    service: Service = request.app.state.service
    caller = identity_of(request.scope)
    parsed = _envelope(await request.body())
    if isinstance(parsed, JSONResponse):
        return parsed
    envelope = parsed
    try:
        requester = effective_requester(caller, envelope.requester)
    except ForbiddenRequester as exc:
        return error(403, "forbidden", str(exc))
    if envelope.callback_url is not None and caller.role not in CALLBACK_ROLES:
        return error(403, "forbidden", f"a {caller.role} token may not set callback_url")
    # The deadline limits this attempt, not the task: a retry may carry a later one.
    body = {**envelope.model_dump(mode="json", exclude_none=True, exclude={"deadline"}),
            "requester": requester}
    limit = service.config.time_limit_s
    if envelope.deadline is not None:
        limit = min(limit, (envelope.deadline - datetime.now(UTC)).total_seconds())
    future = service.inflight.get(envelope.task_id)
    if future is None:
        record = await asyncio.to_thread(service.store.get, envelope.task_id)
        if record is not None:
            if record.request != body:
                return _conflict(envelope.task_id)
            return _task_json(envelope.task_id, record.response, replay=True,
                              tool_call=envelope.tool is not None)
        future = service.inflight.get(envelope.task_id)
    if future is not None:
        if future.body != body:
            return _conflict(envelope.task_id)
    elif limit <= 0:
        # the caller's input, not a server fault: 422, and no work is started
        return error(422, "deadline_exceeded", "the task's deadline has already passed",
                     task_id=envelope.task_id)
    else:
        future = service.start(envelope.task_id, body, _answer(service, envelope, requester,
                                                               body))
    try:
        response = await asyncio.wait_for(asyncio.shield(future.task), max(limit, 0.001))
    except TaskConflict:  # another replica is answering this id for a different body
        return _conflict(envelope.task_id)
    except TimeoutError:
        return error(504, "timeout", f"not answered within {limit:.1f} s; the work continues: "
                     f"GET /v1/tasks/{envelope.task_id} later", task_id=envelope.task_id)
    return _task_json(envelope.task_id, response.model_dump(mode="json"),
                      tool_call=envelope.tool is not None)


async def get_task(request: Request) -> JSONResponse:
    """Return a task's stored response (202 while it is still being answered)."""
    service: Service = request.app.state.service
    caller = identity_of(request.scope)
    task_id = request.path_params["task_id"]
    record = await asyncio.to_thread(service.store.get, task_id)
    if record is None:
        running = service.inflight.get(task_id)
        asked = running.body if running is not None else None
        if asked is None:  # being answered by another replica sharing the store?
            claim = await asyncio.to_thread(service.store.task_claim, task_id)
            asked = claim.request if claim is not None else None
        if asked is not None and _may_read(caller, asked.get("requester")):
            return JSONResponse({"task_id": task_id, "status": "working"}, status_code=202)
        return error(404, "not_found", f"no task {task_id!r}")
    if not _may_read(caller, record.requester):
        return error(403, "forbidden", "this task was asked by someone else")
    return _task_json(task_id, record.response)


def _envelope(raw: bytes) -> TaskEnvelope | JSONResponse:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return error(422, "invalid_json", f"the body is not valid JSON: {exc}")
    if not isinstance(data, dict):
        return error(422, "invalid_envelope",
                     f"the body must be a JSON object, got {type(data).__name__}")
    try:
        return TaskEnvelope.model_validate(data)
    except ValidationError as exc:
        return error(422, "invalid_envelope", json.loads(exc.json(include_url=False)))


async def _answer(service: Service, envelope: TaskEnvelope, requester: dict[str, Any],
                  body: dict[str, Any]) -> AgentResponse:
    """Run the task in a worker thread, store it (with its escalation), then call back."""
    thread = f"rest:{requester['id']}:{envelope.thread_id}" if envelope.thread_id else None
    response = await service.run_blocking(
        run_task, service.warehouse, envelope, request_id=envelope.task_id,
        today=service.today(), requester=requester, thread_id=thread,
        checkpointer=service.threads, llm=service.llm)
    await service.record(body, response, task_id=envelope.task_id, sender=envelope.sender,
                         requester=requester)
    if envelope.callback_url is not None:
        payload = {**response.model_dump(mode="json"), "task_id": envelope.task_id}
        service.spawn(service.callback(str(envelope.callback_url), payload, envelope.task_id))
    return response


def _may_read(caller: Identity, requester: dict[str, Any] | None) -> bool:
    return caller.role in READ_ANY_TASK or (requester or {}).get("id") == caller.id


def _conflict(task_id: str) -> JSONResponse:
    return error(409, "conflict", f"task {task_id!r} was already submitted with a different "
                 "body; use a new task_id for a new task")


def _task_json(task_id: str, response: dict[str, Any] | None, replay: bool = False,
               tool_call: bool = False) -> JSONResponse:
    """Return a task's response; an explicit tool call the access policy refused is a 403, one
    whose params the tool cannot take (an option out of its range, a trend of a list) a 422
    (with the response and the usual error fields); a question stays a 200 answer. A task
    stored without a response yet is still working (a 202)."""
    if response is None:
        return JSONResponse({"task_id": task_id, "status": "working"}, status_code=202)
    headers = {"Idempotent-Replayed": "true"} if replay else None
    body = {**response, "task_id": task_id}
    if tool_call and response.get("status") == "refused":
        return JSONResponse({**body, "error": "forbidden", "detail": response.get("answer")},
                            status_code=403, headers=headers)
    if tool_call and response.get("status") == "needs_clarification":  # params the tool refuses
        return JSONResponse({**body, "error": "invalid_params", "detail": response.get("answer")},
                            status_code=422, headers=headers)
    return JSONResponse(body, headers=headers)
