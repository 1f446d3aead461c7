"""Question normalization shared by the parser, its vocabulary and the entity index.

Everything that is compared (question text, vocabulary phrases, entity labels) goes through
`normalize`, so "What's", "whats" and "what is" or "Mid-Market" and "mid market" meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.parser.languages import fold, translated

_CONTRACTIONS = {
    "what's": "what is", "whats": "what is", "how's": "how is", "hows": "how is",
    "how'd": "how did", "howd": "how did", "who's": "who is", "whos": "who is",
    "where's": "where is", "that's": "that is", "it's": "it is", "we're": "we are",
    "were're": "we are", "they're": "they are", "isn't": "is not", "aren't": "are not",
    "didn't": "did not", "didnt": "did not", "don't": "do not", "dont": "do not",
    "doesn't": "does not", "doesnt": "does not", "haven't": "have not", "wasn't": "was not",
    "what're": "what are", "whatre": "what are", "let's": "let us", "i'm": "i am", "im": "i am",
    "we've": "we have", "weve": "we have", "what've": "what have", "who've": "who have",
    "wheres": "where is", "thats": "that is", "whatz": "what is", "hw": "how", "u": "you",
    "ur": "your", "pls": "please", "plz": "please", "thx": "thanks", "vs.": "vs",
    "versus": "vs", "v.": "vs", "btw": "", "yr": "year", "yrs": "years", "qtr": "quarter",
    "qtrs": "quarters", "mo": "month", "mos": "months", "wk": "week", "wks": "weeks",
    "opp": "opportunity", "opps": "opportunities", "avg.": "avg", "approx": "approximately",
    "w/": "with", "w/o": "without", "b/w": "between",
    "won't": "will not", "wont": "will not", "can't": "can not", "cant": "can not",
    "couldn't": "could not", "shouldn't": "should not", "wouldn't": "would not",
    "weren't": "were not", "hasn't": "has not", "hadn't": "had not", "we'll": "we will",
    "i'll": "i will", "you'll": "you will", "they'll": "they will", "it'll": "it will",
    "we'd": "we would", "i'd": "i would", "they'd": "they would", "i've": "i have",
    "you've": "you have", "they've": "they have",
    # RevOps shorthand
    "bkgs": "bookings", "bkg": "booking", "wr": "win rate", "seg": "segment",
    "segs": "segments", "mgr": "manager", "mgrs": "managers", "fcst": "forecast",
    "fcsts": "forecasts", "cov": "coverage", "rn": "right now", "attn": "attention",
    "nxt": "next", "prev": "previous", "rgn": "region", "rgns": "regions", "wkly": "weekly",
    "mthly": "monthly", "mnthly": "monthly", "qtrly": "quarterly", "yrly": "yearly",
    "acct": "account", "accts": "accounts", "amt": "amount", "amts": "amounts", "curr": "current",
    "num": "number", "tot": "total", "tally": "count", "ppl": "people",
    "dq": "data quality", "perf": "performance", "mtg": "meeting", "tmrw": "tomorrow",
    "tmr": "tomorrow", "yday": "yesterday", "lst": "last", "wtd": "week to date",
    "mktg": "marketing", "gl": "ledger", "erp": "ledger", "mkt": "marketing", "sz": "size",
    "conv": "conversion",
    "convs": "conversions",
    "teh": "the", "hte": "the", "adn": "and", "waht": "what", "whta": "what", "src": "source",
    "srcs": "sources", "incl": "including",
    "req": "request", "reqs": "requests", "etc": "etcetera", "etc.": "etcetera", "rt": "rate",
    "rts": "rates", "loose": "lose",
    "unweighted": "total",
    "fortnight": "2 weeks", "fortnights": "2 weeks", "nd": "and", "abt": "about", "thru": "through",
    "cmt": "commit", "excl": "excluding", "excl.": "excluding", "exc.": "excluding",
    "wat": "what", "wats": "what is", "watz": "what is", "wut": "what", "wuts": "what is",
    "pct": "percent", "pcts": "percent", "perc": "percent", "util": "utilization",
    "rte": "rate", "trnd": "trend", "trnds": "trends", "eror": "error", "erors": "errors",
    "b4": "before",

    # British spellings meet the vocabulary's American ones
    "licence": "license", "licences": "licenses", "utilisation": "utilization",
    "organisation": "organization", "analyse": "analyze", "optimise": "optimize",
    "prioritise": "prioritize", "forecasted": "forecast",
}
_WORD = re.compile(r"[a-z0-9$%#]+(?:['.][a-z]+)?|[$%#]")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_US_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
"""'31.10.2026': day, month, year, as dates are written with dots across Europe."""
_YEAR_FIRST_DATE = re.compile(r"\b((?:19|20)\d{2})[./](\d{1,2})[./](\d{1,2})\b")
"""'2026.04.01', '2026/04/01': year, month, day, as ISO orders them."""
_DAY_CUE = r"(?:from|since|to|through|thru|until|till|between|and|on|before|after)"
_SHORT_DATE = re.compile(rf"\b(?:({_DAY_CUE})\s+(?:the\s+)?)?(\d{{1,2}})/(\d{{1,2}})\b"
                         r"(?!/|\.\d|\s+of\b|\s*%)"
                         r"(?=(\s*(?:-|to|through|thru|until|till|and)\s*(?:the\s+)?"
                         r"\d{1,2}/\d{1,2}\b)?)")
"""'from 3/1 to 5/31': a day and month without the year, after a word that bounds a date or
before another such date; written as the month's name ('march 1') the periods read it as the
most recent such day, as they read 'March 1st'."""
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_SPOKEN_PART = re.compile(r"\b(q|h) (one|two|three|four)\b")
"""'q three', 'h two': a dictated quarter or half, as 'q3' and 'h2'."""


def _slash_date(m: re.Match[str], day_first: bool) -> str:
    """'10/31/2026' month first, as US exports write it; '15/04/2026' can only be day first,
    and so is every other date of that question (a date that fits neither stays as written,
    and is asked about)."""
    first, second, year = int(m[1]), int(m[2]), int(m[3])
    year += 2000 if year < 100 else 0  # "9/1/26"
    if day_first:
        first, second = second, first
    return f" {year:04d}_{first:02d}_{second:02d} "


def _month_day(m: re.Match[str], day_first: bool) -> str:
    """A short day and month as the month's name and the day ('3/1': 'march 1'); one that is
    no date stays as written."""
    first, second = int(m[2]), int(m[3])
    month, day = (second, first) if day_first else (first, second)
    if not (m[1] or m[4]) or not (1 <= month <= 12 and 1 <= day <= 31):
        return m[0]
    return f" {m[1] or ''} {_MONTH_NAMES[month - 1]} {day} "


_PER_SLASH = re.compile(r"(?<=[a-z$%])/(?=(?:rep|reps|day|week|month|quarter|year|seat|user|"
                        r"head|person|ae|hour|account|deal|lead)s?\b)")
"""A slash between a count and a unit, with no spaces: 'per' ("calls/rep/day")."""
_DAYS_SHORT = re.compile(r"\b(\d{1,4})d\b")
"""'45d', '90d': days."""
_YEAR_APOSTROPHE = re.compile(r"['\u2019](\d{2})\b")


_PLAIN = re.compile(r"[A-Za-z ]+")
_MONTH = (r"(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|"
          r"sep|sept|september|oct|october|nov|november|dec|december)")
_DASH_RANGE = re.compile(rf"(\d|\b{_MONTH})\s*[-\u2013\u2014]+\s*"
                         rf"(?={_MONTH}\b|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b)")
"""A dash between a date or month and a month names a range ("Jan 1 - Dec 31", "Feb-Jul")."""
_MONTHS_YEAR = re.compile(rf"\b({_MONTH})(\s*[-\u2013\u2014]+\s*{_MONTH})\s+"
                          r"(\d{2})\b(?!\s*(?:st|nd|rd|th|,?\s*\d))")
"""'Feb-Apr 27': months joined by a dash with no day, so the number after them is their year
(2027); "Jan to Mar 24" stays the 24th of March."""
_ABSENCE = re.compile(r"(?:\b(?:that|which|who) )?\b(?:(?:have|has|having) no|"
                      r"(?:do|does|did) not have(?= an?\b)|(?:do|does|did) not have(?: any)?|"
                      r"lacks?|lacking)\b")
"""Ways of saying a record lacks something, read as "without": "deals that have no close
date", "deals that do not have an amount", "deals lacking an owner" meet the vocabulary's
"without ..." phrases (which go through the same rewrite)."""


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
SMALL_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
"""Numbers up to twelve in words (those above are written as digits by _spans)."""
_UNITS = {w: n for w, n in SMALL_NUMBERS.items() if n < 10}
_TEENS = {"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
          "eighteen": 18, "nineteen": 19}
_NUMBER_WORDS = re.compile(rf"\b(?:({'|'.join(_TENS)})(?:[\s-]+({'|'.join(_UNITS)}))?|"
                           rf"({'|'.join(_TEENS)}))\b")
"""'forty-five days', 'ninety', 'fifteen': written numbers above twelve as digits."""


_SPOKEN_YEAR = re.compile(r"(?<!top )(?<!bottom )(?<!first )(?<!last )\b(?:(twenty|nineteen)|"
                          r"two thousand(?: and)?) ((?:twenty|thirty)"
                          rf"(?:[\s-]+(?:{'|'.join(_UNITS)}))?|ten|eleven|twelve|"
                          rf"{'|'.join(_TEENS)})\b(?![\s-]+(?:months?|weeks?|days?|quarters?|"
                          r"years?|deals?|reps?|accounts?)\b)")
"""A year said aloud ("fiscal twenty twenty six", "two thousand twenty five"): one number,
never a twenty and a twenty-six."""


def _spoken_year(m: re.Match[str]) -> str:
    tail = _NUMBER_WORDS.sub(_number_words, m[2])
    tail = str(SMALL_NUMBERS.get(tail, tail))
    return f"{19 if m[1] == 'nineteen' else 20}{int(tail):02d}"


def _number_words(m: re.Match[str]) -> str:
    if m[3]:
        return str(_TEENS[m[3]])
    return str(_TENS[m[1]] + (_UNITS[m[2]] if m[2] else 0))


_SCALED = re.compile(rf"\b(a(?= (?:hundred|thousand|million)\b)|{'|'.join(SMALL_NUMBERS)}|\d+) "
                     r"(hundred|thousand|million|grand|k)\b(?: and)?(?: (\d{1,2})\b)?")
"""'one hundred K', 'five million': a spoken amount in digits ('100 k', '5 million'), so a
threshold written that way is read as one (and asked about), never left over."""


def _scaled(m: re.Match[str]) -> str:
    count = 1 if m[1] == "a" else SMALL_NUMBERS.get(m[1]) or int(m[1])
    if m[2] == "hundred":  # "two hundred fifty k": 250 k
        return str(count * 100 + int(m[3] or 0))
    return f"{count} {m[2]}" + (f" {m[3]}" if m[3] else "")


_UNIT_COUNT = re.compile(rf"\b({'|'.join(SMALL_NUMBERS)}) (days?|weeks?|months?|quarters?|years?|"
                         r"minutes?|hours?|times|pushes|deals)\b")
"""'Six quarters', 'ten minutes': a count of units as digits, as the knobs and spans read it."""


_ORDER_FIRST = re.compile(r"\b(oldest|newest|largest|biggest|smallest|lowest|highest|worst|best|"
                          r"longest|shortest|slowest|fastest|quickest|most|least)\s+first\b")
"""'Lowest first': an order ('sortasc', a word fillers.toml knows), not the first one (top 1);
'worst first' is 'sortworst' (which end is worst depends on the measure);
'oldest first' in a list of deals is the list's own order (most days first)."""
_ORDER_SPAN = re.compile(r"\b(?:from )?(high|highest|large|largest|big|biggest|most|low|lowest|"
                         r"small|smallest|least)(?: (?!to\b)[a-z]+)? to (?:the )?(low|lowest|small|"
                         r"smallest|least|high|highest|large|largest|big|biggest|most)\b|"
                         r"\b(descending|ascending)\b")
