"""Task messages from the hub and the peer agents, turned into the plain request they carry.

The hub and the peer agents write "[Chassis Intelligence] Task 4411: {"metric": ...}",
"Pipeline Management agent requests a risk review:" followed by "- scope: ..." bullets, or
"From Finance agent: ...". The label names the writer, never a value to look up; a JSON
object or key: value lines are the request's parts, written here as the words a person would
use ("bookings, FY2027 Q3, by region and segment"). Values stay exactly as given; a key this
module has no role for stays as "key: value" text, so the parser still sees and judges it;
malformed JSON stays as written. Sender names come from the escalation targets
(tools.settings.TARGETS) and the hub's name (DESIGN.md), not from any question.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache

from agent.parser.normalize import normalize
from tools.settings import TARGETS

HUB_NAMES = ("chassis intelligence", "hub")
"""The hub's own name (DESIGN.md: "Chassis Intelligence", central coordination); the peers'
names are the escalation targets' ids in words."""

ROLES: dict[str, tuple[str, ...]] = {
    "subject": ("question", "request", "ask", "query", "task", "text", "prompt", "description",
                "title", "details", "body", "summary", "topic",
                "metric", "metrics", "measure", "measures", "kpi", "kpis", "what", "report",
                "need", "needs", "want", "action", "goal", "objective", "instruction",
                "requested", "requesting", "asks", "needed", "required", "deliverable",
                "short description", "what do you need", "request details", "ask details",
                "issue", "problem", "requirement", "requirements", "series"),
    "period": ("period", "periods", "timeframe", "time frame", "time period", "window",
               "date range", "range", "when", "fiscal period", "quarter", "close window",
               "closing window", "close date window", "close period", "cohort", "lookback",
               "look back", "lookback window", "horizon", "since", "fiscal year",
               "fiscal quarter", "close date in", "closing in", "close date"),
    "as_of": ("as of", "as at", "snapshot", "snapshot date", "on date"),
    "split": ("split", "split by", "breakdown", "break down", "breakdown by", "group by",
              "groupby", "grouping", "group", "by", "per", "dimension", "dimensions", "slice",
              "slice by", "segment by", "granularity", "grain", "interval", "level", "cut",
              "cut by", "bucket", "bucket by", "time bucket", "time grain", "frequency",
              "rows by", "row"),
    "filter": ("filter", "filters", "scope", "where", "only", "population", "subset",
               "restrict to", "limit to", "include", "for"),
    "exclude": ("exclude", "excluding", "except", "without"),
    "top": ("top", "top n", "limit", "n", "count", "return", "returns", "show",
            "list", "rows", "max rows"),
    "order": ("order", "order by", "sort", "sort by", "sorted by", "ranking", "rank",
              "rank by", "ranked by", "rank on"),
    "compare": ("compare", "compare to", "compare with", "compared to", "comparison", "vs",
                "versus", "baseline", "against", "benchmark"),
    "envelope": ("from", "sender", "requester", "requested by", "to", "recipient", "reply to",
                 "id", "task id", "request id", "priority", "due", "deadline", "channel",
                 "agent", "from agent", "source agent", "sender agent", "format",
                 "output format", "consumer", "cadence", "schedule", "assignee",
                 "delivery", "deliver to", "recipients", "requested at", "requested on",
                 "needed by", "due date", "due by", "severity", "reporter", "ticket", "ref",
                 "reference", "version", "attachments", "attachment", "origin", "job",
                 "on behalf of", "timezone", "tz", "response format", "section", "tags",
                 "created at", "timestamp", "sent at", "thread", "trace id",
                 # a ticket's or form's fields (ServiceNow, Jira, intake forms): who files it,
                 # when, how urgent, where it is filed
                 "requested for", "requestor", "reported by", "submitted by", "name",
                 "your name", "opened at", "caller", "request type", "impact", "urgency",
                 "assigned to", "assignment group", "sprint", "component", "components",
                 "when do you need it by", "when do you need it", "date needed",
                 "epic", "watchers"),
    "output": ("output", "outputs", "columns", "fields", "expected output", "return format"),
    # ("Output: stage, amount, deal count": the answer's columns, which the request names;
    # read as a request of its own, "deal count" would change what is measured. "Output: deal
    # list, ranked": how to show it, which is part of the request)
    # (not "currency", "type", "status", "category": a value there may change the answer)
    "context": ("notes", "note", "context", "purpose", "reason", "comment", "comments",
                "background", "audience", "why", "use", "used for", "for use in",
                "follow up", "followup", "next step", "next steps", "afterwards"),
}
"""What a key of a structured request means; its value is written after the role's words."""
_ROLE_OF = {key: role for role, keys in ROLES.items() for key in keys}
NESTED = frozenset({"params", "parameters", "arguments", "args", "payload", "body", "input",
                    "inputs", "request", "task", "query", "spec"})
