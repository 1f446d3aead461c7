"""LLMClient end to end: the real ChatOpenAI against the scripted stub server over loopback.

Timing bounds are generous (a slow 2-core machine must pass) but still fail when a deadline or
timeout is ignored: the slow replies sleep 5 s, far beyond every bound asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from agent.llm.breaker import CircuitBreaker
from agent.llm.client import LLMClient
from agent.llm.errors import LLMOutputError, LLMUnavailable
from agent.session import make_llm
from tests.llm_stub import Reply, StubLLM
from tools.settings import LLMSettings, Settings

METHODS = ["json_schema", "function_calling", "json_mode"]
SLOW = 5.0
"""Delay of a reply that must never be waited out."""


class Plan(BaseModel):
    tool: str
    top: int | None = None


PLAN = {"tool": "win_rate", "top": 5}


@pytest.fixture
def stub() -> Iterator[StubLLM]:
    with StubLLM() as server:
        yield server


def make_client(stub: StubLLM, **overrides: Any) -> LLMClient:
    """A client of the stub with fast backoff; `breaker`, `sleep` go to the client."""
    extra = {k: overrides.pop(k) for k in ("breaker", "sleep") if k in overrides}
    fields: dict[str, Any] = {
        "base_url": stub.base_url,
        "api_key": None,
        "model": "stub-model",
        "timeout": 2.0,
        "deadline": 10.0,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
        **overrides,
    }
    return LLMClient(LLMSettings(**fields), **extra)


@pytest.mark.parametrize("method", METHODS)
def test_structured_output_with_each_method(stub: StubLLM, method: str) -> None:
    client = make_client(stub, structured_method=method, max_tokens=321)
    stub.script(Reply.structured(PLAN, usage=(11, 7)))

    plan = client.structured(Plan, [("system", "plan it"), ("user", "win rate top 5")])

    assert plan == Plan(**PLAN)
    sent = stub.requests[0]
    assert sent["model"] == "stub-model"
    assert sent["temperature"] == 0
    assert sent["max_completion_tokens"] == 321
    assert sent["messages"][-1] == {"role": "user", "content": "win rate top 5"}
    assert stub.request_headers[0]["authorization"] == "Bearer EMPTY"
    if method == "json_schema":
        assert sent["response_format"]["type"] == "json_schema"
        assert sent["response_format"]["json_schema"]["name"] == "Plan"
        assert "tools" not in sent
    elif method == "function_calling":
        assert [t["function"]["name"] for t in sent["tools"]] == ["Plan"]
        assert sent["tool_choice"]["function"]["name"] == "Plan"
    else:
        assert sent["response_format"] == {"type": "json_object"}
    call = client.last_call
    assert call is not None
    assert (call.outcome, call.attempts, call.input_tokens, call.output_tokens) == ("ok", 1, 11, 7)


@pytest.mark.parametrize("method", METHODS)
def test_invalid_json_is_an_output_error_carrying_the_raw_text(stub: StubLLM, method: str) -> None:
    client = make_client(stub, structured_method=method)
    if method == "function_calling":
        stub.script(Reply(tool_call={"name": "Plan", "arguments": "{not json"}))
    else:
        stub.script(Reply(content="{not json"))

    with pytest.raises(LLMOutputError) as caught:
        client.structured(Plan, [("user", "q")])

    assert caught.value.raw_text == "{not json"
    assert caught.value.error
    assert len(stub.requests) == 1, "an unparseable answer is not retried by the client"
    assert client.last_call is not None and client.last_call.outcome == "output_error"


@pytest.mark.parametrize("method", METHODS)
def test_schema_violation_names_the_field_and_the_caller_can_retry(
    stub: StubLLM, method: str
) -> None:
    client = make_client(stub, structured_method=method, breaker_threshold=1)
    stub.script(Reply.structured({"tool": 5}), Reply.structured(PLAN))

    with pytest.raises(LLMOutputError) as caught:
        client.structured(Plan, [("user", "q")])
    assert "tool" in caught.value.error

    assert not client.breaker.is_open, "a bad answer means the server is up"
    retry = [("user", "q"), ("user", f"Your answer was invalid: {caught.value.error}. Fix it.")]
    assert client.structured(Plan, retry) == Plan(**PLAN)
    assert caught.value.error in stub.requests[1]["messages"][-1]["content"]


def test_text_answer_and_usage(stub: StubLLM) -> None:
    client = make_client(stub)
    stub.script(Reply(content="Win rate was 35.6%.", usage=(40, 9)),
                Reply(content="Second.", usage=(10, 2)))

    assert client.text([("user", "write it")]) == "Win rate was 35.6%."
    assert client.text([("user", "again")]) == "Second."

    usage = client.take_usage()
    assert (usage.calls, usage.attempts, usage.failures) == (2, 2, 0)
    assert (usage.input_tokens, usage.output_tokens) == (50, 11)
    assert usage.model == "stub-model"
    assert usage.latency_ms > 0
    assert client.usage().calls == 0, "take_usage resets the totals"
    assert stub.requests[0].get("stream") is False


def test_usage_is_kept_per_question(stub: StubLLM) -> None:
    """One client serves several questions at once (the service): each gets its own calls."""
    client = make_client(stub)
    stub.script(Reply(content="a", usage=(40, 9)), Reply(content="b", usage=(10, 2)),
                Reply(content="c", usage=(7, 1)))
    client.text([("user", "1")], key="q1")
    client.text([("user", "2")], key="q2")
    client.text([("user", "3")], key="q1")
    first, second = client.take_usage("q1"), client.take_usage("q2")
    assert (first.calls, first.input_tokens, first.output_tokens) == (2, 47, 10)
    assert (second.calls, second.input_tokens, second.output_tokens) == (1, 10, 2)
    assert client.take_usage("q1").calls == 0


def test_rate_limit_then_success_is_retried(stub: StubLLM) -> None:
    sleeps: list[float] = []
    client = make_client(stub, sleep=sleeps.append)
    stub.script(Reply(status=429, retry_after=0), Reply.structured(PLAN))

    assert client.structured(Plan, [("user", "q")]) == Plan(**PLAN)

    assert len(stub.requests) == 2
    assert client.last_call is not None and client.last_call.attempts == 2
    assert sleeps == [0.0], "Retry-After: 0 is honoured instead of the backoff"


def test_short_retry_after_is_waited_out(stub: StubLLM) -> None:
    sleeps: list[float] = []
    client = make_client(stub, sleep=sleeps.append, retry_after_max=2.0)
    stub.script(Reply(status=429, retry_after=1.5), Reply(content="ok"))

    assert client.text([("user", "q")]) == "ok"
    assert sleeps == [1.5]


def test_long_retry_after_gives_up_at_once(stub: StubLLM) -> None:
    sleeps: list[float] = []
    client = make_client(stub, sleep=sleeps.append, retry_after_max=2.0)
    stub.script(Reply(status=429, retry_after=30), Reply(content="never asked"))

    with pytest.raises(LLMUnavailable) as caught:
        client.text([("user", "q")])

    assert (caught.value.attempts, caught.value.status_code) == (1, 429)
    assert sleeps == []
    assert stub.pending == 1


def test_server_errors_until_unavailable(stub: StubLLM) -> None:
    client = make_client(stub, max_attempts=3)  # the stub answers 500 once the script is empty
    started = time.monotonic()

    with pytest.raises(LLMUnavailable) as caught:
        client.structured(Plan, [("user", "q")])

    assert time.monotonic() - started < 5
    assert (caught.value.attempts, caught.value.status_code) == (3, 500)
    assert len(stub.requests) == 3
    assert client.last_call is not None and client.last_call.outcome == "unavailable"


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_client_errors_are_not_retried(stub: StubLLM, status: int) -> None:
    client = make_client(stub)
    stub.script(Reply(status=status), Reply(content="never asked"))

    with pytest.raises(LLMUnavailable) as caught:
        client.text([("user", "q")])

    assert (caught.value.attempts, caught.value.status_code) == (1, status)
    assert len(stub.requests) == 1


def test_slow_response_times_out_then_retry_succeeds(stub: StubLLM) -> None:
    client = make_client(stub, timeout=0.5)
    stub.script(Reply(delay=SLOW, content="late"), Reply(content="on time"))
    started = time.monotonic()

    assert client.text([("user", "q")]) == "on time"

    assert time.monotonic() - started < 3
    assert client.last_call is not None and client.last_call.attempts == 2


def test_slow_responses_until_unavailable(stub: StubLLM) -> None:
    client = make_client(stub, timeout=0.5, max_attempts=3)
    stub.set_default(Reply(delay=SLOW, content="late"))
    started = time.monotonic()

    with pytest.raises(LLMUnavailable) as caught:
        client.structured(Plan, [("user", "q")])

    elapsed = time.monotonic() - started
    assert caught.value.attempts == 3
    assert 1.4 < elapsed < 4, "three attempts of 0.5 s each, never the 5 s the server takes"


def test_total_deadline_cuts_attempts_short(stub: StubLLM) -> None:
    client = make_client(stub, timeout=0.5, deadline=1.2, max_attempts=10)
    stub.set_default(Reply(delay=SLOW, content="late"))
    started = time.monotonic()

    with pytest.raises(LLMUnavailable) as caught:
        client.text([("user", "q")])

    elapsed = time.monotonic() - started
    assert elapsed < 1.2 + 1.0
    assert 2 <= caught.value.attempts < 10


def test_deadline_shorter_than_the_timeout_cuts_the_request(stub: StubLLM) -> None:
    client = make_client(stub, timeout=SLOW * 2, deadline=0.8, max_attempts=3)
    stub.set_default(Reply(delay=SLOW, content="late"))
    started = time.monotonic()

    with pytest.raises(LLMUnavailable) as caught:
        client.text([("user", "q")])

    assert time.monotonic() - started < 2.5, "the request timeout is cut to the time left"
    assert caught.value.attempts == 1


def test_one_deadline_shared_by_the_calls_of_a_question(stub: StubLLM) -> None:
    client = make_client(stub, timeout=0.5, deadline=0.7, max_attempts=1)
    stub.set_default(Reply(delay=SLOW, content="late"))
    deadline = client.deadline()

    with pytest.raises(LLMUnavailable):
        client.text([("user", "classify")], deadline=deadline)
    time.sleep(max(0.0, deadline - time.monotonic()))
    with pytest.raises(LLMUnavailable) as caught:
        client.text([("user", "synthesize")], deadline=deadline)

    assert caught.value.attempts == 0
    assert len(stub.requests) == 1, "no request once the question's deadline has passed"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_circuit_opens_after_failures_and_fails_fast(stub: StubLLM) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=3, cooldown=60, clock=clock)
    client = make_client(stub, max_attempts=1, breaker=breaker)

    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            client.text([("user", "q")])
    assert breaker.is_open
    assert len(stub.requests) == 3

    started = time.monotonic()
    with pytest.raises(LLMUnavailable, match="circuit open"):
        client.structured(Plan, [("user", "q")])
    assert time.monotonic() - started < 0.5
    assert len(stub.requests) == 3, "no request reaches the server while the circuit is open"
    assert client.last_call is not None
    assert (client.last_call.outcome, client.last_call.attempts) == ("circuit_open", 0)

    clock.now += 61  # cooldown over: one trial goes out; it fails, so the circuit opens again
    with pytest.raises(LLMUnavailable):
        client.text([("user", "q")])
    assert len(stub.requests) == 4
    assert breaker.is_open

    clock.now += 61  # the next trial succeeds and closes the circuit
    stub.script(Reply(content="back"))
    assert client.text([("user", "q")]) == "back"
    assert not breaker.is_open
    usage = client.take_usage()
    assert (usage.calls, usage.failures) == (6, 5)


def test_success_resets_the_failure_count(stub: StubLLM) -> None:
    client = make_client(stub, max_attempts=1, breaker_threshold=2)
    stub.script(Reply(status=500), Reply(content="ok"), Reply(status=500))

    for expected in (LLMUnavailable, None, LLMUnavailable):
        if expected is None:
            assert client.text([("user", "q")]) == "ok"
        else:
            with pytest.raises(expected):
                client.text([("user", "q")])
    assert not client.breaker.is_open


def test_unconfigured_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "REVOPS_LLM_API_KEY", "REVOPS_LLM_BASE_URL",
                 "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings().llm
    assert not settings.configured
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        LLMClient(settings)


def test_openai_sdk_variables_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    """OPENAI_BASE_URL (the OpenAI SDK's variable) configures the endpoint; ours wins."""
    for name in ("OPENAI_API_KEY", "REVOPS_LLM_API_KEY", "REVOPS_LLM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert Settings().llm.base_url == "http://127.0.0.1:9/v1" and Settings().llm.configured
    assert make_llm(Settings().llm) is not None
    monkeypatch.setenv("REVOPS_LLM_BASE_URL", "http://127.0.0.1:8/v1")
    assert Settings().llm.base_url == "http://127.0.0.1:8/v1"


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("REVOPS_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("REVOPS_LLM_MODEL", "qwen2.5")
    monkeypatch.setenv("REVOPS_LLM_TIMEOUT", "7.5")
    monkeypatch.setenv("REVOPS_LLM_DEADLINE", "30")
    monkeypatch.setenv("REVOPS_LLM_MAX_TOKENS", "256")
    monkeypatch.setenv("REVOPS_LLM_STRUCTURED_METHOD", "function_calling")
    settings = Settings().llm
    assert settings.configured
    assert settings.effective_api_key == "EMPTY"
    assert (settings.model, settings.timeout, settings.deadline) == ("qwen2.5", 7.5, 30)
    assert (settings.max_tokens, settings.structured_method) == (256, "function_calling")

    monkeypatch.delenv("REVOPS_LLM_BASE_URL")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = Settings().llm
    assert settings.configured and settings.effective_api_key == "sk-test"
    assert "sk-test" not in repr(settings)

    monkeypatch.setenv("REVOPS_LLM_STRUCTURED_METHOD", "xml")
    with pytest.raises(ValueError):
        Settings()


def test_rules_path_imports_do_not_load_the_sdk() -> None:
    code = (
        "import sys, json\n"
        "import agent.llm, tools.settings, agent.llm.grounding\n"
        "print(json.dumps(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('openai', 'langchain_openai'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []


def test_stub_streams_when_asked(stub: StubLLM) -> None:
    from langchain_openai import ChatOpenAI

    chat = ChatOpenAI(
        model="stub-model", base_url=stub.base_url, api_key="EMPTY", streaming=True,
        stream_usage=True, max_retries=0, use_responses_api=False,
    )
    stub.script(Reply(content="streamed", usage=(3, 2)), Reply.structured(PLAN))

    message = chat.invoke("q")
    assert message.content == "streamed"
    assert message.usage_metadata is not None and message.usage_metadata["output_tokens"] == 2
    plan = chat.with_structured_output(Plan, method="function_calling").invoke("q")
    assert plan == Plan(**PLAN)
    assert [r["stream"] for r in stub.requests] == [True, True]
