"""Breakdown, ranking and filters of a question."""

from __future__ import annotations

import re

from agent.parser.entities import EntityMatch
from agent.parser.lexicon import (
    EXCLUDE_CUES,
    FILTER_CUES,
    GROUP_CUES,
    PUT_OUT_AFTER,
    PUT_OUT_VERBS,
    REMOVED,
    STOPWORDS,
    lexicon,
)
from agent.parser.periods import NUMBERS
from agent.parser.reading import Reading
from agent.parser.words import UNIT_WORDS
from tools.base import Dimension, Filter
from tools.registry import TOOLS

DEAL_WORDS = frozenset({"deal", "deals", "opportunity", "opportunities"})
DEAL_LIST = re.compile(
    r"\b(?:which|what|list|listing|rank|name|show me the|show the)\s+"
    r"(?!one\s|of (?:the )?(?:two|both|them|these|those)\b|(?:is|was|will|would|does|did)\s)"
    r"(?P<between>(?:\w+\s+){0,5}?)"
    r"(?:deals|opportunities|opps)\b|\b\w{3,}iest\s+(?:deals|opportunities)\b|"
    r"\b(?:which|list|listing|show me the|show the)\s+(?:\w+\s+){0,3}?renewals\b|"
    r"\b(?:deal|opportunity|opp) (?:by (?:deal|opportunity|opp)|level)\b|\bone by one\b|"
    r"\bline by line\b|\b(?:one )?(?:line|row|entry) (?:per|for each|for every) "
    r"(?:deal|opportunity|opp)\b|\b(?:individual|actual|specific) (?:deals|opportunities|opps)\b|"
    r"\bitemi[sz]ed\b|\blist (?:them|em|those|these|it|of|only|please|pls)\b|"
    r"\b(?:show|pull|send|give)(?: me)? (?:them|those)\b|\bthe list\b|\bwith (?:the )?reasons\b|"
    r"\b(?:show|list|give|pull|see)(?: me)? (?:each|every) (?:\w+ ){0,4}?(?:deals?|"
    r"opportunit(?:y|ies)|opps?)\b|\b(?:just|only) the (?:deals|opportunities|opps)\b|"
    r"\b(?:deals|opportunities|opps)\b.*\b(?:list|listed|itemized)$|"
    r"\b(?:deal|deals|opportunity|opportunities|opp|opps) list\b|"
    r"\b(?:of|for) (?:each|every) (?:\w+ ){0,3}?(?:deal|opportunity|opp)\b(?! (?:type|stage|size|"
    r"owner|source|category|level|count|amount|value|flow|desk|review|cycle|stages|types)\b)|"
    r"\b(?:deals|opportunities|opps)\b.*\bwhich ones\b|"
    r"\b(?:the )?details? (?:of|on|for|about) (?:the |our |all |these |those |each |every )?"
    r"(?:\w+ ){0,3}?(?:deals|opportunities|opps)\b|"
    r"\bshow me (?!how\b|what\b)(?:(?!(?:the )?(?:number|count|total|value|share|average|avg|"
    r"mean|median|size|win|rate|cycle|time|amount|percent|sum)\b)\w+ ){0,4}?"
    r"(?:deals|opportunities|opps)\b(?!.*\b(?:by|per|each)\b)")
"""Questions that ask for the deals themselves: "which ... deals", "list the at-risk deals",
"deal by deal", "the actual deals", "list them", "renewal opps nobody touched - which ones?",
"show me Ben's deals that went quiet" (not "what share of deals", nor "which one closes bigger
deals", which asks which of the values named)."""
QUANTITY = re.compile(r"\b(?:share|percent|percentage|%|proportion|fraction|number|count|total|"
                      r"amount|value|sum|much|many|ratio|rate)\b")
"""Words between "what"/"which" and "deals" that ask for a quantity of the deals."""
NOT_RANKING = re.compile(r"\b(?:top|bottom)\s+(?:quartile|quintile|decile|tercile|half|tier|"
                         r"line|third|percentile|"
                         r"quarter of(?! (?:fy|fiscal|calendar|this|last|next|the year|20\d\d))|"
                         r"25%|25 percent)s?\b|"
                         r"\b(?:best|worst)\s+case\b|"
                         r"\bfirst (?:call|touch|response|contact|email|reply|meeting)s?\b|"
                         r"\bfirst line (?:manager|managers|mgr|mgrs|leader|leaders)\b|"
                         r"\bon top of\b|\b(?:come|comes|came|coming) out on top\b")  # "upside on
# top of the commit": in addition to; "how often do we come out on top": winning
_RANKED = (r"top|bottom|best|worst|first|highest|lowest|largest|biggest|smallest|weakest|"
           r"strongest|greatest|slowest|fastest")
_COUNT = r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|pair|trio"
COUNT_WORDS = {**NUMBERS, "twenty": 20, "pair": 2, "trio": 3}
"""Number words of a ranked count ("the bottom pair", "which trio")."""
TOP_N = re.compile(rf"\b(?P<w>{_RANKED})\s+(?P<n>\d+|{_COUNT})\b|"
                   rf"\b(?P<w3>\w{{3,}}iest)\s+(?P<n3>\d{{1,3}}|{_COUNT})\b"
                   r"(?! (?:days?|weeks?|months?|quarters?|years?)\b)|"
                   r"(?<!stage )(?<!step )(?<!priority )(?<!item )(?<!slide )(?<!page )"
                   r"(?<!tier )(?<!level )(?P<hash>#1|number one|no 1)\b(?= \w)|"
                   rf"\b(?P<n5>\d{{1,3}}|(?!one\b)(?:{_COUNT})) of (?:the |our |my )?"
                   rf"(?P<w5>{_RANKED}|\w{{3,}}iest|most (?!recent)\w+)\b|"
                   rf"\b(?P<n2>\d{{1,3}}|{_COUNT})\s+(?P<w2>{_RANKED}|\w{{3,}}iest|"
                   rf"most (?!recent)\w+)\b|"
                   rf"\bwhich (?P<n4>\d{{1,2}}|{_COUNT}) (?:\w+ )?(?:deals|opps|opportunities|"
                   r"reps|sellers|accounts|customers|teams|regions|products|campaigns|sources|"
                   r"segments|industries|managers|territories)\b")
