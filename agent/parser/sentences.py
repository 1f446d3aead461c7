"""A long message: the sentences that ask carry the reading, the others are context.

"I started in March on NA Enterprise. Can you show me how many days my deals spend in each
stage this year?" asks about this year, not March; "the board pack is due Friday" names no
filter. The request is the questions and imperatives of the message (or, without them, its
"I need ..." sentences); a short sentence after it that only names a split or a measure
("Team level is fine.") refines it. Context sentences add nothing, except the values the
request refers back to: a person the writer introduced as themselves when the request says
"my"/"I", or a value whose kind the request points at ("that team", "those regions").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agent.parser.confidence import fillers, value_kind_words
from agent.parser.entities import EntityIndex
from agent.parser.followup import REFERS_BACK
from agent.parser.grouping import deal_list, excluded, put_out
from agent.parser.lexicon import STOPWORDS, lexicon, phrase_set, phrase_text
from agent.parser.normalize import normalize
from agent.parser.options import take_options
from agent.parser.periods import NUMBERS, PERIOD_WORDS, THE_UNIT, M
from agent.parser.reading import Reading
from agent.parser.words import match_entities
from agent.plan import Clarification
from tools.base import Dimension
from tools.fiscal import Period

WEAK_PHRASES = phrase_set({"deals", "opportunities", "opps", "biggest deals", "largest deals",
                          "bigger deals", "larger deals",
                          "close", "closed", "closing", "won", "win", "made", "generated",
                          "performance", "numbers", "results", "sales", "money", "how much did",
                          "how much has", "how much have", "how long", "how fast",
                          "how quickly", "how many", "lost", "lose", "quota", "quotas",
                          "weighted", "sell", "sold", "book", "books"})
"""Words that name the deals a question is about, not a metric: they vote weakly."""
GENERIC_PHRASES = phrase_set({"how are we doing", "how did we do", "how we did", "numbers",
                             "results", "performance", "the numbers"})
"""Phrases that ask how things go without naming a number."""

ABBREVIATIONS = frozenset({"vs", "v", "e.g", "i.e", "etc", "approx", "avg", "mr", "mrs", "ms",
                           "dr", "inc", "ltd", "co", "st", "jr", "sr", "no", "est", "incl"})
"""Words whose trailing dot ends no sentence ("SMB vs. Enterprise")."""
ANALYSIS_VERBS = ("see", "know", "get", "have", "look", "compare", "split", "break", "rank", "sort",
                  "filter", "show", "check", "understand", "find", "pull", "exclude", "include",
                  "need", "use", "hit", "keep", "leave", "drop", "remove", "count", "limit",
                  "focus", "add", "cover", "track", "measure", "report", "separate", "narrow",
                  "restrict", "only", "make", "cut", "group", "ignore", "line", "stack", "match",
                  "pair", "plot", "chart", "graph", "trend", "view", "review", "analy", "set",
                  "put", "lay", "tie", "reconcile", "benchmark", "size", "slice")
"""After "I want to" / "we need to" behind a dash, verbs of the analysis itself ("- we need to
exclude renewals"): an instruction, never the writer's purpose."""
HEARSAY_WHO = (r"someone|somebody|everyone|they|he|she|people|(?:my|our|his|her|their) \w+|"
               r"(?:\d+|two|three|four|five|six|several|a few|a couple of|some|both) \w+")
HEARSAY_VERB = (r"told|tells|said|says|keeps? saying|thinks?|claims?|asked (?:me|us)|"
                r"asks (?:me|us)|(?:keep|keeps|kept) asking|(?:have|has) (?:been )?asking")
"""Who reports others' words and how ("someone told me ...", "her manager says ..."): hearsay,
context (HEARSAY, and after a dash in BOUNDARY)."""
BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=\S)|(?-i:(?<![a-z,])\n+|\n+(?![a-z]))|"
                      r"\s+[-\u2013\u2014]+\s+(?=(?:(?:i|we)\s+(?:suspect|"
                      r"think|guess|bet|believe|reckon|feel|assume|expect|hope)\b|"
                      r"(?:i|we)(?:'m| am|'re| are)?\s+(?:want|need|plan|intend|going|have|"
                      r"hoping|trying)\s+to\s+(?!" + "|".join(ANALYSIS_VERBS) + r")\w|"
                      r"(?:" + HEARSAY_WHO + r")\s+(?:" + HEARSAY_VERB + r")\b"
                      r"(?!\s+(?:me\s+|us\s+)?to\b)))", re.I)
"""Where a sentence ends; a dash before the writer's own belief ("... EMEA only - I suspect
Negotiation there"), purpose ("... - I want to take them to dinner before I change anything")
or hearsay ("... - someone told me close dates are fiction") ends one too: context, never part
of the request. A line
break inside a sentence (a word or comma before it, a lower-case word after it: an e-mail
wrapped at its margin) ends none."""
COLON = re.compile(r":\s+")
QUOTED_LINES = re.compile(r"(?m)^\s*>")
"""Lines of a pasted chat or e-mail thread, quoted."""
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                      "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri"})
SPLIT_WANTED = re.compile(r"\b(?:for each|each|by|per|broken (?:out|down) by|split by)\b", re.I)
"""A split said in an "I want" sentence after the question ("For each stage I want to see
...")."""
RESTATED = re.compile(r"^\W*(?:i mean|that is|in other words|meaning|specifically)\b", re.I)
"""A sentence saying the one before again, more exactly."""
NEXT_MEETING = re.compile(r"^\W*(?:next|following|the next) (?:sync|meeting|call|review|check ?in|"
                          r"session|standup|1:1|one on one|catch ?up)\b", re.I)
"""'Next sync 2 Dec.': when the writer meets next, no refinement of the request."""
ASK_LABEL = re.compile(r"^\W*(?:(?:open |new |next )?(?:action(?: items?)?|actions|ask|asks|"
                       r"the ask|request|requested|question(?: raised)?|questions raised|task|"
                       r"to ?do|follow ?up)(?: (?:for|from|to|of|by) (?:[\w&-]+ ?){1,4})?)\s*$",
                       re.I)
"""A label before the request in notes ("Action item for RevOps: ...", "Ask from Max: ...",
"Question raised: ..."): it names who asks, not what."""
OPENING = (r"^\W*(?:(?:hi|hey|hello|ok|okay|so|and|also|then|now|but|quick one|one more|"
           r"first question|last thing|lastly|finally)\b\W*)*")
ASKS = re.compile(
    OPENING + r"(?:please\s+|pls\s+|kindly\s+|just\s+)?"
    r"(?:(?:can|could|would|will)\s+(?:you|u|we|i)\b|"
    r"(?:show|give|tell|list|pull|get|send|provide|report|rank|break|compare|plot|chart|"
    r"calculate|compute|run|find|fetch|share|summarize|summarise|display|split|graph|sort|reconcile|"
    r"return|break|walk|let me know|flag|identify|highlight|surface|check|quantify|tally|"
    r"lay out|put together|work out|figure out|look up|dig into|drill into|bring up|"
    r"analy[sz]e|assess|evaluate|confirm|verify|explain|prepare|produce|generate|export|"
    r"what|what's|whats|which|who|whose|how|where|when|"
    r"is|are|do|does|did|was|were|has|have)\b)", re.I)
"""A sentence that asks: a question word or a request verb first (after a greeting)."""
TAIL_ASK = re.compile(r"(?:\s[-\u2013\u2014]|,)\s*(?:please\s+|pls\s+|kindly\s+|just\s+)?"
                      r"(?:show|give|list|pull|send|rank|break|split|sort|compare)\b", re.I)
"""A request verb after a dash or comma asks too ("Stale deals in EMEA - list them please")."""
WANTS = re.compile(r"\b(?:i|we)(?:(?:'d|\s+would)\s+(?:really\s+|also\s+)?(?:like|love)|"
                   r"(?:'d|\s+would)?\s+(?:just\s+|really\s+|also\s+|still\s+|only\s+)?"
                   r"(?:need|want))\b|"
                   r"\b(?:the|my|our)\s+(?:new\s+)?(?:vp|svp|cro|cfo|ceo|coo|boss|manager|director|"
                   r"head of sales|board|exec team|leadership)\s+(?:wants|needs|would like|"
                   r"has asked for|is asking for|asked for)\b", re.I)
"""Without a question or an imperative, "I need ..." / "we want ..." carries the request."""
FIRST_PERSON = re.compile(r"\b(?:my|me|mine|i|i'm|i've|myself|each of us|every one of us)\b",
                          re.I)
PEOPLE = frozenset({Dimension.rep, Dimension.manager})
SLICE_NOUNS = frozenset({"deals", "deal", "ones", "leads", "opps", "opportunities", "accounts",
                         "customers", "business", "bookings", "pipeline"})
"""Nouns after a source, product or industry that say it is one ("partner deals", "inbound
ones")."""
OWNED_SLICES = frozenset({Dimension.industry, Dimension.product, Dimension.product_family,
                          Dimension.lead_source})
"""Slices of the business a writer may own ("I run the healthcare vertical", "Partner channel
lead here"): the scope of their questions, as a team or a region is."""
SCOPES = frozenset({Dimension.team, Dimension.region, Dimension.manager, Dimension.territory,
                    Dimension.segment})
ROLE_HERE = re.compile(r"^\W*(?:as\s+)?(?:the\s+)?(?:\w+\s+){0,3}?(?:manager|head|lead|leader|"
                       r"director|vp|owner|gm)\s+(?:(?:of|for)\b.*\b)?here\W*$", re.I)
"""'Manager of the Enterprise segment here.': the writer says whose numbers they run."""
ROLE_FOR = re.compile(r"^\W*(?:the\s+)?(?:\w+\s+){0,2}?(?:manager|head|lead|leader|director|vp|"
                      r"rvp|owner)\s+(?:of|for)\b[^.?!]*[.!]?\s*$", re.I)
"""'BDR manager for NA Commercial.': a signature, whose the question is, not values asked for."""
MY_PEOPLE = re.compile(r"\beach of us\b|\bevery one of us\b|"
                       r"\b(?:my|our)\s+(?:reps|team|people|folks|sellers|aes|org|group|"
                       r"region|territory|patch)\b|\b(?:each|every|per|by)\s+(?:rep|reps|seller|"
                       r"sellers|ae|aes)\b", re.I)
OWN_SCOPE = re.compile(r"\b(?:i|we)\s+(?:run|manage|lead|head|own|oversee|cover|look after)\b|"
                       r"\b(?:i am|i'm|im|we are|we're)\s+(?:on|in|part of|with)\s+(?:the\s+)?"
                       r"(?:[A-Z]\w+(?:'s|\s)\s*){1,3}team\b", re.I)
"""'I run the APAC team. How did my reps do?': the writer's own scope, kept for 'my reps'."""
OURS = re.compile(r"\b(?:our|my|we|us)\b", re.I)
POINTERS = ("that", "those", "these", "same", "his", "her", "their", "my", "our")
PERIOD_POINTERS = ("that", "those", "same")
"""Words that point a request back at a value named before ("that team", "his region")."""
SELF = frozenset({"i am", "this is", "it is", "name is", "am", "is"})
"""Words introducing the writer ("I'm Kofi Taylor", "this is Owen"; "Owen Garcia here")."""
SIGNATURE = 6
"""Words of a sentence that opens with the writer's name and their role ("Kenji Smith, EMEA
enterprise AE."): a signature, who "my" is."""
INTRO_WORDS = frozenset({"i", "am", "this", "is", "it", "its", "my", "name"})
"""Words of a sentence that introduces its writer, beside the name ("it's Grace")."""
CLAUSE_WORDS = frozenset({"i", "we", "you", "he", "she", "they", "it", "is", "are", "was", "were",
                          "am", "will", "did", "do", "does", "have", "has", "had", "can",
                          "could", "should", "would", "s", "m", "re", "not", "no"})
