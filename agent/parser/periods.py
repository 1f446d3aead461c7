"""Time expressions in a normalized question -> concrete periods, relative to the as-of date.

Quarters, halves and years named like "Q3 2025", "FY25" or "this quarter" are fiscal (the
company calendar); bare years ("in 2017"), months and seasons are calendar spans; "last N
days/months" are trailing windows ending on the as-of date. Every period carries a label that
says which reading was taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from agent.parser.normalize import SMALL_NUMBERS
from tools.fiscal import GRAIN_MONTHS, FiscalCalendar, Grain, Period, add_months, month_end

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
NUMBERS = {
    **SMALL_NUMBERS, "a couple of": 2, "couple of": 2, "a few": 3, "few": 3, "a": 1, "an": 1,
    "eighteen": 18, "twenty four": 24,
}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4}
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}

PERIOD_WORDS = frozenset(set(MONTHS) | set(NUMBERS) | {
    "completed", "complete", "finished", "closed", "whole",
    "quarter", "quarters", "year", "years", "month", "months", "week", "weeks", "day", "days",
    "fiscal", "calendar", "ytd", "qtd", "mtd", "wtd", "ttm", "ltm", "last", "next", "this",
    "past", "previous", "prior", "since", "today", "yesterday", "tomorrow", "spring", "summer",
    "fall", "autumn", "winter", "half", "trailing", "rolling", "fy", "h1", "h2", "date",
    "current", "upcoming", "coming", "following", "between", "through", "until", "as"})
"""Words that may name or bound a period."""

WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
            "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
            "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
"""Day names and their short forms, each with its weekday number (Monday = 0)."""
DAY_NAME = "(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")"
"""A day's name or its short form, as written before a date ("Fri Nov 20")."""
WEEKDAY = f"({DAY_NAME})"
M = r"(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|" \
    r"september|oct|october|nov|november|dec|december)"
Y = r"((?:19|20)\d{2})"
N = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|" \
    r"twenty four|a couple of|couple of|a few|few|an|a)"
SHIFT = {"this": 0, "current": 0, "next": 1, "upcoming": 1, "coming": 1, "following": 1}
"""How many units a relative word moves from the current one; any other ("last", "previous",
"prior", "past") is one back."""


def _shift(word: str) -> int:
    return SHIFT.get(word, -1)


def _count(text: str) -> int:
    """A count written in digits or words ("6", "six", "a couple of")."""
    return int(text) if text.isdigit() else NUMBERS[text]


DATE_TOKEN = re.compile(r"\d{4}_\d{2}_\d{2}")
"""A written date as normalize() leaves it: a range may start at one ("2026_08_01 to ...")."""
FY = r"(?:fiscal\s+year\s+|fiscal\s+|fy\s?)"
PART = re.compile(r"q[1-4]|h[12]")
"""A quarter or half of the fiscal year: a range may start at one ("q1 through q3")."""
THE_UNIT = re.compile(r"\b(?:for|in|during|over)\s+the\s+(quarter|month|year)\b(?!\s+(?:before|"
                      r"after|ending|ended|end|that|which|of|to|just|so|in|prior|close|closing|"
                      r"we))")
"""'For the quarter' with no other period named: the current quarter."""
RANGE_JOINS = ("to", "through", "thru", "until", "till")
"""Words joining the two ends of a range ("march through may")."""
HOLIDAYS: dict[str, tuple[str, Callable[[int], date]]] = {
    "labor day": (r"labou?r day", lambda y: _nth_weekday(y, 9, 0, 1)),
    "thanksgiving": (r"(?:us |american )?thanksgiving(?: day)?",
                     lambda y: _nth_weekday(y, 11, 3, 4)),
    "black friday": (r"black friday", lambda y: _nth_weekday(y, 11, 3, 4) + timedelta(days=1)),
    "cyber monday": (r"cyber monday", lambda y: _nth_weekday(y, 11, 3, 4) + timedelta(days=4)),
    "memorial day": (r"memorial day", lambda y: _nth_weekday(y, 5, 0, -1)),
    "independence day": (r"independence day|(?:the )?(?:july 4th|4th of july|fourth of july)",
                         lambda y: date(y, 7, 4)),
    "halloween": (r"halloween", lambda y: date(y, 10, 31)),
    "christmas eve": (r"christmas eve|xmas eve", lambda y: date(y, 12, 24)),
    "christmas": (r"christmas(?: day)?|xmas", lambda y: date(y, 12, 25)),
    "new year's eve": (r"new years eve|nye", lambda y: date(y, 12, 31)),
    "new year's day": (r"new years(?: day)?", lambda y: date(y, 1, 1)),
    "valentine's day": (r"valentines(?: day)?", lambda y: date(y, 2, 14)),
}
"""Holidays people date things by (US ones, as the demo company's are): name pattern and day."""
HOLIDAY = re.compile(r"\b(?P<next>next\s+)?(?:(?:this|last)\s+(?:past\s+)?)?(?P<name>" +
                     "|".join(p for p, _ in HOLIDAYS.values()) + r")\b")
HOLIDAY_NAMES_THING = re.compile(r"\s*(?:campaign|promo|promotion|sale|sales event|event|"
                                 r"webinar|push|offer|deal|deals|special|blitz|party)s?\b")
"""Words after a holiday's name that make it a name of something ("the Black Friday promo")."""
SINCE_EVENT = re.compile(r"\bsince (?:the |our |his |her |their )?(?:[a-z]+ ){1,4}?(?:on|in) "
                         r"(?=(?:" + M + r")\b|\d{1,2}(?:st|nd|rd|th)? (?:of )?" + M + r"\b|"
                         r"\d{4}_\d{2}_\d{2}\b)")
