"""How much of the question a reading explains: every content word is explained by the plan,
a known filler, or left over. A reading that leaves content words over, or that rests on a
spelling correction of a domain word, is unsure: it asks back with the closest readings
instead of answering silently (with a model configured, the model plans it instead).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from agent.parser.english import common_english
from agent.parser.entities import EntityMatch
from agent.parser.lexicon import (
    EXCLUDE_CUES,
    EXCLUSION_WORDS,
    FILTER_CUES,
    GROUP_CUES,
    STOPWORDS,
    left_out_states,
    lexicon,
)
from agent.parser.normalize import SMALL_NUMBERS, normalize, word_set
from agent.parser.options import option_rules
from agent.parser.periods import MONTHS, NUMBERS, ORDINALS, PERIOD_WORDS
from agent.parser.reading import Reading, masked
from agent.plan import Clarification, Plan
from agent.topics import owned_word
from tools.base import Dimension
from tools.registry import TOOLS

NUMBER = re.compile(r"^\$?\d[\d._]*(?:%|k|m|mm|bn|b|x|st|nd|rd|th|am|pm)?$")
EXPLAINING_KINDS = {"rank", "modifier", "compare", "grain"}
DELIVERABLES = frozenset({"slide", "slides", "deck", "page", "tab", "pack", "section", "memo",
                          "check", "review", "plan", "model", "appendix", "annex", "exhibit",
                          "cover", "narrative", "one-pager", "pager", "writeup", "write-up"})
"""What an answer goes into: the word before one names it ("the process slide")."""
ROLE_FILLERS = frozenset({"sdr", "sdrs", "bdr", "bdrs", "cro", "cfo", "ceo", "coo", "vp", "svp",
                          "evp", "rvp", "avp", "gm", "hr", "it", "ops", "revops", "cs", "cos"})
"""Role and function abbreviations written in capitals before a kind word ("BDR manager",
"CRO office"): who someone is, never a value of the data."""
ORG_NOUNS = frozenset({"leadership", "leaders", "office", "org", "organization", "folks",
                       "people", "staff", "lead", "head", "exec", "execs", "manager", "mgr",
                       "director", "here"})
"""What a function abbreviation names the people of ("CS leadership", "HR folks")."""
VALUE_CUES = frozenset({"by", "per", "for", "in", "within", "without", "except", "excluding",
                        "only", "across", "each"})
"""A word right after these names a split or a filter: left over, it is never ignored."""
KIND_CUES = frozenset({"for", "in", "on", "from", "of", "within", "across", "to", "at"})
"""Words before a kind named with its value ("for team blorp", "in region X"): the word right
after the kind is the value asked about, never ignored."""
EXCLUDING = frozenset({"except", "excluding", "exclude", "minus", "omitting"})
"""Words of an exclusion: a word after them that nothing explains may be what is excluded."""
EXCLUSION_REACH = 5
"""How many words after an exclusion that excluded nothing a word left over may be its."""
WHY_CHANGE = frozenset({"drop", "dropped", "drops", "fall", "fell", "falls", "rise", "rose",
                        "rises", "dip", "dipped", "jump", "jumped", "slide", "slid", "spike",
                        "spiked", "tank", "tanked", "slump", "slumped", "miss", "missed"})
"""How a number moved, in a question why it did."""
KIND_NOUNS = frozenset({"customers", "accounts", "clients", "logos", "companies", "deals",
                        "opportunities", "opps", "reps", "products", "verticals"})
"""Plural nouns of a kind of value: an unexplained word right before one says which ones
("our pharma customers"); a name before a singular kind ("the SDR team") is asked about by
the parser's unknown-name check."""
CLAUSE_WORDS = frozenset({"before", "after", "until", "once", "while", "when"})
SUBJECTS = frozenset({"i", "we", "you", "he", "she", "they"})
ALL = frozenset({"anything", "everything", "all"})
MOTION = frozenset({"slipped", "slip", "slips", "pushed", "push", "moved", "move", "went", "go",
                    "gone", "rolled", "ran", "run", "got", "get", "slid", "slide", "carried"})
"""Verbs of motion: "past" after them is a preposition ("slipped past the quarter end")."""
SIZE_WORDS = frozenset({"big", "large", "huge", "high", "wide"})
"""Size words ("how big is the gap"): they ask for the size of what is named, so another
reading need not explain them (agent/parser/parse.py _coverage)."""
VAGUE_SIZES = frozenset({"gap", "gaps", "difference", "delta", "change", "number", "miss"})
"""What "how big" may ask the size of without naming whose ("how big is the gap?")."""
HYPOTHESIS = frozenset({"if", "suppose", "supposing", "assuming", "assume", "imagine",
                        "hypothetically", "scenario"})
ADDING = frozenset({"with", "add", "adding", "added", "hire", "hiring", "hired", "lose",
                    "losing", "cut", "cutting"})
