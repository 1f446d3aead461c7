"""The rules parser: a plain-language question -> Plan (tool + typed params) or Clarification.

Order of work on the normalized words: comparisons ("vs last quarter"), typo repair, time
expressions, trend grain, multi-word entity values, metric phrases, dimension words, single-word
entity values, measure words, ranking; then anything left unexplained is either matched to the
data (a first name, a misspelled value) or answered with a clarifying question. Nothing here
names a dataset: metrics and words come from vocabulary.toml, values from the warehouse.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal, get_args

from agent.parser.confidence import (
    ROLE_FILLERS,
    SIZE_WORDS,
    Understanding,
    defined,
    definition_words,
    fillers,
    inflected_in,
    scattered,
    tool_label,
    tool_words,
    understand,
    unsure,
    value_kind_words,
    values_after_kinds,
)
from agent.parser.crm_fields import crm_words
from agent.parser.day_order import both_orders, spelled_question
from agent.parser.entities import EntityIndex, EntityMatch
from agent.parser.followup import WHY, follow_up, is_follow_up, why_reading
from agent.parser.formulas import read_formulas
from agent.parser.glosses import drop_gloss_votes
from agent.parser.grouping import (
    DEAL_WORDS,
    EACH,
    LIST_JOINS,
    count_word,
    drop_replaced,
    filters,
    grouping,
)
from agent.parser.leftovers import NAMED_KINDS, resolve_leftovers
from agent.parser.lexicon import (
    EXCLUDE_CUES,
    FILTER_CUES,
    GROUP_CUES,
    REMOVED,
    STATE_RUN,
    STATES,
    STOPWORDS,
    Entry,
    left_out,
    left_out_states,
    lexicon,
    phrase_key,
    phrase_set,
    phrase_text,
    run_of,
)
from agent.parser.messages import plain_request
from agent.parser.normalize import normalize
from agent.parser.options import SCALES, knob_cues, options_for, take_options
from agent.parser.periods import (
    MONTHS,
    NUMBERS,
    PERIOD_WORDS,
    PeriodFindings,
    PeriodParser,
    cut_out,
)
from agent.parser.reading import KIND_AFTER, Reading, masked, named_words
from agent.parser.references import set_aside
from agent.parser.sentences import (
    GENERIC_PHRASES,
    MEETING_WORDS,
    NOT_MINE,
    OWNED_SLICES,
    WEAK_PHRASES,
    context_scope,
    drop_writer_clauses,
    kind_words,
    passed_on,
    request_text,
    sentences,
    signed,
    thread_in_message,
    unclear_person,
    with_context,
)
from agent.parser.settle import settled
from agent.parser.stage_order import open_stages, stage_positions
from agent.parser.tenure import tenure_dates
from agent.parser.words import (
    UNIT_WORDS,
    join_split,
    match_entities,
    repair_typos,
    take_compare,
)
from agent.plan import Clarification, Plan
from agent.threshold import Sign, Threshold, Unit
from tools.base import NOT_OPEN, Dimension, Filter, MetricParams, PeriodParam
from tools.fiscal import FiscalCalendar, Grain, Period
from tools.registry import TOOLS

UNIT_DAYS = {"week": 7, "month": 31, "quarter": 92}
OTHER_DATES = frozenset({"created", "opened", "added", "hired", "hires", "started", "joined",
                         "signed", "sourced", "generated", "made"})
"""Words dating something else than the question's own window ("deals created QTD")."""
DELIVERABLES = frozenset({"pack", "packet", "package", "packs", "binder", "memo", "newsletter"})
"""What a recurring answer goes into ("the quarterly close pack"): how often it is made, not a
trend over time."""
TABLE_WORDS = phrase_set({"leaderboard", "leader board", "leaderboards", "ranking", "rankings",
                         "rank", "ranked", "stack rank", "stack ranking", "league table",
                         "scoreboard", "standings", "performance table", "performance report"})
"""Explicit requests for a ranked table: they outweigh the metric they rank by."""
CLOSED_DEAL_TOOLS = ("bookings", "win_rate", "avg_deal_size", "sales_cycle")
RANK_VERBS = phrase_set({"rank", "ranked", "ranking", "rankings", "stack rank", "stack ranking"})
"""Leaderboard words that only say 'in order', not 'the leaderboard table'."""
TOOL_PRIORITY = ["pipeline_coverage", "quota_attainment", "weighted_pipeline", "win_rate",
                 "avg_deal_size", "sales_cycle", "leaderboard", "opportunity_count",
                 "open_pipeline", "bookings"]
POPULATION_PHRASES = phrase_set({"how many deals", "how many opportunities", "number of deals",
                                "number of opportunities", "open deals", "open opportunities",
                                "pipeline value", "open pipeline value", "deals closed",
                                "opportunities closed"})
"""Phrases naming the deals a question is about vote less than the condition that narrows
them ("how many deals have no activity", "which open deals are the riskiest", "pipeline value
flagged as at risk") but more than one weak word ("how many deals closed")."""
COMPARE_WORDS = frozenset({"vs", "compared", "against", "than", "versus", "compare", "relative",
                           "comparison", "comparisons"})
SPLIT_BY = re.compile(r"\b(?:split|broken out|break(?:ing)? (?:it |that |this )?(?:out|down))"
                      r"(?: it| that| this| them)? (?:by|per|into)\b")
"""A split asked by name: with a split read already, it compares no values."""
YEAR_BACK = re.compile(r"\b(?:a year ago|year before|last year|prior year|previous year|"
                       r"a year earlier)\b")
UP_ON = re.compile(r"\b(?:up|down|higher|lower|better|worse)(?: (?:about|around|roughly|nearly|"
                   r"almost|over|under|some|by)?\s?\$?\d[\d.]*(?:%|k|m| percent)?)? "
                   r"(?:on|from|over)\b")
"""'Was my win rate in Q2 up on Q1', 'up roughly 30% on the same quarter last year': one
period set against another."""
RANGED_PERIODS = re.compile(r"@period (?:through|thru|until|till) @period")
"""Two periods joined as a range's ends ("FY2025 through FY2027"): every day between them."""
LISTED_PERIODS = re.compile(r"@period(?: (?:,|and|plus|&))* @period")
"""Periods written as a list ('Aug, Sep and Oct'): one span of them all; two periods said
apart ('this q ... what about next quarter') are not joined."""
REQUEST_LABEL = re.compile(
    r"^\s*(?:(?:hub\s+|(?:[\w&-]+\s+){1,4}?agent\s+)?(?:task|request|question|query|ask|asks|"
    r"asked|wants to know|needs)(?:\s+from\s+(?:[\w&()-]+\s+){0,5}?[\w&()-]+)?\s*:"
    r"|from\s*:\s*[^.:\n]{1,40}?(?:\.|:|\s[-\u2013\u2014])(?=\s)"
    r"|(?:[\w&-]+\s+){1,4}?agent\s*:|\[[^\]\n]{1,40}\])\s*", re.I)
"""A sender's label in front of the question: "Task: ...", "Hub request: ...", "Pipeline
Management agent asks: ...", "Task from the finance agent: ...", "From: VP Sales. ..." (not
the activity type 'task' inside a question)."""
EXAMPLES = ["What's our win rate this quarter?", "Top 5 reps by bookings this year",
            "Open pipeline by stage", "Bookings by month this fiscal year",
            "Quota attainment by team last quarter", "Average deal size by segment"]




def parse_question(question: str, *, as_of: date, calendar: FiscalCalendar,
                   index: EntityIndex, previous: Plan | None = None,
                   sure: bool = True, context: str | None = None) -> Plan | Clarification:
    """Read a question into a Plan, or ask for clarification; never guess silently.

    `previous` is the plan of the question before in the same conversation: a follow-up
    ("and by region?") is read against it (agent/parser/followup.py). With `sure`, a reading
    that leaves content words unexplained or rests on a corrected domain word asks back
    (agent/parser/confidence.py); a reply completing such a question is read without it.
    `context` is the rest of a message whose other part is escalated (a partial request): the
    question takes from it what it points back to, as a context sentence would give.
    """
    question = plain_request(question)  # a hub or peer task message: its request in words
    question, formulas = read_formulas(question)  # "won ÷ (won + lost)": the win rate
    question, references = set_aside(question, index)  # "ticket JIRA-4821", "for my 3pm"
    outcome = _parse_question(question, as_of=as_of, calendar=calendar, index=index,
                              previous=previous, sure=sure, context=context)
    if formulas and isinstance(outcome, Plan):
        outcome.notes.extend(formulas)
    if previous is None and context is None and (order := _day_order(
            question, outcome, as_of=as_of, calendar=calendar, index=index, sure=sure)):
        return order
    if references and isinstance(outcome, Plan):
        said = ", ".join(f"'{r}'" for r in references)
        outcome.notes.append(f"set aside {said}: references, not part of the question")
    return outcome


def _parse_question(question: str, *, as_of: date, calendar: FiscalCalendar,
                    index: EntityIndex, previous: Plan | None, sure: bool,
                    context: str | None) -> Plan | Clarification:
    """parse_question without the references (see there)."""
    if previous is None and (unclear := unclear_person(question, index)):
        return unclear
    if previous is None and context is None and (several := _several_asks(
            question, as_of=as_of, calendar=calendar, index=index)):
        return several
    if previous is None and context is None and (thread := thread_in_message(question)):
        earlier = parse_question(thread[0], as_of=as_of, calendar=calendar, index=index,
                                 sure=False)
        if isinstance(earlier, Plan):  # the message says what was answered before it
            now = parse_question(thread[1], as_of=as_of, calendar=calendar, index=index,
                                 previous=earlier)
            if isinstance(now, Plan):
                now.notes.append(f"read '{thread[1].strip()}' as a follow-up to "
                                 f"'{thread[0].strip()}'")
            return now
    if context:
        question = with_context(question, sentences(context), index,
                                _periods_in(as_of, calendar, index)) or question
    memo: Memo = {}
    outcome, reading = read_question(question, as_of=as_of, calendar=calendar, index=index,
                                     previous=previous, memo=memo)
    if not isinstance(outcome, Plan) or reading is None:
        return outcome
    if previous is None and (nobody := _nobody_named(question, outcome, reading)):
        return nobody
    if vague := _vague_size(question) or _bare_rate(question, outcome):
        return vague
    _kept_in(question, outcome)
    outcome = settled(outcome, reading, index)
    outcome = _open_stage_deals(_share_split(outcome, reading), reading, index, as_of)
    if unranked := _ranks_nothing(outcome, reading):
        return unranked
    if isinstance(stat := _statistic(outcome, " ".join(reading.words)), Clarification):
        return stat
    outcome = stat
    if previous is None and (people := _counts_people(question, outcome, reading)):
        if isinstance(people, Clarification):
            return people
        outcome = people
    if previous is None and WHY.search(" ".join(reading.words)):
        outcome = _asked_why(outcome)  # "why is win rate down this quarter?"
        if isinstance(outcome, Clarification):
            return outcome
    found = understand(reading, outcome)
    if found.sure:
        return outcome
    if not sure:
        outcome.notes.append(found.describe())
        return outcome
    better = _explaining_reading(question, as_of, calendar, index, previous, outcome, reading,
                                 found, memo)
    if isinstance(better, Plan):
        better = settled(better, reading, index)
        if unranked := _ranks_nothing(better, reading):
            return unranked
    return better or unsure(outcome, reading, found)


def _day_order(question: str, outcome: Plan | Clarification,
               **kw: Any) -> Clarification | None:
    """Ask which order a slash date is written in ("win rate on 03/11/2026") when both orders
    are possible and read differently; a date that changes nothing ("due 1/8") is no question."""
    if (open_ := both_orders(question)) is None:
        return None
    said, month_first, day_first = open_
    first, second = (_parse_question(spelled_question(question, day_first), previous=None,
                                     context=None, **kw) for day_first in (False, True))
    plans = [r.params if isinstance(r, Plan) else r for r in (outcome, first, second)]
    if plans[0] != plans[1] or plans[1] == plans[2]:  # read as no date at all ("deadline is
        return None  # 1/8", "1/2 of quota"), or either order reads the same
    several = len(month_first) > 1  # several dates: the question written out each way
    return Clarification(
        question=f"'{said}' can be read month first or day first. Which did you mean?",
        options=[spelled_question(question, False), spelled_question(question, True)]
        if several else [month_first[0], day_first[0]], term=None if several else said)


def _kept_in(question: str, plan: Plan) -> None:
    """'Don't count APAC, but do count LATAM': a value said to stay in beside another of its
    kind left out is part of the whole, not a filter to it alone."""
    filters = plan.params.filters
    out = {f.dimension for f in filters if f.exclude}
    norm = normalize(question)
    kept = [f for f in filters if not f.exclude and f.dimension in out and all(
        re.search(rf"\b(?:do|still|but|and|yet)\s+(?:count|include|keep)\s+(?:in\s+)?(?:the\s+)?"
                  rf"{re.escape(normalize(v))}\b", norm) for v in f.values)]
    if kept:
        plan.params = plan.params.model_copy(update={"filters": [
            f for f in filters if f not in kept]})
        plan.notes.append("read " + ", ".join(v for f in kept for v in f.values) +
                          " as kept in, not as the only one")


VAGUE_SIZE = re.compile(r"\b(?:minus|excluding|except|without|not counting|ignoring|only|just|"
                        r"leaving out|leave out|strip out|take out|apart from|other than|"
                        r"outside|on|for|with|among)\s+(?:of\s+)?(?:the\s+|our\s+|any\s+|"
                        r"all\s+|those\s+)?"
                        r"(?:really\s+|very\s+|super\s+)?(?:big|large|huge|small|tiny|mega|whale|"
                        r"jumbo|monster|giant|little)\s+(?:deals?|ones|opps?|opportunities|"
                        r"accounts|customers|wins|contracts)\b", re.I)
"""Deals kept or left out by a size no figure gives ("minus the big deals")."""
SIZE_GIVEN = re.compile(r"\$\s?\d|\b\d+(?:\.\d+)?\s?(?:k|m|mm|million|thousand|bn)\b", re.I)


def _vague_size(question: str) -> Clarification | None:
    """Ask how big is big, rather than answer with the size word dropped."""
    if (m := VAGUE_SIZE.search(question)) is None or SIZE_GIVEN.search(question):
        return None  # ("big deals, say over $100k": the size is given)
    rest = " ".join((question[:m.start()] + question[m.end():]).split()).rstrip(" ?,.")
    return Clarification(
        question=f"'{m[0]}' gives no size: how big is big (for example over $100k)? Ask with "
                 "the amount, or without it, or split by segment to compare deal sizes.",
        options=[rest, f"{rest} by segment"], term=m[0], not_understood=[m[0]])


BARE_RATE = re.compile(r"\b(?:worst|best|highest|lowest|top|bottom|weakest|strongest|poorest)"
                       r"\s+(?:rate|ratio)\b(?!\s+of\b)", re.I)
NAMED_RATE = re.compile(r"\b(?:win|won|close|closing|conversion|convert\w*|churn|slip\w*|loss|"
                        r"renewal|retention|adoption|error|sync|failure|growth|hit|response|"
                        r"attainment|run|discount|accuracy|coverage|burn)\b", re.I)


def _bare_rate(question: str, plan: Plan) -> Clarification | None:
    """'Which region has the worst rate?': a rate nobody named, asked about, not read as the
    ranking's default measure."""
    if (m := BARE_RATE.search(question)) is None or NAMED_RATE.search(question) or \
            plan.tool in ("win_rate", "lead_conversion", "stage_conversion", "slipping_deals"):
        return None
    before, after = question[:m.start()] + m[0].rsplit(" ", 1)[0], question[m.end():]
    return Clarification(
        question="Which rate do you mean: the win rate, lead conversion, stage conversion or "
                 "the slip rate?",
        options=[f"{before} {rate}{after}" for rate in ("win rate", "lead conversion",
                                                          "slip rate")],
        not_understood=["rate"])


SEVERAL = re.compile(r"\b(?:two|three|four|2|3|4|a couple of|couple of|a few) (?:things|questions|"
                     r"asks|requests|items|numbers)\b", re.I)
"""A message that says it holds several requests ("Two things from today's review. First,
...; second, ...")."""
ASK_PART = re.compile(r"(?:\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|also|and)\b[,:]?\s+)",
                      re.I)


def _several_asks(question: str, **kw: Any) -> Clarification | None:
    """Ask which to answer first when a message lists several requests for different numbers
    ("First, win rate by region for Q3; second, the list of stale deals on Ravi's team"):
    one answer would quietly drop the others."""
    several = SEVERAL.search(question)
    if several is None:
        return None
    tail = question[several.start():]
    pieces = [p.strip(" .;,") for p in re.split(
        r";|\n|(?<=[.?!:])\s+|,?\s+and\s+(?=(?:what|how|which|who|where|when|is|are|did|do|does)\b)",
        tail) if p.strip(" .;,")]
    asks = []
    for piece in pieces:
        text = ASK_PART.sub("", piece, count=1).strip()
        outcome = parse_question(text, sure=False, context="", **kw) if len(
            text.split()) >= 3 and not SEVERAL.search(text) else None  # (context "": each
        # piece read on its own, never split again)
        if isinstance(outcome, Plan) and text not in asks:
            asks.append((text, outcome.tool))
    if len({tool for _, tool in asks}) < 2:
        return None
    return Clarification(
        question=f"You asked for {len(asks)} things; I answer one at a time. Which first?",
        options=[text for text, _ in asks])


ONE_RECORD = frozenset({Dimension.account, Dimension.opportunity})


def _asked_why(plan: Plan) -> Plan | Clarification:
    """A question asking why a number is what it is, read as the "why?" of a conversation
    (followup.why_reading: split by the broadest driver, against the period before); why one deal
    or customer went as it did is in no tool (no loss reasons, no notes): asked back."""
    single = [f for f in plan.params.filters if f.dimension in ONE_RECORD and not f.exclude]
    if single:
        name = single[0].values[0]
        return Clarification(
            question=f"I can't tell why {name} went the way it did: the tools measure deals, "
                     "not their reasons or notes. I can show its deals and their stages, or "
                     "how its numbers compare with the period before. Which would help?",
            options=[f"{TOOLS[plan.tool].title.lower()} for {name}",
                     f"{TOOLS[plan.tool].title.lower()} for {name} vs the previous period"],
            not_understood=["why"])
    if plan.params.group_by or plan.params.compare or plan.params.time_grain:
        return plan  # "why ... by region", "why ... vs last year": the split or comparison asked
    if any(f.dimension in (Dimension.rep, Dimension.manager) and len(f.values) == 1
           for f in plan.params.filters):  # "why is Victor behind quota": one person's number,
        # against the period before (a split of one person shows one row)
        if not TOOLS[plan.tool].comparable:
            return plan
        return plan.model_copy(update={"params": plan.params.model_copy(
            update={"compare": "previous_period"})})
    return why_reading(plan, TOOLS[plan.tool])


PERSON_POINTER = re.compile(r"(?<!\bto )(?<!\bfor )(?<!\bwith )\b(?:his|her)\b(?!\s*[.?!,]|$)",
                            re.I)
"""Words pointing at one person's numbers: with no one named in the message, whose they are
is unknown (never the whole company's). "He says: ..." reports who asks, it points at no one's
numbers."""


def _nobody_named(question: str, plan: Plan, reading: Reading) -> Clarification | None:
    """Ask whose numbers 'his' or 'her' means when the message names no person."""
    m = PERSON_POINTER.search(question)
    people = {Dimension.rep, Dimension.manager}
    if m is None or len(sentences(question)) > 1 or named_words(question) or any(
            e.dimension in people for e in reading.entities) or any(
            f.dimension in people for f in plan.params.filters):
        return None  # a message of several sentences says who in them (sentences.py)
    text = question.strip().rstrip(".?! ")
    return Clarification(
        question=f"Whose numbers do you mean by '{m[0]}'? Name the rep or manager, or ask "
                 "for everyone.",
        options=[re.sub(PERSON_POINTER, "our", text, count=1) + " overall"], term=m[0],
        not_understood=[m[0]])


MY_OWN = re.compile(
    r"\bmy (?:own |open |current |total |biggest |largest |top |\d+ |new |weighted |stale )*"
    r"(?:deals?|opps?|opportunities|pipe|pipeline|quota|attainment|win rate|wr|team|teams|reps|"
    r"book of business|territory|accounts|numbers|commit|bookings|activities|activity|calls|"
    r"meetings|emails|cycle|forecast|region|regions|segment|patch|book|number|group|org|"
    r"coverage|funnel|capacity)\b(?! (?:call|meeting|review|deck|one on ones?|sync)\b)|"
    r"\b(?:am|have|did|was|do) i (?:booked|closed|won|lost|sold|logged|created|"
    r"opened|held|doing|tracking|pacing|hit|made|make|book|close|win|lose|sell|log|create|open|"
    r"hold|have|own|carry|rank|stand|land|finish|end up)\b|"
    r"\bi (?:logged|closed|won|lost|booked|sold|created|opened|held|made)\b|"
    r"\b(?:where|how|far|close) am i\b|\bam i (?:on track|behind|ahead|short|close|over|under)\b")
"""The writer's own numbers ("my pipe", "my team", "how much have I booked"), not "show me" or
"for my deck"."""
SET_AGAINST = re.compile(r"\s*(?:\w+\s+){0,2}?(?:vs|versus|compared (?:to|with)|against|than|"
                         r"or|and)\s")
SET_AGAINST_BEFORE = re.compile(r"\s(?:vs|versus|compared (?:to|with)|against|than|or|and)"
                                r"(?:\s+\w+){0,2}\s*$")
"""'My team vs Leo's', 'Leo's reps or mine': the writer's own set against another's."""
OWNERS = frozenset({Dimension.rep, Dimension.manager, Dimension.team, Dimension.region,
                    Dimension.territory})


def unnamed_writer(question: str, plan: Plan) -> Clarification | None:
    """Ask whose numbers 'my' means when nobody asking is known: the message names no person
    or team (a named writer, "Kenji here", is read as the filter in sentences.py) and no
    requester identity came with it. Never the whole company's numbers for "my pipe"."""
    text = normalize(NOT_MINE.sub(" ", question))
    m = MY_OWN.search(text)  # not "not just my group"
    if m is None:
        return None
    owners = [v for f in plan.params.filters if f.dimension in OWNERS for v in f.values]
    after = SET_AGAINST.match(text[m.end():])
    before = SET_AGAINST_BEFORE.search(text[:m.start()])
    against = " ".join(text[m.end() + after.end():].split()[:3]) if after else \
        " ".join(text[:m.start()][:before.start()].split()[-3:]) if before else ""
    # (the words set against "my": "vs Leo's", "Leo's or mine"; not "vs quota ... Aisha")
    if owners and not all(set(normalize(v).split()) & set(against.split()) for v in owners):
        return None  # (an owner filter is whose, unless it is the one set against "my" one:
        # "my team vs Leo's" names Leo's team, never the writer's)
    said = m[0]
    return Clarification(
        question=f"Whose numbers do you mean by '{said}'? I don't know who is asking: name the "
                 "rep, manager or team (e.g. 'Kenji Smith here: ...'), or ask for everyone.",
        options=[], term=said, not_understood=[said])


def _explaining_reading(question: str, as_of: date, calendar: FiscalCalendar,
                        index: EntityIndex, previous: Plan | None, plan: Plan,
                        reading: Reading, found: Understanding, memo: Memo) -> Plan | None:
    """Another tool whose reading explains every word, where the vote's reading leaves some
    over: "median days spent in each stage" is time in stage, not the open deals by stage.

    Candidates are the other tools the words voted for and the tools whose definition uses
    the words left over; one that explains the whole question is read, with a note, when it
    is the only one (or has the most votes); several equally good ones ask back as before.
    """
    if not found.leftovers or found.corrections:
        return None
    words = masked(reading)
    voted = {t: v for t, v in reading.votes.items() if t != plan.tool and v > 0}
    explains = {t: sum(defined(w, words, t, None) or w in tool_words(t)
                       for w in found.leftovers) for t in TOOLS if t != plan.tool}
    candidates = sorted((t for t in explains if explains[t] or t in voted),
                        key=lambda t: (-explains[t], -voted.get(t, 0), t))
    good: list[tuple[tuple[int, int, int, int, float], Plan]] = []
    for tool in candidates[:MAX_ALTERNATIVES]:
        outcome, again = read_question(question, as_of=as_of, calendar=calendar, index=index,
                                       previous=previous, prefer=tool, memo=memo)
        if not isinstance(outcome, Plan) or again is None or outcome.tool != tool:
            continue
        if any(p == TOOLS[plan.tool].title.lower() and p not in again.said.get(tool, []) and
               not all(defined(w, words, tool, None) or w in tool_words(tool) for w in p.split())
               for p in reading.said.get(plan.tool, [])):
            continue  # "how much has win rate increased since Q1": the metric named by its
            # name stays what is asked about, whatever explains 'increased' (unless the other
            # tool's words hold it: "failing data-quality rules" are the data issues)
        left = understand(again, outcome)
        if set(left.leftovers) <= SIZE_WORDS and not left.corrections:
            covered, content = _coverage(again, tool, outcome.params.measure)
            if content and covered == content and (tool in voted or covered >= 2):
                # its own words and definition describe every word, and more than one word
                # (or a metric phrase) speaks for it
                named = sum(d.value in definition_words(tool) for _, d, _ in again.dims)
                own = sum(scattered(w, again.words, tool) for w in found.leftovers)
                # "median cycle for ... deals": 'deal cycle' names sales cycle; a ranking's
                # measure or a velocity's definition only uses the word
                good.append(((covered, explains[tool], own, named, voted.get(tool, 0)),
                             outcome))
    good.sort(key=lambda g: g[0], reverse=True)
    if not good or (len(good) > 1 and good[0][0] == good[1][0]):
        return None
    best = good[0][1]
    best.notes.append(f"read as {TOOLS[best.tool].title.lower()}, which explains "
                      + ", ".join(f"'{w}'" for w in found.leftovers))
    return best


