"""The resilient model client: structured output and text over an OpenAI-compatible API.

Retries are ours (the SDK's are off): rate limits, 5xx, timeouts and lost connections are
retried with jittered exponential backoff (or the server's Retry-After when short), never a
4xx, and never past the question's deadline: each attempt's timeout is cut to the time left.
A circuit breaker fails fast while the server keeps failing. Every call records its tokens,
latency and attempts. langchain_openai and openai are imported on first use only, so the
rules path never loads them.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic
from langchain_core.exceptions import ModelRefusalError, OutputParserException
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity import wait_exponential_jitter as exponential_jitter

from agent.llm.breaker import CircuitBreaker
from agent.llm.errors import LLMOutputError, LLMUnavailable
from agent.llm.usage import LLMCall, LLMUsage, Outcome
from agent.retry_after import retry_after_seconds
from tools.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

log = logging.getLogger(__name__)

Messages = Sequence[tuple[str, str]] | Sequence[BaseMessage]
Schema = TypeVar("Schema", bound=BaseModel)
RETRYABLE_STATUS = frozenset({408, 429})
"""Besides every 5xx: request timeout and rate limit."""


class _DeadlineReached(Exception):
    """Too little of the question's deadline is left for another attempt."""


class LLMClient:
    """Calls the configured model; raises `LLMUnavailable` or `LLMOutputError`, never hangs."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        breaker: CircuitBreaker | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.configured:
            raise ValueError("no model configured: set OPENAI_API_KEY or REVOPS_LLM_BASE_URL")
        self.settings = settings
        self.breaker = breaker or CircuitBreaker(
            settings.breaker_threshold, settings.breaker_cooldown, clock
        )
        self._clock = clock
        self._sleep = sleep
        self._backoff = exponential_jitter(
            multiplier=settings.backoff_initial,
            max=settings.backoff_max,
            jitter=settings.backoff_initial,
        )
        self._chat: ChatOpenAI | None = None
        self._lock = threading.Lock()
        self._usage: dict[str | None, LLMUsage] = {}
        """Totals per question key (several questions share one client in the service)."""
        self.last_call: LLMCall | None = None
        """The most recent call, for logs and tests."""

    @property
    def chat_model(self) -> ChatOpenAI:
        """The underlying ChatOpenAI, built on first use (this imports langchain_openai)."""
        with self._lock:
            if self._chat is None:
                # the model's library loads only when a model is configured
                from langchain_openai import ChatOpenAI

                s = self.settings
                self._chat = ChatOpenAI(
                    model=s.model,
                    base_url=s.base_url,
                    api_key=s.effective_api_key,  # type: ignore[arg-type]  # pydantic coerces str
                    timeout=s.timeout,
                    max_tokens=s.max_tokens,  # type: ignore[call-arg]  # a pydantic alias
                    temperature=0,
                    max_retries=0,
                    use_responses_api=False,
                    disable_streaming=True,  # one request, one timeout, usage always reported
                )
            return self._chat

    def deadline(self) -> float:
        """A deadline for one question (on this client's clock), to pass to each call of it."""
        return self._clock() + self.settings.deadline

    def structured(
        self, schema: type[Schema], messages: Messages, *, deadline: float | None = None,
        key: str | None = None,
    ) -> Schema:
        """Ask for an instance of `schema`; `LLMOutputError` carries what was wrong with it.

        `key` names the question the call is for: its usage is counted under it."""

        def request(timeout: float) -> dict[str, Any]:
            runnable = chat.with_structured_output(
                schema, method=self.settings.structured_method, include_raw=True, timeout=timeout
            )
            return runnable.invoke(list(messages))

        chat = self.chat_model  # first use imports the SDK: not part of any attempt's timeout
        start = self._clock()
        result, attempts = self._send("structured", request, start, deadline, key)
        raw = result.get("raw")
        try:
            parsed = _parsed(result, schema)
        except LLMOutputError:
            self._record(key, "structured", "output_error", attempts, start, raw)
            raise
        self._record(key, "structured", "ok", attempts, start, raw)
        return parsed

    def text(self, messages: Messages, *, deadline: float | None = None,
             key: str | None = None) -> str:
        """Ask for free text (e.g. the answer paragraph), counted under `key`."""
        chat = self.chat_model
        start = self._clock()
        message, attempts = self._send(
            "text", lambda timeout: chat.invoke(list(messages), timeout=timeout),
            start, deadline, key,
        )
        self._record(key, "text", "ok", attempts, start, message)
        return _text_of(message)

    def usage(self, key: str | None = None) -> LLMUsage:
        """Totals of a question's calls since the last `take_usage(key)`."""
        with self._lock:
            return self._usage.get(key, LLMUsage())

    def take_usage(self, key: str | None = None) -> LLMUsage:
        """Return a question's totals and forget them (call once, when it is answered)."""
        with self._lock:
            return self._usage.pop(key, LLMUsage())

    def _send(
        self, kind: str, request: Callable[[float], Any], start: float, deadline: float | None,
        key: str | None,
    ) -> tuple[Any, int]:
        """Run `request(timeout)` with retries; return its result and the attempts made."""
        openai = importlib.import_module("openai")
        deadline = start + self.settings.deadline if deadline is None else deadline
        if not self.breaker.allow():
            self._record(key, kind, "circuit_open", 0, start)
            raise LLMUnavailable("model circuit open after repeated failures; not calling")
        attempts = 0

        def attempt() -> Any:
            nonlocal attempts
            left = deadline - self._clock()
            if left < self._min_attempt:
                raise _DeadlineReached(f"deadline reached after {attempts} attempt(s)")
            attempts += 1
            return request(min(self.settings.timeout, left))

        # tenacity types `|` for its stop classes only (the ignore); stop_any calls any callable
        retrying = Retrying(
            retry=retry_if_exception(lambda e: _transient(openai, e)),
            stop=stop_after_attempt(self.settings.max_attempts) | self._past_deadline(deadline),  # type: ignore[operator]
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            return retrying(attempt), attempts
        except (pydantic.ValidationError, OutputParserException, ModelRefusalError,
                openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as exc:
            self._record(key, kind, "output_error", attempts, start)
            detail = _clean(str(exc))
            raise LLMOutputError(
                f"model output is unusable: {detail}", raw_text=_raw_of(exc), error=detail
            ) from exc
        except Exception as exc:  # every other failure: the rules path answers instead
            self._record(key, kind, "unavailable", attempts, start)
            status = getattr(exc, "status_code", None)
            reason = "gave up" if _transient(openai, exc) else "not retried"
            if isinstance(exc, _DeadlineReached):
                reason = "deadline"
            raise LLMUnavailable(
                f"model unavailable ({reason}, {attempts} attempt(s)): {type(exc).__name__}: "
                f"{_clean(str(exc))}",
                attempts=attempts,
                status_code=status,
            ) from exc

    @property
    def _min_attempt(self) -> float:
        """Shortest time worth an attempt: a quarter of the timeout or deadline, at most 1 s."""
        return min(1.0, self.settings.timeout / 4, self.settings.deadline / 4)

    def _past_deadline(self, deadline: float) -> Callable[[RetryCallState], bool]:
        def stop(state: RetryCallState) -> bool:
            return self._clock() + state.upcoming_sleep + self._min_attempt > deadline

        return stop

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: Retry-After when short, else jittered backoff."""
        exc = state.outcome.exception() if state.outcome else None
        retry_after = _retry_after(exc)
        if retry_after is not None:
            return retry_after if retry_after <= self.settings.retry_after_max else math.inf
        return self._backoff(state)

    def _record(
        self, key: str | None, kind: str, outcome: Outcome, attempts: int, start: float,
        message: AIMessage | None = None,
    ) -> None:
        tokens: Mapping[str, Any] = (
            message.usage_metadata if isinstance(message, AIMessage) else None) or {}
        call = LLMCall(
            model=self.settings.model,
            kind="structured" if kind == "structured" else "text",
            outcome=outcome,
            attempts=attempts,
            input_tokens=tokens.get("input_tokens", 0),
            output_tokens=tokens.get("output_tokens", 0),
            latency_ms=round((self._clock() - start) * 1000, 1),
        )
        if outcome == "unavailable":
            self.breaker.record_failure()
        elif outcome != "circuit_open":
            self.breaker.record_success()  # an unparseable answer still means the server is up
        with self._lock:
            self._usage[key] = self._usage.get(key, LLMUsage()).add(call)
            self.last_call = call


def _transient(openai: Any, exc: BaseException) -> bool:
    """Worth another attempt: rate limit, 5xx, timeout or connection failure; never other 4xx."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500 or exc.status_code in RETRYABLE_STATUS
    return False


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds asked for by the failed response's Retry-After (or retry-after-ms), if any."""
    return retry_after_seconds(getattr(getattr(exc, "response", None), "headers", None))


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    log.warning(
        "model call attempt %d failed (%s); retrying in %.2fs",
        state.attempt_number, type(exc).__name__, state.upcoming_sleep,
    )


def _parsed(result: dict[str, Any], schema: type[Schema]) -> Schema:
    """The parsed instance, or `LLMOutputError` with the raw output and the reason."""
    parsed, error, raw = result.get("parsed"), result.get("parsing_error"), result.get("raw")
    if error is None and isinstance(parsed, schema):
        return parsed
    if error is not None:
        detail = _clean(str(error))
    elif isinstance(raw, AIMessage) and raw.invalid_tool_calls:
        detail = _clean(str(raw.invalid_tool_calls[0].get("error") or "invalid tool call"))
    else:
        detail = f"the model returned no {schema.__name__}"
    raise LLMOutputError(
        f"model output is not a valid {schema.__name__}: {detail}",
        raw_text=_raw_text(raw),
        error=detail,
    )


def _raw_text(raw: Any) -> str:
    """What the model wrote: tool-call arguments if it called a tool, else its content."""
    if not isinstance(raw, AIMessage):
        return ""
    if raw.tool_calls:
        return json.dumps(raw.tool_calls[0]["args"])
    if raw.invalid_tool_calls:
        return str(raw.invalid_tool_calls[0].get("args") or "")
    return _text_of(raw)


def _raw_of(exc: BaseException) -> str:
    """The model's text when the SDK parsed (and rejected) it before we saw the message."""
    if isinstance(exc, OutputParserException):
        return str(exc.llm_output or "")
    if isinstance(exc, pydantic.ValidationError):
        for err in exc.errors():
            if err["type"] == "json_invalid" and isinstance(err.get("input"), str):
                return err["input"]
    return ""


def _text_of(message: Any) -> str:
    content = getattr(message, "content", "")
    if isinstance(content, str):
        return content
    return "".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content
    )


def _clean(text: str) -> str:
    """Drop the 'for troubleshooting / further information visit' links from library errors."""
    lines = [
        line for line in text.splitlines()
        if not line.strip().startswith(("For troubleshooting", "For further information"))
    ]
    return "\n".join(lines).strip()
