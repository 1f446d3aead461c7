"""Run dependencies, injected per invocation (never module globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import duckdb

from agent.parser.entities import EntityIndex
from tools.answer_cache import AnswerCache, database_path
from tools.settings import ANSWER_CACHE, Settings
from tools.warehouse import CompanySettings, connect, facts_current, load_settings

if TYPE_CHECKING:  # typing only: the model client's libraries load only when one is configured
    from agent.llm.client import LLMClient


class Warehouse:
    """A read-only warehouse connection with what the parser needs, loaded lazily once."""

    def __init__(self, con: duckdb.DuckDBPyConnection, answer_cache: int = ANSWER_CACHE) -> None:
        self.con = con
        self.settings: CompanySettings = load_settings(con)
        self.facts = facts_current(con)
        """Whether opp_facts may be read (checked once per connection)."""
        self._index: EntityIndex | None = None
        self.memo: dict[object, object] = {}
        """Shared by tool runs on this read-only connection (see ToolContext.memo)."""
        self.answers = AnswerCache(database_path(con), maxsize=answer_cache)
        """Tool results by plan, as-of, scope and data fingerprint (`answer_cache` entries:
        REVOPS_ANSWER_CACHE at the entry points; 0 turns it off)."""
        self.identity = opened_identity(database_path(con))
        """The file as opened (None in memory): what results computed here may be kept by."""

    @property
    def entities(self) -> EntityIndex:
        """Return the entity values of the data (loaded on first use)."""
        if self._index is None:
            self._index = EntityIndex.load(self.con.cursor(), facts=self.facts)
        return self._index

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return a cursor for one tool run (safe if nodes ever run in parallel)."""
        return self.con.cursor()


def opened_identity(path: str | None) -> tuple[object, ...] | None:
    """Device, inode, size and mtime of a database file and of its .wal: a read-only
    connection keeps reading what was there when it opened (writers lock the file or replace
    it), so this names its data for as long as it is open."""
    if path is None:
        return None
    marks: list[object] = []
    for name in (path, f"{path}.wal"):
        try:
            st = os.stat(name)
        except FileNotFoundError:
            marks.append(None)
            continue
        marks.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(marks)


@dataclass(frozen=True, kw_only=True)
class Context:
    """Dependencies of one graph run."""

    warehouse: Warehouse = field(default_factory=lambda: open_default_warehouse())
    """Given by every caller of ours; a LangGraph server that builds the context from JSON gets
    the warehouse at $REVOPS_DB (or the per-user default), read-only."""
    today: date = field(default_factory=date.today)
    """Default as-of date when the request names none."""
    llm: LLMClient | None = None
    """The model client when a model is configured; None = the rules path only."""


def open_default_warehouse() -> Warehouse:
    """Open the configured warehouse read-only (for runs whose caller gave none)."""
    config = Settings().warehouse
    return Warehouse(connect(config.db, read_only=True), config.answer_cache)
