"""Answer paragraphs for the data-quality tools, built only from the result's own numbers.

agent/answer.py's generic template reads the first row as the headline's row; these tools
return lists (tables, rules, records), so they phrase their own answers (None = use the
generic template, e.g. for a ranked breakdown by owner).
"""

from __future__ import annotations

from tools.base import MetricResult


def compose_quality(r: MetricResult, grouped: bool) -> str | None:
    """Return the answer for a data_quality, data_issues or duplicate_records result."""
    if grouped and not (r.metric == "data_issues" and "did_you_mean" in r.columns):
        return None
    if r.metric == "data_quality":
        return _accuracy(r)
    if r.metric == "data_issues":
        return _issues(r)
    if r.metric == "duplicate_records":
        return _duplicates(r)
    return None


def _accuracy(r: MetricResult) -> str:
    if r.value is None:
        return f"Data accuracy as of {r.as_of} cannot be computed: there are no records to " \
               "evaluate."
    if r.columns[0] == "records":  # one slice of owners (filters, e.g. a requester's scope)
        records, passing = r.rows[0][0], r.rows[0][1]
        return (f"Data accuracy of these records as of {r.as_of} is {r.value:.1%}: "
                f"{passing:,} of {records:,} records pass every critical data-quality rule.")
    if r.columns[0] == "dimension":
        parts = "; ".join(f"{row[0]} {row[1]:.1%}" for row in r.rows)
        return (f"Data accuracy as of {r.as_of} is {r.value:.1%}. Share of rule checks passed "
                f"by dimension: {parts}.")
    total = r.rows[0]
    tables = [row for row in r.rows[1:] if row[1] is not None]
    text = (f"Data accuracy as of {r.as_of} is {r.value:.1%}: {total[4]:,} of {total[3]:,} "
            "records pass every critical data-quality rule")
    if tables:
        worst = min(tables, key=lambda row: (row[1], row[0]))
        text += f"; lowest: {worst[0]} at {worst[1]:.1%}"
    return text + "."


def _rule_parts(definition: str) -> tuple[str, str, str]:
    """Split "R03b missing_account: Every deal ... (critical completeness rule on X). ..."."""
    head = definition.split(". Effect:")[0]
    rule_id = head.split()[0]
    text, _, kind = head.partition(": ")[2].rpartition(" (")
    return rule_id, text[:1].lower() + text[1:], kind.rstrip(")").rsplit(" ", 1)[-1]


def _issues(r: MetricResult) -> str:
    if r.columns[0] == "rule":
        if not r.rows:
            return f"No data-quality rule finds a problem as of {r.as_of}."
        worst = "; ".join(f"{row[0]} {row[2].replace('_', ' ')} ({row[4]:,} {row[1]})"
                          for row in r.rows[:5])
        return (f"{r.value:,} records fail at least one critical data-quality rule as of "
                f"{r.as_of}. Most failures: {worst}.")
    rule_id, text, table = _rule_parts(r.definition)
    if r.null_reason:
        why = r.warnings[0].message if r.warnings else r.null_reason
        return f"Rule {rule_id} ({text}) gives no answer: {why}"
    if not r.value:
        return f"No {table} fail rule {rule_id} ({text}) as of {r.as_of}."
    if "did_you_mean" in r.columns:
        shown = "; ".join(f"'{row[0]}' on {row[1]:,} {table}" +
                          (f" (probably '{row[2]}')" if row[2] else "") for row in r.rows[:5])
        return f"{r.value:,} {table} fail rule {rule_id} ({text}): {shown}."
    sample = ", ".join(str(row[1]) for row in r.rows[:3])
    return f"{r.value:,} {table} fail rule {rule_id} ({text}) as of {r.as_of}, e.g. {sample}."


def _duplicates(r: MetricResult) -> str:
    kind = r.definition.split("Likely duplicate ", 1)[-1].split(":")[0]
    if not r.value:
        return f"No likely duplicate {kind} found."
    pairs = "; ".join(f"'{row[1]}' repeats '{row[3]}' ({row[4]})" for row in r.rows[:3])
    return f"{r.value:,} {kind} look like duplicates of earlier records: {pairs}."