def _coverage(reading: Reading, tool: str, measure: str | None) -> tuple[int, int]:
    """How many of the question's content words (not values, periods or numbers) the tool's
    own vocabulary or definition holds, and how many there are: another reading replaces
    the vote's only when its own words describe the whole question."""
    own = tool_words(tool)
    lex = lexicon()
    values = {i for e in reading.entities for i in range(e.start, e.end)}
    content = {w for i, w in enumerate(reading.words) if i not in values
               and w not in STOPWORDS and w not in fillers() and w not in CUES
               and w not in SIZE_WORDS and not COMPARED_VALUES.fullmatch(w)
               and not w.startswith("@") and not w[0].isdigit() and w not in NUMBERS
               and not lex.find([w], {"dimension", "grain", "rank", "compare", "modifier"})}
    return sum(w in own or defined(w, reading.words, tool, measure) for w in content), \
        len(content)


MAX_ALTERNATIVES = 6
"""Other readings tried when the vote's reading leaves words over (each is one more pass)."""
CUES = GROUP_CUES | FILTER_CUES | EXCLUDE_CUES
"""Words that cue a split or a filter: never content a reading must explain."""


QUOTED_ASK = re.compile(r"""(?:^|[\s:>])(?:"(?P<a>[^"]{8,})"|\u201c(?P<b>[^\u201d]{8,})\u201d|"""
                        r"""'(?P<c>[^']{8,}?)'(?=\s*(?:[-.,!?]|$|\s[-\u2013]))|"""
                        r"""\u2018(?P<d>[^\u2019]{8,})\u2019)""")
"""A request someone else sent, quoted in the message."""


FORWARDING_WORDS = frozenset({"can", "could", "would", "you", "please", "pls", "pull", "answer",
                              "get", "do", "run", "send", "that", "this", "it", "s", "is", "from",
                              "my", "manager", "boss", "thanks", "thx", "for", "me", "the", "a",
                              "help", "with", "look", "at", "handle", "what", "was", "asked",
                              "her", "him", "them", "us", "cro", "cfo", "vp", "ceo", "lead"})
"""Words after a forwarded quote that ask for it and change nothing ("... can you pull that?");
anything else ("but I only need EMEA", "make it Q2") is read with the quote (the whole
message)."""


def _metric_named(text: str) -> bool:
    return bool(lexicon().find(normalize(text).split(), {"metric"}))


def read_question(question: str, *, as_of: date, calendar: FiscalCalendar,
                  index: EntityIndex, previous: Plan | None = None, prefer: str | None = None,
                  memo: Memo | None = None) -> tuple[Plan | Clarification, Reading | None]:
    """The reading of a question and what it produced (see parse_question).

    A message of several sentences is read from the sentences that ask
    (agent/parser/sentences.py); when those name no metric, the whole message is read.
    `memo` keeps what does not depend on `prefer` between the readings of one question.
    """
    question, passed = passed_on(question, index)
    outcome, reading = _read_message(question, as_of, calendar, index, previous, prefer,
                                     {} if memo is None else memo)
    if isinstance(outcome, Plan):
        outcome.notes.extend(passed)
    return outcome, reading


def _read_message(question: str, as_of: date, calendar: FiscalCalendar, index: EntityIndex,
                  previous: Plan | None, prefer: str | None,
                  memo: Memo) -> tuple[Plan | Clarification, Reading | None]:
    """read_question once the person passing the question on is set aside."""
    question = drop_writer_clauses(signed(question, index), index)
    quoted = None if question.lstrip()[:1] in "{[" else QUOTED_ASK.search(question)
    said = next((g for g in quoted.groups() if g), "") if quoted else ""
    if quoted and len(said.split()) >= 4 and _metric_named(said) and not _metric_named(
            question[:quoted.start()] + " " + question[quoted.end():]) and \
            set(normalize(question[quoted.end():]).split()) <= FORWARDING_WORDS:
        question = said  # "Slack from the marketing lead: '@revops can we get win rate by lead
        # source for H1?'", "Dana pinged me: "...". Can you pull that?": the request forwarded
    if ("request", question) not in memo:
        memo["request", question] = request_text(REQUEST_LABEL.sub("", question), index,
                                                 _periods_in(as_of, calendar, index))
    request = memo["request", question]
    if request is not None:
        outcome, reading = _read(request, as_of, calendar, index, previous, prefer, memo=memo)
        if reading is not None and reading.votes:
            if isinstance(outcome, Plan):
                # asked once per question, not again for each alternative reading
                scope = context_scope(question, request, index) if prefer is None else None
                if scope and "overall" not in normalize(request).split() \
                        and scope[0] not in {f.dimension for f in outcome.params.filters} \
                        and [scope[1]] not in [f.values for f in outcome.params.filters] \
                        and Dimension.rep not in {f.dimension for f in outcome.params.filters} \
                        and not (scope[0] in OWNED_SLICES and OWNED_SLICES & {
                            f.dimension for f in outcome.params.filters}) \
                        and scope[0] not in outcome.params.group_by:  # "I'm the EMEA
                    # director. ... by region": every region, the writer's among them
                    return _for_them(request, scope, as_of, calendar, index, previous, memo)
                outcome.notes.append(f"read the request '{request}'; the rest as context")
            return outcome, reading
    return _read(question, as_of, calendar, index, previous, prefer, memo=memo)


Memo = dict[tuple[str, object], Any]
"""What one question's readings share: its request text and its readings before a plan."""


def _for_them(request: str, scope: tuple[Dimension, str], as_of: date,
              calendar: FiscalCalendar, index: EntityIndex, previous: Plan | None,
              memo: Memo) -> tuple[Plan | Clarification, Reading | None]:
    """The request read for the team or person the writer says they are working with ("I'm
    meeting the EMEA Commercial team tomorrow. Pull the open deals closing this quarter."), as
    every writer of the eval sets means it, with a note saying so; asked about when the tool
    cannot be narrowed to them (answering for everyone would answer another question)."""
    dimension, label = scope
    kind = kind_words(dimension)
    outcome, reading = _read(f"{request.rstrip('.?! ')} for {label}{kind}", as_of, calendar,
                             index, previous, None, memo=memo)
    if isinstance(outcome, Plan) and dimension in {f.dimension for f in outcome.params.filters}:
        outcome.notes.append(f"read for {label}{kind}: your message says you are working with "
                             "them (ask again with 'overall' for everyone)")
        return outcome, reading
    return _for_whom(request, dimension, label), reading


def _for_whom(request: str, dimension: Dimension, label: str) -> Clarification:
    """Ask whether a request is meant for the value its context names, or for everyone."""
    kind = kind_words(dimension)
    return Clarification(
        question=f"Your message mentions {label}{kind}. Should the answer cover {label} only, "
                 "or everyone?",
        options=[f"{request.rstrip('.?! ')} for {label}", f"{request.rstrip('.?! ')} overall"],
        term=label)


def _periods_in(as_of: date, calendar: FiscalCalendar,
                index: EntityIndex) -> Callable[[str], list[Period]]:
    """The periods a sentence names (how the sentence reader finds context periods), not
    those inside a name ("the Trade Show - Oct 2026 campaign")."""
    parser = PeriodParser(as_of, calendar)
    return lambda text: parser.extract(" ".join(_dated_names(normalize(text).split(),
                                                             index)[0])).periods


def _read(question: str, as_of: date, calendar: FiscalCalendar, index: EntityIndex,
          previous: Plan | None, prefer: str | None = None,
          kept: frozenset[int] = frozenset(), memo: Memo | None = None,
          ) -> tuple[Plan | Clarification, Reading | None]:
    """Read one text; `kept` names option rules whose words stay words (see below)."""
    memo = {} if memo is None else memo
    key = ("reading", (question, kept))
    if key not in memo:
        memo[key] = _prepare(question, as_of, calendar, index, kept)
    prepared = memo[key]
    if isinstance(prepared[0], Clarification):
        return prepared
    reading, norm = copy.deepcopy(prepared[0]), prepared[1]
    knobs = reading.knobs
    if previous is not None and is_follow_up(norm, reading):
        outcome = follow_up(reading, norm, previous,
                            lambda r: _build_plan(r, norm, as_of, calendar, prefer))
    else:
        outcome = _build_plan(reading, norm, as_of, calendar, prefer)
    unused = frozenset(k.index for k in knobs if isinstance(outcome, Plan) and
                       outcome.tool not in k.rule.names)
    if unused:  # "bookings over the last 4 quarters": a knob of another tool, its words a period
        again = _read(question, as_of, calendar, index, previous, prefer, kept | unused, memo)
        if prefer is None and isinstance(again[0], Plan) and any(
                again[0].tool in k.rule.names for k in knobs if k.index in unused):
            # "opportunities still open with no touch in the last 60 days": read as the words
            # they are, they name the tool whose knob they are
            return _read(question, as_of, calendar, index, previous, again[0].tool, kept, memo)
        return again
    return outcome, reading


def _dated_names(words: list[str],
                 index: EntityIndex) -> tuple[list[str], dict[str, EntityMatch]]:
    """Values of the data whose names hold a month or a year ("Webinar - Sep 2026"), each put
    in one placeholder word before the periods are read, so the period inside a name is read
    as the name; the placeholders map back to the values."""
    def holds_date(span: list[str]) -> bool:
        return any(w in MONTHS or (w.isdigit() and len(w) == 4) for w in span)

    if not holds_date(words):
        return words, {}  # (no month or year: nothing to protect, no index lookup)
    spans = [m for m in index.exact(words, blocked=set())
             if m.end - m.start >= 2 and holds_date(words[m.start:m.end])]
    dated: dict[str, EntityMatch] = {}
    for k, m in enumerate(sorted(spans, key=lambda m: m.start, reverse=True)):
        token = f"@name{k}"
        dated[token] = m
        words = words[:m.start] + [token] + words[m.end:]
    return words, dated


_PERIODISH = (r"(?:q[1-4]|h[12]|summer|spring|fall|autumn|winter|" + "|".join(MONTHS) +
              r"|(?:(?:this|last|the last|the past) )?(?:fiscal )?(?:year|fy|quarter|month|half)|"
              r"fy ?\d{2,4}|\d{4})")
COHORT_NOUN = re.compile(rf"\b{_PERIODISH}(?: s)?(?: \w+)? (?:hires|class|starters|cohort|"
                         r"joiners|intake|recruits|new hires|new starters)\b")
"""A period naming a group of people by when they came ("the Q2 class", "this fiscal year's
hires", "the summer starters"): it dates the people, not the question."""
COHORT_VERB = re.compile(r"\b(?:we|who|they|people|reps|sellers|hires|everyone|folks|he|she|i|"
                         r"you|were|was|been) (?:\w+ )?(?:hired|joined|started|onboarded|"
                         r"brought on|came on board|came aboard|came on)(?: \w+){0,2}? "
                         r"(?:(?:in|during|over|between|from|"
                         rf"back in)(?: the)? )?(?:{_PERIODISH})(?: (?:and|to|through|till|"
                         rf"until) {_PERIODISH})?\b")
"""A period saying when people came ("everyone we hired this FY", "the four we brought on
between May and July"): theirs, not the question's (not "since he started in June", a start)."""


def _cohort_dates(words: list[str], index: EntityIndex) -> list[str]:
    """The words with each period that dates a group of people put in one placeholder (an
    explained word), so the question's own period is the only one read; only where the people
    are named ("the Q2 class (Leah Brown, Mateo Garcia, ...)"): a group named by when it came
    and nothing else ("reps who joined this year") narrows the reps, which no tool does, and
    is asked about as before."""
    text = " ".join(words)
    if not re.search(r"\b(?:hires|class|starters|cohort|joiners|intake|recruits|hired|joined|"
                     r"started|onboarded|brought on|came on|came aboard)\b", text) or sum(
            m.dimension == Dimension.rep for m in index.exact(words, blocked=set())) < 2:
        return words
    text = COHORT_NOUN.sub("@cohort", text)
    text = COHORT_VERB.sub(lambda m: m[0] if re.search(
        r"\bsince(?: (?:he|she|they|we|i|you|\w+))?\s*$", text[:m.start()]) else "@cohort", text)
    return text.split()


def _prepare(question: str, as_of: date, calendar: FiscalCalendar, index: EntityIndex,
             kept: frozenset[int]) -> tuple[Reading, str] | tuple[Clarification, Reading | None]:
    """A text's reading before any plan (the same whichever tool is preferred), or the
    question back when its words already need one."""
    lex = lexicon()
    norm = normalize(crm_words(REQUEST_LABEL.sub("", question)))
    if not norm:
        return Clarification(question="What would you like to know?", options=EXAMPLES), None
    norm, knobs = take_options(norm, skip=kept)
    words = norm.split()
    reading = Reading(words=[], knobs=knobs, named=named_words(question))
    words = take_compare(words, reading)
    words = repair_typos(join_split(words, index, reading), index, reading)
    words, dated = _dated_names(words, index)
    words = _in_own_currency(words, index, reading.notes)
    if (other := _other_currency(words, index)) is not None:
        own = (index.currency or "").upper()
        return Clarification(
            question=f"Every amount is in {own}, the corporate currency, and no tool converts "
                     f"to {other.upper()}. Should I answer in {own}?",
            options=[re.sub(rf"\b{re.escape(other)}\b", own, question, count=1,
                            flags=re.I)], term=other,
            not_understood=[other]), reading
    words = _cohort_dates(words, index)
    words = tenure_dates(words, index, calendar, as_of, reading.notes)
    asks: list[str] = []
    if not any("min_stage" in k.rule.names.values() for k in knobs):  # ("at Proposal or
        # beyond - ignore the early-stage stuff": the knob's threshold said again)
        words = stage_positions(words, index, reading.notes, asks)
    if asks:  # "stage 7" where the dictionary has four open stages: asked, never dropped
        stages = open_stages(index)
        return Clarification(
            question=f"There is no {asks[0]}: the open stages, in order, are "
                     f"{', '.join(stages)}. Which did you mean?",
            options=stages, term=asks[0], not_understood=[asks[0]]), reading
    found = PeriodParser(as_of, calendar).extract(" ".join(words))
    if found.left_out or found.negated and len(found.periods) == 1:
        if isinstance(asked := _cut_out(found), Clarification):
            return asked, reading
    reading.periods, reading.as_of, reading.negated = found.periods, found.as_of, found.negated
    reading.pipeline_taken = found.pipeline_taken
    reading.yearless = found.yearless
    reading.in_text = [found.periods[k] for k in found.order] \
        if sorted(found.order) == list(range(len(found.periods))) else []
    reading.words = found.text.split()
    w = reading.words
    for i, word in enumerate(w):
        if word in dated:  # "the 'Webinar - Sep 2026' campaign": the name, not September
            m = dated[word]
            reading.entities.append(EntityMatch(i, i + 1, m.dimension, m.label, m.how, m.text))
    reading.named |= {a for a, b in zip(w, w[1:], strict=False) if b in KIND_AFTER and
                      a not in lex.words and a not in STOPWORDS and a.isalpha() and
                      a not in fillers()}  # ("the board deck product slide": no product)
    reading.take(0, 0)
    for i, word in enumerate(w):
        if word.startswith("@"):
            reading.take(i, i + 1)
    for s, e, entry in lex.find(w, {"grain", "metric", "modifier"}):
        if entry.kind != "grain":
            continue  # the word belongs to a metric phrase ("monthly recurring revenue") or
            # a modifier ("over the whole history": all time, not a trend)
        if set(w[e:e + 3]) & (MEETING_WORDS | DELIVERABLES):
            reading.take(s, e)  # "weekly process review": how often the writer meets;
            continue  # "the quarterly close pack": what the answer goes into
        if w[s] == "by" and w[e:e + 1] in (["end"], ["ends"]):
            continue  # "closing by year end": when, not a yearly series (not "at each month
            # end": monthly)
        if entry.value != "auto" or reading.grain is None:  # "quarterly trend" stays quarterly
            reading.grain = entry.value
        reading.take(s, e)
        for k in (s - 1, e):  # "monthly buckets", "one bucket per quarter": the grain's noun
            if 0 <= k < len(w) and w[k] in ("bucket", "buckets"):
                reading.take(k, k + 1)
    match_entities(reading, index, multiword=True)
    vote_metrics(reading)
    _vote_knobs(reading)
    cues = tuple(c for k in reading.knobs for c in knob_cues(k) if " " not in c)
    for i, word in enumerate(w):  # "two weeks of silence": the words naming a knob read
        if word not in lex.words and word.startswith(cues or ("\0",)):
            reading.take(i, i + 1)
    drop_gloss_votes(reading, question)  # "landing (bookings plus pipeline ...)": a gloss
    for s, e, entry in lex.find(masked(reading), {"dimension"}):
        if w[s:e] == ["who"] and s > 0 and w[s - 1] not in STOPWORDS and not (
                w[s - 1].endswith("s") and w[s + 1:s + 2] in (["has"], ["is"], ["was"])):
            continue  # "customers who were paying us": a relative pronoun, not "which rep"
            # (not "for Ava's reps: who has the most ...": a verb for one, the question)
        reading.dims.append((s, Dimension(entry.value), " ".join(w[s:e])))
        reading.take(s, e)
    match_entities(reading, index, multiword=False)
    _list_dimension(reading, index)
    _values_named_within(reading, index)
    _listed_with_value(reading, index)
    _reps_team(reading, index)
    _every_value_split(reading, index)
    drop_replaced(reading)
    unknown = _campaign_by_words(reading, index) or _unknown_named_value(reading, index) or \
        _unknown_value_after(reading, index) or resolve_leftovers(reading, index)
    if isinstance(unknown, Clarification):
        return unknown, reading
    return reading, norm












def vote_metrics(reading: Reading) -> None:
    """Let every metric phrase vote for the tools that list it.

    Words nothing in the vocabulary knows (a name, as in "Darcel's forecasts") are skipped, so
    a phrase can match across them; a phrase several tools share votes for each of them.
    """
    lex = lexicon()
    masked_words = masked(reading)
    kinds = value_kind_words()
    values = {i for e in reading.entities for i in range(e.start, e.end)} | \
        left_out_states(reading.words)
    for value in reading.entities:  # the word naming a value's kind is read with the words
        # around it ("responding to inbound leads": 'responding to leads'), the value apart
        for i in range(value.start + 1, value.end):
            if reading.words[i] in kinds.get(value.dimension.value, ()):
                values.discard(i)
                masked_words[i] = reading.words[i]
    negated = {i for i in range(1, len(masked_words)) if reading.words[i - 1] in (
        "no", "without") and reading.words[i] not in STOPWORDS and
        reading.words[i - 2:i - 1] != ["with"]}  # "reps with no Enterprise deals": a population
    keep = [i for i, x in enumerate(masked_words) if i in negated or i not in values and (
        x == "@" or x in lex.words or x in STOPWORDS)]  # "average <new business> deal"
    compact = ["@" if i in negated and masked_words[i] not in lex.words else masked_words[i]
               for i in keep]  # the word after "no" stays ("no renewal deals" is no "no deals")
    found = lex.find(compact, {"metric"})
    tools_of = [{x.value for x in lex.entries(compact[s:e]) if x.kind == "metric"}
                for s, e, _ in found]
    objects = _objects(compact, found, tools_of)
    for k in list(objects):  # "how did we do on the scorecard": a generic phrase has no object
        if phrase_text(compact[found[k - 1][0]:found[k - 1][1]]) in GENERIC_PHRASES:
            del objects[k]
    dim_spans = [(s, e) for s, e, _ in lex.find(compact, {"dimension"})]
    for k, (s, e, _) in enumerate(found):
        span = [keep[j] for j in range(s, e)]
        key = phrase_key(compact[s:e])
        phrase = phrase_text(key)
        inside = next((ds for ds, de in dim_spans if ds <= s and e <= de), None)
        if inside is not None and _split_listed(compact, inside, dim_spans):
            continue  # "error rate per integration", "by stage and forecast category": a
            # split, though it also names a metric
        if phrase in ("close", "closed", "closing") and compact[e:e + 1] in (["date"],
                                                                             ["dates"]):
            continue  # ("Sum of Amount where CloseDate = LAST_QUARTER": a field, no deal
            # closed; which deals are meant is asked)
        weight = 0.5 if phrase in WEAK_PHRASES | GENERIC_PHRASES else 0.9 if \
            phrase in POPULATION_PHRASES else float(len(key))  # "how did we do on the scorecard"
        for entry in {x.value: x for x in lex.entries(key) if x.kind == "metric"}.values():
            if k in objects and entry.value not in objects[k]:
                continue  # "the MAPE of the commit forecast": the forecast is what is measured
            boost = 3 if entry.value == "leaderboard" and phrase in TABLE_WORDS else \
                3 if _restated(masked_words, span[0]) else 0.25 if METHOD_BEFORE.search(
                    " ".join(reading.words[max(0, span[0] - 5):span[0]])) else 1
            # ("where will Q4 land at our historical win rates": the rates are the method)
            reading.votes[entry.value] = reading.votes.get(entry.value, 0) + weight * boost
            reading.said.setdefault(entry.value, []).append(phrase)
        if any(s < de and ds < e for ds, de in dim_spans):
            reading.in_dimension.add(phrase)
        if inside is not None and inside > 0 and compact[inside - 1] in ("which", "each", "every"):
            continue  # "which integration had the worst latency": it names the metric and the
            # split (left for the dimension reading)
        for i in span:
            reading.take(i, i + 1)
    _bind_measure_words(reading, compact, found, tools_of)
    if max(reading.votes.values(), default=0) <= 0.5:
        # only weak words ("sales") or none: a measure only one tool has names the tool ("what
        # was the ROI of each campaign", "how much are we wasting on unused seats")
        for s, e, _ in lex.find(masked(reading), {"measure"}):
            if any(i in values for i in range(s, e)):
                continue  # ("excluding anything that came in through partners": no measure)
            if all(w in STOPWORDS | BARE_NOUNS for w in reading.words[s:e]):
                continue  # "on average", "median": a statistic of any metric, naming none;
                # "leads", "contacts": what many tools count (the duplicate check's leads
                # are one of them)
            entries = lex.entries(reading.words[s:e])
            tools = {x.tool for x in entries if x.kind == "measure"}
            if len(tools) == 1 and all(x.kind == "measure" for x in entries):  # not "stage"
                (tool,) = tools
                assert tool is not None  # the lexicon builds every measure entry with its tool
                reading.votes[tool] = reading.votes.get(tool, 0) + 1.0
    _vote_long_measures(reading, compact, found)
    if SOURCED.search(" ".join(reading.words)) and (
            "campaign_sourced" in reading.votes or set(reading.votes) & set(SOURCED_OF)):
        for tool in SOURCED_OF:  # "which campaigns sourced the most closed-won revenue",
            # "marketing-sourced pipeline", "which campaigns generated the most pipeline": what
            # was sourced is the sourcing tool's measure
            weight = reading.votes.pop(tool, 0)
            reading.said.pop(tool, None)
            reading.votes["campaign_sourced"] = max(reading.votes.get("campaign_sourced", 0),
                                                    weight)


METHOD_BEFORE = re.compile(
    r"(?:\b(?:based on|using|applying|assuming)(?: (?:our|the|historical|historic|past|current|"
    r"typical|usual|normal|average))*|\b(?:at|from|with) (?:our |the )?(?:historical|historic|"
    r"past|typical|usual|normal))$")
"""Words before a metric the answer is computed from, not the one asked for."""