"""Keys whose object holds the request's parts themselves ({"task": {"metric": ...}})."""
LEAD = {"split": ("by", "per", "split", "broken", "grouped", "each", "for each"),
        "order": ("by", "ranked", "sorted", "ordered", "rank", "sort", "order"),
        "compare": ("vs", "versus", "compared", "against", "relative"),
        "exclude": ("excluding", "except", "without", "not", "no"),
        "as_of": ("as",)}
"""Words a value may already start with, so the role's own words are not repeated."""
ORDER_WORDS = {"asc": "lowest first", "ascending": "lowest first", "desc": "highest first",
               "descending": "highest first"}
"""A sort direction written as a code, in words."""
WORDS = {"split": "by", "order": "ranked by", "compare": "compared with",
         "exclude": "excluding", "as_of": "as of"}

VERBS = (r"(?:requests?|asks?(?:\s+for)?|needs?|wants?|would\s+like|is\s+asking\s+for|"
         r"is\s+requesting|has\s+asked\s+for|sent|sends|requesting|asking\s+for|asking)")
"""What a sender does in front of the request: "Finance agent needs ..."."""
ID = r"(?:#\s*|no\.?\s*|number\s+|id\s+)?[\w-]*\d[\w-]*"
TASK = (rf"(?:task|request|req|job|query|question|action\s+item|work\s+item|msg|message|"
        rf"dispatch)\s+{ID}"
        r"\s*(?:[:\u2013\u2014-]\s*|\s+(?=\{))")
"""A task number is the message's label: "Task 4411:", "Hub request #12 -" (not "ticket 4521",
which is a support case the scope policy reads)."""
TICKET = re.compile(r"^\s*(?:(?i:ticket|issue|jira|story)\s+)?(?!(?:FY|CY|Q|H)\d*-)"
                    r"[A-Z][A-Z0-9]{1,7}-(?!(?:19|20)\d\d\b)\d{2,7}\b(?:\s*\([^)\n]{1,40}\))?"
                    r"(?:\s*[:|\u2013\u2014-]\s*|\s+(?=\[)|\s+(?=[A-Z]))")
"""A ticket's key opening the message ("PM-3340 - walk me through ...", "DQ-121 (data
stewardship): list ...", "MG-1044 | ROI of ..."): which ticket, not what it asks."""
TASK_ID = re.compile(r"#?\s*(?:[A-Za-z]{1,6}[-_ ]?)?\d[\w-]*")
"""A task's number or code ("5521", "CI-2291", "FIN_0907")."""
BRACKET = re.compile(r"^\s*\[[^\]\n]{1,60}\]\s*(?:(?:->|\u2192|=>)\s*)?")
"""A bracketed tag before the message ("[Finance Agent] -> ..."), with the arrow after it."""
KEY_VALUE = re.compile(r"^\s*(?:[-*\u2022\u00b7]\s*|\d{1,2}[.)]\s+)?"
                       r"([A-Za-z][\w /&-]{0,28}?\??)\s*[:=]\s*(\S.*?)\s*$")
BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7]|\d{1,2}[.)])\s+")
RELAY = re.compile(
    r"^\s*(?=\w)[^:?!.{}\"\n]*?\b(?:via|relay(?:ed|ing|s)?|forward(?:ed|ing|s)?|fwd|fw|from|"
    r"scheduler|scheduled|job|cron|monitor|dispatch|bot|hub|agent|pasting|pasted|question|"
    r"request|query|follow[ -]?up|action item)\b"
    r"[^:?!.{}\"\n]*?:\s+(?=\S)", re.I)
"""A label saying how the message reached us ("Finance BP via the hub:", "Hub relay from the
CRO office:", "Scheduler job RO-114 (monthly):", "quick one from the floor:", "Board member
question:"): who relays, schedules or asks it, never what is asked (a label naming the
asker's own team is lost with it, so "my team" after it is asked about, never guessed); a
label naming a metric or a period stays (_names_what)."""
SCHEDULED = re.compile(r"\b(?:scheduled|scheduler|cron|job|dispatch)\b", re.I)
"""The opening line of a scheduled or dispatched task names the job, not what it asks."""
RELAY_WORDS = 10
"""The longest relay label, in words: a longer opening up to a colon is the request."""
SPEAKER = re.compile(r"^([ \t]*>[ \t]*)[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?:[ \t]+", re.M)
"""A speaker in a pasted chat ("> Lucia: ..."): who said the line, not part of it."""
MENTION = re.compile(r"(?m)^([ \t>]*)@[A-Za-z][\w-]*[ \t]*|"
                     r"(?<![\w@])@[A-Za-z]*(?i:bot|revops|agent)[\w-]*(?:[ \t]+(?i:bot|agent)\b)?"
                     r"[ \t]*")
