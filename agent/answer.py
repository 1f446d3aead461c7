"""The template answer: one paragraph built only from the tool result's own numbers."""

from __future__ import annotations

from typing import Any

from agent.formatting import column_unit, is_quality, value
from agent.plan import Plan
from agent.threshold import sentence
from tools.base import MetricResult
from tools.quality.phrasing import compose_quality

TITLES = {
    "bookings": "Bookings", "won_deals": "Deals won", "win_rate": "Win rate",
    "win_rate_value": "Win rate by value", "avg_deal_size": "Average won deal size",
    "median_deal_size": "Median won deal size", "avg_cycle_days": "Average sales cycle",
    "median_cycle_days": "Median sales cycle", "open_pipeline": "Open pipeline",
    "weighted_pipeline": "Weighted pipeline", "deals": "Deals", "amount": "Amount",
    "attainment": "Quota attainment", "coverage": "Pipeline coverage",
}
TOOL_TITLES = {("deal_risk", "score"): "Deal risk score",
               ("bottleneck", "score"): "Bottleneck score"}
"""Titles for measure names that mean different things in different tools."""
ACRONYMS = frozenset({"arr", "mrr", "nrr", "grr", "sla", "roi", "mape", "wape", "iqr", "cv",
                      "fte", "crm", "acv", "tcv", "p75", "p90", "p95"})
FLOW_MEASURES = frozenset({"bookings", "won_deals", "deals", "amount", "new", "expansion",
                           "contraction", "churn", "reactivation", "net_new", "activities",
                           "calls", "emails", "meetings", "volume", "syncs", "errors",
                           "pipeline", "leads", "created"})
"""Measures that add up over time buckets; balances (ARR, open pipeline, backlog) do not."""
LEADERBOARD_BASIS = {"bookings": "bookings", "won_deals": "deals won", "win_rate": "win rate",
                     "avg_deal_size": "average deal size", "avg_cycle_days": "sales cycle"}
NULL_REASONS = {
    "NO_DATA": "there are no matching deals",
    "ZERO_DENOMINATOR": "there is nothing to divide by in this period",
    "MOSTLY_CENSORED": "more than half of the records never got a response, so the median is "
                       "not defined",
    "NOT_MEASURED": "it has not been measured yet",
    "INSUFFICIENT_HISTORY": "there is not enough history for it",
    "MISSING_QUOTA": "no quota is recorded for the period",
    "QUOTA_ATTAINED": "the quota is already met, so no quota remains to cover",
}


