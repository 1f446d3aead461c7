"""Reading steps over the words: comparisons, typo repair, entity values in the text."""

from __future__ import annotations

import re

from agent.parser.confidence import fillers, inflected, value_kind_words
from agent.parser.english import common_english, english
from agent.parser.entities import EntityIndex
from agent.parser.lexicon import EXCLUSION_WORDS, STOPWORDS, lexicon
from agent.parser.normalize import normalize
from agent.parser.periods import PERIOD_WORDS
from agent.parser.reading import Reading, masked
from tools.base import Dimension

UNIT_WORDS = {"week": "week", "month": "month", "quarter": "quarter", "year": "year"}


_REFERENCE = (
    r"(?: the| a)? (?:(?P<prev>last|previous|prior|preceding) "
    r"(?P<unit>week|month|quarter|year|period)"
    r"|(?P<before>week|month|quarter|year|period) before"
    r"|(?P<yoy>(?:the )?same (?:(?:two|three|four|five|six|nine|twelve|\d+) )?(?:period|quarter|"
    r"month|week|time|point|stage|date|stretch|window|"
    r"span|timeframe|time frame|days|weeks|months)(?: (?:of|in|from))?(?: the)? "
    r"(?:last|a|previous|prior|preceding) (?:fiscal )?year"
    r"|year (?:ago|earlier|before)|year before)"
    r"|(?P<yoy2>(?:the )?same (?:period|quarter|month|week|time|point|stretch|window|span) "
    r"(?:(?:of|in|from) )?(?:the )?year (?:before|earlier|prior)))\b")
RELATIVE_COMPARE = re.compile(
    r"\b(?P<cue>compared (?:to|with)|vs|against|"
    r"than(?: (?:they|we|it|he|she|you|deals|reps) (?:did|were|was|had|have|used to))?|"
    r"relative to|next to|alongside|beside|to|with|" + "|".join(
        f"(?<={w} )on" for w in ("improved", "improve", "grown", "grew", "up", "down", "fallen",
                                 "fell", "dropped", "declined", "changed", "better", "worse"))
    + r")" + _REFERENCE)
"""A period named relative to the one asked about: "vs last quarter", "than a year ago",
"than they did a year ago", "compare this quarter's bookings to the same quarter last year" (a
bare "to"/"with" only after "compare")."""


NOT_THIS = re.compile(r"\b(?:not|rather|instead of)\s*$")
"""'Rather than last quarter', 'not against last year': no comparison asked for."""
BARE_LAST = re.compile(r"\b(?:vs|against|compared (?:to|with)|than)\s+(?:the\s+)?"
                       r"(?:last|previous|prior)(?:\s+one)?\s*$")
"""'Win rate this quarter vs last': the same unit before, written without it."""


def take_compare(words: list[str], reading: Reading) -> list[str]:
    text = " ".join(words)
    m = next((m for m in RELATIVE_COMPARE.finditer(text) if (m["cue"] not in ("to", "with")
              or re.search(r"\bcompar(?:e|es|ing)\b|\bstack(?:s|ed)? up\b", text[:m.start()]))
              and not NOT_THIS.search(text[:m.start()])), None)
    if m:
        unit = m["unit"] or m["before"]
        yoy = m["yoy"] is not None or m["yoy2"] is not None or (unit == "year")
        reading.compare = "previous_year" if yoy else "previous_period"
        same = re.search(r"\bsame (month|quarter)\b", m["yoy"] or m["yoy2"] or "")
        reading.compare_unit = (same[1] if same else "year") if yoy else (
            None if unit == "period" else unit)  # "vs the same quarter last year": this one
        return (text[:m.start()] + " @compare " + text[m.end():]).split()
    if m := BARE_LAST.search(text):  # "this qtr vs last": the period before the one named
        reading.compare, reading.compare_unit = "previous_period", None
        return (text[:m.start()] + " @compare").split()
    for s, e, entry in lexicon().find(words, {"compare"}):
        if NOT_THIS.search(" ".join(words[:s])):
            continue
        reading.compare = entry.value
        phrase = words[s:e]
        reading.compare_unit = next((UNIT_WORDS[x] for x in phrase if x in UNIT_WORDS), None)
        if any(x in ("yoy", "y") for x in phrase) or entry.value == "previous_year":
            reading.compare_unit = reading.compare_unit or "year"
        return words[:s] + ["@compare"] + words[e:]
    return words


FUNCTION_WORDS = sorted(w for w in STOPWORDS if len(w) >= 5 and w.isalpha())
"""Longer words of grammar ("their", "which"): a typo of one is not repaired into a domain
word ('thier' is not 'tier')."""