EXTRA = frozenset({"more", "extra", "additional", "fewer", "less", "new"})
QUESTION_WORDS = frozenset({"what", "how", "which", "who", "where", "when", "why", "is", "are",
                            "do", "does", "can", "could", "would", "will", "should"})
ASKING = frozenset({"which", "what", "top", "bottom", "main", "biggest", "leading", "common",
                    "commonest", "frequent"})
"""Words before the unit a question asks about ("which competitors", "the top 3 reasons")."""
WHAT_IF_REACH = 8
"""How many words after 'if' ('suppose', ...) a number still belongs to the hypothesis."""
WHETHER = frozenset({"check", "see", "know", "tell", "wonder", "wondering", "ask", "asking",
                     "find", "out", "confirm", "verify", "me", "us"})
"""Words before an "if" that means whether ("can you check if the top 3 reps hit quota")."""
NOT_A_UNIT = frozenset({"to", "the", "up", "our", "a", "an", "it", "this", "that", "in", "on",
                        "for", "of", "with", "out", "us", "me", "into", "down"})
"""Words after a verb in -s ("what happens to", "what explains the", "what makes up"): the
word before them is a verb, not the unit asked about."""
STRONG = 1.0
"""A metric word or phrase (not only weak words such as 'sales' or 'deals') names the metric."""
SHAPING = re.compile(r"^(?:faster|slower|quicker|sooner|longer|shorter|bigger|smaller|larger|"
                     r"higher|lower|greater|better|worse|earlier|later|more|less|fewer|most|"
                     r"least|best|worst|biggest|smallest|largest|highest|lowest|fastest|slowest|"
                     r"longest|shortest|newest|oldest|older|newer|than|vs|versus|compared?|"
                     r"against|per|each|every|without|except|excluding|only|not|no|never|none|"
                     r"average|median|total|sum|rate|ratio|share|growth)$")
"""Left-over words that may shape the number (comparatives, superlatives, aggregates):
never ignored, even beside a strong metric phrase."""
"""Vocabulary kinds that shape a plan without voting for a tool: their words are explained."""


@cache
def _fillers_toml() -> dict[str, Any]:
    """fillers.toml, read and parsed once for every reader below."""
    return tomllib.loads(resources.files("agent.parser").joinpath("fillers.toml")
                         .read_text("utf-8"))


@cache
def slide_words() -> frozenset[str]:
    """What an answer goes into or is for: DELIVERABLES and the occasions of fillers.toml (an
    award, a kickoff); the word before one names it ("the process slide", "the Hustle award"),
    no value of the data."""
    return DELIVERABLES | frozenset(_fillers_toml()["fillers"]["occasions"])


@cache
def fillers() -> frozenset[str]:
    """Words that never change which number is asked for (fillers.toml)."""
    data = _fillers_toml()
    return word_set(w for group in data["fillers"].values() for w in group)


@cache
def filler_phrases() -> frozenset[tuple[str, ...]]:
    """fillers.toml [phrases]: framing said in several words, matched as a whole phrase."""
    return frozenset(tuple(normalize(p).split())
                     for group in _fillers_toml().get("phrases", {}).values() for p in group)


def framed(words: list[str]) -> set[int]:
    """Positions of the words that make up a filler phrase ("next to", "in Looker")."""
    return {j for phrase in filler_phrases() for i in range(len(words) - len(phrase) + 1)
            if tuple(words[i:i + len(phrase)]) == phrase for j in range(i, i + len(phrase))}


TITLE_WORDS = 3
"""At most this many words name what an answer is for ("the Big Game Hunter award")."""


def _titles(words: list[str], explained: set[int], known: frozenset[str] | set[str],
            named: frozenset[str]) -> set[int]:
    """Positions of the words naming what the answer goes into or is for, right before its
    noun (slide_words(), written in lower case: "Accelerator Pack" is a name): after "the",
    "our", "a", an @-mention or a known word, or at the start ("Big Game Hunter award: top 5
    reps ..."), up to TITLE_WORDS of them ("the board cover page")."""
    found: set[int] = set()
    for p, noun in enumerate(words):
        if noun not in slide_words() or noun in named:
            continue
        i = p
        while i > 0 and p - i < TITLE_WORDS and (i - 1) not in explained and \
                words[i - 1] not in STOPWORDS:
            i -= 1
        if i == p:
            continue
        before = words[i - 1] if i > 0 else ""
        if i <= 1 and not owned_word(words[i]) or before in (
                "the", "our", "my", "a", "an", "this", "that") or before.startswith("@") or \
                before in known and before not in STOPWORDS:
            found.update(range(i, p))
    return found