def _split_listed(words: list[str], start: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the dimension phrase at `start` is one of a list of splits after a split cue
    ("by stage and forecast category")."""
    ends = {e: s for s, e in spans}
    i = start
    while i > 0:
        if words[i - 1] in SPLIT_CUES:
            return True
        if words[i - 1] in ("and", "then", "plus") and i - 1 in ends:
            i = ends[i - 1]  # the dimension before the joining word
            continue
        return False
    return False


BARE_NOUNS = frozenset({"lead", "leads", "contact", "contacts", "account", "accounts", "user",
                        "users", "deal", "deals"})
"""Nouns of what is counted that alone name no measure of one tool."""
SOURCED = re.compile(r"\b(?:campaigns?|marketing|marketing's) (?:\w+ ){0,2}?(?:sourced|generated|"
                     r"drove|produced|brought in)\b|"
                     r"\bsourced (?:by|from) (?:marketing|campaigns?|our campaigns)\b")
SOURCED_OF = ("bookings", "opportunity_count", "open_pipeline")
"""Tools whose words ("closed-won revenue", "pipeline generated") name what campaigns or
marketing sourced, when the question says so."""
RANKED_BY = re.compile(r"\b(?:rank|ranked|ranking|sort|sorted|order|ordered)\b(?: \w+){0,3}? by ")
"""A ranking's own measure follows "ranked by"."""
LONG_MEASURE = 4
"""A measure phrase this long ("lost to customer churn") names its tool outright."""
DATE_FIELDS = frozenset({"close", "created", "creation", "create"})
"""Words naming a record's date field ("close date", "created date"): no period."""
MOMENT_WORDS = frozenset({"end", "start", "beginning", "ending", "opening", "closing"})
"""Words of a moment ("at the end of each quarter"): such a phrase says when, not what."""


def _vote_long_measures(reading: Reading, compact: list[str], found: list) -> None:
    """A long measure phrase of one tool, longer than every metric phrase the question has,
    votes for that tool by its length: "annual recurring revenue lost to customer churn" is
    the churn of the ARR waterfall, not the ARR balance."""
    lex = lexicon()
    longest = max((e - s for s, e, _ in found), default=0)
    for s, e, _ in lex.find(compact, {"measure"}):
        tools = {x.tool for x in lex.entries(compact[s:e]) if x.kind == "measure"}
        said = set(compact[s:e]) - ({"date", "dates"} if set(compact[s:e]) & DATE_FIELDS
                                    else set())  # "close date ... created": fields, no period
        if e - s >= LONG_MEASURE and e - s > longest and len(tools) == 1 and \
                not said & (PERIOD_WORDS | MOMENT_WORDS):  # not "at the end of"
            (tool,) = tools
            assert tool is not None
            reading.votes[tool] = reading.votes.get(tool, 0) + float(e - s)
            reading.said.setdefault(tool, []).append(phrase_text(compact[s:e]))


RESTATING = (("i", "e"), ("ie",), ("in", "other", "words"), ("that", "is"), ("namely",),
             ("aka",), ("meaning",))
"""Words that restate what was just asked ("..., i.e. pipeline coverage per team"): the
metric named after them is the one meant."""


def _restated(words: list[str], start: int) -> bool:
    return any(tuple(words[max(0, start - len(m)):start]) == m for m in RESTATING)


SPLIT_CUES = frozenset({"by", "per", "each"})
OF_WORDS = frozenset({"of", "the", "our", "a", "an", "this", "that", "these", "those", "its",
                      "their", "for", "using", "on"})
BINDING = frozenset({"of", "using", "on"})


PEOPLE_GROUPS = frozenset({Dimension.team})
TEAM_CUES = [["the"], ["for"], ["our"], ["on"], ["in"], ["of"], ["from"], ["by"], ["at"]]
"""Words before a team's name that put it where a filter goes ("for the Events team"; not
"(partner team reports those separately)", context)."""
DEAL_KINDS = frozenset({Dimension.lead_source, Dimension.deal_type, Dimension.product,
                        Dimension.product_family, Dimension.industry, Dimension.stage})
"""Kinds of a deal whose value never names a team: "the Events team" is a team the data may
lack, never the Event lead source."""


def _unknown_named_value(reading: Reading, index: EntityIndex) -> Clarification | None:
    """A word written as a name right before a kind of value ("for the Central region") that
    is no value of the data: asked about, even when the word is otherwise a filler."""
    taken = {i for e in reading.entities for i in range(e.start, e.end)}
    kinds = {p for p, _, _ in reading.dims}
    for e in reading.entities:  # "bookings for Enterprise Plus": a longer name than the value
        k = e.end  # it starts with, a join word written as a name's part ("Plus", not "plus")
        if reading.words[k:k + 1] == ["plus"] and "plus" in reading.named and \
                k + 1 not in taken:
            return _not_found(f"{e.text or e.label} plus", e.dimension, index)
    for pos, dim, _ in reading.dims:
        k = pos - 1
        held = next((e for e in reading.entities if e.end == pos and e.dimension != dim
                     and dim in NAMED_KINDS), None)
        if held is not None and held.start > 0 and (j := held.start - 1) not in taken and \
                reading.words[j] in reading.named and reading.words[j] not in STOPWORDS and \
                not index.partial(reading.words[j]):  # "the Central Enterprise team": a
            # team named with a segment's word in it, which the data lacks
            return _not_found(" ".join(reading.words[j:pos]), dim, index)
        if held is not None and dim in PEOPLE_GROUPS and held.dimension in DEAL_KINDS and \
                reading.words[held.start - 1:held.start] in TEAM_CUES:
            return _not_found(f"{held.text or held.label} {reading.words[pos]}", dim, index)
            # "the Events team": a team named by a lead source's word, which no team is
        if dim not in NAMED_KINDS or k < 0 or k in taken or k in reading.used and (
                k not in kinds or k - 1 < 0 or reading.words[k - 1] not in reading.named) or \
                reading.words[k] not in reading.named or reading.words[k] in STOPWORDS or \
                (reading.words[k] in ROLE_FILLERS and dim in (Dimension.manager, Dimension.rep)):
            continue  # "BDR manager": a role, not a manager's name (the "SDR team" is asked)
        word = reading.words[k]
        if index.partial(word) or not any(c.isalpha() for c in word):
            continue  # "Maria's team": a person's team, read with the names ("our #1
            # industry": a rank)
        if k in kinds:  # "the Data Platform product": a kind's word inside the name
            word = f"{reading.words[k - 1]} {word}"
        return _not_found(word, dim, index)
    return None


def _not_found(word: str, dim: Dimension, index: EntityIndex) -> Clarification:
    """Ask about a value of a kind the data lacks, offering its closest values."""
    return Clarification(
        question=f"I couldn't find '{word}' among the {dim.value.replace('_', ' ')} values in "
                 "the data. Did you mean one of these? (or ask without it)",
        options=[f"{label} ({d.value})" for d, label in index.nearest(word, dim)], term=word,
        not_understood=[word])


def _unknown_value_after(reading: Reading, index: EntityIndex) -> Clarification | None:
    """A word right after a kind named as a filter ("bookings for team blorp", "win rate in
    region zork") that is no value of the data, no word of the vocabulary and no filler: the
    value asked about, never dropped."""
    taken = {i for e in reading.entities for i in range(e.start, e.end)}
    words = reading.words
    for k, dim, text in values_after_kinds(reading):
        if dim not in NAMED_KINDS or k >= len(words) or k in taken or k in reading.used or \
                text.endswith("s"):
            continue
        word = words[k]
        if word in STOPWORDS or word in lexicon().words or word.startswith("@") or \
                word in fillers() or index.partial(word) or \
                not any(c.isalpha() for c in word) or word in NUMBERS:  # ("segment 2 ...")
            continue
        return _not_found(word, dim, index)
    return None


def _vote_knobs(reading: Reading) -> None:
    """A knob only some tools take names the first of them when no metric phrase speaks up
    ("open deals whose last touch was over 45 days ago" is the stale-deal cut-off)."""
    if max(reading.votes.values(), default=0) > 1:
        for found in reading.knobs:  # "scored the forecast as it stood 30 days into each
            # quarter ... how accurate": the knob's tool, named by the words of its name
            for tool in found.rule.names:
                if all(any(w.startswith(part[:5]) for w in reading.words)
                       for part in tool.split("_")):
                    reading.votes[tool] = max(reading.votes.values()) + 1.0
                    reading.said.setdefault(tool, []).append(found.text)
        return
    for found in reading.knobs:
        if found.rule.kind in ("int", "percent") and not found.rule.cues:
            tool = next(iter(found.rule.names))
            reading.votes[tool] = reading.votes.get(tool, 0) + 1.0
            reading.said.setdefault(tool, []).append(found.text)


def _objects(compact: list[str], found: list, tools_of: list[set[str]]) -> dict[int, set[str]]:
    """Metric phrases that are the object of another ("MAPE of the commit forecast",
    "accuracy of our forecasts"): match index -> the tools of the head they may still vote for.
    Phrases right after an object continue it ("the commit" + "forecast")."""
    objects: dict[int, set[str]] = {}
    for k in range(1, len(found)):
        gap = [w for w in compact[found[k - 1][1]:found[k][0]] if not w.startswith("@")]
        if compact[found[k][0]] in BINDING and found[k][1] - found[k][0] > 1:
            gap.append(compact[found[k][0]])  # "IQR of quota attainment": "of quota" binds too
        head = objects.get(k - 1)
        if head is not None and not gap:
            objects[k] = head
        elif set(gap) & BINDING and set(gap) <= OF_WORDS and not tools_of[k - 1] & tools_of[k] and \
                k - 1 not in objects and not _measure_of(compact[slice(*found[k - 1][:2])],
                                                          tools_of[k]):
            objects[k] = tools_of[k - 1]
    return objects


def _measure_of(head: list[str], tools: set[str]) -> bool:
    """Whether a head phrase says the amount of its object ("dollars of open pipeline": the
    pipeline's amount), not a metric measuring it ("MAPE of the forecast")."""
    return AMOUNT in lexicon().entries(head) and not tools & {
        x.value for x in lexicon().entries(head) if x.kind == "metric"}


AMOUNT = Entry("modifier", "amount")
"""'dollars', 'value', 'how much': the amount of whatever metric follows."""


def _bind_measure_words(reading: Reading, compact: list[str], found: list,
                        tools_of: list[set[str]]) -> None:
    """A word that is a measure of another voted tool modifies that tool ("risky pipeline
    dollars": the amount at risk), so its own vote as a metric ("dollars" = bookings) is
    withdrawn when that leaves a metric standing."""
    if len(reading.votes) < 2:
        return
    lex = lexicon()
    measures = {t: {(s2, e2) for s2, e2, _ in lex.find(compact, {"measure"}, t)}
                for t in reading.votes}
    for k, (s, e, _) in enumerate(found):
        phrase = " ".join(compact[s:e])
        for tool in tools_of[k]:
            binds = [t for t in measures if t != tool and t not in tools_of[k]
                     and t in reading.votes and (s, e) in measures[t]]
            if binds and reading.votes.get(tool, 0) > 0 and \
                    reading.said.get(tool) == [phrase]:
                del reading.votes[tool]
                del reading.said[tool]


DURATION = re.compile(
    r"\b(?:how (?:many|much) (?:more |fewer |less |extra )?(?:days|weeks|months|hours|minutes|"
    r"time)|how long|how quickly|"
    r"how fast|how soon|(?:days|weeks|time) (?:to|from|until|it takes)|average (?:days|time)|"
    r"number of days|days on average|take to|(?:average|avg|median|mean|typical) (?:number of )?"
    r"(?:days|weeks|hours|minutes|time)|(?:days|weeks|hours|minutes|time) (?:spent|taken|needed|"
    r"elapsed|sitting|sat|stuck)|(?:close|closes|closing|move|moves|convert|converts)"
    r"(?: (?:deals?|opps?|opportunities|business))?"
    r" (?:faster|slower|quicker|sooner|fastest|slowest|quickest)|(?:take|taking|takes|getting|"
    r"gotten|got|becoming) "
    r"(?:longer|shorter|slower|faster|quicker)|"
    r"(?:faster|slower|quicker|longer|shorter) to (?:close|win|convert)|"
    r"(?:take|takes|taking|took) (?:the )?(?:longest|shortest|most time|least time)|"
    r"(?:longest|slowest|quickest|fastest|shortest) to (?:close|win|convert))\b")
"""A question about how long something takes."""
CLOSING = re.compile(r"\b(?:to|until|till|before) (?:close|win|closing|winning|get|sign)\b|"
                     r"\b(?:close|win|closing) (?:a|the|our|each|an average) deals?\b")
"""How long until a deal closes: the sales cycle, unless stages are named."""
NO_ACTIVITY = re.compile(r"\b(?:without|no|not|never|zero)\s+(?:(?:had|seen|got|been)\s+)?"
                         r"(?:any\s+|recent\s+)?(?:activity|activities|touch|touches|touched|"
                         r"contact|contacted|updates?|updated)\b|\buntouched\b|\binactive\b")
"""Deals without activity: the complement of activity coverage, which is the stale share."""
COUNT_ASKED = re.compile(r"(?:\bhow many|\bnumber of|\bcount of|#\s*of|^count|\bcount the|"
                         r"\bcounts)\b|\b(?:most|fewest|least|more|fewer)\s+(?:\w+\s+){0,2}?"
                         r"(?:deals|opportunities|opps)\b")
"""Asking how many deals: a count, or a ranking by how many ("the most stale deals")."""
FASTEST = re.compile(r"\b(?:fastest|quickest|shortest|speediest|soonest)\b")
DURATION_TOOLS = frozenset({"sales_cycle", "time_in_stage", "speed_to_lead"})
JUDGED = re.compile(r"\b(?:best(?! case)|worst|strongest|weakest|healthiest|unhealthiest|poorest|"
                    r"struggling|lagging)\b")
"""Rank words that judge rather than measure: on a measure where less is better (days,
errors, slips: Tool.lower_is_better) the worst is the largest value."""
GOOD_SAID = re.compile(r"\b(?:(?P<least>least|less)|most|more) (?:fresh|current|up to date|"
                       r"healthy|reliable|stable|accurate|timely|responsive)\b|"
                       r"\b(?:freshest|healthiest|timeliest|most timely)\b")
"""A measure's goodness said as an adjective ("least fresh", "freshest"): on a measure where
less is better, which end that is."""
MAGNITUDE = re.compile(r"\b(?:highest|lowest|most|least|biggest|largest|smallest|fewest|"
                       r"longest|shortest|slowest|greatest|max|maximum|min|minimum|sortasc|"
                       r"sortdesc)\b")
"""Rank words that say which end of the values is meant, whatever is better."""
"""Tools measuring a duration: ranked fastest first, their smallest values come first."""
FAILED_MOST = re.compile(r"\b(?:missed|misses|miss|missing|failed|fails|fail|failing|breached|"
                         r"breaches|breach|blew|blows|blowing|lost|loses|lose)\b(?:\s+\w+){0,4}"
                         r"\s+(?:most|the most|most often|most frequently|most times)\b")
"""A rate of success ranked by how often it failed ("missed its SLA most often", "lost the
most"): its lowest values first."""
SUCCESS_RATES = frozenset({"ops_efficiency", "win_rate", "quota_attainment", "stage_conversion",
                           "lead_conversion", "technology_adoption", "data_quality"})
"""Tools measuring how often something succeeds (not counts of the failures themselves)."""
UNIT_OVER = {"q": "quarter over quarter", "w": "week over week", "m": "month over month"}
"""'QoQ', 'WoW', 'MoM' written out."""
STILL_TO_CLOSE = re.compile(r"\b(?:closing|due to close|set to close|slated to close|expected to "
                            r"close|not yet closed|yet to close|still open|due (?:in|this|next|"
                            r"by))\b")
"""Deals named by a close still ahead ("renewals closing this quarter", "due in Q4")."""
PAST_CLOSE = re.compile(r"\b(?:won|win|wins|lost|booked|closed)\b")
"""Words of deals already closed: beside them "closing" is not a close still ahead."""
TRENDED = re.compile(r"\b(?:trend|trends|trended|trending|over time)\b")
"""Words asking for a series rather than one comparison."""
NOT_CHANGE_UP = re.compile(r"\b(?:up to speed|ramp(?:s|ing|ed)? up|signs? up|signed up|set up|"
                           r"follow(?:ing)? up|catch up|up to date|end up|ended up|"
                           r"(?:dragging|dragged|drags|drag|pulling|weighing|letting|let)"
                           r"(?: us| the number| the team)? down)\b")
"""'Up' or 'down' that is no change ("fully up to speed", "past their ramp-up", "which
region is dragging us down": the weakest)."""
IMPROVED = re.compile(r"\b(?:improv\w*|grow\w*|grew|chang\w*|increas\w*|decreas\w*|declin\w*|"
                      r"drop\w*|better|worse|up|down)\b")
"""Words asking how a metric changed."""
DURATION_OF = {"opportunity_count": "sales_cycle", "bookings": "sales_cycle",
               "win_rate": "sales_cycle", "avg_deal_size": "sales_cycle",
               "open_pipeline": "sales_cycle", "pipeline_movement": "sales_cycle",
               "leaderboard": "sales_cycle", "stage_conversion": "time_in_stage",
               "bottleneck": "time_in_stage", "lead_conversion": "speed_to_lead",
               "duplicate_records": "speed_to_lead"}
"""The duration measure of what a question names: deals -> days to close, stages -> days in
stage, leads -> minutes to first touch (tools that are durations already are kept; the lead
counts of the duplicate check are the leads too)."""
RATE = re.compile(r"\b(?:rate|rates|ratio|percentage|percent|share|fraction|proportion|odds|"
                  r"likelihood|chance|"
                  r"how often)\b|\b(?:what|which) %|% of\b")
SLIPPED = re.compile(r"\b(?:slipped|slip|slips|pushed|rolled over|carried over)\b")
"""The pipeline's deals moving past their period's end (what a slip rate counts)."""
RATE_OF = {"pipeline_movement": (("slipped", "pushed_out"), "slipping_deals", "slip_rate")}
"""The rate measure of what is named: a share of the pipeline that slipped is the slip rate
(measures that are amounts of slipped deals -> the tool and measure of their rate)."""
COMPARED_VALUES = re.compile(r"\b(?:vs|versus|compared?|comparing|against|than|better|worse|"
                             r"differ\w*|different(?:ly)?|same (?:for|in|across|as)|"
                             r"difference|between|relative|outperform\w*|beat|"
                             r"which (?:one|of)|bigger|larger|smaller|higher|lower|faster|"
                             r"slower|longer|shorter|side by side|next to|alongside|split|"
                             r"broken out|" + EACH +
                             r"|each(?= (?:have|has|had|get|got|did|do|does|make|made|bring|"
                             r"brought|book|booked|close|closed|win|won|own|owns|hold|holds|"
                             r"logged|log|carry|carries))|respectively|"
                             r"who (?:\w+ ){0,3}?(?:more|less|fewer|further|farther|ahead|"
                             r"behind))\b")
"""Two values of one dimension named with one of these are compared side by side."""


SIZE = re.compile(r"\bhow (?:big|large|sizable|hefty) (?:\w+ ){0,5}?(?:deals?|wins?|contracts?|"
                  r"opportunit(?:y|ies)|opps?)\b|\b(?:average|avg|mean|typical) (?:size|value|"
                  r"amount|worth) of (?:an? |the |our |each )?(?:\w+ )?(?:won |closed )?"
                  r"(?:deal|win|contract|sale)s?\b|\b(?:deals?|wins?|contracts?) (?:\w+ ){0,4}?"
                  r"(?:bigger|larger|smaller)\b|\btimes (?:bigger|larger|smaller)\b|"
                  r"\bticket size\b")
"""("Are our won deals getting bigger than last year?", "enterprise deals are how many times
bigger than SMB deals")"""
SIZE_OF = frozenset({"bookings", "opportunity_count", "win_rate", "time_in_stage", "leaderboard"})
"""How big the (won) deals are: their average size, whatever else the words voted for."""


RATE_WORD = (r"(?<![\w%])(?:rate|ratio|share|percent|percentage|pct|proportion|fraction|%|odds|"
             r"chances?|likel(?:y|ihood)|how often|more often|less often)(?![\w%])")
WIN_SHARE = re.compile(
    rf"{RATE_WORD}(?: \w+){{0,10}}? (?:win|won|winning)\b|"
    r"\b(?:win|wins|winning|won|close|closes|closing) (?:a |the )?(?:bigger|larger|smaller|greater|"
    r"higher|lower) (?:share|percentage|percent|%|portion|fraction|proportion)\b|"
    r"\b(?:rate|ratio|share|percent|percentage|pct|proportion|fraction|better|worse) "
    r"(?:at |of |in )?(?:closing|close|closes)\b(?! (?:date|dates|amount|value|lost))|"
    r"\b(?:win|wins|won|winning|close|closes|closing) (?:at )?(?:a |the )?(?:higher|lower|better|"
    r"worse|best|worst|highest|lowest)\b(?! (?:amount|value|dollars|revenue|number|count))|"
    r"\b(?:win|wins|close|closes) (?:the )?(?:most|more|less|least) often\b")
"""How often deals are won, said in words ("the share we win", "closes at a higher rate", "most
likely to win", "better at closing"): the win rate of what is named, unless an amount is what
the rate is of ("what share of bookings ...")."""
AMOUNT_WORDS = frozenset({"bookings", "revenue", "pipeline", "pipe", "dollars", "dollar", "$",
                          "amount", "value", "money", "quota", "target", "arr"})
WIN_SHARE_OF = frozenset({"bookings", "opportunity_count", "stage_conversion"})
"""Tools whose words ("win", "closing", "deals") a win rate said in words also uses."""


_FORECAST = r"(?:forecasts?|commits?|calls|best case)"
FORECAST_JUDGED = re.compile(
    rf"\bhow (?:good|close|accurate|reliable|well|far off|right|wrong)\b(?: \w+){{0,5}}? "
    rf"{_FORECAST}\b(?! (?:for|of) (?:this|next|the current|the coming))|"
    rf"\b{_FORECAST}\b(?: \w+){{0,3}}? (?:been|come|came|were|was|proved|turned out) "
    r"(?:\w+ ){0,2}?(?:accurate|reliable|close|good|right|off|to what)\b|"
    rf"\b{_FORECAST}\b(?: \S+){{0,2}}? (?:vs|versus|against|compared to|compared with) "
    r"(?:the )?(?:actuals?|actual bookings|what (?:we|they) (?:actually )?(?:booked|closed))\b|"
    rf"\btrack record of (?:\w+ ){{0,2}}?{_FORECAST}\b")
"""Past forecasts judged against what happened ("how good have our forecasts been", "how close
did the sales forecast come to what got booked", "the commit vs actuals", "track record of the
commit"): the forecast's accuracy, not its roll-up."""


def _win_share_tool(tool: str | None, reading: Reading, norm: str) -> str | None:
    """The win rate, when the words ask how often deals are won (WIN_SHARE) and only the
    generic words of won deals voted otherwise ("most likely" of the forecast included)."""
    m = WIN_SHARE.search(norm)
    if m is None or set(m[0].split()) & AMOUNT_WORDS or _stages_named(reading, norm):
        return tool  # "from each stage, what share closed won": the stage conversion
    if tool in WIN_SHARE_OF or tool is None or (
            tool == "forecast_rollup" and set(reading.said.get(tool, [])) <= {"most likely"}):
        return "win_rate"
    return tool


PIPELINE_MADE = re.compile(r"\b(?:pipeline|pipe)\b")
COUNTED_DEALS = re.compile(r"\b(?:how many|number|count|counts|#|volume)\b|(?:\b(?:deals?|"
                           r"opportunit(?:y|ies)|opps?)\b)(?! (?:type|types|size|sizes|stage|"
                           r"stages|source|sources|owner|owners|category|categories)\b)")
"""Pipeline created is an amount ("pipe gen last quarter"); the deals created, or a count
of them, are counted ("by deal type" names a split, not the deals)."""


MONEY_UNITS = frozenset({"k", "m", "mm", "mn", "million", "millions", "thousand", "bn", "usd",
                         "dollar", "dollars", "eur", "euro", "euros"})
"""Units that make a threshold an amount of money."""
THRESHOLD_UNITS = MONEY_UNITS | {"%", "percent", "x", "times"}
THRESHOLD = re.compile(
    r"\b(?:under|over|above|below|more than|less than|at least|at most|greater than|"
    r"bigger than|larger than|smaller than|exceeding|upwards of|north of|south of|fewer than|"
    r"(?:(?<=booked )|(?<=closed )|(?<=won )|(?<=sold )|(?<=priced )|(?<=deals )|(?<=opps )|"
    r"(?<=opportunities ))(?:at|for|worth) (?=\$\d))"  # "booked at $0", "deals worth $50k"
    # (not "my deck has last quarter's bookings at $17.1M": a figure to check)
    r"\s*(?P<n>\$?\d[\d.]*)(?:\s*(?P<unit>"
    + "|".join(re.escape(u) for u in sorted(THRESHOLD_UNITS, key=lambda u: (-len(u), u)))
    + r"))?(?!\s*(?:days?|weeks?|months?|quarters?|years?|hours?|minutes?)\b)(?=\W|$)")
"""A threshold left after the periods and the tools' knobs are read ("deals under 50k",
"reps above 100% attainment"): no tool filters rows by a value; one on the answer's own figure
names the rows that meet it (_placed_threshold), any other is asked about."""


TOOK_DAYS = re.compile(r"\b(?:took|take|takes|taking|lasted|last|lasting|ran|run|running)\s+"
                       r"(?:longer|more|less|shorter|fewer|over|under)\s+than\s+\d+\s+days\b|"
                       r"\bwith (?:a )?(?:sales )?cycles? (?:of )?(?:longer|more|over|under|less|"
                       r"shorter) than \d+ days\b")
"""Deals narrowed by how long they took: no tool filters on it (a stale threshold is said as
time without activity, not as the length of a deal)."""


def _thresholds(norm: str) -> list[re.Match[str]]:
    """The thresholds that narrow rows: "improve by more than 30%", "up more than 30%" measure
    a change against a figure the answer shows, they narrow nothing; nor does a figure a claim
    is checked against ("is our win rate really above 35%?", "did Q3 bookings top $19.5M?"),
    which the answer's own number settles."""
    return [m for m in THRESHOLD.finditer(norm)
            if not IMPROVED.search(" ".join(norm[:m.start()].split()[-2:]))
            and norm[:m.start()].split()[-1:] != ["by"] and not _figure_checked(norm, m)]


CHECKED = re.compile(r"\b(?:is it true|is that (?:true|right|correct)|really|confirm|verify|"
                     r"claim|claims|claimed|fact check|validate|back it up|does that hold)\b")
"""Words of a claim to check: its figure is compared, not a filter."""
ROW_NOUNS = frozenset({"deals", "opps", "opportunities", "reps", "rep", "accounts", "customers",
                       "teams", "regions", "products", "sellers", "people", "leads", "logos",
                       "ones", "those", "anything", "everything", "segments", "industries",
                       "anyone", "anybody", "someone", "any", "with", "amount", "amounts",
                       "arr", "one"})


def _figure_checked(norm: str, m: re.Match[str]) -> bool:
    """Whether a threshold is the figure a claim gives for the whole number asked (no row
    noun right before it: "reps above 100%", "deals over 50k" narrow the rows)."""
    before = norm[:m.start()].split()[-4:]
    return bool(CHECKED.search(norm)) and not set(before) & ROW_NOUNS


def _no_threshold(condition: re.Match[str], norm: str) -> Clarification:
    """Ask back about a threshold no tool applies, offering the question without it."""
    said = condition[0].strip()
    rest = " ".join((norm[:condition.start()] + norm[condition.end():]).split())
    money = condition["n"].startswith("$") or condition["unit"] in MONEY_UNITS or len(
        condition["n"].split(".")[0]) >= 4
    hint = "split by segment to compare deal sizes" if money else "rank them to see who is " \
        "above or below it"
    return Clarification(
        question=f"I can't narrow the answer to '{said}': no tool filters by a threshold like "
                 f"that. Ask without it, or {hint}.",
        options=[rest, f"{rest} by segment" if money else f"{rest} ranked"], term=said,
        not_understood=[said])


def _not_took(took: re.Match[str], norm: str) -> Clarification:
    """Ask back about deals narrowed by how long they took (no tool filters on it)."""
    return Clarification(
        question=f"I can't narrow the answer to deals that {took[0]}: no tool filters deals "
                 "by how long they took. I can answer for all of them, or show the sales "
                 "cycle split the same way.",
        options=[" ".join((norm[:took.start()] + norm[took.end():]).split())],
        term=took[0], not_understood=[took[0]])


THRESHOLD_BARS = frozenset({"with", "having", "leave", "leaving", "exclude", "excluding",
                            "without", "ignore", "ignoring", "drop", "dropping", "except", "if"})
"""Words before a threshold that make it a bar on who or what is counted ("reps with more than
20 deals", "leave out reps below 20%"): no tool applies one."""
AFTER_FIGURE = frozenset({"this", "last", "next", "in", "for", "by", "on", "at", "during",
                          "so", "and", "or", "the", "ytd", "qtd", "mtd", "yet", "now", "today",
                          "please", "pls", "ever", "of", "per", "then", "across", "over",
                          "each", "every", "right", "as", "sortasc", "sortdesc", "sortworst"})
"""Words that may follow a bare number compared with the answer's figure ("who closed at least
10 last quarter"); any other word after it names what is counted ("more than 5 stale deals")."""
NOT_SIGN: dict[Sign, Sign] = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}
MAX_SPLITS = 2
"""Splits one answer holds (MetricParams.group_by): more are asked about, never cut."""
DAYS_TOOLS = frozenset({"sales_cycle", "time_in_stage"})
"""Tools whose figure is a number of days: "segments where the cycle runs longer than 90 days"
compares their own figure."""
ROW_NOUNS_DIMS = {
    **dict.fromkeys(("reps", "sellers", "salespeople", "aes", "people", "folks", "rep",
                     "seller"), "rep"),
    **dict.fromkeys(("managers", "manager"), "manager"), **dict.fromkeys(("teams", "team"), "team"),
    **dict.fromkeys(("regions", "region"), "region"),
    **dict.fromkeys(("territories", "territory"), "territory"),
    **dict.fromkeys(("products", "product"), "product"),
    **dict.fromkeys(("segments", "segment"), "segment"),
    **dict.fromkeys(("industries", "industry", "verticals", "vertical"), "industry"),
    **dict.fromkeys(("campaigns", "campaign"), "campaign"),
    **dict.fromkeys(("sources", "source"), "lead_source"),
    **dict.fromkeys(("accounts", "account", "customers", "customer", "logos", "logo"), "account"),
    **dict.fromkeys(("deals", "deal", "opps", "opp", "opportunities", "opportunity"),
                    "opportunity"),
    **dict.fromkeys(("stages", "stage"), "stage"),
    **dict.fromkeys(("integrations", "integration", "flows", "flow", "syncs", "sync", "tools",
                     "tool", "systems", "system"), "tool")}
