"""Every environment variable the project reads, in one pydantic-settings model.

Values come from, highest first: arguments to `Settings(...)`, the environment, a TOML config
file, the defaults below. The file is $REVOPS_CONFIG, else `config.toml` in the per-user config
directory (`revops-agent`) when it exists; its tables are the groups (`[warehouse]`, `[llm]`,
`[service]`, `[auth]`, `[monitors]`) and its keys the field names, e.g. `[llm] model = "..."`.
A blank environment variable counts as unset. Each entry point builds one `Settings()` per run
and passes the group it needs down (there is no module-level instance). README's configuration
table lists every variable (`env_table()`; tests/test_settings.py keeps the two in step).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic._internal._docs_extraction import extract_docstrings_from_cls
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP = "revops-agent"
CONFIG_VAR = "REVOPS_CONFIG"
"""The variable naming the config file (the one variable the file itself cannot set)."""
HUB = "central-coordination"
TARGETS = (HUB, "marketing-growth", "pipeline-management", "conversion-optimization", "finance")
"""Escalation targets (docs/design.md#escalation): the names REVOPS_PEER_URLS may use."""
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

ANSWER_CACHE = 256
"""Tool results kept per warehouse by default (the setting's default and agent.context's)."""

StateLocation = Path | str
"""A SQLite file, or a postgresql:// URL (kept a str: a Path would fold its "//")."""


def setting(default: Any, *names: str, factory: Callable[[], Any] | None = None) -> Any:
    """A field and the environment variables that set it (the first one set wins)."""
    extra: dict[str, Any] = {"env": list(names)}
    if factory is not None:
        return Field(default_factory=factory, json_schema_extra=extra)
    return Field(default=default, json_schema_extra=extra)


def is_postgres_url(value: str | Path) -> bool:
    """True for a postgresql:// or postgres:// URL (never for a Path)."""
    return isinstance(value, str) and value.strip().lower().startswith(POSTGRES_SCHEMES)


def location(value: str | Path) -> StateLocation:
    """A store location as given: a PostgreSQL URL stays the string it is, else a file path."""
    if isinstance(value, Path):
        return value.expanduser()
    text = value.strip()
    return text if is_postgres_url(text) else Path(text).expanduser()


def data_dir() -> Path:
    """Return the per-user data directory (warehouse, threads, task store)."""
    return Path(user_data_dir(APP, appauthor=False))


def default_config_file() -> Path:
    """Return the per-user config file read when $REVOPS_CONFIG is not set."""
    return Path(user_config_dir(APP, appauthor=False)) / "config.toml"


class _Group(BaseModel):
    # The attribute docstrings below document each field; only README's table reads them
    # (`env_table`): use_attribute_docstrings would parse this file at every start-up.
    model_config = ConfigDict(extra="forbid", frozen=True)


class WarehouseSettings(_Group):
    """The analytics warehouse, the conversation store and the writers' DuckDB limits."""

    db: Path = setting(None, "REVOPS_DB", factory=lambda: data_dir() / "revops.duckdb")
    """The warehouse file (default: revops.duckdb in the user data directory)."""
    threads_db: StateLocation = setting(None, "REVOPS_THREADS_DB",
                                        factory=lambda: data_dir() / "threads.sqlite")
    """Conversation threads: a SQLite file, or a postgresql:// URL shared by several hosts."""
    answer_cache: NonNegativeInt = setting(ANSWER_CACHE, "REVOPS_ANSWER_CACHE")
    """Tool results kept per warehouse (0 turns the answer cache off)."""
    duckdb_memory_limit: str | None = setting(None, "REVOPS_DUCKDB_MEMORY_LIMIT")
    """Writers' memory: a DuckDB size ('6GB') or a fraction of RAM ('0.4'); default: 60% of RAM,
    at most 12GB."""
    duckdb_threads: str | None = setting(None, "REVOPS_DUCKDB_THREADS")
    """Writers' thread count (default: DuckDB's, one per core)."""

    @field_validator("db", mode="before")
    @classmethod
    def _db(cls, v: Any) -> Any:
        return Path(v).expanduser() if isinstance(v, str | Path) else v

    @field_validator("threads_db", mode="before")
    @classmethod
    def _threads_db(cls, v: Any) -> Any:
        return location(v) if isinstance(v, str | Path) else v


StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]