"""Words of a clause (a subject or a verb of being): a context sentence holding none is a
label ("Process review, EMEA"), whose team or region is the request's."""
NOT_LABEL = frozenset({"from", "on", "about", "with", "after", "since", "than", "thanks",
                       "thank", "great", "nice", "good", "moving", "done", "numbers", "yesterday",
                       "earlier", "before"})
"""Words of a short context sentence that is a remark, not a label ("Thanks for the APAC
numbers yesterday.", "Moving on from EMEA.")."""
LABEL_WORDS = frozenset({"here", "asking", "speaking", "writing", "again", "from", "hi", "hey",
                         "hello"})
"""Words around a name that is the whole opening line: the writer signing in ("Chloe Becker:",
"Owen Garcia asking:", "hi, Ravi here")."""
ROLES = frozenset({"rvp", "vp", "avp", "svp", "evp", "gm", "cro", "director", "manager", "mgr",
                   "head", "lead", "leader"})
"""The role words that say the writer runs what they name (not "sales", "team")."""
CONTRIBUTORS = frozenset({"ae", "aes", "am", "sdr", "bdr", "rep", "seller", "csm", "se"})
"""Roles of one person's own numbers: beside a region they do not make it whose 'my' is."""
ROLE_WORDS = ROLES | CONTRIBUTORS | frozenset({
    "regional", "area", "sales", "segment", "team", "region", "territory", "frontline", "front",
    "line", "first", "second", "the", "of", "for", "a", "an", "on"})
"""Words of a role signature beside the value it covers ("EMEA RVP here", "I'm the APAC
sales director", "Enterprise segment lead here"): the writer runs that team, region or
segment, which is whose "my" numbers are (a contributor's role stops it: see its use)."""
REFINEMENT_WORDS = 9
PERSONAL = re.compile(r"^\W*(?:i(?!\.e\b)|we|you|he|she|they|i'll|we'll|i'm|we're|i've|we've|"
                      r"(?:need|have|want|going|planning|hoping|trying|got) to|gotta|gonna|"
                      r"wanna)\b", re.I)