def title(r: MetricResult) -> str:
    """Name the headline measure for people."""
    if r.metric == "leaderboard":
        return f"Leaderboard (ranked by {LEADERBOARD_BASIS.get(r.measure, r.measure)})"
    if r.metric == "opportunity_count":
        kind = (r.definition.split(" of ", 1)[-1]).rstrip(".")
        return ("Value of " if r.measure == "amount" else "Number of ") + kind
    if (r.metric, r.measure) in TOOL_TITLES:
        return TOOL_TITLES[(r.metric, r.measure)]
    if r.measure in TITLES:
        return TITLES[r.measure]
    words = [w.upper() if w in ACRONYMS else w for w in r.measure.split("_")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _fmt(r: MetricResult, column: str, v: Any) -> str:
    return value(v, column_unit(r, column), r.currency)


def compose(r: MetricResult, plan: Plan) -> str:
    """Return the answer paragraph for a result, and which rows meet a threshold it names."""
    text = _compose(r, plan)
    if plan.threshold is None:
        return text
    labels = [d.value for d in plan.params.group_by]
    noun = "deals" if labels == ["opportunity"] else plural(labels[0].replace("_", " ")) \
        if len(labels) == 1 else "rows"
    said = sentence(r, plan.threshold, labels, noun)
    return f"{text} {said}" if said else text


def _compose(r: MetricResult, plan: Plan) -> str:
    # a rule whose failing records are listed as they are (users, not their owners' split)
    # reads as the list it is, whatever split was asked
    own = compose_quality(r, bool(plan.params.group_by or plan.params.time_grain)
                          and r.measure in r.columns)
    if own:
        return own
    if r.metric == "scorecard":
        return _scorecard(r)
    period = _period_text(r)
    name = title(r) + (f" as of {plan.as_of}" if plan.as_of else "")  # a date the question names
    filters = _filter_text(plan)
    if not plan.params.group_by and not plan.params.time_grain:
        return _scalar(r, name, period, filters)
    if not r.rows:
        return f"{name}{filters}{period}: no data."
    if plan.params.time_grain:
        return _trend(r, plan, name, period, filters)
    return _ranked(r, plan, name, period, filters)


def _period_text(r: MetricResult) -> str:
    if not r.period:
        return " (all dates)"
    p = r.period
    return f" for {p['label']} ({p['start']} to {p['end']})" if p["label"] != \
        f"{p['start']} to {p['end']}" else f" for {p['start']} to {p['end']}"


def _filter_text(plan: Plan) -> str:
    parts = []
    for f in plan.params.filters:
        word = "excluding" if f.exclude else "for"
        parts.append(f" {word} {f.dimension.value.replace('_', ' ')} {' or '.join(f.values)}")
    return "".join(parts)


def _scalar(r: MetricResult, name: str, period: str, filters: str) -> str:
    if r.value is None:
        why = NULL_REASONS.get(r.null_reason or "", "it is not defined for this data")
        return f"{name}{filters}{period} cannot be computed: {why}."
    row = r.rows[0]
    text = f"{name}{filters}{period} was {_fmt(r, r.measure, r.value)}"
    extras = [_extra(r, c, v) for c, v in zip(r.columns, row, strict=True)
              if c != r.measure and v is not None and not is_quality(c)
              and not c.endswith(("previous", "growth", "change"))
              and not (r.unit == "ratio" and column_unit(r, c) == "ratio")]
    extras = extras[:3] + [e for e in extras[3:] if e.split(" ", 1)[-1].startswith("reps ")]
    # (how many reps the figure covers and how many met it are always said: "how many reps
    # hit quota" is answered by the attainment's own count)
    if extras:
        text += f" ({', '.join(extras)})"
    if f"{r.measure}_previous" in r.columns:
        text += _comparison(r, row)
    return text + "."


def _extra(r: MetricResult, column: str, v: Any) -> str:
    words = column.replace("_", " ")
    unit = column_unit(r, column)
    return f"{_fmt(r, column, v)} {words}" if unit == "count" else f"{words} {_fmt(r, column, v)}"


def _comparison(r: MetricResult, row: list[Any]) -> str:
    prev = row[r.columns.index(f"{r.measure}_previous")]
    if prev is None:
        return "; there is no value for the comparison period"
    if "growth" in r.columns:
        g = row[r.columns.index("growth")]
        if g is None:
            return f", against {_fmt(r, r.measure, prev)} in the comparison period"
        word = "up" if g > 0 else "down" if g < 0 else "flat"
        return f", {word} {abs(g):.1%} from {_fmt(r, r.measure, prev)} in the comparison period"
    change = row[r.columns.index("change")]
    points = "" if change is None else f" ({change * 100:+.1f} points)" if r.unit == "ratio" \
        else f" ({_fmt(r, r.measure, change)} change)"
    return f", against {_fmt(r, r.measure, prev)} in the comparison period{points}"


def _ranked(r: MetricResult, plan: Plan, name: str, period: str, filters: str) -> str:
    if r.metric == "leaderboard":  # "top 5 reps by bookings", not "by leaderboard (...)"
        basis = LEADERBOARD_BASIS.get(r.measure, r.measure.replace("_", " "))
        name = basis[:1].upper() + basis[1:]
    dims = [d.value for d in plan.params.group_by]
    idx = r.columns.index(r.measure)
    label = " / ".join(dims).replace("_", " ")

    def who(row: list[Any]) -> str:
        return " / ".join(str(row[r.columns.index(d)]) for d in dims)

    if plan.params.top == 1:
        first = r.rows[0]
        word = "lowest" if plan.params.order == "asc" else "highest"
        return (f"{who(first)} had the {word} {name.lower()}{filters}{period}: "
                f"{_fmt(r, r.measure, first[idx])}.")
    if dims == ["opportunity"]:  # a deal list: how many, then the first few with their value
        shown = [f"{who(row)} ({_fmt(r, r.measure, row[idx])})" for row in r.rows[:5]]
        head = f"{name} by deal{filters}{period}, {len(r.rows):,} deals"
    else:
        shown = [f"{who(row)} {_fmt(r, r.measure, row[idx])}{_share(r, row)}{_was(r, row)}"
                 for row in r.rows[:5]]
        head = f"{name} by {label}{filters}{period}"
    if plan.params.top:
        which = "Bottom" if plan.params.order == "asc" else "Top"
        head = f"{which} {len(r.rows)} {plural(label)} by {name.lower()}{filters}{period}"
    more = f", and {len(r.rows) - 5} more" if len(r.rows) > 5 else ""
    return f"{head}: {'; '.join(shown)}{more}."


def _share(r: MetricResult, row: list[Any]) -> str:
    """Each group's share of the total, where the tool computes it (the leaderboard)."""
    if "share_of_total" not in r.columns or r.measure == "share_of_total" or \
            (share := row[r.columns.index("share_of_total")]) is None:
        return ""
    return f" ({share:.1%} of the total)"


def _was(r: MetricResult, row: list[Any]) -> str:
    """The comparison value beside each group, when the question compared periods."""
    column = f"{r.measure}_previous"
    if column not in r.columns or row[r.columns.index(column)] is None:
        return ""
    return f" (was {_fmt(r, r.measure, row[r.columns.index(column)])})"


def plural(noun: str) -> str:
    """Return a simple English plural of a dimension name."""
    if noun.endswith("y") and not noun.endswith(("ey", "ay")):
        return noun[:-1] + "ies"
    return noun if noun.endswith("s") else noun + "s"


def _trend(r: MetricResult, plan: Plan, name: str, period: str, filters: str) -> str:
    idx = r.columns.index(r.measure)
    points = [(row[0], row[idx]) for row in r.rows if row[idx] is not None]
    if not points:
        return f"{name}{filters}{period}: no data."
    if plan.params.top and not plan.params.group_by:
        word = "lowest" if plan.params.order == "asc" else "highest"
        best = ", ".join(f"{b} ({_fmt(r, r.measure, v)})" for b, v in points)
        return f"{r.columns[0].capitalize()} with the {word} {name.lower()}{filters}{period}: " \
               f"{best}."
    hi = max(points, key=lambda p: p[1])
    lo = min(points, key=lambda p: p[1])
    text = (f"{name}{filters}{period}, by {r.columns[0]}: highest in {hi[0]} "
            f"({_fmt(r, r.measure, hi[1])}), lowest in {lo[0]} ({_fmt(r, r.measure, lo[1])})")
    if r.measure in FLOW_MEASURES and not _grouped_trend(r):
        total = sum(p[1] for p in points)
        text += f"; {_fmt(r, r.measure, total)} in total"
    return text + "."


def _grouped_trend(r: MetricResult) -> bool:
    return len(r.rows) != len({row[0] for row in r.rows})


def _scorecard(r: MetricResult) -> str:
    """Say how many targets are met, then each metric, then what drives the misses."""
    c = r.columns
    rows = [dict(zip(c, row, strict=True)) for row in r.rows]
    met = sum(1 for x in rows if x["passed"])
    measured = sum(1 for x in rows if x["passed"] is not None)
    label = r.period["label"] if r.period else ""
    parts = []
    for x in rows:
        target = f"target {x['comparator']} {x['target']:.0%}"
        if x["value"] is None:
            why = str(x["drivers"] or "").removeprefix("not measured: ")
            parts.append(f"{x['metric']} not yet measured ({target}{'; ' + why if why else ''})")
        else:
            state = "met" if x["passed"] else "missed"
            parts.append(f"{x['metric']} {x['value']:.1%} ({target}, {state})")
    text = f"Against the success targets for {label}: {met} of {measured} measured met. "
    text += "; ".join(parts) + "."
    misses = [f"{x['metric']}: {x['drivers']}" for x in rows if x["passed"] is False
              and x["drivers"]]
    if misses:
        text += " Behind the misses: " + " | ".join(misses) + "."
    return text
