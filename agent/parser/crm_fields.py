"""CRM field names in a question, read as the words they stand for.

Admins ask in the CRM's own vocabulary ("Sum of Amount where IsClosed = false, grouped by
StageName", "deals whose closedate lands this quarter", "CloseDate = LAST_FISCAL_QUARTER").
The import presets (tools/importer/presets/*.toml) already list, for every warehouse column,
the CRM's API names and its UI labels; a field's API name is read as its UI label ("StageName"
as "Stage", "LeadSource" as "Lead Source"), so the parser's vocabulary meets it. Salesforce
date literals and true/false flags on the closed/won fields are read as the words they mean.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

CAMEL = re.compile(r"[a-z][A-Z]|^[A-Z][a-z]+[A-Z]")
LITERAL = re.compile(r"\b(THIS|LAST|NEXT)_(FISCAL_)?(QUARTER|YEAR|MONTH|WEEK)\b", re.I)
"""Salesforce date literals ("THIS_FISCAL_QUARTER", "LAST_YEAR")."""
LAST_N = re.compile(r"\b(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|"
                    r"FISCAL_YEARS)\s*:\s*(\d+)\b", re.I)
"""'LAST_N_DAYS:30': the last 30 days."""
FLAGS = [
    (re.compile(r"\b(?:is[ _]?)?closed\s*(?:=|==|:|is)\s*(?:false|0|no)\b", re.I), "open"),
    (re.compile(r"\b(?:is[ _]?)?closed\s*(?:=|==|:|is)\s*(?:true|1|yes)\b", re.I), "closed"),
    (re.compile(r"\b(?:is[ _]?)?won\s*(?:=|==|:|is)\s*(?:true|1|yes)\b", re.I), "won"),
    (re.compile(r"\b(?:is[ _]?)?active\s*(?:=|==|:|is)\s*(?:false|0|no)\b", re.I), "inactive"),
    (re.compile(r"\bstage(?:[ _]?name)?\s*(?:=|==|:|is)\s*['\"]?closed[ _-]?won['\"]?", re.I),
     "won"),
]
"""A flag set to a value ("IsClosed = false": open deals; "IsWon = TRUE": won ones). "IsWon =
false" is lost or still open: left as written, so it is asked about."""


@cache
def field_words() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(API name pattern, UI label) for every field the import presets map, longest first."""
    from agent.parser.english import english  # (imported late: the lexicon loads it)

    found: dict[str, str] = {}
    for preset in sorted(resources.files("tools.importer.presets").iterdir(),
                         key=lambda p: p.name):
        if not preset.name.endswith(".toml"):
            continue
        spec = tomllib.loads(preset.read_text(encoding="utf-8"))
        loads = sorted(spec.get("load", []), key=lambda x: x.get("table") != "opportunities")
        for load in loads:  # (the deals' own fields first: "OwnerId" is the deal's owner)
            for column, names in load.get("columns", {}).items():
                names = names.get("column", []) if isinstance(names, dict) else names
                names = [names] if isinstance(names, str) else list(names)
                labels = [n for n in names if " " in n or (not CAMEL.search(n) and "_" not in n
                                                          and "." not in n and n[:1].isupper())]
                label = re.sub(r" I[dD]$", "", labels[-1]) if labels else \
                    column.replace("_", " ")
                if re.match(r"(?i)is ", label):
                    continue  # ("hs_is_closed_won" as "Is Closed Won": a flag, whose "= false"
                    # would read as its opposite; left as written, so it is asked about)
                for name in names:
                    if " " in name or name == label or "." in name or name.islower() and \
                            "_" not in name and english(name):
                        continue  # ("archived", "industry": words that read as they are)
                    if CAMEL.search(name) or "_" in name or name.islower() and len(name) > 6:
                        found.setdefault(name.lower(), label)
                if "_" in column:  # the warehouse's own column name ("close_date"), in its
                    found.setdefault(column.lower(), column.replace("_", " "))  # own words
    return tuple((re.compile(rf"\b{re.escape(name)}\b", re.I), label)
                 for name, label in sorted(found.items(), key=lambda kv: -len(kv[0])))


@cache
def _any_field() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every field name (longest first) and the label of each: one pass."""
    labels = {p.pattern[2:-2].replace("\\", ""): label for p, label in field_words()}
    names = sorted(labels, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.I), labels


def crm_words(text: str) -> str:
    """The text with CRM field names, date literals and flags written as words."""
    if "_" in text:
        text = LAST_N.sub(lambda m: f"{m[1].lower()} {m[3]} {m[2].lower().replace('_', ' ')}",
                          text)
        text = LITERAL.sub(lambda m: f"{m[1].lower()} {'fiscal' if m[2] else 'calendar'} "
                                     f"{m[3].lower()}" if m[3].upper() in ("QUARTER", "YEAR")
                           else f"{m[1].lower()} {m[3].lower()}", text)
        # (Salesforce's LAST_QUARTER and THIS_YEAR are calendar spans, only the _FISCAL_ ones
        # fiscal)
    if "." in text:  # "Account.Industry": the field of the related record, by its name
        text = re.sub(r"\b[A-Z][A-Za-z]+\.([A-Z][A-Za-z]+)\b", r"\1", text)
    if re.search(r"[a-z][A-Z]|_|[a-z]{8,}", text):
        pattern, labels = _any_field()
        text = pattern.sub(lambda m: labels[m[0].lower()], text)
    if "=" in text or ":" in text or " is " in text:
        for pattern, word in FLAGS:
            text = pattern.sub(word, text)
    return text
