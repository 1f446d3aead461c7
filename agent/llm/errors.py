"""Errors of the LLM client; callers fall back to the rules path on any of them."""

from __future__ import annotations


class LLMError(Exception):
    """The model could not give a usable answer; the caller falls back to the rules path."""


class LLMUnavailable(LLMError):
    """No answer: retries exhausted, deadline reached, circuit open or the request rejected."""

    def __init__(self, message: str, *, attempts: int = 0, status_code: int | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status_code = status_code
        """HTTP status of the last failed attempt, when there was one."""


class LLMOutputError(LLMError):
    """The model answered, but not in the requested schema: retry once with `error`, then rules."""

    def __init__(self, message: str, *, raw_text: str, error: str) -> None:
        super().__init__(message)
        self.raw_text = raw_text
        """What the model wrote (content or tool-call arguments); '' when the SDK kept it."""
        self.error = error
        """The parse or validation error, worded for the model to correct."""