@dataclass
class Understanding:
    """What a reading left unexplained."""

    leftovers: list[str] = field(default_factory=list)
    """Content words neither the plan nor the filler vocabulary explains, in question order."""
    corrections: list[tuple[str, str]] = field(default_factory=list)
    """Domain words the reading rests on that were corrected from another spelling."""
    hypothesis: str = ""
    """A what-if the reading did not apply ("if quota goes up 15%"), as written."""
    amount: bool = False
    """The hypothesis is an amount of money that would narrow the records ("$50k+ deals"),
    not a what-if."""

    @property
    def sure(self) -> bool:
        return not self.leftovers and not self.corrections

    def describe(self) -> str:
        """What was not understood, for the clarification text and the response notes."""
        parts = []
        if self.hypothesis and self.amount:
            parts.append(f"I can't narrow the answer to an amount ('{self.hypothesis}')")
        elif self.hypothesis:
            parts.append(f"I cannot apply the what-if '{self.hypothesis}'")
        if self.leftovers and not self.hypothesis:
            parts.append("I did not understand " + ", ".join(f"'{w}'" for w in self.leftovers))
        if self.corrections:
            parts.append("I read " + ", ".join(f"'{a}' as '{b}'" for a, b in self.corrections))
        return "; ".join(parts)


def values_after_kinds(reading: Reading) -> list[tuple[int, Dimension, str]]:
    """Where a value stands right after a kind named as a filter ("for team blorp", "in region
    X"), with the kind and its words: (position of the value, kind, kind as written)."""
    return [(p + len(t.split()), d, t) for p, d, t in reading.dims
            if p > 0 and reading.words[p - 1] in KIND_CUES]