"""A sentence about people ("We will present it in June.") tells what they do, not the
request."""
SIGNATURE_LINE = re.compile(r"^\s*(?:[-\u2013\u2014~]+|(?:thanks|thx|cheers|best|regards)\W+)\s*"
                            r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\W*$")
"""A message signed at its end ("- Laura", "Thanks, Max"): the writer's name alone."""
SIGN_OFF = re.compile(r"^\W*(?:thanks|thank you|thx|ty|sorry|cheers|appreciate|much appreciated|"
                      r"best|regards)\b", re.I)
"""A sign-off ("Thanks, and sorry for the short notice!") refines nothing."""
DAY = re.compile(r"\b(?:today|tomorrow|tonight|yesterday|eod|eow|monday|tuesday|wednesday|"
                 r"thursday|friday|saturday|sunday)\b", re.I)
"""A short sentence after the request refines it ("By region.", "Last quarter please."),
unless it names a day: "Deadline's tomorrow EOD." is about the reply, not the period."""
BACK = re.compile(r"\b(?:them|it|those|these|that one|those ones|(?:that|this|the same) "
                  r"(?:number|figure|total|amount|result))\b", re.I)
"""A request that names no metric but points back ("rank them") continues the sentence
before."""
RANK_THEM = re.compile(r"^\W*(?:(?:please|pls|and|then|now|ok|so),?\s+)?(?:rank|sort|order|list|"
                       r"split|break down|show|compare) (?:them|those|these)\b", re.I)
"""'Rank them by bookings': the sentence before names what is ranked, even when this one
names the measure."""
ORDERING = re.compile(r"^\W*(?:(?:and|then|just|only|please|pls),?\s+)?(?:(?:top|bottom)\s+"
                      r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|"
                      r"twenty)\b|(?:worst|best|highest|lowest|biggest|smallest|largest|most|"
                      r"least|oldest|newest|fastest|slowest|shortest|longest|quickest)"
                      r"(?:\s+\w+)?\s+first\b|"
                      r"(?:sort|sorted|rank|ranked|order|ordered) (?:by|from|it |them )?"
                      r"(?:ascending|descending|asc|desc|high to low|low to high|"
                      r"lowest to highest|highest to lowest)\b|"
                      r"(?:sorted|ranked|ordered) (?:by|from)\b|"
                      r"(?:ascending|descending)(?: order)?\W*$)", re.I)
"""A sentence after the request that only says how to rank it ("Worst first.", "Top 15, with
the reasons")."""
SHOW_BACK = re.compile(r"^\W*(?:(?:and|then|please|pls|can you|could you),?\s+)*(?:show|give|"
                       r"break|split|list|chart|plot|trend)(?: me)? (?:it|them|that|those|"
                       r"these|this)\b", re.I)
"""'Show it quarter by quarter ...': the request's answer, shaped (a grain, a split, a
window)."""
ONE_BY_ONE = re.compile(r"\b(?:one by one|deal by deal|line by line|individually)\b", re.I)
"""How the writer will go through the answer ("so I can go through them one by one"): the
deals themselves, though the clause is the writer's purpose."""
ASIDE = re.compile(r",\s+(?:[A-Z][a-z]+|i|we|he|she|they)\s+(?:wants?|said|says|asked|needs?|"
                   r"thinks?|will|would|is|was|has|had|likes?)\b")
"""A clause after a comma with a subject of its own ("..., Priya wants to talk about EMEA"):
context beside the refinement it follows."""
DASH_ASIDE = re.compile(r"\s[-\u2013\u2014]+\s+(?:(?:the|our|my)\s+)?\w+\s+(?:wants?|needs?|"
                        r"plans?|is going|are going|will|would like)\s+to\b", re.I)
"""A clause after a dash whose own subject wants something done with the answer ("- enablement
wants to line up deal reviews"): the purpose, context beside the refinement before it."""
SIDE_BY_SIDE = re.compile(r"\b(?:side by side|next to each other|one next to the other|"
                          r"against each other)\b", re.I)
"""How the values just named are to be shown: compared, a row each."""
CONTINUES = re.compile(r"^\W*(?:and |also |then )?(?:by|per|for each|"
                       r"split(?: it| that| them| this)? by|break(?: it| that| them)? (?:out|down) "
                       r"by|broken (?:out|down) by)\b", re.I)
"""A sentence opening with a split ("By segment, this year against last.") goes on with the
request before it, however long."""
SPLIT_ASKED = re.compile(r"\b(?:break|split|broken|cut|group)\b.*\b(?:by|per)\b|"
                         r"^\W*(?:and |also |then )?(?:by|per|for each|one (?:row|line) per)\b|"
                         r"\b(?:listed|list (?:them|those|these)|them listed|one by one|"
                         r"deal by deal|line by line|itemi[sz]ed)\b", re.I)
"""A sentence asking for a split of what the one before asked ("Break it out by connector
pls", "need them listed"): a refinement of the request, whatever it splits by."""
PERIOD_LABEL = 3
"""Words of a label naming only the period the request is about ("H1 FY27: ...")."""
BARE_REQUEST = 6
"""Words of a request that asks for something named before it ("please return the table")."""
GLOSS_START = re.compile(r"^\W*(?:i mean|meaning|that is|i\.e\.?|by that i mean|as in|"
                         r"in other words)\b", re.I)
"""A sentence spelling out the one before ("How much pipe is stuck? I mean deals with no
activity for 45 days"): both are the request."""
RANK_WORDS = frozenset({"rank", "ranked", "ranking", "rankings", "sort", "sorted", "order",
                        "ordered"})
UNITS = frozenset({"quarter", "month", "year", "week", "period", "half", "time", "window",
                   "timeframe", "span"})


@dataclass
class Sentence:
    text: str
    asks: bool
    wants: bool
    substantive: bool
    has_period: bool
    sets_option: bool
    """It names a tool option ("for me stale is anything untouched for 21 days")."""


WRITER_CLAUSE = re.compile(
    r"(?:(?:^|(?<=[.!?]\s))\s*(?:before|after|once|while|until|ahead of)\s+|"
    r"\b(?:before|after|once|while|until)\s+(?P<subject>(?:i|we|you|he|she|they)\b))"
    r"(?:(?!\b(?:i|we)(?:'d|\s+would|\s+want|\s+need)\b)(?:[^,:;.?!]|(?<=\d):(?=\d)))*?"
    r"(?:[,;]\s*|(?<!\d):\s*|:(?!\d)\s*|(?=\b(?:i|we)(?:'d|\s+would|\s+want|\s+need)\b))", re.I)
"""'Before I send the forecast to finance:', 'Ahead of our commit call with the team, ...',
'Before the planning offsite I want ...' -- a clause opening a sentence about the writer's
plans, up to the comma or colon that ends it or the "I want" that follows; it names nothing
the question asks for, unless it names a period or a metric (then it stays)."""


DAY_EVENT = re.compile(r"\b(?:today|tomorrow|tonight|yesterday|monday|tuesday|wednesday|"
                       r"thursday|friday|saturday|sunday)['\u2019]s(?=\s+(?:[\w-]+\s+){0,2}"
                       r"(?:call|meeting|standup|stand-up|review|sync|session|1:1|presentation|"
                       r"deck|offsite|qbr|kickoff)\b)", re.I)
"""'Tomorrow's forecast call': when the writer meets, not a period of the data."""


EVENT = re.compile(r"\b(?:[\w-]+\s+){1,2}(?:call|calls|meeting|meetings|review|reviews|sync|"
                   r"session|offsite|off-site|qbr|kickoff|presentation|deck|push|1:1|one-on-one|"
                   r"standup|stand-up|summit|board meeting)\b", re.I)
"""'commit call', 'pipeline hygiene push': an event named by what it is about."""


PURPOSE = re.compile(r",?\s+so (?:that )?(?:i|we|she|he|they|the team|my team|(?-i:[A-Z][a-z]+)) "
                     r"(?:can|could|may|might|will)\b[^.?!;:]*", re.I)
"""', so I can talk to their managers', 'so she can compare it with the managers' calls on
Friday': what the writer (or who asked) will do with the answer; the people named there are
the audience, not a split or a filter."""
AS_CLAUSE = re.compile(r"(?:^|(?<=[.!?]\s))\s*(?:as|since|because)\s+(?:[A-Z][a-z]+|she|he|they|"
                       r"i|we|the \w+)\s+(?:is|are|was|were|will be|has been|'s)\s+[^,.;:?!]*?"
                       r"(?:\([^)]*\))?\s*,\s*(?=(?:could|can|would|will|please|pls|what|how|"
                       r"which|who|i|we)\b)", re.I)
"""'As Priya is travelling (back on 1 December), could you ...': why the writer asks, not
what; the request after it is read (a period or value there stays: see _as_clause)."""


LEADING_PURPOSE = re.compile(
    r"^\s*(?:(?:in order )?to \w+\s+(?:our|the|a|an|this|my|their)\s+[^,.:;?!\d]{1,60}?|"
    r"for\s+(?:our|the|a|an|this|my|their)\s+[^,.:;?!\d]{0,50}?\b(?:model|review|deck|sweep|"
    r"queue|list|analysis|exercise|report|meeting|slide|pack|planning|plan|qbr|call|sync|prep|"
    r"dashboard|memo|brief|offsite|kickoff|audit|project|experiment|test))"
    r"(?:,\s*|\s+(?=(?:we|i)\s+(?:need|want|would like)\b|please\b|can you\b))", re.I)
"""'To size our follow-up queue we need ...', 'for our hand-off latency model please return
...': what the writer will use the answer for, before the request (see _purpose)."""


TRAILING_PURPOSE = re.compile(
    r"(?:(?<=[.!?])\s+)(?:needed|required|wanted|used|this is|it is|it s|that is)\s+for\s+"
    r"(?:our|the|a|an|this|my|their)\s+[^.?!]{0,60}?\b(?:model|review|deck|analysis|exercise|"
    r"report|meeting|slide|pack|plan|planning|memo|brief|offsite|audit|project)s?\b[^.?!]{0,20}"
    r"[.!]?\s*$|"
    r",\s+(?:we|i|they|she|he)\s+(?:need|needs|want|wants|will use|are using|use)\s+"
    r"(?:it|this|that|them|these|those)\s+(?:to|for)\s+[^.?!,]{1,80}[.!]?\s*$", re.I)
"""'... one row per segment. Needed for the capacity model.', '..., we need it to reconcile our
QoQ narrative': what the answer goes into, after the request; the metric words there name the
model, not the number asked for."""


def _purpose(m: re.Match[str], index: EntityIndex, metric: bool = True) -> str:
    """Drop a purpose unless it names a period, a metric (before the request only) or a value
    of the data ("for the Q3 review", "for the EMEA team, ...")."""
    clause = m[0]
    named = _names_period(clause) or metric and _metric(clause) or bool(
        _matched(clause, index).entities)
    return clause if named else ""


SET_ASIDE = re.compile(r"\b(?:not|no longer|out of scope|fine|at plan|on plan|on track|already|"
                       r"done|excluded|aside)\b", re.I)
"""A reason clause setting its value aside ("Since LATAM is not a priority, ...")."""
OTHERS = re.compile(r"\b(?:the rest|rest of|other|others|everyone else|everybody else|"
                    r"company ?wide|whole company|overall|all regions|all teams|every)\b", re.I)
"""A request about everything but the value named before it."""


def _as_clause(m: re.Match[str], index: EntityIndex | None = None) -> str:
    """Drop a clause giving the reason for the request unless it names a period of the data
    ("As Q3 was weak, ..."): a person named there stays as "<name> is away" would not, a team,
    region or segment as whose numbers ("Since we are focused on EMEA, how is ...")."""
    if DATA_PERIOD.search(normalize(m[0])):
        return m[0]
    values = [e.label for e in _matched(m[0], index).entities
              if e.dimension not in PEOPLE] if index is not None else []
    if values and not SET_ASIDE.search(m[0]) and not OTHERS.search(m.string[m.end():]):
        return f"For {' and '.join(values)}: "
    name = re.match(r"\s*\w+\s+([A-Z][a-z]+)\b", m[0])
    return f"{name[1]}. " if name else ""


DATA_PERIOD = re.compile(r"\b(?:q[1-4]|fy\s?\d+|quarters?|years?|months?|ytd|qtd|mtd|h[12])\b")
"""Words of a period of the data, not of a day ("back on 1 December")."""


def _writer_clause(m: re.Match[str], index: EntityIndex | None = None) -> str:
    """The clause as a sentence of its own, context the request may point back to ("Before
    our call with the EMEA team, I want the deals they ..."), unless it names a period or a
    metric ("before the end of Q3,") or is the meeting of a team or region ("Before the LATAM
    pipeline review, ...": LATAM's numbers are asked)."""
    clause = EVENT.sub(" ", m[0])  # "our commit call": a meeting, not the commit forecast
    if index is not None and not m["subject"] and MEETING_WORDS & set(normalize(m[0]).split()):
        scopes = [e.label for e in _matched(m[0], index).entities
                  if e.dimension in SCOPES - PEOPLE]
        if scopes and not _names_period(clause):
            return f"For {' and '.join(scopes)}: "
    named = _names_period(clause) or (not m["subject"] and _metric(clause))
    # ("before I send the forecast": the writer's plans, not the forecast asked for)
    return m[0] if named else m[0].rstrip(" ,:;") + ". "


def _names_period(clause: str) -> bool:
    """Whether a clause around the request names a period ("before the end of Q3"); a day of
    a meeting does not ("before her 1:1 with Camila tomorrow")."""
    norm = normalize(clause)
    return bool(DATA_PERIOD.search(norm) or re.search(rf"\b{M}\b|\b\d{{4}}\b", norm))


MEETING_WORDS = frozenset({"call", "calls", "meeting", "meetings", "review", "reviews",
                           "session", "offsite", "off-site", "qbr", "kickoff", "kick-off",
                           "presentation", "deck", "standup", "stand-up", "summit", "1:1",
                           "one-on-one", "one-on-ones", "1:1s"})
"""Nouns of the meetings a writer needs an answer for ("the board call", "weekly review")."""
MEETING = "(?:" + "|".join(sorted(MEETING_WORDS | {"sync"}, key=len, reverse=True)) + ")"
"""The same, with "sync" where a meeting is named as one ("before our Monday sync"), not a
data sync ("sync error rate")."""
TIMING = re.compile(
    r",?\s*\b(?:before|after|ahead of|in time for|prior to|during|at|for)\s+(?:the|our|my|this|"
    r"next|a|tomorrow's|today's|monday's|tuesday's|wednesday's|thursday's|friday's)\s+"
    rf"(?P<about>(?:[\w&-]+\s+){{0,3}}?){MEETING}\b"
    r"(?:\s+(?:today|tomorrow|tonight|this week|next week|on \w+day|\w+day))?", re.I)
"""'... before the board call', 'for the CRO staff meeting tomorrow': when the writer needs
the answer, not a period, value or metric of it (see _meeting)."""


WRITER_BUSY = re.compile(
    r"\b(?:i'?m|i am|we'?re|we are)\s+(?:doing|running|holding|having|prepping|preparing|hosting|"
    r"leading|in|at|on|off|out)\s+(?:[\w&-]+\s+){0,3}?(?:reviews?|meetings?|calls?|1:1s|"
    r"one on ones?|syncs?|offsites?|qbrs?|training|pto|vacation|leave|the road|"
    r"travel(?:ing)?)\s+"
    r"(?P<when>today|tomorrow|tonight|this week|next week|this afternoon|this morning)\b", re.I)
"""'I'm doing pipeline reviews this week and need ...': when the writer is busy, no period of
the question (the day or week is dropped, the rest kept)."""


def _meeting(m: re.Match[str], index: EntityIndex) -> str:
    """Drop a meeting the writer needs the answer for, unless its words name a period or a
    value of the data ("for the Q3 review", "before the EMEA forecast call" stay)."""
    about = m["about"]
    if any(w in PERIOD_WORDS or any(c.isdigit() for c in w) for w in normalize(about).split()):
        return m[0]
    reading = _matched(about, index)
    names = {x.lower() for x in re.findall(r"\b[A-Z][\w&-]*", about)}
    if any(set(reading.words[e.start:e.end]) & names or e.dimension in SCOPES
           for e in reading.entities):
        return m[0]  # "the EMEA forecast call", "the emea QBR": a value written as a name,
        # or the region, team or segment whose meeting it is, however written
    return ""


ASKED_ME = re.compile(
    r"^\s*(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|my\s+(?:boss|manager|vp|director|cro|cfo|ceo))\s+"
    r"(?:asked|asks|wants\s+to\s+know|wanted\s+to\s+know|is\s+asking|was\s+asking)(?:\s+me)?"
    r"(?:\s+to\s+(?:check|find\s+out|look\s+up|pull|get))?\s*[:,]?\s+"
    r"(?=(?:which|what|how|whether|if|who|where|for)\b)")
"""'Ava asked me which deals ...', 'Laura asked me to check: how much ...': who passes the
question on, not part of it (kept when the question then says "her"/"his": whose it is)."""
THIRD_PERSON = re.compile(r"\b(?:she|he|her|his|him|hers|they|their|them)\b", re.I)
SIGNED = re.compile(
    r"^\s*(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s*(?:,\s*|\(\s*|\s+-\s+|\s+for\s+(?:the\s+)?|"
    r"\s+from\s+(?:the\s+)?|\s+on\s+(?:the\s+)?)(?P<scope>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})"
    r"(?P<kind>\s+(?:team|region|segment|territory))?(?:\s+(?:mgr|manager|lead|vp|rvp|director))?"
    r"\s*(?:\)\s*(?:[:,.-]|(?=\s+(?i:what|how|which|who|can|could|would|pls|please|give|show|"
    r"pull|send|get|need|i|we|quick)\b))|[,.:]|\s+-)\s+")
"""A writer signing with a name and the team or region they run: "Ava, NA Enterprise.",
"Laura for the APAC team - ...", "Ravi (EMEA Commercial): ...", "Ravi (EMEA) can you ..."
(not "Emma Kowalski (APAC) bookings": the person the numbers are about)."""


VOCATIVE = re.compile(
    r"^\s*(?:(?i:hey|hi|hello|ok|okay|so)\s+)?(?P<name>[A-Z][a-z]+)\s*,\s+(?=(?i:what|what's|whats|"
    r"how|which|who|where|when|can|could|would|will|pls|please|give|show|pull|send|get|do|did|"
    r"does|is|are|any|quick)\b)")
"""'Emma, what's the win rate for EMEA?': the person spoken to (a colleague in a relayed chat),
not whose numbers are asked for ("Emma, what's your win rate?" keeps her: YOU)."""
YOU = re.compile(r"\b(?:your|yours|yourself|you're|youre)\b", re.I)


def passed_on(text: str, index: EntityIndex) -> tuple[str, list[str]]:
    """The question without the person who passes it on ("Freya asked for the Q3 leaderboard",
    "Max asked me which deals slipped") or who is spoken to ("Emma, what's ..."), and without a
    manager's first name before the team they run ("Ava's NA Enterprise team"); with the notes
    saying so. The name is the subject of "asked" or a vocative, outside the question: a
    pronoun pointing back to them ("... her team", "your win rate") keeps it."""
    notes = []
    if (asked := ASKED_ME.match(text)) and not THIRD_PERSON.search(text[asked.end():]):
        notes.append(f"read '{asked[0].strip(' :,')}' as who passes the question on, "
                     "not a filter")
        text = text[asked.end():]
    elif (vocative := VOCATIVE.match(text)) and not YOU.search(text[vocative.end():]) and \
            not THIRD_PERSON.search(text[vocative.end():]) and \
            index.first_named(vocative["name"].lower()):  # ("Emma, what's her win rate?")
        notes.append(f"read '{vocative['name']}' as who is spoken to, not a filter")
        text = text[vocative.end():]
    text, dropped = _messengers(text, index)
    notes += [f"read '{name}' as who asks, writes or meets, not a filter" for name in dropped]
    for m in reversed(list(RUNS_TEAM.finditer(text))):
        if team := _their_team(m["name"], text[m.end():], index):
            notes.append(f"read '{m[0]}{team}' as the {team} team ({m['name']}'s reps)")
            text = text[:m.start()] + text[m.end():]
    return text, notes


NAME = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
NAMES = rf"{NAME}(?:\s*,\s*{NAME})*(?:,?\s+(?:and|&)\s+{NAME})?"
MESSENGERS = [
    (re.compile(rf"(?:^|(?<=[.!?\n])|(?<=,)|(?<=\s-))\s*(?i:(?:many |kind |best |warm )?(?:thanks|"
                rf"thank you|thx|ty|cheers|best|regards|br|rgds)(?: in advance| again| so much)?)"
                rf"[\s,!.-]+(?P<names>{NAME}|[A-Z]\.?)\W*$"), False),
    (re.compile(rf"\b(?i:fwd|fw|forwarded|forwarding|forward|note|notes|ask|asks|request|question|"
                rf"message|email|e-mail|ping|dm|text|slack)\s+(?i:from)\s+(?P<names>{NAME})\b"),
     False),
    (re.compile(rf"\b(?i:call|calls|meeting|sync|chat|catch up|catch-up|conversation|"
                rf"discussion)\s+(?i:with)\s+(?P<names>{NAMES})\b"), True),
    (re.compile(rf"(?P<names>\b(?i:attendees|present|participants|invitees|cc)\s*:\s*{NAMES}"
                rf"\.?)"), False),
    (re.compile(rf"(?P<names>{NAMES})\s+(?=(?:asked|asks|wants|wanted|raised|mentioned|"
                rf"requested|will present|is presenting|is asking|was asking)\b)"), True),
    (re.compile(rf"(?P<names>{NAMES})\s+(?=(?:said|says|told|claims|claimed|thinks|thought|"
                rf"reckons|believes|insists)\b(?:\s+\w+){{0,6}}?\s+that\b)"), "claim"),
]
"""Names in a message that are who writes ("Thanks, Freya"), forwards ("fwd from Max"),
meets ("our call with Max and Freya", "Attendees: Ava, Laura") or asks ("Laura asked for ...",
"Grace will present"), not whose numbers are asked for; who meets or asks only when the
message does not point back at one person (see _messengers)."""
WHOSE = re.compile(r"\b(?:her|his|she|he|him|their|them|they)\b", re.I)
"""A pronoun pointing back at one person: the name it points to may be whose numbers."""


def _messengers(text: str, index: EntityIndex) -> tuple[str, list[str]]:
    """The message without the names of its messengers (MESSENGERS) that name a person of
    the data or no value at all (not "EMEA wants ..."); of those who ask, the last one named
    before a "her" or "his" stays (whose numbers they may be: "Ava asked: win rate for each
    of her reps", "Max asked ... As Priya is travelling, ... her open deals")."""
    whose = WHOSE.search(PURPOSE.sub(lambda m: " " * len(m[0]), text))  # (not "so she can
    # compare it": who will use the answer)
    dropped: list[str] = []
    for pattern, pointed in MESSENGERS:
        found = list(pattern.finditer(text))
        if pointed == "claim":  # "Laura said that best case for APAC is $4M": who speaks,
            # when the claim names whose it is (not "Victor claims 120% attainment": his)
            found = [m for m in found if any(
                e.dimension not in PEOPLE or e.label.split()[0] not in m["names"]
                for e in _matched(text[m.end():], index).entities)]
        elif pointed and whose:
            before = [m for m in found if m.end() <= whose.start()]
            found = [m for m in found if before and m is not before[-1]]
        for m in reversed(found):
            names = re.split(r"\s*,\s*|,?\s+(?:and|&)\s+", m["names"])
            if any(n.lower() in PERIOD_WORDS | WEEKDAYS for n in names):
                continue  # ("notes from Tuesday's review": a day, no one)
            if any(_valued(name, index) for name in names):
                continue
            dropped += [n for n in names if ":" not in n]
            text = text[:m.start("names")] + text[m.end("names"):]
    return text, dropped


def _valued(name: str, index: EntityIndex) -> bool:
    """Whether a capitalized name is a value of the data other than a person ("EMEA")."""
    return any(e.dimension not in PEOPLE for e in _matched(name, index).entities)


RUNS_TEAM = re.compile(r"\b(?P<name>[A-Z][a-z]+)(?:'s|’s)\s+")
"""'Ava's NA Enterprise team': a first name before a team (see _their_team)."""


def _their_team(name: str, rest: str, index: EntityIndex) -> str | None:
    """The team named right after a first name's possessive when that name is one manager of
    the data whose reps are exactly the team's (EntityIndex.same_people): the same filter."""
    managers = [label for d, label in index.first_named(name.lower()) if d is Dimension.manager]
    reading = _matched(" ".join(rest.split()[:4]), index)
    teams = [e for e in reading.entities if e.start == 0 and e.dimension is Dimension.team]
    if len(managers) != 1 or len(teams) != 1:
        return None
    team = teams[0].label
    return team if index.same_people(managers[0], team) else None


def signed(text: str, index: EntityIndex) -> str:
    """The message with a signature at its start written as the sentences the writer reading
    understands ("Ava here. I run NA Enterprise."): the name is who writes, never a filter,
    and the team or region is whose "my" and "our" numbers are (sentences.context_scope). Only
    when the name is one person of the data and the scope one value of it."""
    m = SIGNED.match(text)
    if m is None:
        return text
    first = m["name"].split()[0].lower()
    people = {label for d, label in index.partial(first) + index.first_named(first)
              if d in PEOPLE}
    scope = [e for e in _matched(m["scope"] + (m["kind"] or ""), index).entities
             if e.dimension in SCOPES - PEOPLE]
    if len(people) != 1 or len(scope) != 1:
        return text
    kind = m["kind"] or ""
    return f"{m['name']} here. I run the {m['scope']}{kind}. {text[m.end():]}"


OWN_PLAN = re.compile(r"(?<=\w)\s*[,;\u2013\u2014-]\s*(?:so |because |as |since )?(?:we|i)"
                      r"(?: need to| have to| will|'ll| are going to| am going to| plan to| "
                      r"want to| would like to| intend to) (?:\w+ ){1,3}(?:them|it|those|these|"
                      r"that|the list|the deals|the numbers)\b[^.?!]*", re.I)
"""A clause after a request saying what the writer will do with the answer ("please send the
open deals whose owner has left, we need to reassign them"): the writer's plan, not work asked
of us, nor words of the question."""


REMARK_CLAUSE = re.compile(
    r"(?:\s+[-\u2013\u2014]+\s+|,\s+(?:and\s+|but\s+|because\s+|(?:even\s+)?though\s+)?|"
    r";\s+|\s+(?:even though|because|and)\s+)"
    r"(?P<clause>(?:they|he|she|it|(?:their|his|her|its)\s+[a-z]+)(?:['\u2019](?:s|re|ve|m|d)|"
    r"\s+(?:is|are|was|were|has|have|had|am|moved|keeps?|kept|said|says|thinks?|went|got|"
    r"left|started|joined|changed|will|would|can|could|should|do|does|did|don't|doesn't|"
    r"didn't|haven't|hasn't|aren't|isn't|wasn't))\b(?:(?!\s[-\u2013\u2014]+\s)[^.?!;\n()])*)"
    r"(?=[.?!;\n]|\s[-\u2013\u2014]+\s|$)", re.I)
"""A clause about someone or something beside the request ("- they moved over to
partnerships", ", their data's a mess right now", "even though it's tiny"; not "since I
started", a time)."""
ASIDE_CUES = re.compile(r"\b(?:only|just|exclud\w*|except|without|by|per|each|split|break|top|"
                        r"bottom|rank\w*|vs|versus|compar\w*|instead|rather|includ\w*|count\w*|"
                        r"filter\w*|wants?|needs?|show|give|send|list|also|too|well|not|no|"
                        r"never|same|all|every|any|which|what|how|who)\b", re.I)
"""Words that could make an aside part of the request (a filter, a split, a second ask)."""
WRITER_DAYS = re.compile(r"\b(?:today|tomorrow|tonight|this (?:morning|afternoon|evening)|"
                         r"next week|right now|monday|tuesday|wednesday|thursday|friday)\b", re.I)


BRACKET_PURPOSE = re.compile(
    r"\s*\((?P<clause>(?:so (?:that )?(?:we|i|they|you|she|he) (?:can|could|will|know)|"
    r"(?:[a-z&]+\s+){0,2}[a-z]+\s+(?:wants?|needs?|asked|is going|are going|plans?|would like)"
    r"\s+to)\b[^()]*)\)")
"""A bracketed purpose with its own subject ("(product marketing wants to give them a shout at
SKO)", "(so we can see who made Club twice)"): why the answer is wanted, when it is only
context (see _aside)."""


PURPOSE_CUES = re.compile(r"\b(?:only|just|exclud\w*|except|without|by|per|each|split|break|top|"
                          r"bottom|rank\w*|vs|versus|compar\w*|instead|rather|includ\w*|"
                          r"filter\w*|not|no|never)\b", re.I)
"""Words that would make a bracketed purpose narrow or shape the answer."""


def _only_context(clause: str, index: EntityIndex, cues: re.Pattern[str], dated: str) -> bool:
    """Whether a clause can only be context: no figure, no cue word (`cues`), no metric, no
    period in `dated` (the clause, or the clause less what it may date), no value of the data."""
    return not (re.search(r"\d", clause) or cues.search(clause) or _metric(clause) or
                _names_period(dated) or _matched(clause, index).entities)


def _bracket_purpose(m: re.Match[str], index: EntityIndex) -> str:
    """Drop a bracketed purpose that can only be context: no figure, value of the data,
    metric, period or word that would filter, split or rank."""
    return " " if _only_context(m["clause"], index, PURPOSE_CUES, m["clause"]) else m[0]


def _aside(m: re.Match[str], index: EntityIndex | None) -> str:
    """Drop an aside that can only be context: no figure, no value of the data, no metric, no
    period (a day the writer is busy aside), no word that would filter, split or ask."""
    clause = m["clause"]
    if index is None or not _only_context(clause, index, ASIDE_CUES,
                                          WRITER_DAYS.sub(" ", clause)) or any(
            index.first_named(w) for w in normalize(clause).split()):
        return m[0]  # ("hi, it's grace": who writes, a first name of the data)
    return "."


def drop_writer_clauses(text: str, index: EntityIndex | None = None) -> str:
    """Remove clauses about the writer (WRITER_CLAUSE, their meetings: TIMING) and the days
    of their meetings (DAY_EVENT); the text stays when nothing else is."""
    text = OWN_PLAN.sub("", WRITER_BUSY.sub(lambda m: m[0][:m.start("when") - m.start()].rstrip(),
                                            text))
    if index is not None:
        text = TIMING.sub(lambda m: _meeting(m, index), text)
    text = AS_CLAUSE.sub(lambda m: _as_clause(m, index), text)
    text = REMARK_CLAUSE.sub(lambda m: _aside(m, index), text)
    if index is not None and "(" in text:
        text = BRACKET_PURPOSE.sub(lambda m: _bracket_purpose(m, index), text)
    purposed = PURPOSE.sub(lambda m: " one by one" if ONE_BY_ONE.search(m[0]) else "", text)
    # (", so I can go through them one by one": the writer's use of the answer, which asks for
    # the deals)
    stripped = DAY_EVENT.sub("the", WRITER_CLAUSE.sub(lambda m: _writer_clause(m, index),
                                                      purposed))
    if index is not None:
        stripped = LEADING_PURPOSE.sub(lambda m: _purpose(m, index), stripped, count=1)
        stripped = TRAILING_PURPOSE.sub(lambda m: _purpose(m, index, metric=False), stripped)
    stripped = re.sub(r"(?<=[.!?])\s*[:,;]\s*", " ", stripped)  # "manager. [For the call
    # before the QBR]: what's ...": the sentence that ended stays ended
    return stripped if stripped.strip() else text


SELF_LABEL = re.compile(r"^\s*((?:[\w&'-]+\s+){1,4}here)\s*[-\u2013\u2014,:]\s+", re.I)
"""A writer introducing themselves before the request: "Pipeline Management here - ...",
"Owen Garcia here, ..." (a sentence of its own)."""


POINTS_UP = re.compile(r"(?:^|\n)\s*(?:\^|\u2191)|\b(?:this one|that one|(?:see |the |as |"
                       r"from )(?:above|below)|(?:answer|run|do|pull|handle|get) "
                       r"(?:this|that|it|these|those)|"
                       r"(?:this|that|her|his|their|the) (?:question|ask|request|email|"
                       r"message|note)|that (?:quarter|period|month|year|week|date|time)|"
                       r"those (?:dates|months|quarters)|the same (?:period|quarter|month)|then)\b",
                       re.I)
"""Own words pointing at the quoted message ("^ can you run that", "can you answer this
one?"): the quote holds the request."""


HEADER_LINE = re.compile(r"^\W*(?:re|fwd?|fw|subject|from|to|cc|sent|date)\s*:", re.I)
"""An e-mail header or subject line ("Fwd: deal size"): it names the thread, it asks nothing."""


def _own_words(text: str) -> str:
    """The message without, when the writer's own lines ask for a metric without pointing at
    the quote, the quoted lines of others ("> pipeline looks thin for Jan"): their periods and
    names are not the request's."""
    if not QUOTED_LINES.search(text):
        return text
    own = [line for line in text.splitlines() if line.strip() and not QUOTED_LINES.match(line)]
    asking = [line for line in own if not HEADER_LINE.match(line) and
              len(line.split()) > PERIOD_LABEL]  # (not a subject line: "deal size")
    if any(_metric(line) for line in asking) and not any(POINTS_UP.search(line) for line in own):
        return "\n".join(own)
    return text


def sentences(text: str) -> list[str]:
    """Split a message into sentences (and a colon's request-like tail into its own)."""
    if m := SELF_LABEL.match(text):
        return [m[1], *sentences(text[m.end():])]
    if (own := _own_words(text)) != text:  # others' quoted lines left out: each of the
        return [s for line in own.splitlines() if line.strip()  # writer's own lines its own
                for s in sentences(line)]
    if QUOTED_LINES.search(text):  # a pasted thread ("> Mia: ..."): each line its own
        return [s for line in text.splitlines() if line.strip()
                for s in sentences(re.sub(r"^\s*>+\s*", "", line))]
    parts, start = [], 0
    for m in BOUNDARY.finditer(text):
        before = text[start:m.start()].rstrip()
        last = before.rsplit(None, 1)[-1].rstrip(".").lower() if before else ""
        if before.endswith(".") and last in ABBREVIATIONS:
            continue
        parts.append(text[start:m.start()])
        start = m.end()
    parts.append(text[start:])
    out = []
    for part in parts:
        pieces = COLON.split(part)
        if len(pieces) > 1 and ASK_LABEL.match(pieces[0]):
            pieces = pieces[1:]  # "Action item for RevOps: break down ...": the request
        head = pieces[0]
        for tail in pieces[1:]:
            if (ASKS.match(tail) or WANTS.search(tail) or tail.rstrip().endswith("?")) and \
                    not _names_metric(head):  # "deal velocity for SMB: how much ...?"
                out.append(head)
                head = tail
            else:
                head = f"{head}: {tail}"
        out.append(head)
    return [p.strip() for p in out if p.strip()]


def _describe(text: str) -> Sentence:
    words = normalize(text).split()
    lex = lexicon()
    found = lex.find(words, {"metric", "measure", "dimension", "grain", "rank"})
    period = bool(re.search(r"\b(?:quarter|year|month|week|ytd|qtd|fy\s?\d+|q[1-4]|h[12]|"
                            r"today|yesterday|tomorrow|\d{4}|\d+|" + M + r")\b", " ".join(words)))
    asks = bool(ASKS.match(text) or TAIL_ASK.search(text)) or text.rstrip().endswith("?")
    return Sentence(text=text, asks=asks, sets_option=bool(take_options(" ".join(words))[1]),
                    wants=bool(WANTS.search(text)), substantive=bool(found) or period,
                    has_period=period)


def _names_metric(text: str) -> bool:
    """Whether the text names a metric, a split or a value kind beyond weak words
    ("I want the numbers" does not)."""
    words = normalize(text).split()
    return any(phrase_text(words[s:e]) not in WEAK_PHRASES
               for s, e, _ in lexicon().find(words, {"metric", "dimension", "measure"}))


def _metric(text: str) -> bool:
    """Whether the text names a metric (a ranking word alone, "rank them", or a weak word
    such as "deals" does not)."""
    return bool(_tools_named(text))


def _knob_tools(text: str) -> set[str]:
    """The tools whose knobs a text sets ("a $25M target for next quarter": capacity's)."""
    return {t for f in take_options(normalize(text))[1] for t in f.rule.names}


def _tools_named(text: str) -> set[str]:
    """The tools the metric phrases of a text name (not a ranking word alone nor a weak
    word)."""
    words = normalize(text).split()
    return {x.value for s, e, _ in lexicon().find(words, {"metric"})
            if not set(words[s:e]) <= RANK_WORDS and
            phrase_text(words[s:e]) not in WEAK_PHRASES | GENERIC_PHRASES
            for x in lexicon().entries(words[s:e]) if x.kind == "metric"}


def request_text(question: str, index: EntityIndex,
                 periods: Callable[[str], list[Period]]) -> str | None:
    """The part of a message that asks, with the context values it refers back to; None when
    the message is one sentence or no sentence stands out as the request."""
    texts = sentences(question)
    if len(texts) < 2:  # one sentence, or one of the writer's own below others' quoted lines
        return texts[0] if texts and _own_words(question) != question else None
    parts = [_describe(s) for s in texts]
    if all(len(s.text.split()) <= BARE_REQUEST and not s.asks and not s.wants and
           not PERSONAL.match(s.text) and not FIRST_PERSON.search(s.text) for s in parts):
        return " ".join(texts) if _own_words(question) != question else None
        # "leaderboard. top five reps. year to date. bookings.": one request written in
        # fragments, read whole (the writer's own fragments, without others' quoted lines)
    asks = [k for k, s in enumerate(parts) if s.asks]
    wants = [k for k, s in enumerate(parts) if s.wants]
    # the asking sentences that name a metric; else the "I need" ones that do; else any
    # asking sentence ("Share of deals is fine." asks nothing beside "I want to see ...")
    asking = [k for k in asks if _metric(parts[k].text)] or \
        [k for k in wants if _metric(parts[k].text)] or asks or wants or _last_naming(parts)
    asking = _without_rhetorical(asking, parts, index)
    asked = set().union(*(_tools_named(parts[k].text) for k in asking))
    asking += [k for k in wants if k not in asking and k > max(asking, default=len(parts)) and
               _tools_named(parts[k].text) & asked and SPLIT_WANTED.search(parts[k].text)]
    # ("Where do deals die in our funnel? For each stage I want to see how many move forward
    # versus drop out.": the same metric, with what it is split by)
    if not asking:
        return None
    if not any(_metric(parts[k].text) or parts[k].asks or BACK.search(parts[k].text) or
               SPLIT_WANTED.search(parts[k].text) or parts[k].has_period or
               _matched(parts[k].text, index).entities for k in asking) and (named := [
            k for k in range(asking[0]) if _metric(parts[k].text) and
            not PERSONAL.match(parts[k].text)]):
        # "Win rate by rep this year, bottom 10. I need to know who needs coaching before I
        # touch comp.": the writer's purpose names no metric; the fragment before it is the ask
        asking = named
    if not any(_metric(parts[k].text) for k in asking):
        # "Do inbound leads close better? Win rate by lead source, only those two.": the
        # sentence after the question names the metric it asks about
        asking += [k for k in range(asking[0] + 1, len(parts))
                   if k not in asking and _metric(parts[k].text) and not DAY.search(
                       parts[k].text) and not MEETING_WORDS & set(normalize(parts[k].text).split())
                   and not HEARSAY.match(parts[k].text)]  # ("Finance says it is 2.8M.")
        # (not "forecast call tomorrow with the NA Enterprise leads.": a meeting)
    if not any(_metric(parts[k].text) for k in asking) and \
            all(len(parts[k].text.split()) <= BARE_REQUEST for k in asking):
        # "The board pre-read needs quota attainment by region; please return the table.":
        # the sentence before the bare request names what it returns
        asking += [k for k in range(asking[0] - 1, -1, -1) if _metric(parts[k].text)][:1]
    substantive = [k for k in asking if parts[k].substantive]
    if not substantive:
        return None
    chosen = set(substantive)
    for k in substantive:  # "Please rank them ...": the sentence "them" points back to
        if k > 0 and (BACK.search(parts[k].text) and (not _metric(parts[k].text) or
                                                     RANK_THEM.match(parts[k].text)) or
                      GLOSS_START.match(parts[k].text)) and parts[k - 1].substantive:
            chosen.add(k - 1)
    first = min(chosen)
    if first > 0 and parts[first - 1].asks and not PERSONAL.match(parts[first - 1].text) and \
            any(e.dimension in SCOPES | {Dimension.segment, Dimension.product}
                for e in _matched(parts[first - 1].text, index).entities) and \
            not _matched(parts[first].text, index).entities and \
            not re.search(r"\b(?:by|per|each|every|across)\b", parts[first].text, re.I) and \
            not OTHERS.search(parts[first].text):
        first -= 1  # "Is the average Enterprise deal getting bigger? Show me deal size by
        chosen.add(first)  # quarter.": the question the request answers, with its values
    if first > 0 and parts[first - 1].sets_option and not parts[first].sets_option and \
            _knob_tools(parts[first - 1].text) & (_tools_named(parts[first].text) | {
                x.tool for _, _, x in lexicon().find(normalize(parts[first].text).split(),
                                                     {"measure"})}):
        first -= 1  # "The board plan for Q1 is $25M. With today's headcount, how short of that
        chosen.add(first)  # are we?": the number the request points back at
    shape, trimmed = "", False
    for k in range(first + 1, len(parts)):
        s = parts[k]
        if (aside := DASH_ASIDE.search(s.text)) and aside.start() > 0:
            s = parts[k] = _describe(s.text[:aside.start()])  # "Lowest five sellers, YTD,
            trimmed = True  # please - enablement wants to line up reviews": the refinement
        if CONTINUES.match(s.text) and (aside := ASIDE.search(s.text)):
            s = parts[k] = _describe(s.text[:aside.start()])  # "Split it by region please,
            # Priya wants to talk about EMEA on its own": the split; the rest is context
        if k not in chosen and (s.substantive or _matched(s.text, index).entities or
                                SPLIT_ASKED.search(s.text)) and \
                not DAY.search(s.text) and not MEETING_WORDS & set(normalize(s.text).split()) and \
                not NEXT_MEETING.match(s.text) and not HEARSAY.match(s.text) and \
                not SIGN_OFF.match(s.text) and not PERSONAL.match(s.text) and (
                    len(s.text.split()) <= REFINEMENT_WORDS or
                    (CONTINUES.match(s.text) or deal_list(normalize(s.text))) and
                    not _metric(s.text) and len(s.text.split()) <= 2 * REFINEMENT_WORDS):
            chosen.add(k)  # "Team level is fine.", "FY26 please", "Use 45 days as the cutoff.",
            # "By segment, this FY to date vs the same period last year.", "Rank the deals
            # worst first and tell me why each one is flagged."
        elif k not in chosen and s.sets_option:
            chosen.add(k)  # "For me stale is anything without a touch for more than 21 days."
        elif k not in chosen and k - 1 in chosen and (RESTATED.match(s.text) or s.asks and (
                SPLIT_WANTED.search(s.text) or s.has_period and periods(s.text)) and
                _names_metric(s.text) and not _metric(s.text) and not PERSONAL.match(s.text)):
            chosen.add(k)  # "Are our territories balanced? I mean the accounts per rep in each
            # territory.": the question said again, more exactly; "Where do deals fall out?
            # Show me the conversion rate of each opportunity stage, fiscal YTD.": its split
            # and period, in words that alone name no one metric
        elif k not in chosen and k - 1 in chosen and (side := SIDE_BY_SIDE.search(s.text)) \
                and not _metric(s.text):
            shape = f" {side[0]}"  # "I need the two side by side for a pricing threshold":
            # the values just asked about, compared (the rest of the sentence is context)
        elif k not in chosen and k - 1 in chosen and not _metric(s.text) and (
                ORDERING.match(s.text) or BACK.match(s.text) or  # "Worst first.", "Top 15,
                SHOW_BACK.match(s.text)) and \
                len(s.text.split()) <= 2 * REFINEMENT_WORDS and not PERSONAL.match(s.text) \
                and not SIGN_OFF.match(s.text) and not DAY.search(s.text):
            chosen.add(k)  # and the reasons next to each one.", "Show it quarter by quarter
            # for the last four full quarters.": how the request's answer is to be shown
        elif k not in chosen and k - 1 in chosen and s.asks and BACK.search(s.text) and \
                len(s.text.split()) <= REFINEMENT_WORDS and not PERSONAL.match(s.text):
            chosen.add(k)  # "What if we scored the forecast 30 days in? How accurate would it
            # have been?": the question about what the sentence before describes
        elif k not in chosen and not PERSONAL.match(s.text) and not SIGN_OFF.match(s.text) and \
                (_matched(s.text, index).entities or k - 1 in chosen and s.has_period and
                 periods(s.text)) and \
                _tools_named(s.text) & set().union(*(_tools_named(parts[j].text) for j in chosen)):
            chosen.add(k)  # "How productive are this year's hires? Bookings per rep for Kenji
            # Smith, Kofi Taylor, ...": the same metric again, with the values it is for; "Is
            # sales productivity up on last year? Q3 bookings per ramped rep against Q3 a year
            # ago.": with the period, right after
    chosen |= {k for k in range(len(parts)) if _puts_out(parts[k].text, index) and
               not PERSONAL.match(parts[k].text)}  # "Ignore renewals; what's the EMEA win
    # rate?", "Leave out the partner deals.": an exclusion said beside the request is its own
    chosen |= {k for k in range(len(parts)) if _only_values(parts[k].text, index) and not
               FIRST_PERSON.search(NOT_MINE.sub(" ", parts[k].text)) and not  # "I run NA
               set(normalize(parts[k].text).split()) & LABEL_WORDS and  # Enterprise.", "Ava
               # here": who writes ("Both EMEA teams, not just mine.": a scope)
               not ROLE_FOR.match(parts[k].text)}  # "BDR manager for NA Commercial."
    if len(chosen) == len(parts) and not trimmed:
        return None
    request = " ".join(parts[k].text for k in sorted(chosen)) + shape + _asked_period(
        parts, chosen, periods)
    context = [parts[k].text for k in range(len(parts)) if k not in chosen]
    if (since := SINCE_THEN.search(request)) and (dated := [p for c in context
                                                             for p in periods(c)]):
        # "Kofi Taylor joined in March. What has he booked each month since then?": since March
        request = f"{request[:since.start()]}since {dated[0].start.isoformat()}" \
                  f"{request[since.end():]}"
    return with_context(request, context, index, periods)


def _without_rhetorical(asking: list[int], parts: list[Sentence],
                        index: EntityIndex) -> list[int]:
    """The asking sentences without a question the writer answers with a request of their own
    ("Is our win rate getting worse or is Dave being dramatic? Give me the win rate by quarter
    for last year."): a question naming only the metrics a later request names, with no value
    or period of its own, is what the request is for, context; its other words are asked
    nothing about."""
    requests = [k for k in asking if not parts[k].text.rstrip().endswith("?") and
                _metric(parts[k].text) and (parts[k].has_period or
                                            SPLIT_WANTED.search(parts[k].text))]
    if not requests:
        return asking
    named = set().union(*(_tools_named(parts[k].text) for k in requests))
    return [k for k in asking if k in requests or k > min(requests) or not (
        parts[k].text.rstrip().endswith("?") and _tools_named(parts[k].text) <= named and
        not parts[k].has_period and not _matched(parts[k].text, index).entities)]


SINCE_THEN = re.compile(r"\bsince (?:then|that date|that day|(?:i|he|she|they|we) (?:started|"
                        r"joined|began|came on board|came aboard|arrived|took over))\b", re.I)
"""A start said by pointing back at a date of the message ("joined in March ... since
then", "I joined on June 1st ... since I started")."""
ALL_TIME_SAID = re.compile(r"\b(?:any close date|all close dates|regardless of (?:the )?close "
                           r"date|all time|no matter when|whatever the close date)\b", re.I)
"""A request that covers every date: a period of its context is no window of it."""


CLAIMED = re.compile(r"\b(?:says|said|claims?|claimed|reports?|reported|shows?|showed|reads)\b",
                     re.I)
"""A sentence giving a claim the request checks ("The ops report says we closed 644 deals
last quarter. Can you confirm the count?"): its period is the request's."""


EVENT_SAID = re.compile(r"\b(?:left|joined|started|quit|resigned|retired|moved|transferred|was "
                        r"hired|took over|came on board|went on leave)\b", re.I)
"""A short sentence telling what happened to someone ("Emily Kowalski left the company last
month"): its period dates the event, not the question."""


def _asked_period(parts: list[Sentence], chosen: set[int],
                  periods: Callable[[str], list[Period]]) -> str:
    """The period of another question of the message, when the request names none: "Can the
    reps hit next quarter's number? What's the capacity gap?" asks about next quarter."""
    if any(parts[k].has_period and periods(parts[k].text) for k in chosen):
        return ""  # (a request naming a period, not only "vs a year ago")
    spans = {(p.start, p.end) for k, s in enumerate(parts) if k not in chosen and (
        s.asks or not EVENT_SAID.search(s.text) and (
            _metric(s.text) or len(s.text.split()) <= PERIOD_LABEL) or CLAIMED.search(s.text))
        for p in periods(s.text) if (p.end - p.start).days >= 27}  # "H1 FY27: what % ..."
    # "tying CRM bookings out to the ledger for Q3. What's the match rate?": Q3's
    if len(spans) != 1:
        return ""
    start, end = spans.pop()
    return f" from {start.isoformat()} to {end.isoformat()}"


HEARSAY = re.compile(r"^\W*(?:" + HEARSAY_WHO + r"|everybody|the \w+|\w+(?:'s \w+)?)\s+(?:" +
                     HEARSAY_VERB + r"|reckons?)\b", re.I)  # ("Finance says ...", "Wei's
# spreadsheet says ...": whoever it is)
"""What others say ("someone told me close dates here are fiction"): context, never the ask."""


def _last_naming(parts: list[Sentence]) -> list[int]:
    """Without a question, an imperative or an "I need", the request is the last sentence
    that names a metric and is not about people or a sign-off: people put the ask last
    ("We can't afford surprises. Risky open deals closing this quarter, deal by deal.")."""
    naming = [k for k, s in enumerate(parts) if _metric(s.text) and not PERSONAL.match(s.text)
              and not SIGN_OFF.match(s.text) and not HEARSAY.match(s.text)]
    # a later sentence that sets a tool option refines the one before it ("...; count only
    # opportunities created within 60 days of the lead"): it joins the request, never is it
    return [k for k in naming if k == naming[0] or not parts[k].sets_option][-1:]


def context_scope(message: str, request: str,
                  index: EntityIndex) -> tuple[Dimension, str] | None:
    """The one team, region, territory or person the writer says they deal with in a context
    sentence ("I'm meeting the EMEA Commercial team tomorrow.") that the request does not
    name: the answer may be meant for it, or for everyone, and only the writer knows."""
    found: set[tuple[Dimension, str]] = set()
    for sentence in sentences(message):
        if sentence in request or not (PERSONAL.match(sentence) or FIRST_PERSON.search(sentence)
                                       or ROLE_HERE.match(sentence) or ROLE_FOR.match(sentence)):
            continue
        reading = _matched(sentence, index)
        found |= {(e.dimension, e.label) for e in reading.entities
                  if e.dimension in SCOPES | PEOPLE | OWNED_SLICES and (
                      _dealing_with(reading.words[max(0, e.start - 3):e.start]) or
                      set(reading.words[e.end:e.end + 2]) & ROLES)}  # "the North America VP"
    if len(found) != 1 or TOPIC_CHANGE.match(request) or EVERYONE.search(request):
        return None
    return found.pop()


EVERYONE = re.compile(r"\boverall\b|\b(?:every|all|each)(?: of)?(?: the| our)? (?:teams?|"
                      r"regions?|reps?|segments?|territor(?:y|ies)|managers?|sellers)\b|"
                      r"\bnot (?:just|only|simply) (?:for )?(?:my|our|mine|me)\b|"
                      r"\b(?:whole|entire) (?:company|org|organization|picture|business)\b", re.I)
"""A request that says it is for everyone ("percent to plan for every team", "the whole
picture, not just my group"): never narrowed to the one team its writer deals with."""


DEALING_WITH = frozenset({"with", "meeting", "meet", "meets", "visiting", "visit", "reviewing",
                          "review", "coaching", "coach", "prepping", "prep", "preparing",
                          "seeing", "see", "presenting", "joining", "join", "calling", "call",
                          "helping", "help", "supporting", "onboarding", "training", "taking",
                          "covering", "cover", "running", "run", "manage", "managing", "lead",
                          "leading", "own", "owning", "inherited", "inheriting", "took",
                          "manager", "head", "leader", "director", "vp"})
"""Words before a value the writer deals with ("meeting the EMEA team", "coaching Ana"), not
one where something happened ("a rough September in APAC")."""
TOPIC_CHANGE = re.compile(r"^\W*(?:anyway|anyways|separately|unrelated|on another note|"
                          r"different question|also unrelated|switching gears)\b", re.I)


def _dealing_with(words: list[str]) -> bool:
    """Whether the words before a value say the writer deals with it ("meeting the EMEA
    team", "prepping for Grace"); "to see if the enterprise ramp ..." is a question, no
    meeting."""
    return any(w in DEALING_WITH and words[i + 1:i + 2] not in (["if"], ["whether"], ["how"])
               for i, w in enumerate(words))


def with_context(request: str, context: list[str], index: EntityIndex,
                 periods: Callable[[str], list[Period]]) -> str | None:
    """The request with the context values and period it refers back to; None when the whole
    message must be read (the context names several candidates, or one the data lacks)."""
    if MINE.search(request) and any(_unknown_writer(c, index) for c in context):
        return None  # "Priya K here. Which of my deals ...": read it all, ask who is writing
    referred = _referred(request, context, index, periods)
    pointer = SOMEONE.search(request)
    if pointer and pointer[0].lower() in ("their", "them", "they") and \
            BOUND_HERE.search(request[:pointer.start()]):
        pointer = None  # "each seller's bookings against their quota": the sellers just named
    if not referred.strip().startswith("for") and pointer:
        counted = _counted_values(request, context, index)  # ("those two": named apart)
        if not counted and _unknown_names(context, index):
            return None  # "The DACH team ... What did they book?": read it all, ask about DACH
        values = counted or _values(context, index)
        kinds = _pointed_kinds(request)
        if kinds and any(d in kinds for _, d in values):  # "his": the person, not his team
            values = [(text, d) for text, d in values if d in kinds]
        if len(values) > 1 and not (PLURAL_POINTER.search(request) and
                                    len({d for _, d in values}) == 1):
            return None  # several candidates for "they": read it all (it asks if unsure)
        # (several values of one kind and "them": the list is who they are: "Samuel Chen,
        # Arjun Weber and Kofi Taylor ... What has each of them booked?")
        referred = (f" for each of {', '.join(t for t, _ in values[:-1])} and {values[-1][0]}"
                    if len(values) > 1 else "".join(f" for {t}" for t, _ in values)) + referred
        # ("their won deals", "show both": each of the values pointed back at, side by side)
        named = [p for sentence in context if not EVENT_SAID.search(sentence)
                 for p in periods(sentence)
                 if (p.end - p.start).days >= 27]  # not "next week", "tomorrow": meetings;
        # not "Emily Kowalski left the company last month": when she left
        if values and named and not periods(request) and " from " not in referred and \
                not ALL_TIME_SAID.search(request):
            # "... where they ended up last quarter. Attainment for the people who report to
            # her?": what the request points back to is the context's, period included
            referred += f" from {named[-1].start.isoformat()} to {named[-1].end.isoformat()}"
    return request + referred


CHECKS_IT = re.compile(r"^\W*(?:(?:so|and|but|ok|okay)\W+)?(?:is|was|are|were)\s+(?:that|this|it|"
                       r"these|those)\b|^\W*(?:can you |could you |please |pls )?(?:confirm|"
                       r"verify|double-?check|recount|check)\b(?!\s+(?:how|what|which|who|the "
                       r"number of)\b)", re.I)
"""A request checking a figure the message quoted ("Is that the real slip rate?", "confirm
count?"): about the figure's own period."""
PLURAL_POINTER = re.compile(r"\b(?:they|them|their|both|those (?:people|reps|folks|sellers|two|"
                            r"three|four))\b",
                            re.I)
"""'each of them', 'their': pointing back at several values named before."""
SOMEONE = re.compile(r"\b(?:they|them|their|he|she|his|him|her|hers|its|both(?! of (?:you|us)\b)|"
                     r"(?:those|these) (?:two|three|four|2|3|4)|"
                     r"(?<=use )it|(?<=using )it|(?<=used )it|(?<=adopt )it|(?<=adopted )it|"
                     r"(?<=adopting )it|(?<=renew )it|(?<=renewed )it|(?<=buy )it|"
                     r"(?<=bought )it|(?<=sell )it|(?<=sold )it|(?<=of )it(?! all\b)|"
                     r"(?<!is )(?<!are )(?<!was )(?<!were )"
                     r"there(?! (?:is|are|was|were|been|any)\b)|"
                     r"(?:that|this|the same|those|"
                     r"these) (?:account|accounts|customer|customers|team|teams|rep|reps|client|"
                     r"clients|region|segment|product|logo))\b", re.I)
"""A request that points back at someone or something named before it ("they", "his", "are
reps using it": "it" as the object of a verb of use or trade, not "is it", "make it")."""
NAME_LIKE = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][a-z]+|[A-Z]{3,})\b|"
                       r"^[A-Z][a-z]+(?=\s+[A-Z][a-z]+\b)")
