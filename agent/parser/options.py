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

from agent.parser.normalize import SMALL_NUMBERS


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
    cues: tuple[str, ...] = ()
    """For a knob of vocab/knobs.toml: the words naming it (each with its inflections); the
    number's unit is then `kind` (percent, days, minutes, money, count)."""


@dataclass(frozen=True)
class Found:
    """A knob read from the question, before the tool is known."""

    rule: OptionRule
    value: Any
    text: str
    index: int = 0
    """The rule's position in options.toml (to read the question again without it)."""


SLOT_WORDS = {**SMALL_NUMBERS, "single": 1}
"""Numbers in words a knob may be written with ("a single push", "three red flags")."""
SLOT_NUMBER = r"(?P<value>\d+(?:\.\d+)?|" + "|".join(SLOT_WORDS) + ")"
SLOT_UNITS = {
    "percent": SLOT_NUMBER + r" ?(?:%|percent|pct)(?=\s|$)",
    "days": SLOT_NUMBER + r"(?: plus)? (?P<unit>days?|weeks?)\b",
    "minutes": SLOT_NUMBER + r" ?(?P<unit>minutes?|mins?|hours?|hrs?)\b",
    "money": r"(?P<cur>\$)?" + SLOT_NUMBER + r" ?(?P<unit>k|m|mm|million|thousand|bn|billion)?"
             r"(?=\s|$)",
    "count": r"(?<!\$)(?<!top )(?<!bottom )(?<!last )(?<!past )(?<!next )(?<!first )"
             + SLOT_NUMBER + r"(?! ?(?:%|percent|pct|days?|weeks?|months?|quarters?|years?|"
             r"minutes?|mins?|hours?|hrs?|x|k|m|mm|million|thousand|bn|billion)\b)(?=\s|$)",
}
"""The number a knob takes, by unit (normalized text: "85%", "$25m", "two weeks")."""
SCALES = {"week": 7, "weeks": 7, "hour": 60, "hours": 60, "hr": 60, "hrs": 60, "k": 1_000,
          "thousand": 1_000, "grand": 1_000, "m": 1_000_000, "mm": 1_000_000, "mn": 1_000_000,
          "million": 1_000_000, "millions": 1_000_000, "bn": 1_000_000_000,
          "billion": 1_000_000_000}
"""What a unit after a number multiplies it by (knobs in days or minutes, amounts of money)."""
CORRECTED = re.compile(r"\b(?:make (?:it|that)|change (?:it|that) to|no wait|i meant|actually|"
                       r"sorry|scratch that|correction)\W+(?:(?:make|change) (?:it|that) (?:to )?)?"
                       r"(?P<value>(?!(?:19|20)\d\d\b)\d+(?:\.\d+)?) ?(?P<unit>%|percent|days?|"
                       r"weeks?|hours?|k|m|million)?(?=\s*$|\s+(?:instead|please|pls|thanks)\b)")
"""A knob's number corrected at the end of the message ("... actually make that 60"; not a
year, nor a number of something else: "sorry, 3 regions")."""
INSTEAD_NUMBER = re.compile(r"(?<!\S)(?P<value>(?!(?:19|20)\d\d\b)\d+(?:\.\d+)?) ?(?P<unit>%|"
                            r"percent|days?|weeks?|hours?|k|m|million)? instead\b(?! of)")
"""A follow-up's own number for the threshold asked before ("if it were 20% instead")."""
BOUND = (r"(?:(?P<bound>at least|more than|over|under|less than|fewer than|no more than|up to|"
         r"above|below|a minimum of|minimum of|min|at most|longer than|shorter than) )?")
"""Words bounding a knob's number, read with it ("at least 3", "more than 14 days")."""
OLD_VALUE = re.compile(r"\b(?:instead of|rather than|from|usual|default|normal|current|"
                       r"currently|standard|today s|not)(?: the| our| a| an| its)?"
                       r"(?: usual| default| current| standard| normal)?\s*$")
"""Words before the value a what-if replaces ("instead of 30 days", "from 2 weeks")."""


def _slot_rule(entry: dict[str, Any]) -> OptionRule:
    """A knob of vocab/knobs.toml as an option rule: its number near a word naming it."""
    unit = entry["unit"]
    if unit not in SLOT_UNITS:
        raise ValueError(f"knobs.toml: unknown unit {unit!r}")
    cue = r"\b(?:" + "|".join(re.escape(c) + r"\w*" for c in entry["cues"]) + r")"
    number = BOUND + SLOT_UNITS[unit] + \
        r"(?: or (?P<tail>more|fewer|less|above|over|higher|longer|lower|below))?"
    patterns = (re.compile(rf"{cue}(?P<gap>(?:\s+\S+){{0,5}}?)\s+(?P<remove>{number})"),
                re.compile(rf"(?<!\S)(?P<remove>{number})(?P<gap>(?:\s+\S+){{0,4}}?)\s+{cue}"))
    return OptionRule(dict(entry["names"]), unit, patterns, {}, 1, tuple(entry["cues"]))


