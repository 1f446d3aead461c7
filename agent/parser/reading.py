"""What the parser has found in a question so far, shared by its reading steps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agent.parser.entities import EntityMatch
from tools.base import Dimension
from tools.fiscal import Period


@dataclass
class Reading:
    """Everything found in the question so far."""

    words: list[str]
    used: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    votes: dict[str, float] = field(default_factory=dict)
    dims: list[tuple[int, Dimension, str]] = field(default_factory=list)
    entities: list[EntityMatch] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    compare: str | None = None
    compare_unit: str | None = None
    grain: str | None = None
    as_of: date | None = None
    pipeline_taken: bool = False
    """The as-of day is the day the pipeline was taken on (periods.PeriodFindings)."""
    knobs: list[Any] = field(default_factory=list)
    """Tool options named in the question (agent/parser/options.py Found), for the chosen tool."""
    said: dict[str, list[str]] = field(default_factory=dict)
    """Per tool, the metric phrases that voted for it ("conversion rate by stage")."""
    in_dimension: set[str] = field(default_factory=set)
    """Metric phrases that are also part of a dimension phrase ("forecast" of "forecast
    category"): they name the split more than the metric."""
    corrections: list[tuple[str, str]] = field(default_factory=list)
    """Words read as another spelling (typo repair): (as written, as read)."""
    resembles: dict[str, str] = field(default_factory=dict)
    """English words close to a vocabulary word, kept as written ('recognition' ~
    'reconciliation'): never ignored as harmless."""
    yearless: list = field(default_factory=list)
    """Month ranges written without a year (periods.PeriodFindings.yearless)."""
    in_text: list = field(default_factory=list)
    """The periods in the order they are written (where the extractor could tell)."""
    replacing: set[int] = field(default_factory=set)
    """Where the values that replace another start ("no, APAC rather than LATAM": APAC is
    asked for, never excluded by the "no" before it)."""
    left_out: set[tuple[int, str]] = field(default_factory=set)
    """Where values the question leaves out of a group start ("the rest of Owen's team": Owen
    is excluded from his team)."""
    negated: list = field(default_factory=list)
    """Periods written after "not" ("not in this quarter"): never the period read."""
    outside: str | None = None
    """The question's words outside its explaining parentheticals (agent/parser/glosses.py),
    when it has some: a measure named there is the one asked for, not those the gloss lists."""
    named: frozenset[str] = frozenset()
    """Words written as names (capitalized after the first word, in capitals, or possessive:
    "Jordan's", "DACH"):
    one the data does not know is asked about, not ignored."""

    def take(self, start: int, end: int) -> None:
        """Mark word positions as explained."""
        self.used.update(range(start, end))


HOW_IS = re.compile(r"\bhow(?:'s|\u2019s| is| are)\s+([a-z]+(?:\s+[a-z]+)?)\s+(?:doing|tracking|"
                    r"performing|pacing|trending|looking)\b", re.I)
"""'how's marcus doing vs quota': whoever is asked about stands between the verbs."""
KIND_AFTER = frozenset({"sourced", "source", "channel", "campaign", "integration", "connector",
                        "product", "sku"})
"""Words naming the kind of value the word before them is ("referral-sourced", "the Marketo
integration"): a word no vocabulary knows right before them is a name."""
ASKER = re.compile(r"(?:^|[.!?;:]\s+)([A-Z][a-z]+)\s+(?:asked|asks|wants|wanted|needs|needed|said|"
                   r"says|told|mentioned|requested|raised|is asking|was asking)\b")
"""'Chris asked me to pull his open pipeline': a capital starting a sentence is a name when
a verb of asking or saying follows it."""


def named_words(question: str) -> frozenset[str]:
    """Return the lower-cased words the question writes as names (see Reading.named)."""
    found = {w.lower() for m in HOW_IS.finditer(question) for w in m[1].split()}
    found |= {m[1].lower() for m in ASKER.finditer(question)}
    for sentence in re.split(r"[.!?]+\s", question):
        tokens = re.findall(r"[A-Za-z]{2,}", sentence)
        title = len(tokens) >= 4 and sum(t[:1].isupper() for t in tokens) >= 0.75 * len(tokens)
        # "Open Pipelien By Region": in Title Case a capital names nothing (a possessive or
        # capitals still do)
        for k, m in enumerate(re.finditer(r"[A-Za-z][A-Za-z0-9'\u2019]*(-\d)?", sentence)):
            token = m[0].removesuffix(m[1] or "")
            base = re.split(r"['\u2019]", token)[0]
            capitalized = k > 0 and base[:1].isupper() and not base.isupper() and not title
            if capitalized or re.search(r"['\u2019]s$", token) or (
                    len(base) > 2 and base.isupper() and not m[1] and not sentence.isupper()):
                # "DACH bookings": capitals are a name wherever they stand (an acronym the
                # vocabulary knows, "QBR", is explained before names are looked at; a code
                # such as "CO-311" is none)
                found.add(base.lower())
    return frozenset(found)


def masked(reading: Reading) -> list[str]:
    return [("@" if i in reading.used else word) for i, word in enumerate(reading.words)]
