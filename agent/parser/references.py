"""References a message carries around its question: ticket numbers, versions, extensions,
rooms, pages and meeting times ("for my 3pm", "ticket JIRA-4821", "the v2 dashboard", "ext.
4410", "room 4B"), and hedged views of some figure ("sounds low to me"). They say where the
question comes from, never what it asks, so the reader sets them aside before it reads the
question (and says so); a token the data knows as a value stays, and so does one written where
a value goes ("team v2", "for rep X-101")."""

from __future__ import annotations

import re

from agent.parser.entities import EntityIndex

REFERENCE = re.compile(
    r"(?<![\w-])(?!(?:FY|CY|FQ|Q[1-4]|H[12]|W\d)-)(?-i:[A-Z][A-Z0-9]{1,11})-\d{2,}(?:-\d+)*(?![\w-])|"
    r"\b(?-i:INC|CHG|REQ|RITM|CS|TKT|SR|PRB)\d{4,}\b|"
    r"(?<![\w#])#\d{3,}\b|"
    r"\b(?:ticket|task|req|request|case|incident|emp|employee|ref|run|job|order)"
    r"(?:[ _]?id)?\s*(?:no\.?|number|#|=|:)?\s*#?"
    r"(?!(?:q[1-4]|h[12]|fy\d+|cy\d+|(?:19|20)\d\d)\b)(?=(?:[A-Za-z-]*\d){3})"
    r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b|"
    r"(?<![\w.])v\d+(?:\.\d+)*(?!\w|\.\d)|"
    r"\b(?:ext\.?|extension|x)\s?\d{3,5}\b|"
    r"\b(?:room|rm\.?|conf room|desk|floor)\s+\d?[A-Za-z]?\d[\w.]*\b|"
    r"\b(?:page|pg\.?|slide|agenda item|item)\s+#?\d{1,3}\b", re.I)
"""Tokens that only point somewhere else: tickets (JIRA-4821, SALESOPS-771, PM-2025-118,
INC0012345, task #88213), versions (v2, v3.2), phone extensions, rooms, pages and slides."""
MEETING_TIME = re.compile(
    r"(?:(?<=\bmy )|(?<=\bthe )|(?<=\bour )|(?<=\bfor )|(?<=\bat )|(?<=\buntil )|(?<=\btill )|"
    r"(?<=\bbefore my )|(?<=\bby )|(?<=\bbefore ))"
    r"\d{1,2}(?::[0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?:\s(?:PT|ET|CT|MT|GMT|UTC|CET|BST|IST))?\b|"
    r"(?:(?<=\bmy )|(?<=\bthe )|(?<=\bfor ))\d{1,2}:[0-5]\d\b", re.I)
"""A time of day named as a meeting or a deadline ("before my 4pm 1:1", "for the 2:30", "need
it by 5pm PT"): when the question is wanted, never a window of the data."""
HEDGED_VIEW = re.compile(
    r"(?:[,;:(-]\s*|\b(?:which|that|it|this|and it|but it|and that|but that)\s+)(?:sounds|seems|"
    r"looks|feels|felt|seemed|looked|sounded)\s+(?:way\s+|a bit\s+|a little\s+|too\s+|very\s+|"
    r"really\s+|pretty\s+|kind of\s+|kinda\s+|super\s+)?(?:low|high|off|wrong|odd|weird|light|"
    r"heavy|inflated|optimistic|pessimistic|fishy|suspicious|strange|funny|crazy|made up|"
    r"made-up|too good to be true)(?:\s+to\s+(?:me|us|everyone|them|him|her))?\b\)?", re.I)
"""A view on some figure, hedged ("sounds low to me", "which seems high", "feels off"): how
the writer feels about a number, never part of what is asked."""
GONE = "\x00"
"""Where a reference stood, until the clause it opened is known."""
OPENED_BY = re.compile(r"(?:^|(?<=[.;!?]))\s*\x00\s*(?:is|was|are|were|has|had|got|will be)\b"
                       r"[^.;!?\n]*[.;!?]?")
"""A clause about a reference ("room 12 is booked at 9am", "INC0012345 is closed"): never the
request (a reference that opens the request, "Task 4471: produce ...", leaves the rest)."""
AFTER_INTO = "|".join(f"(?<={w} {d} )" for w in ("for", "in", "on", "into", "to")
                      for d in ("the", "our", "my"))
"""Fixed-width look-behinds for "for the", "in our", ...: what the answer goes into."""
TITLE = re.compile(f"(?:{AFTER_INTO})" + r"(?:[\"\u201c][^\"\u201d\n]{3,60}[\"\u201d]|"
                   r"'[^'\n]{3,60}')"
                   r"(?=\s+(?:slide|page|tab|section|deck|chart|table|report|dashboard|"
                   r"tile|widget|thread|doc|document|email|memo|agenda item)s?\b)", re.I)
