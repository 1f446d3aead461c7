"""Dates written with slashes whose order the question leaves open ("03/11/2026").

normalize reads "3/11" month first unless some date of the question must be day first
("13/11"); when neither order is forced and the two readings give different plans, the
question is asked back rather than answered in one order silently.
"""

from __future__ import annotations

import calendar
import re

SLASH_DATE = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?:/((?:19|20)?\d{2}))?(?![\d/%])")


def _spelled(m: re.Match[str], day_first: bool) -> str:
    month, day = (int(m[2]), int(m[1])) if day_first else (int(m[1]), int(m[2]))
    year = "" if m[3] is None else f" {m[3] if len(m[3]) == 4 else '20' + m[3]}"
    return f"{calendar.month_name[month]} {day}{year}"


def both_orders(question: str) -> tuple[str, list[str], list[str]] | None:
    """The open slash dates (as written) and their spellings month first and day first, or
    None when no date is open: none written, or one forces the order (a part over 12)."""
    found = list(SLASH_DATE.finditer(question))
    if not found or any(not (0 < int(m[1]) <= 12 and 0 < int(m[2]) <= 12) for m in found):
        return None
    open_ = [m for m in found if int(m[1]) != int(m[2])]
    if not open_:
        return None
    return (", ".join(m[0] for m in open_), [_spelled(m, False) for m in open_],
            [_spelled(m, True) for m in open_])


def spelled_question(question: str, day_first: bool) -> str:
    """The question with each open slash date written out in the order given."""
    return SLASH_DATE.sub(lambda m: _spelled(m, day_first) if int(m[1]) != int(m[2]) else m[0],
                          question)