class LLMSettings(_Group):
    """Model endpoint, limits and structured-output method; no key and no URL = rules only."""

    api_key: SecretStr | None = setting(None, "OPENAI_API_KEY", "REVOPS_LLM_API_KEY")
    """OpenAI (or compatible server) API key; secret, so it never shows in a repr or a log."""
    base_url: str | None = setting(None, "REVOPS_LLM_BASE_URL", "OPENAI_BASE_URL")
    """OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (vLLM, Ollama, LiteLLM)."""
    model: str = setting("gpt-4.1-mini", "REVOPS_LLM_MODEL")
    """The model name sent with every request."""
    timeout: PositiveFloat = setting(20.0, "REVOPS_LLM_TIMEOUT")
    """Seconds allowed for one HTTP request."""
    deadline: PositiveFloat = setting(45.0, "REVOPS_LLM_DEADLINE")
    """Seconds allowed for one question across every attempt and backoff sleep."""
    max_tokens: PositiveInt = setting(800, "REVOPS_LLM_MAX_TOKENS")
    """Longest completion requested."""
    structured_method: StructuredMethod = setting("json_schema", "REVOPS_LLM_STRUCTURED_METHOD")
    """How structured output is requested; servers without json_schema need another."""
    max_attempts: PositiveInt = setting(3, "REVOPS_LLM_MAX_ATTEMPTS")
    """Attempts per call, the first included, on rate limits, 5xx, timeouts, lost connections."""
    backoff_initial: PositiveFloat = setting(0.5, "REVOPS_LLM_BACKOFF_INITIAL")
    """Seconds before the first retry; doubles per retry, with jitter."""
    backoff_max: PositiveFloat = setting(4.0, "REVOPS_LLM_BACKOFF_MAX")
    """Longest backoff sleep between two attempts."""
    retry_after_max: PositiveFloat = setting(10.0, "REVOPS_LLM_RETRY_AFTER_MAX")
    """Longest Retry-After waited out; a longer one ends the call (the rules answer)."""
    breaker_threshold: PositiveInt = setting(3, "REVOPS_LLM_BREAKER_THRESHOLD")
    """Consecutive failed calls after which the client stops calling (circuit open)."""
    breaker_cooldown: PositiveFloat = setting(60.0, "REVOPS_LLM_BREAKER_COOLDOWN")
    """Seconds the circuit stays open before one trial call is let through."""

    @property
    def configured(self) -> bool:
        """Whether a model can be called: an API key or a base URL is set."""
        return bool(self._key or self.base_url)

    @property
    def effective_api_key(self) -> str:
        """The key to send; local servers behind a base URL often need none, so 'EMPTY'."""
        return self._key or "EMPTY"

    @property
    def _key(self) -> str:
        return self.api_key.get_secret_value() if self.api_key else ""


class ServiceSettings(_Group):
    """Task store location, escalation endpoints, the retry policy and the claims' lease."""

    state_db: StateLocation = setting(None, "REVOPS_STATE_DB",
                                      factory=lambda: data_dir() / "state.sqlite")
    """Task store and outbox: a SQLite file, or a postgresql:// URL shared by replicas."""
    a2a_db: StateLocation | None = setting(None, "REVOPS_A2A_DB")
    """A2A protocol tasks (default: <state_db stem>-a2a.sqlite beside it, or the same
    PostgreSQL database)."""
    hub_url: AnyHttpUrl | None = setting(None, "REVOPS_HUB_URL")
    """Central coordination's escalation endpoint (and the fallback of every target)."""
    hub_token: SecretStr | None = setting(None, "REVOPS_HUB_TOKEN")
    """Bearer token for the hub (sent only to the hub's URL)."""
    peer_urls: dict[str, AnyHttpUrl] = setting(None, "REVOPS_PEER_URLS", factory=dict)
    """Peers' endpoints: JSON {"finance": "http://..."} or finance=http://...,..."""
    outbox_max_tries: PositiveInt = setting(8, "REVOPS_OUTBOX_MAX_TRIES")
    """Attempts before an escalation is dead."""
    outbox_base_delay: PositiveFloat = setting(2.0, "REVOPS_OUTBOX_BASE_DELAY")
    """Seconds before the first retry; doubles per failure."""
    outbox_max_delay: PositiveFloat = setting(600.0, "REVOPS_OUTBOX_MAX_DELAY")
    """Longest wait between two attempts."""
    outbox_interval: PositiveFloat = setting(5.0, "REVOPS_OUTBOX_INTERVAL")
    """Seconds between delivery passes of the service's loop."""
    outbox_timeout: PositiveFloat = setting(10.0, "REVOPS_OUTBOX_TIMEOUT")
    """Seconds allowed for one delivery request."""
    lease_seconds: PositiveFloat = setting(60.0, "REVOPS_LEASE_SECONDS")
    """How long a claim (an escalation being sent, a task being answered) holds unrenewed."""

    @field_validator("state_db", "a2a_db", mode="before")
    @classmethod
    def _location(cls, v: Any) -> Any:
        return location(v) if isinstance(v, str | Path) else v

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> ServiceSettings:
        if self.lease_seconds <= self.outbox_timeout:
            raise ValueError(f"REVOPS_LEASE_SECONDS ({self.lease_seconds}) must be longer than "
                             f"REVOPS_OUTBOX_TIMEOUT ({self.outbox_timeout})")
        return self

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

    def a2a_path(self) -> StateLocation:
        """Return the A2A task store: REVOPS_A2A_DB, else `<stem>-a2a.sqlite` beside a SQLite
        state db (state.sqlite -> state-a2a.sqlite), or a PostgreSQL state db's own URL."""
        if self.a2a_db is not None:
            return self.a2a_db
        if isinstance(self.state_db, str):
            return self.state_db
        return self.state_db.with_name(f"{self.state_db.stem}-a2a.sqlite")

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


