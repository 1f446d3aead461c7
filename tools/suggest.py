"""'Did you mean' for a name that is not one of the known ones (rapidfuzz, one best match)."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

CUTOFF = 60
"""Least similarity (0-100, Indel ratio) a suggestion needs, as the 0.6 ratio used before."""


def did_you_mean(value: object, known: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest known name, or "" when none is close."""
    close = process.extractOne(str(value), list(known), scorer=fuzz.ratio, score_cutoff=CUTOFF)
    return f" (did you mean {close[0]!r}?)" if close else ""