"""A ranked count: "top 5", "worst three", "the 10 biggest" (not "2025 best month")."""
FIRST_SPAN = re.compile(rf"\bfirst (?:\d+|{_COUNT}) (?:days?|weeks?|months?)\b|"
                        r"\b(?:the|our|its) first (?:fiscal |calendar )?(?:quarter|month|week|half|"
                        r"year)\b")
"""The first days, weeks or months of a span, the first quarter of a year: a period, never a
ranked count."""
COUNTED = re.compile(r"\b(?:how many|number of|count of|share of|percent of|% of)\b")
SAYING = re.compile(r"(?:are|were|is|keep|kept|have been|had been) (?:\w+ )?(?:telling|saying|"
                    r"claiming|insisting|promising)\b|"
                    r"(?:tell|told|say|said|claim|claimed|insist|insisted|think|thought|"
                    r"believe|believed|feel|felt|swear|promise|promised|reckon)\b")
"""What people say or claim ("what the reps are telling me"): they are the speakers, no split."""
AUXILIARIES = frozenset({"did", "do", "does", "have", "has", "had", "will", "would", "can",
                         "could", "should", "are", "were"})
"""Verbs before the subject of a question ("did reps ..."): the people who act, not a split."""
JUDGED_VERBS = frozenset({"do", "perform", "fare", "compare", "stack", "rank", "look", "measure",
                          "hit", "make", "beat", "miss", "reach", "exceed", "meet", "doing",
                          "performing", "faring", "comparing", "stacking", "ranking", "looking",
                          "measuring", "tracking", "trending", "pacing", "converting",
                          "hitting", "missing", "landing"})
ARTICLES = frozenset({"the", "a", "an", "our", "any", "all", "those", "these", "that"})
"""Words that may stand between an exclusion cue and its value ("except for the ...")."""
LIST_JOINS = frozenset({"and", "or", "nor", "plus"})
POINTING = frozenset({"these", "those", "them", "following"})
"""Words standing for values written after them ("leave these out: APAC, LATAM")."""
"""Words joining the values of a list."""
VERB_USE = frozenset({"to", "from", "until", "till", "before", "after"})
"""A rank word right after these is a verb or a step, not a ranking ("to winning it", "from
first touch")."""
WINDOW = re.compile(r"^(?:\d+[a-z]*|@period|twelve|six|three|four|two|half|days|weeks|months|"
                    r"quarters|years)$")
"""A rank word before a number or a period is a window ("trailing 12m", "first 3 months")."""
ONE_UNIT = re.compile(r"^(?:quarter|month|week|year|day)$")
"""A unit after a rank word that is no superlative is a period ("the first quarter"); after
one ("our best month", "the top quarter of FY2026") the units are ranked."""
RANK_WORDS = frozenset({"top", "bottom", "best", "worst", "highest", "lowest", "most", "least",
                        "biggest", "largest", "smallest", "fewest"})


def _aggregates(tool: str) -> bool:
    """True when the tool answers with totals unless asked for the deals themselves."""
    return not TOOLS[tool].lists_records and Dimension.opportunity in TOOLS[tool].group_by


