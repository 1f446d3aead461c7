"""References a message carries around its question: ticket numbers, versions, extensions,
rooms, pages and meeting times ("for my 3pm", "ticket JIRA-4821", "the v2 dashboard", "ext.
4410", "room 4B"). They name where the question comes from, never what it asks, so the reader
sets them aside before it reads the question (and says so); a token the data knows as a value
stays, and so does one written where a value goes ("team v2", "for rep X-101")."""

from __future__ import annotations

import re

from agent.parser.entities import EntityIndex

REFERENCE = re.compile(
    r"(?<![\w-])(?!(?:FY|CY|FQ|Q[1-4]|H[12]|W\d)-)[A-Z][A-Za-z]{1,11}-\d{2,}(?:-\d+)*(?![\w-])|"
    r"\b(?:INC|CHG|REQ|RITM|CS|TKT|SR|PRB)\d{4,}\b|"
    r"(?<![\w#])#\d{3,}\b|"
    r"\b(?:ticket|task|req|request|case|incident|emp|employee|ref|run|job|order)"
    r"(?:[ _]?id)?\s*(?:no\.?|number|#|=|:)?\s*#?(?=[\w-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b|"
    r"(?<![\w.])v\d+(?:\.\d+)*(?![\w.])|"
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
VALUE_BEFORE = frozenset({"team", "rep", "region", "product", "segment", "territory", "account",
                          "campaign", "source", "stage", "named", "called", "=", "owner",
                          "manager", "tool", "integration", "industry"})
"""Words after which a token is a value asked about ("team v2"): never set aside."""


def set_aside(question: str, index: EntityIndex) -> tuple[str, list[str]]:
    """Return the question without its references, and the references set aside."""
    known = index.words
    removed: list[str] = []

    def drop(m: re.Match[str]) -> str:
        text = m[0]
        before = m.string[:m.start()].split()[-1:]
        if before and before[0].lower().strip(":'\"") in VALUE_BEFORE:
            return text
        parts = [p for p in re.split(r"[^a-z0-9]+", text.lower()) if p]
        if parts and all(p in known for p in parts):
            return text  # a value the data knows ("Q4-2026 Webinar" stays a campaign)
        removed.append(text.strip())
        return " "

    plain = REFERENCE.sub(drop, question)
    plain = MEETING_TIME.sub(drop, plain)
    if not removed:
        return question, []
    return re.sub(r"[ \t]{2,}", " ", plain), removed