"""'Ranked high to low', 'least covered to most covered', 'descending': an order, as 'highest
first' says it."""


SHORT_BEFORE = {"ly": "last year", "lq": "last quarter", "lm": "last month", "py": "prior year",
                "pq": "prior quarter", "pm": "prior month"}
"""Shorthand for the period before, after a comparison word ("ytd vs ly", "this q vs lq")."""
_ORDER_FROM = re.compile(r"\bfrom (?:the )?(lowest|highest|worst|best|smallest|largest|biggest|"
                         r"bottom|top|least|most)\b((?: [\w-]+){0,4}?) (?:on )?(?:upwards?|"
                         r"downwards?|up|down)\b")
"""'Sort the reps from the lowest percent to plan upward': the whole list in that order."""


def _order_from(m: re.Match[str]) -> str:
    word = m[1]
    order = f"sort{word}" if word in ("worst", "best") else "sortasc" if word in (
        "lowest", "smallest", "bottom", "least") else "sortdesc"
    return f" {order} {m[2]} "


def _order_span(m: re.Match[str]) -> str:
    up = m[3] == "ascending" or m[1] in ("low", "lowest", "small", "smallest", "least")
    return " sortasc " if up else " sortdesc "


ASCENDING_FIRST = frozenset({"lowest", "smallest", "least", "shortest", "fastest", "quickest"})
"""Order words read bottom-up ("worst first"); the others top-down ("biggest first")."""


_YEAR_PART = re.compile(r"\b(this|last|next|previous|prior|current) ((?:fiscal )?year) "
                        r"(q[1-4]|h[12])\b")
"""'This year's Q3': the quarter of that year, as 'Q3 this year' reads."""
_BARE_Q = re.compile(r"\b(this|last|next|previous|prior|same) q\b")
"""'last q', 'this q': the quarter (not Q3, which stays a fiscal quarter)."""


def normalize(text: str) -> str:
    """Lower-case, expand contractions, drop punctuation; keep dates, $, % and numbers; fold
    accents and read the words of other languages mixed in (agent/parser/languages.py)."""
    if _PLAIN.fullmatch(text):  # most names and labels: letters and spaces only
        words = text.lower().split()
        if not _CONTRACTIONS.keys().isdisjoint(words):
            words = " ".join(_CONTRACTIONS.get(w, w) for w in words).split()
        return _spans(_absence(translated(" ".join(words))))
    return _spans(_absence(translated(_normalize_text(fold(text)))))


_BARE_FY = re.compile(r"\b(this|last|next|previous|prior|current|that|the) (?:fy\b(?! ?\d)|"
                      r"fiscal\b(?! ?\d)(?! (?:year|yr|years|quarter|qtr|q\d|h\d|half|month|"
                      r"period|calendar|week|ytd|qtd|to date|so far)\b))")
"""'last fy', 'this fy so far': the fiscal year (not FY26, which names one)."""


_SINCE_STARTED = re.compile(r"\bsince (?:the |our |this )?(fiscal year|year) "
                            r"(?:started|began|start|begin|kicked off)(?: (?:in|on) \w+)?\b")
"""'since our fiscal year started (in February)': since the start of this fiscal year."""
_WHOLE_UNIT = re.compile(r"\b(?:the|this|our) (?:whole|entire|full) (fiscal |calendar )?"
                         r"(year|quarter|month)\b(?! ?(?:\d|fy|of|to|so))")
"""'Open pipe for the whole fiscal year': this fiscal year, all of it."""
_OTHER_PERIOD = re.compile(r"\b(?:fy ?\d+|20\d\d|q[1-4]|h[12]|last|next|previous|prior|ytd|qtd|"
                           r"january|february|march|april|may|june|july|august|september|"
                           r"october|november|december)\b")