def grouping(reading: Reading, norm: str, tool: str) -> tuple[list[str], int | None, str]:
    """Return (group-by dimensions or a time unit, top N, sort order)."""
    words = reading.words
    norm = NOT_RANKING.sub(" ", norm)  # "top quartile share" ranks nothing
    norm = FIRST_SPAN.sub(" ", norm)  # "the first 10 days of October": a span, no top 10
    split = norm.split()
    rank_hits = [(st, e, x) for st, e, x in lexicon().find(split, {"rank"})
                 if (st == 0 or split[st - 1] not in VERB_USE) and not (
                     e < len(split) and (WINDOW.match(split[e]) or ONE_UNIT.match(split[e])
                                         and split[st] not in RANK_WORDS))]
    direction = rank_hits[0][2].value if rank_hits else None
    top = None
    m = TOP_N.search(norm)
    if m:
        count = m["n"] or m["n2"] or m["n3"] or m["n4"] or m["n5"] or "1"  # ("#1 lead
        # source": the top one; "which ten open deals", "8 of the stalest": ranked counts too)
        word = m["w"] or m["w2"] or m["w3"] or m["w5"] or "top"
        top = int(count) if count.isdigit() else COUNT_WORDS[count]
        if not m["n4"]:  # ("which five reps booked least": the rank word says the end)
            direction = "bottom" if word in ("bottom", "worst", "lowest", "smallest",
                                             "weakest") else "top"
    order = "asc" if direction == "bottom" else "desc"
    sort = re.search(r"\bsort(asc|desc|worst|best)\b", norm)
    if m is not None and (m["w"] or m["w2"] or m["w5"]) != "top":
        sort = None  # "the 3 lowest, highest first": the lowest three
    if sort:
        # "worst first", "ranked high to low": the whole list, in that order (which end is
        # worst, the plan decides by the measure: Tool.lower_is_better)
        order = {"worst": "asc", "best": "desc"}.get(sort[1], sort[1])
    group: list[str] = []
    uncued: set[str] = set()
    whole: set[str] = set()
    """Dimensions named only as 'all <values>': the scope, when another split is asked."""
    singular = False
    knobbed = {w for k in reading.knobs if tool in k.rule.names
               for w in [*k.text.split(), *str(k.value).split("_")] if w not in STOPWORDS}
    method = {end for start, end, _ in lexicon().find(words, {"metric"})
              if METHOD.search(" ".join(words[max(0, start - 4):start])) and
              tool not in {x.value for x in lexicon().entries(words[start:end])
                           if x.kind == "metric"} and
              not set(words[start:end]) & knobbed}  # "using the commit forecast by
    # region": the forecast scored is a knob of the tool, the split is the answer's
    listed_end = -1  # where the last split named ends: "by lead source and segment" lists two
    measured = [(start, end) for start, end, _ in lexicon().find(words, {"measure"}, tool)]
    for pos, dim, text in reading.dims:
        if any(start <= pos and pos + len(text.split()) <= end and
               end - start > len(text.split()) and not set(words[start:pos]) & (
                   GROUP_CUES - {"per"} if words[start] == "per" and
                   pos + len(text.split()) < end else GROUP_CUES)
               for start, end in measured):  # (not "opportunities by stage": a split;
            # "activities per seller per day": a unit of the measure, no split by seller)
            continue  # "regions ranked by logo churn": a word of the measure's name, no split
        if words[pos - 1:pos] == ["by"] and pos - 1 in method:
            continue  # "based on win rates by stage, where do we land": the method's split
        if text == "who" and words[pos + 1:pos + 2] in (["are"], ["were"]) and any(
                d != dim and _plural(t) and pos < p <= pos + 6 for p, d, t in reading.dims):
            continue  # "who are our 10 biggest customers": the customers, not people
        if text == "who" and words[pos + 1:pos + 2] in (["s"], ["is"], ["was"]) and any(
                d != dim and pos < p <= pos + 4 for p, d, t in reading.dims):
            continue  # "who's our weakest team": the team asked for, not people
        if dim is Dimension.rep and _plural(text) and any(
                p + len(t.split()) == pos and d.value in ("manager", "team", "region") and
                not _plural(t) for p, d, t in reading.dims):
            continue  # "which manager's reps": the managers, each with their reps
        if text == "who" and len({e.label for e in reading.entities
                                  if e.dimension is Dimension.account}) >= 2:
            continue  # "who's spent more with us, Maplesight or Clearpeak?": which of the
            # accounts named, not which rep ("who closed the most across EMEA and APAC" is)
        if words[pos - 1:pos] in (["that"], ["this"]) and not _plural(text):
            continue  # "that team's win rate": the team pointed back at, no split
        if words[max(0, pos - 2):pos] in (["not", "the"], ["not", "our"], ["not", "by"]) or \
                words[pos - 1:pos] == ["not"]:
            continue  # "not the reps' call - a projection", "by region, not by rep": what is
            # not asked for
        if words[pos - 1:pos] == ["other"] and set(words[max(0, pos - 6):pos]) & NEGATIONS:
            continue  # "EMEA only, don't need the other regions": the ones not asked for
        owner = next((e for e in reading.entities if e.end == pos), None)
        if owner is not None and owner.dimension in (Dimension.manager, Dimension.rep) and \
                _plural(text) and dim is Dimension.team and any(
                    d not in (dim, Dimension.manager) for _, d, _ in reading.dims):
            continue  # "top 5 reps across Ravi Wang's and Max Murphy's teams": the teams they
            # run, the scope of the reps ranked
        # "list the deals owned by Ravi Wang's reps": the cue before a name governs the name
        owned = words[max(0, pos - 2):pos] in (["owned", "by"], ["held", "by"],
                                               ["assigned", "to"], ["belonging", "to"])
        before = set() if (owner is not None or owned) and deal_list(norm) else \
            set(words[max(0, pos - 3):pos])
        k = pos - 1
        while k > 0 and pos - k <= 4 and words[k] in WHICH_OF:
            k -= 1
        if k < pos - 1 and words[k] in ("which", "what") and _plural(text):
            before.add(words[k])  # "which of our sales tools": the cue across "of our sales"
        if owner is not None and not owned and _plural(text):  # "which of Leo Zhang's reps",
            # "which of my NA Commercial reps": the cue before whose reps they are
            before |= set(words[max(0, owner.start - 3):owner.start]) & {"which", "who"}
        which_one = any(words[k] == "which" and words[k + 1:k + 2] in (["one"], ["ones"]) and
                        words[k + 2:k + 3] != ["of"] for k in range(max(0, pos - 4), pos))
        if which_one:
            before.discard("which")  # "Gong vs Outreach: which one did reps use more": the
            # question is which of the values named, not which rep
        plural = _plural(text) and not which_one  # the reps asked about, not a split
        after = words[pos + len(text.split()):pos + len(text.split()) + 1]
        crossed = dim in TOOLS[tool].group_by and (
            _crossed(reading, pos, dim, text, norm) or "against" in words[pos - 2:pos] and any(
                pos - 2 <= p + len(t.split()) < pos and _crossed(reading, p, d, t, norm)
                for p, d, t in reading.dims))  # the second axis ("by" already cues it)
        cued = crossed or bool(before & GROUP_CUES) or bool(before & RANK_WORDS) or (
            listed_end >= 0 and 0 < pos - listed_end <= 2 and
            set(words[listed_end:pos]) <= LIST_JOINS) or (
            plural and EACH_OF.search(norm) is not None) or (
            text in SPLIT_ADJECTIVES) or (
            top is not None and plural) or (  # "top 5 Financial Services accounts by bookings"
            after in (["level"], ["granularity"], ["breakdown"], ["breakout"], ["split"],
                      ["mix"], ["splits"], ["breakdowns"])) or (
            not plural and _adjunct(words, pos + len(text.split()), reading.said.get(tool, [])))
        # "team level is fine", "coverage ratio Q1 FY28, team breakdown"
        near_entity = any((e.dimension == dim and abs(e.start - pos) <= 2) or e.end == pos
                          for e in reading.entities)
        if crossed:
            pass  # "region by product", "stage against segment": the rows of a cross-tab
        elif (near_entity or dim == Dimension.account) and not cued or any(
                e.dimension == dim and (e.end == pos or e.start == pos + len(text.split()) and
                                        words[pos - 1:pos] != ["by"])
                for e in reading.entities):
            continue  # ("the most? for emea region", "per rep, team NA Commercial": the value
            # named with its kind, however ranked)
        if after and after[0] in DEAL_WORDS and not _plural(text) and deal_list(norm) and \
                not text.startswith(dim.value.split("_")[0]):
            continue  # "the top 10 individual deals": what the deals are (a word naming the
            # split another way, not its name: "which stage deals stall in" splits)
        if not plural and words[pos - 1:pos] and words[pos - 1] in POSSESSIVE and \
                not before & GROUP_CUES:
            continue  # "the top 3 on his team": the team he runs, not a split by team
        if not plural and words[pos - 1:pos] == ["the"] and not cued_next_to(words, pos) and \
                direction is None and any(e.dimension == dim for e in reading.entities):
            continue  # "the team's pipeline ... for NA Enterprise team": the one team named
        if dim.value in lexicon().subjects[tool] and (not cued or dim not in TOOLS[tool].group_by) \
                and text != "who":
            continue  # "spread of attainment across the reps": what the tool measures over
        if plural and not cued and COUNTED.search(" ".join(words[max(0, pos - 6):pos + 1])):
            continue  # "how many of our reps", "how many calls did the reps make": no split
        if plural and not cued and words[pos - 1:pos] and words[pos - 1] in AUXILIARIES and \
                not set(after) & JUDGED_VERBS:
            continue  # "how quickly did reps get back to leads": who acts, no split ("how did
            # the reps do", "how did teams perform": each is judged, a split)
        end = pos + len(text.split())
        if plural and not before & {"by", "per", "each", "across", "which", "whose"} and \
                words[pos - 1:pos] not in (["what"],) and \
                SAYING.match(" ".join(words[end:end + 3])):  # (not "which reps said ...")
            continue  # "what the reps are telling me", "the managers keep saying": who says
            # it, context of the question, no split
        if cued or plural or tool == "leaderboard" or text == "who" or direction:
            if cued:
                listed_end = pos + len(text.split())
            if dim.value not in group:
                group.append(dim.value)
                singular = singular or not plural
                if not cued:
                    uncued.add(dim.value)
                k = pos - 1
                while k >= 0 and words[k] in ARTICLES - {"all"}:
                    k -= 1
                if words[k:k + 1] == ["all"] and words[k - 1:k] and (
                        words[k - 1] in SCOPE_BEFORE or words[k - 1].startswith("@")):
                    whole.add(dim.value)  # "for all regions", "next quarter, all regions"
    inner = [d for d in group if any(
        d2.value == d and WITHIN.search(" ".join(words[max(0, p - 3):p + 1]))
        for p, d2, _ in reading.dims)] if WITHIN.search(norm) else []
    if len(group) == 2 and len(inner) == 1 and group[0] != inner[0]:
        group = [inner[0], *[g for g in group if g != inner[0]]]  # "deal size for each segment
        # within each team": per team, its segments (the outer split first)
    if whole and (set(group) - whole - uncued or reading.grain):  # "all regions, by stage":
        group = [g for g in group if g not in whole]  # every region together, by stage (or
        # by quarter)
    if group and singular and (re.search(r"\b(?:who|which|what) (?:are|were)\b", norm) or any(
            d.value == group[0] and _plural(text) for _, d, text in reading.dims)):
        singular = False  # "who are our top performers", "who are the top reps": several
    if group and (ONE_OF.search(norm) or WHOSE_ONE.search(norm)):
        singular = True  # "which of my reps has the longest cycle", "whose win rate was the
        # lowest": one of them
    if (not group or set(group) <= uncued) and deal_list(norm) and _aggregates(tool):
        group = [Dimension.opportunity.value]  # "which deals ...", "so the managers can review
        # them one by one": the deals, the people named without a cue are the audience
    if (direction or top) and not group and TEAM_SCOPE.search(norm):
        group = [Dimension.rep.value]  # "top 3 on my team by bookings": the people on it
    only = [d for d in TOOLS[tool].group_by if d != Dimension.opportunity]
    if (direction or sort) and not group and len(only) == 1 and not deal_list(norm) and \
            not any(x in UNIT_WORDS for x in words):
        group = [only[0].value]  # "the integration with the highest latency": ranked over
        # the one thing the tool splits by
        singular = bool(ONE_RANKED.search(norm))
    if (direction or sort) and not group:
        unit = next((UNIT_WORDS[x.removesuffix("s")] for x in words
                     if x.removesuffix("s") in UNIT_WORDS), None)  # "our top 3 months"
        if unit and not reading.grain and not _ranks_deals(words):
            group, singular = [unit], True
        elif any(x in DEAL_WORDS | {"wins", "losses"} for x in norm.split()) and \
                Dimension.opportunity in TOOLS[tool].group_by:  # "our 10
            # biggest wins": the won deals
            group = [Dimension.opportunity.value]
            singular = bool(re.search(r"\b(deal|opportunity)\b", norm))
        elif kinds := [e.value for s, _, e in lexicon().find(words, {"dimension"})
                       if Dimension(e.value) in TOOLS[tool].group_by and e.value != "opportunity"
                       and e.value not in UNIT_WORDS and s > 0 and count_word(words[s - 1])]:
            group = [kinds[0]]  # "the ten customers carrying the most recurring revenue": the
            # customers counted and ranked, though 'customers' also named a measure
            singular = False
    for m in re.finditer(r"\b(\w+) (?:by|to) \1\b", norm):  # "stage by stage", "stage to stage"
        hits = lexicon().find([m[1]], {"dimension"})
        if hits and hits[0][2].value not in group and hits[0][2].value not in UNIT_WORDS:
            group.append(hits[0][2].value)
    if group == [Dimension.team.value] and (direction or top or sort or RANKED.search(norm)) and (
            POSSESSED_TEAM.search(norm) or any(
            e.dimension in (Dimension.manager, Dimension.rep) and
            reading.words[e.end:e.end + 1] == ["team"] for e in reading.entities)) and \
            not re.search(r"\b(?:by|per|each|every|across) teams?\b|\b(?:other|all|the) teams\b",
                          norm):
        group = [Dimension.rep.value]  # "rank Grace's team by bookings": the people on it
    if tool == "leaderboard" and not group:
        group = [Dimension.rep.value]
    if not direction and group and top is None and not reading.grain and \
            (said := WHICH_N.search(norm)) and said["n"] and count_word(said["n"]) and \
            tool == "leaderboard":
        top = count_word(said["n"])  # "which five sellers carried the number": the first five
    if direction and group and top is None and not reading.grain:
        said = WHICH_N.search(norm)  # "which ten open deals are most at risk"
        top = _counted(reading, group[0]) or (
            count_word(said["n"]) if said else None) or (1 if singular else 5)
    return group, top, order  # (more than two splits are asked about: parse.MAX_SPLITS)


