"""What `classify` produces: a typed plan for one tool, or a clarifying question."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agent.threshold import Threshold
from tools.base import BoundedDate, MetricParams


class Plan(BaseModel):
    """A tool call with validated parameters, plus how the question was read."""

    tool: str
    params: MetricParams = Field(default_factory=MetricParams)
    as_of: BoundedDate | None = None
    """An as-of date named in the question ("as of June 30"), overriding the run's."""
    notes: list[str] = Field(default_factory=list)
    """Interpretations worth telling the reader (typos fixed, names matched, defaults used)."""
    threshold: Threshold | None = None
    """A comparison of the answer's own figure ("teams under 70% of quota"): the answer names
    the rows that meet it (agent/threshold.py); the tool runs as planned, the threshold
    narrows nothing."""
    parser: Literal["rules", "llm"] = "rules"


class Clarification(BaseModel):
    """A question back to the requester, with concrete options."""

    question: str
    options: list[str] = Field(default_factory=list)
    term: str | None = None
    """The words asked about ("kowalski"), so a reply naming an option can replace them."""
    not_understood: list[str] = Field(default_factory=list)
    """Words of the question no reading explained (agent/parser/confidence.py)."""