def join_split(words: list[str], index: EntityIndex, reading: Reading) -> list[str]:
    """Words cut apart that together spell one word of the vocabulary or of a value: letters
    said one by one ("e m e a", "n r r"), or two words where the pair is no phrase the
    vocabulary knows ("lat am", "hub spot", "rev ops"), as speech-to-text and quick typing
    write them. Never two words of grammar ("every one"), a word of grammar beside a known
    word ("in active"), two words of values ("GTX Pro" beside "GTXPro"), an account's word
    (accounts are named with English words: "a clear view" is no Clearview Logistics), nor
    letters that spell nothing known ("r we", "i e")."""
    lex = lexicon()
    known, _ = index.typo_targets  # (vocabulary, values, English and grammar words)
    out: list[str] = []
    k = 0
    while k < len(words):
        run = 0
        while k + run < len(words) and len(words[k + run]) == 1 and words[k + run].isalpha():
            run += 1
        letters = "".join(words[k:k + run])
        if run >= 2 and (letters in lex.words or letters in lex.alias_words or
                         letters in index.words):
            out.append(letters)
            reading.notes.append(f"read '{' '.join(words[k:k + run])}' as '{letters}'")
            k += run
            continue
        pair = words[k:k + 2]
        joined = "".join(pair)
        window = words[max(0, k - 3):k + 5]
        at = k - max(0, k - 3)
        if len(pair) == 2 and len(joined) >= 5 and joined not in STOPWORDS and \
                (joined in lex.words and lex.find([joined], {"metric", "measure", "dimension"})
                 or joined in index.words and not any(
                    d is Dimension.account for d, _ in index.by_token.get(joined, ()))) and \
                not any(w.startswith("@") or w.isdigit() for w in pair) and \
                not all(w in index.words for w in pair) and \
                not any(s <= at and at + 2 <= e for s, e, _ in lex.find(window, {
                    "metric", "measure", "dimension", "grain", "rank", "compare",
                    "modifier"})) and (
                    any(w not in known for w in pair) or not any(w in STOPWORDS for w in pair)):
            # (into a vocabulary word only one that alone names something: "pipe line", not
            # "front line" beside "frontline manager")
            out.append(joined)
            reading.notes.append(f"read '{' '.join(pair)}' as '{joined}'")
            k += 2
            continue
        out.append(words[k])
        k += 1
    return out


def repair_typos(words: list[str], index: EntityIndex, reading: Reading) -> list[str]:
    """Replace misspelled words by the closest vocabulary word or entity word.

    Only words that are not known (vocabulary, values, stop words, common English) and are long
    enough to carry a typo are touched; targets are content words, never stop words.
    """
    known, targets = index.typo_targets
    out = []
    for word in words:
        if word in known or word in PERIOD_WORDS or word in fillers() or len(word) < 5 or \
                word in EXCLUSION_WORDS or \
                any(c.isdigit() for c in word) or word.startswith("@") or \
                inflected(word, STOPWORDS):  # "counts" of "count", not "accounts"; "ignore"
            # (a word of an exclusion) is no slip on "ignored"
            out.append(word)
            continue
        from rapidfuzz import fuzz, process  # only questions with unknown words pay for it
        from rapidfuzz.distance import OSA

        grammar = process.extractOne(word, FUNCTION_WORDS, scorer=OSA.distance, score_cutoff=1)
        if grammar:  # "thier", "whcih": a slip on a word of grammar, never a domain word
            out.append(grammar[0])
            continue
        best = process.extractOne(word, targets, scorer=fuzz.ratio,
                                  score_cutoff=80 if len(word) >= 8 else 85)
        if not best:  # two letters swapped ("regoin") is one slip of the keys
            swapped = process.extractOne(word, targets, scorer=OSA.distance, score_cutoff=1)
            best = (swapped[0], 100, 0) if swapped and sorted(swapped[0]) == sorted(word) \
                else None
        if best and best[0] not in lexicon().words and english(word) and best[0] != word[:-1]:
            best = None  # "EMEA and globally": an English word, not a slip on an account's name
        if best and common_english(word) and not word.startswith(best[0][:-1]):
            # a word of its own ("stripped" is not "slipped"), not a form of the vocabulary's
            # word ("healthy" of "health", "requesting" of "request")
            reading.resembles[word] = best[0]
            best = None
        if best:
            out.append(best[0])
            reading.notes.append(f"read '{word}' as '{best[0]}'")
            reading.corrections.append((word, best[0]))
        else:
            out.append(word)
    return out


def match_entities(reading: Reading, index: EntityIndex, *, multiword: bool) -> None:
    """Mark entity values in the words: multi-word values first, single words later.

    A value inside a longer metric phrase ("new logo" in "new logo ARR"), or a one-word value
    inside a measure phrase ('call' in "over call": the forecast's bias) is left to the phrase:
    the longer reading wins. A value spelled in vocabulary words is the value when the word
    after it names its kind ('territory change requests', confidence.value_kind_words) or its
    dimension ('Platform product family').
    """
    words = masked(reading)
    metrics = [(s, e) for s, e, _ in lexicon().find(words, {"metric"} if multiword else
                                                    {"metric", "measure"})]
    # Match on the question's own words (taken ones blocked) so that a dimension word already
    # read ("the LATAM team") still tells which dimension a shared label belongs to.
    for m in index.exact(reading.words, blocked={i for i, x in enumerate(words) if x == "@"}):
        span = reading.words[m.start:m.end]
        kind = reading.words[m.end:m.end + 1]
        after = lexicon().find(reading.words[m.end:m.end + 3], {"dimension"})
        named = bool(after) and after[0][0] == 0 and after[0][2].value == m.dimension.value
        # "Platform product family": the value of the dimension named right after it
        if multiword and not named and (m.end - m.start < 2 or (
                m.how != "alias" and all(x in lexicon().words for x in span) and
                not set(kind) & value_kind_words().get(m.dimension.value, frozenset()))):
            continue
        if not named and any(s <= m.start and m.end <= e and e - s > m.end - m.start
                             for s, e in metrics):
            continue
        if m.dimension is Dimension.activity_type and kind == ["out"] and m.how != "alias":
            continue  # "call out our top performers": a verb with its particle, no call
        reading.entities.append(m)
        reading.take(m.start, m.end)
        spellings = [x for d, x in index.by_norm.get(normalize(m.label), []) if d == m.dimension]
        if len(spellings) > 1:  # (one name written several ways in the data)
            reading.notes.append(f"'{m.label}' is written {len(spellings)} ways in the data "
                                 f"({', '.join(spellings)}); read as {m.label}")
        if m.how == "alias":
            reading.notes.append(f"read '{m.text}' as {m.dimension.value} {m.label}")
