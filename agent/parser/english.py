"""Whether a word is common English: a typo repair must not replace it, and a word that is not
one is never ignored silently ('nxt' may be the period the question is about)."""

from __future__ import annotations

from functools import cache

ENGLISH_FREQUENCY = 1000
"""How often (in pyspellchecker's English word counts) a word must occur to be taken as
written: "stripped" (8,832) or "recognition" (8,564) are words, "quater" or "regoin" are not."""


@cache
def _english_counts() -> dict[str, int]:
    from spellchecker import SpellChecker  # only questions with an unknown word pay for it

    return SpellChecker(distance=1).word_frequency.dictionary  # read as it is, not copied


def common_english(word: str) -> bool:
    """Whether the word is a common English word, which a typo repair must not replace."""
    return _english_counts().get(word, 0) >= ENGLISH_FREQUENCY


def english(word: str) -> bool:
    """Whether the word is an English word at all, however rare ("globally"): never read as a
    misspelt name of the data."""
    return word in _english_counts()


EVERYDAY_FREQUENCY = 20_000
"""How often a short word must occur to be an everyday word rather than a name that English
texts also hold ("ben" 4,356, "leo" 1,686; "art" 95,862, "may" 927,594)."""


def everyday(word: str) -> bool:
    """Whether a short word is an everyday English word, never a person's first name."""
    return _english_counts().get(word, 0) >= EVERYDAY_FREQUENCY
