"""A scripted OpenAI-compatible Chat Completions server on loopback, for tests.

The real `ChatOpenAI` (and the openai SDK under it) talks to it over HTTP, so the request
building, response parsing, error mapping and timeouts of langchain-openai are exercised end to
end without a network or a key:

    with StubLLM() as stub:
        stub.script(Reply(status=429, retry_after=0), Reply.structured({"tool": "win_rate"}))
        llm = ChatOpenAI(base_url=stub.base_url, api_key="EMPTY", ...)
        ...
        assert stub.requests[0]["model"] == "gpt-4.1-mini"

Each request takes the next scripted `Reply`; when the script is exhausted the `default` reply
answers (a 500 unless configured). `Reply.structured(data)` adapts to the request: a tool call
named like the requested function when the request carries `tools` (method function_calling),
else the JSON text as content (json_schema and json_mode). `stream: true` is answered with
server-sent events (one content or tool-call chunk, then usage when asked for).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

COMPLETIONS_PATH = "/v1/chat/completions"


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a message (content, tool call or adaptive JSON) or an HTTP error."""

    content: str | None = None
    tool_call: dict[str, Any] | None = None
    """{"name": ..., "arguments": dict or JSON text}."""
    data: dict[str, Any] | None = None
    """Structured answer adapted to the request shape (see `Reply.structured`)."""
    status: int = 200
    retry_after: float | None = None
    """Seconds sent in a Retry-After header (with error statuses such as 429)."""
    delay: float = 0.0
    """Seconds to wait before answering (to trip client timeouts)."""
    usage: tuple[int, int] | None = None
    """(prompt_tokens, completion_tokens); default: a rough count of characters / 4."""
    finish_reason: str | None = None
    body: str | None = None
    """Raw response body sent verbatim (malformed responses)."""
    error: str | None = None
    """Error message of an error status."""

    @classmethod
    def structured(cls, data: dict[str, Any], **kwargs: Any) -> Reply:
        """Answer `data` as the request asks: a tool call if it sent tools, else JSON content."""
        return cls(data=data, **kwargs)


@dataclass
class _State:
    replies: deque[Reply] = field(default_factory=deque)
    default: Reply = field(
        default_factory=lambda: Reply(status=500, error="stub script exhausted")
    )
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    ids: itertools.count = field(default_factory=itertools.count)

    def next_reply(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.replies.popleft() if self.replies else self.default


class StubLLM:
    """The server: a context manager (or the `stub_llm` fixture) on a free port of 127.0.0.1."""

    def __init__(self, default: Reply | None = None) -> None:
        self._state = _State()
        if default is not None:
            self._state.default = default
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StubLLM:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.block_on_close = False  # a handler still sleeping out a delay must not block exit
        server.stub_state = self._state  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._state.stopping.set()  # wakes handlers waiting out a delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in /v1."""
        if self._server is None:
            raise RuntimeError("StubLLM is not running: use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        """Queue replies, answered in order, one per request."""
        with self._state.lock:
            self._state.replies.extend(replies)

    def set_default(self, reply: Reply) -> None:
        """Reply used once the script is exhausted."""
        self._state.default = reply

    @property
    def requests(self) -> list[dict[str, Any]]:
        """JSON bodies of every request received, in order."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        """Headers (lower-cased names) of every request received, in order."""
        with self._state.lock:
            return list(self._state.headers)

    @property
    def pending(self) -> int:
        """Scripted replies not used yet."""
        with self._state.lock:
            return len(self._state.replies)


@pytest.fixture
def stub_llm() -> Any:
    """A running StubLLM; import this fixture into a test module or conftest to use it."""
    with StubLLM() as stub:
        yield stub


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        """Keep test output quiet."""

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        state: _State = self.server.stub_state  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") != COMPLETIONS_PATH:
            self._send(404, _error_body(f"no route {self.path}", "not_found"))
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send(400, _error_body("request body is not JSON", "invalid_request_error"))
            return
        reply = state.next_reply(body, {k.lower(): v for k, v in self.headers.items()})
        if reply.delay and state.stopping.wait(reply.delay):
            return
        try:
            self._answer(body, reply, next(state.ids))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout) before the answer was ready

    def _answer(self, body: dict[str, Any], reply: Reply, seq: int) -> None:
        headers = {}
        if reply.retry_after is not None:
            headers["Retry-After"] = f"{reply.retry_after:g}"
        if reply.body is not None:
            self._send(reply.status, reply.body, headers)
            return
        if reply.status != 200:
            kind = "rate_limit_exceeded" if reply.status == 429 else "server_error"
            message = reply.error or f"stub error {reply.status}"
            self._send(reply.status, _error_body(message, kind), headers)
            return
        message = _message(body, reply)
        usage = _usage(body, message, reply)
        model = body.get("model", "stub-model")
        finish = reply.finish_reason or ("tool_calls" if message.get("tool_calls") else "stop")
        completion_id = f"chatcmpl-stub-{seq}"
        if body.get("stream"):
            self._stream(body, completion_id, model, message, finish, usage)
            return
        payload = {
            "id": completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        }
        self._send(200, json.dumps(payload), headers)

    def _stream(
        self,
        body: dict[str, Any],
        completion_id: str,
        model: str,
        message: dict[str, Any],
        finish: str,
        usage: dict[str, int],
    ) -> None:
        base = {
            "id": completion_id, "object": "chat.completion.chunk", "created": 0, "model": model
        }
        delta = {k: v for k, v in message.items() if v is not None}
        for tool_call in delta.get("tool_calls", []):
            tool_call["index"] = 0
        events = [
            {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
            {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]},
        ]
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append({**base, "choices": [], "usage": usage})
        text = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        self._send(200, text, content_type="text/event-stream")

    def _send(
        self,
        status: int,
        text: str,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _message(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """The assistant message of a scripted reply, adapted to the request when it is `data`."""
    tool_call = reply.tool_call
    content = reply.content
    if reply.data is not None:
        name = _requested_function(body)
        if name is not None:
            tool_call = {"name": name, "arguments": reply.data}
        else:
            content = json.dumps(reply.data)
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_call is not None:
        arguments = tool_call.get("arguments", {})
        message["tool_calls"] = [
            {
                "id": "call_stub_1",
                "type": "function",
                "function": {
                    "name": tool_call["name"],
                    "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
                },
            }
        ]
    return message


def _requested_function(body: dict[str, Any]) -> str | None:
    """The function the request forces (tool_choice), else its first tool, else None."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        return (choice.get("function") or {}).get("name")
    tools = body.get("tools") or []
    if tools:
        return (tools[0].get("function") or {}).get("name")
    return None


def _usage(body: dict[str, Any], message: dict[str, Any], reply: Reply) -> dict[str, int]:
    if reply.usage is not None:
        prompt, completion = reply.usage
    else:
        prompt = max(1, len(json.dumps(body.get("messages", []))) // 4)
        completion = max(1, len(json.dumps(message)) // 4)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _error_body(message: str, kind: str) -> str:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": kind}})
