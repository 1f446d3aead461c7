"""The topics the scope policy gives to other owners (agent/scope.toml, each [[escalate]]
rule's `topics`), read apart from the policy so the parser can ask whether a word it would
drop names another owner's subject without importing the guard."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources


@cache
def topics() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each escalation category with one of its topics, compiled, in the policy's order (the
    guard's agent.scope._topic and the parser's owned_word both read them here)."""
    policy = tomllib.loads(resources.files("agent").joinpath("scope.toml").read_text("utf-8"))
    return tuple((rule["category"], re.compile(rf"\b(?:{t})\b"))
                 for rule in policy.get("escalate", []) for t in rule.get("topics", []))


def owned_word(word: str) -> bool:
    """Whether one word is a topic another owner's escalation names ('budget', 'invoices',
    'webinar'): a question that says it and is read without it may be about that owner's
    figure, so the word is never dropped as plain English."""
    return any(t.fullmatch(word) for _, t in topics())
