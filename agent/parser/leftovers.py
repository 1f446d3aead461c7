"""Words nothing else explained: a first name, a misspelled value, or a question back."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from agent.parser.confidence import (
    ORG_NOUNS,
    ROLE_FILLERS,
    defined,
    fillers,
    framed,
    inflected,
    joined_to_value,
    slide_words,
)
from agent.parser.english import common_english
from agent.parser.entities import ACCEPT, SUGGEST, EntityIndex, EntityMatch
from agent.parser.lexicon import EXCLUDE_CUES, FILTER_CUES, STOPWORDS, lexicon
from agent.parser.normalize import SMALL_NUMBERS
from agent.parser.reading import Reading
from agent.parser.sentences import PEOPLE
from agent.plan import Clarification
from tools.base import Dimension

NUMBER = re.compile(r"^\$?\d[\d.]*(?:%|k|m|bn|x|am|pm)?$")
"""A figure ("30%", "$2m", "3x") or a time of day ("at 2pm"): context such as a goal or a
meeting, never a value to look up."""
AFTER_VALUES = frozenset({"combined", "together", "overall", "total", "only", "alone", "both",
                          "each", "too", "also", "included", "excluded", "aside", "apart",
                          "near", "nearly", "close", "somewhere", "anywhere", "really",
                          "still", "now", "currently", "actually"})
"""Words after a value that say how it is counted ("EMEA and APAC combined") or where it
stands ("is NA Commercial near the bottom"), no longer name."""
NAMED_KINDS = frozenset({Dimension.region, Dimension.team, Dimension.territory,
                         Dimension.segment, Dimension.industry, Dimension.product,
                         Dimension.product_family})
"""Kinds of value a word right before their name names ("the Central region", "the dach
region"): one the data does not know is asked about, never ignored."""


def resolve_leftovers(reading: Reading, index: EntityIndex) -> Clarification | None:
    w = reading.words
    phrased = framed(w)  # ("like a line chart in Looker": where the answer goes, no name)
    i = 0
    while i < len(w):
        if i in reading.used or i in phrased or w[i] in STOPWORDS or w[i] in FILTER_CUES or \
                w[i] in EXCLUDE_CUES or NUMBER.match(w[i]) or w[i] in SMALL_NUMBERS or \
                w[i] in lexicon().single or _english(w[i], reading) or w[i] in fillers() or \
                w[i] in slide_words() and w[i] not in reading.named or \
                w[i].startswith("#") and w[i][1:].isdigit():  # ("our #1 industry": a rank)
            i += 1
            continue
        j = i
        while j < len(w) and j not in reading.used and w[j] not in STOPWORDS and \
                w[j] not in FILTER_CUES and not w[j].isdigit() and w[j] not in SMALL_NUMBERS and \
                not _english(w[j], reading) and w[j] not in fillers():
            j += 1
        if j == i + 1 and j < len(w) and j not in reading.used and len(w[j]) == 1 and \
                w[j].isalpha() and w[j] not in ("a", "i") and index.partial(w[i]):
            j += 1  # "Darcel Q": a first name and an initial, read together
        text = " ".join(w[i:j])
        result = explain(reading, index, i, j, text)
        if isinstance(result, Clarification):
            return result
        i = j
    return None


def _english(word: str, reading: Reading) -> bool:
    """A common English word, or a verb form of one written in lower case ("growing" of
    "grow"): never a name to look up. A capitalized word stays a possible name ("Browning")."""
    english = _english_words()
    return word in english or (word not in reading.named and word.endswith(("ing", "ed")) and
                               inflected(word, english))


@cache
def _english_words() -> frozenset[str]:
    return frozenset(lexicon().english)


def explain(reading: Reading, index: EntityIndex, i: int, j: int,
            text: str) -> Clarification | None:
    """Explain one run of unknown words, or ask; vocabulary words only ever match confidently.

    A word that belongs to some metric phrase ("hit" of "hit quota") is known language, so
    it may name a value it clearly resembles ("technology" for 'technolgy') but never
    triggers a question.
    """
    if all(x in lexicon().words for x in reading.words[i:j]):
        _confident_match(reading, index, i, j, text)
        return None
    if reading.votes and all(any(defined(x, reading.words, t, None) for t in reading.votes)
                             for x in reading.words[i:j]):
        return None  # "% of records passing": the voted metric's own definition, not a name
    if reading.words[i] in ROLE_FILLERS and reading.words[i + 1:i + 2] and \
            reading.words[i + 1] in ORG_NOUNS:
        reading.notes.append(f"ignored '{text}'")  # "our SDR lead wants ...": who asks
        return None
    if all(_function_word(x, reading) for x in reading.words[i:j]):
        reading.notes.append(f"ignored '{text}'")  # "on several contracts", "how evenly"
        return None
    if reading.words[j:j + 1] and reading.words[j] in slide_words() and \
            reading.words[j] not in reading.named:
        reading.notes.append(f"read '{text}' as the name of the {reading.words[j]}")
        return None  # "for the President's Club slide", "Big Game Hunter award: ...": what
        # the answer is for, named (a value of the data would have been found)
    cue = (i > 0 and reading.words[i - 1] in FILTER_CUES | EXCLUDE_CUES and
           not _verb_after_cue(reading, i, j)) or any(
        x in reading.named for x in reading.words[i:j]) or any(
        pos == j and dim in NAMED_KINDS for pos, dim, _ in reading.dims) and not any(
        x in SMALL_NUMBERS for x in reading.words[i:j]) or len(text) > 2 and any(
        e.end == i and not (e.dimension in PEOPLE and all(
            common_english(x) for x in reading.words[i:j])) and not set(
            reading.words[i:j]) <= AFTER_VALUES for e in reading.entities)
    # "top five industries"; "enterprise suite": a longer name than the value it starts with
    # ('Enterprise'), never that value less a word (not "camila suzuki owns": a person, then a
    # verb)
    words = reading.words[i:j]
    initial = j - i == 2 and len(words[1]) == 1 and words[1].isalpha()
    people = index.partial(text) if j - i == 1 else [
        (dim, label) for dim, label in index.partial(words[0])
        if label.split()[-1].lower().startswith(words[1])] if initial else []
    # "Priya K": a first name and the initial of the family name
    if not people and j - i <= 2:
        people = named_by_short_form(words, index, named=any(
            w in reading.named for w in words))  # "O. Garcia", "Chen, Victor", "Vic"
    each = [index.first_named(w) for w in words] if j - i > 1 and not initial else []
    # (first names only: "tom smiths" is one person the data lacks, not Tom and Smith)
    if each and all(len(p) == 1 and p[0][0] in PEOPLE for p in each) and \
            len({p[0] for p in each}) == len(each):  # "Clara, Aisha and Wei": one person each
        for k, ((dim, label),) in enumerate(each):
            reading.entities.append(EntityMatch(i + k, i + k + 1, dim, label, "partial",
                                                words[k]))
            reading.notes.append(f"read '{words[k]}' as {dim.value} {label}")
        reading.take(i, j)
        return None
    family = _family(reading, i, j, index)
    if family:  # "the Garcias", "both Chens": everyone of that family name
        reading.entities += [EntityMatch(i, j, d, label, "partial", text) for d, label in family]
        reading.notes.append(f"read '{text}' as {', '.join(label for _, label in family)}")
        reading.take(i, j)
        return None
    if len(people) == 1:
        dim, label = people[0]
        reading.entities.append(EntityMatch(i, j, dim, label, "partial", text))
        reading.notes.append(f"read '{text}' as {dim.value} {label}")
        reading.take(i, j)
        return None
    if initial and not people:
        cue = True  # a name with an initial that is no one in the data is asked about
    listed = joined_to_value(reading.words, i, j, reading)
    cue = cue or listed is not None
    if len(people) > 1:
        return Clarification(question=f"Which '{text}' do you mean?",
                             options=[f"{label} ({dim.value})" for dim, label in people[:6]],
                             term=text)
    account = index.account_exact(text)
    if account:
        reading.entities.append(EntityMatch(i, j, Dimension.account, account, "exact", text))
        reading.take(i, j)
        return None
    beside = reading.words[j:j + 1] + reading.words[max(0, i - 1):i]
    prior = reading.words[i - 1] if i > 0 else ""
    part = index.name_part(text) if j - i == 1 and not _english(text, reading) and not any(
        w in index.words and w not in STOPWORDS for w in beside) and not (
        text not in reading.named and prior.isalpha() and prior not in STOPWORDS and
        prior not in FILTER_CUES and prior not in index.words and common_english(prior)
    ) else None  # (not "Premium Platform", a name the data lacks beside another value's word;
    # not "finished sales training", a word of an ordinary compound)
    if part is not None:  # "connectors deals", "implementation bookings": the one value
        dim, label = part  # whose name holds the word
        reading.entities.append(EntityMatch(i, j, dim, label, "partial", text))
        reading.notes.append(f"read '{text}' as {dim.value} {label}")
        reading.take(i, j)
        return None
    candidates = index.fuzzy(text)
    if _accept(reading, i, j, text, candidates):
        return None
    suggestions = [c for c in candidates if c[0] >= SUGGEST]
    if suggestions:
        return Clarification(
            question=f"I couldn't find '{text}' in the data. Did you mean one of these?",
            options=[f"{label} ({dim.value})" for _, dim, label in suggestions])
    if cue:
        named = listed.dimension if listed is not None else next(
            (d for pos, d, _ in reading.dims if pos in (i - 1, i - 2, j)), None)
        before = next((e for e in reading.entities if e.end == i), None)
        if before is not None:  # "enterprise suite": the whole name is the one not found
            text = f"{before.text or before.label} {text}".lower()
        near = index.nearest(text, named)
        if not near and named is None and not (i > 0 and reading.words[i - 1] in
                                               FILTER_CUES | EXCLUDE_CUES):
            return None  # "currency: EUR": a name like no value, left for the reading to ask
        where = (f"among the {named.value.replace('_', ' ')} values" if named else
                 "among the reps, teams, regions, products, industries, segments, sources or "
                 "accounts")
        return Clarification(
            question=f"I couldn't find '{text}' {where} in the data. Did you mean one of "
                     "these? (or ask without it)" if near else
                     f"I couldn't find '{text}' {where} in the data. Check the spelling, or "
                     "ask without it.",
            options=[f"{label} ({dim.value})" for dim, label in near], term=text)
    reading.notes.append(f"ignored '{text}'")
    return None


QUANTIFIERS = frozenset({"several", "various", "numerous", "multiple", "certain", "different",
                         "such", "own", "another", "enough", "plenty", "whatever", "whichever"})
"""Closed-class words that quantify or point: never a name."""
PRONOUNS = frozenset({"him", "her", "hers", "his", "them", "their", "theirs", "it", "its", "us",
                      "me", "you", "he", "she", "they", "we", "i", "myself", "themselves"})
"""'rank them for him': pronouns point at someone, they never name a value."""


def _function_word(word: str, reading: Reading) -> bool:
    """A quantifier, or an adverb in -ly written in lower case ("evenly", "afterwards" is
    not one): words of grammar, never a rep, team or account name."""
    return word in QUANTIFIERS or word in PRONOUNS or (word.endswith("ly") and len(word) > 4 and
                                   word not in reading.named)


def _verb_after_cue(reading: Reading, i: int, j: int) -> bool:
    """'without relying on', "can't afford surprises": after a negation, or as a gerund, a
    word written in lower case is a verb of the sentence, not a value someone filters by."""
    if any(x in reading.named for x in reading.words[i:j]):
        return False
    first = reading.words[i]
    return reading.words[i - 1] == "not" or (first.endswith("ing") and len(first) > 5)


FAMILY_BEFORE = {"the": None, "all": None, "both": 2, "all three": 3, "the two": 2,
                 "the three": 3}
"""Words before a family name in the plural and how many people they say it names."""


def _family(reading: Reading, i: int, j: int,
            index: EntityIndex) -> list[tuple[Dimension, str]]:
    """The people a family name in the plural names ("the Garcias", "both Beckers"): all of
    that name, one kind of person, as many as the words before say (else none: asked)."""
    word = reading.words[i]
    if j - i != 1 or len(word) < 3:
        return []
    if f"{word}s" in reading.named or f"{word}es" in reading.named:
        word = f"{word}s"  # (the words read "Beckers'" as the name it holds)
    if not word.endswith("s"):
        return []
    before = " ".join(reading.words[max(0, i - 2):i])
    said = next((n for w, n in FAMILY_BEFORE.items() if before.endswith(w)), -1)
    if said == -1:
        return []
    people = [(d, label) for d, label in index.partial(word[:-1]) if d in PEOPLE and
              label.lower().split()[-1] == word[:-1]]
    kinds = {d for d, _ in people}
    if len(people) < 2 or len(kinds) != 1 or said is not None and said != len(people):
        return []
    return sorted(people)


@cache
def _nicknames() -> dict[str, frozenset[str]]:
    data = tomllib.loads(resources.files("agent.parser").joinpath(
        "vocab/nicknames.toml").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in data["nicknames"].items()}


SHORT_FORM = 3
"""Letters a nickname must have to be read without the family name ("Vic", not "Em")."""


def _first_fits(short: str, first: str) -> bool:
    """Whether a written first name stands for this first name: the same, a common nickname or
    short form ("Izzy": Isabella, "Vic": Victor; vocab/nicknames.toml) or its initial ("O.":
    Owen). Another name that starts alike is no short form ("Ali" is not Alice)."""
    return short == first or len(short) == 1 and first.startswith(short) or \
        first in _nicknames().get(short, frozenset())


def named_by_short_form(words: list[str], index: EntityIndex,
                        named: bool = False) -> list[tuple[Dimension, str]]:
    """The people a name written short stands for: an initial and the family name ("O.
    Garcia"), the family name first ("Chen, Victor"), a nickname or short form with or without
    the family name ("Izzy Reyes", "Vic"). More than one is for the caller to ask about."""
    if len(words) == 2:
        first, last = words
        people = [(d, label) for d, label in index.partial(last) if d in PEOPLE]
        found = [(d, label) for d, label in people if label.lower().split()[-1] == last and
                 _first_fits(first, label.lower().split()[0])] or [
            (d, label) for d, label in people if label.lower().split()[-1] == last and
            len(first) == 2 and label.lower().startswith(first)]  # "Em Kowalski": Emily or
        # Emma, asked about
        if not found and not first.isdigit():  # "Chen, Victor": the family name first
            found = [(d, label) for d, label in index.partial(first) if d in PEOPLE and
                     label.lower().split()[-1] == first and label.lower().split()[0] == last]
        return sorted(set(found))
    word = words[0]
    if len(word) < SHORT_FORM or common_english(word) and not named:
        return []  # ("Vic's deals": written as a name, though 'vic' is in English texts)
    return [(d, label) for d, label in index.first_names_fitting(
        lambda first: _first_fits(word, first)) if d in PEOPLE]


def _accept(reading: Reading, i: int, j: int, text: str,
            candidates: list[tuple[float, Dimension, str]]) -> bool:
    """Take the best fuzzy candidate when it is strong and clearly ahead of the next."""
    if not candidates or candidates[0][0] < ACCEPT or (
            len(candidates) > 1 and candidates[0][0] - candidates[1][0] < 3):
        return False
    _, dim, label = candidates[0]
    reading.entities.append(EntityMatch(i, j, dim, label, "fuzzy", text))
    reading.notes.append(f"read '{text}' as {dim.value} {label}")
    reading.take(i, j)
    return True


def _confident_match(reading: Reading, index: EntityIndex, i: int, j: int,
                     text: str) -> None:
    _accept(reading, i, j, text, index.fuzzy(text))