"""Capitalized words not starting a sentence, or starting one with another after them ("Public
Sector became its own team"): names."""


def _unknown_names(context: list[str], index: EntityIndex) -> bool:
    """Whether the context names someone or something the data does not know: a capitalized
    word (not starting its sentence) that is no value, vocabulary or common word."""
    lex = lexicon()
    for sentence in context:
        known = _matched(sentence, index)
        values = {w for e in known.entities for w in known.words[e.start:e.end]}
        for m in NAME_LIKE.finditer(sentence.strip()):
            word = m[0].lower()
            if word not in values and word not in lex.words and word not in lex.english and \
                    word not in lex.alias_words and not _common(word) and \
                    not index.first_named(word):  # ("- Laura": a person of the data)
                return True
    return False


BOUND_HERE = re.compile(r"\b(?:each|every)\s+(?:\w+\s+)?(?:sellers?|reps?|aes?|managers?|owners?|"
                        r"people|account executives?)(?:'s|\u2019s)?\b", re.I)
"""People the request itself names before a pronoun ("each seller's bookings against their
quota"): the pronoun's own, not someone of the context."""
SINGLE_PERSON = re.compile(r"\b(?:she|her|hers|he|his|him)\b", re.I)
"""A pronoun pointing back at one person."""


def unclear_person(question: str, index: EntityIndex) -> Clarification | None:
    """'Laura and Ava both sent me their notes. What's her team's commit?': "her" points at
    one of several people the sentence before names; asked, never guessed (and never read for
    everyone)."""
    texts = sentences(question)
    if len(texts) < 2 or not (m := SINGLE_PERSON.search(texts[-1])) or any(
            d in PEOPLE for _, d in _values([texts[-1]], index)):
        return None
    for sentence in reversed(texts[:-1]):
        people = _people_in(sentence, index)
        if people:
            if len(people) < 2:
                return None
            return Clarification(question=f"Whom do you mean by '{m[0]}'?", options=people,
                                 term=m[0], not_understood=[m[0]])
    return None