"""What the rows a threshold narrows are, by the noun before it ("teams under 70%")."""
SINGULAR_AFTER = frozenset({"any", "each", "every", "which", "no", "a", "one"})
"""A singular row noun names the rows only after these ("is any integration above 2%")."""
DEAL_ATTRIBUTES = frozenset({"amount", "amounts", "acv", "tcv", "price", "discount"})
"""Words for a deal's own figures: a threshold after them bars deals."""
ANY_ROW = frozenset({"anyone", "anybody", "anything", "any", "ones", "which", "who", "whoever",
                     "whichever", "where", "those", "them", "everyone", "someone", "somebody"})
"""Words that point at the rows of the split without naming them ("anyone under 20%?")."""
OF_QUOTA = re.compile(r"\s*of (?:their |its |his |her |the |our |my )?(?:quota|target|plan|"
                      r"number)\b")
"""After a percentage, the figure it is a share of: "80% of quota" is the attainment."""


def _threshold_subject(norm: str, start: int) -> str | None:
    """The dimension of the rows the threshold before `start` is about, "*" for the split's
    rows unnamed ("anyone"), None when the clause names no rows (the one figure: "are we over
    90%?")."""
    clause = re.split(r"[.?!;:]|\s-+\s", norm[:start])[-1].split()
    for k in range(len(clause) - 1, max(len(clause) - 9, -1), -1):
        w = clause[k]
        if w in DEAL_ATTRIBUTES:
            return "opportunity"  # "open opps where amount > 100k": each deal's amount
        if w in ROW_NOUNS_DIMS and (w.endswith("s") or w == "people" or
                                    k and clause[k - 1] in SINGULAR_AFTER):
            return ROW_NOUNS_DIMS[w]
        if w in ANY_ROW:
            return "*"
    return None


def _placed_threshold(m: re.Match[str], norm: str, params: dict,
                      tool: str) -> Threshold | None:
    """A threshold compared with the answer's own figure: each row's when the words before it
    name the rows of the split (or a split the tool takes, added), the one figure's when they
    name none; None when it would narrow what the answer sums up ("deal size of deals over
    50k"), which is asked about."""
    said = " ".join(m[0].split())
    before = norm[:m.start()].split()
    if set(before[-8:]) & THRESHOLD_BARS:
        return None  # "for reps with more than 20 deals", "if we leave out reps below 20%": a
        # bar on who is counted, not a comparison of the answer's figure
    if "n" in m.groupdict():
        word = re.match(r"\w+(?: than| least| most| of)?", said)
        if word is None or word[0] in ("at", "for", "worth"):
            return None  # "deals worth $50k": a size, not a comparison
        if not m["unit"] and not m["n"].startswith("$") and \
                re.match(r"\s*[a-z]", norm[m.end():]) and \
                not re.match(rf"\s*(?:{'|'.join(sorted(AFTER_FIGURE))})\b", norm[m.end():]):
            return None  # "more than 5 stale deals", "over 40 calls a week": a count of
            # something else than the answer's figure
        unit, raw = m["unit"] or "", m["n"]
        number = float(raw.lstrip("$").rstrip(".")) * SCALES.get(unit, 1)
        kind: Unit = "ratio" if unit in ("%", "percent") else "multiple" if unit in (
            "x", "times") else "currency" if raw.startswith("$") or unit in MONEY_UNITS \
            else "number"
        if kind == "ratio":
            number /= 100
    else:  # "running longer than 90 days": the cycle's own days
        number, kind = float(re.findall(r"\d+", said)[-1]), "days"
        said = said.split(" ", 1)[1] if re.match(r"(?:took|take|takes|taking|lasted|last|"
                                                  r"lasting|ran|run|running) ", said) else said
    less = re.search(r"\b(?:under|below|less|fewer|smaller|shorter|south|at most)\b", said)
    op: Sign = ("<=" if "at most" in said else "<") if less else \
        ">=" if "at least" in said else ">"
    if before[-1:] == ["not"]:  # "which teams are not above 80%": the others
        op, said = NOT_SIGN[op], f"not {said}"
    group = params["group_by"]
    subject = _threshold_subject(norm, m.start())
    if subject is None or subject == "*":
        rows = bool(group)
        if subject == "*" and not group:
            return None  # "anyone above 30%?" with nothing split
    elif any(d.value == subject for d in group):
        rows = True
    elif not group and subject != "opportunity" and Dimension(subject) in TOOLS[tool].group_by:
        params["group_by"], rows = [Dimension(subject)], True  # "is any integration above 2%"
    else:
        return None  # "average deal size of deals over 50k": the deals are summed away
    of_quota = OF_QUOTA.match(norm[m.end():]) if kind == "ratio" else None
    return Threshold(said=said, op=op, value=number, unit=kind, rows=rows,
                     column="attainment" if of_quota else None)


def _stages_named(reading: Reading, norm: str) -> bool:
    return any(e.dimension == Dimension.stage for e in reading.entities) or any(
        d == Dimension.stage for _, d, _ in reading.dims) or "stage" in norm


def _measure_is_the_split(tool: str, params: dict, reading: Reading) -> bool:
    """Whether the only words naming the measure are the split's own words ("customers" is a
    count of customers, and the customers when the answer is split by customer)."""
    measure = params.get("measure")
    if not measure or not params["group_by"]:
        return False
    hits = [(s, e) for s, e, x in lexicon().find(reading.words, {"measure"}, tool)
            if x.value == measure]
    hits += [(i, i + 1) for i, w in enumerate(reading.words) if w in measure.split("_")]
    split_at = {p for p, d, text in reading.dims if d in params["group_by"]
                for p in range(p, p + len(text.split()))}
    return bool(hits) and all(set(range(s, e)) <= split_at for s, e in hits)


RETENTION_TOOLS = frozenset({"net_revenue_retention", "arr_waterfall"})
MOVEMENT_OF = {"new_business": "new", "expansion": "expansion", "contraction": "contraction"}
"""The ARR movement a deal type names on the recurring-revenue tools (METRICS M11-M13)."""
INCLUDED = re.compile(r"\b(?:expansions?|upsells?|upsell)\s+(?:included|counted|counts?|in)\b|"
                      r"\b(?:including|counting|with|plus|incl)\s+(?:both\s+)?(?:the\s+)?"
                      r"(?:expansions?|upsells?)\b")
"""Expansion said to be counted in ("upsell included", "counting expansions"): net retention."""
UNCOUNTED = re.compile(r"\bno credit (?:for|to) (?:the |any )?(?P<a>upsells?|expansions?)\b|"
                       r"\b(?P<b>upsells?|expansions?|new logos?|new business|new customers?)"
                       r"(?: deals?| arr| revenue)? (?:do|does|did|should|must|will) not"
                       r"(?: count| be counted| get counted)?\b|"
                       r"\b(?:ignoring|ignore|not counting|excluding) (?:any |the |all )?"
                       r"(?P<c>upsells?|expansions?)\b")
"""Deal types said not to count in a retention ("no credit for upsell", "new logos don't")."""
UNCOUNTED_TYPES = {"upsell": "expansion", "upsells": "expansion", "expansion": "expansion",
                   "expansions": "expansion", "new": "new_business"}
AVERAGE_ASKED = re.compile(r"\b(?:average|avg|mean|median|typical)\b")
RECURRING = re.compile(r"(?<!not )(?<!no )(?<!than )(?<!instead of )\b(?:arr|mrr|recurring "
                       r"revenue)\b")
"""Words naming recurring revenue (not "deals, not ARR movement"): a deal type beside them is
an ARR movement."""


YEAR_AGO_NOW = re.compile(r"\ba year ago\b.*\b(?:today|now|still|these days)\b|"
                          r"\b(?:today|now|still)\b.*\ba year ago\b")
"""The same customers' recurring revenue then and now ("of the ARR our customers had a year
ago, how much do they pay us today"): retention, whatever the words."""


def _retained(tool: str, params: dict, reading: Reading, norm: str) -> str:
    """Recurring revenue of a year ago set against today's, asked as one figure: the net
    revenue retention over the last twelve months (its default span), not today's balance."""
    if tool in ("arr", "arr_waterfall", "bookings", "opportunity_count") and \
            RECURRING.search(norm) and \
            YEAR_AGO_NOW.search(norm) and not params.get("group_by") and not reading.grain and \
            not params.get("compare") and not set(norm.split()) & COMPARE_WORDS:
        params.pop("measure", None)  # ("ARR today vs a year ago" compares two balances)
        reading.notes.append("read the recurring revenue of a year ago against today's as net "
                             "revenue retention")
        tool = "net_revenue_retention"
    period = params.get("period")
    if tool == "net_revenue_retention" and period is not None and period.start == period.end:
        params["period"] = None  # "do we still have today": where retention stands now, over
        # the twelve months to today (a one-day span retains nothing)
    return tool


def _deal_types_as_movements(tool: str, params: dict, reading: Reading, norm: str) -> str:
    """'Retention not counting expansion', 'new ARR from new customers': on the recurring-
    revenue tools a deal type names a movement of the ARR, not deals to keep or leave out:
    retention without expansion is the gross retention (METRICS GRR), new customers' ARR is the
    new movement, and a movement that has no expansion in it needs no exclusion; bookings or
    deals of such a type asked as ARR ("how much ARR did new logos bring in", "recurring revenue
    lost to downgrades") are that movement. Returns the tool."""
    typed = [f for f in filters(reading) if f.dimension == Dimension.deal_type]
    if not typed or any(v not in MOVEMENT_OF for f in typed for v in f.values):
        return tool
    spans = any((p.end - p.start).days >= 27 for p in reading.periods)  # not "today"
    if (tool in ("bookings", "opportunity_count") or (tool == "arr" and spans)) and \
            RECURRING.search(norm) and not any(f.exclude for f in typed) and \
            not COUNT_ASKED.search(norm) and not AVERAGE_ASKED.search(norm):  # (how many such
        # deals, or their average, are counts of deals; ARR held today is a balance)
        tool = "arr_waterfall"
        params.pop("measure", None)
    if tool not in RETENTION_TOOLS:
        return tool
    kept = {v for f in typed if not f.exclude for v in f.values}
    measure = params.get("measure")
    if tool == "net_revenue_retention":
        uncounted = {UNCOUNTED_TYPES[m.group(m.lastgroup or "").split()[0]]
                     for m in UNCOUNTED.finditer(norm)}
        kept -= uncounted  # "upsell counts, new logos don't": new logos are said to be out
        if "expansion" in uncounted and not kept and \
                measure in (None, "nrr", "logo_retention", "grr"):
            params["measure"] = measure = None  # (read as gross retention just below)
        elif uncounted == {"new_business"} and not kept:  # "new logos don't count": outside
            # retention anyway
            reading.entities = [e for e in reading.entities
                                if e.dimension != Dimension.deal_type]
            reading.notes.append("read the new customers said not to count as outside "
                                 "retention, as its definition has them")
            return tool
        if kept == {"expansion"} and INCLUDED.search(norm) and \
                measure in (None, "nrr", "logo_churn"):  # ("counting upsells and net of what
            params["measure"] = "nrr"  # we lost"): the net retention, which counts both
            note = "read 'expansion included' as net revenue retention"
        elif kept or measure not in (None, "nrr", "logo_retention", "grr"):
            return tool
        else:
            params["measure"] = "grr"
            note = "read 'without expansion' as gross revenue retention"
    else:
        moves = {MOVEMENT_OF[v] for v in kept}
        if len(moves) > 1 or (moves and measure not in (None, *moves)) or (
                not moves and measure in (None, "expansion")):
            return tool
        if moves:
            params["measure"] = moves.pop()
        note = f"read the deal type as the {params.get('measure')} movement of the ARR"
    reading.entities = [e for e in reading.entities if e.dimension != Dimension.deal_type]
    reading.notes.append(note)
    return tool


def _duration_tool(tool: str | None, reading: Reading, norm: str) -> str | None:
    """'How many days ...' asks for the duration of what is named (see DURATION_OF)."""
    if tool is None:  # "average days spent in negotiation": no metric word, a stage's duration
        if DURATION.search(norm) and re.search(r"\bleads?\b", norm):
            return "speed_to_lead"  # "median minutes from lead creation to first touch"
        return "time_in_stage" if DURATION.search(norm) and _stages_named(reading, norm) else None
    if tool == "sales_cycle" and _stages_named(reading, norm) and all(
            p in WEAK_PHRASES for p in reading.said.get(tool, [])):
        return "time_in_stage"  # "how long in proposal": only duration words voted the cycle
    if (tool not in DURATION_OF and tool != "time_in_stage") or not DURATION.search(norm):
        return tool
    if re.search(r"\bleads?\b", norm) and not _stages_named(reading, norm):
        return "speed_to_lead"  # "minutes from lead creation to first touch": the leads'
        # time to a first touch, whatever else the words voted for
    stages = _stages_named(reading, norm)
    if tool == "time_in_stage":  # "how long does it take on average to close a deal": no stage
        return tool if stages or not CLOSING.search(norm) else "sales_cycle"
    return "time_in_stage" if stages else DURATION_OF[tool]


UNANCHORED = re.compile(
    r"\b(?:the )?(?:(?:\d+|two|three|four|six|twelve|few) )?(?:quarters?|months?|weeks?|years?|"
    r"days?|qtrs?) (?:before|after|prior to|following) (?:that|it|then|this|those|him|her|them)\b|"
    r"\bfrom then\b|\bsince$|\bsince (?:he|she|they) (?:started|joined|began|arrived)\b|"
    r"\b(?:in |during )?(?:his|her|their) first (?:full )?(?:quarter|month|week|year)\b|"
    r"\bthe (?:quarter|month|week) (?:he|she|they) (?:started|joined)\b|"
    r"\b(?:before|after) (?:it|that|the \w+) (?:ended|started|began|launched|went live)\b|"
    r"\b(?:by|before|until|till|through) (?:the )?year[ -]?end\b")
"""A period fixed by an event or a period the question does not date ("the two quarters before
that", "since he started", "in his first full month", "since?", "by year end" where the fiscal
year is not the calendar year): asked, never dropped for the tool's default period."""


def _build_plan(reading: Reading, norm: str, as_of: date, calendar: FiscalCalendar,
                prefer: str | None = None) -> Plan | Clarification:
    """The plan of a reading; `prefer` names the tool instead of the vote (see
    _explaining_reading)."""
    if (anchor := UNANCHORED.search(norm)) and not reading.as_of and not reading.periods:
        return Clarification(  # "the two quarters before that", "since?", "from then until
            # today": a period fixed by something the question does not date, never dropped
            question=f"Which period do you mean? I can't tell from the question when "
                     f"'{anchor[0].strip()}' is; name the period or its dates.",
            options=["by fiscal year end", "by calendar year end"] if anchor[0].endswith("end")
            else ["last quarter", "this fiscal year", "the last 12 months"],
            term=anchor[0].strip(), not_understood=[anchor[0].strip()])
    tool = prefer or _choose_tool(reading, norm)
    if prefer is None:
        tool = _win_share_tool(_duration_tool(tool, reading, norm), reading, norm)
        if tool in ("forecast_rollup", "bookings") and FORECAST_JUDGED.search(norm):
            # ("how close did our forecasts come to what we booked": not the bookings)
            tool = "forecast_accuracy"
        if tool in SIZE_OF and SIZE.search(norm) and "open" not in norm.split():
            tool = "avg_deal_size"  # "how big were our new business deals on average"
    if tool is None:
        subject = ", ".join(e.label for e in reading.entities)
        question = (f"What would you like to know about {subject}?" if subject else
                    "I could not tell which metric you mean. Which of these?")
        options = EXAMPLES
        named = [p for p in lexicon().ambiguous if re.search(rf"\b{re.escape(p)}\b", norm)]
        if named and not reading.resembles:  # "what's our conversion rate?"
            return _which_of(max(named, key=len), norm)
        if reading.resembles:  # "recognition accuracy": say which word was not understood
            unknown = ", ".join(f"'{w}'" for w in reading.resembles)
            question = (f"I did not understand {unknown}, so I could not tell which metric you "
                        "mean. Which of these?")
            best = max(reading.votes.values(), default=0)
            options = [TOOLS[t].title for t, v in reading.votes.items() if v == best] or options
        return Clarification(question=question, options=options,
                             not_understood=list(reading.resembles))
    tool = _tool_taking_values(reading, tool)
    if prefer is None and (two := _two_asked(reading, tool)):
        return two
    found = _thresholds(norm)  # "reps above 100%": placed once the split is known
    condition = found[0] if found else None
    if (took := TOOK_DAYS.search(norm)) and tool not in DAYS_TOOLS:
        # "win rate for deals that took longer than 120 days"
        return _not_took(took, norm)
    if _only_number_nouns(reading, tool):  # "send me the numbers for Q3": which numbers?
        said = reading.said[tool][0].split()[-1]
        return Clarification(
            question=f"Which {said} would you like? I can give bookings, win rate, open "
                     "pipeline, quota attainment or the forecast for that scope.",
            options=["bookings", "win rate", "open pipeline", "quota attainment", "forecast"],
            term=said, not_understood=[said])
    if (which := _ambiguous(reading, tool, norm)) is not None:
        return which
    if _vague(reading, tool):
        return Clarification(
            question="Which number would you like? For example bookings, win rate, pipeline "
                     "or quota attainment, for a period, team or region.", options=EXAMPLES)
    params: dict = {}
    _drop_plain_words_read_as_values(reading, tool)
    measure = _booked_per_head(tool, _choose_measure(tool, reading, norm), norm)
    if measure is None and "count" in TOOLS[tool].measures[1:] and COUNT_ASKED.search(norm):
        measure = "count"  # "how many open deals have gone stale", "the most stale deals"
    if tool == "opportunity_count" and measure in ("won", "closed", "lost") and \
            RATE.search(norm):  # "the share of deals won", "closing at a better rate"
        staged = any(e.dimension == Dimension.stage for e in reading.entities)
        # "of the deals that reach Proposal, what share are won": conversion from that stage
        tool, measure = ("stage_conversion", "stage_to_won") if staged else ("win_rate", None)
    if tool == "bookings" and RATE.search(norm) and _stages_named(reading, norm) and \
            re.search(r"\b(?:win|won|wins)\b", norm):
        # "of the deals that got to Negotiation, what percentage closed won": from that stage
        tool, measure = "stage_conversion", "stage_to_won"
    if tool == "bookings" and RATE.search(norm) and set(norm.split()) & DEAL_WORDS and \
            re.search(r"\b(?:win|won|wins)\b", norm) and all(
                p in WEAK_PHRASES for p in reading.said.get(tool, [])):
        tool, measure = "win_rate", None  # "what share of the deals we closed did we win"
    if tool == "activity_metrics" and measure is None and RATE.search(norm) and \
            "open" in norm.split() and not NO_ACTIVITY.search(norm):
        measure = "coverage"  # "what share of open deals saw activity": the coverage
    if tool == "activity_metrics" and measure in (None, "coverage") and NO_ACTIVITY.search(norm):
        # deals *without* activity: the stale share, or how many ("number of open deals ...")
        tool, measure = "stale_deals", "count" if COUNT_ASKED.search(norm) else \
            "amount" if _has_modifier(norm, "amount") else None  # "how much pipe": its value
    if tool == "opportunity_count" and (measure == "won_amount" or measure == "won" and re.match(
            r"\W*what (?:did|have|has) (?:we|they|\w+) (?:actually |really )?(?:sign|signed|"
            r"land|landed|win|won|close|closed)\b", norm) and not COUNTED_DEALS.search(norm)):
        tool, measure = "bookings", None  # the value of deals won is bookings, the metric of
        # record ("what did we actually sign last quarter": what it was worth)
    if tool in RATE_OF and RATE.search(norm) and measure in RATE_OF[tool][0]:
        tool, measure = RATE_OF[tool][1:]  # "what share of the pipeline slipped": a slip rate
    elif tool == "open_pipeline" and RATE.search(norm) and SLIPPED.search(norm):
        tool, measure = "slipping_deals", "slip_rate"  # "... of the pipeline got pushed past"
    measure = _contrasted(tool, measure, norm)
    if measure:
        params["measure"] = measure
        if reading.grain and _measure_says_grain(tool, measure, norm, reading.grain):
            reading.grain = None  # "velocity per quarter": the measure's unit, not a trend
    period = _choose_period(reading, calendar, as_of, tool)
    if isinstance(period, Clarification):
        return period
    period = _ahead(period, tool, norm, reading.as_of or as_of, calendar,
                    params.get("measure"))
    period = _year_to_date(period, tool, norm, calendar, reading.as_of or as_of)
    whole = _whole_plan(period, tool, norm, calendar, reading.as_of or as_of)
    if whole is not period and whole is not None:
        reading.notes.append(f"read '{period.label if period else ''}' as the bookings to date "
                             f"against the quota of the whole {whole.label}")
        period = whole
    if period is not None:
        params["period"] = PeriodParam.of(period)
    over = re.search(r"\b(week|month|quarter) (?:over|on) \1\b", re.sub(
        r"(?<=\w )(?:(q)oq|(w)ow|(m)om)\b", lambda m: UNIT_OVER[(m[1] or m[2] or m[3])], norm))
    # (not a leading "wow, how does our win rate compare": an exclamation)
    if over and reading.compare and period is not None and \
            period.days > 1.5 * UNIT_DAYS[over[1]] and not reading.grain:
        # "week over week for October": a month in weeks, a trend rather than one comparison
        reading.grain, reading.compare = over[1], None
    elif over and reading.compare and not reading.periods and (TRENDED.search(norm) or (
            tool in TOOLS and TOOLS[tool].series and not reading.as_of and not reading.dims)):
        # "NRR trended quarter over quarter", "is win rate getting better? qtr over qtr",
        # "speed to lead week over week": with no period named, the trend by that unit over the
        # tool's own window (each bucket beside the one before), not this unit against the last
        reading.grain, reading.compare = over[1], None
        params.pop("period", None)
        period = None
        reading.notes.append(f"read '{over[0]}' with no period named as a trend by {over[1]}")
    if tool == "rep_productivity" and IMPROVED.search(NOT_CHANGE_UP.sub("", norm)):
        tool = "productivity_improvement"  # how productivity changed: the improvement metric
        params.pop("measure", None)
    if reading.compare is None and period is not None and (
            up := UP_ON.search(NOT_CHANGE_UP.sub(lambda m: " " * len(m[0]), norm))):
        # "what did we close last quarter, and is that up or down on the same quarter a year
        # ago?": the period set against the one before it, or the year before
        reading.compare = "previous_year" if YEAR_BACK.search(norm[up.end():]) else \
            "previous_period"
    if reading.compare and reading.compare in TOOLS[tool].measures:
        params["measure"] = reading.compare  # the tool measures the change against that base
    elif reading.compare:
        params["compare"] = reading.compare
    _fit_generic_dimensions(reading, tool)
    share = WIN_SHARE.search(norm) if tool == "win_rate" else None  # "winning a bigger share
    # of our deals": how often, no ranking of the deals ("wins most often" ranks the values)
    share = None if share is not None and "often" in share[0] else share
    group, top, order = grouping(reading, norm if share is None else
                                 f"{norm[:share.start()]} {norm[share.end():]}", tool)
    group += [d for d in _split_in_phrase(reading, tool) if d not in group][:2 - len(group)]
    group = [d for d in group if not _measure_unit(d, group, tool, measure, norm)]
    if reading.grain:
        params["time_grain"] = _grain(reading.grain, period)
        aligned = _whole_buckets(period, params["time_grain"], calendar, as_of)
        if aligned is not None:
            period = aligned
            params["period"] = PeriodParam.of(aligned)
    if group and group[0] in UNIT_WORDS:
        params["time_grain"] = group[0]
        group = []
    if group == [Dimension.opportunity.value] and tool == "open_pipeline" and \
            "period" not in params:
        params["all_time"] = True  # "my 5 biggest open deals": open ones, whatever their close
    if tool == "opportunity_count" and measure in ("closed", "closed_amount") and \
            period is not None and period.end > (reading.as_of or as_of) and \
            STILL_TO_CLOSE.search(norm) and not PAST_CLOSE.search(norm):
        measure = "open_amount" if measure.endswith("amount") else "open"  # "the deals in
        # Negotiation closing this quarter": still open, none of them closed yet
    if group == [Dimension.opportunity.value] and tool in ("opportunity_count",
                                                           "avg_deal_size"):
        tool, measure = _deal_list_tool(tool, measure or "open")
        params["measure"] = measure
        if tool == "open_pipeline" and "period" not in params:
            params["all_time"] = True
    elif tool == "opportunity_count" and "period" in params and (
            measure in ("open", "open_amount") or (
                measure in ("closed", "closed_amount") and period is not None and
                period.start > (reading.as_of or as_of))):
        # open deals "closing this quarter", deals "closing in the next 2 weeks" (none has
        # closed yet): the open pipeline of that close-date window
        tool, params["measure"] = "open_pipeline", "amount" if measure.endswith("amount") \
            else "count"
    elif tool in ("bookings", "opportunity_count") and period is not None and \
            period.end > (reading.as_of or as_of) and STILL_TO_CLOSE.search(norm) and \
            max((v for t, v in reading.votes.items() if t == tool or reading.said.get(t)),
                default=0) <= 0.5 and not PAST_CLOSE.search(norm):
        # (not "how many are won"; a vote of a word read as a value, "an expansion deal", is
        # no metric named)
        # "renewals closing this quarter", "renewals not yet closed that are due in Q4": deals
        # still to close in a window not over yet, named by no metric, are the open pipeline
        count = bool(re.search(r"\b(?:how many|number of|count)\b", norm))
        tool, params["measure"] = "open_pipeline", "count" if count else "amount"
        reading.notes.append("read the deals still to close in that window as the open "
                             "pipeline")
    if not group and Dimension.rep in TOOLS[tool].group_by and _their_reps_ranked(reading, norm):
        group = [Dimension.rep.value]  # "attainment for Ravi Wang's reps, worst first": each
        reading.notes.append("read the manager's reps, ranked, as one row per rep")  # of them
    params["group_by"] = [Dimension(g) for g in group]
    if _measure_is_the_split(tool, params, reading):
        params.pop("measure")  # "our 5 biggest customers by ARR": ranked by the ARR, not by
        # the count of customers the word "customers" names elsewhere
    tool = _deal_types_as_movements(_retained(tool, params, reading, norm), params, reading,
                                    norm)
    unsupported = _unsupported(tool, params["group_by"], reading)
    if unsupported:
        return unsupported
    if top:
        params["top"] = top
    if FASTEST.search(norm) and (tool in DURATION_TOOLS or params.get("measure") == "cycle"):
        order = "asc"  # the fastest cycle is the fewest days
    elif (params.get("measure") or TOOLS[tool].measures[0]) in TOOLS[tool].lower_is_better:
        order = _judged_order(norm, order)  # the worst latency is the longest
    elif tool in SUCCESS_RATES and FAILED_MOST.search(norm):
        order = "asc"  # "which request type missed its SLA most often": the lowest rate met
    params["order"] = order
    params["filters"] = filters(reading)
    if tool == "forecast_rollup" and Dimension.opportunity in params["group_by"] and (
            named := [label for word, label in CATEGORY_WORDS.items() if re.search(
                rf"\b{word}\b", norm)]) and not re.search(
            rf"\b(?:not|isn t|aren t|except|excluding|other than|but)(?: in)? "
            rf"(?:{'|'.join(CATEGORY_WORDS)})\b", norm):
        # "every commit deal NA Enterprise has closing this quarter": the open deals in that
        # category, one row each (the roll-up by deal lists every deal of the forecast)
        tool = "open_pipeline"
        params.pop("measure", None)
        if not any(f.dimension == Dimension.forecast_category for f in params["filters"]):
            params["filters"].append(Filter(dimension=Dimension.forecast_category,
                                            values=sorted(set(named))))
        reading.notes = [n for n in reading.notes if "not the forecast category" not in n]
        reading.notes.append(f"read the deals in {' and '.join(sorted(set(named)))} as the "
                             f"open pipeline of that forecast category, deal by deal")
    if params.get("compare") == "previous_period" and period is not None and \
            period.start == calendar.year_start(period.start) and \
            period.end <= calendar.year(calendar.fiscal_year(period.start)).end and all(
                calendar.bucket(period.start, g).end != period.end for g in ("month", "quarter")):
        # the period before a fiscal year, its first half or its year to date is that span a
        # year earlier (tools.metrics.core.periods.comparison_period): say so
        params["compare"] = "previous_year"
    _compare_values(params, tool, norm, defaulted=tool == "leaderboard" and not any(
        d == Dimension.rep for _, d, _ in reading.dims), examples=_examples(reading))
    params["filters"] = _examples_dropped(params["filters"], params["group_by"], reading)
    _each_listed(params, tool, norm, reading)
    _ranked_among(params, tool, norm, reading)
    if doubt := _inclusion_doubted(params["filters"], reading):
        return doubt
    if doubt := _exclusion_unplaced(params, tool, reading):
        return doubt
    if (_has_modifier(norm, "all_time") or TOOLS[tool].comparable and
            re.search(r"\bhistorically\b", norm)) and "period" not in params:
        params["all_time"] = True  # ("historically, how long does it take us to close":
        # every close date; a forecast's history is its own quarters)
    params["options"], read = options_for(tool, reading.knobs)
    reading.notes.extend(read)
    _today_is_now(params, tool, as_of, reading)
    threshold = None
    if placed := condition or took:
        threshold = None if len(found) > 1 else _placed_threshold(placed, norm, params, tool)
        # (two thresholds, "win rate over 30% with more than 10 closed deals": the answer can
        # name the rows of one figure only, so both are asked about)
        if threshold is None:
            return _no_threshold(placed, norm) if condition else _not_took(placed, norm)
        reading.notes.append(f"named the rows that are {threshold.said}, beside the whole "
                             f"table" if threshold.rows else f"said whether the figure is "
                             f"{threshold.said}")
    as_of_day = reading.as_of
    if as_of_day is not None and reading.pipeline_taken and \
            "snapshot" in TOOLS[tool].options and "snapshot" not in params["options"]:
        # "Q3 slip rate, taking the pipeline as it stood on July 15": the day the tool takes
        # its pipeline on (its snapshot), not a day to answer as of
        params["options"]["snapshot"] = as_of_day.isoformat()
        if not reading.periods:  # "which deals slipped from the pipe as it stood on Sep 1":
            # the quarter that pipeline was to close in
            params["period"] = PeriodParam.of(calendar.bucket(as_of_day, "quarter"))
        reading.notes.append(f"read the pipeline as it stood on {as_of_day} as snapshot = "
                             f"{as_of_day}")
        as_of_day = None
    if len(params["group_by"]) > MAX_SPLITS:  # "by segment, team and region": two axes at most
        split = [d.value.replace("_", " ") for d in params["group_by"]]
        return Clarification(
            question=f"I can split an answer by two things at a time, not {len(split)} "
                     f"({', '.join(split)}). Which two?",
            options=[f"by {a} and {b}" for i, a in enumerate(split) for b in split[i + 1:]])
    return Plan(tool=tool, params=MetricParams(**params), as_of=as_of_day,
                notes=reading.notes, threshold=threshold)