"""A period named elsewhere, which "the whole year" then points back at."""
_HOW_OFTEN_WIN = re.compile(r"\bhow often (?:is|are|do|does|did|have|has) (?!(?:we|i|you|they) )"
                            r"((?:(?!who |that |which )\S+ ){1,6}?)(?:winning|win|won)"
                            r"(?=\s*$| (?:the |our |their |its )?(?:deals|opportunities|opps)\b| "
                            r"(?:this|last|in|by|per|since|from|so far|lately|these days|"
                            r"recently|nowadays)\b)")
"""'How often is the EMEA team winning': the team's win rate (its words kept; "how often do we
win" is the vocabulary's own phrase)."""
_UNIT_AFTER = re.compile(r"\bthe (week|month|quarter|year) (after|before) (?:this|the current)"
                         r"(?: one| \1)\b")
"""'The quarter after this one': the next quarter ('before this one': the last)."""


_WHOLE = re.compile(r"\b(?:(?:across|for|at|in) )?(?:the |our )?(?:whole |entire |total )?"
                    r"(?:company|org|organization) ?wide\b|\b(?:(?:across|for|at|in) )?"
                    r"(?:the |our )?(?:whole|entire) (?:company|org|organization|business)\b|"
                    r"\bacross the (?:company|org|organization|business)\b")
"""'company-wide', 'across the whole company': everything, not a split by account."""
_DATE_DASH = re.compile(r"(\d{4}_\d{2}_\d{2})\s*[-\u2013\u2014]+\s*(?=\d{4}_\d{2}_\d{2})")
"""'08/01/2026 - 10/31/2026': a dash between two dates is a range."""


ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_LAST_N_SHORT = re.compile(r"\bl(\d{1,2})(q|m|w)\b")
"""'l4q', 'l6m': the last N quarters, months or weeks."""
_UNIT_SHORT = {"q": "quarters", "m": "months", "w": "weeks"}
_DAY_RANGE_ONE_MONTH = re.compile(
    r"\b(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    r"september|oct|october|nov|november|dec|december)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*"
    r"(thru|through|to|until|till|-|\u2013|and)\s*(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*[/:.]?\d)")
"""'Nov 1st thru 15th', 'October 16 and 17': both days of that month."""


def _one_month_range(m: re.Match[str]) -> str:
    """The range written with its month on both ends, after "from" (so "may" and "march"
    read as months); two days joined by "and" are a range only when they follow each other."""
    between = re.search(r"\bbetween\s*$", m.string[:m.start()])
    if m[3] == "and" and not between and int(m[4]) != int(m[2]) + 1:
        return m[0]
    if between:
        return f"{m[1]} {m[2]} and {m[1]} {m[4]}"
    before = "" if re.search(r"\bfrom\s*$", m.string[:m.start()]) else "from "
    return f"{before}{m[1]} {m[2]} to {m[1]} {m[4]}"
_LY = {"month": "monthly", "quarter": "quarterly", "week": "weekly", "year": "yearly"}


def _first_quarters(m: re.Match[str]) -> str:
    """'the first three quarters of the year' (this fiscal year's) or '... of FY27'."""
    n = {"two": 2, "three": 3}.get(m[1], m[1])
    return f"q1 {m[2]} through q{n} {m[2]}" if m[2] else f"q1 through q{n} this fiscal year"


DOZENS = {"half a": 6, "half": 6, "a": 12, "one": 12, "two": 24, "a couple of": 24}
_DOZEN = re.compile(r"\b(half a|half|a couple of|a|one|two) dozen\b")
_STOP_AT = re.compile(r"\b(?:and )?(?:stop|cut (?:it |the list )?off|cap (?:it|the list)|"
                      rf"capped) at (\d{{1,3}}|{'|'.join(SMALL_NUMBERS)})\b(?! (?:days?|am|pm|%|"
                      r"percent|k\b|m\b))")
"""'Stop at five', 'cut the list off at 10': the first so many of a ranking."""


_PER_HEAD = re.compile(r"\bper (?:(ramped) (?:head|seller|ae|salesperson|sales person|fte|"
                       r"account executive|sales rep|quota carrier)|(?:fte|salesperson|"
                       r"sales person|account executive|quota carrier|sales rep))\b")
"""A seller named after "per" in words the vocabulary lacks ("per ramped head", "per FTE"):
a (ramped) rep, the unit the tools count ("per head", "per seller" it knows)."""
_PER_REP_FIRST = re.compile(r"(?:^|(?<=\s))(?:(\w+) )?per (rep|head|seller) (bookings|revenue|"
                            r"sales|pipeline|pipe)\b")
"""'per-rep bookings': bookings per rep (not "calls per rep bookings" or "quota per rep ...",
whose unit is the word before)."""
_PER_UNITS = frozenset({"calls", "emails", "meetings", "activities", "deals", "opportunities",
                        "opps", "accounts", "dials", "touches", "tasks", "leads", "bookings",
                        "revenue", "pipeline", "pipe", "quota", "quotas", "arr", "wins"})


def _per_rep_first(m: re.Match[str]) -> str:
    if m[1] in _PER_UNITS:
        return m[0]
    return f"{m[1] + ' ' if m[1] else ''}{m[3]} per {m[2]}"


