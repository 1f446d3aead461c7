"""The rule catalog as typed data: tables, rules, vocabularies and the accuracy target.

tools.quality.loader builds it from the built-in rules.toml and a user's overrides file; a
rule can only read the columns the catalog exposes (checked in tools.quality.validate).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DqDimension = Literal["completeness", "validity", "uniqueness", "consistency", "integrity",
                      "timeliness", "accuracy"]
Severity = Literal["critical", "warning"]
KINDS = ("passes", "required", "unique", "references", "allowed", "typo")
ParamValue = str | int | float | bool | list[str]


class RuleError(ValueError):
    """A rule or rules file is malformed; the message names the rule and the problem."""


class TableSpec(BaseModel):
    """A checkable table: key, label, creation and owner columns, scope and derived columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    key: str
    label: str
    created: str | None = None
    owner: str | None = None
    scope: str = "TRUE"
    reference_scope: str | None = None
    """Which records a reference to this table may point to (alias t, no joins; default scope)."""
    joins: dict[str, str] = Field(default_factory=dict)
    """Join alias -> LEFT JOIN clause (alias t is the table); derived columns use the aliases."""
    derived: dict[str, str] = Field(default_factory=dict)
    show: list[str] = Field(default_factory=list)
    deal_column: str | None = None
    """Column of opportunities that points at this table (to count the deals affected)."""


class Rule(BaseModel):
    """One data-quality rule over the records of one table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    table: str
    dimension: DqDimension
    severity: Severity
    description: str
    effect: str = ""
    applies: str | None = None
    passes: str | None = None
    required: list[str] | None = None
    unique: str | None = None
    references: str | None = None
    allowed: list[str] | None = None
    typo: str | None = None
    column: str | None = None
    params: dict[str, ParamValue] = Field(default_factory=dict)
    needs: list[str] | None = None
    """Columns that must hold data somewhere for the rule to be measured (default: all it reads)."""
    needs_rows: list[str] = Field(default_factory=list)
    """Tables that must have rows for the rule to be measured."""
    min_pass_fraction: float = Field(default=1.0, ge=0, le=1)
    enabled: bool = True

    @model_validator(mode="after")
    def _one_check(self) -> Rule:
        given = [k for k in KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(KINDS)} (got {given or 'none'})")
        if given[0] in ("references", "allowed", "typo") and not self.column:
            raise ValueError(f"a '{given[0]}' rule needs `column`")
        if self.required == [] or self.allowed == []:
            raise ValueError("`required` / `allowed` must not be empty")
        return self

    @property
    def kind(self) -> str:
        """Return which kind of check the rule is (one of KINDS)."""
        return next(k for k in KINDS if getattr(self, k) is not None)

    @property
    def ref(self) -> str:
        """Return 'id:table', the rule's identity in results."""
        return f"{self.id}:{self.table}"


class Accuracy(BaseModel):
    """How the data accuracy rate (M70) is judged and over which tables."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: float = Field(default=0.98, gt=0, le=1)
    comparator: Literal[">", ">="] = ">"
    scope: list[str] = Field(default_factory=list)
    sample_size: int = Field(default=5, ge=1, le=50)


class Catalog(BaseModel):
    """Every table, vocabulary and rule in effect, with where it came from."""

    model_config = ConfigDict(frozen=True)

    accuracy: Accuracy
    tables: dict[str, TableSpec]
    vocabularies: dict[str, list[str]]
    rules: list[Rule]
    overrides: str | None = None
    """The user's rules file text, if any (stored with each run)."""
    checksum: str

    def enabled(self) -> list[Rule]:
        """Return the rules that run."""
        return [r for r in self.rules if r.enabled]

    def rule(self, ref: str) -> Rule:
        """Return a rule by 'id:table' (or by id when it names one rule)."""
        found = [r for r in self.rules if ref in (r.ref, r.id)]
        if len(found) != 1:
            raise RuleError(f"no single rule '{ref}'")
        return found[0]
