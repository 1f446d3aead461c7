"""The parser's vocabulary (vocabulary.toml) loaded into phrase indexes, plus stop words."""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from agent.parser.normalize import normalize, word_set
from tools.base import Dimension

STOPWORDS = frozenset("""
a an the our we us me my i you your they them their it its this that these those is are was were
be been being am do does did doing done have has had having what which who whom whose when where
why how of in on at to for from with by about as into over under per each every all any some
and or but not no nor so than then too very can could would should will shall may might must
show give tell list get see display find pull let please want need know like just also there here
its both either neither one ones much many more most less least few lot lots total overall
deals deal opportunities opportunity opps business company our team's currently right now
kindly quick quickly look looking up out off again ever yet still only just even well really
thanks thank hey hi hello ok okay so far going doing look see compare comparison across
between among versus vs against split broken down breakdown grouped group ranked sorted order
report summary number numbers figure figures metric metrics stats statistics data value
amount amounts percentage percent rate rates average avg mean median typical count
""".split())

GROUP_CUES = frozenset({"by", "per", "each", "every", "across", "among", "between", "which",
                        "what", "breakdown", "split", "grouped", "broken", "for each",
                        "compare", "rank", "ranked", "ranking", "all", "respective",
                        "leaderboard", "whose", "level", "granularity"})
EXCLUDE_CUES = frozenset({"excluding", "except", "without", "not", "outside", "minus",
                          "excl", "ex", "other than", "but not", "apart from", "not including",
                          "except for", "leaving out", "exclude", "excludes", "omitting",
                          "leave out", "take out", "taking out", "strip out", "stripping out",
                          "carve out", "carving out", "filter out",
                          "filtering out", "weed out", "not counting", "ignoring",
                          "ignore", "net of", "do not count", "dont count", "do not include",
                          "everyone but", "everybody but", "anyone but", "all but",
                          "everything but", "aside from", "leaving aside", "setting aside",
                          "outside of", "non", "skip", "skipping", "skip over"})
PUT_OUT_VERBS = frozenset({"leave", "leaving", "take", "taking", "strip", "stripping", "keep",
                           "keeping", "pull", "pulling", "back", "backing", "carve", "carving",
                           "cut", "cutting", "net", "netting", "throw", "throwing", "drop",
                           "dropping"})
PUT_OUT_AFTER = frozenset({"stripped", "taken", "left", "backed", "pulled", "carved", "netted",
                           "kept", "cut", "thrown", "dropped"})
REMOVED = frozenset({"removed", "excluded", "omitted", "aside"})
"""Words of an exclusion written around its value ("leave the renewals out", "with renewal
deals stripped out", "renewals removed"): see grouping.put_out."""
EXCLUSION_WORDS = PUT_OUT_VERBS | PUT_OUT_AFTER | REMOVED | frozenset(
    w for cue in EXCLUDE_CUES for w in cue.split())
LEAVE_OUT = re.compile(r"\b(?:excluding|except(?! for that\b| that\b)|exclude|excludes|omitting|"
                       r"omit|leave out|leaving out|take out|taking out|strip out|stripping "
                       r"out|set aside|setting aside|other than(?! that\b| this\b))\s+"
                       r"(\S+(?:\s+\S+){0,3})")
"""Cues that leave something out of what is counted, with the words after them."""
STATES = frozenset({"open", "closed", "won", "lost", "pipeline"})
STATE_RUN = STATES | {"deal", "deals", "opportunity", "opportunities", "opps", "opp", "the",
                      "any", "all", "that", "which", "are", "is", "were", "still", "ones", "for",
                      "already", "as"}
"""The words of "(for) the deals that are still open": a deal state and its grammar."""
CLAUSE_RUN = frozenset({"anything", "everything", "the", "ones", "deals", "opps", "that", "which",
                        "where", "came", "come", "comes", "in", "through", "from", "via",
                        "sourced", "by", "were", "was", "is", "are"})
"""The words of "anything that came in through" before a value an exclusion leaves out."""


def left_out(words: list[str]) -> list[tuple[re.Match[str], int]]:
    """Each exclusion cue of the words, with the position of the first word it leaves out."""
    text = " ".join(words)
    return [(m, len(text[:m.start(1)].split())) for m in LEAVE_OUT.finditer(text)]


def run_of(words: list[str], start: int, allowed: frozenset[str], reach: int) -> list[int]:
    """Positions from `start` on while the words are `allowed` (at most `reach` of them)."""
    out = []
    for i in range(start, min(len(words), start + reach)):
        if words[i] not in allowed:
            break
        out.append(i)
    return out


def left_out_states(words: list[str]) -> set[int]:
    """Positions of the deal states an exclusion leaves out ("bookings excluding lost deals"):
    they say what is not counted, so they vote for no metric and are no leftover."""
    out: set[int] = set()
    for _, start in left_out(words):
        run = run_of(words, start, STATE_RUN, 8)
        if any(words[i] in STATES for i in run):
            out.update(run)
        clause = run_of(words, start, CLAUSE_RUN, 7)
        if any(words[i] in ("that", "which", "where") for i in clause):
            out.update(clause)  # ("excluding anything that came in through partners": no new
            # pipeline asked for)
    return out