def understand(reading: Reading, plan: Plan) -> Understanding:
    """Sort the words of a reading into explained and left over (see the module docstring)."""
    tool = plan.tool
    lex = lexicon()
    words = masked(reading)
    explained = {i for i, w in enumerate(words) if w == "@" or w.startswith("@")}
    if any("changes nothing" in n for n in reading.notes):  # "excluding lost deals" where
        explained |= left_out_states(reading.words)  # the tool never counts them
    for s, e, _ in lex.find(words, EXPLAINING_KINDS):
        explained.update(range(s, e))
    written = reading.words
    explained |= framed(written)  # "next to", "the works": framing said as a phrase
    if plan.threshold is not None:  # "teams under 70%": compared with the answer's own figure
        phrase = plan.threshold.said.split()
        explained.update(i + k for i in range(len(written) - len(phrase) + 1)
                         if written[i:i + len(phrase)] == phrase for k in range(len(phrase)))
    if tool is not None:
        for s, e, _ in lex.find(words, {"measure"}, tool):
            explained.update(range(s, e))
    own = tool_words(tool) if tool is not None else frozenset()
    implied = _implied()
    known = fillers() | own
    params = plan.params
    compared = {f.dimension for f in params.filters if len(f.values) > 1} & set(params.group_by)
    if reading.compare is not None or params.compare is not None or compared or \
            params.time_grain is not None:  # a trend or a comparison explains "moved", "grew"
        known |= implied.get(("words", implied_compare()), frozenset())
    if reading.compare is not None or params.compare is not None or \
            params.time_grain is not None:  # "dropped", "fell": over time, never between values
        known |= implied.get(("words", "over_time"), frozenset())
    if words[:1] == ["why"] and params.compare is not None:  # why a number went as it did,
        # read against the period before (parse._asked_why): its change words are explained
        known |= WHY_CHANGE
    for entity in reading.entities:
        known |= implied.get(("dimension", entity.dimension.value), frozenset())
    if any(f.exclude for f in params.filters):
        known |= EXCLUSION_WORDS  # "with renewal deals stripped out": the exclusion's words
    left, cued, at = [], set(), []
    kind_named = {k for k, _, _ in values_after_kinds(reading)}  # "for team blorp": its value
    excluding = any(f.exclude for f in params.filters)
    asked = _asked_units(words, explained)
    counted = {len(f.values) for f in params.filters}  # "the two new hires X and Y"
    what_if = tool is not None and any(tool in k.rule.names for k in reading.knobs)
    unapplied = [] if what_if else [i for i in _unapplied(words, explained, reading.words)
                                    if _count(words[i]) not in counted]
    # (a threshold of the tool's own read: its numbers, old and new, belong to that what-if)
    titled = _titles(words, explained, known, reading.named)
    for i, w in enumerate(words):
        if i in unapplied:
            continue
        if i in asked and w not in own and not inflected(w, own):  # "which competitors":
            # the answer would not be about them ("our biggest wins" are the won deals)
            left.append(w)
            at.append(i)
            cued.add(w)
            continue
        if i in explained or _harmless(w, known) or (
                w in CLAUSE_WORDS and words[i + 1:i + 2] and words[i + 1] in SUBJECTS | ALL) or (
                w in ("before", "after") and reading.as_of is not None):
            continue  # "before I send the forecast", "before anything else": no period; "as
            # of Oct 31, before the quarter started": the day read, said again
        if w in SIZE_WORDS and (reading.knobs or reading.said.get(tool or "") or (
                words[i - 1:i] == ["how"] and not set(reading.words[i + 1:i + 4]) & VAGUE_SIZES
                )) and any(j in explained for j in range(i + 1, i + 4)):
            continue  # "... and how big is the gap": the size of what the reading measures
            # (the question names its metric; "how big is the gap?" alone does not)
        if w in ROLE_FILLERS and written[i + 1:i + 2] and written[i + 1] in ORG_NOUNS or \
                w in ORG_NOUNS and i > 0 and written[i - 1] in ROLE_FILLERS:
            continue  # "CS leadership wants ...", "our SDR lead": who asks, a function's people
        if w == "past" and i > 0 and reading.words[i - 1] in MOTION:
            continue  # "slipped past the end of the quarter": a preposition, no period
        if i in titled:
            continue  # "for the process slide", "the Q3 accrual review", "new-hire check:
            # ...", "the President's Club slide": the name of what the answer is for
        left.append(w)
        at.append(i)
        if i > 0 and words[i - 1] in VALUE_CUES or i in kind_named or \
                i > 0 and written[i - 1] in ASKING_AUXILIARIES and i + 1 in explained and \
                w not in PRONOUNS and not common_english(w) and any(
                    x in ("how", "what", "which") for x in written[max(0, i - 4):i - 1]) or \
                _value_place(words, i, explained) or \
                joined_to_value(written, i, i + 1, reading) is not None or \
                reading.words[i + 1:i + 2] and reading.words[i + 1] in KIND_NOUNS or any(
                words[j] in EXCLUDING and not any(k in explained for k in range(j + 1, i))
                for j in range(max(0, i - 3), i)) or not excluding and not w.endswith("ly") \
                and any(words[j] in EXCLUDING for j in range(max(0, i - EXCLUSION_REACH), i)):
            cued.add(w)  # "by wibble", "for gizmo", "except the new hires", "our pharma
            # customers": a split, filter or exclusion nothing explained; "excluding the reps
            # hired this year": what an exclusion that excluded nothing was about
    left = list(dict.fromkeys(left))
    strong = max(reading.votes.values(), default=0) >= STRONG
    left = [w for w in left if len(w) > 1 or w.isdigit()]  # "i.e.", "a/b": stray letters
    if tool is not None:  # words the metric's own definition uses only restate it
        left = [w for w in left if w in cued or not defined(w, words, tool, params.measure)]
    plain = [w for w in left if w not in lex.words and w not in lex.alias_words
             and not SHAPING.match(w) and not _domain_like(w) and w not in cued
             and w not in reading.resembles and w not in reading.named and not _shorthand(w)
             and not owned_word(w)]  # "next year's budget vs this year's bookings"
    if any(i + 1 in at and i + 2 in explained for i in at):
        plain = []  # "jake millers pipeline": two words nothing explains right before what
        # the reading measures name whose it is (a rep, an account), never dropped
    if what_if:  # "if it were 20% instead, would Q3 have passed?": the threshold read is the
        # tool's own, so the question is about that tool; the English words around the
        # hypothesis ('passed', 'deliver', 'only trust') are ignored even where they resemble
        # the vocabulary (not names, shorthand or words of a metric phrase that voted)
        said = {x for phrases in reading.said.values() for p in phrases for x in p.split()}
        others = tuple(c for r in option_rules() if r.cues and tool not in r.names
                       for c in r.cues if " " not in c)
        plain = [w for w in left if w not in reading.named and not _shorthand(w) and
                 common_english(w) and w not in said and not w.startswith(others or ("\0",))
                 and not any(defined(w, words, t, None) for t in reading.votes if t != tool)]
        # (no metric phrase it is part of, no word naming another tool's knob or used by the
        # definition of another tool the question voted for: "flag anything with no activity
        # in 21 days" may be the risk flags, not the stale cut-off)
    if (strong or what_if) and len(plain) == len(left):
        # the question names its metric outright and the words left over are common English
        # naming nothing the vocabulary knows (no measure, split, value or comparison): read,
        # and say so (not shorthand such as 'nxt' or 'rgn', which may be the period or split)
        reading.notes.extend(f"ignored '{w}'" for w in left)
        left = []
    found = Understanding(leftovers=[words[i] for i in unapplied] + left)
    if unapplied:
        first, last = unapplied[0], unapplied[-1]
        markers = [j for j in range(max(0, first - WHAT_IF_REACH), first)
                   if words[j] in HYPOTHESIS] or [first - 1]
        end = last + 1  # and what the number counts: "two more reps", "the 3 biggest losses"
        while end < min(len(words), last + 3) and reading.words[end] not in QUESTION_WORDS \
                and not reading.words[end].startswith("@"):
            end += 1
        found.hypothesis = " ".join(w for w in reading.words[markers[-1]:end] if w[0] != "@")
        found.amount = not any(words[j] in HYPOTHESIS for j in markers) and all(
            MONEY.match(words[i]) or words[i + 1:i + 2] and words[i + 1] in AMOUNT_WORDS
            for i in unapplied)
    found.corrections = [(a, b) for a, b in reading.corrections
                         if b in lex.words and (not _typo(a, b) or a in reading.named)
                         and not inflected(a, frozenset({b}))]  # "requesting": "request"
    return found


