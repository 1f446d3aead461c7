"""A read-only warehouse that follows its file, so a server keeps answering while an import
replaces the file (write a new file, then rename it over the old one: `revops import --swap`).

Each request sees one generation from start to end: `pinned()` (the service's middleware enters
it per HTTP request) fixes the generation for everything that request runs, worker threads
included (they inherit the request's context). Between requests, at most every `check_every`
seconds, the file's identity (device, inode, size, mtime) is compared with the open one's; a new
file is opened read-only and warmed (its entity index loaded) before requests switch to it, and
a file that cannot be opened (half copied, newer schema) is logged and the old one kept. The old
generation is closed by the garbage collector once its last request lets go of it; its inode,
unlinked by the rename, lives until then.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb

from agent.context import Warehouse
from agent.parser.entities import EntityIndex
from tools.answer_cache import AnswerCache
from tools.warehouse import CompanySettings, connect

log = logging.getLogger(__name__)

Identity = tuple[int, int, int, int]
RETRY_REFUSED = 30.0
"""Seconds before a file that could not be opened is tried again (it may have been busy)."""


def file_identity(path: Path) -> Identity:
    """What changes when a file is replaced or rewritten: device, inode, size, mtime."""
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def open_generation(path: Path) -> tuple[Warehouse, Identity]:
    """Open the file now at `path` read-only; return it with the identity of what was opened.

    Through a hard link with a name of its own, removed once open: DuckDB shares one database
    instance per file name within a process, so opening the same name again while the old file
    is still in use would hand back the old file. Where no link can be made (a directory the
    server may not write) this raises OSError: the new file is then served after a restart.
    """
    link = path.with_name(f".{path.name}.open-{uuid.uuid4().hex[:8]}")
    try:
        os.link(path, link)
    except OSError as exc:
        raise OSError(f"cannot link {path} to open its new version ({exc.strerror}); give the "
                      "server write access to the directory, or restart it") from None
    try:
        identity = file_identity(link)
        return Warehouse(connect(link, read_only=True)), identity
    finally:
        link.unlink(missing_ok=True)


class LiveWarehouse(Warehouse):
    """A Warehouse whose connection, settings and entity index come from the newest file."""

    def __init__(self, path: str | Path, *, first: Warehouse | None = None,
                 check_every: float = 1.0,
                 opener: Callable[[Path], tuple[Warehouse, Identity]] = open_generation) -> None:
        """Follow the warehouse file at `path` (`first`: it, already open; else opened now)."""
        self.path = Path(path)
        self.check_every = check_every
        self._opener = opener
        if first is not None:
            self._current, self._identity = first, file_identity(self.path)
        else:
            self._current, self._identity = opener(self.path)
        self._checked = time.monotonic()
        self._opening = threading.Lock()
        self._refused: Identity | None = None
        self._retry_at = 0.0
        self._pin: ContextVar[Warehouse | None] = ContextVar(f"warehouse-{id(self)}",
                                                            default=None)
        self.generation = 1
        """Counts the files served so far (1 = the first)."""

    # --- which generation -----------------------------------------------------------------------

    def current(self) -> Warehouse:
        """Return the newest generation, opening the file first if it was replaced."""
        if time.monotonic() - self._checked >= self.check_every:
            self._follow()
        return self._current

    @contextmanager
    def pinned(self) -> Iterator[Warehouse]:
        """Use one generation for everything run inside the block (one request)."""
        token = self._pin.set(self.current())
        try:
            yield self._pin.get() or self._current
        finally:
            self._pin.reset(token)

    def _active(self) -> Warehouse:
        return self._pin.get() or self.current()

    def _follow(self) -> None:
        if not self._opening.acquire(blocking=False):
            return  # another request is opening the new file; keep serving the old one
        try:
            self._checked = time.monotonic()
            try:
                identity = file_identity(self.path)
            except FileNotFoundError:
                return  # between an unlink and a rename: keep the open one
            if identity == self._identity or (
                    identity == self._refused and time.monotonic() < self._retry_at):
                return
            try:
                fresh, identity = self._opener(self.path)
                fresh.entities  # noqa: B018 - warm it before any request sees it
            except (duckdb.Error, OSError, RuntimeError) as exc:
                if identity != self._refused:  # said once per file, not at every check
                    log.warning("warehouse %s changed but cannot be opened yet (%s); still "
                                "serving the previous file", self.path, exc)
                self._refused, self._retry_at = identity, time.monotonic() + RETRY_REFUSED
                return
            self._current, self._identity = fresh, identity
            self.generation += 1
            log.info("warehouse %s replaced: now serving generation %d", self.path,
                     self.generation)
        finally:
            self._opening.release()

    # --- the Warehouse interface, from the active generation ------------------------------------

    @property
    def con(self) -> duckdb.DuckDBPyConnection:  # type: ignore[override]
        """The active generation's read-only connection."""
        return self._active().con

    @property
    def settings(self) -> CompanySettings:  # type: ignore[override]
        """The active generation's company settings."""
        return self._active().settings

    @property
    def facts(self) -> bool:  # type: ignore[override]
        """Whether the active generation's opp_facts may be read."""
        return self._active().facts

    @property
    def memo(self) -> dict[object, object]:  # type: ignore[override]
        """The active generation's memo (results of one file never answer for another)."""
        return self._active().memo

    @property
    def answers(self) -> AnswerCache:  # type: ignore[override]
        """The active generation's answer cache (answers of one file never serve another)."""
        return self._active().answers

    @property
    def identity(self) -> tuple[object, ...] | None:  # type: ignore[override]
        """The active generation's file as opened (what its results may be kept by)."""
        return self._active().identity

    @property
    def entities(self) -> EntityIndex:
        """The active generation's entity values."""
        return self._active().entities

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the active generation."""
        return self._active().cursor()


class PinWarehouse:
    """ASGI middleware: each HTTP request runs on one generation of a LiveWarehouse."""

    def __init__(self, app: object, warehouse: LiveWarehouse) -> None:
        self.app = app
        self.warehouse = warehouse

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        """Pin the warehouse for HTTP requests; pass anything else through."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # type: ignore[operator]
            return
        with self.warehouse.pinned():
            await self.app(scope, receive, send)  # type: ignore[operator]
