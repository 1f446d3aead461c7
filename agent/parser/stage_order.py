"""Stages named by their place in the sales process ("late-stage pipe", "stage 3 and later",
"deals past Discovery", "stage 1") and a stage's conversion said with its name ("Discovery to
Proposal conversion", "who converts best out of Discovery"), read from the stage dictionary's order
(opportunity_stages.sort_order, the open stages only) and written into the text as the stages
they are, so the stage filter is read like any list of stages; a note says which.

"Late" and "early" split the open stages in two halves by that order (an odd middle stage is
in neither: asked rather than guessed). A stage number the dictionary does not have is asked
back with the stages in order, never dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

import duckdb

from agent.parser.entities import EntityIndex
from agent.parser.normalize import normalize

CUE = re.compile(r"\b(?:stages?|late|later|early|earlier|past|beyond|after|before|prior|"
                 r"conver\w*|from)\b")
"""The cheap test before any pattern runs."""
HALF = re.compile(r"\b(?P<half>late|later|early|earlier|lower|upper)[ -]?(?:funnel )?stages?\b")
NUMBERED = re.compile(r"\bstages? (?P<n>\d{1,2})(?P<on> (?:or more|or later|or higher|or above|"
                      r"and (?:later|beyond|above|up|higher|onwards?|after|over)|onwards?|"
                      r"plus|and (?:stage )?(?P<m>\d{1,2})))?\b")
AFTER = r"(?:past|beyond|after|later than|further than|post)"
BEFORE = r"(?:before|earlier than|prior to|pre|short of)"


def stage_positions(words: list[str], index: EntityIndex, notes: list[str],
                    asks: list[str]) -> list[str]:
    """The words with stages named by position written as the stages; a note for each, and in
    `asks` what names a stage the data does not have ("stage 7")."""
    text = " ".join(words)
    if index.con is None or not CUE.search(text) or not (stages := open_stages(index)):
        return words
    names = _normalized(tuple(stages))

    def written(chosen: list[str], what: str) -> str:
        notes.append(f"read '{what}' as the stage{'s' if len(chosen) > 1 else ''} "
                     f"{' and '.join(chosen)} (by the order of the open stages: "
                     f"{', '.join(stages)})")
        return " or ".join(names[stages.index(s)] for s in chosen)  # pooled

    def half(m: re.Match[str]) -> str:
        n = len(stages)
        late = m["half"] in ("late", "later", "lower")  # the lower funnel is its late part
        chosen = stages[(n + 1) // 2:] if late else stages[:n // 2]
        return written(chosen, m[0]) if chosen and n % 2 == 0 else m[0]

    def numbered(m: re.Match[str]) -> str:
        first = int(m["n"])
        last = int(m["m"]) if m["m"] else len(stages) if m["on"] else first
        if not 1 <= first <= last <= len(stages):
            asks.append(m[0])
            return m[0]
        return written(stages[first - 1:last], m[0])

    def after(m: re.Match[str]) -> str:
        at = names.index(m["stage"])
        return written(stages[at + 1:], m[0]) if at + 1 < len(stages) else m[0]

    def before(m: re.Match[str]) -> str:
        at = names.index(m["stage"])
        return written(stages[:at], m[0]) if at > 0 else m[0]

    def onward(m: re.Match[str]) -> str:
        return written(stages[names.index(m["stage"]):], m[0])

    def converts(m: re.Match[str]) -> str:
        if re.search(r"\b(?:to|into|and|or|from)\s*$", m.string[:m.start()]):
            return m[0]  # ("Demo to Proposal conversion": from a stage the data lacks)
        at = names.index(m["a"])
        if m["b"] and (names.index(m["b"]) if m["b"] in names else len(names)) != at + 1:
            return m[0]  # ("Prospecting to Negotiation conversion": no one stage's rate)
        notes.append(f"read '{m[0]}' as the conversion out of {stages[at]} (to the next stage)")
        return f"stage conversion from {m['a']}"

    out = text
    if "stage" in text:  # "late-stage", "stage 3 and later"
        out = NUMBERED.sub(numbered, HALF.sub(half, out))
    if any(n in text for n in names):  # a stage named: its conversion, what comes after it
        by_name = _by_name(tuple(names))
        out = by_name["converts"].sub(converts, out)
        out = by_name["converts_from"].sub(converts, out)
        out = by_name["made_it"].sub(converts, out)
        out = by_name["after"].sub(after, out)
        out = by_name["before"].sub(before, out)
        out = by_name["onward"].sub(onward, out)
    return out.split() if out != text else words


@lru_cache(maxsize=16)
def _normalized(stages: tuple[str, ...]) -> list[str]:
    return [normalize(s) for s in stages]


@lru_cache(maxsize=16)
def _by_name(names: tuple[str, ...]) -> dict[str, re.Pattern[str]]:
    """The patterns that name a stage, compiled once per stage dictionary."""
    said = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return {name: re.compile(pattern) for name, pattern in {
        "converts": rf"\b(?P<a>{said})(?: stage)?(?: to (?P<b>{said}|won|closed won))? "
                    r"(?:conversion rate|conversions?|converts?)\b",
        "converts_from": rf"\b(?:conversion rate|conversions?|convert|converts|converting)"
                         rf"(?: rate)? (?:best |most |worst |least )?(?:out of|from|at|in|of) "
                         rf"(?P<a>{said})(?: stage)?(?P<b>)\b",
        "made_it": rf"\b(?:made it|advanced|progressed|got through) from (?P<a>{said})"
                   rf"(?: stage)? (?:to|into) (?P<b>{said}|won|closed won)\b",
        "after": rf"\b{AFTER} (?:the )?(?P<stage>{said})(?: stage)?\b",
        "before": rf"\b{BEFORE} (?:the )?(?P<stage>{said})(?: stage)?\b",
        "onward": rf"\b(?:from )?(?P<stage>{said})(?: stage)? (?:and|or) (?:later|beyond|above|"
                  r"onwards?|up|higher|after)\b"}.items()}


def open_stages(index: EntityIndex) -> list[str]:
    """The open stages in their dictionary order (cached on the index)."""
    if index.stage_order is None:
        assert index.con is not None
        try:
            rows = index.con.execute(
                "select stage_name from opportunity_stages where not coalesce(is_closed, false) "
                "and coalesce(is_active, true) group by stage_name "
                "order by min(sort_order), stage_name").fetchall()
        except duckdb.Error:
            rows = []
        index.stage_order = [r[0] for r in rows]
    return index.stage_order
