"""The single statement of a check run: every table scanned once, every number computed in SQL.

Per table, a flags pass evaluates each rule on each record (`a<i>` applies, `f<i>` fails) and
aggregates per owner; the results are then summed per table (with the import quarantine as
failing records), per dimension (check-level pass rates), per owner, and in total (the data
accuracy rate, docs/metrics.md#m70, with the target comparison). Rows come back in long form:
kind (total | table | dimension | owner), name, counts, rate, passed, and per table the list of
rule results.
"""

from __future__ import annotations

from tools.quality.compile import Check, TablePlan

RULE_STRUCT = ("STRUCT(rule_id VARCHAR, table_name VARCHAR, dimension VARCHAR, "
               "severity VARCHAR, applicable BIGINT, failed BIGINT, pass_rate DOUBLE, "
               "passed BOOLEAN, samples VARCHAR[], deals BIGINT)")


def _cte_name(plan: TablePlan) -> str:
    return f'"t_{plan.spec.name}"'


def table_cte(plan: TablePlan, checks: list[Check]) -> str:
    """Return the per-owner aggregate of one table's rule flags (one scan of the relation).

    Uniqueness checks rank duplicates in a second, narrow layer (ids, keys and flags only), so
    the window never carries the table's wide rows.
    """
    spec = plan.spec
    owner = f'r."{spec.owner}"' if spec.owner else "NULL"
    created = f'r."{spec.created}"' if spec.created else "NULL"
    deals = "r.__deals" if "__deals" in plan.columns else "NULL"
    inner = [f'CAST(r."{spec.key}" AS VARCHAR) AS __id', f'r."{spec.key}" AS __key',
             f"{owner} AS __owner", f"{created} AS __created", f"{deals} AS __deals"]
    outer = ["__id", "__owner", "__deals"]
    for i, c in enumerate(checks):
        if c.window_key is None:  # f reuses a (a lateral alias): half the expressions to plan
            inner += [f"coalesce({c.applies}, FALSE) AS __a{i}",
                      f"__a{i} AND NOT coalesce({c.passes}, FALSE) AS __f{i}"]
            outer += [f"__a{i} AS a{i}", f"__f{i} AS f{i}"]
        else:
            inner.append(f"{c.window_key} AS k{i}")
            outer += [f"k{i} IS NOT NULL AS a{i}",
                      f"k{i} IS NOT NULL AND row_number() OVER (PARTITION BY k{i} ORDER BY "
                      f"__created NULLS LAST, __key) > 1 AS f{i}"]
    crit = [i for i, c in enumerate(checks) if c.rule.severity == "critical"]
    any_a = " OR ".join(f"a{i}" for i in crit) or "FALSE"
    any_f = " OR ".join(f"f{i}" for i in crit) or "FALSE"
    aggs = ["count(*) AS records", f"count(*) FILTER (WHERE {any_a}) AS evaluated",
            f"count(*) FILTER (WHERE ({any_a}) AND NOT ({any_f})) AS passing"]
    for i in range(len(checks)):
        aggs += [f"count(*) FILTER (WHERE a{i}) AS a{i}", f"count(*) FILTER (WHERE f{i}) AS f{i}",
                 f"min(__id, $sample_size) FILTER (WHERE f{i}) AS s{i}",
                 f"sum(__deals) FILTER (WHERE f{i}) AS d{i}"]
    sep = ",\n         "
    return (f"{_cte_name(plan)} AS MATERIALIZED (\n  SELECT __owner AS __group,\n"
            f"         {sep.join(aggs)}\n"
            f"  FROM (SELECT {sep.join(outer)}\n"
            f"        FROM (SELECT {sep.join(inner)}\n"
            f"              FROM ({plan.relation}) r) narrow) flags\n  GROUP BY ALL\n)")


