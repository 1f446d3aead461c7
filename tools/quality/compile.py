"""Turn catalog rules into SQL: a relation per table and an (applies, fails) predicate per rule.

Every user-written expression is vetted by tools.quality.validate against the relation's columns;
identifiers the compiler writes itself (keys, columns, table names) come from the catalog and
the warehouse schema. Values stay bound parameters: a rule's own params are renamed to
`$p_<rule>_<table>_<name>` so all rules of a table can share one statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from tools.quality.catalog import Catalog, Rule, RuleError, TableSpec
from tools.quality.validate import expression_columns

GLOBAL_PARAMS = ("as_of", "as_of_ts", "stale_days", "corporate_currency")


@dataclass(frozen=True)
class Check:
    """A compiled rule: predicates over the relation `r`, bound values, columns it needs."""

    rule: Rule
    applies: str
    passes: str
    params: dict[str, Any]
    needs: tuple[str, ...]
    required: tuple[str, ...] = ()
    """For completeness rules: the columns that must be filled (trimmed to measured ones)."""
    window_key: str | None = None
    """For uniqueness rules: the duplicate-group key (earliest record passes)."""
    note: str = ""
    reads: frozenset[str] = frozenset()
    """Derived columns the check reads (a listing builds only these and their joins)."""

    def fails(self, order: str) -> str:
        """Return the predicate of a failing record (`order` orders a duplicate group)."""
        if self.window_key is not None:
            return (f"({self.applies}) AND row_number() OVER (PARTITION BY {self.window_key} "
                    f"ORDER BY {order}) > 1")
        return f"coalesce({self.applies}, FALSE) AND NOT coalesce({self.passes}, FALSE)"


@dataclass(frozen=True)
class TablePlan:
    """One table's relation and compiled checks."""

    spec: TableSpec
    relation: str
    columns: dict[str, str]
    """Relation column -> DuckDB type (table columns, then derived ones)."""
    base: tuple[str, ...]
    primary_key: tuple[str, ...]
    checks: list[Check] = field(default_factory=list)

    def narrow(self, check: Check, extra: dict[str, str] | None = None) -> str:
        """Return the relation with only what `check` reads (for listing its records)."""
        return relation_sql(self.spec, extra, only=set(check.reads))

    @property
    def order(self) -> str:
        """Order inside a duplicate group: earliest created first, then by key."""
        first = f"{_q(self.spec.created)} NULLS LAST, " if self.spec.created else ""
        return f"{first}{_q(self.spec.key)}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


DEALS_JOIN = """LEFT JOIN (SELECT {column} AS k, count(*) AS n FROM opportunities
           WHERE NOT coalesce(is_deleted, FALSE) AND NOT coalesce(is_test, FALSE)
           GROUP BY ALL) __d ON __d.k = t.{key}"""


def relation_sql(spec: TableSpec, extra: dict[str, str] | None = None,
                 only: set[str] | None = None) -> str:
    """Return SELECT of the table's in-scope records with its derived columns (alias t).

    Tables that deals point at (`deal_column`) also get `__deals`, the deals on each record.
    With `only`, just those derived columns and the joins they (and the scope) need.
    """
    columns = {k: v for k, v in spec.derived.items() if only is None or k in only}
    columns.update(extra or {})
    used = " ".join([spec.scope, *columns.values()])
    # the catalog's expressions are text its author wrote: a join is kept when one names its alias
    joins = [j.strip() for alias, j in spec.joins.items()
             if only is None or re.search(rf"\b{re.escape(alias)}\.", used)]
    if spec.deal_column and (only is None or "__deals" in only):
        columns["__deals"] = "coalesce(__d.n, 0)"
        joins.append(DEALS_JOIN.format(column=_q(spec.deal_column), key=_q(spec.key)))
    derived = "".join(f",\n       ({expr}) AS {_q(name)}" for name, expr in columns.items())
    joins_sql = "".join(f"\n{j}" for j in joins)
    return f"SELECT t.*{derived}\nFROM {_q(spec.name)} t{joins_sql}\nWHERE {spec.scope}"


