"""The declarative mapping: pydantic models of the TOML file, and where to find one.

A mapping says, per target table, which export file feeds it and how each target column is
computed from the file's columns. It holds no SQL: the loader turns it into statements whose
identifiers come from the validated schema and whose values are bound parameters.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tools.importer.errors import MappingError
from tools.warehouse import CompanySettings

Scalar = str | bool | int | float | date | datetime | time
"""A TOML value usable as a constant, default or value-map result."""

_NON_ALNUM = re.compile(r"[^0-9a-z]")
PRESETS_PACKAGE = "tools.importer.presets"


def normalize_header(name: str) -> str:
    """Lower-case and drop non-alphanumerics: `StageName`, `stage_name`, `Stage Name` all meet."""
    return _NON_ALNUM.sub("", name.lower())


def as_text(value: Scalar) -> str:
    """Render a TOML scalar the way it would appear in a CSV export."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def _names(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Strict):
    """How one target column is computed for each source row.

    Exactly one of `column` (header, or alternative headers tried in order), `concat` (several
    headers joined) or `value` (a constant) says where the value comes from; the optional keys
    then transform it in this order: fallback, split, template, map, default, parse (date_format,
    thousands, percent, scale), lookup.
    """

    column: str | list[str] | None = None
    fallback: str | list[str] | None = None
    concat: list[str] | None = None
    separator: str = " "
    value: Scalar | None = None
    split: str | None = None
    template: str | None = None
    map: str | dict[str, Scalar] | None = None
    otherwise: Scalar | None = None
    default: Scalar | None = None
    date_format: str | list[str] | None = None
    thousands: str | None = None
    percent: bool = False
    scale: float | None = None
    lookup: str | None = None
    create_missing: bool = False
    """With `lookup`: a value matching nothing becomes a new row of the lookup table (key and
    match column = the value, `email` too when it is an e-mail), flagged as created."""
    required: bool = False
    optional: bool | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ColumnSpec:
        given = [k for k in ("column", "concat", "value") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `column`, `concat` or `value`")
        if self.template is not None and "{value}" not in self.template:
            raise ValueError("`template` must contain {value}")
        if self.otherwise is not None and self.map is None:
            raise ValueError("`otherwise` only makes sense with `map`")
        if self.create_missing and self.lookup is None:
            raise ValueError("`create_missing` only makes sense with `lookup`")
        if self.lookup is not None and not re.fullmatch(r"\w+\.\w+", self.lookup):
            raise ValueError("`lookup` must read table.column, e.g. users.full_name")
        return self

    @property
    def headers(self) -> list[str]:
        """Alternative headers for the main value, in order of preference."""
        return _names(self.column)

    @property
    def fallbacks(self) -> list[str]:
        """Headers whose value is used, in order, when the main one is empty."""
        return _names(self.fallback)

    @property
    def date_formats(self) -> list[str]:
        """strptime formats to try, in order; empty means ISO dates and timestamps."""
        return _names(self.date_format)


class Load(_Strict):
    """One source (file or glob) feeding one target table. Several loads may fill a table."""

    table: str
    file: str | list[str]
    label: str | None = None
    format: Literal["csv", "parquet"] | None = None
    delimiter: str | None = None
    quote: str | None = None
    encoding: str | None = None
    date_order: Literal["MDY", "DMY"] | None = None
    """Day/month order of dates like 01/02/24 when the values cannot tell (overrides the
    mapping's)."""
    optional: bool = False
    allow_empty: bool = False
    distinct: bool = False
    key: list[str] | None = None
    optional_columns: bool = False
    extra: bool = True
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    constants: dict[str, Scalar] = Field(default_factory=dict)

    @field_validator("columns", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """`amount = "close_value"` is short for `amount = { column = "close_value" }`."""
        if isinstance(value, dict):
            return {k: {"column": v} if isinstance(v, str | list) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _no_overlap(self) -> Load:
        both = sorted(set(self.columns) & set(self.constants))
        if both:
            raise ValueError(f"{', '.join(both)} set both in columns and constants")
        if not self.columns and not self.constants:
            raise ValueError("a load needs at least one column")
        return self

    @property
    def patterns(self) -> list[str]:
        """File names or globs, tried in order; the first that matches any file wins."""
        return _names(self.file)

    @property
    def specs(self) -> dict[str, ColumnSpec]:
        """Every target column this load sets, constants included."""
        constants = {k: ColumnSpec(value=v) for k, v in self.constants.items()}
        return {**self.columns, **constants}

    @property
    def name(self) -> str:
        """How the summary and error messages refer to this load."""
        return self.label or f"{self.table} from {', '.join(self.patterns)}"


class SettingsSpec(_Strict):
    """Company settings the import writes; unset fiscal year and currency take the defaults."""

    company_name: str | None = None
    corporate_currency: str = "USD"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    fiscal_year_name_basis: Literal["ending_month", "starting_month"] = "ending_month"
    stale_days: int | None = Field(default=None, ge=1)

    def values(self) -> dict[str, Any]:
        """The settings to save, validated by the warehouse's own model."""
        values = self.model_dump(exclude_none=True)
        CompanySettings.model_validate(values)
        return values


class Mapping(_Strict):
    """A whole mapping file."""

    name: str
    description: str = ""
    source_system: str | None = None
    date_order: Literal["MDY", "DMY"] | None = None
    """Day/month order of dates like 01/02/24 when every day and month is 12 or less."""
    settings: SettingsSpec = Field(default_factory=SettingsSpec)
    maps: dict[str, dict[str, Scalar]] = Field(default_factory=dict)
    loads: list[Load] = Field(alias="load", min_length=1)

    @model_validator(mode="after")
    def _named_maps_exist(self) -> Mapping:
        for load in self.loads:
            for target, spec in load.specs.items():
                if isinstance(spec.map, str) and spec.map not in self.maps:
                    known = ", ".join(sorted(self.maps)) or "none"
                    raise ValueError(
                        f"{load.table}.{target}: map '{spec.map}' is not defined under [maps] "
                        f"(defined: {known})"
                    )
        return self

    @property
    def system(self) -> str:
        """Value written to every row's source_system column."""
        return self.source_system or self.name

    def value_map(self, spec: ColumnSpec) -> dict[str, str] | None:
        """The spec's value map with keys normalized for matching (trimmed, lower-case)."""
        if spec.map is None:
            return None
        raw = self.maps[spec.map] if isinstance(spec.map, str) else spec.map
        return {key.strip().lower(): as_text(value) for key, value in raw.items()}


def preset_names() -> list[str]:
    """Names of the mappings shipped with the importer."""
    folder = resources.files(PRESETS_PACKAGE)
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def _format_validation(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def parse_mapping(text: str, origin: str) -> Mapping:
    """Parse and validate mapping TOML; `origin` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"mapping {origin} is not valid TOML: {exc}") from exc
    data.setdefault("name", Path(origin).stem)
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise MappingError(f"mapping {origin} is invalid:\n{_format_validation(exc)}") from exc


def load_mapping(mapping: str | Path) -> Mapping:
    """Read a mapping from a TOML file path or a preset name ("salesforce", "hubspot")."""
    path = Path(mapping)
    if path.is_file():
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(f"cannot read mapping {path}: {exc}") from exc
        return parse_mapping(text, str(path))
    name = str(mapping)
    if name in preset_names():
        text = resources.files(PRESETS_PACKAGE).joinpath(f"{name}.toml").read_text("utf-8")
        return parse_mapping(text, f"preset '{name}'")
    raise MappingError(
        f"mapping '{mapping}' is neither a file nor a preset; "
        f"presets: {', '.join(preset_names())}"
    )
