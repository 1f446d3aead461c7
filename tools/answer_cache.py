"""Identical questions on unchanged data are not recomputed: an in-process, bounded (LRU) cache
of tool results keyed by the plan (tool and typed params), the as-of date, the requester's row
scope and a fingerprint of the data.

The fingerprint is the size and modification time of the warehouse file and of its write-ahead
log: any committed write changes one of them (the log grows, or a checkpoint rewrites the
file), so a cached result never outlives the data it was computed from. An in-memory database
has no such fingerprint and is never cached. Results are copied in and out, so no caller can
change what another one gets.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from datetime import date
from enum import Enum
from typing import Any

import duckdb

from tools.base import MetricParams, MetricResult, RowScopeLike


class AnswerCache:
    """A thread-safe LRU of tool results over the database file at `path` (None: nothing is
    cached), with hit/miss counters (read by tests and the benchmark); `maxsize` 0 turns it
    off."""

    def __init__(self, path: str | None, maxsize: int = 256) -> None:
        self.path = os.path.abspath(path) if path else None
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, MetricResult] = OrderedDict()
        self._running: dict[Hashable, Future[MetricResult]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_compute(self, key: Hashable | None, compute: Callable[[], MetricResult]
                       ) -> MetricResult:
        """Return the cached result for `key`, or compute, keep and return it (key None:
        always compute). Concurrent requests for a key being computed wait for that result
        (counted as hits) instead of computing it again; if it fails, each computes its own."""
        if key is None or self.maxsize <= 0:
            return compute()
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found.model_copy(deep=True)
            running = self._running.get(key)
            owner = running is None
            if running is None:
                running = self._running[key] = Future()
                self.misses += 1
            else:
                self.hits += 1
        if not owner:  # another thread is computing it
            try:
                return running.result().model_copy(deep=True)
            except Exception:
                return compute()
        try:
            result = compute()
        except BaseException as exc:
            with self._lock:
                self._running.pop(key, None)
            running.set_exception(exc)
            raise
        kept = result.model_copy(deep=True)
        with self._lock:
            self._running.pop(key, None)
            self._entries[key] = kept
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        running.set_result(kept)
        return result

    def fingerprint(self) -> tuple[Any, ...] | None:
        """(size, mtime) of the database file and of its .wal, None without a file."""
        if self.path is None:
            return None
        marks: list[Any] = []
        for path in (self.path, f"{self.path}.wal"):
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                marks.append(None)
                continue
            marks.append((stat.st_size, stat.st_mtime_ns))
        return tuple(marks)

    def key(self, name: str, params: MetricParams, as_of: date, scope: RowScopeLike | None,
            facts: bool) -> Hashable | None:
        """The key of one tool run (None when the data has no fingerprint)."""
        fingerprint = self.fingerprint()
        if fingerprint is None or self.maxsize <= 0:
            return None
        return (name, params.model_dump_json(), str(as_of), scope_key(scope), facts,
                fingerprint)


def scope_key(scope: RowScopeLike | None) -> str | None:
    """A row scope as a key, the same in every process (its sets sorted); None: every row."""
    return None if scope is None else json.dumps(_canonical(scope.model_dump()), sort_keys=True)


def database_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file of the connection's database, None for an in-memory one."""
    row = con.execute("select path from duckdb_databases() "
                      "where database_name = current_database()").fetchone()
    return row[0] if row and row[0] and row[0] != ":memory:" else None


def _canonical(value: Any) -> Any:
    """JSON-ready with sets sorted, so equal scopes give equal keys."""
    if isinstance(value, dict):
        return {str(_canonical(k)): _canonical(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value