CROSS_JOINS = frozenset({"by", "against"})
"""Words joining the two kinds of a cross-tab: "region by product", "stage against segment"
("team x segment" is normalized to "team by segment")."""
GRID_WORDS = re.compile(r"\b(?:grid|matrix|pivot|pivoted|crosstab|cross tab|heatmap|heat map|"
                        r"table|two way|2 way)\b")
"""Words of a two-way table: with them, "the stage by region matrix" names both axes."""
WITHIN = re.compile(r"\bwithin (?:each |every |the |their |its )?\w+")
"""'reps within each team': the kind after 'within' is the outer split."""


def _crossed(reading: Reading, pos: int, dim: Dimension, text: str, norm: str) -> bool:
    """True when a kind named in the singular is the first of two joined as a cross-tab's axes
    ("region by product", "segment-by-region table", "pivot stage against forecast category"),
    never the same kind twice ("stage by stage") nor one whose value is named ("the EMEA region
    by segment")."""
    words = reading.words
    end = pos + len(text.split())
    if _plural(text) or words[end:end + 1] == [] or words[end] not in CROSS_JOINS:
        # (a plural kind is read as asked already: "how many reps by team" counts the reps)
        return False
    if not any(end < p <= end + 2 and d != dim for p, d, _ in reading.dims):  # ("stage
        # against forecast category": 'forecast' may have been read as the metric's word)
        return False
    if any(e.dimension == dim and abs(e.start - pos) <= 2 or e.end == pos
           for e in reading.entities):
        return False
    before = words[pos - 1] if pos > 0 else ""
    return before not in POSSESSIVE | {"the", "that", "this"} or \
        (before == "the" and GRID_WORDS.search(norm) is not None)