def _spans(text: str) -> str:
    # every value of the data is normalized at start-up (4,310 names in the demo company):
    # the substitutions run only where they can match
    if "each of" in text:  # "in each of the last 4 quarters": that span, quarter by quarter
        text = " ".join(re.sub(r"\b(?:in |for |over |during )?each of the (last|past|previous|"
                               r"next) (\w+) (quarter|month|week|year)s\b",
                               r" the \1 \2 \3s by \3 ", text).split())
        text = " ".join(re.sub(r"\b(?:in |for |over |during )?each of (?:the )?fiscal months "
                               r"(\d{1,2} (?:to|through|thru|and) \d{1,2})\b",
                               r" fiscal months \1 by month ", text).split())
    if "ifs" in text:  # "SUMIFS(Amount, ...)", "COUNTIFS(...)": a sum, a count, an average
        text = " ".join(_SHEET_FUNCTION.sub(lambda m: SHEET_FUNCTIONS[m[1]], text).split())
    if " at " in text:  # "rank them lowest first and stop at five": the first five
        text = _STOP_AT.sub(r" top \1 ", text)
    if "hour" in text:  # "within an hour": a count of hours, as "within 2 hours" is
        text = re.sub(r"\b(within|inside|under|in less than|less than) (?:an|a|one) hour\b",
                      r"\1 1 hour", text)
    if "land" in text or "end up" in text or "finish" in text:  # "where does this quarter
        # land": where we land this quarter (the period said apart from the phrase)
        text = re.sub(r"\bwhere (?:does|will|do|would|is) (this|the|next|our) (quarter|year|month|"
                      r"half) (?:going to )?(?:land|end up|finish)\b", r"where will we land \1 \2",
                      text)
    if "middle" in text:  # "the middle value of days-to-close": the median
        text = re.sub(r"\b(?:the )?middle (?:value|figure|number|point)\b", "median", text)
    if "fully ramped" in text:  # "per fully ramped rep": a ramped rep
        text = text.replace("fully ramped", "ramped")
    if "per " in text:  # "per head", "per FTE", "per ramped seller": per rep; "per-rep
        # bookings": bookings per rep (one unit, however the seller is named)
        text = _PER_HEAD.sub(lambda m: f"per {m[1] + ' ' if m[1] else ''}rep", text)
        text = _PER_REP_FIRST.sub(_per_rep_first, text)
    if " over " in text or " end " in text:  # "a month over month view", "month end
        # balances": a monthly series, not a comparison with the month before
        text = re.sub(r"\b(month|quarter|week|year) over \1 (view|trend|chart|breakdown|picture|"
                      r"table|series|look)\b", lambda m: f"{_LY[m[1]]} {m[2]}", text)
        text = re.sub(r"\b(month|quarter|week|year) end (balances?|snapshots?|figures?|totals?|"
                      r"positions?|arr|mrr)\b", lambda m: f"{_LY[m[1]]} {m[2]}", text)
    if " x " in text:  # "pipe coverage x team": by team (not "3 x coverage")
        text = re.sub(r"(?<=[a-z]) x (?=(?:the )?(?:teams?|regions?|reps?|segments?|stages?|"
                      r"managers?|products?|sources?|lead sources?|industr(?:y|ies)|territor"
                      r"(?:y|ies)|months?|quarters?|weeks?|forecast categor(?:y|ies))\b)", " by ",
                      text)
    if "on call " in text:  # "the on-call handoff": who is on duty, no call activity
        text = re.sub(r"\bon call (?=(?:handoff|hand off|rotation|engineer|person|admin|shift|"
                      r"duty|schedule|team)\b)", "", text)
    if "against h" in text:  # "how did Tomas do against his number": their number
        text = re.sub(r"\bagainst (?:his|her) (number|numbers|quota|target|plan)\b",
                      r"against their \1", text)
    if " ly" in text or " py" in text:  # "Q3 this year vs Q3 LY", "Oct LY", "same period LY"
        text = re.sub(rf"\b({_MONTH}|q[1-4]|h[12]|ytd|qtd|mtd|time|period|point|stretch|days|"
                      r"weeks|months|quarter|month|week) (?:ly|py)\b", r"\1 last year", text)
    if "comparable" in text or "corresponding" in text or "equivalent" in text:
        text = re.sub(r"\b(?:the )?(?:comparable|corresponding|equivalent) (?:period|span|stretch|"
                      r"time|window) (?:of|in|from|during) (?:the )?(?:prior|previous|last) "
                      r"(?:fiscal )?year\b", "the same period last year", text)
        text = re.sub(r"\b(?:equivalent|comparable|corresponding) (stretch|span|window|run|"
                      r"period|quarter|month|days|point)\b", r"same \1", text)  # "the equivalent
        # stretch of FY26": the same one of that year
    if "set against" in text:  # "YTD bookings set against ...": against
        text = re.sub(r"\bset (?:it |them |this )?against\b", "against", text)
    if "ly " in text:  # "weekly forecast prep", "the monthly pipeline review": the meeting's
        # cadence, no time grain
        text = re.sub(r"\b(?:weekly|monthly|quarterly|biweekly|bi weekly) (?=(?:\w+ ){1,2}"
                      r"(?:calls?|meetings?)\b|(?:\w+ ){0,2}(?:prep|review|reviews|"
                      r"standups?|stand ups?|huddles?|1:1s?|one on ones?|check ins?|digest|"
                      r"newsletter|cadence|business review|qbrs?|mbrs?|wbrs?)\b)", "", text)
        # (not "daily meetings", "weekly calls": the activity counted per day or week)
    if "matter when" in text or "regardless of when" in text or "whatever the close" in text:
        text = re.sub(r"\b(?:no matter|regardless of|irrespective of|whatever) (?:when|the close "
                      r"date)(?: (?:it|they) (?:s|is|are|re) (?:supposed|due|expected|set|meant|"
                      r"scheduled|going) to close)?\b", "any close date", text)  # "in total, no
        # matter when it's supposed to close": every open deal
    if "chief of staff" in text:  # "CoS here", "chief of staff asking for the VP": who asks
        text = text.replace("chief of staff", "cos")
    if "annuali" in text:  # "NRR for Q3 on its own, not annualized": the period as named
        text = re.sub(r",? not annuali[sz]ed\b", "", text)
    if "account manager" in text:  # "which account managers closed the most": the reps
        text = re.sub(r"\baccount managers\b", "reps", re.sub(r"\baccount manager\b", "rep", text))
    if "supposed to close" in text:  # the close date the deal carries
        text = text.replace("supposed to close", "due to close")
    if " not " in text or "unclosed" in text:  # "that we haven't closed yet": still open
        text = re.sub(r"\b(?:(?:we|they|i|you|he|she|it) )?(?:have|has|is|are) not (?:yet )?"
                      r"(?:been )?(?:closed|signed)(?: yet)?\b|\bunclosed\b", "still open", text)
        # (not "deals that were not won": lost ones too)
    if "mid year" in text:  # "prepping mid-year reviews": a time of year, not the mid-market
        text = re.sub(r"\bmid year\b", "midyear", text)
    if "financial" in text:  # "the last financial year", "FY to date": the fiscal year
        text = re.sub(r"\bfinancial (years?|quarters?|ytd|qtd)\b", r"fiscal \1", text)
    if "per cent" in text:  # "what per cent": percent
        text = text.replace("per cent", "percent")
    if " wise" in text:  # "team wise", "region-wise", "product wise": split by it
        text = re.sub(r"\b(team|region|segment|product|stage|rep|person|territory|industry|"
                      r"source|lead source|month|quarter|week|manager|account|family|"
                      r"product family|category|type|deal type) wise\b", r"by \1", text)
    if "summed" in text:  # "deals closed won, summed by deal owner": their value (a count
        # summed stays a count)
        text = re.sub(r"\b(count|counts|number|numbers|deals|deal count|opportunities|opps|"
                      r"leads|accounts) summed\b", r"\1",
                      text).replace("summed", "total value")
    if "colleagues" in text:  # "the NA Commercial colleagues": the reps (not "our finance
        # colleagues", who ask)
        text = re.sub(r"\b(which|the|sales|selling|commercial|enterprise|emea|apac|latam|na|"
                      r"team|region|top|best|five|5|ten|10|three|3) colleagues\b", r"\1 reps", text)
    if "median seller" in text or "typical seller" in text:  # the median rep
        text = re.sub(r"\b(median|typical) sellers?\b", r"\1 rep", text)
    if "% of" in text or "percent of" in text:  # "we're winning 38% of the deals we close": the
        # win rate, the figure a claim gives for it
        text = re.sub(r"\b(?:win|wins|winning|won) (?:about |around |roughly )?\d+(?:\.\d+)? ?"
                      r"(?:%|percent) of (?:the |our |all )?(?:deals|opportunities|opps)\b",
                      "win rate of the deals", text)
    if " to churn" in text:  # "we lost more than $2.5M of ARR to churn": ARR lost to churn
        text = re.sub(r"\b(lost|lose|losing) ((?:more than |over |under |about |around |roughly |"
                      r"nearly |almost )?\$?[\d.]+[km]?) (?:of )?(arr|mrr) to churn\b",
                      r"\1 \2 \3 lost to churn", text)
    if "th of $" in text:  # "north of $120k": over it
        text = re.sub(r"\bnorth of (?=\$)", "over ", re.sub(r"\bsouth of (?=\$)", "under ", text))
    if "till date" in text or "until date" in text:  # "FY 2026/27 till date": to date
        text = re.sub(r"\b(?:till|until) date\b", "to date", text)
    if "as on" in text:  # "as on date", "as on 31/10/2026": as of
        text = re.sub(r"\bas on date\b", "as of today", re.sub(r"\bas on\b", "as of", text))
    if " a year ago" in text or " last year" in text:  # "Q3 vs Q3 a year ago": the same
        # quarter a year before
        text = re.sub(r"\b(vs|versus|compared to|compared with) (q[1-4]|h[12]) (?:a year "
                      r"ago|last year|of last year|the year before)\b",
                      r"\1 the same \2 last year", text).replace("same q1", "same quarter") \
            .replace("same q2", "same quarter").replace("same q3", "same quarter") \
            .replace("same q4", "same quarter").replace("same h1", "same period") \
            .replace("same h2", "same period")
    if "share " in text:  # "kindly share the number of deals won": give it, not a share of
        text = re.sub(r"(^|\b(?:kindly|please|pls|can you|could you|would you|will you|pl) )share"
                      r"(?= (?:the|a|an|our|your|this|these|those|all)\b)",
                      r"\1give me", text)
    if " into " in text:  # "split into its four quarters": into its quarters (a year has four)
        text = re.sub(r"\binto (its |the )?(?:four|4) (fiscal )?quarters\b", r"into \1\2quarters",
                      re.sub(r"\binto (its |the )?(?:twelve|12) (fiscal )?months\b",
                             r"into \1\2months", text))
    if " just gone" in text:  # "the Q3 just gone": the last one
        text = re.sub(r"\b(q[1-4]) just gone\b", r"\1", text)
        text = re.sub(r"\b(?:the )?(quarter|month|year|week|fiscal year|financial year) "
                      r"just gone\b", r"last \1", text)  # "the quarter just gone": the last
    if ("which finished" in text or "that finished" in text or "that ended" in text or
            "which ended" in text) and re.search(
                r"\b(?:q[1-4]|(?:first|second|third|fourth) (?:fiscal )?quarter|fy ?\d+|"
                r"(?:last|previous|prior) (?:fiscal )?quarter)\b", text):
        # "the third fiscal quarter, the one which finished end of October": that quarter,
        # said again by its end (not "the quarter that ended in July", which names it)
        text = re.sub(r"\b(?:the one |the quarter |the month )?(?:which|that) (?:finished|ended|"
                      r"closed|wrapped up) (?:at |on |in )?(?:the )?(?:end of )?(?:" +
                      "|".join(_MONTH_NAMES) + r")\b", "", text)
    if "fiscal half" in text:  # "for the first fiscal half": H1 of this fiscal year
        text = re.sub(r"\b(?:the )?(first|second|1st|2nd) fiscal half\b",
                      lambda m: "h1" if m[1] in ("first", "1st") else "h2", text)
    if "quarters of" in text:  # "over the first three quarters of the year": Q1 to Q3
        text = re.sub(r"\b(?:the )?first (two|three|2|3) (?:fiscal )?quarters of (?:(?:the|this) "
                      r"(?:fiscal )?year|(fy ?\d{2,4}))\b", _first_quarters, text)
    if " n " in text:  # "what came in n what slipped": and (not "top n")
        text = re.sub(r"(?<!\btop)(?<!\bbottom)(?<!\bfirst)(?<!\blast) n (?=[a-z]{2})", " and ",
                      text)  # (not "n r r": letters said one by one)
    if " of the " in text:  # "the biggest deal of the month": this month's
        text = re.sub(r"\b(deals?|wins?|losses|loss|opps?|opportunit(?:y|ies)|rep|seller|ae|"
                      r"customer|account|logo) of the (month|quarter|week|year)\b",
                      r"\1 this \2", text)
    if "front of" in text:  # "in front of the board": before them, no value
        text = re.sub(r"\bin front of\b", "before", text)
    if " partner" in text:  # "as finance partner for sales": a role, not the Partner source
        text = re.sub(r"\b(finance|hr|people|sales finance|fp and a) partner\b", r"\1 bp", text)
    if "ending with" in text:  # "the six completed quarters ending with last quarter"
        text = re.sub(r"\b(?:the )?(\w+) (completed|complete|full|whole|closed) (quarters|months|"
                      r"years) ending with (?:the )?last (?:quarter|month|year)\b",
                      r"the last \1 \2 \3", text)
    if "count" in text:  # "not counting deals from Partner", "don't count renewals": an
        # exclusion, never a count of deals
        text = re.sub(r"\b(?:do not|dont|shouldnt|should not) count(?= *$| (?:towards?|for|here|"
                      r"either|in (?:this|the|it)|and|but|so|please|pls)\b)", "excluded", text)
        # ("notes and tasks don't count": what comes before is left out)
        text = re.sub(r"\b(?:not counting|do not count|dont count|without counting)\b",
                      "excluding", text)
    if " we are " in text or " were in" in text:  # "the quarter we're in (now)": this one
        text = re.sub(r"\bthe (fiscal |financial )?(quarter|month|year|week|half) (?:that )?"
                      r"(?:we are|were) (?:currently |now |already )?in(?: now| right now| "
                      r"currently| today)?\b", r"this \1\2", text)
    if "$" in text:  # "in $K", "($M)": the unit the figures are shown in
        text = re.sub(r"\b(in|as) \$ ?(k|m|mm|bn)\b|\$ ?(k|m|mm|bn)\b(?!\w)", lambda m:
                      f"{m[1] or 'in'} thousands" if (m[2] or m[3]) == "k" else
                      f"{m[1] or 'in'} millions", text)
    if " gone" in text:  # "in the quarter gone": the last one (as "the quarter just gone")
        text = re.sub(r"\b(in|for|during|of|over|from|on|across) the (quarter|month|year|week|"
                      r"fiscal year|financial year) gone(?: by)?\b(?! (?:up|down|to|from|into|"
                      r"over|under|through|flat|well|badly)\b)", r"\1 last \2", text)
    if "between" in text and "the end of" in text:  # "between 1 November and the end of
        # January": a range whose end is a month's last day, as "from ... through" reads it
        text = re.sub(r"\bbetween ((?:\S+ ){1,3}?)and the end of\b", r"from \1through the end of",
                      text)
    if "since " in text:  # "since he started in sept": since September (the start he names)
        text = re.sub(r"\bsince (?:he|she|they|i|we|you) (?:started|joined|began|came on board|"
                      r"came aboard|arrived)(?: (?:here|with us))? (?:in|on|back in) ", "since ",
                      text)
    if "ly " in text:  # "weekly health check - scorecard for last quarter": how often the
        # writer meets, never a split by week (not "daily meetings": the activity itself)
        text = re.sub(r"\b(?:daily|weekly|biweekly|monthly|quarterly) (?=(?:health check|check in|"
                      r"check ins|checkin|standup|stand up|cadence|1 1|one on one|"
                      r"touchpoint|business review|qbr|digest|sync meeting|ritual)s?\b)", "", text)
    if "semester" in text:  # "the first semester of the fiscal year": its first half
        text = re.sub(r"\bsemesters?\b", "half", text)
    if "since the" in text and not re.search(r"\bthis quarter\b|\bquarter s\b", text):
        # "since the quarter kicked off on nov 1st": since that day (not beside "this quarter's
        # pipeline", the period asked for)
        text = re.sub(r"\bsince (?:the )?(?:fiscal )?(?:quarter|month|year|week|half) "
                      r"(?:kicked off|started|began|opened|commenced|started off|got going) "
                      r"(?:on|in) ",
                      "since ", text)
    if "behind" in text:  # "furthest behind their number": behind quota
        text = re.sub(r"\bbehind (?:his|her|their|my|our|the) (?:number|numbers|quota|quotas|"
                      r"target|targets)\b", "behind quota", text)
    if "past year" in text:  # "over the past year": the last twelve months, not the last
        # fiscal year ("the past fiscal year" stays that)
        if not re.search(r"\b(?:by|per|each|every) (?:quarter|month|week)\b|\bquarterly\b|"
                         r"\bmonthly\b|\bweekly\b", text):  # (a series keeps whole buckets)
            text = re.sub(r"\b(over|in|during|across|within|for) the past year\b(?! (?:vs|versus|"
                          r"compared|against)\b)", r"\1 the past 12 months", text)
    if " of us" in text:  # "how did each of us do": each of the writer's people
        text = re.sub(r"\b(?:each|every one|each one) of us\b", "each of my reps", text)
    if "mid marketing" in text:  # "mid-mkt": the mid-market, not marketing
        text = text.replace("mid marketing", "mid market")
    if " quarters" in text:  # "the second and third quarters": Q2 and Q3
        text = re.sub(r"\b(first|second|third|fourth) (and|or|through|to) (first|second|third|"
                      r"fourth) quarters\b", lambda m: f"q{ORDINAL_QUARTER[m[1]]} {m[2]} "
                      f"q{ORDINAL_QUARTER[m[3]]}", text)
    if "starting with" in text:  # "starting with February": since then
        text = re.sub(r"\bstarting with\b", "since", text)
    if "top quarter" in text:  # "the top quarter of reps": the top quartile, not a period
        text = re.sub(r"\btop quarter of (?=(?:the |our |my )?(?:reps|sellers|aes|people|"
                      r"performers|team|salespeople)\b)", "top quartile of ", text)
    if "mean" in text:  # "mean won deal $", "the mean cycle": the average (not "I mean")
        text = re.sub(r"(^|\b(?:the|our|what s|whats|what is) )mean\b"
                      r"(?! (?:by|that|it|to|the|we|you|i)\b)(?= \w)", r"\1average", text)
    if "call " in text:  # "slide 3 of the call deck": the deck for the (forecast) call
        text = re.sub(r"\b(?:forecast |commit )?call (deck|decks|slides?|pack)\b",
                      r"\1", text)
    if "landing" in text:  # "open deals landing this quarter": closing then, not a projection
        text = re.sub(r"\b(deals|opps|opportunities) (?:landing|due to land|set to land)\b",
                      r"\1 closing", text)
    if "sitting" in text:  # "deals sitting in the pipeline": the open deals (in the pipeline)
        text = " ".join(re.sub(r"\b(?:are |is )?sitting (in (?:the |our )?(?:pipeline|pipe))\b",
                               r" \1", text).split())
    if re.search(r"\b(?:ly|lq|lm|py|pq|pm)\b", text):  # "bkgs ytd vs ly": last year
        text = re.sub(r"\b(vs|versus|against|than|compared to|compared with|over|v|from|to)\s+"
                      r"(ly|lq|lm|py|pq|pm)\b", lambda m: f"{m[1]} {SHORT_BEFORE[m[2]]}", text)

    if "comp" in text:  # "with their comps to the same period last year": compared to
        text = re.sub(r"\b(?:their |the |a )?comps? (?=to |vs |versus |against )", "compared ",
                      text)
    if "today" in text:  # "with today's headcount": the reps there are now, no one-day period
        text = re.sub(r"\btoday (?:s )?(headcount|head count|team|teams|reps|roster|staffing|"
                      r"people|sellers|aes|org|hires)\b", r"current \1", text)
    if "start of" in text or "beginning of" in text:  # "from the start of the quarter to
        # today": the quarter so far
        text = re.sub(r"\bfrom (?:the )?(?:start|beginning) of (?:the |this )?(quarter|year|month|"
                      r"fiscal year)(?: (?:to|until|through|till|thru) (?:today|now|date)\b|"
                      r"(?! (?:to|until|through|till|thru)\b))", r"since the beginning of the \1",
                      text)
    if re.search(r" alongside\b| next to | beside |side by side", text):
        # "Q3 with Q2 alongside", "with what each did in Q2 next to it": compared with Q2
        text = re.sub(r"\bwith (?:what (?:\w+ ){1,4}?(?:did|booked|had|made) in )?((?:the )?"
                      r"(?:\w+ ){0,3}?(?:q[1-4]|h[12]|fy ?\d{2,4}|quarter|month|year|half|period))"
                      r" (?:alongside|next to (?:it|them|each other)|beside (?:it|them)|"
                      r"side by side)\b", r"vs \1", text)
        text = re.sub(r"\b(?:with |and )?(?:alongside|next to|beside) (?=(?:the )?(?:prior|"
                      r"previous|last|same) (?:quarter|month|year|period|week)\b)", "vs ", text)
    if "weather " in text or "there " in text:  # phone homophones: "weather we hit quota",
        # "there pipeline" (whether, their)
        text = re.sub(r"\bweather (?=(?:we|they|he|she|it|our|the|or not)\b)", "whether ", text)
        text = re.sub(r"\bthere (?=(?:pipeline|pipe|numbers|number|quota|quotas|deals|team|teams|"
                      r"win rate|bookings|attainment|forecast|reps|accounts|territory|region)\b)",
                      "their ", text)
    if "do not need" in text or "do not want" in text:  # "the mean is fine, I don't need the
        # median": not the median
        text = re.sub(r"\b(?:i |we )?do not (?:need|want) (?:the |a |an )?(median|mean|average|"
                      r"count|value|amount|percentage|total)\b", r"not the \1", text)
    if " mean" in text or " meant" in text:  # "not the accounts, I mean contacts": the one
        # meant, the one set aside gone (a correction within the question)
        text = re.sub(r"\bnot (?:the |our |by )?(?:\w+ ){0,2}?\w+,? (?:i mean|i meant)\b ?", "",
                      text)
    if "wait" in text:  # "no wait, make it next quarter": a correction, not "no" (a count)
        text = re.sub(r"\b(?:no|oh|hmm|um) wait\b", "wait", text)
    if "currency" in text:  # amounts are always in the corporate currency: saying so asks nothing
        text = " ".join(re.sub(r"\b(?:(?:in|using) )?(?:the )?(?:corporate|reporting|company|"
                               r"base|group) currency\b", " ", text).split())
    if "wide" in text or "whole" in text or "entire" in text or "across the" in text:
        text = _WHOLE.sub("overall", text)
    if "counts" in text:  # "upsell counts, new logos don't": upsell is counted
        text = re.sub(r"\b(upsells?|expansions?) counts\b(?= (?:new|but|and|too|as well)\b|$)",
                      r"\1 counted", text)
    if "plan" in text:  # "need to plan coaching": a verb of the writer's, not the plan (quota)
        text = re.sub(r"\b(need|needs|want|wants|going|have|has|had|trying|like|helps?) to plan\b",
                      r"\1 to prepare", text)
    if "slice" in text or "diced" in text:  # "sliced by lead source": split by it
        text = re.sub(r"\b(?:sliced(?: and diced)?|diced|sliced up) by\b", "split by", text)
    if "month" in text or "quarter" in text:  # "columns = close month": a row a month
        text = re.sub(r"\bby (?:the )?(?:close|closed|closing|created|create|creation) "
                      r"(month|quarter|week|year)\b", r"by \1", text)
    if "number" in text:  # "how's Priya tracking to her number": to her quota
        text = re.sub(r"\b(tracking|pacing|trending|tracking against|pacing against) (?:to |"
                      r"toward |towards )?(?:her|his|their|my|our) number\b", r"\1 to quota", text)
    if "left" in text or "quit" in text:  # "what did Izzy book before she left": all her
        text = re.sub(r"\bbefore (?:he|she|they) (?:left|quit)(?: us| the company)?\b",
                      " all time ", text)  # (everything they booked with us)
    if "stalest" in text:  # "the stalest deals": the most stale ones
        text = re.sub(r"\bstalest\b", "most stale", text)
    if "dozen" in text:  # "half a dozen accounts", "a dozen deals": 6, 12
        text = _DOZEN.sub(lambda m: f"{DOZENS[m[1]]}", text)
    if "ty" in text or "teen" in text:
        text = _SPOKEN_YEAR.sub(_spoken_year, text)  # "twenty twenty six": 2026
        text = _NUMBER_WORDS.sub(_number_words, text)  # "forty five days"
    if "hundred" in text or "thousand" in text or "million" in text or "grand" in text or \
            " k" in text:
        text = _SCALED.sub(_scaled, text)
    if _UNIT_COUNT.search(text):
        text = _UNIT_COUNT.sub(lambda m: f"{SMALL_NUMBERS[m[1]]} {m[2]}", text)  # "six quarters"
    if "brand new" in text:
        text = text.replace("brand new", "new")
    if " to " in text or "scending" in text:
        text = _ORDER_SPAN.sub(_order_span, text)
    if "from " in text and (" up" in text or " down" in text):
        text = " ".join(_ORDER_FROM.sub(_order_from, text).split())
    if "just" in text or "recently" in text:  # "the quarter that just closed": the last one
        text = re.sub(r"\b(?:the )?(quarter|month|year|fiscal year) (?:that |which )?(?:just|"
                      r"recently) (?:closed|ended|finished|wrapped(?: up)?)\b", r"last \1", text)
    if " bar" in text or " column" in text or " chart" in text or " graph" in text:
        # "largest bar on the left": the biggest first; "a bar chart of bookings by region": a
        # picture of the values, not a trend
        text = re.sub(r"\b(largest|biggest|tallest|highest|smallest|shortest|lowest) (?:bar|column|"
                      r"slice|one)s? (?:on the left|at the left|at the top|on top|first)\b",
                      lambda m: {"tallest": "biggest", "shortest": "smallest"}.get(m[1], m[1]) +
                      " first", text)
        text = re.sub(r"\b(?:a |the )?(?:bar|column|pie|donut|doughnut|stacked bar|horizontal "
                      r"bar) (?:chart|graph)s?(?: of)?\b", " ", text)
    if " first" in text:
        text = _ORDER_FIRST.sub(lambda m: "" if m[1] in ("oldest", "newest") else
                                f" sort{m[1]} " if m[1] in ("worst", "best") else
                                " sortasc " if m[1] in ASCENDING_FIRST else " sortdesc ", text)
    if "q " in text or "h " in text:
        text = _SPOKEN_PART.sub(lambda m: f"{m[1][0]}{SMALL_NUMBERS[m[2]]}", text)
    if " q" in text:
        text = _BARE_Q.sub(r"\1 quarter", text)
    if "year q" in text or "year h" in text:
        text = _YEAR_PART.sub(r"\3 \1 \2", text)
    if "since" in text:
        text = _SINCE_STARTED.sub(r"since the start of this \1", text)
    if " after this" in text or " before this" in text:
        text = _UNIT_AFTER.sub(lambda m: f"{'next' if m[2] == 'after' else 'last'} {m[1]}", text)
    if "whole " in text or "entire " in text or "full " in text:
        other = _OTHER_PERIOD.search(_WHOLE_UNIT.sub(" ", text))  # "last year, the whole year"
        text = _WHOLE_UNIT.sub(r"the \1\2" if other else r"this \1\2", text)
    if "how often" in text:  # "how often is the EMEA team winning": its win rate
        text = _HOW_OFTEN_WIN.sub(r"win rate of \1", text)
    if "how many" in text:  # "how many $ are at risk": an amount
        text = re.sub(r"\bhow many (?=\$|dollars?\b|usd\b|bucks\b|euros?\b)", "how much ", text)
    if "up " in text:  # "from 1 Sept up to today": to today
        text = re.sub(r"\bup (?:to|until|till) (today|now)\b", r"to \1", text)
    if "$" in text:  # "slip rate by $", "not the count, the $$": the value, no amount written
        text = re.sub(r"(?<![\w$])\${1,3}(?![\w$\d.])", "value", text)
    if "win%" in text or "win %" in text:  # "apac win% 1H FY27": the win rate
        text = re.sub(r"\bwin ?%", "win rate", text)
    return _BARE_FY.sub(r"\1 fiscal year", text) if " fy" in text or " fiscal" in text else text


