"""What the parser has found in a question so far, shared by its reading steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agent.parser.entities import EntityMatch
from tools.base import Dimension
from tools.fiscal import Period


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
    knobs: list[Any] = field(default_factory=list)
    """Tool options named in the question (agent/parser/options.py Found), for the chosen tool."""

    def take(self, start: int, end: int) -> None:
        """Mark word positions as explained."""
        self.used.update(range(start, end))


def masked(reading: Reading) -> list[str]:
    return [("@" if i in reading.used else word) for i, word in enumerate(reading.words)]