"""An @-mention at the start of a line or of the agent ("> @revops what does ...", "just
ask @revops-bot"): whom the line addresses; "@EMEA" inside a question is a value so written."""
HEADER = re.compile(r"^[ \t>]*(?:(?:from|to|cc|bcc|sent)\s*:|cc\s+@)[^\n]*(?:\n|$)", re.I | re.M)
"""A forwarded e-mail's header line ("> From: CFO office"): who wrote it, not what it asks."""


def _name(words: str) -> str:
    """A name as a pattern: words apart by spaces, dashes or an 'and'/'&' ("Marketing &
    Growth", "marketing-growth", "Marketing and Growth")."""
    parts = re.split(r"[\s_-]+", words.strip())
    return r"(?:\s+(?:and|&)\s+|[\s_-]+)".join(re.escape(p) for p in parts)


@cache
def sender_names() -> str:
    """The senders' names as one regex (no groups): the hub's and each peer's, the longest
    first."""
    names = {*HUB_NAMES, *TARGETS}
    return "(?:" + "|".join(_name(n) for n in sorted(names, key=len, reverse=True)) + ")"


def sender_pattern() -> str:
    """A sender's name, optionally after 'the' and before 'agent' or 'team'."""
    return rf"(?:the\s+)?{sender_names()}(?:\s+(?:agent|team|bot))?"


@cache
def _labels() -> list[re.Pattern[str]]:
    s = sender_pattern()
    dash = r"\s*(?:[:,\u2013\u2014]|\s-|\n)\s*"
    return [
        BRACKET, TICKET, re.compile(rf"^\s*(?:{s}\s+)?{TASK}", re.I),
        re.compile(rf"^\s*from\s*(?::\s*)?{s}{dash}", re.I),  # "From Finance agent:"
        re.compile(rf"^\s*(?:this\s+is\s+)?{s}\s+here(?:{dash}|[.!]\s+|\s{{2,}})", re.I),
        # "Finance here -", "Finance agent here :wave: ..." (the emoji gone, its spaces kept)
        re.compile(rf"^\s*\(\s*from\s*:?\s*{s}\s*\)\s*", re.I),  # "(from: Finance)"
        re.compile(rf"^\s*{s}\s*(?:->|\u2192|=>|to)\s*(?:the\s+)?(?:rev\s?ops|revenue\s+operations|"
                   rf"you|us)(?:\s+(?:agent|team))?{dash}", re.I),  # "Pipeline Management
        # agent -> RevOps:"
        re.compile(rf"^\s*{s}\s*:\s*", re.I),  # "Pipeline Management agent:"
        re.compile(rf"^\s*{s}\s*\.\s+", re.I),  # "Pipeline Management agent. Emily ..."
        re.compile(rf"^\s*{s}\s+{VERBS}\b\s*:?\s*", re.I),  # "Finance agent needs ..."
        re.compile(r"^\s*(?:[\w&'-]+\s+){1,3}agent\s+(?:requests?|asks?|needs?)\s*:\s*", re.I),
    ]


ROLE_ABBREVIATIONS = frozenset({"ceo", "cfo", "cro", "coo", "cmo", "vp", "svp", "evp", "rvp",
                                "gm", "hr", "bp", "ops", "revops", "sdr", "bdr", "ae", "qbr",
                                "it", "fyi", "crm", "i"})
"""Capitalized words of a relay label that are roles or shorthand, not names of values."""
PERIOD_WORD = re.compile(r"q[1-4]|h[12]|fy\d*|ytd|qtd|mtd|(?:19|20)\d\d|jan\w*|feb\w*|mar|march|"
                         r"apr\w*|may|june?|july?|aug\w*|sept?\w*|oct\w*|nov\w*|dec\w*|"
                         r"quarter|month|year|week|today|yesterday")
"""Words of a label that name a period."""


def _names_what(label: str) -> bool:
    """Whether a label names a metric, a period, a kind of value or a name ("win rate
    question:", "Q3 request:", "Question about the Enterprise segment:", "Request for the NA
    team:"): then it is part of what is asked, not only who relays it. Sender names and role
    abbreviations written in capitals ("CFO office via hub:") name no value."""
    from agent.parser.confidence import fillers  # (read once; imported late: no cycle)
    from agent.parser.lexicon import lexicon

    text = re.sub(sender_pattern(), " ", label, flags=re.I)
    words = normalize(text).split()
    kinds = [e.value for _, _, e in lexicon().find(words, {"dimension"})]
    names = [w for w in re.findall(r"(?<!^)\b[A-Z][\w&-]*", text.strip())
             if w.lower() not in ROLE_ABBREVIATIONS and not any(c.isdigit() for c in w)
             and w.lower() not in fillers()]  # ("SCHEDULED REPORT": a word in capitals)
    # (a job's or task's code, "RO-7", names nothing)
    return bool(lexicon().find(words, {"metric"})) or any(
        PERIOD_WORD.fullmatch(w) for w in words) or any(
        k not in ("rep", "manager") for k in kinds) or bool(names)


