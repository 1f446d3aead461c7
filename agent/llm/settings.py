"""Configuration of the optional LLM path, read from the environment.

Importing this module must stay cheap and offline: it never imports langchain_openai or openai,
so the rules path can check `LLMSettings().configured` without loading the SDK.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, PositiveFloat, PositiveInt, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]


class LLMSettings(BaseSettings):
    """Model endpoint, limits and structured-output method; no key and no URL = rules only."""

    model_config = SettingsConfigDict(
        env_prefix="REVOPS_LLM_", extra="ignore", frozen=True, populate_by_name=True
    )

    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "REVOPS_LLM_API_KEY")
    )
    """OpenAI (or compatible server) API key; secret, so it never shows in a repr or a log."""
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REVOPS_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    """OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (vLLM, Ollama, LiteLLM):
    REVOPS_LLM_BASE_URL, else the OpenAI SDK's OPENAI_BASE_URL."""
    model: str = "gpt-4.1-mini"
    timeout: PositiveFloat = 20.0
    """Seconds allowed for one HTTP request."""
    deadline: PositiveFloat = 45.0
    """Seconds allowed for one question across every attempt and backoff sleep."""
    max_tokens: PositiveInt = 800
    structured_method: StructuredMethod = "json_schema"
    """How structured output is requested; servers without json_schema need another."""
    max_attempts: PositiveInt = 3
    """Attempts per call, the first included, on rate limits, 5xx, timeouts and lost connections."""
    backoff_initial: PositiveFloat = 0.5
    """Seconds before the first retry; doubles per retry, with jitter."""
    backoff_max: PositiveFloat = 4.0
    """Longest backoff sleep between two attempts."""
    retry_after_max: PositiveFloat = 10.0
    """Longest Retry-After the client waits out; a longer one ends the call (rules answer)."""
    breaker_threshold: PositiveInt = 3
    """Consecutive failed calls after which the client stops calling (circuit open)."""
    breaker_cooldown: PositiveFloat = 60.0
    """Seconds the circuit stays open before one trial call is let through."""

    @property
    def configured(self) -> bool:
        """Whether a model can be called: an API key or a base URL is set."""
        return bool(self._key or self.base_url)

    @property
    def effective_api_key(self) -> str:
        """The key to send; local servers behind a base URL often need none, so 'EMPTY'."""
        return self._key or "EMPTY"

    @property
    def _key(self) -> str:
        return self.api_key.get_secret_value() if self.api_key else ""