_NOBODY = re.compile(r"\b(?:nobody|no one|noone) (?:has |have |had )?(?:yet |ever )?(?:been )?"
                     r"(?=\w+ed\b)")
"""'Deals nobody has touched': deals not touched (the vocabulary's form)."""


_FILLED = r"(?:filled|entered|populated|recorded|logged|captured|given|set|provided)"
"""Verbs of filling a field in."""
_REASON_ENTERED = re.compile(rf"\b(without (?:an? |any )?(?:lost|loss) reason) {_FILLED}(?: in)?\b")
"""'Deals with no loss reason entered': without a loss reason (no stage was entered)."""
_NOT_FILLED = re.compile(rf"\b(?:not|never) {_FILLED}(?: in| out)? (?:an? |any |the )?"
                         r"(?=(?:lost |loss )?reasons?\b|close dates?\b|amounts?\b|owners?\b|"
                         r"industr(?:y|ies)\b|next steps?\b|probabilit(?:y|ies)\b|"
                         r"forecast categor(?:y|ies)\b|(?:lead )?sources?\b)")
"""'Deals where nobody filled the loss reason': deals without a loss reason."""


_DEALS = re.compile(r"\b(?:deals?|opps?|opportunit(?:y|ies)|pipe|pipeline)\b")
_ZERO = re.compile(r"\b(with|have|has|had|having) zero\b")
"""'Deals with zero logged activity': with no logged activity."""