"""'Since sales kickoff on Feb 9', 'since the reorg in June': since that date (the event named
beside it)."""
FROM_ON = re.compile(r"\bfrom (\d{4}_\d{2}_\d{2}) (?:on|onwards?|forward|till now|to now)\b")
"""'From Labor Day on': since that day."""


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (or with -1 the last) weekday (Monday 0) of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = shift_months(date(year, month, 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _holiday_day(name: str, year: int) -> date:
    return HOLIDAYS[name][1](year)


START_END = re.compile(r"\bstart(?:ing|s)?(?: date)?(?: on)? (\d{4}_\d{2}_\d{2}) (?:and )?"
                       r"end(?:ing|s)?(?: date)?(?: on)? (\d{4}_\d{2}_\d{2})\b")
"""A task's labelled bounds ("period start=2026-08-15 end=2026-09-15"): a range."""
NOW = ("now", "right now", "date", "today", "present", "the present")
"""A range's end that is the as-of day ("from Aug 1 to date", "between Sep 7 and now")."""
DAY_ONLY = re.compile(r"(?:the\s+)?(?:" + DAY_NAME + r"\s+(?:the\s+)?)?\d{1,2}(?:st|nd|rd|th)?")
"""A day written without its month ("the 1st", "Monday the 2nd"): a range's other end's."""
SLIPPED_WORDS = re.compile(r"\b(?:slip\w*|slid\w*|push(?:ed|es)?|pushing)\b")
RECENT_SNAPSHOT_DAYS = 92
"""A snapshot date within about a quarter of today is read against today's calendar."""
AFTER_NO_COMPARISON = "".join(f"(?<!{w} )(?<!{w} the )" for w in (
    "vs", "versus", "against", "than", "to", "with", "over", "from", "on"))
"""'Bookings this quarter vs the same quarter last year': there the words name the comparison
(the period asked is the one named before), not a period of their own."""
CHANGE = re.compile(r"\b(?:go|goes|went|gone|going) (?:up|down)\b|\bup or down\b|\b(?:improved|"
                    r"grew|grown|increased|decreased|declined|dropped|fell|rose|jumped)\b|"
                    r"\b(?:did|does|has|have)\b(?: \w+){1,4} (?:improve|grow|increase|decrease|"
                    r"decline|drop|fall|rise|jump|change|move|shift)\b")
"""Words asking how a number changed ("did it go up from Q2 to Q3", "how much did win rate
improve from Q2 to Q3"), not how many deals changed ("how many deals changed stage")."""
COUNTED_CHANGE = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b|\bstages?\b|\bwhich\b")
"""A question counting or listing what changed: a span, not a comparison of two periods."""
AS_AT = re.compile(r"\bas (?:at|it stood (?:on|at)|they stood (?:on|at)|it was on|of close of|"
                   r"(?:it was |they were )?reported (?:on|at|as of))\b")
"""Other ways to say 'as of' a day."""
LOOKED_ON = re.compile(r"\b(look|looks|looked) like (?:back )?on\b")
"""'What did the pipeline look like (back) on August 15th': as it stood that day."""
UNIT_END = re.compile(r"^(?:the )?(?:end|close|last day|final day) of (?:the )?")
"""'As of the end of Q2', 'as of the last day of Q2': the last day of the span named."""
NEGATED = re.compile(r"\b(?:not(?:\s+just|\s+only)?|rather than|instead of)(?:\s+(?:against|vs|"
                     r"versus|compared to|compared with|relative to|for|in|to))?\s+(?:the\s+|"
                     r"your\s+|our\s+|my\s+|their\s+|its\s+)?$")
"""Words that put the period after them aside ("... against the quarter before, not against
last year"): it is what is not asked for."""
LEFT_OUT_BEFORE = re.compile(r"\b(?:excluding|excl|except(?: for)?|minus|not counting|"
                             r"leaving out|leave out|other than|apart from|but not|aside from|"
                             r"setting aside|ignoring)\s+(?:the\s+|our\s+)?$")
LEFT_OUT_AFTER = re.compile(r"^\s+(?:(?:is|are|being)\s+)?(?:taken out|left out|removed|"
                            r"excluded|stripped out|cut out|carved out|taken away|backed out)\b")
"""Words leaving a period out of the one asked ("FY27 YTD excluding Q1", "with Q1 taken
out"): see cut_out."""


def _left_out(found: PeriodFindings, period: Period, head: str, tail: str) -> str | None:
    """When the words around a period (`head` before it, `tail` after) leave it out of the
    one asked, record it so and return the text without it and those words; else None."""
    if (cue := LEFT_OUT_BEFORE.search(head)) or (out := LEFT_OUT_AFTER.match(tail)):
        found.negated.append(period)
        found.left_out.append(period)
        return (head[:cue.start()] if cue else head) + " " + \
            (tail[out.end():] if not cue and out else tail)
    return None


def cut_out(main: Period, parts: list[Period]) -> Period | str | None:
    """The period asked with the parts left out of it: cut off its start or its end ("YTD
    excluding Q1": May to today); a part in its middle cannot be left out of one period (the
    tools take one span) and is returned as the words to ask about; None when no part lies
    inside it (a period set aside elsewhere: "..., not last year")."""
    start, end, cut = main.start, main.end, []
    for part in sorted(parts, key=lambda p: p.start):
        if part.end < start or part.start > end:
            continue
        if part.start <= start and part.end >= end:
            return part.label  # (all of it)
        if part.start <= start:
            start = part.end + timedelta(days=1)
        elif part.end >= end:
            end = part.start - timedelta(days=1)
        else:
            return part.label
        cut.append(part.label)
    if not cut:
        return None
    return Period(start, end, f"{main.label} without {' and '.join(cut)} ({start} to {end})")


@dataclass
class PeriodFindings:
    """What the extractor found: periods in order of appearance, an as-of override, leftovers."""

    periods: list[Period] = field(default_factory=list)
    as_of: date | None = None
    text: str = ""
    notes: list[str] = field(default_factory=list)
    is_range_join: bool = False
    negated: list[Period] = field(default_factory=list)
    """Periods written after "not" / "rather than": what is not asked for."""
    left_out: list[Period] = field(default_factory=list)
    """Of those, the ones written as left out of the period asked ("YTD excluding Q1", "Q1
    taken out"): a part cut off the period they lie in (see cut_out)."""
    pipeline_taken: bool = False
    """The as-of day is when "the pipeline as it stood on" it was taken for a slip rate (the
    slipping-deals snapshot): the periods named beside it stay today's ("Q3 slip rate, the
    pipeline as it stood on July 15"); elsewhere an old as-of day reads them as of then."""
    order: list[int] = field(default_factory=list)
    """The indexes of `periods` in the order their @period marks stand in `text`."""
    yearless: list[Period] = field(default_factory=list)
    """Month ranges written without a year ('Nov-Jan'), read as the latest such span: a
    period named beside them in the same months of another year is what they spell out."""


TO_TODAY = re.compile(r"\s*(?:including|incl|with|plus) (?:the )?(?:current|this) "
                      r"(?:one|quarter)\b|"
                      r"\s*(?:through|thru|to|until|up to) (?:today|now|date)\b|\s*so far\b")
"""Words after "the last N quarters" that bring this quarter in: a window ending today."""


class PeriodParser:
    """Turn time expressions into Periods for one as-of date and fiscal calendar."""

    def __init__(self, as_of: date, calendar: FiscalCalendar) -> None:
        self.as_of = as_of
        self.cal = calendar
        # pattern texts: extract() searches them between word boundaries, point() matches them
        # whole; each form is compiled (and cached by `re`) when first used
        self.patterns: list[tuple[str, Callable[[re.Match[str]], Period | None]]] = [
            (p, h) for p, h in (
                (r"(\d{4})_(\d{2})_(\d{2})", self._day),
                (r"(?:the\s+)?" + N + r"\s+(?P<units>days|weeks|months|quarters|years)\s+"
                 r"(?:that\s+|which\s+)?(?:ended|ending|ends|through|thru|up\s+to)\s+(?:on\s+)?"
                 r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?"
                 r"(?P<day>\d{4}_\d{2}_\d{2}|yesterday|today|" + M +
                 r"\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+" + Y +
                 r")?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + M + r"(?:\s+" + Y + r")?)",
                 self._span_ending),
                (r"(?:the\s+)?" + N + r"\s+(?P<units>days|weeks)\s+(?:before|leading up to|"
                 r"prior to|ahead of)\s+(?P<day>\d{4}_\d{2}_\d{2})", self._days_before),
                (r"(?:the\s+)?(?:fiscal\s+)?(?P<unit>month|quarter|year|half|week|fortnight)\s+"
                 r"(?:that\s+|which\s+)?(?:ended|ending|ends|closed|finished)\s+(?:on\s+)?"
                 r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?"
                 r"(?P<day>\d{4}_\d{2}_\d{2}|yesterday|today|" + M +
                 r"\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+" + Y +
                 r")?|\d{1,2}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?" + M + r"(?:\s+" + Y + r")?)?)",
                 self._unit_ending),
                (r"(?:the\s+)?(?:fiscal\s+)?(?P<unit>month|quarter|year|half)\s+"
                 r"(?:that\s+|which\s+)?(?:ended|ending|ends|closed|finished)\s+in\s+"
                 r"(?P<month>" + M[1:-1] + r")(?:\s+(?P<year>(?:19|20)\d{2}))?",
                 self._unit_ending_in),
                (M + r"\s+(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(this|last)\s+year\b",
                 self._month_day_of_year),
                (r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + M +
                 r"\s+(?:of\s+)?(this|last)\s+year\b", self._day_month_of_year),
                (M + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+" + Y + r")?", self._month_day),
                (r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + M + r"(?:\s+" + Y + r")?",
                 self._day_month),
                (FY + r"((?:19|20)?\d{2})\s+(?:ytd|year to date|to date)", self._fy_to_date),
                (r"(\d{4})_(\d{2})", self._iso_month),
                (r"(?:calendar\s+q|cq)([1-4])(?:\s+(?:of\s+)?" + Y + r")?", self._calendar_quarter),
                (r"q([1-4])\s+(?:of\s+)?(?:the\s+)?calendar(?:\s+year)?(?:\s+(?:of\s+)?" + Y +
                 r")?", self._calendar_quarter),  # "Q3 calendar", "Q3 of the calendar year"
                (r"(?:calendar\s+(?:year\s+)?(?:to\s+date|ytd|so\s+far)|cytd|"
                 r"(?:this|the|current)\s+calendar\s+year\s+(?:to\s+date|so\s+far))",
                 self._calendar_ytd),
                (r"(?:fiscal\s+)?q([1-4])\s+(?:of\s+)?(?:" + FY + r")?" + Y, self._fq_year),
                (r"(?:fiscal\s+)?q([1-4])\s+(?:of\s+)?(?:fy\s?|fiscal\s+(?:year\s+)?)(\d{2})",
                 self._fq_year),
                (r"fiscal\s+q([1-4])\s+(\d{2})\b", self._fq_year),
                (FY + r"((?:19|20)?\d{2})\s+q([1-4])", self._fy_q),
                (Y + r"\s+q([1-4])", self._fy_q),
                (r"(?:fiscal\s+)?q([1-4])\s+(?:of\s+)?(?:the\s+)?(this|current|last|previous|"
                 r"prior|next)\s+(?:fiscal\s+)?year", self._quarter_of_year),
                (r"(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter"
                 r"(?:\s+of\s+(?:" + FY + r")?((?:19|20)\d{2}))?"
                 r"(?:\s+of\s+(?:the\s+)?(this|last|next|previous)\s+(?:fiscal\s+)?year)?",
                 self._ordinal_quarter),
                (r"calendar\s+(h1|h2|1h|2h|first half|second half)(?:\s+(?:of\s+)?" + Y + r")?",
                 self._calendar_half),
                (r"(h1|h2|1h|2h|first half|second half|1st half|2nd half|front half|back half)"
                 r"(?:\s+of)?(?:\s+(?:the\s+)?(?:" + FY + r")?((?:19|20)\d{2}|(?<=fy)\d{2}|"
                 r"(?<=fy )\d{2}|(?:this|last|next|"
                 r"previous|prior|current)\s+(?:fiscal\s+)?year))?", self._half),
                (r"(?:calendar\s+(?:year\s+)?|cy\s?)" + Y + r"\s+(?:to date|so far|ytd)",
                 self._calendar_to_date),
                (r"(?:calendar\s+(?:year\s+)?|cy\s?)" + Y, self._calendar_year),
                (r"cy\s?(\d{2})\b", self._calendar_year),  # "CY25": calendar 2025
                (FY + r"((?:19|20)\d{2}|\d{2})\b", self._fiscal_year),
                (r"(?:fiscal\s+)?q([1-4])\s+(?:so far|to date|till date|until now|up to now)\b",
                 self._quarter_so_far),
                (r"(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last)\s+week\s+of\s+"
                 r"(?:(this|last) month|" + M + r")(?:\s+" + Y + r")?", self._week_of_month),
                (r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\s+(?:through|thru|to|until|till)\s+"
                 r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\s+(?:of\s+)?(?:(this|last) month|" + M +
                 r")", self._days_of_month),
                (r"(?:the\s+)?(first|1st|second|2nd|third|3rd|last|final)\s+month\s+of\s+"
                 r"(?:the|this|(last|previous|prior|next|current))\s+(?:fiscal\s+)?quarter",
                 self._month_of_quarter),
                (r"(?:the\s+)?(?P<end>first|1st|last|final)\s+(?P<n>two|three|2|3)\s+"
                 r"(?P<units>quarters|months)\s+of\s+(?:" + FY + r"(?P<fy>(?:19|20)?\d{2})|"
                 r"(?:the\s+)?(?P<shift>this|last|next|previous|prior|current)\s+"
                 r"(?P<kind>fiscal\s+year|fy|quarter))", self._part_of_span),
                (r"(?:" + FY + r"(?P<fy>(?:19|20)?\d{2})|(?P<shift>this|last|next|previous|prior|"
                 r"current)\s+(?P<kind>fiscal\s+year|fy|quarter))(?:\s+s)?\s+(?P<end>first|last|"
                 r"final)\s+(?P<n>two|three|2|3)\s+(?P<units>quarters|months)", self._part_of_span),
                (r"(?:the\s+)?(?:fiscal\s+year|fy)\s+that\s+(?:ended|closed|finished)\s+(?:this\s+past\s+"
                 r"|last\s+|in\s+)?" + M + r"(?:\s+" + Y + r")?", self._fiscal_year_ended),
                (r"(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                 r"(quarter|year)s\s+ago", self._units_ago),
                (r"(?:by|before|until|till|through)\s+(?:the\s+)?(?P<cal>fiscal\s+|calendar\s+)?"
                 r"(?P<unit>year|quarter|month)[\s-]?end\b", self._until_end),
                (r"fiscal\s+months?\s+(?P<n>\d{1,2})(?:\s+(?:to|through|thru|and|until)\s+"
                 r"(?P<m>\d{1,2}))?(?:\s+(?:of|in)\s+(?:" + FY + r"(?P<fy>(?:19|20)?\d{2})|"
                 r"(?:the\s+)?(?P<shift>this|last|next|previous|prior|current)\s+(?:fiscal\s+)?"
                 r"year))?", self._fiscal_months),
                (r"(?:the\s+)?(first|1st|last|final)\s+month\s+of\s+(?:" + FY +
                 r"((?:19|20)?\d{2})|(?:the\s+)?(this|last|next|previous|prior|current)\s+"
                 r"fiscal\s+year)",
                 self._month_of_fiscal_year),
                (r"(?:the\s+)?(first|last|final)\s+(" + N + r"\s+)?(days?|weeks?)\s+of\s+" + M +
                 r"(?:\s+(?:of\s+)?(?:" + Y + r"|(this|last)\s+year))?", self._part_of_month),
                (r"(?:fiscal\s+)?q([1-4])\b", self._bare_quarter),
                (r"(?:the\s+)?week\s+(?:of|starting|beginning|commencing)\s+"
                 r"(?:(?:mon|monday)\s+)?(?P<day>" + M + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+" + Y +
                 r")?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + M + r"(?:\s+" + Y + r")?|"
                 r"\d{4}_\d{2}_\d{2})", self._week_of),
                (r"since\s+(?:last\s+|this\s+(?:past\s+)?)?" + WEEKDAY + r"(?!\s+(?:meeting|call|"
                 r"review|sync|standup|1:1)\b)", self._since_weekday),
                (r"(?<!\bdue )(?<!\bby )(?<!\bfor )(?<!\buntil )(?<!\bbefore )(?<!\bready )"
                 r"(?:on\s+|last\s+|this\s+past\s+)" + WEEKDAY +
                 r"(?!\s+(?:meeting|call|review|sync|standup|1:1|morning meeting)\b)"
                 r"(?:\s+(?:morning|afternoon|evening))?", self._weekday),
                (r"(?:over\s+|during\s+|on\s+)?(?:the|this|last|this past)\s+weekend\b",
                 self._weekend),
                (r"(fiscal ytd|fytd|fy to date|fiscal to date|qtd|quarter to date|ytd|"
                 r"year to date|mtd|month to date|wtd|"
                 r"week to date|so far this (?:fiscal\s+)?(?:year|quarter|month|week)|"
                 r"(?:this|the|current) (?:fiscal\s+)?(?:year|quarter|month|week) so far|"
                 r"since the (?:start|beginning) of (?:the\s+)?(?:fiscal\s+)?"
                 r"(?:year|quarter|month))",
                 self._to_date),
                (r"(ttm|ltm|l12m|trailing twelve months|trailing 12 months|rolling 12 months|"
                 r"rolling twelve months|last twelve months|past twelve months)", self._ttm),
                (r"(?:the\s+)?(?:last|past|previous|prior)\s+" + N + r"\s+(?:complete|completed|"
                 r"full|whole|closed|finished)\s+(?:fiscal\s+)?(months?|quarters?|years?|weeks?)",
                 self._completed),
                (r"(?:the\s+)?(?:last|past)\s+" + N + r"\s+fiscal\s+(quarters?|years?)",
                 self._fiscal_span),
                (r"(?:the\s+)?" + N + r"\s+most\s+recent(?:ly)?\s+(?:complete|completed|full|"
                 r"whole|closed|finished|ended)?\s*(?:fiscal\s+)?(months|quarters|years|weeks)",
                 self._completed),
                (r"(?<!this )(?<!current )(?<!next )"  # "this quarter? closed plus commit"
                 r"(?:the\s+|last\s+|previous\s+|prior\s+)?(?:fiscal\s+)?(week|month|quarter|year)\s+"
                 r"(?:that\s+|which\s+)?"
                 r"(?:has\s+|have\s+)?(?:just\s+)?(?:ended|closed(?!\s+(?:plus|and|won|lost|deals?|"
                 r"business|pipeline|bookings|revenue|amount|commit))|finished|completed|wrapped|"
                 r"gone|past)|"
                 r"(?:the\s+)?(?:most\s+recent|most\s+recently|latest|just\s+ended|just\s+closed|"
                 r"(?:last|previous|prior)(?=\s+(?:completed|complete|full|closed|ended|finished)"
                 r"\s))\s+"
                 r"(?:completed\s+|complete\s+|full\s+|closed\s+|ended\s+|finished\s+|"
                 r"fiscal\s+)?"
                 r"(?:fiscal\s+)?"
                 r"(week|month|quarter|year)", self._just_ended),
                (r"(?:the\s+)?(last|past|previous|prior|trailing|next|coming|upcoming|"
                 r"following)\s+" + N + r"\s+(days?|weeks?|months?|quarters?|years?)",
                 self._trailing),
                (r"(?:(?<=close )|(?<=closes )|(?<=closing ))(within|inside)\s+(?:the\s+)?"
                 r"(?:next\s+)?" + N + r"\s+(days?|weeks?|months?)", self._within),
                (AFTER_NO_COMPARISON +
                 r"(?:the\s+)?(?:same|this|current)\s+(?:fiscal\s+)?(?P<unit>week|month|quarter|"
                 r"half)\s+(?:of\s+)?(?:(?:the\s+)?(?:last|previous|prior)\s+(?:fiscal\s+)?year|"
                 r"(?:a|one)\s+year\s+(?:ago|earlier|before))", self._year_earlier),
                (r"(?:the\s+)?(?:fiscal\s+)?(week|month|quarter|year)\s+before\s+(?:the\s+)?last\b",
                 self._before_last),
                (r"(?<=for )the\s+(?:fiscal|financial)\s+year\b(?!\s+(?:before|after|"
                 r"ending|ended|that|which|starting|so far|to date))", self._this_fiscal_year),
                (r"(?:the\s+)?(this|current|last|previous|prior|past|next|upcoming|coming|"
                 r"following)\s+(fiscal\s+|calendar\s+)?(week|month|quarter|year)\b",
                 self._relative),
                (r"(?:the\s+)?(this|current|last|previous|prior|next|upcoming|coming|following)\s+"
                 r"(?:fiscal\s+)?half(?:\s+year)?\b", self._relative_half),
                (r"(?:iso\s+)?(?:week|wk|kw|cw)\s?(?:number\s+|no\s+|#\s?)?(\d{1,2})\b"
                 r"(?!\s+(?:days?|weeks?|deals?|reps?|%|of\s+(?:the|this|that|last|next|each|"
                 r"every|q[1-4]|" + M[1:-1] + r")\b))(?:\s+(?:of\s+)?" + Y + r")?",
                 self._iso_week),
                (r"(today|yesterday|tomorrow)", self._day_word),
                (M + r"\s+(?:of\s+)?" + Y, self._month_year),
                (r"(?<!have )(?<!would )(?<!will )(?<!could )(?<!might )(?<!to )(?<!they )"
                 r"(?<!we )(?<!it )(?<!did )(?:(this|last|next|previous)\s+)?"
                 r"(spring|summer|autumn|winter|"
                 r"(?:(?<=this )|(?<=last )|(?<=next )|(?<=previous )|(?<=the )|(?<=in )|"
                 r"(?<=during )|(?<=over )|(?<=since )|(?<=until )|(?<=through )|(?<=past ))"
                 r"fall(?!\s+(?:through|apart|behind|short|off|out|into|below|under)\b)|"
                 r"fall(?=\s+(?:of\s+)?(?:19|20)\d{2}\b))"
                 r"(?:\s+(?:of\s+)?" + Y + ")?", self._season),  # ("how far short will the
                # reps fall": a verb; the season has its article, preposition or year)
                (r"(this|last|next|previous)\s+" + M, self._month_relative),
                (M + r"\s+(?:of\s+)?(this|last|next|previous|prior)\s+year", self._month_of_year),
                (M + r"\s+(?:a|one)\s+year\s+(?:ago|earlier|before)", self._month_year_ago),
                (r"(?:in|for|during|of|throughout|since|from|to|through|until)\s+" + M + r"\b",
                 self._month_alone),
                (r"(jan|january|feb|february|mar|march|apr|april|june|july|aug|august|sep|sept|"
                 r"september|oct|october|nov|november|dec|december)\b", self._month_bare),
                (r"(?:in|for|during|of|throughout|since|from)\s+" + Y + r"\b", self._year),
                (Y + r"\b", self._year),
            )
        ]

    # -- extraction -------------------------------------------------------------------------

    def extract(self, text: str) -> PeriodFindings:
        """Find periods (and an `as of` date) in normalized text; remove them from the text."""
        found = PeriodFindings()
        calendar_q = re.search(r"\bcalendar (q[1-4])\b|\b(q[1-4]) calendar\b", text)
        if calendar_q and not re.search(r"\b(?:vs|versus|compared|against|than|and|too|also|"
                                        r"plus|both)\b", text) and re.search(
                r"\bnot (?:your |our |the )?fiscal\b|\bcalendar q[1-4] (?:please|pls)\b|"
                r"\bi mean\b|\bthat is\b|\bq[1-4] calendar\b", text):
            # "bookings for Q3 - calendar Q3 please": the same quarter said again
            q = calendar_q[1] or calendar_q[2]
            text = re.sub(rf"\b{q} calendar\b", f"calendar {q}", text)
            text = re.sub(rf"(?<!calendar )(?<!fiscal )\b{q}\b(?! (?:of )?(?:fy|fiscal|20\d\d|this|"
                          r"last|next))", f"calendar {q}", text)
        text = HOLIDAY.sub(lambda m: self._holiday(m), text)  # "since Labor Day"
        text = FROM_ON.sub(r"since \1", text)  # "from 2026_09_07 on": since then
        if "since" in text:  # "since sales kickoff on Feb 9", "since the reorg in June"
            text = SINCE_EVENT.sub("since ", text)
        text = re.sub(r"\b(\d{4}_\d{2}_\d{2}) (\d{4}_\d{2}_\d{2})\b", r"\1 to \2", text)
        # ("2026-10-01..2026-10-31": two dates in a row are a range)
        text = self._extract_as_of(text, found)
        text = self._extract_ranges(text, found)
        found.order = list(range(len(found.periods)))  # a range's periods are written in order
        while True:
            best = None
            for pattern, handler in self.patterns:
                m = re.search(r"\b" + pattern + r"\b", text)
                span = (m.end() - m.start()) if m else 0
                if m and (best is None or span > best[0].end() - best[0].start()
                          or (span == best[0].end() - best[0].start()
                              and m.start() < best[0].start())):
                    period = handler(m)
                    if period is not None:
                        best = (m, period, handler)
            if best is None:
                break
            m, period, _ = best
            if NEGATED.search(text[:m.start()]):  # "against the quarter before, not last year"
                found.negated.append(period)
                text = text[:m.start()] + " " + text[m.end():]
                continue
            if (rest := _left_out(found, period, text[:m.start()], text[m.end():])) is not None:
                text = rest  # "YTD excluding Q1"
                continue
            found.order.insert(text[:m.start()].split().count("@period"), len(found.periods))
            found.periods.append(period)
            if best[2] == self._bare_quarter or re.fullmatch(M, m[0].strip()):  # "fiscal Q4
                found.yearless.append(period)  # (Nov 2025 - Jan 2026)": a quarter or a month
                # without its year, spelled out beside it ("December" of "across FY26")
            text = text[:m.start()] + " @period " + text[m.end():]
        if not found.periods and (the := THE_UNIT.search(text)):  # "at risk for the quarter":
            # the current one, when the question names no other period
            found.order.append(0)
            found.periods.append(self.cal.bucket(self.as_of, the[1]))  # type: ignore[arg-type]
            text = text[:the.start()] + " @period " + text[the.end():]
        found.text = " ".join(text.split())
        return found

    def point(self, text: str, year_hint: int | None = None) -> Period | None:
        """Parse a whole string as one time expression (range endpoints)."""
        text = re.sub(rf"^{DAY_NAME}\s+(?:the\s+(?=\d)|(?!the\b)(?=\S))", "", text.strip())
        # ("fri nov 20", "friday the 13th of november": the date the day's name stands before)
        if year_hint and re.fullmatch(M, text):
            month = MONTHS[text]
            return self._month(year_hint, month)
        day = re.fullmatch(M + r"\s+(\d{1,2})(?:st|nd|rd|th)?", text) if year_hint else None
        if day:  # "jan 1 to dec 31 2025": the year written once, at the end, is both's
            return self._calendar_day(MONTHS[day[1]], int(day[2]), str(year_hint))
        if text.startswith("the "):
            text = text[4:]
        for pattern, handler in self.patterns:
            m = re.fullmatch(pattern, text)
            if m:
                period = handler(m)
                if period is not None:
                    return period
        return None

    def _extract_as_of(self, text: str, found: PeriodFindings) -> str:
        text = LOOKED_ON.sub(r"\1 like as of", text)  # "what did Q3 look like back on Aug 15"
        if " as " in f" {text} ":  # "as it stood on October 31st", "as at the end of Q2"
            text = AS_AT.sub("as of", text)
        words = text.split()
        for i in range(len(words) - 2):
            if words[i] == "as" and words[i + 1] == "of":
                for n in (7, 6, 5, 4, 3, 2, 1):  # longest first: "the 1st of may 2025"
                    said = " ".join(words[i + 2:i + 2 + n])
                    p = self.point(UNIT_END.sub("", said))
                    rest = " ".join(words[:i] + words[i + 2 + n:])
                    if p is not None and UNIT_END.match(said) and not self._names_period(rest):
                        break  # "ARR as of the end of FY2026": that year, at its end
                    if p is not None and i + 2 + n <= len(words):
                        found.as_of = p.end
                        found.pipeline_taken = words[i - 1:i] in (["pipeline"], ["pipe"]) \
                            and bool(SLIPPED_WORDS.search(text))
                        if (self.as_of - p.end).days > RECENT_SNAPSHOT_DAYS and \
                                not found.pipeline_taken:
                            self.as_of = p.end  # "as of 2025-06-30, this quarter": then's
                        # a recent snapshot leaves "this quarter" today's: "this quarter's
                        # pipeline as of October 31st" is Q4 as it stood the day before
                        return " ".join(words[:i] + words[i + 2 + n:])
        return text

    def _names_period(self, text: str) -> bool:
        """Whether the text names a period of its own ("... coverage for Q3")."""
        return any(re.search(r"\b" + pattern + r"\b", text) for pattern, _ in self.patterns)

    def _extract_ranges(self, text: str, found: PeriodFindings) -> str:
        if (bounds := START_END.search(text)) and not self._names_period(
                text[:bounds.start()] + " " + text[bounds.end():]):
            text = START_END.sub(r"from \1 to \2", text)  # "start 2026-08-15 end 2026-09-15"
            # (beside another period they disagree with it: both stay, and are asked about)
        words = text.split()
        for i, w in enumerate(words):
            date_token = bool(DATE_TOKEN.fullmatch(w) or PART.fullmatch(w))
            bare = bool(DAY_ONLY.fullmatch(w)) and words[i + 1:i + 2] in (
                ["to"], ["through"], ["thru"], ["until"]) and (
                not w.isdigit() or words[i - 1:i] == ["the"] or
                any(x in MONTHS for x in words[i + 2:i + 5]))  # not "top 10 to 20 reps"
            if w not in ("between", "from", "since") and w not in MONTHS and not date_token \
                    and not bare:  # ("1 to 31 oct", "the 17th to the 19th")
                continue
            verb = w in ("may", "march") and not (  # "May thru October": a month after all
                words[i + 1:i + 2] and words[i + 1] in RANGE_JOINS and
                words[i + 2:i + 3] and words[i + 2] in MONTHS)
            first = i if (w in MONTHS and not verb) or date_token or bare else i + 1
            for la in (7, 6, 5, 4, 3, 2, 1):  # or at a month: "february to july"
                a_words = words[first:first + la]
                if len(a_words) < la or (first == i and la > 3) or (
                        first == i and la == 3 and not a_words[2].isdigit()):
                    continue
                if w == "since":  # "since the start of last fiscal year": from its start
                    said = " ".join(a_words)
                    ended = re.match(r"(?:the )?(?:end|close) of (?:the )?", said)
                    a = self.point(re.sub(r"^(?:the )?(?:start|beginning|end|close) of "
                                          r"(?:the )?", "", said))
                    if a is None and said in MONTHS:  # "since may": after "since", the month
                        a = self._latest_month(MONTHS[said])  # (alone, "may" is a verb)
                    if a is not None and ended and a.end < self.as_of:
                        # "since the end of Q2": from the day after it
                        after = a.end + timedelta(days=1)
                        found.periods.append(Period(after, self.as_of,
                                                    f"the time since {a.label}"))
                        return " ".join(words[:i] + ["@period"] + words[i + 1 + la:])
                    if a is not None and not ended:
                        found.periods.append(Period(a.start, self.as_of,
                                                    f"{a.label} to date"))
                        return " ".join(words[:i] + ["@period"] + words[i + 1 + la:])
                    continue
                j = first + la
                joins = RANGE_JOINS if first == i else ("and", *RANGE_JOINS)
                if j >= len(words) or words[j] not in joins:
                    continue
                for lb in (6, 5, 4, 3, 2, 1):
                    b_words = words[j + 1:j + 1 + lb]
                    if len(b_words) < lb:
                        continue
                    said = re.sub(r"^(?:the )?end of (?:the )?", "", " ".join(b_words))
                    said = re.sub(r"^(?=(?:fiscal )?(?:year|quarter|month)$)", "this ", said)
                    # ("between now and the end of the fiscal year": this fiscal year's end)
                    b = self.point(said)
                    if b is None and lb == 1 and b_words[0] in MONTHS:  # "march through may"
                        b = self.point(f"through {b_words[0]}")
                    if b is None and said in NOW and first != i + 1 or said in ("now",
                                                                              "right now"):
                        b = Period(self.as_of, self.as_of, "today")  # "Feb 1st to date"
                    if b is None and DAY_ONLY.fullmatch(" ".join(a_words)) and not \
                            " ".join(a_words).isdigit() and not set(words) & set(MONTHS):
                        # "the 17th to (no month named elsewhere: "December, the 18th through
                        # the 31st" is December's)
                        b = self._bare_day(said)  # the 19th": this month's, or last month's
                    if b is None:
                        continue
                    # "from the start of last fiscal year through today": from its start
                    start = re.sub(r"^(?:the )?(?:start|beginning) of (?:the )?", "",
                                   " ".join(a_words))
                    if start in ("now", "today", "right now"):  # "between now and Jan 31":
                        # from today to the next such day
                        if b.end < self.as_of:
                            b = self.point(said, year_hint=b.start.year + 1) or b
                        if b.end < self.as_of or b_words == a_words:
                            continue
                        found.periods.append(Period(self.as_of, b.end,
                                                    f"{self.as_of} to {b.end}"))
                        return " ".join(words[:i] + ["@period"] + words[j + 1 + lb:])
                    a = self.point(start, year_hint=b.start.year)
                    if a is None and DAY_ONLY.fullmatch(start):  # "between the 1st and 15th
                        a = self._bare_day(start, like=b)  # of October": October's 1st
                    if a is not None and a.start > b.end:  # "dec 1 to jan 31 2026"
                        a = self.point(start, year_hint=b.start.year - 1)
                    if a is None or a.start > b.end:
                        continue
                    if self._change_between(a, b, text):  # "did win rate go up from Q2 to
                        # Q3": the later one against the one before, not one span of both
                        found.periods += [b, a]
                        return self._extract_ranges(" ".join(
                            words[:i] + ["@period", "versus", "@period"] + words[j + 1 + lb:]),
                            found)
                    span = Period(a.start, b.end, f"{a.label} to {b.label}")
                    if set(a_words) | set(b_words) <= set(MONTHS):
                        ahead = span.shifted_years(1)
                        if ahead.start <= self.as_of <= ahead.end and not re.search(
                                r"\b(?:last|previous|prior) (?:fiscal )?year\b|\ba year ago\b",
                                text):
                            # "the Nov-Jan quarter" asked in November: the one under way,
                            # not the one a year ago
                            span = Period(ahead.start, ahead.end,
                                          f"{ahead.start:%B %Y} to {ahead.end:%B %Y}")
                        found.yearless.append(span)
                    if (rest := _left_out(found, span, " ".join(words[:i]) + " ",
                                          " " + " ".join(words[j + 1 + lb:]))) is not None:
                        return self._extract_ranges(rest, found)  # "with Feb-Apr taken out"
                    found.periods.append(span)
                    found.is_range_join = True
                    if words[i - 1:i] and re.fullmatch(DAY_NAME, words[i - 1]):
                        i -= 1  # "mon nov 16 to fri nov 20": the day's name goes with it
                    # the next range, if any ("Aug-Oct 2026 compared to Aug-Oct 2025")
                    return self._extract_ranges(
                        " ".join(words[:i] + ["@period"] + words[j + 1 + lb:]), found)
                if first == i:
                    break
        return text

    def _change_between(self, a: Period, b: Period, text: str) -> bool:
        """Whether "from A to B" asks how something changed between two whole periods of one
        length, one right after the other, rather than for one span of both."""
        if not CHANGE.search(text) or COUNTED_CHANGE.search(text):
            return False
        for unit in ("month", "quarter", "year"):
            one, other = self.cal.bucket(a.start, unit), self.cal.bucket(b.start, unit)
            if (one.start, one.end) == (a.start, a.end) and \
                    (other.start, other.end) == (b.start, b.end) and \
                    self.cal.previous(b, unit).start == a.start:
                return True
        return False

    # -- handlers ---------------------------------------------------------------------------

    def _day(self, m: re.Match[str]) -> Period | None:
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return Period(d, d, d.isoformat())

    def _month_day(self, m: re.Match[str]) -> Period | None:
        """"november 1st", "nov 1 2026": that day (without a year, the latest one so far)."""
        return self._calendar_day(MONTHS[m[1]], int(m[2]), m[3])

    def _month_day_of_year(self, m: re.Match[str]) -> Period | None:
        """'Jan 1 this year', 'March 3rd last year': that day of the calendar year named."""
        return self._calendar_day(MONTHS[m[1]], int(m[2]),
                                  str(self.as_of.year - (m[3] == "last")))

    def _day_month_of_year(self, m: re.Match[str]) -> Period | None:
        """'1 Jan this year', '3rd of March last year'."""
        return self._calendar_day(MONTHS[m[2]], int(m[1]),
                                  str(self.as_of.year - (m[3] == "last")))

    def _day_month(self, m: re.Match[str]) -> Period | None:
        """"1st of november", "1 nov 2026"."""
        return self._calendar_day(MONTHS[m[2]], int(m[1]), m[3])

    def _calendar_day(self, month: int, day: int, year: str | None) -> Period | None:
        try:
            d = date(int(year) if year else self.as_of.year, month, day)
            if not year and d > self.as_of and (month, d.year) != (self.as_of.month,
                                                                   self.as_of.year):
                d = date(d.year - 1, month, day)  # a day later this month is this month's
        except ValueError:
            return None
        return Period(d, d, d.isoformat())

    def _month(self, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return Period(start, month_end(start), start.strftime("%B %Y"))

    def _iso_month(self, m: re.Match[str]) -> Period | None:
        return self._month(int(m[1]), int(m[2])) if 1 <= int(m[2]) <= 12 else None


    def _year_number(self, text: str) -> int:
        n = int(text)
        return n + 2000 if n < 100 else n

    def _fq_year(self, m: re.Match[str]) -> Period:
        return self.cal.quarter(self._year_number(m[2]), int(m[1]))

    def _fy_q(self, m: re.Match[str]) -> Period:
        return self.cal.quarter(self._year_number(m[1]), int(m[2]))

    def _quarter_of_year(self, m: re.Match[str]) -> Period:
        """'Q3 this year', 'Q1 of next fiscal year' ("this year's Q3" reads so)."""
        return self.cal.quarter(self._current_fy(_shift(m[2])), int(m[1]))

    def _current_fy(self, shift: int = 0) -> int:
        return self.cal.fiscal_year(self.as_of) + shift

    def _ordinal_quarter(self, m: re.Match[str]) -> Period:
        q = ORDINALS[m[1]]
        if m[2]:
            return self.cal.quarter(int(m[2]), q)
        if m[3]:
            return self.cal.quarter(self._current_fy(_shift(m[3])), q)
        return self._latest_quarter(q)

    def _latest_quarter(self, q: int) -> Period:
        period = self.cal.quarter(self._current_fy(), q)
        if period.start > self.as_of:
            period = self.cal.quarter(self._current_fy(-1), q)
        return period

    def _bare_quarter(self, m: re.Match[str]) -> Period:
        return self._latest_quarter(int(m[1]))

    def _which_month(self, relative: str | None, name: str | None,
                     year: str | None = None) -> Period:
        """'this month', 'last month' or a month's name (the latest such, or of the year)."""
        if relative:
            return self._shifted_month(0 if relative == "this" else -1)
        if year:
            return self._month(int(year), MONTHS[name or ""])
        return self._latest_month(MONTHS[name or ""])

    def _week_of_month(self, m: re.Match[str]) -> Period:
        """'The first week of November': its days 1-7 (the last week: its last seven)."""
        month = self._which_month(m[2], m[3], m[4])
        nth = ORDINALS.get(m[1])  # (none for "last")
        start = month.end - timedelta(days=6) if nth is None else \
            month.start + timedelta(days=7 * (nth - 1))
        end = start + timedelta(days=6)
        return Period(start, end, f"{start} to {end}")

    def _days_of_month(self, m: re.Match[str]) -> Period | None:
        """'The 1st through the 15th of this month', '1st thru 15th November'."""
        month = self._which_month(m[3], m[4])
        first, last = int(m[1]), int(m[2])
        if not 1 <= first <= last <= month.end.day:
            return None
        start, end = month.start.replace(day=first), month.start.replace(day=last)
        return Period(start, end, f"{start} to {end}")

    def _month_of_quarter(self, m: re.Match[str]) -> Period | None:
        """'The first month of the quarter', 'the final month of last quarter': that month of
        the current (or the named) fiscal quarter."""
        if not m[2] and re.search(r"\bq[1-4]\b|\b(?:last|next|previous|prior) quarter\b",
                                  m.string):
            return None  # ("In Q3, ... the first month of the quarter": that quarter's, asked)
        quarter = self._span_of(None, m[2], "quarter")
        start = add_months(quarter.start, ORDINALS.get(m[1], 3) - 1)  # (the last: the third)
        return self._month(start.year, start.month)

    def _span_of(self, number: str | None, shift: str | None, unit: str) -> Period:
        """The fiscal year (or quarter) named by its number or by a relative word."""
        if number:
            return self.cal.year(int(number) if len(number) == 4 else 2000 + int(number))
        grain: Grain = "quarter" if unit == "quarter" else "year"
        current = self.cal.bucket(self.as_of, grain)
        months = 3 if grain == "quarter" else 12
        return self.cal.bucket(add_months(current.start, months * _shift(shift or "this")),
                               grain)

    def _part_of_span(self, m: re.Match[str]) -> Period:
        """'The final two quarters of last FY', "last FY's first two quarters", 'the first two
        months of this quarter': that part of the fiscal year or quarter."""
        unit = "quarter" if m["kind"] == "quarter" else "year"
        return self._part(self._span_of(m["fy"], m["shift"], unit), m["end"], _count(m["n"]),
                          m["units"])

    def _part(self, span: Period, end: str, count: int, units: str) -> Period:
        months = count * (3 if units.startswith("quarter") else 1)
        if end in ("first", "1st"):
            last = add_months(span.start, months) - timedelta(days=1)
            return Period(span.start, last, f"the first {count} {units} of {span.label}")
        first = add_months(span.end + timedelta(days=1), -months)
        return Period(first, span.end, f"the last {count} {units} of {span.label}")

    def _fiscal_year_ended(self, m: re.Match[str]) -> Period | None:
        """'The fiscal year that ended this past January': the fiscal year ending in the latest
        such month by today (or in that month of the year written)."""
        month = MONTHS[m[1]]
        year = int(m[2]) if m[2] else self.as_of.year - (month > self.as_of.month)
        ended = self.cal.bucket(date(year, month, 1), "year")
        if ended.end.month != month or ended.end > self.as_of:
            return None  # (no fiscal year ends then: left for the other readings)
        return ended

    def _units_ago(self, m: re.Match[str]) -> Period:
        """'Two quarters ago', '3 years ago': that whole fiscal quarter or year, so many back
        from this one."""
        grain: Grain = "quarter" if m[2] == "quarter" else "year"
        months = _count(m[1]) * (3 if grain == "quarter" else 12)
        return self.cal.bucket(add_months(self.cal.bucket(self.as_of, grain).start, -months),
                               grain)

    def _until_end(self, m: re.Match[str]) -> Period | None:
        """'By quarter end', 'before fiscal year end': from today to the end of the current
        quarter, month or year; a bare "year end" is asked unless the fiscal year is the
        calendar year (which year end is meant decides the answer)."""
        unit = m["unit"]
        if unit == "year" and m["cal"] and m["cal"].startswith("calendar"):
            end = date(self.as_of.year, 12, 31)
        elif unit == "year" and not m["cal"] and self.cal.start_month != 1:
            return None
        else:
            end = self.cal.bucket(self.as_of, unit).end  # type: ignore[arg-type]
        said = f"{m['cal'] or ''}{unit} end".strip()
        return Period(self.as_of, end, f"to {said} ({self.as_of} to {end})")

    def _fiscal_months(self, m: re.Match[str]) -> Period | None:
        """'Fiscal month 9', 'fiscal months 1 to 3 of last year': those months of the fiscal
        year (this one unless another is named), counted from its first month."""
        first, last = int(m["n"]), int(m["m"] or m["n"])
        if not 1 <= first <= last <= 12:
            return None
        year = self._span_of(m["fy"], m["shift"], "year")
        start = add_months(year.start, first - 1)
        end = add_months(year.start, last) - timedelta(days=1)
        said = f"fiscal month{'s' if last > first else ''} {first}" + \
            (f" to {last}" if last > first else "")
        return Period(start, end, f"{said} of {year.label} ({start} to {end})")

    def _month_of_fiscal_year(self, m: re.Match[str]) -> Period:
        """'The last month of FY26', 'the first month of this fiscal year'."""
        year = self._span_of(m[2], m[3], "year")
        start = year.start if m[1] in ("first", "1st") else year.end.replace(day=1)
        return self._month(start.year, start.month)

    def _part_of_month(self, m: re.Match[str]) -> Period | None:
        """'The last two weeks of December (last year)', 'the first 10 days of March': that
        part of the month (its last weeks end on its last day)."""
        n = _count(m[3]) if m[3] else 1
        month = MONTHS[m[5]]
        if m[6]:
            whole = self._month(int(m[6]), month)
        elif m[7]:
            whole = self._month(self.as_of.year - (m[7] == "last"), month)
        else:
            whole = self._latest_month(month)
        days = n * (7 if m[4].startswith("week") else 1)
        if days > (whole.end - whole.start).days + 1:
            return None
        if m[1] == "first":
            start, end = whole.start, whole.start + timedelta(days=days - 1)
        else:
            start, end = whole.end - timedelta(days=days - 1), whole.end
        return Period(start, end, f"{m[1]} {n} {m[4].rstrip('s')}{'s' if n > 1 else ''} of "
                                  f"{whole.label} ({start} to {end})")

    def _quarter_so_far(self, m: re.Match[str]) -> Period:
        """'Q4 so far': the quarter to today when it is the current one."""
        quarter = self._latest_quarter(int(m[1]))
        if quarter.start <= self.as_of < quarter.end:
            return Period(quarter.start, self.as_of, f"{quarter.label} QTD")
        return quarter

    def _half(self, m: re.Match[str]) -> Period:
        half = 1 if m[1] in ("h1", "1h", "first half", "1st half", "front half") else 2
        which = (m[2] or "this").split()[0]
        if which.isdigit():
            fy = self._year_number(which)  # "H1 FY27": fiscal 2027
        else:
            fy = self._current_fy(_shift(which))
        return self._fiscal_half(fy, half)

    def _fiscal_half(self, fy: int, half: int) -> Period:
        start = add_months(self.cal.start_of_fiscal_year(fy), 6 * (half - 1))
        return Period(start, add_months(start, 6) - timedelta(days=1), f"FY{fy} H{half}")

    def _fiscal_year(self, m: re.Match[str]) -> Period:
        return self.cal.year(self._year_number(m[1]))

    def _fy_to_date(self, m: re.Match[str]) -> Period:
        fy = self.cal.year(self._year_number(m[1]))
        end = min(fy.end, self.as_of)
        return Period(fy.start, end, f"{fy.label} YTD")

    def _calendar_year(self, m: re.Match[str]) -> Period:
        y = int(m[1]) if len(m[1]) == 4 else 2000 + int(m[1])
        return Period(date(y, 1, 1), date(y, 12, 31), f"calendar {y}")

    def _calendar_quarter(self, m: re.Match[str]) -> Period:
        """'Calendar Q3 2026', 'CQ1 2025', 'calendar Q3' (the latest that has started)."""
        q = int(m[1])
        y = int(m[2]) if m[2] else self.as_of.year - (date(self.as_of.year, 3 * q - 2, 1) >
                                                      self.as_of)
        start = date(y, 3 * q - 2, 1)
        return Period(start, add_months(start, 3) - timedelta(days=1), f"calendar Q{q} {y}")

    def _calendar_half(self, m: re.Match[str]) -> Period:
        """'Calendar H1 (2026)': January to June (the latest that has started)."""
        first = m[1] in ("h1", "1h", "first half")
        y = int(m[2]) if m[2] else self.as_of.year - (not first and self.as_of.month < 7)
        start = date(y, 1 if first else 7, 1)
        return Period(start, add_months(start, 6) - timedelta(days=1),
                      f"calendar {'H1' if first else 'H2'} {y}")

    def _calendar_ytd(self, m: re.Match[str]) -> Period:
        """'Calendar year to date', 'CYTD': January 1st to today."""
        start = date(self.as_of.year, 1, 1)
        return Period(start, self.as_of, f"calendar {self.as_of.year} to date")

    def _iso_week(self, m: re.Match[str]) -> Period | None:
        """'Week 45', 'KW45': the ISO week of that number (Monday to Sunday), the latest that
        has started unless a year is written."""
        week, year = int(m[1]), int(m[2]) if m[2] else self.as_of.isocalendar().year
        try:
            start = date.fromisocalendar(year, week, 1)
            if not m[2] and start > self.as_of:
                start = date.fromisocalendar(year - 1, week, 1)
        except ValueError:
            return None
        end = start + timedelta(days=6)
        return Period(start, end, f"ISO week {week} {start.isocalendar().year} ({start} to {end})")

    def _year(self, m: re.Match[str]) -> Period:
        y = int(m[1])
        return Period(date(y, 1, 1), date(y, 12, 31), str(y))

    def _to_date(self, m: re.Match[str]) -> Period:
        text = m[1]
        grain = ("quarter" if "quarter" in text or text == "qtd" else
                 "month" if "month" in text or text == "mtd" else
                 "week" if "week" in text or text == "wtd" else "year")
        bucket = self.cal.bucket(self.as_of, grain)  # type: ignore[arg-type]
        short = {"year": "YTD", "quarter": "QTD", "month": "MTD", "week": "WTD"}[grain]
        return Period(bucket.start, self.as_of, f"{bucket.label} {short}")

    def _week_of(self, m: re.Match[str]) -> Period | None:
        """'The week of Nov 16': Monday to Sunday of the week holding that day."""
        day = self.point(m["day"])
        if day is None:
            return None
        start = day.start - timedelta(days=day.start.weekday())
        return Period(start, start + timedelta(days=6), f"week of {start}")

    def _ttm(self, m: re.Match[str]) -> Period:
        return self._window("last", 12, "month")

    def _trailing(self, m: re.Match[str]) -> Period | None:
        """N units back or ahead; "the last three quarters" are the three whole fiscal
        quarters before this one, as quarters are reported (every eval writer who said which
        meant them, with a quarterly split or without), while "the trailing 3 quarters" and
        "the last 90 days" end today."""
        if (m[3].startswith("quarter") and m[1] in ("last", "past", "previous", "prior") or
                m[3].startswith("month") and m[1] in ("previous", "prior")) and \
                _count(m[2]) >= 2 and not TO_TODAY.match(m.string[m.end():]):
            # ("the prior two months": September and October, the months before this one)
            whole = self._completed(re.match(r"(.+) (.+)", f"{m[2]} {m[3]}"))  # type: ignore
            unit = m[3].rstrip("s")
            return whole and Period(whole.start, whole.end, f"last {_count(m[2])} {unit}s (whole "
                                    f"{unit}s {whole.start} to {whole.end})")
        return self._counted_window(m[1], m[2], m[3])

    def _counted_window(self, direction: str, count: str, unit: str) -> Period | None:
        """N units back or ahead of the as-of date, N written in digits or words."""
        n = _count(count)
        return self._window(direction, n, unit.rstrip("s")) if 0 < n <= 1000 else None

    def _within(self, m: re.Match[str]) -> Period | None:
        """'Closing within 30 days': the next 30 days."""
        return self._counted_window("next", m[2], m[3])

    def _fiscal_span(self, m: re.Match[str]) -> Period | None:
        """'The last two fiscal years': this fiscal year to date and the one before."""
        n = _count(m[1])
        unit = m[2].rstrip("s")
        if n <= 0 or n > 100:
            return None
        first = self.cal.bucket(self.as_of, unit)  # type: ignore[arg-type]
        for _ in range(n - 1):
            first = self.cal.previous(first, unit)  # type: ignore[arg-type]
        return Period(first.start, self.as_of, f"last {n} fiscal {unit}s ({first.start} to "
                                               f"{self.as_of})")

    def _span_ending(self, m: re.Match[str]) -> Period | None:
        """'The twelve months ending Oct 31, 2026': that many units back from that day."""
        day, n = self.point(m["day"]), _count(m[1])
        if day is None or not 0 < n <= 1000:
            return None
        end, unit = day.start, m["units"].rstrip("s")
        if unit in ("day", "week"):
            start = end - timedelta(days=n * (7 if unit == "week" else 1) - 1)
        else:
            start = shift_months(end, -n * GRAIN_MONTHS[unit]) + \
                timedelta(days=1)
        return Period(start, end, f"{n} {unit}s ending {end} ({start} to {end})")

    def _unit_ending(self, m: re.Match[str]) -> Period | None:
        """'The quarter that ended October 31', 'the fiscal year ending Jan 31, 2026': the
        fiscal unit that ends on that day (none when the day ends no such unit); a week ends
        on any day."""
        day = self.point(m["day"]) or self._bare_day(m["day"])
        if day is None:
            return None
        if m["unit"] in ("week", "fortnight"):  # "the week ending Sunday Oct 25": the seven
            # days to it; a fortnight the fourteen
            start = day.start - timedelta(days=6 if m["unit"] == "week" else 13)
            return Period(start, day.start, f"{m['unit']} ending {day.start}")
        bucket = self._unit_bucket(m["unit"], day.start)
        return bucket if bucket.end == day.start else None

    def _holiday(self, m: re.Match[str]) -> str:
        """A holiday's latest day on or before the as-of date, as a date token ("labor day":
        2026_09_07); "next" one after it."""
        name = next(k for k in HOLIDAYS if re.fullmatch(HOLIDAYS[k][0], m["name"]))
        year = self.as_of.year
        day = _holiday_day(name, year)
        if not m["next"] and 0 < (day - self.as_of).days <= 31 or HOLIDAY_NAMES_THING.match(
                m.string[m.end():]):
            return m[0]  # this year's is days away ("since Black Friday": which one?), or
            # it names a campaign or an event ("the Black Friday campaign"): as written
        if m["next"]:
            day = day if day > self.as_of else _holiday_day(name, year + 1)
        elif day > self.as_of:
            day = _holiday_day(name, year - 1)
        return f"{day:%Y_%m_%d}"

    def _days_before(self, m: re.Match[str]) -> Period | None:
        """'The 10 days before 2026_11_26': the days up to the day before it."""
        day = self.point(m["day"])
        n = _count(m[1])
        if day is None or not 0 < n <= 400:
            return None
        end = day.start - timedelta(days=1)
        n_days = n * (7 if m["units"].startswith("week") else 1)
        return Period(end - timedelta(days=n_days - 1), end,
                      f"{n} {m['units']} before {day.start}")

    def _bare_day(self, said: str, like: Period | None = None) -> Period | None:
        """'the 22nd', '17th', '1': a day of the month of `like` (the other end of a range),
        else of this month when it has come, else of last month."""
        m = re.fullmatch(r"(?:the\s+)?(?:" + WEEKDAY + r"\s+(?:the\s+)?)?(\d{1,2})"
                         r"(?:st|nd|rd|th)?", said.strip())
        if m is None:
            return None
        day = int(m[2])
        base = like.start if like is not None else self.as_of
        if like is None and day > self.as_of.day:
            base = shift_months(self.as_of.replace(day=1), -1)
        try:
            d = base.replace(day=day)
        except ValueError:
            return None
        return Period(d, d, d.isoformat())

    def _unit_bucket(self, unit: str, day: date) -> Period:
        """The fiscal month, quarter, half or year holding the day."""
        if unit != "half":
            return self.cal.bucket(day, unit)  # type: ignore[arg-type]
        fy = self.cal.fiscal_year(day)
        half = 1 if day < add_months(self.cal.start_of_fiscal_year(fy), 6) else 2
        return self._fiscal_half(fy, half)

    def _year_earlier(self, m: re.Match[str]) -> Period:
        """'The same quarter last year', 'this month a year ago': the fiscal unit holding the
        as-of date a year back (not the whole year before)."""
        return self._unit_bucket(m["unit"], shift_months(self.as_of, -12))

    def _unit_ending_in(self, m: re.Match[str]) -> Period | None:
        """'The quarter that ended in October': the unit ending on that month's last day (the
        latest such month, or the year written)."""
        month = self.point(f"{m['month']} {m['year']}" if m["year"] else m["month"])
        if month is None:
            return None
        bucket = self._unit_bucket(m["unit"], month.end)
        return bucket if bucket.end == month.end else None

    def _just_ended(self, m: re.Match[str]) -> Period:
        """'The quarter that just ended', 'the most recent completed month': the last whole
        one before the current bucket."""
        unit = m[1] or m[2]
        if unit == "month":
            return self._shifted_month(-1)
        return self.cal.previous(self.cal.bucket(self.as_of, unit), unit)  # type: ignore[arg-type]

    def _completed(self, m: re.Match[str]) -> Period | None:
        """'The last three completed quarters': the N whole buckets before the current one."""
        n = _count(m[1])
        unit = m[2].rstrip("s")
        if n <= 0 or n > 100:
            return None
        last = self.cal.previous(self.cal.bucket(self.as_of, unit), unit)  # type: ignore[arg-type]
        first = last
        for _ in range(n - 1):
            first = self.cal.previous(first, unit)  # type: ignore[arg-type]
        return Period(first.start, last.end, f"last {n} completed {unit}s ({first.start} to "
                                             f"{last.end})")

    def _window(self, direction: str, n: int, unit: str) -> Period:
        forward = direction in ("next", "coming", "upcoming", "following")
        if unit in ("day", "week"):
            days = n * (7 if unit == "week" else 1)
            if forward:
                start, end = self.as_of + timedelta(days=1), self.as_of + timedelta(days=days)
            else:
                start, end = self.as_of - timedelta(days=days - 1), self.as_of
        else:
            months = n * GRAIN_MONTHS[unit]
            if forward:
                start = self.as_of + timedelta(days=1)
                end = shift_months(self.as_of, months)
            else:
                start = shift_months(self.as_of, -months) + timedelta(days=1)
                end = self.as_of
        word = "next" if forward else "last"
        plural = unit + ("s" if n != 1 else "")
        return Period(start, end, f"{word} {n} {plural} ({start} to {end})")

    def _relative(self, m: re.Match[str]) -> Period:
        shift = _shift(m[1])
        unit = m[3]
        if m[2] and m[2].strip() == "calendar" and unit in ("year", "quarter"):
            if unit == "year":
                y = self.as_of.year + shift
                return Period(date(y, 1, 1), date(y, 12, 31), f"calendar {y}")
            start = add_months(date(self.as_of.year, (self.as_of.month - 1) // 3 * 3 + 1, 1),
                               3 * shift)
            q = (start.month - 1) // 3 + 1
            return Period(start, add_months(start, 3) - timedelta(days=1),
                          f"calendar Q{q} {start.year}")
        current = self.cal.bucket(self.as_of, unit)  # type: ignore[arg-type]
        if unit == "month":
            return self._shifted_month(shift)
        if shift == 0:
            return current
        if shift > 0:
            return self.cal.bucket(current.end + timedelta(days=1), unit)  # type: ignore[arg-type]
        return self.cal.previous(current, unit)  # type: ignore[arg-type]

    def _calendar_to_date(self, m: re.Match[str]) -> Period:
        """'calendar 2026 to date': from January 1st to today (a past year: all of it)."""
        whole = self._calendar_year(m)
        if whole.start > self.as_of:
            return whole
        end = min(whole.end, self.as_of)
        return Period(whole.start, end, f"{whole.label} to date" if end < whole.end else
                      whole.label)

    def _this_fiscal_year(self, m: re.Match[str]) -> Period:
        """'For the fiscal year': the current one, as a whole."""
        return self.cal.bucket(self.as_of, "year")

    def _before_last(self, m: re.Match[str]) -> Period:
        """'The quarter before last': the fiscal unit two before the current one."""
        unit = m[1]
        if unit == "month":
            return self._shifted_month(-2)
        current = self.cal.bucket(self.as_of, unit)  # type: ignore[arg-type]
        return self.cal.previous(self.cal.previous(current, unit), unit)  # type: ignore[arg-type]

    def _relative_half(self, m: re.Match[str]) -> Period:
        """'this half', 'last half': the fiscal half holding today, or one before or after."""
        current = self._unit_bucket("half", self.as_of)
        return self._unit_bucket("half", add_months(current.start, 6 * _shift(m[1])))

    def _shifted_month(self, shift: int) -> Period:
        start = add_months(date(self.as_of.year, self.as_of.month, 1), shift)
        return self._month(start.year, start.month)

    def _latest_weekday(self, name: str) -> date:
        """The latest such weekday before today ("Monday" on a Thursday: three days ago)."""
        back = (self.as_of.weekday() - WEEKDAYS[name]) % 7 or 7
        return self.as_of - timedelta(days=back)

    def _since_weekday(self, m: re.Match[str]) -> Period:
        """'Since Monday': from the latest Monday to today."""
        day = self._latest_weekday(m[1])
        return Period(day, self.as_of, f"since {day:%A} ({day} to {self.as_of})")

    def _weekday(self, m: re.Match[str]) -> Period:
        """'On Friday', 'last Tuesday': that day, the latest one before today."""
        day = self._latest_weekday(m[1])
        return Period(day, day, f"{day:%A} {day}")

    def _weekend(self, m: re.Match[str]) -> Period:
        """'Over the weekend': the latest Saturday and Sunday before today."""
        sunday = self._latest_weekday("sunday")
        return Period(sunday - timedelta(days=1), sunday,
                      f"the weekend ({sunday - timedelta(days=1)} to {sunday})")

    def _day_word(self, m: re.Match[str]) -> Period:
        d = self.as_of + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[m[1]])
        return Period(d, d, f"{m[1]} ({d})")

    def _month_year(self, m: re.Match[str]) -> Period:
        return self._month(int(m[2]), MONTHS[m[1]])

    def _month_relative(self, m: re.Match[str]) -> Period:
        month = MONTHS[m[2]]
        if m[1] == "this":
            return self._month(self.as_of.year, month)
        if m[1] == "next":
            year = self.as_of.year + (1 if month <= self.as_of.month else 0)
            return self._month(year, month)
        year = self.as_of.year - (1 if month >= self.as_of.month else 0)
        return self._month(year, month)

    def _month_of_year(self, m: re.Match[str]) -> Period:
        """'October last year': that month of the calendar year before the as-of date's."""
        return self._month(self.as_of.year + _shift(m[2]), MONTHS[m[1]])

    def _month_year_ago(self, m: re.Match[str]) -> Period:
        """'October a year ago': the latest October's month a year before."""
        latest = self._latest_month(MONTHS[m[1]])
        return self._month(latest.start.year - 1, latest.start.month)

    def _latest_month(self, month: int) -> Period:
        year = self.as_of.year - (1 if month > self.as_of.month else 0)
        return self._month(year, month)

    def _month_alone(self, m: re.Match[str]) -> Period:
        return self._latest_month(MONTHS[m[1]])

    def _month_bare(self, m: re.Match[str]) -> Period:
        return self._latest_month(MONTHS[m[1]])

    def _season(self, m: re.Match[str]) -> Period | None:
        first = SEASONS[m[2]]
        if m[3]:
            year = int(m[3])
        else:
            year = self.as_of.year if date(self.as_of.year, first, 1) <= self.as_of else \
                self.as_of.year - 1
            if m[1] in ("last", "previous"):
                start = date(year, first, 1)
                if add_months(start, 3) > self.as_of:  # still in it: the one before
                    year -= 1
            elif m[1] == "next":
                year += 1
        start = date(year, first, 1)
        end = add_months(start, 3) - timedelta(days=1)
        return Period(start, end, f"{m[2]} {year} ({start} to {end})")


def shift_months(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1: Feb 28)."""
    first = add_months(date(d.year, d.month, 1), months)
    return min(date(first.year, first.month, min(d.day, month_end(first).day)), month_end(first))