def _people_in(sentence: str, index: EntityIndex) -> list[str]:
    """The people a sentence names, in full or by a capitalized first name ("Laura and Ava":
    each the person of the data with that first name, or the name as written when several
    have it)."""
    reading = _matched(sentence, index)
    found = [e.label for e in reading.entities if e.dimension in PEOPLE]
    taken = {w for e in reading.entities for w in reading.words[e.start:e.end]}
    for m in re.finditer(r"\b[A-Z][a-z]+\b", sentence):
        word = m[0].lower()
        if word in taken:
            continue
        labels = {label for d, label in index.first_named(word) if d in PEOPLE}
        if labels:
            found.append(labels.pop() if len(labels) == 1 else m[0])
    return list(dict.fromkeys(found))


COUNTED_POINTER = re.compile(r"\b(?:those|these|the|both)\s+(two|three|four|2|3|4)\b", re.I)
"""'Those two', 'the three': a number of values pointed back at."""


def _counted_values(request: str, context: list[str],
                    index: EntityIndex) -> list[tuple[str, Dimension]]:
    """The values 'those two' points at: the first context sentence naming that many values of
    one kind ("Owen and Victor are up for the Club; Sara isn't. ... those two": Owen and
    Victor), or none."""
    m = COUNTED_POINTER.search(request)
    if m is None:
        return []
    n = NUMBERS.get(m[1].lower()) or int(m[1])
    for sentence in context:
        found = _values([sentence], index)
        kinds = {d for _, d in found}
        if len(found) == n and len(kinds) == 1:
            return found
    return []