NUMBER_NOUNS = phrase_set({"numbers", "the numbers", "figures", "the figures", "results",
                           "the results", "stats", "metrics", "kpis"})
"""Nouns that say a number is wanted, never which one."""


def _only_number_nouns(reading: Reading, tool: str) -> bool:
    """'Numbers for the enterprise guys last quarter': a scope, and no word naming a number
    (a period, team or split narrows which deals, not which measure of them)."""
    said = reading.said.get(tool, [])
    return bool(said) and all(p in NUMBER_NOUNS for p in said) and len(reading.votes) == 1


def _ambiguous(reading: Reading, tool: str, norm: str) -> Clarification | None:
    """'What's our churn?': a metric word that alone names several metrics, with no measure
    word beside it, asks which (vocabulary.toml [ambiguous])."""
    said = reading.said.get(tool, [])
    offered = lexicon().ambiguous
    words = norm.split()
    measures = [phrase_text(words[s:e]) for s, e, _ in lexicon().find(words, {"measure"}, tool)]
    if not said or len(reading.votes) > 1 or any(p not in offered for p in said + measures):
        return None  # "logo churn", "how much ARR did we churn": the word is qualified
    return _which_of(said[0], norm)


def _which_of(word: str, norm: str) -> Clarification:
    """Ask which metric an ambiguous word means, each option the question with that metric."""
    options = [re.sub(rf"\b{re.escape(word)}\b", option, norm, count=1)
               for option in lexicon().ambiguous[word]]
    return Clarification(question=f"'{word}' can mean several numbers. Which one?",
                         options=options, term=word)


def _vague(reading: Reading, tool: str) -> bool:
    """'How are we doing?' alone names no number, period, value or split: ask which one
    (with any of those, the headline number of that scope is read)."""
    said = reading.said.get(tool, [])
    return bool(said) and all(p in GENERIC_PHRASES for p in said) and len(reading.votes) == 1 \
        and not (reading.periods or reading.entities or reading.dims or reading.grain or
                 reading.compare)


def _examples(reading: Reading) -> set[Dimension]:
    """Dimensions whose values are listed as examples: the list ends in 'etc' ("inbound,
    partner, events etc")."""
    return {e.dimension for e in reading.entities
            if "etcetera" in reading.words[e.end:e.end + 2]}


def _compare_values(params: dict, tool: str, norm: str, defaulted: bool = False,
                    examples: set[Dimension] | None = None) -> None:
    """Two values of one dimension compared ("SMB vs enterprise", "is EMEA better than APAC")
    are split by that dimension, each value its own row, still filtered to both."""
    group = params["group_by"]
    if len(group) < 2 and examples:  # "by where the deal came from - inbound, partner,
        for f in params["filters"]:  # events etc": examples of the split, not a filter
            if not f.exclude and len(f.values) >= 2 and f.dimension in examples and \
                    f.dimension in TOOLS[tool].group_by and (not group or group == [f.dimension]):
                params["group_by"] = [f.dimension]
                params["filters"] = [g for g in params["filters"] if g is not f]
                return
    said = SPLIT_BY.sub(" ", norm) if group else norm  # "in Proposal or Negotiation, split by
    if len(group) >= 2 or not COMPARED_VALUES.search(said):  # team": the split is the team
        return
    for f in params["filters"]:
        if not f.exclude and len(f.values) >= 2 and f.dimension not in group and \
                f.dimension in TOOLS[tool].group_by:
            if defaulted and group == [Dimension.rep]:
                group.clear()  # the leaderboard's own default split gives way to the values
            group.append(f.dimension)
            params.pop("top", None)
            return


GENERIC_DIMENSION_WORDS = {
    "type": (Dimension.deal_type, Dimension.activity_type, Dimension.request_type),
    "types": (Dimension.deal_type, Dimension.activity_type, Dimension.request_type),
    "category": (Dimension.forecast_category, Dimension.request_type),
    "categories": (Dimension.forecast_category, Dimension.request_type),
}
"""Words that name a different dimension depending on the tool ("activities by type")."""


def _fit_generic_dimensions(reading: Reading, tool: str) -> None:
    allowed = TOOLS[tool].group_by
    for k, (pos, dim, text) in enumerate(reading.dims):
        options = GENERIC_DIMENSION_WORDS.get(text, ())
        if dim not in allowed and options:
            fit = next((d for d in options if d in allowed), None)
            if fit is not None:
                reading.dims[k] = (pos, fit, text)


KINDS_WITHIN = {"teams": Dimension.team, "territories": Dimension.territory}
"""Plural kind words after a value of another kind: the values whose names hold it."""


def _values_named_within(reading: Reading, index: EntityIndex) -> None:
    """'the two EMEA teams', 'both enterprise teams': a value of one kind (a region, a
    segment) before the plural of another names the values of that kind holding it (EMEA
    Commercial and EMEA Enterprise), never the region or segment itself."""
    for e in list(reading.entities):
        kind = KINDS_WITHIN.get(reading.words[e.end] if e.end < len(reading.words) else "")
        if kind is None or e.dimension == kind:
            continue
        listed = [e]  # "NA and EMEA teams": every value of the list, each its teams
        while (before := next((x for x in reading.entities if x.dimension == e.dimension and
                               x not in listed and 0 < listed[0].start - x.end <= 1 and all(
                                   w in ("and", "or", "&", "plus") for w in
                                   reading.words[x.end:listed[0].start])), None)):
            listed.insert(0, before)
        members = [index.containing(kind, reading.words[x.start:x.end]) for x in listed]
        if any(not m for m in members) or len({m for ms in members for m in ms}) < 2:
            continue
        for x in listed:
            reading.entities.remove(x)
        reading.entities += [EntityMatch(x.start, e.end + 1, kind, label, "partial",
                                         f"{x.text or x.label} {reading.words[e.end]}")
                             for x, ms in zip(listed, members, strict=True) for label in ms]
        reading.notes.append(f"read '{' '.join(reading.words[listed[0].start:e.end + 1])}' as "
                             f"{kind.value} {', '.join(m for ms in members for m in ms)}")
        reading.take(listed[0].start, e.end + 1)


BOTH_JOINS = frozenset({"and", "also", "plus", "as", "well"})
NOT_BOTH = frozenset({"vs", "versus", "compared", "against", "than", "per", "over", "to", "of",
                      "into", "from", "in", "on", "for", "by"})
"""Words between two metrics that relate them (a ratio, a comparison, one of the other) rather
than list two questions."""


def _two_asked(reading: Reading, tool: str) -> Clarification | None:
    """'Win rate and pipeline coverage for EMEA', 'give me ARR and NRR for APAC': two metrics
    of two tools listed together are two questions; one answer would drop the other, so which
    comes first is asked (not the closed-deal metrics the leaderboard shows side by side)."""
    lex = lexicon()
    words = reading.words
    spans = []
    for s, e, _ in lex.find(words, {"metric"}):
        tools = {x.value for x in lex.entries(words[s:e]) if x.kind == "metric"}
        phrase = phrase_text(phrase_key(words[s:e]))
        if tools and phrase not in WEAK_PHRASES | GENERIC_PHRASES:
            spans.append((s, e, tools))
    for (s1, e1, t1), (s2, e2, t2) in zip(spans, spans[1:], strict=False):
        between = words[e1:s2]
        if not between or len(between) > 3 or not set(between) & {"and", "plus", "also"} or \
                set(between) - BOTH_JOINS - {"the", "our", "their", "its", "a", "an"} or \
                set(between) & NOT_BOTH or t1 & t2 or tool not in t1 | t2 or \
                t1 | t2 <= set(CLOSED_DEAL_TOOLS) | {"leaderboard", "opportunity_count"}:
            continue
        other = words[s2:e2] if tool in t1 else words[s1:e1]
        if all(defined(w, words, tool, None) or w in STOPWORDS for w in other):
            continue  # ("open pipeline and weighted pipeline": one tool shows both)
        first, second = sorted(t1)[0], sorted(t2)[0]
        a, b = TOOLS[first].title, TOOLS[second].title
        return Clarification(
            question=f"You asked for two numbers, {a.lower()} and {b.lower()}; I answer one at "
                     "a time. Which first?", options=[a, b],
            term=" ".join(words[s1:e2]), not_understood=[])
    return None


CATEGORY_WORDS = {"commit": "commit", "committed": "commit", "best case": "best_case",
                  "upside": "best_case"}
"""Forecast categories as people name them on a list of deals ("the commit deals")."""
HOLDERS = DEAL_WORDS | {"opps", "opp", "pipeline", "pipe", "open"}
"""Words before "in <value>" that say the deals are held in it ("open deals in commit")."""


SHARE = re.compile(r"\b(?:(?:share|shares|percent|percentage|pct|proportion|portion|"
                   r"fraction) (?:of|from|came|comes|come|is|are|was|were)\b|majority|"
                   r"(?:more|less|over|under) than half\b|half of\b)|%(?= (?:of|from|"
                   r"came|comes|is|are|was|were)\b)")
"""Words asking what part of a whole some values make ("what share of bookings came from
EMEA", "EMEA % of total bookings", "is Core Platform more than half of our ARR"); not "how
much of the pipe came from outbound", which asks the amount."""
PART_WORDS = frozenset({"from", "is", "are", "was", "were", "be", "being", "by"})
"""Words before the values a share asks about ("came from Partner", "is in EMEA")."""
ADDITIVE = frozenset({"bookings", "leaderboard", "open_pipeline", "weighted_pipeline",
                      "opportunity_count", "arr", "mrr"})
"""Tools whose figures add up over a split: the whole is the sum of its parts, so a part's
share is its row over the total (rates and ratios are shares themselves)."""


def _share_split(plan: Plan, reading: Reading) -> Plan:
    """A share of a whole split by the kind of the values it asks about, the whole kept: "what
    share of Core Platform bookings came from Enterprise" is Core Platform's bookings by
    segment (Enterprise's row and the total beside it), never Enterprise's bookings alone,
    which would answer another question. Bookings read as the leaderboard, whose rows carry
    each one's share of the total."""
    text = " ".join(reading.words)
    if not (cue := SHARE.search(text)):
        return plan
    if plan.tool == "rep_productivity" and plan.params.measure in (None, "bookings_per_rep") and \
            re.search(r"\bper rep\b", text) and not plan.params.group_by:
        # "share of bookings per rep": each rep's share, a split by rep (a share of an average
        # per rep would be no share)
        plan = plan.model_copy(update={"tool": "bookings", "params": plan.params.model_copy(
            update={"measure": None, "group_by": [Dimension.rep]})})
    if plan.tool not in ADDITIVE:
        return plan
    cue_at = len(text[:cue.start()].split())

    def part(e: EntityMatch) -> bool:  # "EMEA's share of", "came from Enterprise", "is in
        # EMEA": a part; "share of [Core Platform] bookings", "on Ravi's team": the whole
        return e.start < cue_at or bool(PART_WORDS & set(reading.words[max(0, e.start - 3):
                                                                         e.start]))

    parts = [e for e in reading.entities if part(e)]
    kinds = {e.dimension for e in parts}
    spec = TOOLS[plan.tool]
    p = plan.params
    if not kinds and len(p.group_by) == 1:  # "share of bookings by region": every part asked
        kinds = set(p.group_by)
    if len(kinds) != 1 or len(p.group_by) >= 2 or (kind := kinds.pop()) not in spec.group_by:
        return plan
    labels = {e.label for e in parts}
    kept = [f for f in p.filters if f.dimension != kind or f.exclude or
            not set(f.values) <= labels]
    group_by = p.group_by if kind in p.group_by else [*p.group_by, kind]
    tool = "leaderboard" if plan.tool == "bookings" and p.measure in (None, "amount") and \
        len(group_by) == 1 else plan.tool
    if len(kept) == len(p.filters) and kind in p.group_by and tool == plan.tool:
        return plan
    said = " and ".join(sorted(labels)) or "each"
    cue_words = cue[0].split()
    reading.take(cue_at, cue_at + len(cue_words))
    notes = [n for n in plan.notes if not any(n == f"ignored '{w}'" for w in cue_words)]
    notes.append(f"read as a share of the whole: split by {kind.value.replace('_', ' ')}, so "
                 f"{said} stands beside the rest and the total")
    params = p.model_copy(update={"filters": kept, "group_by": group_by,
                                  "measure": None if tool != plan.tool else p.measure})
    return plan.model_copy(update={"tool": tool, "params": params, "notes": notes})


WON_WORDS = re.compile(r"\b(?:won|win|wins|book|booked|bookings|closed|sold|revenue)\b")


def _open_stage_deals(plan: Plan, reading: Reading, index: EntityIndex, as_of: date) -> Plan:
    """Won deals in an open stage, or closing in a period that has not started, are none
    ("the biggest deals in Negotiation this quarter", "the largest deals slated for next
    quarter"): the deals asked about are the open ones, read as open pipeline (or the open deal
    count when no period is named), with a note. Said as won ("bookings from deals in
    Proposal") it stays as said."""
    p = plan.params
    stages = [f for f in p.filters if f.dimension == Dimension.stage and not f.exclude]
    in_open = bool(stages) and index.con is not None and \
        set(stages[0].values) <= set(open_stages(index))
    ahead = p.period is not None and p.period.start >= as_of and p.period.end > as_of and \
        p.compare is None
    if plan.tool != "bookings" or not (in_open or ahead) or any(
            WON_WORDS.search(phrase) for phrase in reading.said.get("bookings", [])):
        return plan
    counted = p.measure == "count"
    tool = "opportunity_count" if counted and p.period is None else "open_pipeline"
    measure = ("open" if tool == "opportunity_count" else "count") if counted else None
    if in_open:
        note = (f"read as open deals: {' and '.join(stages[0].values)} "
                f"{'are open stages' if len(stages[0].values) > 1 else 'is an open stage'} "
                "(won deals have left it)")
    else:
        note = "read as open deals due to close then: the period has not started, none are won"
    return plan.model_copy(update={"tool": tool, "params": p.model_copy(
        update={"measure": measure}), "notes": [*plan.notes, note]})


CURRENCY_NAMES = {"usd": ("us dollars", "us dollar"), "eur": ("euros", "euro"),
                  "gbp": ("pounds", "pound sterling", "sterling"), "cad": ("canadian dollars",),
                  "aud": ("australian dollars",), "jpy": ("yen",), "inr": ("rupees",)}
"""Words naming a currency, by ISO code: the corporate one's are harmless (every amount is in
it); another's stay unexplained and are asked about (no tool converts)."""


def _in_own_currency(words: list[str], index: EntityIndex, notes: list[str]) -> list[str]:
    """The words with the corporate currency's name read as what every amount is in: "USD
    12,000,000" is $12000000, "in thousands of USD" and "(USD)" say nothing more."""
    code = index.currency if CURRENCY_WORDS.intersection(words) else None
    if code is None:
        return words
    names = "|".join(sorted({code, *CURRENCY_NAMES.get(code, ())}, key=len, reverse=True))
    text = " ".join(words)
    if re.search(rf"\b(?:{names})\b", text) is None:
        return words
    text = re.sub(rf"\b{code} (\d[\d.]*(?:k|m|mm|bn|b)?)\b", r"$\1", text)  # "usd 50.00"
    text = re.sub(rf"\b(\d[\d.]*(?:k|m|mm|bn|b)?) {code}\b", r"$\1", text)  # "500k usd"
    text = re.sub(rf"\b(?:in |of )?(?:{names})(?: only)?\b", " ", text)
    others = [n for c, ns in CURRENCY_NAMES.items() if c != code for n in (c, *ns)]
    text = re.sub(rf"\b(?:in |to )?(?:{'|'.join(others)})\b(?: as well| too)?",
                  lambda m: " " if UNWANTED.search(text[:m.start()]) else m[0], text)
    notes.append(f"every amount is in {code.upper()}, the corporate currency")
    return text.split()


def _other_currency(words: list[str], index: EntityIndex) -> str | None:
    """A currency other than the corporate one that the answer is asked in ("in EUR", "convert
    to GBP", "local currency"), not one said not to be needed ("no need to show it in euros")."""
    if not CURRENCY_WORDS.intersection(words) and "local" not in words or index.currency is None:
        return None
    text = " ".join(words)
    for code, names in CURRENCY_NAMES.items():
        if code == index.currency:
            continue
        for m in re.finditer(rf"\b(?:{'|'.join((code, *names))})\b", text):
            if not UNWANTED.search(text[:m.start()]):
                return m[0]
    return "local currency" if re.search(r"\b(?:in|into|to) (?:the |their )?local currenc",
                                         text) else None


UNWANTED = re.compile(r"\b(?:no need|not|dont|do not|without|never|no)\b(?: \w+){0,5} $")
"""Words before a currency said not to be wanted ("no need to show it in euros")."""


CURRENCY_WORDS = frozenset(w for code, names in CURRENCY_NAMES.items()
                           for w in (code, *(n.split()[-1] for n in names)))


def _cut_out(found: PeriodFindings) -> Clarification | None:
    """The one period asked with the periods left out of it cut off ("FY27 YTD with Q1 taken
    out": May to today; "last 12 months but not December": asked, December lies in its
    middle); a part left out of no period named is asked about (which period is it cut from?)."""
    holding = [p for p in found.periods if any(p.start <= x.start and x.end <= p.end and
                                               (p.start, p.end) != (x.start, x.end)
                                               for x in found.negated)]
    if len(found.periods) > 1 and len(holding) == 1:  # ("H2 excluding January. January was
        # the year-end close": the period holding the part; the part said again goes)
        found.periods = [p for p in found.periods if p is holding[0] or not any(
            (p.start, p.end) == (x.start, x.end) for x in found.negated)]
    if len(found.periods) != 1:
        if not found.left_out:
            return None
        said = " and ".join(p.label for p in found.left_out)
        return Clarification(
            question=f"Which period should {said} be left out of? Name the period asked.",
            options=[], term=said, not_understood=[said])
    main = found.periods[0]
    cut = cut_out(main, found.negated)
    if isinstance(cut, Period):
        found.periods = [cut]
        return None
    if cut is None:
        return None
    return Clarification(
        question=f"I can't leave {cut} out of {main.label}: it lies inside the period, and an "
                 "answer covers one continuous span. Which do you want?",
        options=[f"{main.label} including {cut}", f"{main.label} up to {cut}",
                 f"{main.label} after {cut}"], term=cut, not_understood=[cut])