def strip_senders(text: str) -> str:
    """The message without the labels naming its writer (any number, in any order)."""
    if (m := MENTION.match(text)) and not m[1] and text[m.end():].strip():
        text = text[m.end():]  # "@RevOpsBot (from: Finance) ...": whom it addresses first
    changed = True
    while changed:
        changed = False
        for label in _labels():
            m = label.match(text)
            if m and m.end() > 0 and text[m.end():].strip():
                text, changed = text[m.end():], True
        m = RELAY.match(text)
        if m and len(m[0].split()) <= RELAY_WORDS and text[m.end():].strip() and \
                not _names_what(m[0]):
            text, changed = text[m.end():], True
    if HEADER.search(text) and HEADER.sub("", text).strip():
        text = HEADER.sub("", text)  # (before the speakers: "> From:" is no speaker)
    return MENTION.sub(lambda m: m[1] or "", SPEAKER.sub(r"\1", text))


def _value(value: object) -> str:
    if isinstance(value, dict) and (span := _span(value)):
        return span
    if isinstance(value, dict):
        return ", ".join(f"{_value(v)} {_key(k)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        items = [_value(v) for v in value]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    if isinstance(value, bool) or value is None:
        return json.dumps(value)  # as the sender wrote it: true, false, null
    return str(value).strip().replace("_", " ")  # "previous_year", "new_business": words


def _span(value: dict) -> str | None:
    """A period written as an object ({"start": ..., "end": ...}, "from"/"to"): one range."""
    keys = {_key(k): v for k, v in value.items()}
    start = keys.get("start", keys.get("from", keys.get("start date")))
    end = keys.get("end", keys.get("to", keys.get("end date")))
    if len(keys) == 2 and start is not None and end is not None:
        return f"from {_value(start)} to {_value(end)}"
    return None


def _key(key: str) -> str:
    """A key as ROLES and NESTED spell it, whatever its case and separators."""
    return re.sub(r"[\s_-]+", " ", key.strip().lower().rstrip("?"))


def _role(key: str) -> str | None:
    """What a key of a structured request means (ROLES); a key naming a kind of value
    ("stages", "owner", "region") holds values to keep."""
    name = _key(key)
    if name in _ROLE_OF:
        return _ROLE_OF[name]
    from agent.parser.lexicon import lexicon  # the vocabulary's dimension words

    words = name.split()
    found = lexicon().find(words, {"dimension"})
    if [(s, e) for s, e, _ in found] == [(0, len(words))]:
        return "filter"
    if len(words) > 1 and _ROLE_OF.get(words[0]) in ("exclude", "filter") and \
            [(s, e) for s, e, _ in lexicon().find(words[1:], {"dimension"})] == [
                (0, len(words) - 1)]:
        return _ROLE_OF[words[0]]  # "exclude_stages", "only_regions": the values to leave
        # out or keep, of that kind
    return None


def _phrase(key: str, value: object) -> str:
    """One part of a structured request in words; an unknown key stays "key: value"."""
    role = _role(key)
    text = _value(value)
    if not text:
        return ""
    if role == "top" and _key(key) == "rows" and not text[:1].isdigit():
        role = "split"  # "rows: stage": one row per stage ("rows: 10" is a count)
    if role == "output":
        return text if SHAPE.search(text) else ""
    if role == "envelope" or (role == "subject" and (TASK_ID.fullmatch(text) or
                                                     SLUG.fullmatch(text))) or \
            re.fullmatch(sender_pattern(), text, re.I) or (
                role in ("split", "order", "top") and isinstance(value, str) and
                text.lower() in NOTHING):
        return ""  # who sent it, to whom, its id and due date: the message's envelope
        # ("task: CI-2291", "task: weekly-risk-scan" name the task, not what it asks;
        # "source: pipeline-management" is who sent it; "split: none" says nothing)
    if role is None or isinstance(value, bool) or value is None:  # "compare": true, "owner":
        # null say not with what, or whom
        unit = re.search(r"[_ -](days|weeks|hours|minutes|percent|pct)$", key, re.I)
        if unit and re.fullmatch(r"\d+(?:\.\d+)?", text):  # "stale_after_days": 45 -> "stale
            # after 45 days", the number with its unit
            return f"{key[:unit.start()].replace('_', ' ')} {text} {unit[1].lower()}"
        return f"{key.replace('_', ' ')}: {text}"  # ("fiscal_year": words)
    if role in ("subject", "split", "order"):
        text = text.replace("_", " ")  # "risk_report", "lead_source": words
    if role == "order" and text.lower() in ORDER_WORDS:
        return ORDER_WORDS[text.lower()]  # "order": "asc": the smallest first
    if role == "top" and text[0].isdigit():
        return f"top {text}"
    if role == "exclude" and _key(key) not in _ROLE_OF:
        return f"{WORDS[role]} {text} {_key(key).split(maxsplit=1)[1]}"  # "excluding Prospecting
        # stages"
    if role in WORDS and text.lower().split()[0] not in LEAD[role]:
        return f"{WORDS[role]} {text}"
    if role == "filter" and _key(key) not in _ROLE_OF:
        return f"for {text} {_key(key)}"  # "team: LATAM" is the LATAM team, not the region,
        # and a filter, never a split after "by rep"
    return text


SHAPE = re.compile(r"\b(?:list|listed|ranked|rank|sorted|sort|by|per|each|top|bottom|one row|"
                   r"deal by deal|trend|monthly|weekly|quarterly|chart)\b", re.I)
"""Words of an output line that say how to show the answer, not which columns it has."""
SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*[-_](?:scan|check|sweep|digest|report|review|"
                  r"list|job|run|audit|health|drift|prep|weekly|daily|monthly|\d+)")
"""A job's or task's name written as a code, ending in what kind of job it is or a number
("weekly-risk-scan", "dq_sweep_11"); "win-rate", "quarter-over-quarter" are what is asked."""
NOTHING = frozenset({"none", "n/a", "-", "no", "no split", "nothing"})
"""A split, order or limit written as none ("split: none"): no split asked."""


def _parts(obj: dict[str, object]) -> tuple[list[str], list[str]]:
    """The request's parts of an object, in the order given, its subject first; and its
    notes (the context role: notes, purpose)."""
    subject: list[str] = []
    rest: list[str] = []
    notes: list[str] = []
    for key, value in obj.items():
        if isinstance(value, dict) and _key(str(key)) in NESTED:
            inner, inner_notes = _parts(value)
            rest += inner
            notes += inner_notes
            continue
        phrase = _phrase(str(key), value)
        role = _role(str(key))
        if phrase:
            (subject if role == "subject" else notes if role == "context" else rest).append(
                phrase)
    return subject + rest, notes


def _assemble(parts: list[str], notes: list[str]) -> str:
    """The request's parts as one sentence, marked as the question, its notes (notes,
    purpose) as sentences of their own after it: the sentence reader keeps a short one that
    names a value as part of the request ("note: EMEA only") and takes the rest as context
    ("for the annual planning pack")."""
    context = [n.rstrip(". ") + "." for n in notes]
    request = ", ".join(p for p in parts if p)
    if context and request:  # the request is what the message asks: a note never replaces it
        request = request.rstrip(".?! ") + "?"
    return " ".join([request, *context]).strip()


def _object(text: str) -> tuple[str, dict[str, object], str] | None:
    """The JSON (or Python-literal) object in a message, with the text before and after it."""
    start = text.find("{")
    if start < 0:
        return None
    try:
        obj, end = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        end = text.rfind("}") + 1
        try:
            obj = ast.literal_eval(text[start:end]) if end > start else None
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if not isinstance(obj, dict) or not obj:
        return None
    return text[:start], obj, text[end:]


def _lines(text: str) -> str | None:
    """Key: value lines (bulleted or not) as one request, the line(s) before them first;
    None when the text is not written that way (one "Note: ..." line is prose)."""
    lines = [part for ln in text.splitlines() if ln.strip() for part in _pieces(ln)]
    pairs = [KEY_VALUE.match(ln) or _capital_key(ln) for ln in lines]
    known = sum(bool(m and _role(m[1])) for m in pairs)
    structured = sum(bool(m) for m in pairs)
    bullets = sum(bool(BULLET.match(ln)) for ln in lines)
    if not (known and (structured >= 2 or bullets)):
        return None
    head: list[str] = []
    body: list[str] = []
    notes: list[str] = []
    filers = sorted((FILER_KEYS.index(_key(m[1])), name[1]) for m in pairs
                     if m and _key(m[1]) in FILER_KEYS and (name := PERSON_VALUE.match(m[2])))
    filer = filers[0][1] if filers else None  # ("Submitted by: Ava / Requested for: Owen":
    # whom it is for)
    for line, m in zip(lines, pairs, strict=True):
        if filer and m and _key(m[1]) in FILER_TEAM_KEYS | TICKET_KEYS:
            continue  # "Name: Marcus Lee / Team: Marketing Ops": the filer's own team;
            # "State: New", "Opened: 11/24/2026": the ticket's own metadata
        if not filer and m and _key(m[1]) in TICKET_KEYS:
            body.append(f"{m[1]}: {m[2]}")  # ("Department: EMEA Commercial" with no filer:
            continue  # a value of the request, kept as written)
        started = body or notes
        if m and (started or line is not lines[0] or BULLET.match(line) or known == structured
                  or not _phrase(m[1], m[2])):  # (an opening "task: stale-scan" names the job)
            phrase = _phrase(m[1], m[2])
            (notes if phrase and _role(m[1]) == "context" else body).append(phrase)
        elif started:
            step = BULLET.sub("", line).strip()  # a step of its own, apart by ';' so the
            body.append(f"; {step}" if BULLET.match(line) else step)  # scope policy reads
            # each one ("2. message each deal owner ...": an action, however numbered)
        else:
            head.append(line.strip())
    opening = " ".join(head).rstrip(": ").strip()
    if SCHEDULED.search(opening) and not _names_what(re.sub(r"\S*[_\d]\S*", " ", opening)):
        opening = ""  # "SCHEDULED REPORT weekly_pipe_stage": the job's name (a code)
    opening = FILED_ID.sub(" ", opening).strip(" -:|")
    if filer and MINE.search(" ".join(body)):  # "Requested for: Sven Price / ... How many
        head_note = f"{filer} here."  # deals did I win": who "I" is, as a signature says
    else:
        head_note = ""
    if FORM_WORDS.search(opening) and not _metric_named(opening) or not opening.strip(" -#"):
        opening = ""  # "Google Form response", "RITM0048812 - Request for report": what it
        # was filed in, not what it asks
    return " ".join(x for x in (head_note, _assemble([opening, *body], notes)) if x)


FILER_KEYS = ("requested for", "name", "your name", "requester", "requestor", "requested by",
              "reporter", "reported by", "submitted by", "caller")
"""Keys of a ticket or form naming who files it: the team or department beside them is that
person's own ("Team: CS leadership"), no filter."""
FILER_TEAM_KEYS = frozenset({"team", "your team", "dept", "department", "org", "business unit"})
FILED_ID = re.compile(r"(?:(?i:ticket|issue|jira|incident|case|request|req)\s*)?#?\s*"
                      r"\b(?:(?!(?:FY|CY|Q|H)\d)[A-Z]{2,6}[-_]?\d{2,10}|"
                      r"(?!(?:19|20)\d\d\b)\d{3,10})\b")
"""A ticket's or form's number ("RITM0048812", "SOPS-3130", "Ticket #4471", "PLN-07")."""
FORM_WORDS = re.compile(r"(?i)\b(?:form|forms|intake|submission|response|ticket|request for "
                        r"(?:a )?report|service request|incident)(?: form| response| "
                        r"submission)?\s*$")
"""Words naming where a request was filed, ending a ticket's or form's opening line ("Google
Form response", "Marketing Ops intake form"; not "EMEA only, response needed by Friday")."""
TICKET_KEYS = frozenset({"created", "opened", "dept", "department", "state", "category",
                         "labels", "label"})
"""Keys that are a ticket's metadata only beside a person who filed it ("Created: last
quarter" alone may be the deals asked about)."""


PERSON_VALUE = re.compile(r"^\s*([A-Z][a-z'-]+(?: [A-Z][a-z'-]+){1,2})\s*(?:[,(]|$)")
"""A filer field's value naming a person ("Sven Price (AE, EMEA Commercial)", "Tom Reilly,
Finance"), not a team or an agent."""
MINE = re.compile(r"\b(?:my|mine|i|myself)\b", re.I)


def _metric_named(text: str) -> bool:
    from agent.parser.lexicon import lexicon  # (imported late: no cycle)

    return bool(lexicon().find(normalize(text).split(), {"metric"}))


FOOTER = re.compile(r"(?im)^[\s>]*(?:--\s*$|_{3,}\s*$|sent from (?:my |outlook|mail|yahoo|gmail)|"
                    r"get outlook for\b|this (?:e-?mail|message) (?:and any attachments? )?"
                    r"(?:is|may be|contains?) (?:confidential|intended|privileged)|"
                    r"confidentiality notice|disclaimer\s*:|[_*]*sent from (?:teams|slack)\b|"
                    r"(?P<sign_off>(?:thanks|thank you|thx|many thanks|cheers|best|regards|"
                    r"best regards|kind regards)\W*$)|this is an automated message|"
                    r"[-\u2013\u2014~]+[ \t]*(?-i:[A-Z])[\w.'-]+(?:[ \t]+(?-i:[A-Z])[\w.'-]+)?"
                    r"(?:[ \t]*[,|][ \t]*[\w &/.-]{1,40})?[ \t]*$)")
"""Where a signature, a phone's footer or a disclaimer starts: nothing after it is asked."""
FOOTER_WORDS = 60
"""At most this many words after a footer's start: a signature and a disclaimer, no request."""
EMOJI_CODE = re.compile(r"(?<!\w):[a-z0-9_+-]{2,30}:(?!\w)")
"""':eyes:', ':chart_with_upwards_trend:': a chat's emoji, no word of the request."""

SIGNATURE_LINES = 3
"""At most this many short lines after a sign-off line ("Thanks!"): a name, a title, a link."""


def _closes(footer: re.Match[str], text: str) -> bool:
    """Whether a footer's start closes the message: something comes before it, and what follows
    is short and asks nothing ("Disclaimer: the CRM is messy. Win rate by rep?" at the start, a
    line "--" before "Bookings by region last quarter" are no footers). After a sign-off line
    a few short lines are a signature even when a title names a metric ("Sales Strategy")."""
    from agent.parser.lexicon import lexicon  # (the vocabulary loads only when a footer is seen)

    before, after = text[:footer.start()], text[footer.end():]
    if not before.strip() or len(after.split()) > FOOTER_WORDS or "?" in after:
        return False
    lines = [line for line in after.splitlines() if line.strip()]
    if footer["sign_off"] and len(lines) <= SIGNATURE_LINES and \
            all(len(line.split()) <= 8 for line in lines):
        return True
    return not lexicon().find(normalize(after).split(), {"metric"})


URL = re.compile(r"<?\bhttps?://[^\s>|]+(?:\|[^>]*)?>?|\bwww\.[^\s>]+")
"""A link ("https://lookerstudio.example.com/...", Slack's "<https://...|text>"): where
something is, never a word of the request."""
EMPHASIS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_])[*_]{1,3}(?![\w*_])")
"""Markdown bold and italics ("**commit**", "_Sent from Teams_"); "lead_source" keeps its
underscore, a lone "*" stays."""
AGREE = re.compile(r"(?<!\S)\+1\b(?:\s+(?:to|on)\s+(?:[\w'\u2019]+\s+){0,3}?"
                   r"(?:q|question|ask|point|comment|idea|this|that)\b(?:\s+above)?)?", re.I)