def _values(context: list[str], index: EntityIndex) -> list[tuple[str, Dimension]]:
    """The values named in the context sentences, as words with their dimension: written as
    names (capitalized past the sentence's first word, all capitals, or several words), so
    "Call Emma about ..." names Emma, not the activity type call."""
    found = []
    for sentence in context:
        if SIGNATURE_LINE.match(sentence):
            continue  # "- Laura": who wrote it, not whom "she" points at
        reading = _matched(sentence, index)
        names = {m[0].lower() for m in NAME_LIKE.finditer(sentence.strip())} | {
            m[0].lower() for m in re.finditer(r"\b[A-Z]{2,}\b", sentence)}  # "EMEA had ..."
        starts = {e.start: e.dimension for e in reading.entities}
        for e in reading.entities:
            if e.end - e.start < 2 and reading.words[e.start] not in names and \
                    e.dimension not in SCOPES - PEOPLE and not (
                    e.dimension in OWNED_SLICES and reading.words[e.end:e.end + 1] and
                    reading.words[e.end] in SLICE_NOUNS):
                continue  # (a region, team or segment is one however written: "the emea QBR";
                # a source or product said with what it is of: "partner deals")
            if starts.get(e.end, e.dimension) != e.dimension:  # "Grace Schmidt's EMEA
                continue  # Enterprise group": the group is meant (a list of reps is a list)
            found.append((" ".join(reading.words[e.start:e.end]) + kind_words(e.dimension),
                          e.dimension))
        named = {w for e in reading.entities for w in reading.words[e.start:e.end]}
        if named or re.search(r"\bhere\b|\bi'?m\b|\bi am\b", sentence, re.I):
            continue  # the writer ("Ravi here") is no one the request points at
        for m in re.finditer(r"\b[A-Z][a-z]+\b", sentence):  # "Kenji started in February.":
            word = m[0].lower()  # a person by first name, the sentence's first word included
            if word in named or word in lexicon().words or word in STOPWORDS:
                continue
            people = index.partial(word)  # one person, nothing else, of that name
            if len(people) == 1 and people[0][0] in PEOPLE:
                found.append((word, people[0][0]))
    return list(dict.fromkeys(found))


