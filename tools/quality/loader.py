"""Build the catalog from the built-in rules.toml and a user's overrides file.

A user file may `disable` rules, change fields of built-in rules under `[rules.<id>]` (or
`[rules."<id>:<table>"]` for one table), add rules as `[[rule]]`, extend vocabularies and set the
accuracy target, comparator and scope. Nothing else: tables and their joins stay built-in.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from tools.quality.catalog import KINDS, Accuracy, Catalog, Rule, RuleError, TableSpec

BUILTIN = resources.files(__package__).joinpath("rules.toml").read_text("utf-8")


@lru_cache(maxsize=16)
def load_catalog(overrides: str | None = None) -> Catalog:
    """Return the built-in catalog with a user rules file (TOML text) applied.

    Kept per rules text (a Catalog is frozen and read only): the dashboard's data-quality
    panels and scorecard asked for the one in effect four times a page, each parsing the TOML
    anew."""
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
        out_of_scope = sorted(set(accuracy.scope) - set(tables))
        raise RuleError(f"[accuracy] scope names unknown tables {out_of_scope}")
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
