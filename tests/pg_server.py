"""A throwaway PostgreSQL server for tests, started from the PostgreSQL binaries (initdb, pg_ctl).

.ci/run installs the binaries when they are missing; without them the tests that need a server
skip. Postgres refuses to run as root, so as root the cluster belongs to the `postgres` user (and
lives outside pytest's root-only tmp tree, which that user could not enter).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, else the newest Debian install."""
    found = shutil.which("initdb")
    candidates = [str(Path(found).resolve().parent)] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda d: int(Path(d).parent.name) if Path(d).parent.name.isdigit()
                         else 0, reverse=True)
    for d in candidates:
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    return None


PG_BIN = pg_bin()
MISSING = ("PostgreSQL server binaries (initdb, pg_ctl) not installed; "
           "e.g. apt-get install postgresql")


def free_port() -> int:
    """A loopback port nothing listens on (at the time of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server(max_connections: int = 100) -> Iterator[str]:
    """Run a PostgreSQL server on 127.0.0.1; yield its URL without a database name
    ("postgresql://postgres@127.0.0.1:PORT"); stop it and remove its files at the end."""
    assert PG_BIN is not None, MISSING
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="revops-pg-"))
    if as_root:
        shutil.chown(base, user="postgres", group="postgres")
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    data, port = base / "data", free_port()

    def pg(*args: str) -> None:
        out = subprocess.run([*run_as, *args], capture_output=True, text=True)
        assert out.returncode == 0, f"{args[0]} failed: {out.stdout}{out.stderr}"

    pg(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync",
       "-E", "UTF8")
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={base} "
               f"-c fsync=off -c max_connections={max_connections}")
    pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-o", options,
       "-w", "-t", "60", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def new_database(server: str, name: str) -> str:
    """Create database `name` on the server (dropping an older one); return its URL."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"
