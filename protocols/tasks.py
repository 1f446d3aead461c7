"""A task for the agent, from the hub (REST envelope) or a peer (A2A data part), and running it.

A task holds a question, or an explicit tool with its parameters. Either way the caller gets the
AgentResponse contract; an explicit tool call skips the parser but not the result shape.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
from langgraph.checkpoint.base import BaseCheckpointSaver
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from agent.answer import compose
from agent.ask import ask
from agent.context import Warehouse
from agent.plan import Plan
from agent.response import (
    AgentResponse,
    ClarificationOut,
    Intent,
    Result,
    WarningOut,
)
from tools.access import AccessDenied, Identity, Role, row_scope
from tools.base import (
    MAX_DATE,
    MIN_DATE,
    BoundedDate,
    MetricParams,
    Text,
    ToolContext,
    ToolInputError,
    validation_text,
)
from tools.registry import TOOLS, run_tool

if TYPE_CHECKING:  # typing only: the model client's libraries load only when one is configured
    from agent.llm.client import LLMClient

log = logging.getLogger(__name__)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$"


class Requester(BaseModel):
    """On whose behalf a task is asked (a hub forwards people's questions)."""

    model_config = ConfigDict(extra="forbid")

    id: Text = Field(min_length=1, max_length=200)
    role: Role
    name: Text | None = Field(default=None, max_length=200)


class TaskInput(BaseModel):
    """What to do: a question in plain words, or a tool with typed parameters."""

    model_config = ConfigDict(extra="forbid")

    question: Text | None = Field(default=None, min_length=1, max_length=2000)
    tool: Text | None = Field(default=None, max_length=100)
    params: dict[str, Any] | None = None
    """MetricParams of the tool (validated as such; the OpenAPI document shows its schema)."""
    as_of: BoundedDate | None = None
    """Evaluation date for relative periods (default: the server's, normally today)."""
    requester: Requester | None = None
    thread_id: str | None = Field(default=None, pattern=ID_PATTERN)
    """Conversation id: follow-ups ("and by region?") continue the thread's last question."""

    @model_validator(mode="after")
    def _one_kind(self) -> TaskInput:
        if (self.question is None) == (self.tool is None):
            raise ValueError("give either 'question' or 'tool' (with 'params'), not both")
        if self.question is not None and self.params is not None:
            raise ValueError("'params' goes with 'tool', not with 'question'")
        if self.tool is not None:
            if self.tool not in TOOLS:
                raise ValueError(f"unknown tool {self.tool!r}; GET /v1/tools lists them")
            try:
                MetricParams.model_validate(self.params or {})
            except ValidationError as exc:
                raise ValueError(f"invalid params for {self.tool}: {validation_text(exc)}") \
                    from None
        return self

    def metric_params(self) -> MetricParams:
        """Return the validated tool parameters."""
        return MetricParams.model_validate(self.params or {})


def _timestamp_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("must be an ISO 8601 date-time such as 2026-12-06T12:00:00Z, not a "
                         "number")
    return value


class TaskEnvelope(TaskInput):
    """A hub task (POST /v1/tasks): an id that makes retries safe, who sends it, and limits."""

    task_id: str = Field(pattern=ID_PATTERN)
    sender: Text = Field(min_length=1, max_length=200)
    callback_url: AnyHttpUrl | None = Field(default=None, max_length=2000)
    """Where to POST the response once answered (best effort, retried)."""
    deadline: Annotated[datetime, BeforeValidator(_timestamp_text)] | None = None
    """Answer by then or get 504 (the work continues; GET the task later). An ISO 8601
    date-time (naive = UTC); a number is refused, not read as seconds since 1970."""

    @field_validator("deadline")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        v = v.replace(tzinfo=UTC) if v is not None and v.tzinfo is None else v
        if v is not None and not MIN_DATE <= v.date() <= MAX_DATE:
            raise ValueError(f"must be between {MIN_DATE} and {MAX_DATE}")
        return v


class ForbiddenRequester(Exception):
    """A caller asked on behalf of someone else without being allowed to."""


def effective_requester(caller: Identity, asked: Requester | None) -> dict[str, Any]:
    """Return whom the task runs for: the caller, or (hub tokens only) the named requester."""
    own = caller.requester()
    if asked is None or (asked.id == caller.id and asked.role == caller.role):
        return own
    if caller.role != "hub":
        raise ForbiddenRequester(
            f"a {caller.role} token may not ask on behalf of {asked.id!r}; only hub tokens may")
    return asked.model_dump(exclude_none=True)


def run_task(warehouse: Warehouse, task: TaskInput, *, request_id: str, today: date,
             requester: dict[str, Any], thread_id: str | None = None,
             checkpointer: BaseCheckpointSaver | None = None,
             llm: LLMClient | None = None) -> AgentResponse:
    """Answer one task (blocking: call it from a worker thread). Never raises: a failure
    nobody foresaw is logged under the request id and answered as `status: error`."""
    try:
        return _run_task(warehouse, task, request_id=request_id, today=today,
                         requester=requester, thread_id=thread_id, checkpointer=checkpointer,
                         llm=llm)
    except Exception:
        log.exception("task %s failed", request_id)
        return failed(request_id, task.tool)


def failed(request_id: str, tool: str | None = None) -> AgentResponse:
    """The answer to a request that failed unexpectedly: short, with the id the log has."""
    return AgentResponse(request_id=request_id, status="error", intent=Intent(tool=tool),
                         answer=f"Internal error while answering; the server log has the "
                                f"details under request id {request_id}.")


def _run_task(warehouse: Warehouse, task: TaskInput, *, request_id: str, today: date,
              requester: dict[str, Any], thread_id: str | None,
              checkpointer: BaseCheckpointSaver | None, llm: LLMClient | None
              ) -> AgentResponse:
    as_of = task.as_of or today
    if task.tool is not None:
        return run_tool_call(warehouse, task.tool, task.metric_params(), as_of=as_of,
                             request_id=request_id, requester=requester)

    assert task.question is not None
    return ask(warehouse, task.question, as_of=as_of, request_id=request_id,
               thread_id=thread_id if checkpointer is not None else None,
               checkpointer=checkpointer, llm=llm, requester=requester)


def run_tool_call(warehouse: Warehouse, tool: str, params: MetricParams, *, as_of: date,
                  request_id: str, requester: dict[str, Any] | None) -> AgentResponse:
    """Run a tool directly (within the requester's row scope) and shape its result like an
    answered question; data outside the scope is `refused`."""
    intent = Intent(tool=tool, params=params.model_dump(mode="json", exclude_defaults=True),
                    notes=["explicit tool call (no question parsed)"])
    con = warehouse.cursor()
    try:
        ctx = ToolContext(con=con, settings=warehouse.settings, as_of=as_of,
                          facts=warehouse.facts, memo=warehouse.memo,
                          scope=row_scope(requester, con), cache=warehouse.answers)
        result = run_tool(ctx, tool, params)
    except AccessDenied as exc:
        answer = f"I can't do that: {exc}" + (f" {exc.instead}" if exc.instead else "")
        return AgentResponse(request_id=request_id, status="refused", answer=answer,
                             intent=intent)
    except ToolInputError as exc:
        question = f"I can't answer that as asked: {exc}."
        answer = question + (f" Options: {'; '.join(exc.options)}." if exc.options else "")
        return AgentResponse(request_id=request_id, status="needs_clarification", answer=answer,
                             intent=intent, clarification=ClarificationOut(
                                 question=question, options=exc.options))
    except duckdb.Error:
        log.exception("tool %s failed", tool)
        return AgentResponse(request_id=request_id, status="error", intent=intent,
                             answer=f"{tool} failed on the warehouse; see the server log.")
    return AgentResponse(
        request_id=request_id, status="answered", intent=intent,
        answer=compose(result, Plan(tool=tool, params=params, as_of=as_of)),
        result=Result.model_validate(result.model_dump(include=set(Result.model_fields))),
        warnings=[WarningOut(code=w.code, message=w.message) for w in result.warnings])