def _list_dimension(reading: Reading, index: EntityIndex) -> None:
    """A value that names several things ("LATAM": a region and a team) listed with values of
    one of them is that one ("NA Commercial, NA Enterprise and LATAM": the team); in a list of
    such values the first one's reading holds for the rest."""
    words = reading.words
    entities = sorted(reading.entities, key=lambda e: e.start)

    def joined(a: EntityMatch, b: EntityMatch) -> bool:  # a written right before b
        return a.end == b.start or a.end + 1 == b.start and words[a.end] in LIST_JOINS

    def kinds(e: EntityMatch) -> dict[Dimension, str]:
        return {d: label for d, label in index.by_norm.get(normalize(e.label.replace("_", " ")),
                                                           [])}

    for k, e in enumerate(entities):
        own = kinds(e)
        if len(own) < 2:
            continue
        before = entities[k - 1] if k and joined(entities[k - 1], e) else None
        after = entities[k + 1] if k + 1 < len(entities) and joined(e, entities[k + 1]) \
            else None
        guide = before or (after if after and len(kinds(after)) == 1 else None)
        if guide and guide.dimension in own and guide.dimension != e.dimension:
            entities[k] = replace(e, dimension=guide.dimension, label=own[guide.dimension])
            reading.entities[reading.entities.index(e)] = entities[k]


def _listed_with_value(reading: Reading, index: EntityIndex) -> None:
    """'in commit or best case', 'for commit and best-case deals': words read as a metric
    ("commit", "best case") that are values of the data, listed with another value of their
    kind or followed by the deals they describe, are those values; their votes for the metric
    are taken back (the deals are narrowed, the metric is the one named elsewhere)."""
    words = reading.words
    held = {i for e in reading.entities for i in range(e.start, e.end)}
    said = {p for phrases in reading.said.values() for p in phrases}
    found = [m for m in index.exact(words, blocked=held) if any(
        re.search(rf"\b{re.escape(' '.join(words[m.start:m.end]))}\b", p) for p in said)]
    if not found:
        return
    joins = ("and", "or", "&", "plus", "nor")
    values = list(reading.entities)
    taken: list[EntityMatch] = []
    held_by = False
    for _ in range(2):  # (a value listed with one taken in the first pass)
        for m in found:
            if m in taken:
                continue
            listed = any(x.dimension == m.dimension and x.label != m.label and (
                x.end + 1 == m.start and words[x.end] in joins or
                m.end + 1 == x.start and words[m.end] in joins) for x in values + taken)
            held_in = words[m.start - 1:m.start] == ["in"] and bool(
                set(words[max(0, m.start - 4):m.start - 1]) & HOLDERS)
            if listed or held_in or words[m.end:m.end + 1] and words[m.end] in DEAL_WORDS:
                taken.append(m)  # ("the open deals in commit": the deals of that category)
                held_by = held_by or held_in
    value_words = {w for m in taken for w in words[m.start:m.end]} | set(joins)
    own = [p for phrases in reading.said.values() for p in phrases]
    if not taken or not held_by and not any(len(p.split()) >= 2 or p in ("pipeline", "pipe")
                                         for p in own if not set(p.split()) & value_words):
        return  # ("commit and best case deals for NA Enterprise": the categories are the
        # metric asked for, no other metric is named)
    for m in taken:
        phrase = " ".join(words[m.start:m.end])
        for tool, phrases in list(reading.said.items()):
            for p in [p for p in phrases if re.search(rf"\b{re.escape(phrase)}\b", p) and
                      set(p.split()) <= value_words]:
                phrases.remove(p)  # (the whole phrase: "commit and best case")
                reading.votes[tool] = reading.votes.get(tool, 0) - float(len(p.split()))
            if reading.votes.get(tool, 1) <= 0:
                del reading.votes[tool]
        reading.entities.append(m)
        reading.take(m.start, m.end)
        reading.notes.append(f"read '{phrase}' as {m.dimension.value} {m.label}")


TEAM_WORDS = frozenset({"team", "teams", "squad", "pod", "teammates", "team-mates"})
THIRD_PERSON = frozenset({"his", "her", "their"})
BEYOND = frozenset({"not", "outside", "beyond", "besides", "only"})
"""Words before "his team" that reach past it ("not just his team", "outside his team")."""


def _reps_team(reading: Reading, index: EntityIndex) -> None:
    """'Owen Garcia's team', 'Owen ... the rest of his team': the team a rep who manages
    nobody belongs to is that team's filter, not the rep's own deals (a manager's name before
    "team" is read as the manager's people elsewhere). "His/her/their team" points back to the
    one rep named; "the rest of X's team" and "X's teammates" leave X out of it (unless X is
    ranked among them); with two reps named, or past the team ("not just his team"), the words
    stay as written."""
    words = reading.words
    said = " ".join(words)
    managers = {label for _, label in index._values_of(Dimension.manager).values()}
    reps = [e for e in reading.entities if e.dimension is Dimension.rep]
    ranked = bool(AMONG.search(said))
    for e in reps:
        if e.label in managers or any(x.dimension is Dimension.manager and x.start == e.start
                                      for x in reading.entities):
            continue
        teams = sorted(v for d, v in index.scope_of(e.label) if d is Dimension.team)
        if len(teams) != 1:
            continue
        k = e.end + (words[e.end:e.end + 1] == ["s"])
        if words[k:k + 1] and words[k] in TEAM_WORDS and not any(
                x.start <= k < x.end for x in reading.entities):
            if any(x.dimension is Dimension.rep and x.end + 1 == e.start and
                   words[x.end] in ("and", "or", "&") for x in reps):
                continue  # ("Owen Garcia and Sara Dubois's team": whose team is unclear)
            rest = words[max(0, e.start - 3):e.start] in (["the", "rest", "of"],
                                                          ["rest", "of"]) or \
                words[k] in ("teammates", "team-mates")
            reading.entities.append(EntityMatch(e.start, k + 1, Dimension.team, teams[0],
                                                "partial", " ".join(words[e.start:k + 1])))
            if rest and not ranked:  # "the rest of Owen's team": the team without Owen
                reading.left_out.add((e.start, e.label))
                reading.notes.append(f"read '{' '.join(words[e.start:k + 1])}' as team "
                                     f"{teams[0]} without {e.label}")
            else:
                reading.entities.remove(e)
                reading.notes.append(f"read '{' '.join(words[e.start:k + 1])}' as team "
                                     f"{teams[0]} ({e.label}'s team)")
            reading.take(e.start, k + 1)
            continue
        if len(reps) != 1 or any(x.dimension is Dimension.team for x in reading.entities):
            continue
        for k in range(len(words) - 1):  # (also before the name: "how is she doing against
            # the rest of her team ... for Hannah Larsen", the writer's context put last)
            if words[k] not in THIRD_PERSON or words[k + 1] not in TEAM_WORDS or \
                    e.start <= k < e.end or set(words[max(0, k - 3):k]) & BEYOND:
                continue
            joined = k >= e.end and words[e.end:k] in (["and"], ["&"], ["plus"])
            if not joined and not ranked:
                break  # ("what did Owen book, and his team?": left as written)
            start = e.start if joined else k  # "Owen and his team": the team, Owen in it
            if joined:
                reading.entities.remove(e)
            reading.entities.append(EntityMatch(start, k + 2, Dimension.team, teams[0],
                                                "partial", " ".join(words[start:k + 2])))
            reading.take(start, k + 2)
            reading.notes.append(f"read '{' '.join(words[start:k + 2])}' as team {teams[0]} "
                                 f"({e.label}'s team)")
            break


AMONG = re.compile(r"\b(?:where|how) (?:do|does|did) (?:i|he|she|we|they|\w+ \w+|\w+) rank\b|"
                   r"\brank (?:me|him|her|us|them)\b|\b(?:against|compared (?:with|to)|"
                   r"compares? (?:with|to)|versus|vs|than|above|below|among) (?:the rest "
                   r"of|everyone else|everybody else|the others|all the other|the other|other|"
                   r"the company average|the average|our average)\b|\brank (?:within|among)\b|"
                   r"\bof the pack\b")
"""A value set against the others of its kind ("where do I rank", "compared with the rest of
NA Enterprise", "how his team compares to the other teams", "near the bottom of the pack", "is
LATAM above the company average"): each value of the kind is a row."""
GLOBAL_RANK = re.compile(r"\b(?:where|how) (?:do|does|did) \w+(?: \w+)? rank\b|\brank (?:me|him|"
                         r"her)\b|\ball the other reps\b|\bthe other reps\b|\bother reps\b")
"""A rep ranked against every rep, not only those of a scope named beside them."""


TOP_MEMBER = re.compile(r"\b(?:one of|in|among|on|onto|make|makes|made|making|part of) (?:our |"
                        r"the |my |their )?(?:\w+ )?(?:top|bottom|biggest|largest|best|"
                        r"worst)\b|"
                        r"\bmakes? the cut\b|\b(?:on|in|onto) (?:the|that|our) list\b")
"""A value checked against a top N ("is Terramark one of our top 10 customers", "whether
Terramark makes the cut"): the list is asked for, the value is looked for in it."""


def _ranked_among(params: dict, tool: str, norm: str, reading: Reading) -> None:
    """One value set against the others ("Victor Chen here. How does my win rate stack up
    against the rest of NA Enterprise?", "where does NA Commercial rank among the teams"):
    every value of its kind as a row (its own row among them), not that value alone; a rep is
    ranked within the scope named beside them."""
    member = bool(params.get("top")) and bool(TOP_MEMBER.search(norm))
    if not AMONG.search(norm) and not member:
        return
    single = [f for f in params["filters"] if not f.exclude and len(f.values) == 1 and
              f.dimension in TOOLS[tool].group_by]
    scoped = any(f.dimension in (Dimension.team, Dimension.manager, Dimension.region,
                                 Dimension.territory) for f in params["filters"])
    reps = [f for f in single if f.dimension is Dimension.rep and (scoped or GLOBAL_RANK.search(
        norm))]  # ("compare with the rest of his team": his team unnamed, left as asked)
    kinds = {d for _, d, _ in reading.dims}
    ranked = [f for f in single if f.dimension in params["group_by"]] if member else \
        reps or [f for f in single if f.dimension is not Dimension.rep and f.dimension in kinds or
                      f.dimension in (Dimension.region, Dimension.team, Dimension.segment) and
                      re.search(r"\b(?:company|average|pack|rank|the other)\b", norm)]
    if len(ranked) != 1:
        return
    f = ranked[0]
    params["filters"] = [x for x in params["filters"] if x is not f and not (
        f.dimension is Dimension.team and x.dimension is Dimension.manager)]  # ("Leo asked
    # how his NA Commercial team compares to the other teams": Leo's team is that team)
    if f.dimension not in params["group_by"]:
        params["group_by"] = [f.dimension, *params["group_by"]]
    if params.get("top") == 1 and not member:
        params["top"] = None  # ("near the bottom of the pack": where it stands, all of them)
    reading.notes.append(f"read {f.values[0]} among the other {f.dimension.value} values, each "
                         "a row")


def _every_value_split(reading: Reading, index: EntityIndex) -> None:
    """'Split by Enterprise / Mid-Market / SMB': every value of a dimension listed beside a
    split by it names the split's rows, no filter (a filter would drop the unlabelled
    records the split shows as '(none)')."""
    if TOGETHER.search(" ".join(reading.words)):
        return  # ("across Enterprise, Mid-Market and SMB combined": one total)
    split = {d for _, d, _ in reading.dims} | {
        e.dimension for e in reading.entities if reading.words[e.start - 1:e.start] in (
            ["by"], ["per"], ["across"], ["between"]) or
        reading.words[max(0, e.start - 2):e.start] in (["broken", "out"], ["split", "into"])}
    for dim in split & {e.dimension for e in reading.entities}:
        named = {e.label for e in reading.entities if e.dimension == dim}
        last = max(e.end for e in reading.entities if e.dimension == dim)
        if lexicon().find(reading.words[last:last + 2], {"dimension"}):
            continue  # ("by Enterprise, Mid-Market and SMB reps": whose reps)
        if len(named) >= 2 and named == {label for _, label in index._values_of(dim).values()}:
            first = min(e.start for e in reading.entities if e.dimension == dim)
            reading.entities = [e for e in reading.entities if e.dimension != dim]
            if not any(d == dim for _, d, _ in reading.dims):
                reading.dims.append((first, dim, dim.value))
            reading.notes.append(f"read {', '.join(sorted(named))} as the rows of the split "
                                 f"by {dim.value}")


def _campaign_by_words(reading: Reading, index: EntityIndex) -> Clarification | None:
    """'The trade show campaign': words of campaign names before "campaign" name the
    campaigns holding them; one is read, several are asked about ("the trade show campaigns"
    are all of them)."""
    words = reading.words
    covered = {i for e in reading.entities for i in range(e.start, e.end)}
    for k, word in enumerate(words):
        if word not in ("campaign", "campaigns") or k in covered:
            continue
        for n in (3, 2, 1):
            span = words[max(0, k - n):k]
            if len(span) < n or any(i in covered for i in range(k - n, k)) or not all(
                    w.isalpha() for w in span) or span[0] in STOPWORDS:  # ("show" of "trade
                # show" is a word of grammar elsewhere)
                continue
            members = index.containing(Dimension.campaign, span)
            if not members:
                continue
            which = set(words[max(0, k - n - 2):k - n]) & {"which", "what", "each", "every"}
            said = next((c for j, w in enumerate(words[max(0, k - n - 2):k - n], max(0, k - n - 2))
                         if (c := count_word(w)) and words[j - 1:j] not in (
                             ["top"], ["bottom"], ["which"], ["best"], ["worst"], ["first"],
                             ["last"], ["biggest"])), None)
            if len(members) > 1 and (word == "campaign" and not which or
                                     said is not None and said != len(members)):
                # ("the two webinar campaigns" when 39 are called so: which two?)
                return Clarification(
                    question=f"{len(members)} campaigns are called '{' '.join(span)}'. Which "
                             f"{'one' if said is None else said}?",
                    options=[f"{m} (campaign)" for m in members[:8]], term=" ".join(span))
            reading.entities += [EntityMatch(k - n, k + 1, Dimension.campaign, m, "partial",
                                             " ".join(words[k - n:k + 1])) for m in members]
            reading.take(k - n, k + 1)
            reading.notes.append(f"read '{' '.join(words[k - n:k + 1])}' as campaign "
                                 f"{', '.join(members)}")
            break
    return None


HOME_DIMENSIONS = frozenset({Dimension.request_type, Dimension.tool, Dimension.activity_type,
                             Dimension.campaign})
"""Splits that belong to a few tools of their own (ops requests, sales tools and their syncs,
activities, campaigns): a split by one names the tool that has it."""


def _tool_taking_values(reading: Reading, tool: str) -> str:
    """A value the chosen tool cannot filter by ("share of Inbound leads within SLA") is
    better explained by another voted tool that can, when that tool's vote is at least half:
    read that tool rather than ask."""
    from tools.registry import TOOLS

    dims = {e.dimension for e in reading.entities} | {
        d for _, d, _ in reading.dims if d in HOME_DIMENSIONS}  # ("split by type of request":
    # a split only the ops tool has)
    if not dims or dims <= set(TOOLS[tool].group_by):
        return tool
    best = reading.votes.get(tool, 0)
    outright = any(p not in WEAK_PHRASES for p in reading.said.get(tool, []))
    enough = best if outright and best >= 1.0 else best / 2  # (never away from a metric named
    # outright, "how much ARR sits in Owen's book of business", to one a weaker word named)
    fits = [t for t, v in reading.votes.items() if t != tool and v >= enough and
            dims <= set(TOOLS[t].group_by)]
    if fits:
        return max(fits, key=lambda t: (reading.votes[t], t))
    if best < 1.0:  # only weak words named the metric ("how much money ... outreach seats",
        # "which team is worst at using gong"): the tool whose values were named
        takers = [t for t in TOOLS if dims <= set(TOOLS[t].group_by)]
        split = {d for _, d, _ in reading.dims}
        values = {i for e in reading.entities for i in range(e.start, e.end)}
        rest = [w for i, w in enumerate(reading.words) if i not in values]  # "idle <Outreach>
        own = {t: len(lexicon().find(rest, {"metric", "measure"}, t)) for t in takers}  # seats"
        if takers and len(takers) <= 2 and (any(own.values()) or tool not in reading.votes):
            # the one that takes the split asked too, and whose own words the question uses
            # ('unused seats': adoption); never one no word names over a voted one ('how many
            # deals are in Salesforce' is not Salesforce adoption)
            return max(takers, key=lambda t: (split <= set(TOOLS[t].group_by), own[t],
                                              -_tool_rank(t)[0]))
    return tool


def _judged_order(norm: str, order: str) -> str:
    """The order on a measure where less is better: 'worst first' is the largest first; a
    lone 'worst' or 'best' flips the order it set, unless a word says which end ('top 3',
    'most') or both are asked ('best and worst')."""
    if (first := re.search(r"\bsort(worst|best)\b", norm)) is not None:
        return "desc" if first[1] == "worst" else "asc"
    if (good := GOOD_SAID.search(norm)) is not None:  # "least fresh": the longest lag first
        return "desc" if good["least"] else "asc"
    judged = {m[0] for m in JUDGED.finditer(norm)}
    if not judged or MAGNITUDE.search(norm) or re.search(r"\b(?:top|bottom)\b", norm) or \
            {"best", "worst"} <= judged:
        return order
    return "desc" if order == "asc" else "asc"


def _measure_unit(dim: str, group: list[str], tool: str, measure: str | None,
                  norm: str) -> bool:
    """'Daily calls per rep, by team', 'load per rep' of the territories: the unit of the
    tool's measure, not a split (the split stays where it is the only one the tool can take)."""
    if f"per {dim}" not in norm or dim in UNIT_WORDS:
        return False
    if measure and f"per_{dim}" in measure and len(group) > 1:
        return True
    return Dimension(dim) not in TOOLS[tool].group_by and any(
        f"per_{dim}" in m for m in TOOLS[tool].measures)


def _drop_plain_words_read_as_values(reading: Reading, tool: str) -> None:
    """A value of a dimension the tool lacks, written as an everyday word or one of the tool's
    own words and not after a filter cue ("are we meeting our SLA", "ARR bridge: new,
    expansion, churn", "TASK hub-5812"), is that word, not the value: read so, with a note."""
    from tools.registry import TOOLS

    allowed = set(TOOLS[tool].group_by)
    plain = fillers() | tool_words(tool)
    cues = FILTER_CUES | EXCLUDE_CUES | {"against", "versus", "vs"}  # "win rate against
    # Salesforce": a value named as the other side, asked about, never read as a plain word
    lex = lexicon()
    for e in list(reading.entities):
        words = reading.words[e.start:e.end]
        measure = bool(words) and [(0, len(words))] == [
            (a, b) for a, b, _ in lex.find(words, {"measure"}, tool)]  # "best case" forecast
        against = e.start > 0 and reading.words[e.start - 1] in cues
        if against and measure and reading.words[e.start - 1] in {"against", "versus", "vs"} \
                and lex.find(reading.words[max(0, e.start - 4):e.start - 1], {"measure"}, tool):
            against = False  # "commit vs best case": two of the tool's measures, side by side
        if not words or against or not (
                measure or (e.dimension not in allowed and set(words) <= plain)) or \
                set(reading.words[e.end:e.end + 1]) & value_kind_words().get(e.dimension.value,
                                                                         frozenset()):
            continue  # ("a data fix request": the request type, named by its kind)
        reading.entities.remove(e)
        reading.notes.append(f"read '{' '.join(words)}' as a word, not the "
                             f"{e.dimension.value.replace('_', ' ')} {e.label}")


def _unsupported(tool: str, group_by: list[Dimension],
                 reading: Reading) -> Clarification | None:
    """Ask back when the question splits or filters a tool by a dimension it does not have."""
    allowed = set(TOOLS[tool].group_by)
    bad = [d.value for d in group_by if d not in allowed]
    bad += [f"{e.dimension.value} {e.label}" for e in reading.entities
            if e.dimension not in allowed]
    if not bad:
        return None
    return Clarification(
        question=f"{TOOLS[tool].title} can't be split or filtered by {', '.join(bad)}. "
                 "Which of these did you mean?",
        options=[d.value.replace("_", " ") for d in TOOLS[tool].group_by][:10])


TOGETHER = re.compile(r"\b(?:together|combined|altogether|in total|in aggregate|as a whole|"
                      r"as one|pooled|lumped|total of|sum of|put together|between them|jointly|"
                      r"no breakdown|without a breakdown|no split|not split|"
                      r"(?:one|single) (?:figure|number)(?! (?:per|for each|each|by|a|an)\b))\b")
"""Words saying the values listed are counted as one ("both EMEA teams together")."""


def _each_listed(params: dict, tool: str, norm: str, reading: Reading) -> None:
    """'Coverage for Emma, Oscar and Tomas', 'attainment for owen, victor and sara': values
    listed for one kind are each answered, a row each, as the writers of every eval set meant
    (96 of 101 cases that list two or more values and say how to show them), unless the
    question counts them together, joins them as a path ("the sfdc to netsuite sync": one flow)
    or already splits the answer."""
    if params["group_by"] or params.get("time_grain") or TOGETHER.search(norm):
        return
    listed = [f.dimension for f in params["filters"] if not f.exclude and len(f.values) > 1
              and f.dimension in TOOLS[tool].group_by and not _path(reading, f.dimension)
              and not _population(reading, f.dimension) and not (
                  _either(reading, f.dimension) and not COMPARED_VALUES.search(norm) and
                  not re.search(r"\b(?:which|who|whichever)\b", norm))]  # ("EMEA or NA -
    # which has more stale pipe": the two set against each other, a row each)
    if listed:
        params["group_by"] = [listed[0]]


def _either(reading: Reading, dim: Dimension) -> bool:
    """Whether the values of a kind are joined by "or" ("deals on Core Platform or Workflow
    Automation"): the deals of either, one population, not a row each."""
    ends = sorted((e for e in reading.entities if e.dimension == dim), key=lambda e: e.start)
    joins = [reading.words[a.end:b.start] for a, b in zip(ends, ends[1:], strict=False)]
    return bool(joins) and all(j in (["or"], ["nor"]) for j in joins)


def _path(reading: Reading, dim: Dimension) -> bool:
    """Whether two values of a kind are written as a path, one "to" the next."""
    ends = sorted((e for e in reading.entities if e.dimension == dim), key=lambda e: e.start)
    return any(reading.words[a.end:b.start] in (["to"], ["into"])
               for a, b in zip(ends, ends[1:], strict=False))


POPULATION_AFTER = frozenset({"only", "accounts", "customers", "companies", "clients", "logos"})
"""Words after a list of values that make it one population ("Healthcare and Financial
Services accounts", "Mid-Market and Enterprise only")."""


def _population(reading: Reading, dim: Dimension) -> bool:
    """Whether the values of a kind listed are one population, not rows to set side by side."""
    last = max((e.end for e in reading.entities if e.dimension == dim), default=0)
    after = reading.words[last:last + 2]
    return bool(after) and after[0] in POPULATION_AFTER or after == ["deals", "only"]


EXCLUSION_NEAR = re.compile(r"\b(?:excluding|except|exclude|excludes|excl|minus|omitting|ignoring|"
                            r"ignore|leave out|leaving out|take out|taking out|other than|"
                            r"not including|do not include|but not|do not count|dont count|"
                            r"not counting|not the ones|setting aside|"
                            r"leaving aside|net of)\b|\bno (?=\w+s\b)")
"""Exclusion cues strong enough that a value read as a filter a few words after one may be
the value left out."""


def _inclusion_doubted(found: list[Filter], reading: Reading) -> Clarification | None:
    """A value filtered to, with an exclusion cue a few words before it that the reading did
    not apply to it ("excluding opportunities of some type renewal"): kept or left out? Asked,
    never guessed: the two readings answer opposite questions."""
    kept = {(f.dimension, v) for f in found if not f.exclude for v in f.values}
    left = {(f.dimension, v) for f in found if f.exclude for v in f.values}
    for e in reading.entities:
        if (e.dimension, e.label) not in kept or (e.dimension, e.label) in left:
            continue
        before = " ".join(reading.words[max(0, e.start - 8):e.start])
        after = reading.words[e.end:e.end + 4]
        put = next((e.end + k for k, w in enumerate(after) if w in REMOVED or k == 0 and
                    w == "out" and after[1:2] != ["of"]), None)
        if put is not None and not any(e.end <= x.start < put for x in reading.entities):
            before = "excluding"  # ("partners excluded", "EMEA out" where the reading could
            # not place the words between; not "Enterprise, renewals excluded")
        listed = any(x.dimension == e.dimension and (x.dimension, x.label) in left and
                     x.end <= e.start and set(reading.words[x.end:e.start]) <= LIST_WORDS
                     for x in reading.entities)  # "no expansions, renewals or downgrades"
        if listed or EXCLUSION_NEAR.search(before) and not any(
                x.end <= e.start and x.start >= e.start - 8 and (x.dimension, x.label) in left
                for x in reading.entities):
            kind = e.dimension.value.replace("_", " ")
            return Clarification(
                question=f"Should {e.label} be left out, or is it the only {kind} you want?",
                options=[f"excluding {e.label}", f"only {e.label}"], term=e.label)
    return None


OPEN_NOW = frozenset({"open_pipeline", "weighted_pipeline", "pipeline_coverage",
                      "forecast_rollup", "stale_deals", "deal_risk"})