def _ranks_deals(words: list[str]) -> bool:
    """Whether the first noun after a rank word is a deal ("the biggest deal of the month":
    the deals are ranked, the month is when)."""
    for i, w in enumerate(words):
        if w in RANK_WORDS:
            after = [x for x in words[i + 1:i + 4] if not count_word(x)]
            return bool(after) and after[0] in DEAL_WORDS | {"wins", "win", "losses", "loss"}
    return False


WHOSE_ONE = re.compile(r"\bwhose (?:\w+ ){0,3}(?:is|was) (?:the )?(?:lowest|highest|best|worst|"
                       r"biggest|smallest|longest|shortest|fastest|slowest)\b")
"""'Whose win rate was the lowest': the one person asked for."""
ONE_RANKED = re.compile(r"(?:^|\b(?:which|what|the)\s+)\w*[^s\W]\s+(?:is|has|had|was|with)\b")
"""'The integration with the highest latency', 'which flow is the stalest': one of them."""
METHOD = re.compile(r"\b(?:based on|using|applying)(?: (?:our|the|historical|"
                    r"historic|past|current))*$")
"""Words before a metric the answer is computed from, not asked for ("based on historical win
rates by stage, where do we land"): its split is the method's."""
SPLIT_ADJECTIVES = frozenset({"regional"})
SCOPE_BEFORE = frozenset({"for", "across", "in", "over", "from", "of"})
"""Words before 'all <values>' that make it the scope ("across all segments, by stage")."""
TEAM_SCOPE = re.compile(r"\b(?:top|bottom|best|worst) (?:\d+ |\w+ )?(?:on|in|of|from) "
                        r"(?:\w+ ){0,3}?team\b"
                        r"(?!s? (?:\w+ )?(?:deals|opps|opportunities|accounts))")
"""'Top 3 on my team', 'the best two in Ravi's team': people ranked within a team."""
RANKED = re.compile(r"\brank(?:ed|ing|s)?\b|\bleaderboard\b|\bstack rank")
POSSESSED_TEAM = re.compile(r"\b(?:my|our|his|her|their|your) team\b")
"""A team named by whose it is ("Grace's team", "my team"): its people, when ranked."""
EACH = (r"each (?:of(?! (?:the )?(?:last|past|next|previous|prior|first|\d+|two|three|four|"
        r"five|six)\b)|one)|individually|separately")
"""Words giving each value or person named a row of its own ("each of them", "individually";
not "each of the last 4 quarters", a trend)."""
EACH_OF = re.compile(rf"\b(?:{EACH})\b")
"""'The NA Commercial reps ... how far over quota did each of them finish': the people named
in the plural, one row each."""
"""Adjectives of a dimension that ask for the split by it ("regional win rates")."""


def cued_next_to(words: list[str], pos: int) -> bool:
    """Whether a split cue stands right before the article ("by the team")."""
    return pos >= 2 and words[pos - 2] in GROUP_CUES


POSSESSIVE = frozenset({"his", "her", "their", "my", "our", "that", "this", "same", "your"})
"""A singular dimension word after these names one value already meant ("his team")."""


def deal_list(norm: str) -> bool:
    """Whether the (normalized) text asks for the deals themselves (DEAL_LIST)."""
    return any(not QUANTITY.search(m["between"] or "") for m in DEAL_LIST.finditer(norm))


ONE_OF = re.compile(r"\b(?:which|who) (?:one )?of (?:the |my |our |his |her |their |these |"
                    r"those )?\w+(?: \w+){0,4}? (?:has|is|was|had|does|did)\b")
"""'Which of my reps has ...': one of them, though the dimension is written in the plural."""
WHICH_N = re.compile(rf"\b(?:which|what|the|list|show me)\s+(?P<n>\d{{1,3}}|{_COUNT})\b")


def count_word(word: str) -> int | None:
    """A count written as digits or a word ("five", "pair"), from 2 to 1000."""
    n = int(word) if word.isdigit() else COUNT_WORDS.get(word)
    return n if n and 1 < n <= 1000 else None


MANY_OF = re.compile(r"\b(?:rates|ratios|sizes|cycles|numbers|totals|scores|percentages|times|"
                     r"values|counts|amounts|velocities|attainments|coverages)$")
