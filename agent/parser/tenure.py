"""Periods fixed by when a person started or left ("since Kofi joined", "his first full
quarter", "in her first 90 days", "since Ana left"), read from the people's hire and leave
dates (v_reps) and written into the text as the dates they are: the period reader then reads
them like any dates, and a note says whose date it was.

A person the words do not settle (no such name, two people with it, "he" in a message naming
two reps or none) leaves the words as they are, and the question is asked back as before
(parse.UNANCHORED): a period is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal, cast

import duckdb

from agent.parser.entities import Dimension, EntityIndex
from agent.parser.periods import shift_months
from agent.parser.words import STOPWORDS
from tools.fiscal import GRAIN_MONTHS, FiscalCalendar

CUE = re.compile(r"\b(?:joined|started|hired|came|onboarded|arrived|began|left|first)\b")
"""The cheap test before any pattern runs: most questions name no start at all."""

_PRONOUN = r"he|she|they"
_START = (r"(?:was |were |got |first )?(?P<verb>joined|started|was hired|hired|came on board|"
          r"came aboard|came on|onboarded|arrived|began|left)")
SINCE = re.compile(r"\b(?:ever since|since|from when|after) (?:the day )?"
                   rf"(?P<who>{_PRONOUN}|[a-z]+(?: [a-z]+)?) {_START}\b(?: (?:us|the team|"
                   r"them|here|the company))?")
"""'since Kofi joined', 'since he started', 'after Ana Ruiz left'."""
FIRST = re.compile(r"\b(?:in |during |over |for )?(?P<who>his|her|their|[a-z]+(?: [a-z]+)?) "
                   r"(?:very )?first (?:(?P<full>full |complete |whole )?(?P<unit>week|month|"
                   r"quarter|year)|(?P<n>\d+) (?P<units>days|weeks|months))\b")
"""'his first full month', 'Kofi's first quarter', 'in her first 90 days'."""


def tenure_dates(words: list[str], index: EntityIndex, calendar: FiscalCalendar,
                 as_of: date, notes: list[str]) -> list[str]:
    """The words with each start- or leave-fixed period written as its dates; a note for each."""
    text = " ".join(words)
    if index.con is None or not CUE.search(text):
        return words
    named: list[list[str]] = []  # the people the words name, found when a pronoun asks

    def people() -> list[str]:
        if not named:
            named.append(_people_named(words, index))
        return named[0]

    def since(m: re.Match[str]) -> str:
        who = _person(m["who"], people, index)
        day = _dates_of(who, index)[m["verb"] == "left"] if who else None
        if who is None or day is None or day > as_of:
            return m[0]
        notes.append(f"read '{m[0]}' as since {day} ({who}'s "
                     f"{'leaving' if m['verb'] == 'left' else 'start'} date)")
        return f"since {_iso(day)}"

    def first(m: re.Match[str]) -> str:
        who = _person(m["who"], people, index)
        hired = _dates_of(who, index)[0] if who else None
        if who is None or hired is None:
            return m[0]
        if m["n"]:  # the first N days, weeks or months from the start day
            n, unit = int(m["n"]), m["units"]
            end = (hired + timedelta(days=n - 1) if unit == "days" else
                   hired + timedelta(weeks=n) - timedelta(days=1) if unit == "weeks" else
                   shift_months(hired, n) - timedelta(days=1))
            start = hired
        elif m["unit"] == "week":
            start = hired if not m["full"] else hired + timedelta(days=-hired.weekday() % 7)
            end = start + timedelta(days=6)
        else:
            months = GRAIN_MONTHS[m["unit"]]
            # a full month/quarter/year is a calendar (fiscal) one starting on or after the
            # start day; "her first month" counts from the start day, as ramp does (METRICS)
            unit_of = cast(Literal["month", "quarter", "year"], m["unit"])
            start = _next_start(hired, unit_of, calendar) if m["full"] else hired
            end = shift_months(start, months) - timedelta(days=1)
        if end > as_of:
            return m[0]  # not yet had one: asked back, never cut short silently
        notes.append(f"read '{m[0].strip()}' as {start} to {end} (from {who}'s start date, "
                     f"{hired})")
        return f"{_iso(start)} to {_iso(end)}"

    out = FIRST.sub(first, SINCE.sub(since, text))
    return out.split() if out != text else words


def _people_named(words: list[str], index: EntityIndex) -> list[str]:
    """The people (reps, managers) the words name, in full or by a first name only one person
    has: whom a pronoun can stand for."""
    named = {m.label for m in index.exact(words, blocked=set()) if m.dimension in PEOPLE}
    for word in set(words) - STOPWORDS:
        people = {label for dim, label in index.first_named(word) if dim in PEOPLE}
        named |= people if len(people) == 1 else set()
    return sorted(named)


def _person(who: str, people: Callable[[], list[str]], index: EntityIndex) -> str | None:
    """The one person 'he' or a name stands for, or None when the words do not settle it
    (`people`: those the message names, looked up only for a pronoun)."""
    if who in ("he", "she", "they", "his", "her", "their"):
        return named[0] if len(named := people()) == 1 else None
    found = {label for dim, label in index.by_norm.get(who, []) if dim in PEOPLE}
    if not found and " " not in who:  # a first name ("Kofi") or a surname alone
        found = {label for dim, label in index.first_named(who) if dim in PEOPLE} or \
            {label for dim, label in index.by_token.get(who, set()) if dim in PEOPLE}
    if not found and " " in who:  # "since the day Kofi joined": the name is the last word
        return _person(who.split()[-1], people, index)
    return found.pop() if len(found) == 1 else None


PEOPLE = (Dimension.rep, Dimension.manager)


def _dates_of(person: str, index: EntityIndex) -> tuple[date | None, date | None]:
    """(hire date, leave date) of a person, None where the warehouse has none."""
    assert index.con is not None
    try:
        row = index.con.execute("select min(hire_date), max(termination_date) from v_reps "
                                "where rep = ?", [person]).fetchone()
    except duckdb.Error:
        return None, None
    return (row[0], row[1]) if row else (None, None)


def _next_start(d: date, unit: Literal["month", "quarter", "year"],
                calendar: FiscalCalendar) -> date:
    """The first month, fiscal quarter or fiscal year starting on or after d."""
    start = calendar.bucket_start(d, unit)
    return start if start == d else shift_months(start, GRAIN_MONTHS[unit])


def _iso(d: date) -> str:
    """A date as the normalized text writes it (2026_03_04)."""
    return d.strftime("%Y_%m_%d")