"""Tools whose period is the close dates of the open deals they take: "today" is when, not
which close dates."""


CLOSING_TODAY = re.compile(r"\b(?:close|closes|closing|closed|due|date|dated)\b(?: \w+){0,3} "
                           r"@period\b")
"""A day the deals close on ("expected to close today", "a close date of today")."""


def _today_is_now(params: dict, tool: str, as_of: date, reading: Reading) -> None:
    """'Open pipeline today', 'our funnel right now': the open deals as they stand today,
    never those whose close date is today (a window of one day: nothing, or a few)."""
    period = params.get("period")
    if period is None or not (period.start == period.end == as_of) or not (
            tool in OPEN_NOW or params.get("measure") == "open") or CLOSING_TODAY.search(
                " ".join(reading.words)):
        return  # ("which deals are expected to close today": today is their close date)
    del params["period"]
    reading.notes.append("read 'today' as the open deals as they stand now, not a close date")


UNPLACED_NOUNS = frozenset({"opps", "opp", "records", "ones", "the", "a", "an", "our", "any",
                            "all", "those", "these", "that", "lost", "won", "closed", "we",
                            "you", "i", "they", "as"})
"""Words after an exclusion cue that say what kind of record, never which ones."""


def _exclusion_unplaced(params: dict, tool: str, reading: Reading) -> Clarification | None:
    """'Win rate excluding the deals we lost as duplicates', 'bookings YTD excluding the
    quarter we're in': an exclusion the reading could not apply (no value, option or period
    after the cue was read as left out) is asked about, never dropped: the answer would count
    what the question left out."""
    if any(f.exclude for f in params["filters"]):
        return None
    words = reading.words
    own = tool_words(tool) | {c for k in reading.knobs for c in knob_cues(k)}
    others = {w for t, phrases in reading.said.items() if t != tool for p in phrases
              for w in p.split()}  # (words that voted for another metric: "duplicates")
    for m, start in left_out(words):
        after = range(start, min(len(words), start + 4))
        if any(e.start in after for e in reading.entities) or any(
                words[i].startswith("@") and words[i] != "@period" or i in reading.used and
                words[i] not in DEAL_WORDS | UNPLACED_NOUNS and (
                    words[i] in own or words[i] not in others) for i in after):
            continue  # (a value after it, read elsewhere: _inclusion_doubted asks about it; a
            # measure or option word: "retention leaving out expansion" is gross retention)
        what = " ".join(w for w in m[1].split() if not w.startswith("@"))
        states = {words[i] for i in run_of(words, start, STATE_RUN, 8)} & STATES
        if states and tool in TOOLS and states <= TOOLS[tool].never_counts:
            reading.notes.append(f"leaving out {' and '.join(sorted(states))} deals changes "
                                 f"nothing: {tool_label(tool)} never counts them")
            continue  # ("win rate excluding open deals": open deals are in no win rate)
        return Clarification(
            question=f"I can't leave out '{what}' in this answer: no part of the data I can "
                     "filter on says which records those are. Should I answer without that "
                     "exclusion, or do you mean something else?",
            options=[f"answer including {what}"], term=what, not_understood=[what])
    return None


LIST_WORDS = frozenset({"and", "or", "nor", "plus", "also"})
"""Words joining the values of a list (commas are gone from the words)."""
AND_SO_ON = re.compile(r"^(?:and so on|and so forth|etc|etcetera|and the like|and others|"
                       r"and the rest|and all that|or whatever)\b")
"""Words after a list that make it examples of a kind, not the values asked for."""


def _examples_dropped(found: list[Filter], group_by: list[Dimension],
                      reading: Reading) -> list[Filter]:
    """'Split by new business, expansion, renewal and so on': the values listed show what
    the split is, they do not narrow it; the filter of a split dimension is dropped when its
    list ends in "and so on"."""
    ends = [e.end for e in reading.entities if e.dimension in group_by]
    listed = {e.dimension for e in reading.entities if e.dimension in group_by and e.end == max(
        ends, default=-1) and AND_SO_ON.match(" ".join(reading.words[e.end:e.end + 3]))}
    return [f for f in found if f.dimension not in listed or f.exclude]


TOP_POPULATION = re.compile(r"\b(?:percent|percentage|share|proportion|fraction|how many|number|"
                            r"which|who|what) (?:of|among) (?:our |the |my |their |those |these )?"
                            r"(?:top|bottom|biggest|largest|smallest) (?:\d+|[a-z]+ )")
"""'What percent of our top 50 customers ...': the top N as the population asked about."""


def _ranks_nothing(plan: Plan, reading: Reading) -> Clarification | None:
    """Ask what a top N ranks when the reading has nothing to rank it over ("what percent of
    our top 50 customers churned"): the N would be dropped, answering another question. One
    kind of thing the tool splits by named in the question ("ROI of the campaigns ..., top
    5", where 'campaigns' also named the metric) is what is ranked."""
    top, tool = plan.params.top, plan.tool
    population = TOP_POPULATION.search(" ".join(reading.words))
    if top is None or not population and (plan.params.group_by or plan.params.time_grain or
                                           TOOLS[tool].lists_records):
        return None  # ("top 10 duplicate accounts": the records listed)
    dims = TOOLS[tool].group_by
    named = {Dimension(e.value) for _, _, e in lexicon().find(reading.words, {"dimension"})
             if e.value in {d.value for d in dims}}
    if population:  # "what percent of our top 50 customers churned": the top 50 by some
        # other measure are who is asked about, which no tool narrows to
        title = TOOLS[tool].title.lower()
        return Clarification(
            question=f"I can't narrow {title} to '{population[0].strip()}': no tool picks a "
                     "top N by one measure and then measures them by another. I can answer for "
                     "everyone, or rank them by this measure instead.",
            options=[title] + [f"{title} by {d.value.replace('_', ' ')}, top {top}"
                               for d in named], term=population[0].strip())
    if len(named) == 1:
        plan.params.group_by = [named.pop()]
        return None
    options = [f"top {top} deals"] if Dimension.opportunity in dims else []
    options += [f"top {top} by {d.value.replace('_', ' ')}" for d in dims
                if d != Dimension.opportunity]
    return Clarification(
        question=f"I read {TOOLS[tool].title.lower()} but not what the top {top} ranks. "
                 "Which did you mean?", options=options[:6] or [TOOLS[tool].title.lower()])


PEOPLE_COUNTED = re.compile(
    r"\b(?:how many|number of|count of|# of)(?: of)?(?: (?:the|our|my|your|their|all))?"
    r"(?: (?:new|current|active|existing|ramped|ramping|tenured|individual))?"
    r" (?P<unit>reps|sales reps|sellers|aes|account executives|salespeople|sales people|people|"
    r"managers|sdrs|bdrs|quota carrying reps)\b")
"""A question counting people ("how many reps hit quota", "number of sellers with stale
deals")."""
HEADCOUNT = frozenset({"rep_fte", "ramped_fte", "ramped_rep_equivalents"})
"""The measures that count people (rep_productivity's)."""
COUNTS_PEOPLE = frozenset({"technology_adoption", "quota_attainment"})
"""Tools whose answer counts the people it is about ("how many reps use Gong", "how many reps
hit quota": the reps at or above quota)."""
COUNT_WORDS = frozenset({"how many", "number of", "count of", "count", "# of"})


def _counts_people(question: str, plan: Plan, reading: Reading) -> Plan | Clarification | None:
    """A question that counts people: the headcount when it asks nothing else ("how many reps
    by team"); asked back when the reading counts something else ("how many reps hit quota
    last quarter" is no attainment ratio, "how many reps have stale deals" no count of deals,
    "how many people did we hire" no headcount): no tool counts the people meeting a
    condition, so the per-person view is offered."""
    counted = PEOPLE_COUNTED.search(" ".join(reading.words))
    if counted is None or plan.params.measure in HEADCOUNT or plan.tool in COUNTS_PEOPLE or \
            set(plan.params.group_by) & {Dimension.rep, Dimension.manager}:
        return None
    headcount = TOOLS["rep_productivity"]
    if counted["unit"] != "managers" and set(reading.votes) == {plan.tool} == {
            "opportunity_count"} and all(
            p in COUNT_WORDS for p in reading.said.get(plan.tool, [])) and \
            not any(n.startswith("ignored") for n in plan.notes) and \
            set(plan.params.group_by) <= set(headcount.group_by) and \
            {f.dimension for f in plan.params.filters} <= set(headcount.group_by):
        params = plan.params.model_copy(update={"measure": "rep_fte"})
        return plan.model_copy(update={"tool": "rep_productivity", "params": params, "notes": [
            *plan.notes, f"read '{counted[0]}' as the rep headcount"]})
    title = TOOLS[plan.tool].title.lower()
    period = f" for {plan.params.period.label}" if plan.params.period and \
        plan.params.period.label else ""
    person = "manager" if counted["unit"] == "managers" else "rep"
    options = [f"{title} by {person}{period}"] if Dimension(person) in TOOLS[
        plan.tool].group_by else []
    return Clarification(
        question=f"I can't count the {counted['unit']} that way: {title} is no count of people. "
                 f"I can show it per {person}, so you can count them, or give the headcount.",
        options=[*options, f"rep headcount{period}"], term=question.strip(),
        not_understood=[counted[0]])


RANKED_ASK = re.compile(r"\b(?:sortworst|sortasc|sortdesc|sortbest|which of|who|rank|ranked|"
                        r"top \d+|bottom \d+|one row each|a row each|one line each|one by one|"
                        r"individually|rep by rep|person by person|one row (?:per|for each) "
                        r"(?:rep|person|seller|head))\b")
"""Words asking for the members one by one (ranked, or a row each)."""


def _their_reps_ranked(reading: Reading, norm: str) -> bool:
    """'Attainment for Ravi Wang's reps, worst first', 'which of Ravi's sellers ...': a
    manager's reps asked for ranked are the reps, one row each (not the team's one figure)."""
    words = reading.words
    managers = [e for e in reading.entities if e.dimension == Dimension.manager]
    return bool(RANKED_ASK.search(norm)) and len(managers) == 1 and bool(
        words[managers[0].end:managers[0].end + 1]) and \
        ROW_NOUNS_DIMS.get(words[managers[0].end]) == "rep"
    # (not "Ravi's reps vs Laura's reps": two managers compared)


def _deal_list_tool(tool: str, measure: str) -> tuple[str, str]:
    """Ranking individual deals ranks them by amount: won -> bookings, open -> pipeline."""
    kind = measure.removesuffix("_amount")
    if tool == "avg_deal_size" or kind == "won":  # a single deal's size is its amount
        return "bookings", "amount"
    if kind == "open":
        return "open_pipeline", "amount"
    return "opportunity_count", f"{kind}_amount"


def _has_modifier(norm: str, name: str) -> bool:
    words = norm.split()
    return any(e.value == name and words[s - 1:s] != ["not"]  # "the count, not dollars"
               for s, _, e in lexicon().find(words, {"modifier"}))


RANKED_UNIT = re.compile(r"\b(?:deals?|opps?|opportunit(?:y|ies)|wins?|months?|quarters?|weeks?|"
                         r"years?|days?|reps?|sellers|closers|performers|producers|customers?|"
                         r"accounts?|logos?|teams?|"
                         r"regions?|products?|segments?)\b|\b(?:top|bottom) \d+\b")
"""What a rank word alone ranks by revenue ("best month", "top 5 deals", "our biggest wins")."""


def _choose_tool(reading: Reading, norm: str) -> str | None:
    votes = reading.votes
    strong_closed = [t for t in CLOSED_DEAL_TOOLS if votes.get(t, 0) >= 1]
    if len(strong_closed) >= 2:
        return "leaderboard"
    ranked = bool(lexicon().find(norm.split(), {"rank"})) or bool(
        re.search(r"\b(top|bottom)\s+\d+\b", norm))
    if ranked and set(votes) <= {"opportunity_count"} and votes.get("opportunity_count", 0) < 1 \
            and RANKED_UNIT.search(norm) and not FASTEST.search(norm) and \
            not re.search(r"\bslow(?:est|er)?\b", norm):  # (not "where are we slowest?")
        # "best month", "top 5 deals": ranked by revenue; "the 5 biggest open deals": pipeline
        return "open_pipeline" if re.search(r"\bopen\b", norm) or STILL_CLOSING.search(norm) \
            else "bookings"  # "top 3 deals closing this quarter": still open
    if not votes:
        return None
    condition = _condition_on_deals(reading)
    if condition is not None:
        return condition
    ranked_only = all(p in RANK_VERBS for p in reading.said.get("leaderboard", []))
    ranked_by = re.search(r"(?<!not )\bby (?:the |our |their )?((?:\w+ ){0,2}\w+)", norm)
    closed_first = ranked_by is not None and any(
        p.split()[0] in ranked_by[1].split() for t in CLOSED_DEAL_TOOLS
        for p in reading.said.get(t, []))  # "rank reps by bookings, not by pipeline"
    if "leaderboard" in votes and len(votes) > 1 and (_ranks_deals(reading, norm) or any(
            (v >= 2 or ranked_only and v >= 1 and not closed_first and not any(
                re.search(rf"\bnot (?:by |the |on )?{re.escape(p)}\b", norm)
                for p in reading.said.get(t, []))) and
            t not in (*CLOSED_DEAL_TOOLS, "opportunity_count", "leaderboard")
            for t, v in votes.items())):
        # "rank every rep by quota attainment", "regions ranked by logo churn", "league table
        # of managers, % to plan": a measure the leaderboard does not rank by, ranked by its
        # own tool (a leaderboard asked for by name gives way only to a metric named in full)
        votes = {t: v for t, v in votes.items() if t != "leaderboard"}
    best = max(votes.values())
    tied = [t for t, v in votes.items() if v == best]
    if len(tied) > 1:  # the more specific phrase wins: "risky" over "pipeline"
        top = max(_specificity(reading, t) for t in tied)
        tied = [t for t in tied if _specificity(reading, t) == top]
    chosen = min(tied, key=_tool_rank)
    return _containing(reading, chosen) or chosen


SETS_AGAINST = COMPARE_WORDS | {"line", "lines", "lined", "match", "matches", "matched", "tie",
                                "ties", "agree", "agrees", "reconcile"}
"""Words that set one figure against another ("what we booked line up with the ledger")."""


def _containing(reading: Reading, chosen: str) -> str | None:
    """Another metric the question sets the chosen one against, whose definition names the
    chosen one and not the other way round ("how closely did what we booked line up with
    what hit the ledger": reporting accuracy sets CRM bookings against the ledger)."""
    def title(tool: str) -> set[str]:
        return {w for w in TOOLS[tool].title.lower().split() if w not in STOPWORDS}

    def at(tool: str) -> list[int]:
        knobs = {k.text for k in reading.knobs}
        return [i for p in reading.said.get(tool, []) if p not in knobs
                for i in range(len(reading.words)) if reading.words[i] == p.split()[0]]
    holding = [t for t, v in reading.votes.items() if t != chosen and v > 0 and
               title(chosen) <= definition_words(t) and not title(t) <= definition_words(chosen)
               and any(set(reading.words[min(a, b) + 1:max(a, b) + 1]) & SETS_AGAINST
                       for a in at(chosen) for b in at(t))]  # ("capacity gap ... vs the plan")
    return holding[0] if len(holding) == 1 else None


POPULATION_WORDS = frozenset({"how", "many", "number", "of", "count", "open", "deals", "deal",
                              "opportunities", "opportunity", "opps", "opp", "our", "the"})
"""Words of a phrase that only names the deals being counted ("how many open deals")."""


def _condition_on_deals(reading: Reading) -> str | None:
    """'How many open deals have gone stale?': the deals are the population, the condition
    names the metric; the count of the tool that tests the condition (when it counts deals
    and a phrase of its own, not a weak word, names it) rather than the open deal count."""
    said = reading.said.get("opportunity_count", [])
    if not said or not all(set(p.split()) <= POPULATION_WORDS for p in said) or \
            reading.votes.get("opportunity_count", 0) < max(reading.votes.values()):
        return None
    conditions = [t for t, v in reading.votes.items() if t != "opportunity_count" and v >= 1
                  and ("count" in TOOLS[t].measures or TOOLS[t].lists_records)  # issues count
                  and Dimension.opportunity in TOOLS[t].group_by
                  and any(p not in WEAK_PHRASES for p in reading.said.get(t, []))]
    return conditions[0] if len(conditions) == 1 else None


def _ranks_deals(reading: Reading, norm: str) -> bool:
    """'Rank the risky APAC opportunities': the deals are ranked, not reps or teams, so the
    leaderboard (a table per rep, team or region) is not what is asked for."""
    dims = {d for _, d, _ in reading.dims}
    people = {Dimension.rep, Dimension.manager, Dimension.team}
    deals = bool(set(norm.split()) & DEAL_WORDS)  # normalize spells "opps" out
    return Dimension.opportunity in dims or (deals and not dims & people)


def _specificity(reading: Reading, tool: str) -> float:
    """How specific the words naming a tool are: 1 / the number of tools whose metric
    phrases share its rarest word ("risky" names one tool, "pipeline" a dozen)."""
    spread = _word_spread()
    best = 0.0
    for phrase in reading.said.get(tool, []):
        if phrase in reading.in_dimension:
            continue
        counts = [spread[w] for w in phrase.split() if w not in STOPWORDS and w in spread]
        if counts:
            best = max(best, 1 / min(counts))
    return best


@cache
def _word_spread() -> dict[str, int]:
    """Word -> how many tools have a metric phrase holding it."""
    tools: dict[str, set[str]] = {}
    for key, entries in lexicon().phrases.items():
        for e in entries:
            if e.kind == "metric":
                for w in key:
                    tools.setdefault(w, set()).add(e.value)
    return {w: len(t) for w, t in tools.items()}


def _tool_rank(tool: str) -> tuple[int, str]:
    """Ties go to the most specific core tool, then to area tools in name order."""
    return (TOOL_PRIORITY.index(tool) if tool in TOOL_PRIORITY else len(TOOL_PRIORITY), tool)


def _choose_measure(tool: str, reading: Reading, norm: str) -> str | None:
    text = kinded = norm
    for e in reading.entities:  # a value's words ("new logos") name no measure, nor the kind
        if e.text:  # written after it ("partner-sourced": a source, not how deals began)
            text = re.sub(rf"\b{re.escape(e.text)}(?: sourced)?\b", "@", text)
            kinds = "|".join(sorted(value_kind_words().get(e.dimension.value, ())))
            kinded = re.sub(rf"\b{re.escape(e.text)}(?: sourced| (?:{kinds or 'sourced'}))?\b",
                            "@", kinded)
    if lexicon().find(kinded.split(), {"measure"}, tool):
        text = kinded  # "how did the data-fix queue do against its SLA": the requests of that
        # type, measured against the SLA (not "how big is the data fix queue": its backlog)
    words = text.split()
    unvalued = [w for w in words if w != "@"]
    hits = [(st, en, e.value) for st, en, e in lexicon().find(words, {"measure"}, tool)
            if not _refused_before(words, st)] or [
        (st, en, e.value) for st, en, e in lexicon().find(unvalued, {"measure"}, tool)
        if not re.search(r"\b(?:no|without) @", text) and not _refused_before(unvalued, st)]
    # ("idle Outreach seats": idle seats)
    longest = max((en - st for st, en, _ in hits), default=0)
    found = [v for st, en, v in sorted(hits, key=lambda h: not (
        h[1] - h[0] == longest >= LONG_MEASURE))]  # a measure said in full, first (a stable
    # sort): "for dials: calls per rep per day" is calls per rep per day
    if reading.outside is not None and len(set(found)) >= LISTED_MEASURES:
        # "the weighted forecast (closed to date plus open deals times their probability)":
        # the measure named outside the brackets, not the parts the gloss lists
        outside = [e.value for _, _, e in lexicon().find(reading.outside.split(), {"measure"},
                                                         tool)]
        found = outside or found
    if tool == "opportunity_count":
        # "how many deals sourced by partners did we win": the outcome, not how they began
        outcome = [m for m in found if m in ("won", "lost")]
        found = outcome if "created" in found and len(set(outcome)) == 1 else found
        kind = next((m for m in found if m != "open"), None) or (
            "open" if "open" in found or not reading.periods else "created")
        if kind == "closed" and "open" in found and not re.search(r"\bclosed\b", norm):
            kind = "open"  # "open deals closing this quarter": open, by close date
        if kind == "closed" and re.search(r"\bclosed (?:as )?won\b(?! or lost)", norm):
            kind = "won"  # "deals closed won": the won ones
        if _has_modifier(norm, "amount") or (kind == "created" and PIPELINE_MADE.search(norm)
                                               and not COUNTED_DEALS.search(norm)):
            return f"{kind}_amount"  # "pipe gen by team": the pipeline's value
        return kind
    if tool == "lead_conversion" and {"lead_to_mql", "mql_to_sql"} <= set(found):
        return "mql_to_sql"  # "of the marketing qualified leads, what share became sales
        # qualified": from the one stage to the next
    if (ranked := RANKED_BY.search(norm)) is not None:  # "rank industries by win rate, with
        # bookings and deal size alongside": the measure it is ranked by
        by = [e.value for s, _, e in lexicon().find(norm[ranked.end():].split()[:4], {"measure"},
                                                     tool) if s == 0]
        if by:
            return by[0]
    said = set((reading.outside or norm).split())
    named = {m for m in TOOLS[tool].measures if set(m.split("_")) <= said and not (
        m in MOMENT_WORDS and re.search(rf"\b{m} of\b|\b(?:quarter|month|year|week|period) "
                                        rf"{m}\b", norm))}  # ("since the start of the
    # quarter", "past the quarter end": when, not the walk's opening or closing figure)
    # a measure named inside a longer one is not listed apart ("calls" of "calls per rep per day")
    named = {m for m in named if not any(set(m.split("_")) < set(n.split("_")) for n in named)}
    per = [m for m in found if "_per_" in f"_{m}_"]
    if len(set(found) | named) >= LISTED_MEASURES and len(set(per)) == 1:
        return per[0]  # "how many calls, emails and meetings an average rep logs per working
        # day": the rate asked, over the kinds listed
    if len(set(found) | named) >= LISTED_MEASURES:
        return None  # "new, expansion, contraction, churn": the whole breakdown, as it comes
    return found[0] if found else _measure_by_name(tool, words)


BOOKED = re.compile(r"\b(?:book|books|booked|booking|bookings|close|closes|closed|sell|sells|"
                    r"sold|revenue|bring in|brings in|brought in|won|win|wins)\b")


def _booked_per_head(tool: str, measure: str | None, norm: str) -> str | None:
    """'What does a fully ramped AE close in a quarter', 'what a ramped seller books': the
    bookings per (ramped) rep, not how many ramped reps there are (the headcount measures
    answer "how many"; a bookings verb asks what each one brings in)."""
    if tool != "rep_productivity" or measure not in ("ramped_fte", "rep_fte") or \
            not BOOKED.search(norm) or re.search(r"\bhow many\b", norm):
        return measure
    return "bookings_per_ramped_rep" if measure == "ramped_fte" else "bookings_per_rep"


def _refused_before(words: list[str], start: int) -> bool:
    """Whether a measure is written as the one not wanted ("count of deals, not dollars",
    "by count rather than by value")."""
    before = " ".join(words[max(0, start - 3):start])
    return bool(re.search(r"(?:\bnot|\brather than)(?: by| in| the)?$", before))  # (not
    # "instead of", which ends what-ifs: "instead of 30 days? how many dollars ...")


def _measure_by_name(tool: str, words: list[str]) -> str | None:
    """A measure named by its own name ("how much ARR churned": churn, "the gap to target"),
    inflections included, when exactly one of the tool's other measures is named so."""
    present = set(words)
    named = [m for m in TOOLS[tool].measures
             if all(w in present or inflected_in(w, present) for w in m.split("_"))]
    return named[0] if len(named) == 1 and named[0] != TOOLS[tool].measures[0] else None


LISTED_MEASURES = 3


def _split_in_phrase(reading: Reading, tool: str) -> list[str]:
    """Dimensions a metric phrase itself splits by ("conversion rate by stage")."""
    found = []
    for phrase in reading.said.get(tool, []):
        words = phrase.split()
        for k, word in enumerate(words[:-1]):
            if word in ("by", "each"):  # not "per": "activities per rep per day" is a rate
                for s, _, entry in lexicon().find(words[k + 1:], {"dimension"}):
                    if s == 0 and Dimension(entry.value) in TOOLS[tool].group_by and \
                            entry.value not in lexicon().subjects[tool]:  # shown anyway
                        found.append(entry.value)
    return found


def _measure_says_grain(tool: str, measure: str, norm: str, grain: str) -> bool:
    """Whether the words that chose the measure also name the grain ("per quarter")."""
    words = norm.split()
    return any(e.value == measure and grain in words[s:end]
               for s, end, e in lexicon().find(words, {"measure"}, tool))


def _a_row_of(part: Period, periods: list[Period], reading: Reading,
              calendar: FiscalCalendar) -> bool:
    """Whether a period written without its year is one row of a trend over a longer period
    named beside it ("each quarter of FY26 - was Q4 our strongest?": Q4 of FY26, one of the
    rows asked for, not another period; "FY27 so far (Feb through Oct)" is a span, no row)."""
    grain: Grain = next((g for g in get_args(Grain) if g == reading.grain), "month")
    bucket = calendar.bucket(part.start, grain)
    return part in reading.yearless and (bucket.start, bucket.end) == (part.start, part.end) \
        and any(
        q is not part and q not in reading.yearless and q.end - q.start > part.end - part.start
        and any(q.start <= s.start and s.end <= q.end
                for s in (part.shifted_years(n) for n in range(-3, 2)))
        for q in periods)