def _value_place(words: list[str], i: int, explained: set[int]) -> bool:
    """Whether a word no common English stands where a value would ("amer bookings last
    qtr", "win rate for the nordics"): opening the question before what it measures, or
    after a filter cue and an article. It may name a region or team the data calls
    otherwise, so it is never ignored."""
    if common_english(words[i]):
        return False
    opening = i == 0 and i + 1 in explained
    after_cue = i > 1 and words[i - 1] in CUE_ARTICLES and words[i - 2] in VALUE_CUES and (
        i + 1 == len(words) or i + 1 in explained)  # not "for the accrual check"
    return opening or after_cue


VALUE_JOINS = frozenset({"and", "or", "nor", "vs", "versus", "plus", "to", "against"})
LIST_ARTICLES = frozenset({"the", "our", "my", "their", "a", "an"})


def joined_to_value(words: list[str], i: int, j: int, reading: Reading) -> EntityMatch | None:
    """The value of the data that words i..j are listed with ("EMEA and nordics", "the
    dynamics to salesforce sync"): they name another value of its kind, which the data may not
    hold, so they are asked about and never dropped."""
    for e in reading.entities:
        if i >= 2 and words[i - 1] in VALUE_JOINS and e.end == i - 1 or i >= 3 and \
                words[i - 1] in LIST_ARTICLES and words[i - 2] in VALUE_JOINS and e.end == i - 2:
            return e
        if words[j:j + 1] and words[j] in VALUE_JOINS and (e.start == j + 1 or words[
                j + 1:j + 2] and words[j + 1] in LIST_ARTICLES and e.start == j + 2) and (
                words[j] != "to" or i > 0 and words[i - 1] in LIST_ARTICLES):
            return e  # ("the dynamics to salesforce sync", not "belonging to the NA team")
    return None


CUE_ARTICLES = frozenset({"the", "our", "my", "their", "a", "an"})
"""Words between a filter cue and a value (\"for the nordics\")."""


MONEY = re.compile(r"^\$\d|^\d[\d.]*(?:k|m|mm|bn|b)$")
AMOUNT_WORDS = frozenset({"million", "millions", "thousand", "thousands", "grand", "billion",
                          "dollars", "usd", "bucks"})
"""An amount of money written as such ("$100000", "50k", "2.5m", "3 million")."""
AMOUNT_ROWS = frozenset({"deal", "deals", "opp", "opps", "opportunity", "opportunities",
                         "accounts", "customers", "reps", "sellers", "leads", "logos",
                         "contracts", "ones"})
"""Records an amount beside them would narrow ("$50k+ opportunities", "reps who booked more
than half a million"); an amount beside the number asked is a figure to check against it ("did
Q3 bookings top $19.5M?")."""
CLAIM = re.compile(r"\b(?:is (?:that|it|this) (?:right|true|correct|accurate)|really|confirm|"
                   r"verify|true that|claims?|claimed|says|said|is that so)\b")
"""A figure given as a claim to check ("our average deal is north of $120k, is that right?"):
the answer's own number settles it, it bars nothing."""
BAR_WORDS = frozenset({"over", "under", "above", "below", "than", "least", "most", "between",
                       "exceeding", "worth", "from", "size", "sized", "bigger", "larger",
                       "smaller", "greater"})
BAR_AFTER = frozenset({"plus", "only", "or", "and", "up", "deals", "opportunities", "opps",
                       "accounts", "customers", "more", "less"})
"""Words around an amount that make it a bar records are kept above or below."""


