"""The rule catalog as typed data: built-in rules.toml plus a user's overrides file.

A user file may `disable` rules, change fields of built-in rules under `[rules.<id>]` (or
`[rules."<id>:<table>"]` for one table), add rules as `[[rule]]`, extend vocabularies and set the
accuracy target, comparator and scope. Nothing else: tables and their joins stay built-in, so a
rule can only read the columns the catalog exposes (checked in tools.quality.validate).
"""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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
    joins: str = ""
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


BUILTIN = resources.files(__package__).joinpath("rules.toml").read_text("utf-8")


def load_catalog(overrides: str | None = None) -> Catalog:
    """Return the built-in catalog with a user rules file (TOML text) applied."""
    base = tomllib.loads(BUILTIN)
    try:
        user = tomllib.loads(overrides) if overrides else {}
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"rules file is not valid TOML: {exc}") from None
    unknown = set(user) - {"disable", "rules", "rule", "vocabularies", "accuracy"}
    if unknown:
        raise RuleError(f"rules file: unknown section(s) {sorted(unknown)}; allowed: disable, "
                        "rules, rule, vocabularies, accuracy")
    tables = {name: TableSpec(name=name, **spec) for name, spec in base["tables"].items()}
    rules = [r for raw in base["rule"] for r in _expand(raw, tables)]
    rules += [r for raw in user.get("rule", []) for r in _expand(raw, tables)]
    rules = _override(rules, user.get("rules", {}), user.get("disable", []))
    _check_unique(rules, tables)
    vocab = {k: [w.lower() for w in v] for k, v in base["vocabularies"].items()}
    for key, words in user.get("vocabularies", {}).items():
        vocab[key] = sorted(set(vocab.get(key, [])) | {str(w).lower() for w in words})
    try:
        accuracy = Accuracy(**{**base["accuracy"], **user.get("accuracy", {})})
    except ValidationError as exc:
        raise RuleError(f"[accuracy]: {_first_error(exc)}") from None
    if set(accuracy.scope) - set(tables):
        unknown = sorted(set(accuracy.scope) - set(tables))
        raise RuleError(f"[accuracy] scope names unknown tables {unknown}")
    checksum = hashlib.sha256((BUILTIN + "\0" + (overrides or "")).encode()).hexdigest()[:16]
    return Catalog(accuracy=accuracy, tables=tables, vocabularies=vocab, rules=rules,
                   overrides=overrides or None, checksum=checksum)


def _expand(raw: dict[str, Any], tables: dict[str, TableSpec]) -> list[Rule]:
    """Build a rule per table (`tables = [...]` spreads one rule over several)."""
    names = raw.get("tables") or [raw.get("table")]
    out = []
    for table in names:
        if table not in tables:
            raise RuleError(f"rule {raw.get('id')}: unknown table {table!r}; known: "
                            f"{', '.join(sorted(tables))}")
        fields = {k: v for k, v in raw.items() if k != "tables"} | {"table": table}
        if fields.get("unique") == "{key}":
            fields["unique"] = tables[table].key
        out.append(_build(fields))
    return out


def _build(fields: dict[str, Any]) -> Rule:
    try:
        return Rule(**fields)
    except ValidationError as exc:
        raise RuleError(f"rule {fields.get('id', '?')} ({fields.get('table')}): "
                        f"{_first_error(exc)}") from None


def _override(rules: list[Rule], changes: dict[str, dict[str, Any]],
              disable: list[str]) -> list[Rule]:
    for key in [*changes, *disable]:
        if not any(key in (r.id, r.ref) for r in rules):
            raise RuleError(f"rules file refers to unknown rule {key!r}")
    out = []
    for rule in rules:
        fields = rule.model_dump(exclude_none=True)
        for key in (rule.id, rule.ref):  # the per-table entry wins over the per-id one
            change = dict(changes.get(key, {}))
            if any(k in change for k in KINDS):  # a new check replaces the old one
                for k in KINDS:
                    fields.pop(k, None)
            if "params" in change:
                change["params"] = {**fields.get("params", {}), **change["params"]}
            fields.update(change)
        if rule.id in disable or rule.ref in disable:
            fields["enabled"] = False
        out.append(_build(fields))
    return out


def _check_unique(rules: list[Rule], tables: dict[str, TableSpec]) -> None:
    seen: set[str] = set()
    names: set[tuple[str, str]] = set()
    for r in rules:
        if r.ref in seen:
            raise RuleError(f"rule {r.id} is defined twice for table {r.table}")
        if (r.name, r.table) in names:
            raise RuleError(f"rule name {r.name!r} is used twice for table {r.table}")
        if r.references and r.references not in tables:
            raise RuleError(f"rule {r.ref}: references unknown table {r.references!r}")
        seen.add(r.ref)
        names.add((r.name, r.table))


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]