def _kind_asked(dimension: Dimension, label: str, request: str,
                index: EntityIndex) -> Dimension:
    """The kind of a context value the request asks about: "Pablo from LATAM sales here. My
    team's bookings": the team LATAM, where the name is also a region's."""
    kinds = {d for d, _ in index.by_norm.get(normalize(label), [])} & SCOPES
    said = {Dimension(x) for x in re.findall(r"\b(?:my|our) (team|region|territory|segment)\b",
                                              request.lower())}
    return next(iter(kinds & said), dimension) if len(kinds & said) == 1 else dimension


def kind_words(dimension: Dimension) -> str:
    """The words after a value that say its kind ("APAC" + " team"); none after a person's
    name, which says it itself."""
    return "" if dimension in PEOPLE else " " + dimension.value.replace("_", " ")


PERSON_POINTER = re.compile(r"\b(?:he|his|him|she|her|hers)\b", re.I)
PLACE_POINTER = re.compile(r"\bthere\b", re.I)


def _pointed_kinds(request: str) -> frozenset[Dimension]:
    """What kind of value a request's pointer can mean: "his/her" a person, "there" a place
    (region, territory or team); none when it could be anything ("they", "that account")."""
    if PERSON_POINTER.search(request):
        return PEOPLE
    if PLACE_POINTER.search(request):
        return frozenset({Dimension.region, Dimension.territory, Dimension.team})
    return frozenset()


def _matched(sentence: str, index: EntityIndex) -> Reading:
    """A context sentence's words with the values of the data they name."""
    reading = Reading(words=normalize(sentence).split())
    match_entities(reading, index, multiword=True)
    match_entities(reading, index, multiword=False)
    return reading


NOT_MINE = re.compile(r"\bnot (?:just|only|simply) (?:for )?(?:mine|ours|my|our|me)\b(?: [\w-]+)?|"
                      r"\b(?:before|after|while|until|once|so that|so) my (?:team|people|"
                      r"staff|folks|analysts) (?:goes|go|start|starts|can|will|gets|get|"
                      r"spends?|digs?|works?)\b|"
                      r"\b(?:give|show|send|tell|get|pull|email|ping|let|help|remind) me\b|"
                      r"\bi(?: really| just)? (?:want|wanted|need|needed|would like|d like|"
                      r"am looking for|am after|would love)\b", re.I)
"""First-person words that do not make the numbers the writer's own: "I want the whole
picture, not just my group", "I need the win rate"."""
MINE = re.compile(r"\b(?:my|mine|i|myself)\b", re.I)
"""Words of the writer's own numbers ("my deals", "am I on track"), not "show me"."""
INTRODUCED = re.compile(r"^\W*(?:(?:hi|hey|hello|morning)\W+)?(?:(?:i'?m|i am|this is|it'?s)\s+"
                        r"(?P<a>[a-z]+(?:\s+[a-z]\.?|\s+[a-z]+)?)\W*$|"
                        r"(?P<b>[a-z]+(?:\s+[a-z]\.?|\s+[a-z]+)?)\s+here\W*$)", re.I)
"""A sentence in which the writer says who they are ("Priya K here.", "Hi, I'm Ana.")."""


def _unknown_writer(sentence: str, index: EntityIndex) -> bool:
    """Whether a sentence introduces the writer by a name that is no one person of the data:
    what "my" means is then unknown, never silently everyone."""
    m = INTRODUCED.match(sentence)
    if m is None:
        return False
    name = (m["a"] or m["b"]).split()  # a person's name, not a role ("CRO", "Finance partner")
    if not all(p.istitle() or (len(p.rstrip(".")) == 1 and p[0].isupper()) for p in name) or \
            any(p.lower() in lexicon().words or p.lower() in STOPWORDS for p in name
                if len(p.rstrip(".")) > 1):
        return False
    reading = _matched(sentence, index)
    return not any(e.dimension in PEOPLE for e in reading.entities) and \
        not _first_name_writer(reading.words, index)  # "Ava here": the one Ava of the data


