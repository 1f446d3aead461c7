"""The read-only analytic tools and the full agent as an MCP server (official mcp SDK 2.x).

Built on the SDK's low-level `Server` rather than `MCPServer`: each tool publishes exactly the
JSON schema of its pydantic input (MetricParams plus `as_of`, narrowed to the tool's measures
and dimensions) and rejects unknown fields as that model does; `MCPServer` derives the schema
from a function signature and silently drops unknown arguments.

Transports: `run_stdio(server)` (`revops mcp`) and `mcp_http_app(server)` (streamable HTTP,
mounted by `revops serve`). Mounting the HTTP app in a parent Starlette app:

    server = build_mcp_server(warehouse, requester_of=...)
    mcp_app = mcp_http_app(server, host=host)          # endpoint at /mcp inside the app

    @asynccontextmanager
    async def lifespan(app):
        async with server.session_manager.run():         # once per server object
            yield

    app = Starlette(routes=[*own_routes, Mount("/", app=mcp_app)], lifespan=lifespan)

Starlette does not run a mounted app's lifespan, so without the parent's `session_manager.run()`
every MCP request fails with "Task group is not initialized". `Mount("/")` matches every path:
put it after the service's own routes (or add `*mcp_app.routes` to the parent's routes instead
of mounting, which keeps the parent's 404s and middleware).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import anyio
import duckdb
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import (
    CallToolRequestParams,
    CallToolResult,
    ListToolsResult,
    PaginatedRequestParams,
    TextContent,
    ToolAnnotations,
)
from mcp.types import Tool as McpTool
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette

from agent.answer import compose
from agent.ask import ask
from agent.chart_shape import chart_kind
from agent.context import Warehouse
from agent.plan import Plan
from agent.response import AgentResponse
from tools.access import AccessDenied, row_scope
from tools.base import (
    BoundedDate,
    MetricParams,
    MetricResult,
    Text,
    Tool,
    ToolContext,
    ToolInputError,
    validation_text,
)
from tools.registry import TOOLS, run_tool

if TYPE_CHECKING:  # typing only: the model client's libraries load only when one is configured
    from agent.llm.client import LLMClient

log = logging.getLogger(__name__)

ASK = "ask"
"""Name of the MCP tool that runs the whole agent on a plain-language question."""

Requester = dict[str, Any]
"""Who is asking: `protocols.auth.Identity.requester()` (id, role, name), the same dict REST
and A2A pass; tools.access turns it into a row scope."""
RequesterOf = Callable[[Any], Requester | None]
"""Maps the transport's request (a Starlette Request over HTTP, None over stdio) to the
requester; None means no identity (the local user of a stdio server)."""

INSTRUCTIONS = (
    "Revenue operations analytics over the company's CRM warehouse, read-only. Each metric tool "
    "runs one deterministic SQL query and returns the number with its definition, period, "
    "as-of date, row count, caveats and the SQL it ran. Use `ask` for a plain-language question "
    "(it picks the tool, or asks back, or says which agent owns an out-of-scope request).")

FIELD_HELP = {
    "period": "Inclusive date range {start, end, label}; omit for the tool's default period.",
    "all_time": "Ignore the period entirely (e.g. all open pipeline whatever its close date).",
    "group_by": "Split the result by up to two dimensions.",
    "time_grain": "Break the period into fiscal months, quarters or years (a trend).",
    "filters": "Keep (or, with exclude, drop) records whose dimension label is one of values.",
    "top": "Keep only the first N rows after ordering.",
    "order": "Order of the rows by the headline measure.",
    "compare": "Add the previous period or the same period a year earlier.",
    "measure": "Variant of the headline number; omit for the first (the default).",
    "options": "Tool-specific knobs (e.g. stale_days).",
    "as_of": "Evaluation date YYYY-MM-DD for the default period and open-deal state; "
             "default today.",
}


class ToolArguments(MetricParams):
    """The input of every metric tool over MCP: MetricParams plus the evaluation date."""

    as_of: BoundedDate | None = None

    def metric_params(self) -> MetricParams:
        """Return the parameters without the evaluation date."""
        return MetricParams.model_validate(self.model_dump(exclude={"as_of"}))


class AskArguments(BaseModel):
    """The input of the `ask` tool."""

    model_config = ConfigDict(extra="forbid")

    question: Text = Field(min_length=1, max_length=2000,
                           description="The revenue question, in plain language.")
    as_of: BoundedDate | None = Field(default=None, description=FIELD_HELP["as_of"])


def build_mcp_server(warehouse: Warehouse, *, llm: LLMClient | None = None,
                     today: Callable[[], date] = date.today,
                     requester_of: RequesterOf = lambda request: None,
                     name: str = "revops-agent") -> Server:
    """Return an MCP server exposing every registered tool and `ask` over one read-only
    warehouse connection (opened and closed by the caller)."""
    catalog = [_describe(tool) for tool in TOOLS.values()] + [_describe_ask()]

    async def list_tools(ctx: ServerRequestContext, params: PaginatedRequestParams | None
                         ) -> ListToolsResult:
        return ListToolsResult(tools=catalog)

    async def call_tool(ctx: ServerRequestContext, params: CallToolRequestParams
                        ) -> CallToolResult:
        requester = requester_of(ctx.request)
        arguments = params.arguments or {}
        if params.name == ASK:
            return await anyio.to_thread.run_sync(
                lambda: call_ask(warehouse, arguments, llm=llm, today=today(),
                                 requester=requester))
        return await anyio.to_thread.run_sync(
            lambda: call_metric_tool(warehouse, params.name, arguments, today=today(),
                                     requester=requester))

    return Server(name, version=_version(), instructions=INSTRUCTIONS,
                  on_list_tools=list_tools, on_call_tool=call_tool)


def call_metric_tool(warehouse: Warehouse, name: str, arguments: dict[str, Any], *,
                     today: date, requester: Requester | None = None) -> CallToolResult:
    """Validate the arguments and run one metric tool within the requester's row scope
    (tools.access); every failure, and data outside the scope, is a tool error result."""
    tool = TOOLS.get(name)
    if tool is None:
        return tool_error(f"unknown tool '{name}'", sorted([*TOOLS, ASK]))
    try:
        args = ToolArguments.model_validate(arguments)
        params = args.metric_params()
        con = warehouse.cursor()
        ctx = ToolContext(con=con, settings=warehouse.settings, as_of=args.as_of or today,
                          facts=warehouse.facts, memo=warehouse.memo,
                          scope=row_scope(requester, con), cache=warehouse.answers)
        result = run_tool(ctx, name, params)
        if chart_kind(result) is not None:
            from agent.charts import chart_for  # altair loads only for a result with a chart

            result.chart = chart_for(result)
        text = _summary(result, params)
    except ValidationError as exc:
        return tool_error(f"invalid arguments for {name}: {validation_text(exc)}")
    except AccessDenied as exc:
        return tool_error(f"access denied: {exc}" + (f" {exc.instead}" if exc.instead else ""))
    except ToolInputError as exc:
        return tool_error(f"{name} cannot answer with these arguments: {exc}", exc.options)
    except duckdb.Error:
        log.exception("tool %s failed on the warehouse", name)
        return tool_error(f"{name} failed on the warehouse (see the server log)")
    except Exception:
        log.exception("tool %s failed", name)
        return tool_error(f"{name} failed unexpectedly (see the server log)")
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content=result.model_dump(mode="json"))


def call_ask(warehouse: Warehouse, arguments: dict[str, Any], *, llm: LLMClient | None,
             today: date, requester: Requester | None = None) -> CallToolResult:
    """Run the whole agent on one question; its AgentResponse is the structured content."""
    try:
        args = AskArguments.model_validate(arguments)
    except ValidationError as exc:
        return tool_error(f"invalid arguments for {ASK}: {validation_text(exc)}")
    try:
        response = ask(warehouse, args.question, as_of=args.as_of or today, llm=llm,
                       requester=requester)
    except Exception:
        log.exception("ask failed")
        return tool_error(f"{ASK} failed unexpectedly (see the server log)")
    return CallToolResult(content=[TextContent(type="text", text=response.answer)],
                          structured_content=response.model_dump(mode="json"),
                          is_error=response.status in ("error", "refused"))


def tool_error(message: str, options: list[str] | None = None) -> CallToolResult:
    """An MCP tool error the caller (often a model) can read and correct."""
    text = message + (f". Options: {', '.join(options)}" if options else "")
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True,
                          structured_content={"error": message, "options": options or []})


def run_stdio(server: Server) -> None:
    """Serve one MCP client on stdin/stdout until it disconnects."""

    async def serve() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(serve)


def mcp_http_app(server: Server, *, path: str = "/mcp", host: str = "127.0.0.1",
                 transport_security: TransportSecuritySettings | None = None,
                 stateless: bool = False, max_request_body_size: int = 1 << 20) -> Starlette:
    """Return the streamable-HTTP ASGI app (endpoint at `path`) for one server object.

    Its own lifespan runs `server.session_manager`, which is enough to serve it alone; mounted
    in another app, that app's lifespan must run `server.session_manager.run()` (module
    docstring). `host` is the address served: a localhost one turns on the SDK's DNS-rebinding
    protection (only localhost Host headers) unless `transport_security` says otherwise.
    """
    return server.streamable_http_app(
        streamable_http_path=path, host=host, transport_security=transport_security,
        stateless_http=stateless, max_request_body_size=max_request_body_size)


def _describe(tool: Tool) -> McpTool:
    return McpTool(name=tool.name, title=tool.title,
                   description=f"{tool.description} Default period: "
                               f"{_PERIODS.get(tool.default_period, tool.default_period)}.",
                   input_schema=_input_schema(tool),
                   output_schema=MetricResult.model_json_schema(mode="serialization"),
                   annotations=ToolAnnotations(read_only_hint=True, destructive_hint=False,
                                               idempotent_hint=True, open_world_hint=False))


def _describe_ask() -> McpTool:
    return McpTool(name=ASK, title="Ask the RevOps agent",
                   description="Answer a revenue question in plain language with the full agent: "
                               "the number with its explanation, a clarifying question, or the "
                               "escalation of an out-of-scope request to the agent that owns it.",
                   input_schema=AskArguments.model_json_schema(),
                   output_schema=AgentResponse.model_json_schema(mode="serialization"),
                   annotations=ToolAnnotations(read_only_hint=True, destructive_hint=False,
                                               open_world_hint=False))


_PERIODS = {"ytd": "fiscal year to date", "quarter": "the fiscal quarter of as_of",
            "none": "none (all dates)"}


def _input_schema(tool: Tool) -> dict[str, Any]:
    """ToolArguments' schema narrowed to this tool's measures and dimensions, with help text."""
    schema = ToolArguments.model_json_schema()
    dims = {"type": "string", "enum": [d.value for d in tool.group_by]}
    props = schema["properties"]
    props["group_by"]["items"] = dims
    props["measure"] = {"anyOf": [{"type": "string", "enum": list(tool.measures)},
                                  {"type": "null"}], "default": None}
    for field, help_text in FIELD_HELP.items():
        props[field]["description"] = help_text
    props["measure"]["description"] += f" Default: {tool.measures[0]}."
    defs = schema["$defs"]
    defs["Filter"]["properties"]["dimension"] = dims
    defs.pop("Dimension", None)
    return schema


def _summary(result: MetricResult, params: MetricParams) -> str:
    """The template answer (the same paragraph `revops ask` prints) and the caveats."""
    text = compose(result, Plan(tool=result.metric, params=params))
    return "\n".join([text, *(f"Warning [{w.code}]: {w.message}" for w in result.warnings)])


def _version() -> str:
    try:
        return version("revops-agent")
    except PackageNotFoundError:
        return "0"