def _rule_list(plan: TablePlan, checks: list[Check]) -> str:
    # Labels written as literals are the catalog's, validated there (ids ^[A-Za-z][A-Za-z0-9_]*$,
    # built-in table names, Literal dimension/severity, a float fraction): no quote can reach them.
    items = []
    for i, c in enumerate(checks):
        items.append(
            f"{{'rule_id': '{c.rule.id}', 'table_name': '{plan.spec.name}', "
            f"'dimension': '{c.rule.dimension}', 'severity': '{c.rule.severity}', "
            f"'applicable': CAST(coalesce(sum(a{i}), 0) AS BIGINT), "
            f"'failed': CAST(coalesce(sum(f{i}), 0) AS BIGINT), "
            f"'pass_rate': (sum(a{i}) - sum(f{i})) / nullif(sum(a{i}), 0), "
            f"'passed': coalesce((sum(a{i}) - sum(f{i})) / nullif(sum(a{i}), 0) >= "
            f"{float(c.rule.min_pass_fraction)!r}, TRUE), "
            f"'samples': coalesce(list_sort(flatten(list(s{i}) FILTER (WHERE s{i} IS NOT NULL)))"
            f"[:$sample_size], []), 'deals': CAST(sum(d{i}) AS BIGINT)}}")
    if not items:
        return f"CAST([] AS {RULE_STRUCT}[])"
    return f"CAST([{', '.join(items)}] AS {RULE_STRUCT}[])"


def run_statement(plans: list[tuple[TablePlan, list[Check]]], scope: list[str],
                  comparator: str) -> str:
    """Return the whole run as one SELECT (bound: $sample_size, $target, rule parameters)."""
    ctes = [table_cte(p, c) for p, c in plans]
    per_table = "\n  UNION ALL\n".join(
        f"  SELECT '{p.spec.name}' AS table_name, {str(p.spec.name in scope).lower()} "
        "AS in_scope,\n"
        f"         CAST(coalesce(sum(records), 0) AS BIGINT) AS records, "
        f"CAST(coalesce(sum(evaluated), 0) AS BIGINT) AS evaluated,\n"
        f"         CAST(coalesce(sum(passing), 0) AS BIGINT) AS passing, "
        f"{_rule_list(p, c)} AS rules\n"
        f"  FROM {_cte_name(p)}" for p, c in plans)
    owners = "\n    UNION ALL\n".join(
        f"    SELECT CAST(__group AS VARCHAR) AS owner_id, evaluated, passing "
        f"FROM {_cte_name(p)}"
        for p, _ in plans if p.spec.owner and p.spec.name in scope) or \
        "    SELECT NULL AS owner_id, 0 AS evaluated, 0 AS passing WHERE FALSE"
    op = ">=" if comparator == ">=" else ">"
    head = ",\n".join(ctes)
    return f"""WITH {head},
per_table AS (
{per_table}
),
quarantine AS (SELECT table_name, count(*) AS quarantined FROM import_rejects GROUP BY ALL),
tables AS (
  SELECT p.table_name, p.in_scope, p.records, coalesce(q.quarantined, 0) AS quarantined,
         p.evaluated + coalesce(q.quarantined, 0) AS evaluated, p.passing, p.rules
  FROM per_table p LEFT JOIN quarantine q USING (table_name)
),
owners AS (
  SELECT owner_id, CAST(sum(evaluated) AS BIGINT) AS evaluated,
         CAST(sum(passing) AS BIGINT) AS passing
  FROM (
{owners}
  ) o
  WHERE owner_id IS NOT NULL
  GROUP BY ALL
),
checks AS (SELECT unnest(rules, recursive := true) FROM tables)
SELECT 'total' AS kind, NULL AS name, CAST(sum(records) AS BIGINT) AS records,
       CAST(sum(quarantined) AS BIGINT) AS quarantined, CAST(sum(evaluated) AS BIGINT) AS evaluated,
       CAST(sum(passing) AS BIGINT) AS passing, sum(passing) / nullif(sum(evaluated), 0) AS rate,
       CASE WHEN sum(evaluated) > 0 THEN sum(passing) {op} $target * sum(evaluated) END AS passed,
       NULL AS rules
FROM tables WHERE in_scope
UNION ALL
SELECT 'table', table_name, records, quarantined, evaluated, passing,
       passing / nullif(evaluated, 0), NULL, rules
FROM tables
UNION ALL
SELECT 'dimension', dimension, NULL, NULL, CAST(sum(applicable) AS BIGINT),
       CAST(sum(applicable - failed) AS BIGINT),
       sum(applicable - failed) / nullif(sum(applicable), 0), NULL, NULL
FROM checks GROUP BY dimension
UNION ALL
SELECT 'owner', owner_id, NULL, NULL, evaluated, passing, passing / nullif(evaluated, 0), NULL, NULL
FROM owners"""