class AuthSettings(_Group):
    """Who may call the service: bearer tokens with their identity and role."""

    tokens: SecretStr | None = setting(None, "REVOPS_TOKENS")
    """Tokens inline: token=id:role,... or the JSON of a tokens file."""
    tokens_file: Path | None = setting(None, "REVOPS_TOKENS_FILE")
    """A TOML or JSON tokens file (`[tokens."<token>"] id = "..." role = "..."`)."""
    session_idle_seconds: PositiveFloat = setting(8 * 3600.0, "REVOPS_SESSION_IDLE_SECONDS")
    """A dashboard session unused this long ends (and so does an unused one-time login link)."""

    @field_validator("tokens_file", mode="before")
    @classmethod
    def _file(cls, v: Any) -> Any:
        return Path(v).expanduser() if isinstance(v, str | Path) else v

    def environ(self) -> dict[str, str]:
        """The tokens as the variables protocols.auth.load_tokens reads."""
        out = {"REVOPS_TOKENS": self.tokens.get_secret_value()} if self.tokens else {}
        if self.tokens_file is not None:
            out["REVOPS_TOKENS_FILE"] = str(self.tokens_file)
        return out


class MonitorSettings(_Group):
    """Monitors: alert rules checked against the warehouse."""

    file: Path | None = setting(None, "REVOPS_MONITORS_FILE")
    """A TOML file of monitors loaded after the shipped ones."""


class _EnvTable(PydanticBaseSettingsSource):
    """The environment, read through each field's declared variables (`env(...)`)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self.environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # __call__ reads the groups' fields instead

    def __call__(self) -> dict[str, Any]:
        found: dict[str, dict[str, Any]] = {}
        for group, name, names, _ in fields():
            value = next((v.strip() for n in names if (v := self.environ.get(n, "")).strip()),
                         None)
            if value is not None:
                found.setdefault(group, {})[name] = value
        return found


class Settings(BaseSettings):
    """Everything configurable, grouped by what it configures."""

    model_config = SettingsConfigDict(extra="forbid", frozen=True)

    warehouse: WarehouseSettings = WarehouseSettings()
    llm: LLMSettings = LLMSettings()
    service: ServiceSettings = ServiceSettings()
    auth: AuthSettings = AuthSettings()
    monitors: MonitorSettings = MonitorSettings()

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the config file, then the defaults."""
        return (init_settings, _EnvTable(settings_cls, os.environ),
                TomlConfigSettingsSource(settings_cls, toml_file=config_file(os.environ)))


def config_file(environ: Mapping[str, str]) -> Path | None:
    """Return the config file to read: $REVOPS_CONFIG, else the per-user one if it exists."""
    named = environ.get(CONFIG_VAR, "").strip()
    if named:
        return Path(named).expanduser()
    default = default_config_file()
    return default if default.is_file() else None


def fields() -> Iterator[tuple[str, str, list[str], FieldInfo]]:
    """Yield (group, field, its environment variables, field info) of every setting."""
    for group, info in Settings.model_fields.items():
        model = type(info.default)
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra
            if isinstance(extra, dict) and "env" in extra:
                yield group, name, list(extra["env"]), field


def configured(group: BaseModel, name: str) -> bool:
    """Whether a setting was given (argument, environment or file) rather than defaulted."""
    return name in group.model_fields_set


def env_table() -> str:
    """Return README's configuration table (Markdown): every variable, its key, default, use."""
    rows = ["| Variable | Config file key | Default | What it sets |", "|---|---|---|---|",
            f"| `{CONFIG_VAR}` | - | `{_home(default_config_file())}`, if it exists | "
            "The TOML config file itself |"]
    for group, name, names, field in fields():
        default = field.get_default(call_default_factory=True)
        shown = "-" if default in (None, {}) else f"`{_home(default)}`"
        doc = _docstrings(type(Settings.model_fields[group].default)).get(name, "")
        text = " ".join((field.description or doc).split()).replace("|", "\\|")
        rows.append(f"| {' / '.join(f'`{n}`' for n in names)} | `[{group}] {name}` | {shown} "
                    f"| {text} |")
    return "\n".join(rows)


def _docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The attribute docstrings of a settings group, read by pydantic's own reader."""
    return extract_docstrings_from_cls(model, use_inspect=True)


def _home(value: Any) -> str:
    """A default as README shows it, the same on every machine: the per-user directories by
    name (Linux: ~/.local/share/revops-agent and ~/.config/revops-agent)."""
    text = str(value)
    for folder, name in ((data_dir(), "<user data dir>"),
                         (default_config_file().parent, "<user config dir>")):
        if text.startswith(str(folder)):
            return name + text[len(str(folder)):]
    return text


if __name__ == "__main__":  # python -m tools.settings: print README's table
    print(env_table())