"""A metric phrase's plural: several of them ("rep win rates", "segment deal sizes")."""


def _adjunct(words: list[str], end: int, said: list[str]) -> bool:
    """A dimension word right before the metric phrase said, in the plural: "team win rates",
    "rep deal sizes" are one figure per team or rep (not "team attainment": whose it is)."""
    rest = " ".join(words[end:end + 4])
    return any(MANY_OF.search(p) and (rest == p or rest.startswith(p + " ")) for p in said)


def _plural(text: str) -> bool:
    return text.endswith("s") and text not in ("sales", "series", "business", "boss")


def _counted(reading: Reading, dim: str) -> int | None:
    """A number right before the ranked dimension word: "which 3 industries ... the most"."""
    for pos, d, _ in reading.dims:
        if d.value != dim:
            continue
        for back in (1, 2):  # "which 3 industries", "which ten open deals"
            word = reading.words[pos - back] if pos >= back else ""
            if word.isdigit() and 0 < int(word) <= 1000:
                return int(word)
            if word in NUMBERS and NUMBERS[word] > 1 and word not in ("few", "a few"):
                return NUMBERS[word]
    return None


def filters(reading: Reading) -> list[Filter]:
    by_dim: dict[tuple[Dimension, bool], list[str]] = {}
    ends = {e.end - 1: e.start for e in reading.entities}
    listed = _listed_put_out(reading)
    out_at: dict[int, Dimension] = {}  # where each excluded value ends: its kind
    left_out: set[int] = set()
    for e in sorted(reading.entities, key=lambda e: e.start):
        start = _kind_before(reading.words, e.start, e.dimension)
        if (e.start, e.label) in reading.left_out or e.start not in reading.replacing and (
                excluded(reading.words, start, ends) or put_out(reading.words, e.start, e.end) or
                e.start in listed or out_at.get(e.start) == e.dimension):  # ("excluding APAC,
            # LATAM": a value of the same kind right after an excluded one, its comma lost)
            out_at[e.end] = e.dimension
            left_out.add(id(e))
    for e in reading.entities:  # (in the order read: the first kind named leads)
        exclude = id(e) in left_out
        values = by_dim.setdefault((e.dimension, exclude), [])
        if e.label not in values:
            values.append(e.label)
    return [Filter(dimension=d, values=v, exclude=x) for (d, x), v in by_dim.items()]


VALUE_NOUNS = frozenset({"deal", "deals", "opportunity", "opportunities", "one", "ones",
                         "business", "bookings", "revenue", "type", "types", "sourced",
                         "source", "family", "families", "segment", "region", "team", "industry",
                         "product", "products", "territory", "stage", "opps", "opp", "records",
                         "accounts", "account", "customers", "customer", "clients", "logos",
                         "companies", "leads", "reps", "sellers", "people", "stuff"})
"""Nouns naming what a value describes, between it and the word that puts it out ("with SMB
accounts excluded", "healthcare customers removed")."""
WHO_NOUNS = frozenset({"accounts", "account", "customers", "customer", "clients", "logos",
                       "companies", "leads", "reps", "sellers", "people"})
"""Of those nouns, the ones that can act themselves: after them "dropped out", "left out" may
say what they did ("Enterprise customers dropped out"), so only "excluded"/"removed" put them
out."""


def _kind_before(words: list[str], start: int, dim: Dimension) -> int:
    """Where a value starts with the words naming its kind written before it ("excluding deal
    type renewal", "except the region EMEA"): what an exclusion cue before them governs."""
    for n in (3, 2, 1):
        if start >= n and [(0, n)] == [(s, e) for s, e, x in lexicon().find(
                words[start - n:start], {"dimension"}) if x.value == dim.value]:
            return start - n
    return start


def _listed_put_out(reading: Reading) -> set[int]:
    """Where values start that are listed before one put out ("leave expansions, renewals and
    contractions out of it"): the exclusion written after the list covers all of it."""
    words, found = reading.words, set[int]()
    ordered = sorted(reading.entities, key=lambda e: e.start)
    runs: list[list[EntityMatch]] = []
    for e in ordered:
        if runs and runs[-1][-1].dimension == e.dimension and \
                set(words[runs[-1][-1].end:e.start]) <= LIST_JOINS | ARTICLES:
            runs[-1].append(e)
        else:
            runs.append([e])
    for run in runs:
        first, last = run[0], run[-1]
        k = last.end
        while k < len(words) and words[k] in VALUE_NOUNS:
            k += 1
        if len(run) > 1 and (put_out(words, last.start, last.end) or words[k:k + 1] == ["out"]
                             and set(words[max(0, first.start - 3):first.start]) & PUT_OUT_VERBS):
            found.update(e.start for e in run)
    return found


def put_out(words: list[str], start: int, end: int) -> bool:
    """An exclusion written around the value: "leave the renewals out", "with renewal deals
    stripped out", "renewals removed"."""
    k = end
    while k < len(words) and words[k] in VALUE_NOUNS:
        k += 1
    after = words[k:k + 2]
    if after[:1] and after[0] in REMOVED:
        return True
    if set(words[end:k]) & WHO_NOUNS:
        return False  # ("Enterprise customers dropped out": who left, no exclusion)
    if after[:1] == ["out"]:
        return bool(set(words[max(0, start - 3):start]) & PUT_OUT_VERBS)
    return len(after) == 2 and after[0] in PUT_OUT_AFTER and after[1] == "out"