"""A title in quotes before what it titles, which the answer goes into ("for the 'deals that
make the quarter' slide"): a name, not words of the question ("a 'deals closed won by owner'
report" says what is wanted, and stays)."""
SOURCE = re.compile(
    r"\b(?:(?:the|a|an|our|my|his|her|their|this|last week's|this week's|yesterday's|today's|"
    r"(?-i:[A-Z]\w+)'s|someone's|somebody's|a colleague's)\s+)?"
    r"(?:(?!(?:last|this|next|quarter|month|year|week|fytd|ytd|qtd|mtd|says|said|shows|showed|"
    r"claims|claimed)\b)[a-z&#]+\s+){0,2}?"
    r"(?:slack(?:\s+(?:update|message|post|thread))?|dashboard|report|deck|sheet|spreadsheet|"
    r"memo|roll-?up|tracker|summary|update|agent|email|e-mail|post|message)\s+"
    r"(?P<verb>says|said|shows|showed|claims|claimed|had|has|lists|listed|reports|reported|states|"
    r"stated|flagged|flags|gives|gave|puts|put)\b(?:\s+that\b)?|"
    r"\b(?:in|on|from|via)\s+(?:(?:his|her|their|my|our|the|a)\s+)?(?:[a-z]+\s+)?"
    r"(?:slack|email|e-mail)(?:\s+(?:update|message|post|thread|channel))?\b|"
    r"\b(?:a colleague|my colleague|a coworker|somebody)\s+(?:just\s+)?"
    r"(?P<verb3>posted|said|says|claims|claimed|sent|shared|wrote)\b(?:\s+(?:in|on)\s+#[\w-]+)?"
    r"(?:\s+that\b)?|"
    r"\b(?:just\s+)?posted\s+in\s+#[\w-]+\s*:?", re.I)
"""Where a figure quoted in the question comes from ("a colleague's Slack says", "the hygiene
report says", "Marketing's dashboard claims", "posted in #sales-leadership:"): the source, not
words of the question (the figure stays, the question is about what it measures)."""
MEETING_AFTER = re.compile(r"\s*(?:1:1|one on one|1on1|call|sync|meeting|standup|stand-up|review|"
                           r"check-in|check in|catch-up|catch up|qbr|forecast call|exec|board)\b",
                           re.I)
"""What a meeting time is the time of, when written after it ("my 4pm 1:1")."""
VALUE_BEFORE = frozenset({"team", "rep", "region", "product", "segment", "territory", "account",
                          "campaign", "source", "stage", "named", "called", "=", "owner",
                          "manager", "tool", "integration", "industry"})
"""Words after which a token is a value asked about ("team v2"): never set aside."""


def set_aside(question: str, index: EntityIndex) -> tuple[str, list[str]]:
    """Return the question without its references, and the references set aside."""
    known = index.words
    removed: list[str] = []

    def drop(m: re.Match[str], instead: str = " ") -> str:
        text = m[0]
        before = m.string[:m.start()].split()[-1:]
        if before and before[0].lower().strip(":'\"") in VALUE_BEFORE or \
                m.string[:m.start()].rstrip().endswith("|"):
            return text  # (a field of a "| P3 | SOPS-3120" envelope: read as the envelope)
        parts = [p for p in re.split(r"[^a-z0-9]+", text.lower()) if p]
        if parts and all(p in known for p in parts):
            return text  # a value the data knows ("Q4-2026 Webinar" stays a campaign)
        removed.append(text.strip())
        return instead

    plain = HEDGED_VIEW.sub(drop, question)
    plain = TITLE.sub(drop, plain)
    def source(m: re.Match[str]) -> str:
        if re.search(r"\d\S*\s+$", m.string[:m.start()]):
            return m[0]  # "our 2025 deck showed 3.1x": a dated document, read as a name
        verb = m["verb"] or m["verb3"]  # the claim's verb stays: the figure after it is the
        return drop(m, f" someone {verb} " if verb else " ")  # one quoted, not a threshold

    plain = SOURCE.sub(source, plain)
    plain = REFERENCE.sub(lambda m: drop(m, GONE), plain)
    plain = OPENED_BY.sub("", plain)  # "room 12 is booked at 9am": a clause about the
    # reference itself goes with it
    plain = MEETING_TIME.sub(lambda m: drop(m, "meeting" if re.search(
        r"\b(?:my|the|our|for)\s+$", m.string[:m.start()]) and not MEETING_AFTER.match(
        m.string[m.end():]) else ""), plain)  # "my 3pm with Freya": a meeting, with whoever
    # it is with ("my 4pm 1:1 with Leo": the 1:1 says so; "the review is at 3pm": no more)
    if not removed:
        return question, []
    return re.sub(r"[ \t]{2,}", " ", plain.replace(GONE, " ")), removed