"""A chat "+1" ("+1 to Marco's q above"): agreement with another message, no value asked."""


def plain_request(text: str) -> str:
    """The request a task message carries, as plain words (see the module doc); text that
    is neither labelled nor structured comes back as it is. A footer (signature, phone line,
    disclaimer) and chat emoji codes are never part of it."""
    if "http" in text or "www." in text:
        text = URL.sub(" ", text)
    if "*" in text or "_" in text:
        text = EMPHASIS.sub("", text)
    if "+1" in text:
        text = AGREE.sub(" ", text)
    if "\n" in text.strip():  # "- Kofi Taylor / - Sara Dubois": a list, no dash signature
        text = fold_lists(text, bulleted=True)
    if footer := next((m for m in FOOTER.finditer(text) if _closes(m, text)), None):
        text = text[:footer.start()]
    body = strip_senders(EMOJI_CODE.sub(" ", text))
    if "\n" not in body.strip() and (tail := re.search(r"\s*[|;]\s*([^|;]+?)\s*$", body)) and \
            DEADLINE.match(tail[1]):
        body = body[:tail.start()]  # "commit forecast accuracy, trailing 4 qtrs | due Dec 1"
    if "\n" not in body.strip() and (tail := ENVELOPE_TAIL.search(body)) and \
            _key(tail[1]) in DELIVERY_KEYS and body[:tail.start()].strip():
        body = body[:tail.start() + 1]  # "... ranked ascending. Output: team, coverage."
    found = _object(body)
    if found is not None:
        before, obj, after = found
        parts, notes = _parts(obj)
        return _assemble([before.strip().rstrip(":").strip(), *parts, after.strip()], notes)
    if len(INLINE_PAIR.findall(body)) >= 2 and "\n" not in body.strip():
        # "task=pipeline_coverage_report scope=all_sales_teams window=...": one pair a line
        body = INLINE_PAIR.sub(lambda m: f"\n{m[1]}: {m[2]}", body)
    elif "\n" not in body.strip() and sum(bool(KEY_VALUE.match(p)) for p in
                                         re.split(r"\s*[;|]\s*", body)) >= 2:
        # "Task 5521 - metric: pipeline coverage; split: team; period: ...": one pair a line
        body = re.sub(r"\s*[;|]\s*", "\n", body)
    if "\n" in body.strip():
        body = fold_lists(body)
    lines = _lines(body)
    return lines if lines is not None else body.strip()


