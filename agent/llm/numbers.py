"""Numbers as people write them, read back with the precision they were written at.

"$10.0M" is 10,000,000 +/- 50,000; "63.2%" is 0.632 +/- 0.0005; "3.5x" is 3.5 +/- 0.05: the
tolerance is half a unit of the last written digit, scaled like the number. Dates and labels
(2026-11-26, Nov 26, FY2027, Q3) are read whole, so their digits are not taken for amounts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Kind = Literal["plain", "percent", "points", "multiple", "ordinal", "word", "date", "label"]

SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6,
          "b": 1e9, "bn": 1e9, "billion": 1e9, "trillion": 1e12}
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10}
"""Number words checked as counts; "one" is left out: it is mostly a pronoun."""

ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
LABEL = re.compile(r"\b(?:FY|Q|H|M|W)\d{1,4}\b", re.IGNORECASE)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
TEXT_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})[ ](?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?[ ](?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?[ ](?P<m2>{_MONTH})(?:,?[ ](?P<y2>\d{{4}}))?)\b"
)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*][ \t]+)?\d{1,3}[.)](?=[ \t])", re.MULTILINE)
NUMBER = re.compile(
    r"""(?<![\w.,])(?P<sign>[-\u2212+])?(?P<cur>[$\u20ac\u00a3])?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?:[ ]?(?P<pct>%|percent\b|per[ ]cent\b)
      |[ ]?(?P<bps>bps\b|basis[ ]points?\b)
      |[ ]?(?P<pts>percentage[ ]points?\b|points?\b|pts?\b|pp\b)
      |(?P<mult>x\b|\u00d7)|[ ](?P<times>times)\b
      |[ ]?(?P<word>thousand|million|billion|trillion)\b
      |(?P<abbr>[kKmMbB][nN]?)\b
      |(?P<ord>st|nd|rd|th)\b
    )?(?![\w.]*\d)""",
    re.VERBOSE,
)
_WORD_NUMBER = re.compile(r"\b(" + "|".join(WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """A number as written, with the value and tolerance it stands for (signs dropped)."""

    text: str
    value: float
    tolerance: float
    kind: Kind = "plain"
    literal: str | None = None
    """Digits of a plain integer ("2026"), which may also match a label or a name."""


def claims(text: str) -> Iterator[Claim]:
    """Every number of `text` worth checking; list markers at line starts ("1.") are not."""
    text = _LIST_MARKER.sub(_blank, text)
    for match in ISO_DATE.finditer(text):
        yield Claim(match.group(), math.nan, 0.0, "date")
    for match in TEXT_DATE.finditer(text):
        yield Claim(match.group(), math.nan, 0.0, "date")
    for match in LABEL.finditer(text):
        yield Claim(match.group(), math.nan, 0.0, "label")
    text = mask(text)
    for match in NUMBER.finditer(text):
        yield claim(match)
    for match in _WORD_NUMBER.finditer(text):
        yield Claim(match.group(), WORDS[match.group().lower()], 0.0, "word")


def claim(match: re.Match[str]) -> Claim:
    """Read one NUMBER match."""
    digits = match["num"].replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value, tolerance = float(digits), 0.5 * 10.0**-decimals
    text = match.group().strip()
    if match["pct"]:
        return Claim(text, value / 100, tolerance / 100, "percent")
    if match["bps"]:
        return Claim(text, value / 10_000, tolerance / 10_000, "percent")
    if match["pts"]:
        return Claim(text, value / 100, tolerance / 100, "points")
    if match["mult"] or match["times"]:
        return Claim(text, value, tolerance, "multiple")
    if match["ord"]:
        return Claim(text, value, tolerance, "ordinal", literal=str(int(float(digits))))
    scale = SCALES.get((match["word"] or match["abbr"] or "").lower(), 1.0)
    plain_integer = decimals == 0 and scale == 1.0 and not match["cur"]
    return Claim(text, value * scale, tolerance * scale,
                 literal=str(int(digits)) if plain_integer else None)


def mask(text: str) -> str:
    """Blank out ISO dates, written dates and labels, which are read as a whole."""
    for pattern in (ISO_DATE, TEXT_DATE, LABEL):
        text = pattern.sub(_blank, text)
    return text


def same_day(written: str, iso: str) -> bool:
    """Whether a date as written ("Nov 26", "26 November 2026", "2026-11-26") is `iso`."""
    if written == iso:
        return True
    match = TEXT_DATE.fullmatch(written)
    if match is None:
        return False
    month = _MONTHS[(match["m1"] or match["m2"])[:3].lower()]
    day = int(match["d1"] or match["d2"])
    year = match["y1"] or match["y2"]
    y, m, d = (int(part) for part in iso.split("-"))
    return (m, d) == (month, day) and (year is None or int(year) == y)


def label_key(token: str) -> str:
    """FY27 and FY2027 are one label; Q3 and q3 too."""
    token = token.upper()
    if token.startswith("FY") and len(token) == 4:
        return f"FY20{token[2:]}"
    return token


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())
