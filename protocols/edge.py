"""The service's edge: every request body is read whole (up to a size limit) and vetted as JSON
before any route parses it, and nothing a route raises leaves as a traceback or a dropped
connection.

Routes we do not write (the a2a-sdk's JSON-RPC dispatcher, the mcp SDK's streamable HTTP) parse
bodies with their own JSON readers, which accept NaN and Infinity, recurse on deep nesting and
turn a size error raised mid-body into an empty -32603. Vetting once here gives every protocol
the same rules and answers in its own shape: REST a JSON 4xx ({"error", "detail"}), JSON-RPC
routes an error object with the standard code (-32700 unparsable, -32600 too large or deep,
-32602 a string that is not valid Unicode).

Each request gets an id (the caller's X-Request-ID when it is a sane token, else a new one),
echoed in the X-Request-ID response header and logged with any failure; an exception a route
lets out is answered as a JSON 500 naming that id, and the keep-alive connection stays usable.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects a body may have (our own inputs need about 6)."""
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS, INTERNAL_ERROR = -32700, -32600, -32602, -32603


class Rejected(Exception):
    """A body the edge refuses, with the HTTP status, a REST error code and a JSON-RPC code."""

    def __init__(self, status: int, code: str, rpc_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.rpc_code, self.detail = status, code, rpc_code, detail


def vet_json(raw: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Return the parsed body, or raise Rejected: not UTF-8, not JSON, NaN/Infinity, nested
    deeper than `max_depth`, or a string (key or value) holding a lone surrogate."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(422, "invalid_json", PARSE_ERROR,
                       f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise Rejected(422, "invalid_json", INVALID_REQUEST,
                       f"the body nests deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise Rejected(422, "invalid_json", PARSE_ERROR,
                       f"the body is not valid JSON: {exc}") from None
    _walk(data, max_depth)
    return data


def _form(raw: bytes) -> None:
    """A form body is ASCII by its encoding; anything else is refused like bad JSON."""
    try:
        raw.decode("ascii")
    except UnicodeDecodeError:
        raise Rejected(422, "invalid_form", INVALID_REQUEST,
                       "a form body must be URL-encoded ASCII") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (send a finite number or null)")


def _walk(data: Any, max_depth: int) -> None:
    """Check depth and strings without recursion (the body may be deep)."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, str):
            _text(value, where)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > max_depth:
            raise Rejected(422, "invalid_json", INVALID_REQUEST,
                           f"the body nests deeper than {max_depth} levels (at {where or '/'})")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            path = f"{where}/{key}"
            if isinstance(key, str):
                _text(key, path)
            stack.append((item, depth + 1, path))


def _text(value: str, where: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Rejected(422, "invalid_text", INVALID_PARAMS,
                       f"the string at {where or '/'} is not valid Unicode: lone surrogate "
                       f"{value[exc.start]!r} at position {exc.start}") from None


class EdgeGuard:
    """Pure ASGI middleware: request ids, body size and JSON vetting, no escaping exceptions.

    `jsonrpc_paths` are answered in JSON-RPC's error shape; every other path in the REST one.
    `form_paths` (the dashboard's sign-in form) take an HTML form body instead of JSON.
    """

    def __init__(self, app: ASGIApp, *, limit: int, jsonrpc_paths: frozenset[str] = frozenset(),
                 form_paths: frozenset[str] = frozenset(), max_depth: int = MAX_DEPTH) -> None:
        self.app = app
        self.limit = limit
        self.jsonrpc_paths = jsonrpc_paths
        self.form_paths = form_paths
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        rpc = scope["path"] in self.jsonrpc_paths
        started = False

        async def tagged(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            if scope["method"] in ("POST", "PUT", "PATCH"):
                body = await self._body(headers, receive)
                if scope["path"] in self.form_paths and headers.get(b"content-type", b"") \
                        .startswith(b"application/x-www-form-urlencoded"):
                    _form(body)
                elif body.strip():
                    vet_json(body, max_depth=self.max_depth)
                receive = _replay(body, receive)
        except Rejected as exc:
            await self._reject(exc, rpc, scope, tagged)
            return
        try:
            await self.app(scope, receive, tagged)
        except Exception:
            log.exception("request %s (%s %s) failed", request_id, scope["method"],
                          scope["path"])
            if not started:
                await self._reject(Rejected(500, "internal_error", INTERNAL_ERROR,
                                            "the server failed; its log has the details under "
                                            f"request id {request_id}"), rpc, scope, tagged)

    async def _body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        too_large = Rejected(413, "payload_too_large", INVALID_REQUEST,
                             f"request bodies are limited to {self.limit} bytes")
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            raise too_large
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:  # chunked or a false Content-Length
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _reject(self, exc: Rejected, rpc: bool, scope: Scope, send: Send) -> None:
        if rpc:
            body: dict[str, Any] = {"jsonrpc": "2.0", "id": None, "error": {
                "code": exc.rpc_code, "message": exc.detail}}
        else:
            body = {"error": exc.code, "detail": exc.detail}
        if exc.status >= 500:
            body["request_id"] = scope["state"]["request_id"]
        response = JSONResponse(body, status_code=exc.status)
        await response(scope, _no_receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the buffered body, then the client's later messages
    (a disconnect, which streaming responses listen for)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
