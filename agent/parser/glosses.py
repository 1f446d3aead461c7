"""A parenthetical after a metric explains it: its metric words don't ask for other metrics.

"projected Q4 landing (bookings to date plus open pipeline at historical win rates) per team"
asks for the projection; the words in brackets say how it is computed, so bookings, pipeline
and win rate must not outvote it. Only metric votes are affected, and only when every phrase
a tool was voted for lies inside such a gloss while the text outside names a metric; a short
parenthetical ("(weighted)", "(EMEA only)") qualifies rather than explains and is read as
written, and values inside any parenthetical still filter.
"""

from __future__ import annotations

import re

from agent.parser.normalize import normalize
from agent.parser.reading import Reading

PARENTHETICAL = re.compile(r"\(([^()]*)\)|(?<=,\s)(?:i\.e\.|ie|that is|namely|in other words)\s*,?"
                           r"\s+([^,;.()?!]+)", re.I)
"""A gloss: a parenthetical, or an "i.e. ..." clause set off by commas after what it explains
("the Q4 commit forecast, i.e. closed-won plus open deals in the Commit category, per team";
not "... still open? i.e. coverage by region.", which says what the question asks)."""
GLOSS_WORDS = 3
"""A parenthetical of fewer words qualifies the metric ("(weighted)") rather than explains it."""


def _split(question: str) -> tuple[list[str], str]:
    """The question's glosses and the text outside them, normalized."""
    glosses = [normalize(m[1] if m[1] is not None else m[2] or "")
               for m in PARENTHETICAL.finditer(question)]  # ("TODAY()": an empty one)
    outside = normalize(PARENTHETICAL.sub(" , ", question))
    return [g for g in glosses if len(g.split()) >= GLOSS_WORDS], outside


def _within(phrase: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text) is not None


def drop_gloss_votes(reading: Reading, question: str) -> None:
    """Take back the votes of tools named only inside a gloss of the metric asked for."""
    if "(" not in question and not PARENTHETICAL.search(question):
        return
    glosses, outside = _split(question)
    if not glosses:
        return
    reading.outside = outside
    inside = {tool for tool, phrases in reading.said.items()
              if all(any(_within(p, g) for g in glosses) and not _within(p, outside)
                     for p in phrases)}
    if not inside or len(inside) == len(reading.said):
        return  # nothing outside the brackets names a metric: the brackets are the request
    for tool in inside:
        reading.votes.pop(tool, None)
        reading.said.pop(tool, None)
    reading.notes.append("read the words in brackets (or after 'i.e.') as what the metric "
                         "means, not as other metrics asked for")