def _replaced(norm: str, start: int) -> bool:
    """Whether the number at `start` is the value a what-if replaces ("instead of 30 days")."""
    return OLD_VALUE.search(norm[:start]) is not None


def _slot_value(rule: OptionRule, m: re.Match[str]) -> float | int | None:
    """The knob's value the match says, or None where the number means something else: a
    year, a point or window in time ("60 days ago", "the last 30 days"), a count without the
    words that make it a threshold ("the 3 deals", "which 4 reps"), a share or amount that
    bounds a population ("reps above 80% of target", "deals over $100k"), a change ("quota
    goes up 15%"), or a bound the knob cannot hold ("fewer than 3 flags")."""
    raw = m.group("value")
    number = float(raw) if raw[0].isdigit() else float(SLOT_WORDS[raw])
    unit = m.groupdict().get("unit") or ""
    bound = m.groupdict().get("bound") or ""
    tail = m.groupdict().get("tail") or ""
    before, after = m.string[:m.start("value")], m.string[m.end("remove"):]
    if rule.kind == "money" and not (unit or m.groupdict().get("cur")):
        return None  # a bare number is no amount of money
    if raw.isdigit() and len(raw) == 4 and 1900 <= number <= 2100 and rule.kind != "money":
        return None  # "for 2027": a year
    if rule.kind in ("days", "minutes") and (
            re.search(r"\b(?:last|past|next|previous|prior|coming|first)\s*$", before) or
            re.match(r"\s*(?:ago|back|from now|out|before|leading up to|prior to|"
                     r"ahead of|ending|ended|through|thru)\b", after)):
        return None  # "the last 30 days", "60 days ago", "the 10 days before Thanksgiving":
        # a period, not a threshold
    if rule.kind == "count":
        if bound in ("more than", "over", "above") or tail in ("more", "above", "over", "higher"):
            number += 1 if bound else 0  # "more than 2 flags": 3 or more
        elif bound in ("at least", "a minimum of", "minimum of", "min"):
            pass
        elif raw == "single" and not bound:
            pass  # "a single push"
        else:
            return None  # "the 3 deals", "fewer than 3 flags": no at-least threshold
    if rule.kind in ("percent", "money") and (bound or re.search(
            r"\b(?:up|down|by|grows?|grew|increases?|decreases?|rises?|drops?|falls?)\s*$",
            before) or re.match(r"\s*of (?:the )?(?:reps|people|deals|accounts|team|headcount|"
                                 r"sellers|aes|leads|opportunities)\b", after)):
        return None  # "above 80% of target", "deals over $100k", "quota goes up 15%"
    return _as_value(rule, number * SCALES.get(unit, 1))


def _as_value(rule: OptionRule, number: float) -> float | int:
    """A knob's number as the option stores it: a percent as a fraction, money as written,
    anything else a whole number in the option's unit (weeks read as days: `scale`)."""
    if rule.kind == "percent":
        return number / 100
    return number if rule.kind == "money" else int(number * rule.scale)


def _slot_match(rule: OptionRule, norm: str) -> tuple[re.Match[str], Any, int] | None:
    """The number of a knob in the text and how many words stand between it and the word
    naming the knob: not a value the what-if replaces; one written with "instead" first ("if
    it were 20% instead"), else the nearest to its word, else the first."""
    found: list[tuple[re.Match[str], Any, int]] = []
    for pattern in rule.patterns:
        for m in pattern.finditer(norm):
            value = _slot_value(rule, m)
            if value is not None and not _replaced(norm, m.start("remove")):
                found.append((m, value, len(m["gap"].split())))
    found.sort(key=lambda mv: (not re.match(r"\s*instead\b", norm[mv[0].end("remove"):]),
                               mv[2], mv[0].start("remove")))
    if not found:
        return None
    m, _, gap = found[0]
    later = re.compile(rf"(?<!\S)(?P<remove>{SLOT_UNITS[rule.kind]})\s+instead\b")
    new = later.search(norm, m.end("remove"))
    if new is not None and (replaced := _slot_value(rule, new)) is not None:  # "the bar is
        return new, replaced, gap  # 30%. If it were 20% instead": the value put in its place
    return found[0]