def _unapplied(words: list[str], explained: set[int], written: list[str]) -> list[int]:
    """Positions of the numbers of a what-if no part of the reading took ("if quota goes up
    15%", "with two more reps", "suppose we hire 3"): never harmless context, since the answer
    would be to the question without its hypothesis. A number a tool's own threshold took
    ("if the cut-off were 45 days") is explained and not listed."""
    out = []
    for i, w in enumerate(words):
        if i in explained or not (NUMBER.match(w) or w in SMALL_NUMBERS and w != "one"):
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        if (MONEY.match(w) or after in AMOUNT_WORDS and (NUMBER.match(w) or w == "half")) and \
                not CLAIM.search(" ".join(written)) and (
                set(written[max(0, i - 6):i]) | set(written[i + 1:i + 4])) & AMOUNT_ROWS and (
                set(written[max(0, i - 3):i]) & BAR_WORDS or
                set(written[i + 1:i + 3]) & BAR_AFTER or not written[i + 1:i + 2] or
                written[i + 1] in AMOUNT_ROWS or written[i - 1:i] and written[i - 1] in
                AMOUNT_ROWS):
            out.append(i)  # "$50k+ opportunities", "deals between 2.5M and 5M", "more than
            continue  # half a million": an amount no part of the reading took narrows or
            # sets a bar the answer would not apply
        if any(words[j] in HYPOTHESIS and not (j > 0 and words[j - 1] in WHETHER)
               for j in range(max(0, i - WHAT_IF_REACH), i)) or (
                after in EXTRA and i > 0 and words[i - 1] in ADDING):
            out.append(i)
    return out


def _asked_units(words: list[str], explained: set[int]) -> set[int]:
    """Positions of the plural nouns a question asks about ("which competitors", "the top 3
    reasons we lost") that no part of the reading explains: an answer about anything else
    answers another question, so they are never ignored as filler. Generic nouns ("which
    numbers", "top things") and periods ("which months") are not units."""
    generic = _generic_nouns()
    out = set()
    for i, w in enumerate(words[:-1]):
        if w not in ASKING:
            continue
        j = i + 1
        while j < len(words) - 1 and (NUMBER.match(words[j]) or words[j] in SMALL_NUMBERS):
            j += 1
        unit = words[j]
        if j not in explained and len(unit) > 3 and unit.endswith("s") and \
                not unit.endswith("ss") and unit not in STOPWORDS and unit not in generic and \
                words[j + 1:j + 2] != [] and words[j + 1] not in NOT_A_UNIT:
            out.add(j)
    return out


@cache
def _generic_nouns() -> frozenset[str]:
    """Nouns that ask for no unit of their own ("which numbers", "what things", "which months")."""
    return word_set(_fillers_toml()["fillers"]["request"]) | PERIODISH


def _count(word: str) -> int | None:
    """The whole number a word writes ("2", "two"), if any."""
    return SMALL_NUMBERS.get(word) or (int(word) if word.isdigit() else None)


IRREGULAR = {"spent": "spend", "won": "win", "lost": "lose", "sold": "sell", "came": "come",
             "went": "go", "took": "take", "made": "make", "grew": "grow", "fell": "fall",
             "kept": "keep", "left": "leave", "paid": "pay", "brought": "bring",
             "bought": "buy", "began": "begin", "ran": "run", "gave": "give", "got": "get",
             "held": "hold", "met": "meet", "sent": "send", "slid": "slide", "shrank": "shrink",
             "did": "do", "had": "have", "saw": "see", "led": "lead", "built": "build"}
"""Irregular English verb forms and their base, for matching words against definitions."""


PERIODISH = PERIOD_WORDS - {"day", "days", "date", "closed", "as", "whole", "current", "complete",
                            "completed", "finished"}
"""Words that, left over, may be a period the reading missed ("last fy", "past")."""


def defined(word: str, words: list[str], tool: str, measure: str | None) -> bool:
    """Whether the tool's own definition (its description and measure names) uses the word,
    so naming it only restates the metric: "how close have past forecasts come to actual
    bookings" is what forecast accuracy is. A word that names another of the tool's measures
    may ask for that measure, so it is not explained unless that measure is the one read; a
    word that may shape the number (a comparative, an aggregate) is explained only where the
    question repeats the definition's phrase ("a later close date"); so is a word that may
    name a period ("past", "last")."""
    own, bases, pairs, measure_words = _definition(tool)
    base = IRREGULAR.get(word, word)
    if base not in bases and word not in own and not inflected(base, own) and \
            not inflected_in(base, own):
        return False
    chosen = set(measure.split("_")) if measure else set()
    if any(m not in chosen and (m == base or inflected(base, frozenset({m})))
           for m in measure_words):
        return False  # it may name another measure ("contacted": duplicate_contact_email)
    at = [i for i, w in enumerate(words) if w == word]
    if any(w[:1].isdigit() for i in at for w in words[max(i - 1, 0):i + 2]):
        return False  # "a 60 day cutoff": a value for an option, not the definition's word
    if SHAPING.match(word) or word in PERIODISH:
        return any((i > 0 and (words[i - 1], word) in pairs) or
                   (i + 1 < len(words) and (word, words[i + 1]) in pairs) for i in at)
    return True


def definition_words(tool: str) -> frozenset[str]:
    """Content words of a tool's title, description and measure names."""
    return _definition(tool)[0]


