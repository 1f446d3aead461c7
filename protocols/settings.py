"""Where the task store lives and where escalations go, read from the environment once.

    REVOPS_STATE_DB          task store and outbox (default: state.sqlite in the user data dir)
    REVOPS_A2A_DB            A2A protocol tasks, so GetTask and replies to INPUT_REQUIRED tasks
                             work after a restart (default: <state_db stem>-a2a.sqlite beside it)
    REVOPS_HUB_URL           central coordination's escalation endpoint (and the fallback)
    REVOPS_HUB_TOKEN         bearer token for the hub (sent only to the hub's URL)
    REVOPS_PEER_URLS         peers' endpoints: JSON {"finance": "http://…"} or finance=http://…,…
    REVOPS_OUTBOX_MAX_TRIES  attempts before an escalation is dead (default 8)
    REVOPS_OUTBOX_BASE_DELAY seconds before the first retry; doubles per failure (default 2)
    REVOPS_OUTBOX_MAX_DELAY  longest wait between two attempts (default 600)
    REVOPS_OUTBOX_INTERVAL   seconds between delivery passes of the service's loop (default 5)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import AnyHttpUrl, Field, PositiveFloat, PositiveInt, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

HUB = "central-coordination"
TARGETS = (HUB, "marketing-growth", "pipeline-management", "conversion-optimization", "finance")
"""Escalation targets of docs/design.md#escalation."""


def default_state_db() -> Path:
    """Return the per-user task store path (beside the default warehouse)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("revops-agent", appauthor=False)) / "state.sqlite"


class OutboxSettings(BaseSettings):
    """Task store path, escalation endpoints and the retry policy."""

    model_config = SettingsConfigDict(env_prefix="REVOPS_", extra="ignore", frozen=True)

    state_db: Path = Field(default_factory=default_state_db)
    a2a_db: Path | None = None
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

    @field_validator("state_db", "a2a_db", mode="after")
    @classmethod
    def _expand(cls, v: Path | None) -> Path | None:
        return v.expanduser() if v is not None else None

    def a2a_path(self) -> Path:
        """Return the A2A task store's file: REVOPS_A2A_DB, else `<stem>-a2a.sqlite` beside
        the state db (state.sqlite -> state-a2a.sqlite)."""
        if self.a2a_db is not None:
            return self.a2a_db
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
