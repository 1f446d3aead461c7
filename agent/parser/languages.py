"""Words of other languages mixed into an English question ("win rate por región el
trimestre pasado", "Bookings letztes Quartal je Rep"), read as the English they stand for
(agent/parser/vocab/languages.toml). Accents are folded first, so "región" and "Müller" read as
"region" and "muller" everywhere. Only periods, kinds of values, a few measures and politeness
are translated: a metric said only in another language is still asked about."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

FOLDED = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "œ": "oe", "ł": "l",
                        "đ": "d", "ð": "d", "þ": "th"})
ARTICLES = (r"(?:el|la|los|las|le|les|l|der|die|das|den|dem|des|het|de|il|lo|gli|o|a|os|as|do|da|"
            r"dos|das|du|au|aux|al|del|im|in|no|na|nel|nella|en|ao|vom|zum)")
"""Articles and contractions that may stand between a period's words ("el trimestre pasado")."""
KINDS = (r"(?:region|regions|team|teams|segment|segments|stage|stages|rep|reps|manager|managers|"
         r"product|products|industry|industries|source|sources|territory|territories|month|"
         r"months|quarter|quarters|week|weeks|tool|tools|type|types|deal type|lead source|"
         r"campaign|campaigns|account|accounts|customer|customers|seller|sellers)")
"""Kinds a split names: "por", "par", "nach" before one of them mean "by"."""


def fold(text: str) -> str:
    """Accents folded to plain letters ("región" -> "region", "Straße" -> "Strasse")."""
    if text.isascii():
        return text
    text = re.sub(r"(?<!\w)[\u00d8\u00f8\u2300](?!\w)", "avg", text)  # "Ø Dealgröße": average
    text = text.translate(FOLDED)
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Glossary:
    tokens: frozenset[str]
    phrases: re.Pattern[str]
    phrase_of: dict[str, str]
    periods: re.Pattern[str]
    when_of: dict[str, str]
    unit_of: dict[str, str]
    words: re.Pattern[str]
    word_of: dict[str, str]
    by: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _glossary() -> _Glossary:
    data = tomllib.loads(resources.files("agent.parser").joinpath(
        "vocab/languages.toml").read_text(encoding="utf-8"))
    phrase_of = {f: e for e, fs in data["phrases"].items() if e != "by" for f in fs}
    by = data["phrases"].get("by", [])
    unit_of = {f: e for e, fs in data["units"].items() for f in fs}
    when_of = {f: e for e, fs in data["when"].items() for f in fs}
    word_of = {f: e for e, fs in data["words"].items() for f in fs}
    units, whens = _alternation(list(unit_of)), _alternation(list(when_of))
    periods = re.compile(
        rf"\b(?:(?P<w1>{whens}) (?:{ARTICLES} )?(?P<u1>{units}|quarter|month|year|week)|"
        rf"(?:{ARTICLES} )?(?P<u2>{units}) (?:{ARTICLES} )?(?P<w2>{whens}))\b")
    tokens = frozenset(w for f in [*phrase_of, *by, *unit_of, *when_of, *word_of]
                       for w in f.split())
    return _Glossary(
        tokens=tokens, phrases=re.compile(rf"\b(?:{_alternation(list(phrase_of))})\b"),
        phrase_of=phrase_of, periods=periods, when_of=when_of, unit_of=unit_of,
        words=re.compile(rf"\b(?:{_alternation(list(word_of))})\b"), word_of=word_of,
        by=re.compile(rf"\b(?:{_alternation(by)}) (?={KINDS}\b)"))


def translated(text: str) -> str:
    """The English of the foreign words of a normalized (lower-case, plain) text."""
    g = _glossary()
    if g.tokens.isdisjoint(text.split()):
        return text
    text = g.phrases.sub(lambda m: g.phrase_of[m[0]], text)

    def period(m: re.Match[str]) -> str:
        when, unit = m["w1"] or m["w2"], m["u1"] or m["u2"]
        return f"{g.when_of[when]} {g.unit_of.get(unit, unit)}"

    text = g.periods.sub(period, text)
    text = g.words.sub(lambda m: g.word_of[m[0]], text)
    text = g.by.sub("by ", text)
    return " ".join(text.split())
