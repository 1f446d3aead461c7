"""Write a warehouse as a new file and rename it over the old one, so readers never wait.

DuckDB lets one process write a file only while no other process has it open, so an import into
the file a server reads would fail (or wait for the servers to stop). Instead the import writes a
copy beside it and `os.replace` puts the copy in place in one step: a reader sees the old file or
the new one, never a half-written one, and a failed import leaves the old file untouched. The
servers notice the new file and switch to it between requests (agent/live_warehouse.py).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.warehouse.connection import WarehouseError


@contextmanager
def replaced(path: str | Path) -> Iterator[Path]:
    """Yield a new file beside `path` to write (a copy of it, if it exists); when the block
    succeeds, rename it over `path` atomically; when it fails, remove it.

    Imports of the same file take turns (an exclusive lock on `.<name>.swap.lock`): two at once
    would each copy the old file and the later rename would drop the earlier import.
    """
    path = Path(path)
    with _turn(path):
        _drop_leftovers(path)
        with _replacing(path) as new:
            yield new


@contextmanager
def _turn(path: Path) -> Iterator[None]:
    with open(path.with_name(f".{path.name}.swap.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def _drop_leftovers(path: Path) -> None:
    """Remove copies an import killed half way left behind (none is running: we hold the turn),
    and links a server killed while opening a new version left (a live one holds its link for
    milliseconds; agent/live_warehouse.py)."""
    for stale in path.parent.glob(f".{path.name}.*.new*"):
        stale.unlink(missing_ok=True)
    for link in path.parent.glob(f".{path.name}.open-*"):
        try:
            # ctime: making a link changes the inode's ctime (its mtime is the file's)
            if time.time() - link.lstat().st_ctime > 60:
                link.unlink(missing_ok=True)
        except FileNotFoundError:
            pass


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    if Path(f"{path}.wal").exists():
        raise WarehouseError(f"{path} has a write-ahead log: a writer is using it, or one died "
                             f"before checkpointing; open it once with `revops refresh` first")
    new = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.new")
    try:
        if path.exists():
            shutil.copyfile(path, new)
        yield new
        if Path(f"{new}.wal").exists():
            raise WarehouseError(f"{new} was left with a write-ahead log; not replacing {path}")
        _fsync(new)
        os.replace(new, path)
        _fsync(path.parent)  # the rename itself survives a power cut
    finally:
        new.unlink(missing_ok=True)
        Path(f"{new}.wal").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
