"""The check report: accuracy against target, per table and dimension, the worst offenders
(rules and owners), what each finding does to which metrics, the import quarantine, and the
change since the previous recorded run. Text for people, a dict for `--json`."""

from __future__ import annotations

from typing import Any

from tools.quality.model import RuleResult, RunResult

TOP_OWNERS = 20


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1%}"


def failing(run: RunResult) -> list[RuleResult]:
    """Return measured rules with failures: critical first, then most failures."""
    rules = [r for r in run.rules if r.status == "measured" and r.failed]
    return sorted(rules, key=lambda r: (r.severity != "critical", -(r.failed or 0), r.rule_id))


def comparison(run: RunResult, previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the change since the previous run: accuracy delta and rules whose count moved."""
    if previous is None:
        return None
    before = previous.get("accuracy")
    delta = None if before is None or run.accuracy is None else run.accuracy - before
    changes = []
    for r in run.rules:
        old = previous["rules"].get(r.ref)
        if r.status == "measured" and (old or 0) != (r.failed or 0):
            changes.append({"rule": r.ref, "name": r.name, "before": old, "now": r.failed})
    return {"run_id": previous["run_id"], "started_at": str(previous["started_at"]),
            "accuracy": before, "change": delta, "rules": changes}


def render_text(run: RunResult, previous: dict[str, Any] | None, owners: dict[str, str],
                company: str = "") -> str:
    """Return the report a person reads after `revops check`."""
    lines = [f"Data quality check{' of ' + company if company else ''}: as of {run.as_of}, "
             f"run {run.run_id or '(not recorded)'} ({run.duration_s:.1f} s)", ""]
    lines += _headline(run, comparison(run, previous))
    lines += ["", "By table (records passing every critical rule):",
              f"  {'table':<16}{'records':>11}{'quarantined':>13}{'evaluated':>11}"
              f"{'passing':>11}{'accuracy':>10}"]
    empty = [t.table for t in run.tables if not t.records and not t.quarantined]
    for t in run.tables:
        if t.table in empty:
            continue
        mark = "" if t.in_scope else "  (not in the rate)"
        lines.append(f"  {t.table:<16}{t.records:>11,}{t.quarantined:>13,}{t.evaluated:>11,}"
                     f"{t.passing:>11,}{_pct(t.accuracy):>10}{mark}")
    if empty:
        lines.append(f"  no records: {', '.join(empty)}")
    lines += ["", "By dimension (share of rule checks passed):"]
    lines += [f"  {d.name:<14}{_pct(d.rate):>8}  of {d.evaluated:,} checks" for d in
              run.dimensions if d.evaluated]
    lines += ["", "Findings, worst first:" if failing(run) else "Findings: none."]
    for r in failing(run):
        lines += _finding(r)
    worst = [o for o in run.owners if o.evaluated > o.passing][:5]
    if worst:
        lines += ["", "Owners with the most records failing a critical rule:"]
        lines += [f"  {owners.get(o.name, o.name):<28}{o.evaluated - o.passing:>8,} of "
                  f"{o.evaluated:,} failing ({_pct(1 - (o.rate or 0))})" for o in worst]
    lines += _quarantine(run)
    skipped = [r for r in run.rules if r.status == "unmeasured" or
               (r.note.startswith("not") and r.status == "measured")]
    if skipped:
        lines += ["", "Not measured (fields the data does not have):"]
        lines += [f"  {r.rule_id:<5} {r.table:<14} {r.name}: {r.note}" for r in skipped]
    clean = [r for r in run.rules if r.status == "measured" and not r.failed]
    lines += ["", f"{len(clean)} measured rules found no problem; "
                  f"{sum(1 for r in run.rules if r.status == 'unmeasured')} could not be measured."]
    return "\n".join(lines)


def _headline(run: RunResult, change: dict[str, Any] | None) -> list[str]:
    if run.accuracy is None:
        head = "Data accuracy rate: not defined (no records to evaluate)."
    else:
        verdict = "met" if run.passed else "NOT met"
        head = (f"Data accuracy rate: {run.accuracy:.2%} ({run.passing:,} of {run.evaluated:,} "
                f"records pass every critical rule); target {run.comparator} {run.target:.0%}: "
                f"{verdict} (gap {(run.accuracy - run.target) * 100:+.2f} points).")
    out = [head]
    if change is None:
        out.append("Previous run: none (this is the first recorded check).")
    else:
        moved = "" if change["change"] is None else f" ({change['change'] * 100:+.2f} points)"
        out.append(f"Previous run {change['run_id']} ({change['started_at'][:16]}): "
                   f"{_pct(change['accuracy'])}{moved}.")
        for c in change["rules"][:8]:
            out.append(f"  {c['rule']} {c['name']}: {c['before'] or 0:,} -> {c['now'] or 0:,}")
    return out


def _finding(r: RuleResult) -> list[str]:
    share = f" ({(r.failed or 0) / r.applicable:.1%})" if r.applicable else ""
    sample = f"; e.g. {', '.join(r.samples[:3])}" if r.samples else ""
    deals = f" (on {r.deals_affected:,} deals)" if r.deals_affected else ""
    out = [f"  {r.severity.upper():<8} {r.rule_id:<5} {r.table}: {r.failed:,} of "
           f"{r.applicable:,}{share} fail {r.name}{deals}{sample}",
           f"           {r.description}."]
    for f in r.findings[:5]:
        hint = f" (did you mean '{f.suggestion}'?)" if f.suggestion else ""
        out.append(f"           '{f.value}': {f.records:,} {r.table}{hint}")
    if r.effect:
        out.append(f"           Effect: {r.effect}")
    if r.note and not r.note.startswith("not"):
        out.append(f"           Note: {r.note}")
    return out


def _quarantine(run: RunResult) -> list[str]:
    if not run.quarantine:
        return ["", "Import quarantine: empty (every imported row was stored)."]
    total = sum(q.rows for q in run.quarantine)
    out = ["", f"Import quarantine: {total:,} rows `revops import` could not store "
               "(counted as failing records of their table):"]
    out += [f"  {q.table}.{q.column or '?'}: {q.rows:,} rows, e.g. {q.example}"
            for q in run.quarantine[:8]]
    return out


def report_json(run: RunResult, previous: dict[str, Any] | None,
                owners: dict[str, str]) -> dict[str, Any]:
    """Return the run as JSON-ready data, with the comparison and owner names."""
    data = run.model_dump(mode="json")
    data["previous"] = comparison(run, previous)
    data["owners"] = [{**o, "label": owners.get(o["name"], o["name"])}  # the worst 20
                      for o in data["owners"][:TOP_OWNERS]]
    return data