@cache
def _definition(tool: str) -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]],
                                    frozenset[str]]:
    """Content words of a tool's definition, the same with irregular verbs in their base form
    ("came": "come"), its adjacent word pairs, and its measure words (beyond the first, the
    default, whose words the answer states anyway)."""
    spec = TOOLS[tool]
    text = normalize(f"{spec.title} {spec.description}".replace("_", " ")).split()
    measures = [m.replace("_", " ") for m in spec.measures]
    words = {w for w in text + " ".join(measures).split()
             if w not in STOPWORDS and not w[0].isdigit() and len(w) > 2}
    others = {w for m in measures[1:] for w in m.split()} - set(measures[0].split())
    return (frozenset(words), frozenset(IRREGULAR.get(w, w) for w in words),
            frozenset(zip(text, text[1:], strict=False)), frozenset(others))


@cache
def _implied() -> dict[tuple[str, str], frozenset[str]]:
    """fillers.toml [implied]: word groups by name, and words implied by a value's dimension."""
    implied = _fillers_toml().get("implied", {})
    out = {("words", k): word_set(v)
           for k, v in implied.get("words", {}).items()}
    out |= {("dimension", k): word_set(v)
            for k, v in implied.get("dimensions", {}).items()}
    return out


@cache
def value_kind_words() -> dict[str, frozenset[str]]:
    """Words naming the kind of a dimension's values ('leads' of "inbound leads")."""
    return {k: words for (group, k), words in _implied().items() if group == "dimension"}


@cache
def implied_compare() -> str:
    return str(_fillers_toml()["implied"]["compare"]["words"])


@cache
def tool_words(tool: str) -> frozenset[str]:
    """Words of the tool's own metric and measure phrases, and the words it implies
    (fillers.toml [implied]): naming them again only repeats the reading."""
    lex = lexicon()
    own = {w for key, entries in lex.phrases.items() for e in entries
           if (e.kind == "metric" and e.value == tool) or (e.kind == "measure" and e.tool == tool)
           for w in key}
    implied = _fillers_toml().get("implied", {})
    for group, tools in implied.get("tools", {}).items():
        if tool in tools:
            own |= set(word_set(implied["words"][group]))
    return frozenset(own)


def _typo(written: str, read: str) -> bool:
    """A slip of the keys (one or two letters off), not another word read as a domain word
    ('recognition' read as 'reconciliation' is not a typo)."""
    from rapidfuzz.distance import OSA  # only questions with unknown words pay for it

    distance = OSA.distance(written, read)  # two letters swapped count as one slip
    return distance <= 1 or (distance == 2 and min(len(written), len(read)) >= 7)


@cache
def _stems() -> frozenset[str]:
    """The first five letters of every longer vocabulary word, and the four-letter words."""
    words = lexicon().words
    return frozenset({w[:5] for w in words if len(w) >= 5} | {w for w in words if len(w) == 4})


def _shorthand(word: str) -> bool:
    """A word that is no English word but the letters of a vocabulary or period word in order
    ('nxt' of 'next', 'rgn' of 'region'): shorthand the reading may have missed."""
    if word in lexicon().english or not word.isalpha() or common_english(word):
        return False
    return any(len(v) > len(word) and _in_order(word, v) for v in _targets(word[0]))


def _in_order(short: str, word: str) -> bool:
    letters = iter(word)
    return all(c in letters for c in short)


@cache
def _targets(first: str) -> tuple[str, ...]:
    """Vocabulary and period words starting with a letter."""
    return tuple(w for w in lexicon().words | PERIOD_WORDS if w.startswith(first) and w.isalpha())


def _domain_like(word: str) -> bool:
    """A word sharing its stem with the vocabulary ('risky' ~ 'risk', 'spent' ~ 'spend') may
    name something the reading missed; it is never ignored."""
    stems = _stems()
    return (len(word) >= 5 and word[:5] in stems) or (len(word) >= 4 and word[:4] in stems)


def inflected(word: str, known: frozenset[str]) -> bool:
    """Whether the word is a known word with an inflection ('generating' of 'generate',
    'spoke' is not handled: only regular endings)."""
    for end, repl in (("ing", ("", "e")), ("ed", ("", "e")), ("es", ("",)), ("s", ("",)),
                      ("ly", ("",)), ("er", ("", "e"))):
        if word.endswith(end) and len(word) > len(end) + 2:
            stem = word[:-len(end)]
            forms = [stem + r for r in repl]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "stopping", "planned"
                forms.append(stem[:-1])
            if any(f in known for f in forms):
                return True
    return False


def inflected_in(base: str, words: set[str] | frozenset[str]) -> bool:
    """Whether some word of `words` is `base` with a regular inflection ('churned' of
    'churn')."""
    return any(w.startswith(base[:-1]) and inflected(w, frozenset({base})) for w in words)


def _harmless(word: str, known: frozenset[str]) -> bool:
    return (word in STOPWORDS or word in FILTER_CUES or word in EXCLUDE_CUES or
            word in GROUP_CUES or word in known or inflected(word, known) or word in NUMBERS or
            word in ORDINALS or word in MONTHS or bool(NUMBER.match(word)))


PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our", "you", "your", "they", "their", "he",
                      "his", "she", "her", "it", "its"})
ASKING_AUXILIARIES = frozenset({"has", "have", "had", "did", "does", "do", "is", "was", "were",
                                "will", "can", "could", "would"})
"""The verb asking about a subject ("how much has jon booked"): a word nothing explains between
it and the verb read is whose figure it is, never ignored."""


def unsure(plan: Plan, reading: Reading, found: Understanding) -> Clarification:
    """Ask back: what was not understood, with the closest readings as pickable options.

    The options are the tools whose vocabulary names the words left over (or the corrected
    word), the runners-up of the vote, and the reading the rules made, as short phrases; the
    term asked about is the first word not understood, so a picked option replaces it.
    """
    if found.hypothesis:
        return _what_if(plan, found)
    words = found.leftovers or [b for _, b in found.corrections]
    term = found.leftovers[0] if found.leftovers else found.corrections[0][0]
    lex = lexicon()
    scores: dict[str, float] = {}
    unused = [w for i, w in enumerate(reading.words)
              if i not in reading.used and w in lex.words and w not in words
              and w not in PRONOUNS]  # 'we' of "did we book" hints at no metric
    for weight, group in ((1.0, words), (0.5, unused)):
        for w in group:
            for tool, share in _metric_words().get(w, ()):
                if tool != plan.tool:
                    scores[tool] = scores.get(tool, 0) + weight * share
    for tool, votes in reading.votes.items():
        if tool != plan.tool:
            scores[tool] = scores.get(tool, 0) + votes / 4
    ranked = sorted(scores, key=lambda t: (-scores[t], t))[:2]
    options = [tool_label(t) for t in ranked]
    options.append(f"{tool_label(plan.tool)} (my reading)")
    what = found.describe()
    title = TOOLS[plan.tool].title.lower()
    return Clarification(
        question=f"{what[0].upper()}{what[1:]}, so I am not sure what you are asking for. "
                 f"My closest reading is {title}. Which did you mean?",
        options=list(dict.fromkeys(options)), term=term,
        not_understood=found.leftovers + [a for a, _ in found.corrections])


def _what_if(plan: Plan, found: Understanding) -> Clarification:
    """Ask back about a what-if no tool applies: the reading as it stands is the one option, and
    the settings the tool does take are named, so the user can rephrase with one of them."""
    tool = TOOLS[plan.tool]
    takes = ", ".join(n.replace("_", " ") for n in tool.options)
    can = f"{tool.title} takes only its own settings ({takes})" if takes else \
        f"{tool.title} answers from the data as it is"
    label = f"{tool_label(plan.tool)} as it stands"
    if found.amount:
        return Clarification(
            question=f"{found.describe()}: no tool filters records by their amount. Shall I "
                     f"answer {tool_label(plan.tool)} for every deal, or split by segment to "
                     "compare deal sizes?",
            options=[f"{tool_label(plan.tool)} for every deal",
                     f"{tool_label(plan.tool)} by segment"],
            term=found.hypothesis, not_understood=found.leftovers)
    return Clarification(
        question=f"{found.describe()}: {can}. Shall I answer {label}, without the what-if?",
        options=[label], term=found.hypothesis, not_understood=found.leftovers)


@cache
def _metric_words() -> dict[str, list[tuple[str, float]]]:
    """Word -> (tool, 1 / phrase length) for every metric phrase holding the word."""
    out: dict[str, list[tuple[str, float]]] = {}
    for key, entries in lexicon().phrases.items():
        for e in entries:
            if e.kind == "metric":
                for w in set(key):
                    out.setdefault(w, []).append((e.value, 1 / len(key)))
    return out


def scattered(word: str, words: list[str], tool: str) -> bool:
    """Whether the word and the rest of one of the tool's metric phrases are all in the
    question, apart ("the mean size of won deals": 'deal size'; "median cycle for ... deals":
    'deal cycle'): the word names that metric, not only a word of its definition."""
    present = set(words) | {w[:-1] for w in words if w.endswith("s")}
    return any(e.kind == "metric" and e.value == tool and word in key and len(key) > 1
               and all(k in present for k in key if k != word)
               for key, entries in lexicon().phrases.items() for e in entries)


@cache
def tool_label(tool: str) -> str:
    """A short phrase naming the tool that the parser reads back as that tool."""
    lex = lexicon()
    title = normalize(TOOLS[tool].title)
    hits = lex.entries(title.split())
    if any(e.kind == "metric" and e.value == tool for e in hits):
        return title
    phrases = sorted((key for key, entries in lex.phrases.items()
                      if any(e.kind == "metric" and e.value == tool for e in entries)),
                     key=lambda k: (abs(len(k) - 2), k))
    return " ".join(phrases[0]) if phrases else title