_NEITHER = re.compile(r"\b(?:that (?:are|were|is|was|came) |(?:are|were|is|was|came) )?"
                      r"neither\b(?=(.{1,60}?)\bnor\b)")
"""'Deals that are neither SMB nor partner-sourced': the deals excluding both ("nor" joins the
list as "and" does)."""
_LOGGED = re.compile(r"\b(no|without|any) (?:logged|recorded|tracked|captured) (?=activit)")
"""'No logged activity': no activity (what is not logged is not known to have happened)."""


def _absence(text: str) -> str:
    if ("zero" in text or "activit" in text) and _DEALS.search(text):  # (of deals: "reps with
        # zero logged activity" is no stale deal; every name of the data passes here at start-up)
        text = _LOGGED.sub(r"\1 ", _ZERO.sub(r"\1 no", text))
    if "neither" in text and " nor " in text:
        text = _NEITHER.sub(" excluding", text).replace(" nor ", " and ")
    if "no" in text:
        text = _NOBODY.sub("not ", text)
    if "not " in text or "never " in text:
        text = _NOT_FILLED.sub("without ", text)
    if " no " in text or " not " in text or "lack" in text:
        text = _ABSENCE.sub(lambda m: "without" if m.start() else m[0].split()[0] + " without",
                            text)
    return _REASON_ENTERED.sub(r"\1", text) if " reason " in text else text


