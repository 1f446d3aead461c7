"""The REST binding as an OpenAPI 3.1 document (GET /openapi.json), generated from the same
pydantic models that validate the requests, so the published contract and the checks agree
(and a property-based fuzzer can generate requests from it: tests/test_service_fuzz.py)."""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse

from agent.response import AgentResponse
from protocols.tasks import TaskEnvelope
from tools.base import MetricParams
from tools.registry import TOOLS

REF = "#/components/schemas/{model}"


class ErrorBody(BaseModel):
    """Every 4xx/5xx of the REST binding (a refused or unanswerable tool call adds the
    AgentResponse fields)."""

    error: str = Field(description="A stable code: invalid_json, invalid_text, "
                                   "invalid_envelope, invalid_params, unauthorized, forbidden, "
                                   "not_found, conflict, payload_too_large, timeout, "
                                   "deadline_exceeded, internal_error.")
    detail: Any = Field(description="What was wrong; for invalid_envelope the list of invalid "
                                    "fields (loc, msg: the field and its allowed range).")
    request_id: str | None = Field(default=None, description="On 500: the id the log has.")
    task_id: str | None = None


class TaskResponse(AgentResponse):
    """The AgentResponse of a task, with its id."""

    task_id: str


@functools.cache
def document(public_url: str = "") -> dict[str, Any]:
    """Return the OpenAPI document of the REST binding (built once per URL: it depends only on
    the models and the tool catalog, both fixed for the process)."""
    _, defs = models_json_schema(
        [(TaskEnvelope, "validation"), (MetricParams, "validation"),
         (TaskResponse, "serialization"), (ErrorBody, "serialization")], ref_template=REF)
    schemas = defs["$defs"]
    envelope = schemas["TaskEnvelope"]["properties"]
    envelope["tool"] = {"anyOf": [{"type": "string", "enum": sorted(TOOLS)}, {"type": "null"}],
                        "default": None, "description": "A tool of GET /v1/tools (with params)."}
    envelope["params"] = {"anyOf": [{"$ref": REF.format(model="MetricParams")},
                                    {"type": "null"}], "default": None,
                          "description": "The tool's parameters."}
    schemas["TaskEnvelope"]["description"] = (
        "A hub task: either `question` or `tool` (with `params`), never both.")
    schemas["TaskEnvelope"]["oneOf"] = [  # what the model's validator checks, as schema
        {"required": ["question"], "properties": {"question": {"type": "string"},
                                                  "tool": {"type": "null"},
                                                  "params": {"type": "null"}}},
        {"required": ["tool"], "properties": {"tool": {"type": "string"},
                                              "question": {"type": "null"}}}]

    def reply(model: str, text: str) -> dict[str, Any]:
        return {"description": text, "content": {"application/json": {
            "schema": {"$ref": REF.format(model=model)}}}}

    errors = {str(code): reply("ErrorBody", text) for code, text in (
        (401, "Missing or invalid bearer token."), (403, "Not allowed for this token."),
        (413, "Body over the size limit."), (500, "Server fault (with a request id)."))}
    task_id = {"name": "task_id", "in": "path", "required": True,
               "schema": {"type": "string", "pattern": TaskEnvelope.model_fields[
                   "task_id"].metadata[0].pattern}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "RevOps agent REST API", "version": _version(),
                 "description": "Tasks for the hub. The agent also speaks A2A (JSON-RPC, card "
                                "at /.well-known/agent-card.json) and MCP (at /mcp)."},
        "servers": [{"url": public_url}] if public_url else [],
        "security": [{"bearer": []}],
        "paths": {
            "/v1/tasks": {"post": {
                "operationId": "postTask", "summary": "Answer a task (idempotent on task_id)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": REF.format(model="TaskEnvelope")}}}},
                "responses": {
                    "200": reply("TaskResponse", "The answer (any status but a refused or "
                                                 "unanswerable tool call)."),
                    "409": reply("ErrorBody", "The task id was used with another body."),
                    "422": reply("ErrorBody", "Invalid body or params (field and range), or a "
                                              "deadline already past (deadline_exceeded)."),
                    "504": reply("ErrorBody", "Not answered in time; GET the task later."),
                    **errors}}},
            "/v1/tasks/{task_id}": {"get": {
                "operationId": "getTask", "summary": "A task's stored answer",
                "parameters": [task_id],
                "responses": {"200": reply("TaskResponse", "The stored answer."),
                              "202": {"description": "Still being answered."},
                              "404": reply("ErrorBody", "No such task."), **errors}}},
            "/v1/tools": {"get": {
                "operationId": "listTools", "summary": "The tool catalog and params schema",
                "responses": {"200": {"description": "Tools and the MetricParams schema."},
                              **errors}}},
            "/healthz": {"get": {"operationId": "health", "summary": "Liveness",
                                 "security": [],
                                 "responses": {"200": {"description": "Alive."}}}},
        },
        "components": {"schemas": schemas, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"}}},
    }


async def openapi_json(request: Request) -> JSONResponse:
    """Serve the document (public, like the agent card)."""
    service = request.app.state.service
    return JSONResponse(document(service.config.public_url))


def _version() -> str:
    try:
        return version("revops-agent")
    except PackageNotFoundError:
        return "0"
