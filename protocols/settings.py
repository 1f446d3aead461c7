"""Where the task store lives and where escalations go, read from the environment once.

    REVOPS_STATE_DB          task store and outbox (default: state.sqlite in the user data dir);
                             a postgresql:// URL puts them in PostgreSQL, shared by replicas
    REVOPS_A2A_DB            A2A protocol tasks, so GetTask and replies to INPUT_REQUIRED tasks
                             work after a restart (default: <state_db stem>-a2a.sqlite beside it;
                             with a PostgreSQL state db, the same database, table a2a_tasks)
    REVOPS_HUB_URL           central coordination's escalation endpoint (and the fallback)
    REVOPS_HUB_TOKEN         bearer token for the hub (sent only to the hub's URL)
    REVOPS_PEER_URLS         peers' endpoints: JSON {"finance": "http://…"} or finance=http://…,…
    REVOPS_OUTBOX_MAX_TRIES  attempts before an escalation is dead (default 8)
    REVOPS_OUTBOX_BASE_DELAY seconds before the first retry; doubles per failure (default 2)
    REVOPS_OUTBOX_MAX_DELAY  longest wait between two attempts (default 600)
    REVOPS_OUTBOX_INTERVAL   seconds between delivery passes of the service's loop (default 5)
    REVOPS_LEASE_SECONDS     how long a replica's claim on an escalation it sends, or a task it
                             answers, holds before another replica may take it over (default 60)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from platformdirs import user_data_dir
from pydantic import (
    AnyHttpUrl,
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from agent.session import is_postgres_url

HUB = "central-coordination"
TARGETS = (HUB, "marketing-growth", "pipeline-management", "conversion-optimization", "finance")
"""Escalation targets of docs/design.md#escalation."""


def default_state_db() -> Path:
    """Return the per-user task store path (beside the default warehouse)."""
    return Path(user_data_dir("revops-agent", appauthor=False)) / "state.sqlite"


StateLocation = Path | str
"""A SQLite file, or a postgresql:// URL (kept a str: a Path would fold its "//")."""


class OutboxSettings(BaseSettings):
    """Task store location, escalation endpoints, the retry policy and the claims' lease."""

    model_config = SettingsConfigDict(env_prefix="REVOPS_", extra="ignore", frozen=True)

    state_db: StateLocation = Field(default_factory=default_state_db)
    a2a_db: StateLocation | None = None
    """The a2a-sdk's task table (None = `a2a_path()`'s default beside state_db)."""
    hub_url: AnyHttpUrl | None = None
    hub_token: SecretStr | None = None
    peer_urls: Annotated[dict[str, AnyHttpUrl], NoDecode] = Field(default_factory=dict)
    outbox_max_tries: PositiveInt = 8
    outbox_base_delay: PositiveFloat = 2.0
    outbox_max_delay: PositiveFloat = 600.0
    outbox_interval: PositiveFloat = 5.0
    outbox_timeout: PositiveFloat = 10.0
    """Seconds allowed for one delivery request."""
    lease_seconds: PositiveFloat = 60.0
    """How long a claim (an escalation being sent, a task being answered) holds unrenewed."""

    @field_validator("state_db", "a2a_db", mode="before")
    @classmethod
    def _location(cls, v: Any) -> Any:
        if v is None or isinstance(v, Path):
            return v.expanduser() if isinstance(v, Path) else v
        text = str(v).strip()
        return text if is_postgres_url(text) else Path(text).expanduser()

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> OutboxSettings:
        if self.lease_seconds <= self.outbox_timeout:
            raise ValueError(f"REVOPS_LEASE_SECONDS ({self.lease_seconds}) must be longer than "
                             f"REVOPS_OUTBOX_TIMEOUT ({self.outbox_timeout})")
        return self

    def a2a_path(self) -> StateLocation:
        """Return the A2A task store: REVOPS_A2A_DB, else `<stem>-a2a.sqlite` beside a SQLite
        state db (state.sqlite -> state-a2a.sqlite), or a PostgreSQL state db's own URL."""
        if self.a2a_db is not None:
            return self.a2a_db
        if isinstance(self.state_db, str):
            return self.state_db
        return self.state_db.with_name(f"{self.state_db.stem}-a2a.sqlite")

    @field_validator("peer_urls", mode="before")
    @classmethod
    def _parse_peers(cls, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        text = v.strip()
        if not text:
            return {}
        if text.startswith("{"):
            return json.loads(text)
        peers: dict[str, str] = {}
        for item in text.split(","):
            if not item.strip():
                continue
            name, sep, url = item.partition("=")
            if not sep or not name.strip() or not url.strip():
                raise ValueError(f"expected name=url in REVOPS_PEER_URLS, got {item.strip()!r}")
            peers[name.strip()] = url.strip()
        return peers

    @field_validator("peer_urls", mode="after")
    @classmethod
    def _known_targets(cls, v: dict[str, AnyHttpUrl]) -> dict[str, AnyHttpUrl]:
        unknown = sorted(set(v) - set(TARGETS))
        if unknown:
            raise ValueError(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(TARGETS)}")
        return v

    def endpoints(self) -> dict[str, str]:
        """Return target name -> URL; the hub's URL (if set) under "central-coordination"."""
        found = {name: str(url) for name, url in self.peer_urls.items()}
        if self.hub_url is not None:
            found[HUB] = str(self.hub_url)
        return found

    def tokens(self) -> dict[str, str]:
        """Return target name -> bearer token (only the hub's, when set)."""
        if self.hub_token is None:
            return {}
        return {HUB: self.hub_token.get_secret_value()}