def excluded(words: list[str], start: int, ends: dict[int, int] | None = None) -> bool:
    """Whether an exclusion cue governs the value at `start`: "not in EMEA", "except for the
    enterprise segment", "other than APAC", or the value listed right after an excluded one
    ("leaving out renewals and expansions"; `ends` maps each value's last word to its first).
    Only fillers may stand between cue and value, so "not using Gong" (a negated verb) filters
    to Gong rather than excluding it."""
    ends = ends or {}
    j = start - 1
    while j >= 0 and words[j] in LIST_JOINS | ARTICLES:
        j -= 1
    if j in ends and ends[j] < start and j < start - 1:  # ("renewals and expansions", not
        return excluded(words, ends[j], ends)  # "excluding renewals, EMEA win rate")
    if (negated := _negated_relative(words, start)) is not None:
        return negated
    if _excluded_by_clause(words, start, ends) or _parallel_to_excluded(words, start, ends):
        return True
    before = [w for w in words[max(0, start - 3):start] if w not in ARTICLES]
    if before and before[-1] in RIGHT_BEFORE and (len(before) < 2 or (
            before[-2] in _ASKING if before[-1] != "no" else before[-2] not in HAVING)):
        return True  # "same again but drop Prospecting", "per region, no renewal deals"
    i, described, cued, people = start - 1, False, False, False
    while i >= 0 and start - i <= (6 if described else 3):
        pair = " ".join(words[i - 1:i + 1]) if i > 0 else ""
        triple = " ".join(words[i - 2:i + 1]) if i > 1 else ""  # "do not count"
        cue_at = i - 1 if pair in EXCLUDE_CUES else i - 2 if triple in EXCLUDE_CUES else i
        if (words[i] in EXCLUDE_CUES or pair in EXCLUDE_CUES or triple in EXCLUDE_CUES) and \
                words[cue_at - 1:cue_at] in (["not"], ["never"]) and words[cue_at] != "not":
            return False  # "do not filter out renewals": nothing left out
        if words[i] in EXCLUDE_CUES or pair in EXCLUDE_CUES or triple in EXCLUDE_CUES or (
                words[i] in ("out", "aside") and i >= 2 and words[i - 1] in POINTING and
                words[i - 2] in PUT_OUT_VERBS) or (  # "leave these out: APAC, LATAM"
                words[i] == "but" and (words[i - 1:i] and words[i - 1] in WHOLE or
                                       words[i - 2:i - 1] and words[i - 2] in ("all", "every"))):
            # ("all regions but APAC", "the whole company but EMEA")
            return not (cued and people)  # "excluding the new reps in Enterprise": the
            # value narrows the people excluded, it is not excluded itself
        if words[i] not in FILTER_CUES | ARTICLES | DESCRIBING | ANYONE | DEAL_NOUNS:
            return False  # ("excluding opportunities of deal type renewal": the deals' kind)
        described = described or words[i] in DESCRIBING | ANYONE
        cued = cued or words[i] in FILTER_CUES
        people = people or words[i] in DESCRIBING
        i -= 1
    return False


WHICH_OF = frozenset({"of", "our", "the", "my", "your", "their", "these", "those", "all",
                      "sales"})
"""Words between "which" and the plural it asks about ("which of our sales tools")."""
RELATIVE = frozenset({"that", "which", "where", "whose"})
CLAUSE_WORDS = frozenset({"came", "come", "comes", "coming", "in", "through", "from", "via",
                          "is", "are", "was", "were", "lead", "source", "sourced", "by", "deal",
                          "type", "segment", "region", "industry", "product", "family", "stage",
                          "team", "of", "have", "has", "had", "with", "originated", "booked",
                          "sold", "to"}) | ARTICLES
"""Words of a relative clause naming the deals an exclusion leaves out ("don't count anything
that came in through partners", "but not the ones where the lead source is Partner")."""


def _excluded_by_clause(words: list[str], start: int,
                        ends: dict[int, int] | None = None) -> bool:
    """An exclusion cue, what it leaves out (anything, the ones, deals) and a relative clause
    ending in the value: the value is left out."""
    i = start - 1
    while i >= 0 and start - i <= 6 and words[i] in CLAUSE_WORDS - RELATIVE:
        i -= 1
    if i >= 1 and words[i] in LIST_JOINS and ends is not None and i - 1 in ends:
        return excluded(words, ends[i - 1], ends)  # ("excluding deals that are in EMEA or
        # came from Partner": both left out)
    if i < 1 or words[i] not in RELATIVE:
        return False
    j = i - 1
    while j >= 0 and i - j <= 3 and words[j] in ARTICLES | ANYONE | DEAL_NOUNS | {"ones"}:
        j -= 1
    if j == i - 1 or j < 0:
        return False
    pair = " ".join(words[j - 1:j + 1]) if j > 0 else ""
    triple = " ".join(words[j - 2:j + 1]) if j > 1 else ""
    return words[j] in EXCLUDE_CUES or pair in EXCLUDE_CUES or triple in EXCLUDE_CUES


HEADS = DEAL_WORDS | frozenset({"opps", "records", "anything"})
PARALLEL = ARTICLES | CLAUSE_WORDS | RELATIVE | HEADS
"""Words of a second conjunct that repeats the first's head ("leaving out SMB deals and deals
with a Partner lead source", "anything in SMB and anything that came in through Partner")."""


def _parallel_to_excluded(words: list[str], start: int, ends: dict[int, int]) -> bool:
    """Whether the value ends a conjunct that repeats an excluded conjunct's head noun after
    "and" ("strip out anything in SMB and anything that came through Partner"): both left out,
    the exclusion governs the whole list."""
    i = start - 1
    while i >= 0 and start - i <= 7 and words[i] in PARALLEL:
        i -= 1
    if i < 1 or words[i] not in LIST_JOINS or i == start - 1:
        return False
    j = i - 1
    while j >= 0 and i - j <= 3 and j not in ends and words[j] in VALUE_NOUNS | ARTICLES:
        j -= 1
    if j not in ends or ends[j] >= start:
        return False
    head = words[i + 1]  # the second conjunct's first word repeats the first's head or cue
    return (head in HEADS or ends[j] > 0 and words[ends[j] - 1] == head) and \
        excluded(words, ends[j], ends)


NEGATIONS = frozenset({"not", "no", "without", "never"})
"""Words that deny what follows them in a clause ("don't need the other regions")."""
NEGATED_AUXILIARIES = frozenset({"is", "are", "was", "were", "did", "does", "do", "has", "have",
                                 "had"})
BELONGING = CLAUSE_WORDS | frozenset({"reporting", "report", "reports", "belong", "belongs",
                                      "belonging", "part", "on", "under", "owned", "sit", "sits",
                                      "sitting", "at", "within", "inside", "into"})