FIGURE_AMOUNTS = {"five": "$10k", "six": "$100k", "seven": "$1m", "eight": "$10m"}
_FIGURES = re.compile(rf"\b({'|'.join(FIGURE_AMOUNTS)})[ -]figures?\b(?! (?:salary|salaries|"
                      r"income|budget|budgets|sum|sums))")
_PIVOT_AXIS = re.compile(r"\b(?:rows?|columns?|cols?|row labels?|column labels?|row axis|"
                         r"column axis)\s*(?:=|:|are|is)\s*(?=[a-z])"
                         r"(?![a-z][a-z ]*,\s*[a-z][a-z ]*,)")
"""A pivot table's axis ("rows = region", "columns: close month"): a split by what it names
("columns: accounts, TAM, open pipe" lists the figures wanted, no axis)."""
_SHEET_MONTH = re.compile(rf"\b({_MONTH})-(\d{{2}})(\s+(?:through|thru|to|until|-)\s+)({_MONTH})-"
                          r"(\d{2})\b")
"""'Feb-25 through Jan-26': a range of months as a spreadsheet writes them (Mon-YY), both ends
written so."""
SHEET_FUNCTIONS = {"sumifs": "sum of", "sumif": "sum of", "countifs": "count of",
                   "countif": "count of", "averageifs": "average", "averageif": "average"}
_SHEET_FUNCTION = re.compile(rf"\b({'|'.join(SHEET_FUNCTIONS)})\b")
"""A spreadsheet function said as the request ("SUMIFS closed won for Q3")."""
_OR_MORE = re.compile(r"(?<![\w.])(\$?\d[\d.]*\s?(?:k|m|mm|bn|%)?)\+(?![\d+])"
                      r"(?!\s*(?:d|days?|weeks?|months?|hours?|hrs?|mins?|minutes?)\b)")
"""'3+ flags', '$100k+ deals': that many or more ("90+ days" is left to the stale-day
readings, which know it)."""
_BOUNDS = {"no fewer than": "at least", "not fewer than": "at least", "no less than": "at least",
           "not less than": "at least", "in excess of": "more than", "no more than": "at most",
           "not more than": "at most"}