def _choose_period(reading: Reading, calendar: FiscalCalendar, as_of: date,
                   tool: str) -> Period | Clarification | None:
    periods = reading.periods
    if not periods and reading.negated and not reading.compare:
        # "open pipeline not in this quarter": no tool leaves a period out, and its default
        # may be the very period excluded
        said = ", ".join(p.label for p in reading.negated)
        return Clarification(
            question=f"Which period do you mean? I can't leave out {said}; name the period "
                     "to cover instead.",
            options=["last quarter", "next quarter", "this fiscal year"], term=said)
    if not periods:
        if reading.compare and reading.compare_unit:
            if reading.compare_unit == "year":
                return None  # the tool default (fiscal year to date) vs the same span last year
            return calendar.bucket(reading.as_of or as_of, reading.compare_unit)  # type: ignore
        return None
    spans: dict[tuple[date, date], Period] = {}
    for p in periods:  # the same span said twice ("H1 (February through July)") is one period
        spans.setdefault((p.start, p.end), p)
    periods = list(spans.values())
    if not _compares_periods(reading.words) and not reading.compare and any(
            (p.end - p.start).days >= 27 for p in periods):
        periods = [p for p in periods if not _meeting_day(p, reading, as_of)]
    ahead = [p for p in periods if p.start == p.end > as_of]
    counted = {w for p in reading.said.get("activity_metrics", []) for w in p.split()}
    # ("what meetings are booked for tomorrow": the meetings are what is counted)
    if len(periods) == 1 and ahead and _meeting_day(ahead[0], reading, as_of) and \
            set(reading.words) & MEETING_WORDS - counted:
        return None  # "Forecast call is tomorrow, so: what deals of mine have had no
        # activity?": the day of the meeting, no window of the data
    if len(periods) == 2 and len(ahead) == 1:  # "1:1s with her reps tomorrow - cycle since
        periods = [p for p in periods if p is not ahead[0]]  # July": the day of the meeting
    today = [p for p in periods if p.start == p.end == as_of]
    if len(periods) == 2 and len(today) == 1 and not _compares_periods(reading.words) and \
            all(p.end > p.start for p in periods if p is not today[0]):
        # "the reps we have today ... next quarter": today is where we stand, not the window
        periods = [p for p in periods if p is not today[0]]
    if len(periods) == 2 and periods[0].start == periods[1].start and \
            min(p.end for p in periods) == (reading.as_of or as_of) and \
            not set(reading.words) & OTHER_DATES:
        # "the second half so far (Aug 1 to today)": a span and the part of it so far, said
        # twice; not when one of them dates something else ("deals created quarter to date")
        periods = [min(periods, key=lambda p: p.end)]
    if reading.grain is not None and len(periods) > 1:
        periods = [p for p in periods if not _a_row_of(p, periods, reading, calendar)] or \
            periods
    if len(periods) == 1:
        return _versus_only(reading, periods[0], calendar, reading.as_of or as_of) or periods[0]
    for whole in periods:  # "fiscal 2026 (Feb 2025 - Jan 2026)": the span said again in parts
        rest = [p for p in periods if p is not whole]
        if min(p.start for p in rest) == whole.start and max(p.end for p in rest) == whole.end \
                and all(whole.start <= p.start and p.end <= whole.end for p in rest):
            return whole
    if len(periods) == 2 and not _compares_periods(reading.words):
        for guess, named in ((periods[0], periods[1]), (periods[1], periods[0])):
            if guess in reading.yearless and named not in reading.yearless and any(
                    (s.start, s.end) == (named.start, named.end)
                    for s in (guess.shifted_years(n) for n in (-1, 1))):
                return named  # "next quarter (Feb-Apr)": the months of the quarter named;
                # "fiscal Q4 (Nov 2025 - Jan 2026)": the year the months are written in
    if len(periods) == 2 and not set(reading.words) & COMPARE_WORDS and \
            (planned := _planned(reading, as_of)) in periods:  # (not "next year's budget
        # compared with this year's bookings": both are asked)
        return next(p for p in periods if p is not planned)  # "for the FY28 planning deck I
        # need last year's attainment": the year being planned names the deck, not the data
    first, second = periods[0], periods[1]
    if reading.compare is not None:
        return first
    inner = [p for p, q in ((first, second), (second, first))
             if q.start <= p.start and p.end <= q.end and (p.start, p.end) != (q.start, q.end)]
    if len(periods) == 2 and inner and re.search(r"@period (?:of |in |for )?(?:the )?@period",
                                                 " ".join(reading.words)):
        return inner[0]  # "H1 of this fiscal year", "March of last year": the narrower span
    part = re.fullmatch(r"FY\d{4} (Q[1-4]|H[12])", first.label) or \
        re.fullmatch(r"FY\d{4} (Q[1-4]|H[12])", second.label)
    year = re.fullmatch(r"FY(\d{4})", second.label) or re.fullmatch(r"FY(\d{4})", first.label)
    if len(periods) == 2 and part and year and re.search(
            r"@period (?:of |in |for )?(?:the )?@period", " ".join(reading.words)):
        # "Q1 next fiscal year": that quarter of that year
        if part[1].startswith("Q"):
            return calendar.quarter(int(year[1]), int(part[1][1]))
        start = calendar.year(int(year[1])).start if part[1] == "H1" else \
            calendar.quarter(int(year[1]), 3).start
        end = calendar.quarter(int(year[1]), 2).end if part[1] == "H1" else \
            calendar.year(int(year[1])).end
        return Period(start, end, f"FY{year[1]} {part[1]}")
    said = " ".join(reading.words)
    compared = _compares_periods(reading.words, before=True) or bool(UP_ON.search(said))
    # (not "Enterprise vs Mid-Market over Q2 and Q3": the values compared, over one span)
    if compared:
        for main, other in ((first, second), (second, first)):  # "October vs October last year"
            for grain in ("month", "quarter", "year"):
                bucket = calendar.bucket(main.start, grain)
                if (bucket.start, bucket.end) == (main.start, main.end) and \
                        calendar.previous(main, grain).start == other.start and \
                        main.start > other.start:
                    reading.compare = "previous_period"
                    return main
            earlier = main.shifted_years(-1)
            if earlier.start == other.start or (
                    other.start <= earlier.start and earlier.end <= other.end and
                    (other.end - other.start).days >= 360 and main.start > other.end):
                # "Aug-Oct 2026 against the same three months of 2025": within that year
                reading.compare = "previous_year"
                return main
        return Clarification(
            question=f"I can compare a period with the one before it or with the same period a "
                     f"year earlier; {first.label} and {second.label} are neither. Which one?",
            options=[first.label, second.label])
    listed = sorted(periods, key=lambda p: p.start)
    if len(periods) == 2 and RANGED_PERIODS.search(said) and first.start < second.start and \
            first.end < second.end:  # "FY2025 through FY2027": from the one to the other
        return Period(first.start, second.end, f"{first.label} to {second.label}")
    if LISTED_PERIODS.search(said) and all(
            b.start == a.end + timedelta(days=1) for a, b in zip(listed, listed[1:],
                                                                  strict=False)):
        # "Aug, Sep and Oct": one span of the periods listed (every one of them, not two)
        return Period(listed[0].start, listed[-1].end,
                      " and ".join(p.label for p in listed))
    return Clarification(
        question=f"Which period do you mean: {first.label} or {second.label}?",
        options=[first.label, second.label])


MEETING_DAYS = 7
"""The longest span a meeting date can be ("the 1:1s on Nov 24-25")."""
SOON = 62
"""How many days ahead a day written without a year may be a date coming up ("the board call
on Dec 3" asked on Nov 26), rather than that day a year ago."""
RECENT = 14
"""How many days back a short span beside a meeting word may be that meeting's date."""


def _meeting_day(period: Period, reading: Reading, as_of: date) -> bool:
    """Whether a day or a few days beside a longer period date a meeting, a deadline or the
    message itself, not the data ("before the board call on Dec 3 I need Q3 win rate", "notes
    from Tuesday's review (11/24): open pipe this quarter"): a day coming up (written without a
    year, it was read as that day a year ago), or one just past in a message naming a meeting."""
    if (period.end - period.start).days >= MEETING_DAYS or not set(reading.words) & (
            MEETING_WORDS | MEETING_NOUNS | DEADLINE_WORDS) or WINDOW_SAID.search(
                " ".join(reading.words)):
        return False  # ("Which Q4 deals are closing next week?", "pushed since Nov 24": a
        # window of the data)
    day = period.start
    if day > as_of:
        return True
    try:
        coming = day.replace(year=day.year + 1)
    except ValueError:
        coming = day
    if as_of < coming <= as_of + timedelta(days=SOON):
        return True
    return as_of - period.end <= timedelta(days=RECENT) and bool(
        set(reading.words) & (MEETING_WORDS | MEETING_NOUNS))


DEADLINE_WORDS = frozenset({"board", "deck", "slides", "presentation", "qbr", "offsite", "needed",
                            "need", "send", "by"})
WINDOW_SAID = re.compile(r"\b(?:since|from|until|till|through|closing|close|closes|due to close|"
                         r"expected to close|in the next|within|pushed|created|won|lost|"
                         r"closed) (?:the |on |by |in )?@period")
"""A short span that is a window of the data ("closing next week", "since Nov 24")."""
MEETING_NOUNS = frozenset({"sync", "notes", "recap", "standup", "retro", "due", "deadline",
                           "signoff", "flight", "trip", "travelling", "traveling", "ooo",
                           "hands", "attendees", "agenda"})
"""Words of a message's own time (a sync, notes, a recap, a deadline, travel) besides the
meeting nouns."""


PLAN_NOUNS = frozenset({"plan", "plans", "planning", "model", "models", "budget", "budgets",
                        "phasing", "assumptions", "kickoff", "offsite"})
"""What is prepared for a future period ("the FY28 plan", "next year's model")."""


def _planned(reading: Reading, as_of: date) -> Period | None:
    """The one future period written right before what is being planned for it ("FY28
    planning deck", "the FY28 revenue plan", "next year's model"): the plan's name."""
    at = [i for i, w in enumerate(reading.words) if w == "@period"]
    if len(at) != len(reading.in_text):
        return None
    planned = [p for i, p in zip(at, reading.in_text, strict=True) if p.start > as_of and
               set(reading.words[i + 1:i + 3]) & PLAN_NOUNS]
    return planned[0] if len(planned) == 1 else None


def _versus_only(reading: Reading, named: Period, calendar: FiscalCalendar,
                 today: date) -> Period | Clarification | None:
    """'Bookings compared with Q3', 'win rate vs FY2026': the one period named is what the
    answer is set against, so the period asked about is the current one of its length (this
    quarter against the one before, or against the same one a year earlier); any other pair
    is read as written. None when the period is not written right after a comparison word."""
    words = reading.words
    if reading.compare is not None or words.count("@period") != 1:
        return None
    k = words.index("@period")
    before = [w for w in words[max(0, k - 3):k] if w not in ("the", "with", "to", "of")]
    if not before or before[-1] not in COMPARE_WORDS - {"than"}:
        return None
    span = (named.start, named.end)
    grains: tuple[Literal["month", "quarter", "year"], ...] = ("month", "quarter", "year")
    for unit in grains:
        now = calendar.bucket(today, unit)
        if span == (now.start, now.end):
            return None  # "vs this quarter": nothing earlier is named
        prior = calendar.previous(now, unit)
        year_ago = calendar.previous(now, unit, {"month": 12, "quarter": 4, "year": 1}[unit])
        if span == (prior.start, prior.end):
            reading.compare = "previous_period"
            return now
        if span == (year_ago.start, year_ago.end):
            reading.compare = "previous_year"
            return now
    grain = next((g for g in grains if (calendar.bucket(named.start, g).start,
                                        calendar.bucket(named.start, g).end) == span), None)
    if grain is None or named.start > today:
        return None
    now = calendar.bucket(today, grain)
    return Clarification(
        question=f"I can compare a period with the one before it or with the same period a "
                 f"year earlier; {now.label} and {named.label} are neither. Which one?",
        options=[now.label, named.label])


def _compares_periods(words: list[str], before: bool = False) -> bool:
    """Whether a comparison word sets a period against another ("vs last year", "compared
    with @period", with `before` also "Q3 compared"), not against a quota or target ("close
    against the quota target") or one value against another ("Enterprise vs Mid-Market")."""
    return any((w in COMPARE_WORDS or w == "over" and words[k - 1:k] and words[k - 1] in GROWTH
                or w in BEAT_WORDS and "@period" in words[k + 1:k + 3])
               and (set(words[k + 1:k + _reach(words, k)]) & PERIOD_MARKS or
                    before and set(words[max(0, k - 3):k]) & PERIOD_MARKS)
               for k, w in enumerate(words))


GROWTH = frozenset({"growth", "grew", "grown", "up", "down", "increase", "decrease", "change"})
BEAT_WORDS = frozenset({"beat", "beats", "above", "below", "exceeded", "exceed", "topped",
                        "outpaced", "outperformed", "trailed"})
"""Words setting one period against another named right after ("Q3 bookings beat Q2",
"came in above Q2")."""
"""Words before "over" that compare with the period after it ("growth over FY25")."""


def _reach(words: list[str], k: int) -> int:
    """How far after a comparison word its period may stand: "than it was at this point last
    quarter" says what is compared as a clause."""
    if words[k + 1:k + 2] and words[k + 1] in ("it", "they", "we", "what", "that", "where"):
        return 9
    return 6 if words[k + 1:k + 3] in (["the", "equivalent"], ["the", "same"]) else 4
    # ("against the equivalent stretch of FY26": the period said after what it is)


PERIOD_MARKS = frozenset({"@period", "last", "previous", "prior", "same", "year", "quarter",
                          "month", "period", "yoy", "qoq", "mom"})


PERCENTILE = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)? percentile|p(\d{2}))\b")
MEDIAN = re.compile(r"(?<!not the )(?<!not a )(?<!not )(?<!than the )(?<!of the )\bmedian\b")
"""The median asked for (not "... within SLA, not the median", "instead of the median")."""
SPREAD_STATS = re.compile(r"\b(?:standard deviation|std dev|stdev|variance|gini)\b")
MEDIAN_OF = {"bookings": "avg_deal_size", "quota_attainment": "team_distribution",
             "opportunity_count": "avg_deal_size"}
"""Tools whose median lives in another tool: a median won deal is the deal size's median, a
median attainment the team distribution's."""
MEDIAN_SIZE = re.compile(r"\bmedian (?:won |closed |closed won |new business |expansion )?"
                         r"(?:deal|deals|win|sale|deal size|deal value|attainment|quota attainment|"
                         r"size|value|amount|acv)\b|\bmedian (?:\w+ )?(?:deal|attainment)\b")
MEDIAN_COUNT = re.compile(r"\bmedian (?:number|count|monthly|weekly|quarterly)\b|"
                          r"\bper (?:month|week|quarter|rep)\b|"
                          r"\babove (?:the )?median\b|\bbelow (?:the )?median\b")
MEDIAN_BASED = frozenset({"ops_efficiency"})
"""Tools whose figure is a median by definition (the median resolution time of requests)."""


def _statistic(plan: Plan, norm: str) -> Plan | Clarification:
    """A statistic the question names ("the 95th percentile", "median won deal") is the
    measure, or its tool's, or asked about: never dropped for the tool's default figure."""
    tool = plan.tool
    measures = TOOLS[tool].measures
    spread = "median" in measures or any(PERCENTILE.search(m) for m in measures) or \
        tool in MEDIAN_OF  # (a tool of amounts or durations; "median resolution time" is
    # the ops tool's own definition)
    said = PERCENTILE.search(norm)
    if said and spread:
        wanted = f"p{said[1] or said[2]}"
        if wanted == "p50" and "median" in measures:
            wanted = "median"
        if wanted in measures:
            plan.params.measure = wanted
            return plan
        offered = [m for m in measures if PERCENTILE.search(m) or m == "median"]
        return Clarification(
            question=f"{tool_label(tool).capitalize()} has no {said[0]}; it has "
                     f"{', '.join(offered) or 'no percentiles'}. Which should I use?",
            options=[f"{tool_label(tool)} {m}" for m in offered] or [tool_label(tool)],
            term=said[0], not_understood=[said[0]])
    if spread and (stat := SPREAD_STATS.search(norm)):
        word = stat[0]
        return Clarification(
            question=f"I can't compute the {word} of {tool_label(tool)}. Shall I give the "
                     "median and spread I have instead?",
            options=[tool_label(tool), "team performance distribution"], term=word,
            not_understood=[word])
    if MEDIAN.search(norm) and "median" not in (plan.params.measure or "") and \
            tool not in MEDIAN_BASED:
        if "median" in measures:
            plan.params.measure = "median"
            return plan
        if "median" in TOOLS[tool].description.lower():
            return plan  # (the bottleneck reports each stage's median days itself)
        other = MEDIAN_OF.get(tool) if MEDIAN_SIZE.search(norm) and not MEDIAN_COUNT.search(
            norm) else None
        if other is None or any(d not in TOOLS[other].group_by for d in plan.params.group_by):
            return Clarification(
                question=f"{tool_label(tool).capitalize()} has no median. Which figure did "
                         "you mean?", options=[tool_label(tool), "average deal size median",
                                               "sales cycle median"],
                term="median", not_understood=["median"])
        plan.tool, plan.params.measure = other, "median"
        plan.notes.append(f"read the median as {tool_label(other)}'s median")
    return plan


NOT_COUNT = re.compile(r"\bnot (?:the |a |by |on |in )?(?:count|counts|number|deal count|"
                       r"# of deals|how many|volume)\b|\b(?:rather than|instead of) (?:the |by )?"
                       r"(?:count|deal count|number of deals|volume)\b")
NOT_VALUE = re.compile(r"\bnot (?:the |by |on |in )?(?:value|dollars?|amount|revenue|dollar value|"
                       r"dollar amount)\b|\b(?:rather than|instead of) (?:the |by )?(?:value|"
                       r"dollars?|amount|revenue)\b")
COUNT_AND_VALUE = {"bookings": ("count", "amount"), "win_rate": ("count", "value"),
                   "open_pipeline": ("count", "amount"), "stale_deals": ("count", "amount"),
                   "deal_risk": ("count", "amount"), "leaderboard": ("count", "amount"),
                   "slipping_deals": ("slip_rate", "slip_rate_value")}
"""Each tool's measure by deals counted and its twin by their value (deal counts: 'won' and
'won_amount')."""


def _contrasted(tool: str, measure: str | None, norm: str) -> str | None:
    """The measure a question sets against the other ("total value, not the count", "by count,
    not dollars"): the twin kept, whichever the words before had named."""
    said = measure or TOOLS[tool].measures[0]
    count, value = COUNT_AND_VALUE.get(tool, (said.removesuffix("_amount"), said
                                              if said.endswith("_amount") else f"{said}_amount"))
    if value not in TOOLS[tool].measures or count not in TOOLS[tool].measures:
        return measure
    if said == count and NOT_COUNT.search(norm) and not NOT_VALUE.search(norm):
        return value
    if said == value and NOT_VALUE.search(norm) and not NOT_COUNT.search(norm):
        return count
    return measure


FORWARD_TOOLS = frozenset({"open_pipeline", "weighted_pipeline", "pipeline_coverage",
                           "forecast_projection", "forecast_rollup"})
"""Tools about close dates still to come: a month named without a year is the next one."""


def _ahead(period: Period | None, tool: str, norm: str, as_of: date,
           calendar: FiscalCalendar, measure: str | None = None) -> Period | None:
    """'Pipeline closing in December' (asked in November) is next month, not last year's;
    'the Q4 pipeline as of October 31' is the Q4 ahead of that day."""
    forward = tool in FORWARD_TOOLS or TOOLS[tool].never_counts == NOT_OPEN or (
        tool == "opportunity_count" and measure in ("open", "open_amount")) or (
        tool in ("opportunity_count", "bookings") and STILL_CLOSING.search(norm) and
        not PAST_CLOSE.search(norm) and not re.search(r"\b(?:bookings|revenue)\b", norm))
    # "accounts with an expansion deal closing in December": the deals still to close, read as
    # the open pipeline (not "bookings closing in December": the December that has been)
    if period is None or not forward or period.end >= as_of or \
            str(period.start.year) in norm or (period.end - period.start).days > 92 or \
            SAID_PAST.search(norm) and (period.end - period.start).days <= 31:
        return period  # ("what was the Q3 pipeline as of the end of Q2": the Q3 ahead then)
    start, end = period.start.replace(year=period.start.year + 1), \
        period.end.replace(year=period.end.year + 1)
    if end < as_of or (start - as_of).days > 183:  # a month far ahead: as written
        return period
    quarter = calendar.bucket(start, "quarter")
    if (quarter.start, quarter.end) == (start, end):
        return quarter
    if period.label.count(str(period.start.year)) + period.label.count(str(period.end.year)) \
            and period.start.year == period.end.year:
        return Period(start, end, period.label.replace(str(period.start.year), str(start.year)))
    return Period(start, end, f"{start.isoformat()} to {end.isoformat()}")  # "between Dec 1
    # and Jan 15": the span to come, across the year end


SAID_PAST = re.compile(r"\blast (?:year|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|"
                       r"sep\w*|oct\w*|nov\w*|dec\w*)\b|\b(?:a year ago|last fiscal year|"
                       r"previous year|prior year)\b|\b(?:was|were|had|did)\b")
"""A month said in the past ("last December", "December last year", "how many were open in
December"): never moved to the one to come."""
STILL_CLOSING = re.compile(r"\bclosing\b|\b(?:expected|due|set|slated|scheduled|going) to "
                           r"close\b|\bwill close\b")
"""Deals said to be closing: open ones, by a close date to come."""
PLANNED_TOOLS = FORWARD_TOOLS | {"quota_attainment", "quota_capacity", "deal_risk",
                                 "slipping_deals", "pipeline_movement", "territory_balance",
                                 "team_distribution", "productivity_improvement", "scorecard"}
"""Tools whose period is a window of close dates still open or a plan (quota, target): the
current year means the whole of it. Every other tool counts what has already happened."""
THIS_YEAR = re.compile(r"\b(?:this|current)\s+(?:fiscal\s+)?year\b")
WHOLE_YEAR = re.compile(r"\b(?:full|whole|entire)\s+(?:(?:this|current)\s+)?(?:fiscal\s+)?year\b")
SO_FAR = re.compile(r"\b(?:so far|to date|thus far|until now|up to now|up until now)\b")
"""'So far in FY27', 'each quarter of FY27 so far': the current year named any way, to date."""


def _year_to_date(period: Period | None, tool: str, norm: str, calendar: FiscalCalendar,
                  as_of: date) -> Period | None:
    """'Win rate this year' is the fiscal year to date, as a sales leader means it: what has
    happened so far, labelled so (the same figures as the whole year for closed deals). Tools
    about close dates to come or a plan keep the whole year; 'the full year' stays whole."""
    if period is None or tool in PLANNED_TOOLS or not (
            THIS_YEAR.search(norm) or SO_FAR.search(norm)) or WHOLE_YEAR.search(norm):
        return period
    year = calendar.bucket(as_of, "year")
    if (period.start, period.end) == (year.start, year.end) and as_of < year.end:
        return Period(year.start, as_of, f"{year.label} YTD")
    if SO_FAR.search(norm) and period.start <= as_of < period.end:
        short: dict[Grain, str] = {"quarter": "QTD", "month": "MTD"}
        unit = next((u for u in short if (b := calendar.bucket(as_of, u)).start == period.start
                     and b.end == period.end), None)
        return Period(period.start, as_of, f"{period.label} {short[unit]}" if unit else
                      f"{period.label} to date")  # "Q4 bookings to date", "calendar 2026
        # bookings to date": the span so far
    return period


def _whole_plan(period: Period | None, tool: str, norm: str, calendar: FiscalCalendar,
                as_of: date) -> Period | None:
    """'My attainment so far this quarter' is the bookings to date against the whole
    quarter's quota, as a sales leader reads it (not a quota cut to the days gone, which
    reads 100% on pace): a plan's current quarter or month to date is the whole of it, whose
    bookings are those to date anyway (the year to date keeps its quota to date)."""
    unit = TO_DATE_UNITS.get(period.label.rsplit(" ", 1)[-1]) if period is not None else None
    if period is None or tool not in PLAN_TOOLS or period.end != as_of or unit is None or \
            PRORATED.search(norm):
        return period
    bucket = calendar.bucket(as_of, unit)  # type: ignore[arg-type]
    return bucket if bucket.start == period.start and bucket.end > as_of else period


PLAN_TOOLS = frozenset({"quota_attainment"})
"""Tools that measure what happened against a plan for a whole period."""
TO_DATE_UNITS = {"MTD": "month", "QTD": "quarter"}
"""Quotas are set per quarter (and month): attainment so far this quarter is against the
quarter's; year-to-date attainment keeps its standard meaning, against the quota to date."""
PRORATED = re.compile(r"\b(?:pro ?rated|prorata|pro rata|on pace|pacing|run rate)\b")
"""Words asking for the quota to date after all ("attainment QTD prorated")."""


LAST_N = re.compile(r"^last (\d+) (week|month|quarter)s\b")


def _whole_buckets(period: Period | None, grain: str, calendar: FiscalCalendar,
                   as_of: date) -> Period | None:
    """'Over the last 6 months, month by month': six whole months (this one to date), not a
    trailing window that starts mid-month and shows a seventh, partial bucket."""
    m = LAST_N.match(period.label) if period is not None else None
    if m is None or m[2] != grain or period is None or period.end != as_of:
        return None
    bucket = calendar.bucket(as_of, grain)  # type: ignore[arg-type]
    for _ in range(int(m[1]) - 1):
        bucket = calendar.previous(bucket, grain)  # type: ignore[arg-type]
    return Period(bucket.start, as_of, f"last {m[1]} {grain}s ({bucket.start} to {as_of})")


def _grain(grain: str, period: Period | None) -> str:
    if grain != "auto":
        return grain
    if period is None or period.days <= 400:
        return "month"
    return "quarter"