LIST_ITEM = re.compile(r"^[^\W_][^:?!,;=\n]*?[^\W_][,;]?$|^[^\W_][,;]?$")
"""A pasted list's item: a value alone on its line (no ':', '?' or '!'; a trailing comma as a
spreadsheet column leaves it)."""
LIST_HEAD = re.compile(r"(?i):\s*$|\b(?:these|following|below|this list)\b[^.?!]*$")
"""A line that announces a list ("for these reps:", "Regions:", "... for these teams pls")."""


def fold_lists(text: str, bulleted: bool = False) -> str:
    """Values pasted one a line (bulleted, numbered or bare) as one written list, "A, B and C",
    on the line announcing them ("Sales cycle for:") or their own: a list read as one filter,
    not as separate sentences of context.

    A run of two or more short lines counts when it is bulleted, follows a line announcing it,
    or its items are written as names are (each long word capitalized); a last line written
    otherwise ("one number each") closes the run. Steps ("1. pull the deals") are no list.
    """
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        run = _list_run(lines, i)
        if len(run) >= 2 and (not bulleted or all(BULLET.match(ln) for ln in run)):
            items = [BULLET.sub("", ln).strip().rstrip(",;").strip() for ln in run]
            folded = ", ".join(items[:-1]) + " and " + items[-1]
            if out and LIST_HEAD.search(out[-1].strip()):  # "for these reps:" + the list:
                out[-1] = f"{out[-1].rstrip()} {folded}"  # one sentence, the request's own
            else:
                out.append(folded)
            i += len(run)
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def _list_run(lines: list[str], start: int) -> list[str]:
    """The list items starting at lines[start] (empty when no list starts there)."""
    run: list[str] = []
    for line in lines[start:]:
        item = BULLET.sub("", line).strip()
        if not item or len(item.split()) > 5 or not LIST_ITEM.match(item) or \
                item.endswith(".") and not re.search(r"\b[A-Z]\.", item):
            break
        run.append(line)
    bulleted = all(BULLET.match(ln) for ln in run)
    named = [_name_like(BULLET.sub("", ln)) for ln in run]
    while run and not bulleted and not named[len(run) - 1] and any(named):
        run.pop()  # "Priya Kowalski / Emily Kowalski / one number each": the request again
    announced = start > 0 and LIST_HEAD.search(lines[start - 1].strip()) is not None
    if len(run) < 2 or not (all(named[:len(run)]) or
                            (bulleted or announced) and all(len(BULLET.sub("", ln).split()) <= 3
                                                             for ln in run)):
        return []
    return run


