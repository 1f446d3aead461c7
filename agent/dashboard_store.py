"""Dashboard pages and panels kept on disk by the identity of the data they were computed from.

A page depends only on the data, the filters, the as-of date and the viewer; the file a
read-only server opened cannot change under it (a writer replaces it: a new inode, or a new size
and mtime). So a page stored under the file's identity is the page a restarted server would
compute: it is served from here in milliseconds instead of a cold recomputation, as long as the
code computing it is the same (pages are kept under a digest of the installed source as well, so
an edit without a version bump does not serve an older code's numbers). Entries of an older
identity are dropped when the first entry of a new one is stored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)

FORMAT = 1
"""Bumped when what a page holds changes shape or meaning."""
Model = TypeVar("Model", bound=BaseModel)
SOURCES = ("agent", "tools")
"""The packages whose code computes a page (the dashboard and the tools it runs)."""
SUFFIXES = (".py", ".sql", ".toml")
"""The files among them that decide a number (code, warehouse SQL, settings)."""


def _release() -> str:
    try:
        return version("revops-agent")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "source"


@cache
def code_fingerprint(packages: tuple[str, ...] = SOURCES) -> str:
    """A digest of the source of `packages` as installed: a page computed by other code (an
    edit, a checkout, an upgrade without a version bump) is not this code's page. Read once
    per process (~1.5 MB of source, a few ms)."""
    import importlib.util

    digest = hashlib.sha256()
    for name in packages:
        spec = importlib.util.find_spec(name)
        for root in (spec.submodule_search_locations or []) if spec else []:
            base = Path(root)
            for path in sorted(p for p in base.rglob("*") if p.suffix in SUFFIXES
                               and "__pycache__" not in p.parts and p.is_file()):
                digest.update(f"{name}/{path.relative_to(base).as_posix()}\0".encode())
                digest.update(path.read_bytes())
                digest.update(b"\0")
    return digest.hexdigest()[:16]


def store_beside(path: str | Path | None) -> Path | None:
    """The store of a warehouse file: a hidden directory beside it (None: no file)."""
    if path is None:
        return None
    p = Path(path)
    return p.with_name(f".{p.name}.dashboard")


class PageStore:
    """Pages (or panels) by (data identity, key); failures to read or write only log."""

    def __init__(self, directory: Path, max_entries: int = 256, code: str | None = None) -> None:
        self.directory = directory
        self.max_entries = max_entries
        self.release = f"{_release()}:{FORMAT}:{code or code_fingerprint()}"
        """Which code's pages these are: release, format and the source digest."""

    def _bucket(self, identity: Any) -> Path:
        digest = hashlib.sha256(repr((self.release, identity)).encode()).hexdigest()[:24]
        return self.directory / digest

    @staticmethod
    def _name(key: Any) -> str:
        return hashlib.sha256(repr(key).encode()).hexdigest()[:32] + ".json"

    def get(self, identity: Any, key: Any, model: type[Model]) -> Model | None:
        """The stored value, None when absent or unreadable."""
        if identity is None:
            return None
        path = self._bucket(identity) / self._name(key)
        try:
            return model.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError, ValueError):
            log.warning("dashboard store: cannot read %s; computing it", path)
            return None

    def put(self, identity: Any, key: Any, value: BaseModel) -> None:
        """Store a value (atomically: a reader sees the old file or the new one)."""
        if identity is None:
            return
        bucket = self._bucket(identity)
        try:
            if not bucket.exists():
                self._drop_others(bucket)
                bucket.mkdir(parents=True, exist_ok=True)
            entries = sorted(bucket.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            for old in entries[:max(0, len(entries) - self.max_entries + 1)]:
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=bucket, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(value.model_dump_json().encode())
            os.replace(tmp, bucket / self._name(key))
        except OSError as exc:  # a read-only directory: the server still works, only colder
            log.warning("dashboard store: cannot write under %s (%s)", self.directory, exc)

    def _drop_others(self, keep: Path) -> None:
        """Entries of other data identities describe data no longer served."""
        if not self.directory.is_dir():
            return
        for other in self.directory.iterdir():
            if other != keep and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