_BOUND = re.compile(rf"\b({'|'.join(_BOUNDS)})\b")


def _normalize_text(text: str) -> str:
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    t = t.replace("\u201c", '"').replace("\u201d", '"')
    t = _YEAR_APOSTROPHE.sub(r" 20\1", t)
    if "/" in t:  # "financial year 2026/27": the fiscal year ending in 2027 (named by its end)
        t = re.sub(r"\b(fiscal year|financial year|fy) ?20(\d\d)/(\d\d)\b",
                   lambda m: f"fy20{m[3]}" if int(m[3]) == int(m[2]) + 1 else m[0], t)
        t = re.sub(r"\bn/a\b", " not available ", t)  # (not the letters N, A: North America)
    if "e.g" in t or "i.e" in t:  # "e.g. two heroes carrying everyone": for example
        t = re.sub(r"\be\.g\.?(?=\W|$)", " for example ", t)
        t = re.sub(r"\bi\.e\.?(?=\W|$)", " that is ", t)
    if "." in t:  # "N.A. Commercial": NA, the initials written with dots
        t = re.sub(r"\b(?!i\.e\.|e\.g\.)([a-z])\.([a-z])\.(?=\s|$)", r"\1\2", t)
    if "w" in t:  # "wk of 11/16": the week of November 16 (month first, as a week is named)
        t = re.sub(r"\b(?:wk|week)\s+of\s+(\d{1,2})/(\d{1,2})\b",
                   lambda m: f" week of {_MONTH_NAMES[int(m[1]) - 1]} {int(m[2])} "
                   if 1 <= int(m[1]) <= 12 else m[0], t)
    t = _LAST_N_SHORT.sub(lambda m: f" last {m[1]} {_UNIT_SHORT[m[2]]} ", t)  # "l4q"
    t = _DAY_RANGE_ONE_MONTH.sub(_one_month_range, t)  # "nov 1st thru 15th"
    if ":" in t:  # "prepping 1:1s": one-on-one meetings, not a ratio or a time
        t = re.sub(r"\b1\s?:\s?1(s?)\b", r" one-on-one\1 ", t)
    t = _ISO_DATE.sub(lambda m: f" {int(m[1]):04d}_{int(m[2]):02d}_{int(m[3]):02d} ", t)
    if "." in t or "/" in t:
        t = _YEAR_FIRST_DATE.sub(lambda m: f" {m[1]}_{int(m[2]):02d}_{int(m[3]):02d} ", t)
    if "/" in t:  # one writer writes every date one way: day first if any date must be
        day_first = any(int(m[1]) > 12 >= int(m[2]) for m in _US_DATE.finditer(t))
        t = _US_DATE.sub(lambda m: _slash_date(m, day_first), t)
        t = re.sub(r"\b(\d{1,2}/\d{1,2})\s*[-\u2013]\s*(?=\d{1,2}/\d{1,2}\b)", r"\1 to ", t)
        short = [] if re.search(r"\b\d{1,2}/\d{1,2}\s*(?:of\b|%)", t) else [
            (m[2], m[3]) for m in _SHORT_DATE.finditer(t) if m[1] or m[4]]  # "1/2 and 3/4
        # of quota": fractions, not days
        if short:
            day_first = day_first or any(int(a) > 12 >= int(b) for a, b in short)
            t = _SHORT_DATE.sub(lambda m: _month_day(m, day_first), t)
    if "." in t:
        t = _DOTTED_DATE.sub(lambda m: _slash_date(m, day_first=True)
                             if int(m[2]) <= 12 else m[0], t)
    t = re.sub(r"(\d),(\d{3})", r"\1\2", t)
    if "row" in t or "col" in t:  # "pivot: rows = region, columns = close month": by each
        t = _PIVOT_AXIS.sub(" by ", t)
        t = re.sub(r"\bvalues?\s*(?:=|:)\s*", " ", t)  # ("values = sum of amount": the measure)
    if "percentile" in t and "(" in t:  # "PERCENTILE(days in stage, 0.75)": the 75th
        t = re.sub(r"\bpercentile(?:\.inc|\.exc)?\s*\(([^,()]*),\s*0?\.(\d{1,2})\s*\)",
                   lambda m: f" {m[1]} {int(m[2].ljust(2, '0'))}th percentile ", t)
    if "<>" in t:  # 'Deal Type, "<>renewal"': every deal type but renewal
        t = re.sub(r"<>\s*", " not ", t)
    if "-" in t:  # "Feb-25 through Jan-26": months written as Excel writes them
        t = _SHEET_MONTH.sub(lambda m: f" {m[1]} 20{m[2]}{m[3]}{m[4]} 20{m[5]} ", t)
    if "#" in t:  # "# of open deals": the number of them ("#1" stays a rank)
        t = re.sub(r"(?:^|(?<=\s))#(?=\s|of\b)", " number ", t)
    t = _DAYS_SHORT.sub(r"\1 days", t)  # "quiet >45d"
    t = re.sub(r"(?:>=?|\u2265)\s*(?=\d)", " over ", t) if ">" in t or "\u2265" in t else t
    t = re.sub(r"(?:<=?|\u2264)\s*(?=\d)", " under ", t) if "<" in t or "\u2264" in t else t
    t = re.sub(r"\bw/(?=\s|[a-z])", " with ", re.sub(r"\bw/o\b", " without ", t))
    if "/" in t:  # "calls/rep/day", "$/seat": per; "CRM / ERP" (spaced) stays a list
        t = _PER_SLASH.sub(" per ", t)
        t = re.sub(r"(?<=[a-z]{2})/(?=[a-z]{2})", " or ", t)  # "outside Retail/Media": a list
    t = re.sub(r"\b(\d{4})-(\d{2})\b", r"\1_\2", t)  # ISO month 2017-03
    t = _MONTHS_YEAR.sub(r"\1\2 20\3", t)  # "feb-apr 27": the months of 2027
    t = _DASH_RANGE.sub(r"\1 to ", t)  # "jan 1 - dec 31, 2025", "feb - jul": a range
    t = _DATE_DASH.sub(r"\1 to ", t)
    t = t.replace("->", " to ").replace("\u2192", " to ")
    if "figure" in t:  # "six-figure deals": deals of $100k or more
        t = _FIGURES.sub(lambda m: f" {FIGURE_AMOUNTS[m[1]]} or more ", t)
    if "+" in t:  # "3+ risk flags", "$100k+ deals": that many or more
        t = _OR_MORE.sub(r"\1 or more ", t)
    if "than" in t or "excess" in t:  # "no fewer than three": at least three
        t = _BOUND.sub(lambda m: _BOUNDS[m[1]], t)
    t = t.replace("&", " and ").replace("+", " plus ")
    words = []
    for raw in re.split(r"[\s\-/,;:!?()\[\]{}\"*=<>|~^]+", t):
        if not raw:
            continue
        word = raw.strip(".'")
        word = _CONTRACTIONS.get(word, word)
        if word.endswith("'s"):
            word = _CONTRACTIONS.get(word[:-2], word[:-2])  # "organisation's"
        elif word.endswith("s'"):
            word = word[:-1]
        for part in re.findall(r"(?:[a-z0-9_$%#]|(?<=\d)\.(?=\d))+", word.replace("'", "")):
            # a decimal keeps its point ("12.5%", "$1.5m"): never two numbers
            words.append(part)
    return " ".join(w for w in " ".join(words).split() if w)


def word_set(phrases: Iterable[str]) -> frozenset[str]:
    """The normalized words of a list of words or phrases, each normalized alone (joined,
    neighbours could form a phrase: "whole", "entire", "company" -> "entire company")."""
    return frozenset(w for phrase in phrases for w in normalize(phrase).split())


def tokens(text: str) -> list[str]:
    """Return the normalized words of text."""
    return normalize(text).split()