def _name_like(item: str) -> bool:
    """Written as a name is: every word of three letters or more capitalized ("Leah Brown",
    "NA Enterprise", "Paid Search - Aug 2026", "E. Kowalski")."""
    words = [w for w in re.findall(r"[^\W\d_][\w'.-]*", item) if len(w) >= 3]
    return bool(words) and all(w[0].isupper() for w in words)


def _pieces(line: str) -> list[str]:
    """A line holding several pairs apart by '|' or ';' ("TASK 7 | from: hub | due: ..."),
    one piece each."""
    pieces = [p for p in re.split(r"\s*[;|]\s*", line) if p.strip()]
    senders = [p for p in pieces if re.fullmatch(sender_pattern(), p.strip(), re.I)]
    if sum(bool(KEY_VALUE.match(p) or _capital_key(p)) for p in pieces) + len(senders) < 2:
        return [line]
    return [p for p in pieces if p not in senders]  # (a sender left by its label: envelope)


CAPITAL_KEY = re.compile(r"^\s*([A-Z][A-Z_-]{1,20}(?: [A-Z][A-Z_-]{1,20})?)\s+(\S.*?)\s*$")
"""A task line written "DUE 2026-12-01", "PRIORITY normal": a known key in capitals, or an
envelope key in any case, before one word or code, no colon."""


