"""Tool knobs named in a question ("untouched for 60 days", "pushed 3 times") -> params.options.

The phrasings are data (vocab/options.toml). They are read before periods, and the words
holding the number are taken out of the question, so "no activity in the last 30 days" sets
the staleness threshold instead of a 30-day period. The option reaches only tools that take
it: the same words under another tool are left as they were read.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class OptionRule:
    """One knob: the tools that take it (tool -> option name), its phrasings and value kind."""

    names: dict[str, str]
    kind: str
    patterns: tuple[re.Pattern[str], ...]
    values: dict[str, str]
    """For kind "word": the words of the value group -> the option's value."""
    scale: int = 1
    """What the number is multiplied by (a count of weeks read as days)."""


@dataclass(frozen=True)
class Found:
    """A knob read from the question, before the tool is known."""

    rule: OptionRule
    value: Any
    text: str
    index: int = 0
    """The rule's position in options.toml (to read the question again without it)."""


@cache
def option_rules() -> tuple[OptionRule, ...]:
    """Load vocab/options.toml once per process."""
    raw = resources.files("agent.parser").joinpath("vocab", "options.toml").read_text("utf-8")
    rules = []
    for entry in tomllib.loads(raw)["options"]:
        if entry["kind"] not in ("int", "percent", "word", "text"):
            raise ValueError(f"options.toml: unknown kind {entry['kind']!r}")
        patterns = tuple(re.compile(p) for p in entry["patterns"])
        if any("value" not in p.groupindex for p in patterns):
            raise ValueError("options.toml: every pattern needs a (?P<value>...) group")
        rules.append(OptionRule(dict(entry["names"]), entry["kind"], patterns,
                                dict(entry.get("values", {})), int(entry.get("scale", 1))))
    return tuple(rules)


def take_options(norm: str, skip: frozenset[int] = frozenset()) -> tuple[str, list[Found]]:
    """Return the question without the knobs' number words, and the knobs found (`skip`: the
    rules, by position, to leave unread: their words are read as words)."""
    found = []
    for index, rule in enumerate(option_rules()):
        if index in skip:
            continue
        for pattern in rule.patterns:
            m = pattern.search(norm)
            if m is None:
                continue
            value: Any
            if rule.kind == "word":
                value = rule.values[m.group("value")]
            elif rule.kind == "text":  # a name the tool checks against the data ("Proposal")
                value = string.capwords(m.group("value"))
            else:
                number = float(m.group("value"))
                value = number / 100 if rule.kind == "percent" else int(number * rule.scale)
            group = "remove" if "remove" in pattern.groupindex and m.group("remove") else 0
            start, end = m.span(group)
            found.append(Found(rule, value, m.group(0), index))
            if rule.kind != "word" or group:  # a word option's words still name what they
                # name, unless its pattern says which words to take out
                norm = " ".join((norm[:start] + " " + norm[end:]).split())
            break
    return norm, found


def options_for(tool: str, found: list[Found]) -> tuple[dict[str, Any], list[str]]:
    """Return the knobs this tool takes, with notes saying how each was read."""
    options, notes = {}, []
    for f in found:
        name = f.rule.names.get(tool)
        if name is not None:
            options[name] = f.value
            notes.append(f"read '{f.text}' as {name} = {f.value}")
    return options, notes
