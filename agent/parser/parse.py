"""The rules parser: a plain-language question -> Plan (tool + typed params) or Clarification.

Order of work on the normalized words: comparisons ("vs last quarter"), typo repair, time
expressions, trend grain, multi-word entity values, metric phrases, dimension words, single-word
entity values, measure words, ranking; then anything left unexplained is either matched to the
data (a first name, a misspelled value) or answered with a clarifying question. Nothing here
names a dataset: metrics and words come from vocabulary.toml, values from the warehouse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz, process

from agent.parser.entities import ACCEPT, SUGGEST, EntityIndex, EntityMatch
from agent.parser.lexicon import EXCLUDE_CUES, FILTER_CUES, GROUP_CUES, STOPWORDS, lexicon
from agent.parser.normalize import normalize
from agent.parser.periods import MONTHS, NUMBERS, PeriodParser
from agent.plan import Clarification, Plan
from tools.base import Dimension, Filter, MetricParams, PeriodParam
from tools.fiscal import FiscalCalendar, Period

CLOSED_DEAL_TOOLS = ("bookings", "win_rate", "avg_deal_size", "sales_cycle")
TOOL_PRIORITY = ["pipeline_coverage", "quota_attainment", "weighted_pipeline", "win_rate",
                 "avg_deal_size", "sales_cycle", "leaderboard", "opportunity_count",
                 "open_pipeline", "bookings"]
WEAK_PHRASES = frozenset({"deals", "opportunities", "opps", "biggest deals", "largest deals",
                          "bigger deals", "larger deals",
                          "close", "closed", "closing", "won", "win", "made", "generated",
                          "performance", "numbers", "results", "sales", "money", "how much did",
                          "how much has", "how much have", "how long", "how fast",
                          "how quickly", "how many", "lost", "lose", "quota", "quotas",
                          "weighted", "sell", "sold", "book", "books"})
PERIOD_WORDS = frozenset(set(MONTHS) | set(NUMBERS) | {
    "quarter", "quarters", "year", "years", "month", "months", "week", "weeks", "day", "days",
    "fiscal", "calendar", "ytd", "qtd", "mtd", "wtd", "ttm", "ltm", "last", "next", "this",
    "past", "previous", "prior", "since", "today", "yesterday", "tomorrow", "spring", "summer",
    "fall", "autumn", "winter", "half", "trailing", "rolling", "fy", "h1", "h2", "date",
    "current", "upcoming", "coming", "following", "between", "through", "until", "as"})
COMPARE_WORDS = frozenset({"vs", "compared", "against", "than", "versus", "compare", "relative"})
UNIT_WORDS = {"week": "week", "month": "month", "quarter": "quarter", "year": "year"}
DEAL_WORDS = frozenset({"deal", "deals", "opportunity", "opportunities"})
RANK_WORDS = frozenset({"top", "bottom", "best", "worst", "highest", "lowest", "most", "least",
                        "biggest", "largest", "smallest", "fewest"})
EXAMPLES = ["What's our win rate this quarter?", "Top 5 reps by bookings this year",
            "Open pipeline by stage", "Bookings by month this fiscal year",
            "Quota attainment by team last quarter", "Average deal size by segment"]


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

    def take(self, start: int, end: int) -> None:
        """Mark word positions as explained."""
        self.used.update(range(start, end))


def parse_question(question: str, *, as_of: date, calendar: FiscalCalendar,
                   index: EntityIndex) -> Plan | Clarification:
    """Read a question into a Plan, or ask for clarification; never guess silently."""
    lex = lexicon()
    norm = normalize(question)
    if not norm:
        return Clarification(question="What would you like to know?", options=EXAMPLES)
    words = norm.split()
    reading = Reading(words=[])
    words = _take_compare(words, reading)
    words = _repair_typos(words, index, reading)
    found = PeriodParser(as_of, calendar).extract(" ".join(words))
    reading.periods, reading.as_of = found.periods, found.as_of
    reading.words = found.text.split()
    w = reading.words
    reading.take(0, 0)
    for i, word in enumerate(w):
        if word.startswith("@"):
            reading.take(i, i + 1)
    for s, e, entry in lex.find(w, {"grain"}):
        reading.grain = entry.value
        reading.take(s, e)
    _match_entities(reading, index, multiword=True)
    for s, e, entry in lex.find(_masked(reading), {"metric"}):
        phrase = " ".join(w[s:e])
        weight = 0.5 if phrase in WEAK_PHRASES else float(e - s)
        if entry.value == "leaderboard":
            weight *= 3  # "leaderboard by win rate": the table, ranked by the named metric
        reading.votes[entry.value] = reading.votes.get(entry.value, 0) + weight
        reading.take(s, e)
    for s, e, entry in lex.find(_masked(reading), {"dimension"}):
        reading.dims.append((s, Dimension(entry.value), " ".join(w[s:e])))
        reading.take(s, e)
    _match_entities(reading, index, multiword=False)
    unknown = _resolve_leftovers(reading, index)
    if isinstance(unknown, Clarification):
        return unknown
    return _build_plan(reading, norm, as_of, calendar)


def _masked(reading: Reading) -> list[str]:
    return [("@" if i in reading.used else word) for i, word in enumerate(reading.words)]


_RELATIVE_COMPARE = re.compile(
    r"\b(?:compared (?:to|with)|vs|against|than|relative to)(?: the| a)? "
    r"(?:(?P<prev>last|previous|prior|preceding) (?P<unit>week|month|quarter|year|period)"
    r"|(?P<before>week|month|quarter|year|period) before"
    r"|(?P<yoy>same (?:period|quarter|month|week|time) (?:last|a|the previous|the prior) year"
    r"|year (?:ago|earlier|before)|year before))\b")


def _take_compare(words: list[str], reading: Reading) -> list[str]:
    text = " ".join(words)
    m = _RELATIVE_COMPARE.search(text)
    if m:
        unit = m["unit"] or m["before"]
        yoy = m["yoy"] is not None or (unit == "year")
        reading.compare = "previous_year" if yoy else "previous_period"
        reading.compare_unit = "year" if yoy else (None if unit == "period" else unit)
        return (text[:m.start()] + " @compare " + text[m.end():]).split()
    for s, e, entry in lexicon().find(words, {"compare"}):
        reading.compare = entry.value
        phrase = words[s:e]
        reading.compare_unit = next((UNIT_WORDS[x] for x in phrase if x in UNIT_WORDS), None)
        if any(x in ("yoy", "y") for x in phrase) or entry.value == "previous_year":
            reading.compare_unit = reading.compare_unit or "year"
        return words[:s] + ["@compare"] + words[e:]
    return words


def _repair_typos(words: list[str], index: EntityIndex, reading: Reading) -> list[str]:
    """Replace misspelled words by the closest vocabulary word or entity word.

    Only words that are not known (vocabulary, values, stop words, common English) and are long
    enough to carry a typo are touched; targets are content words, never stop words.
    """
    lex = lexicon()
    known = lex.words | lex.alias_words | lex.english | index.words | STOPWORDS | PERIOD_WORDS
    long_stopwords = {w for w in STOPWORDS if len(w) >= 6}  # "opportunities", "breakdown"
    targets = sorted((lex.words | lex.alias_words | index.words | long_stopwords) - lex.english
                     - (STOPWORDS - long_stopwords))
    out = []
    for word in words:
        if word in known or len(word) < 5 or any(c.isdigit() for c in word) or \
                word.startswith("@"):
            out.append(word)
            continue
        best = process.extractOne(word, targets, scorer=fuzz.ratio,
                                  score_cutoff=80 if len(word) >= 8 else 85)
        if best:
            out.append(best[0])
            reading.notes.append(f"read '{word}' as '{best[0]}'")
        else:
            out.append(word)
    return out


def _match_entities(reading: Reading, index: EntityIndex, *, multiword: bool) -> None:
    words = _masked(reading)
    for m in index.exact(words, blocked={i for i, x in enumerate(words) if x == "@"}):
        span = reading.words[m.start:m.end]
        if multiword and (m.end - m.start < 2 or (
                m.how != "alias" and all(x in lexicon().words for x in span))):
            continue
        reading.entities.append(m)
        reading.take(m.start, m.end)
        if m.how == "alias":
            reading.notes.append(f"read '{m.text}' as {m.dimension.value} {m.label}")


def _resolve_leftovers(reading: Reading, index: EntityIndex) -> Clarification | None:
    w = reading.words
    i = 0
    while i < len(w):
        if i in reading.used or w[i] in STOPWORDS or w[i] in FILTER_CUES or w[i] in \
                EXCLUDE_CUES or w[i].isdigit() or w[i] in lexicon().words or \
                w[i] in lexicon().english:
            i += 1
            continue
        j = i
        while j < len(w) and j not in reading.used and w[j] not in STOPWORDS and \
                w[j] not in FILTER_CUES and not w[j].isdigit() and w[j] not in lexicon().english:
            j += 1
        text = " ".join(w[i:j])
        result = _explain(reading, index, i, j, text)
        if isinstance(result, Clarification):
            return result
        i = j
    return None


def _explain(reading: Reading, index: EntityIndex, i: int, j: int,
             text: str) -> Clarification | None:
    cue = i > 0 and reading.words[i - 1] in FILTER_CUES | EXCLUDE_CUES
    people = index.partial(text) if j - i == 1 else []
    if len(people) == 1:
        dim, label = people[0]
        reading.entities.append(EntityMatch(i, j, dim, label, "partial", text))
        reading.notes.append(f"read '{text}' as {dim.value} {label}")
        reading.take(i, j)
        return None
    if len(people) > 1:
        return Clarification(question=f"Which '{text}' do you mean?",
                             options=[f"{label} ({dim.value})" for dim, label in people[:6]])
    account = index.account_exact(text)
    if account:
        reading.entities.append(EntityMatch(i, j, Dimension.account, account, "exact", text))
        reading.take(i, j)
        return None
    candidates = index.fuzzy(text)
    if candidates and candidates[0][0] >= ACCEPT and (
            len(candidates) == 1 or candidates[0][0] - candidates[1][0] >= 3):
        score, dim, label = candidates[0]
        reading.entities.append(EntityMatch(i, j, dim, label, "fuzzy", text))
        reading.notes.append(f"read '{text}' as {dim.value} {label}")
        reading.take(i, j)
        return None
    suggestions = [c for c in candidates if c[0] >= SUGGEST]
    if suggestions:
        return Clarification(
            question=f"I couldn't find '{text}' in the data. Did you mean one of these?",
            options=[f"{label} ({dim.value})" for _, dim, label in suggestions])
    if cue:
        return Clarification(
            question=f"I couldn't find '{text}' among the reps, teams, regions, products, "
                     "industries, segments, sources or accounts in the data. Check the "
                     "spelling, or ask without it.", options=[])
    reading.notes.append(f"ignored '{text}'")
    return None


def _build_plan(reading: Reading, norm: str, as_of: date,
                calendar: FiscalCalendar) -> Plan | Clarification:
    tool = _choose_tool(reading, norm)
    if tool is None:
        subject = ", ".join(e.label for e in reading.entities)
        question = (f"What would you like to know about {subject}?" if subject else
                    "I could not tell which metric you mean. Which of these?")
        return Clarification(question=question, options=EXAMPLES)
    params: dict = {}
    measure = _choose_measure(tool, reading, norm)
    if measure:
        params["measure"] = measure
    period = _choose_period(reading, calendar, as_of, tool)
    if isinstance(period, Clarification):
        return period
    if period is not None:
        params["period"] = PeriodParam.of(period)
    if reading.compare:
        params["compare"] = reading.compare
    group, top, order = _grouping(reading, norm, tool)
    if reading.grain:
        params["time_grain"] = _grain(reading.grain, period)
    if group and group[0] in UNIT_WORDS:
        params["time_grain"] = group[0]
        group = []
    if group == [Dimension.opportunity.value] and tool in ("opportunity_count",
                                                           "avg_deal_size"):
        tool, measure = _deal_list_tool(tool, measure or "open")
        params["measure"] = measure
        if tool == "open_pipeline" and "period" not in params:
            params["all_time"] = True
    params["group_by"] = [Dimension(g) for g in group]
    if top:
        params["top"] = top
    params["order"] = order
    params["filters"] = _filters(reading)
    if _has_modifier(norm, "all_time") and "period" not in params:
        params["all_time"] = True
    return Plan(tool=tool, params=MetricParams(**params), as_of=reading.as_of,
                notes=reading.notes)


def _deal_list_tool(tool: str, measure: str) -> tuple[str, str]:
    """Ranking individual deals ranks them by amount: won -> bookings, open -> pipeline."""
    kind = measure.removesuffix("_amount")
    if tool == "avg_deal_size" or kind == "won":  # a single deal's size is its amount
        return "bookings", "amount"
    if kind == "open":
        return "open_pipeline", "amount"
    return "opportunity_count", f"{kind}_amount"


def _has_modifier(norm: str, name: str) -> bool:
    return any(e.value == name for _, _, e in lexicon().find(norm.split(), {"modifier"}))


def _choose_tool(reading: Reading, norm: str) -> str | None:
    votes = reading.votes
    strong_closed = [t for t in CLOSED_DEAL_TOOLS if votes.get(t, 0) >= 1]
    if len(strong_closed) >= 2:
        return "leaderboard"
    ranked = bool(lexicon().find(norm.split(), {"rank"})) or bool(
        re.search(r"\b(top|bottom)\s+\d+\b", norm))
    if ranked and set(votes) <= {"opportunity_count"} and votes.get("opportunity_count", 0) < 1:
        return "bookings"  # "best month", "top 5 deals": ranked by revenue
    if not votes:
        return None
    best = max(votes.values())
    tied = [t for t, v in votes.items() if v == best]
    return min(tied, key=TOOL_PRIORITY.index)


def _choose_measure(tool: str, reading: Reading, norm: str) -> str | None:
    words = norm.split()
    found = [e.value for _, _, e in lexicon().find(words, {"measure"}, tool)]
    if tool == "opportunity_count":
        kind = next((m for m in found if m != "open"), None) or (
            "open" if "open" in found or not reading.periods else "created")
        if _has_modifier(norm, "amount"):
            return f"{kind}_amount"
        return kind
    return found[0] if found else None


def _choose_period(reading: Reading, calendar: FiscalCalendar, as_of: date,
                   tool: str) -> Period | Clarification | None:
    periods = reading.periods
    if not periods:
        if reading.compare and reading.compare_unit:
            if reading.compare_unit == "year":
                return None  # the tool default (fiscal year to date) vs the same span last year
            return calendar.bucket(reading.as_of or as_of, reading.compare_unit)  # type: ignore
        return None
    if len(periods) == 1:
        return periods[0]
    first, second = periods[0], periods[1]
    if reading.compare is not None:
        return first
    compared = bool(set(reading.words) & COMPARE_WORDS)
    if compared:
        for grain in ("month", "quarter", "year"):
            if calendar.bucket(first.start, grain).start == first.start and \
                    calendar.previous(first, grain).start == second.start:  # type: ignore
                reading.compare = "previous_period"
                return first
        if first.shifted_years(-1).start == second.start:
            reading.compare = "previous_year"
            return first
        return Clarification(
            question=f"I can compare a period with the one before it or with the same period a "
                     f"year earlier; {first.label} and {second.label} are neither. Which one?",
            options=[first.label, second.label])
    if second.start == first.end + timedelta(days=1) or first.start == second.end + \
            timedelta(days=1):
        start, end = min(first.start, second.start), max(first.end, second.end)
        return Period(start, end, f"{first.label} and {second.label}")
    return Clarification(
        question=f"Which period do you mean: {first.label} or {second.label}?",
        options=[first.label, second.label])


def _grain(grain: str, period: Period | None) -> str:
    if grain != "auto":
        return grain
    if period is None or period.days <= 400:
        return "month"
    return "quarter"


def _grouping(reading: Reading, norm: str, tool: str) -> tuple[list[str], int | None, str]:
    """Return (group-by dimensions or a time unit, top N, sort order)."""
    words = reading.words
    rank_hits = lexicon().find(norm.split(), {"rank"})
    direction = rank_hits[0][2].value if rank_hits else None
    top = None
    m = re.search(r"\b(top|bottom|best|worst|first|highest|lowest|largest|biggest|smallest)\s+"
                  r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)\b", norm)
    if m:
        top = int(m[2]) if m[2].isdigit() else {**NUMBERS, "twenty": 20}[m[2]]
        direction = "bottom" if m[1] in ("bottom", "worst", "lowest", "smallest") else "top"
    order = "asc" if direction == "bottom" else "desc"
    group: list[str] = []
    singular = False
    for pos, dim, text in reading.dims:
        before = set(words[max(0, pos - 3):pos])
        plural = text.endswith("s") and text not in ("sales", "series", "business", "boss")
        cued = bool(before & GROUP_CUES) or bool(before & RANK_WORDS)
        near_entity = any((e.dimension == dim and abs(e.start - pos) <= 2) or e.end == pos
                          for e in reading.entities)
        if (near_entity or dim == Dimension.account) and not cued:
            continue
        if cued or plural or tool == "leaderboard" or text == "who" or direction:
            if dim.value not in group:
                group.append(dim.value)
                singular = singular or not plural
    if direction and not group:
        unit = next((UNIT_WORDS[x] for x in words if x in UNIT_WORDS), None)
        if unit and not reading.grain:
            group, singular = [unit], True
        elif any(x in DEAL_WORDS for x in norm.split()):
            group = [Dimension.opportunity.value]
            singular = bool(re.search(r"\b(deal|opportunity)\b", norm))
    if tool == "leaderboard" and not group:
        group = [Dimension.rep.value]
    if direction and group and top is None and not reading.grain:
        top = 1 if singular else 5
    return group[:2], top, order


def _filters(reading: Reading) -> list[Filter]:
    by_dim: dict[tuple[Dimension, bool], list[str]] = {}
    for e in reading.entities:
        prev = reading.words[max(0, e.start - 2):e.start]
        before = set(prev) | {" ".join(prev)}
        exclude = bool(before & EXCLUDE_CUES)
        values = by_dim.setdefault((e.dimension, exclude), [])
        if e.label not in values:
            values.append(e.label)
    return [Filter(dimension=d, values=v, exclude=x) for (d, x), v in by_dim.items()]