def plan_tables(con: duckdb.DuckDBPyConnection, catalog: Catalog, corporate_currency: str,
                only: set[str] | None = None) -> list[TablePlan]:
    """Compile every enabled rule, grouped by table (tables without rules are left out)."""
    keys = dict(con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE constraint_type = 'PRIMARY KEY' AND schema_name = 'main'").fetchall())
    plans = []
    for name, spec in catalog.tables.items():
        rules = [r for r in catalog.enabled() if r.table == name]
        if not rules or (only is not None and name not in only):
            continue
        relation = relation_sql(spec)
        probe = f"SELECT * FROM ({relation}) r LIMIT 0"
        cur = con.execute(probe, bound(con, probe, {"corporate_currency": corporate_currency}))
        columns = {d[0]: str(d[1]) for d in cur.description}
        base = tuple(c for c in columns if c not in spec.derived and not c.startswith("__"))
        plan = TablePlan(spec, relation, columns, base, tuple(keys.get(name, ())))
        plan.checks.extend(compile_rule(con, catalog, plan, rule) for rule in rules)
        plans.append(plan)
    return plans


def compile_rule(con: duckdb.DuckDBPyConnection, catalog: Catalog, plan: TablePlan,
                 rule: Rule) -> Check:
    """Vet one rule against its table and return its predicates."""
    where = f"rule {rule.id} ({rule.table})"
    prefix = f"p_{rule.id}_{rule.table}_".lower()
    params = {prefix + k: v for k, v in rule.params.items()}
    allowed = set(GLOBAL_PARAMS) | set(rule.params)
    cols = {c for c in plan.columns if not c.startswith("__")}

    def vet(sql: str) -> tuple[str, set[str]]:
        used = expression_columns(con, sql, cols, allowed, where)
        for k in rule.params:  # rename the rule's own parameters
            sql = _rename(sql, k, prefix + k)
        return sql, used

    applies, used = vet(rule.applies) if rule.applies else ("TRUE", set())
    kind = rule.kind
    if kind in ("references", "allowed", "typo", "required"):
        for c in rule.required or [rule.column or ""]:
            if c not in plan.base:
                raise RuleError(f"{where}: unknown column {c!r} of {rule.table}")
    derived = set(plan.spec.derived)
    if kind == "passes":
        passes, more = vet(rule.passes or "")
        needs = used | more
        return Check(rule, applies, passes, params, _needs(rule, needs, plan),
                     reads=frozenset(needs & derived))
    if kind == "required":
        return Check(rule, applies, "TRUE", params, tuple(rule.required or ()),
                     required=tuple(rule.required or ()), reads=frozenset(used & derived))
    if kind == "unique":
        key, more = vet(rule.unique or "")
        if plan.primary_key == (key,):
            return Check(rule, "TRUE", "TRUE", params, (), note="enforced by the primary key")
        return Check(rule, f"({key}) IS NOT NULL", "TRUE", params, _needs(rule, more, plan),
                     window_key=key, reads=frozenset(more & derived))
    column = _q(rule.column or "")
    applies = f"({applies}) AND {column} IS NOT NULL"
    if kind == "references":
        master = catalog.tables[rule.references or ""]
        passes = (f"{column} IN (SELECT t.{_q(master.key)} FROM {_q(master.name)} t "
                  f"WHERE {master.reference_scope or master.scope})")
    elif kind == "allowed":
        params[prefix + "allowed"] = list(rule.allowed or [])
        passes = f"list_contains(${prefix}allowed, trim(CAST({column} AS VARCHAR)))"
    else:
        if rule.typo not in catalog.vocabularies:
            raise RuleError(f"{where}: unknown vocabulary {rule.typo!r}; known: "
                            f"{', '.join(sorted(catalog.vocabularies))}")
        params[prefix + "bad"] = []  # filled per run with the misspelled values found
        passes = f"NOT list_contains(${prefix}bad, CAST({column} AS VARCHAR))"
    return Check(rule, applies, passes, params, (rule.column or "",),
                 reads=frozenset(used & derived))


def _needs(rule: Rule, used: set[str], plan: TablePlan) -> tuple[str, ...]:
    if rule.needs is not None:
        bad = set(rule.needs) - set(plan.base)
        if bad:
            raise RuleError(f"rule {rule.ref}: `needs` names unknown columns {sorted(bad)}")
        return tuple(rule.needs)
    return tuple(sorted(c for c in used if c in plan.base))


def _rename(sql: str, old: str, new: str) -> str:
    # a rule's condition is text its author wrote; namespacing its own `$names` is a text rewrite
    return re.sub(rf"\${re.escape(old)}\b", f"${new}", sql)


def bound(con: duckdb.DuckDBPyConnection, sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """Return the values of the `$name` parameters `sql` uses, as DuckDB's parser reads them
    (DuckDB refuses extra ones)."""
    (statement,) = con.extract_statements(sql)
    return {k: values[k] for k in statement.named_parameters}


def completeness(plan: TablePlan, check: Check, columns: tuple[str, ...]) -> Check:
    """Return a completeness check over the given (measured) columns only."""
    parts = []
    for c in columns:
        text = plan.columns.get(c, "").upper() == "VARCHAR"
        parts.append(f"nullif(trim({_q(c)}), '') IS NOT NULL" if text else
                     f"{_q(c)} IS NOT NULL")
    return Check(check.rule, check.applies, " AND ".join(parts), check.params, columns,
                 required=columns, note=check.note, reads=check.reads)