@cache
def option_rules() -> tuple[OptionRule, ...]:
    """Load vocab/options.toml and vocab/knobs.toml once per process."""
    raw = resources.files("agent.parser").joinpath("vocab", "options.toml").read_text("utf-8")
    knobs = resources.files("agent.parser").joinpath("vocab", "knobs.toml").read_text("utf-8")
    rules = []
    for entry in tomllib.loads(raw)["options"]:
        if entry["kind"] not in ("int", "percent", "word", "text"):
            raise ValueError(f"options.toml: unknown kind {entry['kind']!r}")
        patterns = tuple(re.compile(p) for p in entry["patterns"])
        if any("value" not in p.groupindex for p in patterns):
            raise ValueError("options.toml: every pattern needs a (?P<value>...) group")
        rules.append(OptionRule(dict(entry["names"]), entry["kind"], patterns,
                                dict(entry.get("values", {})), int(entry.get("scale", 1))))
    return tuple(rules + [_slot_rule(entry) for entry in tomllib.loads(knobs)["knobs"]])


def take_options(norm: str, skip: frozenset[int] = frozenset()) -> tuple[str, list[Found]]:
    """Return the question without the knobs' number words, and the knobs found (`skip`: the
    rules, by position, to leave unread: their words are read as words)."""
    found: list[Found] = []
    for index, rule in enumerate(option_rules()):
        if index in skip:
            continue
        if rule.cues:
            if any(_same_knob(rule, f.rule) for f in found):
                continue  # the same knob, read by a phrasing of options.toml
            hit = _slot_match(rule, norm)
            if hit is not None and not _nearer_knob(hit, index, norm, skip, found):
                found.append(Found(rule, hit[1], hit[0].group(0), index))
                norm = " ".join((norm[:hit[0].start("remove")] + " " +
                                 norm[hit[0].end("remove"):]).split())
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
                value = _as_value(rule, float(m.group("value")))
            group = "remove" if "remove" in pattern.groupindex and m.group("remove") else 0
            start, end = m.span(group)
            found.append(Found(rule, value, m.group(0), index))
            if rule.kind != "word" or group:  # a word option's words still name what they
                # name, unless its pattern says which words to take out
                norm = " ".join((norm[:start] + " " + norm[end:]).split())
            break
    numeric = [k for k, f in enumerate(found) if f.rule.kind not in ("word", "text")]
    if len(numeric) == 1 and (fix := CORRECTED.search(norm)) is not None and \
            not re.search(r"\b(?:top|bottom|first|last) \d+\b|\b\d+ (?:biggest|largest|"
                          r"smallest|best|worst)\b", norm):  # "top 5 ... actually 10": which?
        # "30 days no touch... actually make that 60": the number the writer settled on
        f = found[numeric[0]]
        value = _as_value(f.rule, float(fix["value"]) * SCALES.get(fix["unit"] or "", 1))
        found[numeric[0]] = Found(f.rule, value, f"{f.text} ... {fix[0]}", f.index)
        norm = " ".join((norm[:fix.start("value")] + " " + norm[fix.end():]).split())
    for f in found:  # "instead of 30 days": the value a what-if replaces is read with it
        for unit in {s.kind for s in option_rules() if s.cues and _same_knob(s, f.rule)}:
            old = re.compile(rf"(?<!\S){SLOT_UNITS[unit]}")
            for o in reversed([o for o in old.finditer(norm) if _replaced(norm, o.start())]):
                norm = norm[:o.start()] + " " + norm[o.end():]
            norm = " ".join(norm.split())
    return norm, found


def _nearer_knob(hit: tuple[re.Match[str], Any, int], index: int, norm: str,
                 skip: frozenset[int], found: list[Found]) -> bool:
    """Whether another knob's word stands nearer the same number ("flag a deal after a single
    close-date push": the pushes, not the flags)."""
    m, _, gap = hit
    for other, rule in enumerate(option_rules()):
        if other <= index or other in skip or not rule.cues or \
                any(_same_knob(rule, f.rule) for f in found):
            continue
        rival = _slot_match(rule, norm)
        if rival is not None and rival[2] < gap and \
                rival[0].start("remove") < m.end("remove") and \
                m.start("remove") < rival[0].end("remove"):
            return True
    return False


def _same_knob(a: OptionRule, b: OptionRule) -> bool:
    return bool(set(a.names.items()) & set(b.names.items()))


def knob_cues(found: Found) -> tuple[str, ...]:
    """The words naming a knob read from the question (vocab/knobs.toml), whichever phrasing
    read it: they are explained by it."""
    return tuple(c for s in option_rules() if s.cues and _same_knob(s, found.rule)
                 for c in s.cues)


def options_for(tool: str, found: list[Found]) -> tuple[dict[str, Any], list[str]]:
    """Return the knobs this tool takes, with notes saying how each was read."""
    options, notes = {}, []
    for f in found:
        name = f.rule.names.get(tool)
        if name is not None:
            options[name] = f.value
            notes.append(f"read '{f.text}' as {name} = {f.value}")
    return options, notes
