"""Metrics described by their formula ("won deals divided by everything we closed",
"closed-won ÷ quota", "close date minus created date"): read as the metric they compute.

Analysts who do not know or trust a metric's name write what it computes. Read word by word,
"won ÷ closed" names the won deals and nothing divides them, which answers a different
question (a count). Here each operand beside an operator is put in the classes of the words
it holds (vocab/formulas.toml), and a formula whose operator and classes match one listed
there is replaced by the metric's name; anything else is left as written, so it is read (or
asked about) as before. Runs on the message as written, before brackets are set aside.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

TOKEN = re.compile(r"[()÷/+*×]|[\w$#%]+(?:['\u2019-][\w]+)*|\S")
"""A word (hyphens and apostrophes inside it kept: "closed-won"), a bracket or an operator."""
GLUE = frozenset({"the", "of", "a", "an", "all", "everything", "we", "our", "their", "its",
                  "that", "were", "was", "and", "+", "plus", "what", "s", "each", "campaign",
                  "deal", "total"})
"""Words an operand may hold besides its class words ("the number of won deals", "what the
campaign cost"): they carry no class and never start or end the phrase replaced."""


@dataclass(frozen=True)
class Formula:
    op: str
    top: frozenset[str]
    bottom: frozenset[str]
    bottom_not: frozenset[str]
    reads: str
    by_value: str | None


@dataclass(frozen=True)
class Formulas:
    terms: dict[str, tuple[str, ...]]
    operators: dict[str, str]  # operator phrase -> its kind (ratio, minus, times)
    formulas: tuple[Formula, ...]
    words: frozenset[str]  # every word of a class term: what an operand may hold
    cue: re.Pattern[str]  # any operator, to pass over the text quickly when there is none


@cache
def formulas() -> Formulas:
    data = tomllib.loads(resources.files("agent.parser").joinpath(
        "vocab", "formulas.toml").read_text("utf-8"))
    terms = {c: tuple(ws) for c, ws in data["terms"].items()}
    operators = {phrase: kind for kind, phrases in data["operators"].items()
                 for phrase in phrases}
    rules = tuple(Formula(f["op"], frozenset(f["top"]), frozenset(f["bottom"]),
                          frozenset(f.get("bottom_not", [])), f["reads"], f.get("by_value"))
                  for f in data["formula"])
    words = frozenset(w for ws in terms.values() for t in ws for w in t.split())
    cue = re.compile("|".join(r"\s-\s" if op == "-" else rf"\b{re.escape(op)}\b"
                              if op[0].isalpha() else re.escape(op)
                              for op in sorted(operators, key=len, reverse=True)))
    return Formulas(terms, operators, rules, words, cue)


def classes(words: list[str]) -> set[str]:
    """The classes an operand's words put it in; won and lost together are the closed deals,
    "closed-won" is won (not every closed deal)."""
    text = " " + " ".join(w.replace("-", " ") for w in words) + " "
    found = {c for c, ts in formulas().terms.items() if any(f" {t} " in text for t in ts)}
    if {"won", "lost"} <= found:
        found = (found - {"won", "lost"}) | {"closed"}
    elif "won" in found or "lost" in found:
        found.discard("closed")
    return found


def _operand_word(token: str) -> bool:
    parts = token.replace("-", " ").split()
    return token in GLUE or bool(parts) and all(p in formulas().words for p in parts)


def _left(tokens: list[str], i: int) -> int:
    """Where the operand ending before token i starts (a bracketed group taken whole)."""
    if tokens[i - 1:i] == [")"] and "(" in tokens[:i - 1]:
        return max(k for k in range(i - 1) if tokens[k] == "(")
    k = i
    while k > 0 and _operand_word(tokens[k - 1]):
        k -= 1
    while k < i and tokens[k] in GLUE and tokens[k] != "total":
        k += 1
    return k


def _right(tokens: list[str], j: int) -> int:
    """Where the operand starting at token j ends (exclusive): its words, then a bracketed
    group of operand words right after it ("everything we closed (won + lost)")."""
    k = j
    if tokens[j:j + 1] == ["("] and ")" in tokens[j:]:
        return tokens.index(")", j) + 1
    while k < len(tokens) and _operand_word(tokens[k]):
        k += 1
    if tokens[k:k + 1] == ["("] and ")" in tokens[k:]:
        close = tokens.index(")", k)
        if all(_operand_word(t) for t in tokens[k + 1:close]):
            k = close + 1
    while k > j and tokens[k - 1] in GLUE:
        k -= 1
    return k


def read_formulas(text: str) -> tuple[str, list[str]]:
    """The text with each formula it writes out replaced by the metric's name, and a note for
    each ("read 'won ÷ closed' as win rate")."""
    ops, notes = formulas().operators, []
    while formulas().cue.search(text.lower()):
        spans = [(m.start(), m.end(), m[0].lower()) for m in TOKEN.finditer(text)]
        tokens = [t for _, _, t in spans]
        found = _formula(tokens, ops)
        if found is None:
            break
        start, end, name = found
        said = text[spans[start][0]:spans[end - 1][1]]
        text = text[:spans[start][0]] + name + text[spans[end - 1][1]:]
        notes.append(f"read the formula '{said}' as {name}")
    return text, notes


def _formula(tokens: list[str], ops: dict[str, str]) -> tuple[int, int, str] | None:
    """The first formula among the tokens that one of vocab/formulas.toml names: its first
    and end token and the metric's name."""
    for i in range(1, len(tokens) - 1):
        for size in (4, 3, 2, 1):
            phrase = " ".join(tokens[i:i + size])
            if phrase in ops:
                break
        else:
            continue
        start, end = _left(tokens, i), _right(tokens, i + size)
        if start >= i or end <= i + size:
            continue
        top, bottom = classes(tokens[start:i]), classes(tokens[i + size:end])
        kind = ops[phrase]
        if kind.endswith("_from"):  # "B subtracted from A" is A minus B
            kind, top, bottom = kind.removesuffix("_from"), bottom, top
        for rule in formulas().formulas:
            if rule.op == kind and rule.top <= top and rule.bottom <= bottom and \
                    not rule.bottom_not & bottom:
                money = "money" in top | bottom
                return start, end, rule.by_value if rule.by_value and money else rule.reads
    return None