TURN = re.compile(r"\s[-\u2013\u2014]+\s|,\s*(?=but\b|(?:sorry\W+)?i meant\b|sorry\s*,|"
                  r"scratch that\b|no wait\b|wait no\b|make (?:it|that)\b|actually\b)|;\s+|"
                  r"\.{3}\s*|[,.?!]\s*(?=(?:no|nope)\s*[,.!-]|(?:no|nope)\s+(?:wait|i mean)\b|"
                  r"(?:wait|err|erm|er|um|oops|sorry)\b\W)|"
                  r"[.?!]\s+(?=or \S+ (?:actually|instead)\b)", re.I)


def thread_in_message(message: str) -> tuple[str, str] | None:
    """A message that carries its own thread: what was answered before, then the change
    ("Thanks for the Q3 attainment by team. Can you do the same for Q2?", "Same
    bookings-by-region view as before, but for last fiscal year"): the earlier question and
    the follow-up, or None."""
    if not REFERS_BACK.search(message):
        return None
    found = _thread_in(message)
    if found is None or not _changes_something(found[1]) or ADDED.search(found[1]) and \
            re.search(r"\b(?:meant|oops|forgot)\b", found[1], re.I):
        return None  # ("No, not urgent, whenever you get a chance.", "meant to ask for Q2 as
        # well": a remark, or a question added, not a change)
    return found


ADDED = re.compile(r"\b(?:as well|too|in addition|additionally)\b", re.I)
"""Words adding to what was asked rather than replacing it."""


def _changes_something(text: str) -> bool:
    """Whether a change names something a follow-up can change: a word of the vocabulary, a
    period (not a weekday), a number, or a name."""
    words = normalize(text).split()
    lex = lexicon()
    if lex.find(words, {"dimension", "metric", "measure"}):
        return True  # ("sorry, by team")
    return any(w in lex.words or w in lex.alias_words or (w in PERIOD_WORDS and w not in WEEKDAYS)
               or any(c.isdigit() for c in w) for w in words
               if w != "instead" and w not in STOPWORDS and w not in fillers()) or any(
        m[0].lower() not in PERIOD_WORDS | WEEKDAYS for m in re.finditer(r"\b[A-Z][A-Za-z]+",
                                                                         text))


def _thread_in(message: str) -> tuple[str, str] | None:
    parts = sentences(message)
    for k in range(len(parts) - 1, 0, -1):
        if REFERS_BACK.search(parts[k]):
            return " ".join(parts[:k]), _change(" ".join(parts[k:]))
    turns = [m for m in TURN.finditer(message) if REFERS_BACK.search(message[:m.start()]) or
             REFERS_BACK.search(message[m.end():])]
    if len(turns) > 1:  # "bookings by rep this quarter - no wait, I meant last quarter": the
        # first turn after which the change is asked
        turns = [m for m in turns if not REFERS_BACK.search(message[:m.start()])][:1]
    if len(turns) == 1:
        return message[:turns[0].start()], _change(message[turns[0].end():])
    return None


CORRECTING = re.compile(r"^(?:\W*\b(?:no|nope|wait|err|erm|er|um|oops|sorry|actually|or|i mean|"
                        r"i meant)\b)+\W*", re.I)
"""The words that say a change is coming ("no wait,", "err, I mean", "sorry,")."""
REMARK = re.compile(r"(?:,|\s[-\u2013\u2014]+)\s+(?:those|these|that|it|they|he|she|we|the \w+|"
                    r"\w+(?:'s)?)\s+(?:are|is|were|was|hides?|have|has|had|looks?|seems?)\b"
                    r"[^?]*$", re.I)
"""A remark after the change ("..., those are the ones people complain about", "... - contacts
were cleaned last week", "..., Ben's are fine"): why the writer changes it, not what."""


FINE = re.compile(r"^\s*(?:(?:the|that|this|it|its|the \w+)\s+)?(?:\w+\s+){0,2}?(?:looks?|is|are|"
                  r"seems?|was|were)\s+(?:fine|ok|okay|good|right|correct|great|alright)\s*"
                  r"[-\u2013\u2014,:;]+\s*", re.I)
"""A remark that the rest of the answer was right, before the change."""


def _change(text: str) -> str:
    """The change asked for, without the words announcing it or a remark about the rest
    ("the team looks fine - it's EMEA I care about"); "no wait, X" says X instead (what the
    earlier question asked is kept where X does not replace it)."""
    changed = REMARK.sub("", FINE.sub("", CORRECTING.sub("", text))).strip().rstrip(".!")
    if not changed or re.match(r"\d", changed):
        return text  # ("sorry, I meant 60 days": the number the follow-up replaces)
    return f"{changed} instead" if CORRECTING.match(text) else changed


def _only_values(sentence: str, index: EntityIndex) -> bool:
    """A sentence that only names values ("Retail or Healthcare:", "EMEA vs APAC."): the
    topic of the request after it, never context to leave out."""
    reading = _matched(NOT_MINE.sub(" ", sentence), index)
    spans = {i for e in reading.entities for i in range(e.start, e.end)}
    kinds = {w for words in value_kind_words().values() for w in words} | {
        w for a, b, _ in lexicon().find(reading.words, {"dimension"}) for w in reading.words[a:b]}
    return bool(spans) and all(i in spans or w in STOPWORDS or w in kinds or w in (
        "or", "and", "vs", "versus", "both", "all") for i, w in enumerate(reading.words))
    # ("Both EMEA teams, not just mine.": the scope of the request after it)


def _puts_out(sentence: str, index: EntityIndex) -> bool:
    """Whether a sentence excludes a value of the data ("Ignore renewals.")."""
    reading = _matched(sentence, index)
    return any(excluded(reading.words, e.start) or put_out(reading.words, e.start, e.end)
               for e in reading.entities)  # ("Take the renewals out: ...")


def _common(word: str) -> bool:
    return word in STOPWORDS or word in fillers() or word in PERIOD_WORDS


def _referred(request: str, context: list[str], index: EntityIndex,
              periods: Callable[[str], list[Period]]) -> str:
    """The values and period of the context sentences the request refers back to (see the
    module doc), as words to add to it."""
    words = normalize(request).split()
    own = NOT_MINE.sub(" ", request)  # "I want the whole picture, not just my group"
    pointing = normalize(own).split()
    pointed: set[Dimension] = set()
    for s, stop, entry in lexicon().find(pointing, {"dimension"}):
        if set(pointing[max(0, s - 2):s]) & set(POINTERS) or (
                pointing[s - 1:s] == ["the"] and stop - s == 1 and
                not pointing[s].endswith("s")):
            pointed.add(Dimension(entry.value))  # "that team", "those two tools", "the team's"
    pointed_units = [w for k, w in enumerate(words)
                     if w in UNITS and set(words[max(0, k - 2):k]) & set(PERIOD_POINTERS)]
    when = bool(pointed_units) and not periods(request)  # "for that quarter"
    # "in the month" is the context's month when a context sentence names one ("Closing
    # October: what did we book in the month?"), else the current one (periods.THE_UNIT)
    said = " ".join(words)
    the_unit = THE_UNIT.search(said)
    if the_unit and not periods(THE_UNIT.sub(" ", said)):
        named = [p for s in context for p in periods(s) if _spans_unit(p, the_unit[1])]
        if named:  # the request without "in the month" names no unit: no second pass here
            return _referred(THE_UNIT.sub(" ", said), context, index, periods) + \
                f" from {named[0].start.isoformat()} to {named[0].end.isoformat()}"
    # (a request naming its own period compares with "the same period last year")
    me = bool(FIRST_PERSON.search(own))
    # "my reps" (or "our win rate") after "I run the APAC team", unless it says "overall"
    mine = bool(MY_PEOPLE.search(own) or OURS.search(own)) and "overall" not in words
    found: list[str] = []
    span = ""
    for sentence in context:
        unit = pointed_units[0].removesuffix("s") if pointed_units else ""
        if not span and not periods(request) and (_is_label(sentence) or CHECKS_IT.search(
                request)) and (named := [p for p in periods(sentence) if _is_label(sentence)
                                         or (p.end - p.start).days >= 27]):  # "North America,
            # last quarter: reconcile ..."; "34% of Q3 pipeline slipped. Is that the real slip
            # rate?": the figure checked is the context's, its period too (not a call's day)
            span = f" from {named[0].start.isoformat()} to {named[0].end.isoformat()}"
        if when and not span and (named := [p for p in periods(sentence) if _spans_unit(
                p, unit)] or periods(sentence)):  # "that quarter" after "on November 18 ...
            # carried Q3": the quarter named  # the first span named
            span = f" from {named[0].start.isoformat()} to {named[0].end.isoformat()}"
        reading = _matched(sentence, index)
        w = reading.words
        for e in reading.entities:
            introduced = " ".join(w[max(0, e.start - 2):e.start]) in SELF or \
                w[e.end:e.end + 1] == ["here"] or (
                    set(w[:e.start]) | set(w[e.end:]) <= LABEL_WORDS | INTRO_WORDS) or (
                    # "Chloe Becker:", "hey its julia singh"
                    e.start == 0 and len(w) <= SIGNATURE)  # "Kenji Smith, EMEA enterprise AE"
            rest = {x for x in set(w[:e.start]) | set(w[e.end:]) if not index.first_named(x)}
            role = e.dimension in SCOPES - PEOPLE and bool(rest & (ROLES | {"here"})) and \
                rest <= ROLE_WORDS | LABEL_WORDS | INTRO_WORDS and not rest & CONTRIBUTORS
            # "EMEA RVP here", "Pablo from LATAM sales here"; not "EMEA AE here" (one seller's
            # own numbers, not the region's)
            if re.search(rf"\b{re.escape(' '.join(w[e.start:e.end]))}\b", " ".join(words)):
                continue  # "Laura (APAC mgr): ... the APAC team": named again, as it is there
            label = _is_label(sentence) and e.dimension in SCOPES - PEOPLE
            # ("Process review, EMEA: where do deals get stuck?": the label's region)
            if (e.dimension in PEOPLE and me and introduced) or (me and role) or label or \
                    e.dimension in pointed or (
                    mine and e.dimension in SCOPES and OWN_SCOPE.search(sentence)):
                # "apac team", not the region
                found.append(" ".join(w[e.start:e.end]) + kind_words(
                    _kind_asked(e.dimension, e.label, own, index)))
        if me and not any(e.dimension in PEOPLE for e in reading.entities):
            found += _first_name_writer(w, index)
    return "".join(f" for {text}" for text in dict.fromkeys(found)) + span


def _is_label(sentence: str) -> bool:
    """A short context sentence with no subject or verb of its own ("Process review, EMEA",
    "North America, last quarter", "For Q3, just the totals"): what it names is the request's."""
    words = normalize(sentence).split()
    return len(words) <= 6 and not set(words) & (CLAUSE_WORDS | NOT_LABEL)


def _spans_unit(period: Period, unit: str) -> bool:
    """Whether a period is one month, quarter or year long (what "the month" can point at)."""
    days = (period.end - period.start).days + 1
    return {"month": 28 <= days <= 31, "quarter": 89 <= days <= 92,
            "year": 365 <= days <= 366}.get(unit, False)


def _first_name_writer(words: list[str], index: EntityIndex) -> list[str]:
    """The writer signing in by first name alone ("kenji here", "it's Grace"): the one
    person of the data with that name, as words to add ("kenji smith"); none when no one or
    several have it."""
    rest = [x for x in words if x not in LABEL_WORDS and x not in INTRO_WORDS]
    if len(rest) != 1 or len(words) > 4:
        return []
    people = {(d, label) for d, label in index.partial(rest[0]) + index.first_named(rest[0])
              if d in PEOPLE}
    if len({label for _, label in people}) != 1:
        return []
    dim, label = min(people, key=lambda p: p[0] != Dimension.rep)
    return [normalize(label) + kind_words(dim)]
