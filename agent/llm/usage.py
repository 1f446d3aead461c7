"""Token usage and latency of model calls, recorded on the response."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, NonNegativeInt

Outcome = Literal["ok", "output_error", "unavailable", "circuit_open"]


class LLMCall(BaseModel):
    """One call of the client (all its attempts)."""

    model: str
    kind: Literal["structured", "text"]
    outcome: Outcome
    attempts: NonNegativeInt
    """HTTP requests sent; 0 when the circuit was open or the deadline already passed."""
    input_tokens: NonNegativeInt = 0
    output_tokens: NonNegativeInt = 0
    latency_ms: float = 0.0


class LLMUsage(BaseModel):
    """Totals over a set of calls, e.g. one question."""

    model: str | None = None
    calls: NonNegativeInt = 0
    attempts: NonNegativeInt = 0
    failures: NonNegativeInt = 0
    """Calls that gave no usable answer (unavailable, circuit open or unparseable output)."""
    input_tokens: NonNegativeInt = 0
    output_tokens: NonNegativeInt = 0
    latency_ms: float = 0.0

    def add(self, call: LLMCall) -> LLMUsage:
        """Return the totals with `call` added."""
        return LLMUsage(
            model=call.model,
            calls=self.calls + 1,
            attempts=self.attempts + call.attempts,
            failures=self.failures + (call.outcome != "ok"),
            input_tokens=self.input_tokens + call.input_tokens,
            output_tokens=self.output_tokens + call.output_tokens,
            latency_ms=round(self.latency_ms + call.latency_ms, 1),
        )
