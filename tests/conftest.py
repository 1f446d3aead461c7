"""Shared fixtures: a migrated in-memory warehouse and the public datasets in ../shared."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tools.warehouse import connect

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REVOPS_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session", autouse=True)
def _own_state_db(tmp_path_factory) -> Iterator[None]:
    """Escalations queued by `revops ask` in tests go to a throwaway task store, never to the
    user's own ($REVOPS_STATE_DB, when the environment sets one, is kept)."""
    if os.environ.get("REVOPS_STATE_DB"):
        yield
        return
    os.environ["REVOPS_STATE_DB"] = str(tmp_path_factory.mktemp("state") / "state.sqlite")
    yield
    os.environ.pop("REVOPS_STATE_DB", None)


@pytest.fixture
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty, fully migrated in-memory warehouse."""
    con = connect(":memory:")
    yield con
    con.close()


@pytest.fixture(scope="session")
def maven_dir() -> Path:
    """The Maven CRM export; tests using it skip when ../shared is absent."""
    path = SHARED / "datasets" / "maven-crm"
    if not (path / "sales_pipeline.csv").exists():
        pytest.skip(f"public dataset not available at {path}")
    return path


@pytest.fixture(scope="session")
def ibm_dir() -> Path:
    """The IBM win/loss export; tests using it skip when ../shared is absent."""
    path = SHARED / "datasets" / "ibm-win-loss"
    if not any(path.glob("*.csv*")):
        pytest.skip(f"public dataset not available at {path}")
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """One throwaway PostgreSQL server for the session (URL without a database); tests using
    it skip when the server binaries are not installed (.ci/run installs them)."""
    from tests.pg_server import MISSING, PG_BIN, postgres_server

    if PG_BIN is None:
        pytest.skip(MISSING)
    with postgres_server() as url:
        yield url
