"""AgentResponse: the JSON contract of `revops ask --json`, the HTTP API and A2A artifacts."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.llm.usage import LLMUsage
from tools.base import ResultEnvelope

Status = Literal["answered", "needs_clarification", "escalated", "refused", "error"]


class Intent(BaseModel):
    """Which tool the question was mapped to, with its parameters, and by which parser."""

    tool: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    parser: Literal["rules", "llm"] = "rules"
    notes: list[str] = Field(default_factory=list)
    """How the question was read (typos fixed, names matched, defaults applied)."""


Result = ResultEnvelope
"""The numbers and how they were computed (defined beside the tools that fill it)."""


class WarningOut(BaseModel):
    """A caveat with a stable code."""

    code: str
    message: str


class ClarificationOut(BaseModel):
    """A question back, with options."""

    question: str
    options: list[str] = Field(default_factory=list)


class EscalationOut(BaseModel):
    """Where an out-of-scope request went and why."""

    escalation_id: str
    target: str
    category: str
    reason: str


class LLMInfo(LLMUsage):
    """How a model took part in the answer (its usage totals); absent (null) on the rules path."""

    answered_by: Literal["llm", "template"] = "template"
    """Whose text the answer is: the model's (grounded) or the template's."""


class AgentResponse(BaseModel):
    """One answer to one request."""

    request_id: str
    status: Status
    answer: str
    intent: Intent = Field(default_factory=Intent)
    result: Result | None = None
    warnings: list[WarningOut] = Field(default_factory=list)
    clarification: ClarificationOut | None = None
    escalation: EscalationOut | None = None
    llm: LLMInfo | None = None
    """Token usage, latency and fallbacks of the model, when one is configured."""