def _capital_key(line: str) -> re.Match[str] | None:
    """'DUE 2026-12-01', 'PRIORITY normal', 'due 2026-11-30': a known key without its colon,
    in capitals, or an envelope key in any case."""
    if deadline := DEADLINE.match(line):
        return deadline  # "due Dec 1", "deadline Fri 11/27": when it is due, envelope
    m = CAPITAL_KEY.match(line) or SPACED_KEY.match(line)
    if m is None or len(m[2].split()) > 1:
        return None  # ("From February through April", "Channel partner deals only": prose)
    return m if (m[1].isupper() and _key(m[1]) in _ROLE_OF) or \
        _ROLE_OF.get(_key(m[1])) == "envelope" else None


SPACED_KEY = re.compile(r"^\s*([A-Za-z]+)\s+(\S+)\s*$")
DELIVERY_KEYS = frozenset({"format", "output format", "response format", "priority", "due",
                           "deadline", "due date", "due by", "needed by", "reply to", "assignee",
                           "severity", "delivery", "deliver to", "recipients", "cadence"})
"""Envelope keys that only say how or when to deliver (not "from", "to", "channel", "section",
whose values may be a period or a value: "From: February 2026.")."""
ENVELOPE_TAIL = re.compile(r"[.!?]\s+([A-Za-z][\w /&-]{0,28}?)\s*:\s*[^.:!?]*[.!?]?\s*$")
"""A last sentence written as a key and its value ("... ranked ascending. Output: team,
coverage."): an envelope key there says how to deliver, not what to answer."""
DEADLINE = re.compile(r"^\s*(due|deadline|needed by|due by)\s+((?:(?:mon|tue|wed|thu|fri|sat|sun)"
                      r"[a-z]*,?\s+)?(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}/\d{1,2}"
                      r"(?:/\d{2,4})?|\d{4}-\d{2}-\d{2}|[A-Za-z]+))\s*$", re.I)
"""A deadline piece without its colon ("due Dec 1", "due Fri 11/27"): envelope."""


INLINE_PAIR = re.compile(r"(?:^|\s)([A-Za-z][\w-]{0,28})=(\S+)")
"""A key=value pair written inline, as a task line of a hub or script sends it."""