TRANSPARENT = frozenset({"the", "a", "an", "is", "are", "was", "were", "be", "been", "being",
                         "that", "actually", "really", "realistically", "honestly", "truly"})
"""Articles, auxiliaries, 'that' and adverbs of emphasis: a vocabulary phrase matches with or
without them after its first word ("a close date that is in the past" is "close date in the
past", "where do we actually land" is "where do we land"), so the vocabulary lists each phrase
once, not once per way of writing the grammar around it."""


POINTING_WORDS = frozenset({"our", "my", "your", "their", "his", "her", "its", "this", "these",
                         "those", "the", "a", "an", "we", "i", "you", "they"})
"""Words that only point at what follows: a phrase that begins with one is weaker than one of
the same length made of the words it points at (see Lexicon.find)."""


def phrase_key(words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The words of a phrase that matching compares: its first word, then the rest without
    TRANSPARENT words (a leading article stays: "the commit" is the forecast's number, a bare
    "commit" the category)."""
    return tuple(words[:1]) + tuple(w for w in words[1:] if w not in TRANSPARENT)


def phrase_text(words: list[str] | tuple[str, ...]) -> str:
    """A phrase as matching compares it, joined: for sets of phrases a span is looked up in."""
    return " ".join(phrase_key(words))


def phrase_set(phrases: set[str]) -> frozenset[str]:
    """Phrases written as text, in the form `phrase_text` gives a span."""
    return frozenset(phrase_text(p.split()) for p in phrases)


FILTER_CUES = frozenset({"for", "in", "at", "from", "of", "with", "on", "within", "inside",
                         "only", "just", "under", "to", "about", "regarding"})


@dataclass(frozen=True)
class Entry:
    """What a vocabulary phrase stands for."""

    kind: str
    """metric | measure | dimension | grain | compare | rank | modifier"""
    value: str
    tool: str | None = None


@dataclass
class Lexicon:
    """Phrase -> entries, keyed by the tuple of normalized words."""

    phrases: dict[tuple[str, ...], list[Entry]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    """Words of metric/dimension/grain/... phrases (never read as entity values alone)."""
    alias_words: set[str] = field(default_factory=set)
    """Words of entity aliases ("europe"): known words, but free to name a value."""
    english: set[str] = field(default_factory=set)
    """Common words that are neither vocabulary nor values; typo repair leaves them alone."""
    single: set[str] = field(default_factory=set)
    """Words that are a whole phrase by themselves ("bookings"), not only part of one."""
    aliases: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Alias phrase -> normalized entity value it stands for."""
    tools: list[str] = field(default_factory=list)
    subjects: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per tool, the dimensions its metric is about ("how balanced are our territories"):
    naming them splits only with a cue ("by territory", "which territories")."""
    max_len: int = 1
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    """A phrase that alone names several metrics ("churn") -> the readings offered."""

    def add(self, phrase: str, entry: Entry) -> None:
        """Index a phrase under its normalized words, as it reads alone and inside a sentence
        ("no loss reason" becomes "without loss reason" after another word)."""
        if entry.kind == "alias":
            key = tuple(normalize(phrase).split())
            if key:
                self.phrases.setdefault(key, []).append(entry)
                self.alias_words.update(key)
                self.aliases.setdefault(key, entry.value)
            return
        alone = phrase_key(normalize(phrase).split())
        inside = phrase_key(normalize(f"it {phrase}").split()[1:])
        if len(inside) != len(alone):
            inside = alone  # "have no activity" -> "without activity" is another, wider phrase
        for key in dict.fromkeys((alone, inside)):
            if not key:
                continue
            entries = self.phrases.setdefault(key, [])
            if entry not in entries:
                entries.append(entry)
            self.words.update(key)
            if len(key) == 1:
                self.single.add(key[0])
            self.max_len = max(self.max_len, len(key))

    def entries(self, words: list[str] | tuple[str, ...]) -> list[Entry]:
        """The entries of the phrase a `find` span covers."""
        return self.phrases.get(phrase_key(words), [])

    def find(self, words: list[str], kinds: set[str],
             tool: str | None = None) -> list[tuple[int, int, Entry]]:
        """Return (start, end, entry) matches of the given kinds, longest-first, no overlap.

        With `tool`, only that tool's entries count, so a phrase several tools share
        ("median") is seen by each of them.
        """
        # from each word, the positions a phrase starting there reads (see phrase_key)
        after = [i for i, w in enumerate(words) if w not in TRANSPARENT]
        runs, said = [], []
        for i in range(len(words)):
            k = bisect_right(after, i)
            runs.append([i, *after[k:k + self.max_len - 1]])
            said.append([words[p] for p in runs[-1]])
        phrases = self.phrases
        taken = [False] * len(words)
        out = []
        for n in range(min(self.max_len, len(words)), 0, -1):
            found = []
            for i, run in enumerate(runs):
                if len(run) < n or (entries := phrases.get(tuple(said[i][:n]))) is None:
                    continue
                hits = [e for e in entries
                        if e.kind in kinds and (tool is None or e.tool == tool)]
                if hits and n > 1 and i > 0 and words[i - 1] in ("by", "per") and \
                        words[i - 2:i - 1] != [words[i]] and \
                        all(e.kind == "metric" for e in hits) and any(
                        e.kind == "dimension" for e in phrases.get((words[i],), ())):
                    continue  # "by team (activity coverage)": the split, not "team activity"
                    # (but "stage by stage conversion" is the conversion)
                if hits:
                    content = sum(w not in POINTING_WORDS for w in said[i][:n])
                    found.append((-content, i, run[n - 1] + 1, hits[0]))
            # of two phrases of one length that overlap, the one with fewer determiners wins
            # ("our forecast accuracy" is forecast accuracy, not "our forecast"), else the first
            for _, i, end, hit in sorted(found, key=lambda f: f[:2]):
                if not any(taken[i:end]):
                    out.append((i, end, hit))
                    for k in range(i, end):
                        taken[k] = True
        return sorted(out, key=lambda m: m[0])


@cache
def lexicon() -> Lexicon:
    """Load vocabulary.toml once per process (it is static package data)."""
    folder = resources.files("agent.parser")
    data = tomllib.loads(folder.joinpath("vocabulary.toml").read_text("utf-8"))
    metrics = dict(data["metrics"])
    for part in sorted(folder.joinpath("vocab").iterdir(), key=lambda f: f.name):
        if part.name.endswith(".toml"):  # one file per metric area: [metrics.<tool>] tables
            extra = tomllib.loads(part.read_text("utf-8")).get("metrics", {})
            if set(extra) & set(metrics):
                raise ValueError(f"{part.name} redefines {sorted(set(extra) & set(metrics))}")
            metrics.update(extra)
    lex = Lexicon()
    for tool, spec in metrics.items():
        lex.tools.append(tool)
        lex.subjects[tool] = frozenset(Dimension(d).value for d in spec.get("subjects", []))
        for phrase in spec["phrases"]:
            lex.add(phrase, Entry("metric", tool, tool))
        named = set(spec["phrases"])
        for measure, phrases in spec.get("measures", {}).items():
            for phrase in phrases:
                lex.add(phrase, Entry("measure", measure, tool))
                if spec.get("measures_name_it") and phrase not in named:
                    lex.add(phrase, Entry("metric", tool, tool))  # "closed before they were
                    # even created" names the data issue and the rule
    for name, phrases in data["modifiers"].items():
        for phrase in phrases:
            lex.add(phrase, Entry("modifier", name))
    for dim, phrases in data["dimensions"].items():
        Dimension(dim)  # vocabulary names must be real dimensions
        for phrase in phrases:
            lex.add(phrase, Entry("dimension", dim))
    for grain, phrases in data["grains"].items():
        for phrase in phrases:
            lex.add(phrase, Entry("grain", grain))
    for mode, phrases in data["compare"].items():
        for phrase in phrases:
            lex.add(phrase, Entry("compare", mode))
    for direction, phrases in data["ranking"].items():
        for phrase in phrases:
            lex.add(phrase, Entry("rank", direction))
    for alias, target in data.get("aliases", {}).items():
        lex.add(alias, Entry("alias", normalize(target.replace("_", " "))))
    lex.english = set(word_set(data.get("english", {}).get("words", [])))
    lex.ambiguous = {phrase_text(normalize(k).split()): list(v)
                     for k, v in data.get("ambiguous", {}).items()}
    _spell_out_acronyms(lex)
    return lex


def _spell_out_acronyms(lex: Lexicon) -> None:
    """Index every phrase holding an acronym also with its words spelled out, where the
    vocabulary itself names both for one metric ("arr" and "annual recurring revenue"): "annual
    recurring revenue churned" is "arr churned", the waterfall's churn."""
    spelled: dict[str, tuple[str, ...]] = {}
    for key, entries in lex.phrases.items():
        for e in entries:
            if e.kind == "metric" and 2 <= len(key) <= 4:
                acronym = "".join(w[0] for w in key)
                if any(x.kind == "metric" and x.value == e.value
                       for x in lex.phrases.get((acronym,), [])):
                    spelled.setdefault(acronym, key)
    for key, entries in list(lex.phrases.items()):
        if len(key) < 2 or not set(key) & spelled.keys():
            continue
        longer = tuple(w for x in key for w in spelled.get(x, (x,)))
        indexed = lex.phrases.setdefault(longer, [])
        indexed += [e for e in entries if e.kind != "alias" and e not in indexed]
        lex.max_len = max(lex.max_len, len(longer))
