"""The scope policy (scope.toml) loaded, validated and applied deterministically.

The guard calls `decide`; the decision names the rule or category that fired and the words that
matched, so every refusal or escalation explains itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, Field

from agent.parser.normalize import normalize

Target = Literal["central-coordination", "pipeline-management", "conversion-optimization",
                 "finance", "marketing-growth"]
Category = Literal["sales_execution", "strategic_decision", "marketing_strategy",
                   "product_pricing", "customer_support", "pipeline_action", "conversion_action",
                   "finance_action"]


class RefuseRule(BaseModel):
    """Requests the agent never carries out (writes, raw SQL, instruction overrides)."""

    id: str
    reason: str
    instead: str
    patterns: list[str] = Field(min_length=1)


class EscalateRule(BaseModel):
    """Requests that belong to another agent, with the target that owns them."""

    category: Category
    target: Target
    description: str
    examples: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(min_length=1)


class ScopePolicy(BaseModel):
    """The whole policy file."""

    refuse: list[RefuseRule]
    escalate: list[EscalateRule]


@dataclass(frozen=True)
class Decision:
    """What the guard does with a request, and why."""

    action: Literal["allow", "refuse", "escalate"]
    rule: str | None = None
    reason: str = ""
    matched: str = ""
    category: str | None = None
    target: str | None = None
    instead: str | None = None


@cache
def load_policy() -> tuple[ScopePolicy, tuple[tuple[object, re.Pattern[str]], ...]]:
    """Load and compile scope.toml; a malformed file fails at start, not mid-request."""
    text = resources.files("protocols").joinpath("scope.toml").read_text("utf-8")
    policy = ScopePolicy.model_validate(tomllib.loads(text))
    compiled = tuple((rule, re.compile(p)) for rule in [*policy.refuse, *policy.escalate]
                     for p in rule.patterns)
    return policy, compiled


def decide(request: str) -> Decision:
    """Return the first refusal or escalation rule the request matches, else allow."""
    text = normalize(request)
    _, compiled = load_policy()
    for rule, pattern in compiled:
        m = pattern.search(text)
        if not m:
            continue
        words = m.group(0).strip()
        if isinstance(rule, RefuseRule):
            return Decision("refuse", rule.id, rule.reason, words, instead=rule.instead)
        assert isinstance(rule, EscalateRule)
        reason = (f"'{words}' is {rule.description[0].lower()}{rule.description[1:].rstrip('.')}"
                  f"; that belongs to {rule.target}, not to revenue operations analytics.")
        return Decision("escalate", rule.category, reason, words, rule.category, rule.target)
    return Decision("allow")