"""Words between a negated relative clause's "not" and its value ("who is not reporting to
Leo", "that did not come from outbound", "that is not in the Healthcare vertical")."""
UNWANTED = re.compile(r"\b(?:not|never|no)\b (?:\w+ ){0,2}?(?:want|need|show|see|include|count|"
                      r"anything|any|one|deals?)\b|\bnothing\b|\bno (?:deals?|one|reps?)\b")
"""A negation over the relative clause ("I do not want anything that is not new business"):
a double negative, so the value is kept, not left out."""


def _negated_relative(words: list[str], start: int) -> bool | None:
    """Whether a negated relative clause ending in the value leaves it out ("anyone who is not
    reporting to Leo Zhang", "deals that did not come from outbound"): True; inside a negation
    ("I do not want any deal that is not in Healthcare") the value is kept: False; None when
    no such clause reads the value."""
    i = start - 1
    while i >= 0 and start - i <= 5 and words[i] in BELONGING - {"not"}:
        i -= 1
    if not (i >= 2 and words[i] in ("not", "never") and words[i - 1] in NEGATED_AUXILIARIES and
            words[i - 2] in RELATIVE | {"who"}):
        return None
    return not UNWANTED.search(" ".join(words[max(0, i - 12):i - 2]))


WHOLE = frozenset({"company", "org", "organization", "business", "everyone", "everybody",
                   "anyone", "everything", "all", "overall"})
"""Words for everything before "but" ("the whole company but EMEA")."""
DEAL_NOUNS = DEAL_WORDS | {"opps", "records"}
_ASKING = frozenset({"but", "and", "please", "pls", "then", "also", "just", "now"})
HAVING = frozenset({"with", "have", "has", "had", "having", "there", "is", "are", "was",
                    "were"})
RIGHT_BEFORE = frozenset({"drop", "remove", "no"})
"""Words that exclude the value right after them when asked as a request: "drop" and "remove"
alone or after "but", "please"...; "no" unless after "with", "have"... ("same again but drop
Prospecting", "bookings per region, no renewal deals"; not "why did bookings drop EMEA",
"reps with no Enterprise deals", a population)."""
DESCRIBING = frozenset({"two", "three", "both", "new", "hires", "hire", "newest", "ramping",
                        "junior", "reps", "rep", "sellers", "aes", "people", "those"})
"""Words describing the people an exclusion names ("take out the two new hires Hugo Ito and
Samuel Chen"): the cue reaches the names across them, not across a word such as "in" ("the
new reps in Enterprise": Enterprise narrows who is excluded)."""
ANYONE = frozenset({"anyone", "anybody", "everyone", "everybody", "anything", "still",
                    "sitting", "stuck", "currently"})
"""Words of an exclusion that name no one in particular ("excluding anyone on EMEA
Enterprise", "leave out anything still sitting in Prospecting"): the cue reaches across."""


INSTEAD_OF = ("instead of", "rather than", "in place of", "not")
"""Words before a value that another value of its kind replaces ("APAC instead of EMEA",
"Mid-Market rather than Enterprise", "APAC not EMEA" right after it)."""
SWAP_VERBS = frozenset({"swap", "switch", "replace", "substitute", "trade", "change"})
SWAP_JOINS = frozenset({"for", "with", "to", "into", "by"})
"""'swap EMEA for APAC', 'replace EMEA with APAC', 'switch EMEA to APAC': the first value goes."""


def _listed_after(first: EntityMatch, ents: list[EntityMatch],
                  words: list[str]) -> list[EntityMatch]:
    """Values of the same kind listed right after one ("instead of APAC and LATAM")."""
    out, last = [], first
    for o in ents:
        if o.start >= last.end and o.dimension == first.dimension and all(
                w in LIST_JOINS for w in words[last.end:o.start]) and o.start - last.end <= 1:
            out.append(o)
            last = o
    return out


def _past_articles(words: list[str], start: int) -> int:
    """Where the articles before a value begin ("instead of [the] EMEA region")."""
    while start > 0 and words[start - 1] in ARTICLES:
        start -= 1
    return start


def drop_replaced(reading: Reading) -> None:
    """Leave out a value the question replaces by another of its kind: a correction ("make that
    APAC instead of EMEA", "swap EMEA for APAC", "I meant APAC, not EMEA") asks about the new
    value only, never both. The cue words are read with it, and the answer says so."""
    words, ents = reading.words, sorted(reading.entities, key=lambda e: e.start)
    gone: list[tuple[EntityMatch, EntityMatch, int, int]] = []  # kept, replaced, cue span
    for k, e in enumerate(ents):
        j = _past_articles(words, e.start)
        for cue in INSTEAD_OF:
            n = len(cue.split())
            if words[max(0, j - n):j] != cue.split():
                continue
            others = [o for o in ents if o.dimension == e.dimension and o.end <= j - n and (
                cue != "not" or o.end == j - n)]  # the kept value before the cue; "not" only
            # right after it, and never after an exclusion ("excluding EMEA, not APAC")
            if others and not (cue == "not" and excluded(words, others[-1].start)):
                gone.append((others[-1], e, j - n, j))
                gone += [(others[-1], o, j - n, j) for o in _listed_after(e, ents, words)]
        if k + 1 < len(ents) and words[e.end:e.end + 1] and words[e.end] in SWAP_JOINS:
            nxt = ents[k + 1]
            b = _past_articles(words, e.start)
            if nxt.dimension == e.dimension and b > 0 and words[b - 1] in SWAP_VERBS and \
                    all(w in ARTICLES for w in words[e.end + 1:nxt.start]):
                gone.append((nxt, e, b - 1, b))
                reading.take(e.end, e.end + 1)
    for kept, old, s, t in gone:
        if old in reading.entities and kept in reading.entities:
            for o in [o for o in reading.entities if (o.dimension, o.label) == (
                    old.dimension, old.label)]:  # the value wherever the message named it
                reading.entities.remove(o)
                reading.take(o.start, o.end)
            reading.take(s, t)
            reading.replacing.add(kept.start)
            reading.notes.append(f"read {kept.label} in place of {old.label}")
