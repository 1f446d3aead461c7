"""Text that is code (markup, a template, a file path, a SQL fragment, a control character):
never a name in the data. A `Filter` refuses such values when it is built (tools/base.py), and
the scope policy refuses a request holding them (agent/scope.py)."""

from __future__ import annotations

import re

CODE = (
    ("markup", re.compile(r"</?\s*[a-z][\w:-]*(?:\s[^<>]*)?/?>|\bjavascript\s*:|\bon\w+\s*=",
                          re.I)),
    ("a template", re.compile(r"\{\{|\}\}|\{%|%\}|\$\{|<%|%>")),
    ("a file path", re.compile(r"\.\.[/\\]|(?:^|[\s'\"])/(?:etc|usr|var|bin|tmp|home|root|proc|"
                               r"dev|windows)/|\b[a-z]:\\|(?:^|\s)~/", re.I)),
    ("a SQL fragment", re.compile(r";|--|/\*|\*/|'\s*(?:or|and)\s+'?\w*'?\s*=|"
                                  r"\b(?:union\s+select|drop\s+table|select\s+\S+\s+from|"
                                  r"insert\s+into|delete\s+from)\b", re.I)),
    ("a control character", re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")),
)
"""What a name in the data never looks like, with the word used in the refusal."""


def code_reason(text: str, *, sql: bool = True) -> str | None:
    """What kind of code `text` looks like ('markup', 'a template', ...), or None.

    sql=False leaves SQL punctuation to the caller: a whole question may hold a semicolon
    between two requests (the scope policy reads statements there).
    """
    return next((kind for kind, pattern in CODE if pattern.search(text)
                 and (sql or kind != "a SQL fragment")), None)
