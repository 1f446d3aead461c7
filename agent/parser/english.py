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
