"""Result envelopes of the issue and duplicate tools, and the caveats of a live check run."""

from __future__ import annotations

import threading
from typing import Any

from tools.base import (
    FilterUnsupported,
    MetricParams,
    MetricResult,
    ToolContext,
    ToolInputError,
    Warning,
)
from tools.metrics.core.envelope import Fetched, envelope
from tools.quality.catalog import Rule
from tools.quality.compile import bound
from tools.quality.duplicates import MAX_EDITS, duplicates_sql
from tools.quality.history import catalog_in_effect, recent_runs
from tools.quality.issues import Listing, deal_listing, record_listing, value_view
from tools.quality.loadcheck import load_check
from tools.quality.model import RunResult
from tools.quality.recorded import current_run
from tools.quality.report import failing
from tools.quality.runner import bind_values, default_as_of, prepare, run_checks
from tools.query import plain, render

DUPLICATE_ROWS = 50


def check_run(ctx: ToolContext, recorded_ok: bool = True) -> RunResult:
    """Return the latest recorded run while it still describes the data, else the run made
    when the data was loaded (same rules and as-of date, data unchanged), else run live."""
    catalog = catalog_in_effect(ctx.con)
    run = current_run(ctx.con, catalog) if recorded_ok else None
    if run is not None:
        return run
    as_of = default_as_of(ctx.settings, ctx.as_of)
    key = ("live_check_run", as_of)  # the catalog in effect is read from the data too
    # the data cannot change under a read-only connection: run once, also when two tools
    # running in parallel (the dashboard's panels) both ask for it
    lock = ctx.memo.setdefault(("live_check_run_lock", as_of), threading.Lock())
    with lock:
        if key not in ctx.memo:
            ctx.memo[key] = (load_check(ctx.con, catalog, as_of)
                             or run_checks(ctx.con, catalog, ctx.settings, as_of))
    return ctx.memo[key]


def run_warnings(ctx: ToolContext, run: RunResult, recorded: bool = False,
                 company: bool = True) -> list[Warning]:
    """Return the caveats of a run: target, unmeasured rules, quarantine, where it comes from.

    company=False (an answer about some owners' records) leaves out the caveats that quote
    company-wide totals: they would contradict the slice and show a scoped requester numbers
    outside their scope.
    """
    out: list[Warning] = []
    if company and run.accuracy is not None and not run.passed:
        out.append(Warning(code="DQ_BELOW_TARGET", message=(
            f"Data accuracy is {run.accuracy:.1%}, not {run.comparator} {run.target:.0%}: "
            f"{run.evaluated - run.passing:,} of {run.evaluated:,} records fail a critical "
            "rule.")))
    skipped = [r for r in run.rules if r.status == "unmeasured"]
    if skipped:
        names = ", ".join(sorted({r.name for r in skipped})[:6])
        out.append(Warning(code="DQ_NOT_MEASURED", message=(
            f"{len(skipped)} rules could not be measured because the data lacks their fields "
            f"({names}); the rate covers the rules that could.")))
    rejected = sum(t.quarantined for t in run.tables if t.in_scope)
    if company and rejected:
        out.append(Warning(code="DQ_IMPORT_QUARANTINE", message=(
            f"{rejected:,} imported rows could not be stored (import_rejects); they count as "
            "failing records.")))
    last = recent_runs(ctx.con, 1)
    if recorded:
        out.append(Warning(code="DQ_RECORDED_CHECK", message=(
            f"From the check recorded as run {run.run_id} ({str(run.started_at)[:16]}, as of "
            f"{run.as_of}); the data has not changed since. `revops check` records a new one.")))
    elif not last:
        out.append(Warning(code="DQ_NO_RECORDED_CHECK", message=(
            f"{_computed(run)}. No check is in the check history yet, so there is no trend: "
            "`revops check` records one (the scorecard's quarters read that history).")))
    elif company and last[0]["accuracy"] is not None:
        out.append(Warning(code="DQ_LAST_CHECK", message=(
            f"The last recorded check ({last[0]['run_id']}, {str(last[0]['started_at'])[:10]}) "
            f"measured {last[0]['accuracy']:.1%}; this answer is {_computed(run).lower()}.")))
    return out


def _computed(run: RunResult) -> str:
    """Where a run that is not a recorded check comes from: live, or at load time."""
    if run.loaded_at is None:
        return "Computed live"
    return f"Computed when the data was loaded ({run.loaded_at:%Y-%m-%d %H:%M}, unchanged since)"


def _rule(catalog: Any, name: str, table: str | None) -> Rule:
    found = [r for r in catalog.rules if r.name == name and (table is None or r.table == table)]
    if not found:
        raise ToolInputError(f"there is no data-quality rule '{name}'",
                             options=sorted({r.name for r in catalog.rules})[:10])
    return found[0]


COLUMN_DIMENSIONS = {"product_id": "product", "account_id": "account", "owner_id": "rep",
                     "industry": "industry", "lead_source": "lead_source"}


def _dim_of(rule: Rule) -> str | None:
    """Return the dimension that names a rule's column ("which products ..." = the values)."""
    return COLUMN_DIMENSIONS.get(rule.column or "") if rule.table == "opportunities" or \
        rule.column == "industry" else None


def issues_result(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return every failing rule (measure 'all') or the records failing one rule."""
    catalog = catalog_in_effect(ctx.con)
    as_of = default_as_of(ctx.settings, ctx.as_of)
    if (params.measure or "all") == "all":
        if params.group_by or params.filters:
            raise FilterUnsupported(
                "the list of failing rules covers every record; split or filter one issue "
                "instead (e.g. deals missing a close date by rep), or ask for data accuracy "
                "by owner", params.dimensions_outside(),
                options=["data accuracy by rep", "one issue by rep"])
        run = check_run(ctx)
        rows = [[r.rule_id, r.table, r.name, r.severity, r.failed, r.applicable, r.pass_rate]
                for r in failing(run)]
        columns = ["rule", "table", "issue", "severity", "failing", "records", "pass_rate"]
        return _result(ctx, "failing", columns, rows, run.evaluated - run.passing, run.sql,
                       "Records failing each data-quality rule (critical first); the headline is "
                       "the number of records failing at least one critical rule.",
                       run_warnings(ctx, run, recorded=run.run_id is not None), run.as_of)
    table = params.options.get("table")
    rule = _rule(catalog, params.measure or "", str(table) if table else None)
    definition = (f"{rule.id} {rule.name}: {rule.description} ({rule.severity} "
                  f"{rule.dimension} rule on {rule.table}). Effect: {rule.effect}")
    if not rule.enabled:
        return _result(ctx, "failing", ["issue"], [], None, "", definition, [Warning(
            code="DQ_RULE_DISABLED", message=f"{rule.id} is disabled in the rules file.")],
            as_of, "RULE_DISABLED")
    values = bind_values(catalog, ctx.settings, as_of)
    active, results = prepare(ctx.con, catalog, values, only={rule.table})
    found = [(p, c) for p, checks in active for c in checks if c.rule.ref == rule.ref]
    if not found:
        note = results[rule.ref].note
        return _result(ctx, "failing", ["issue"], [], None, "", definition, [Warning(
            code="DQ_NOT_MEASURED", message=f"{rule.id} {rule.name} cannot be measured: "
                                            f"{note.removeprefix('not measured: ')}.")],
            as_of, "NOT_MEASURED")
    plan, check = found[0]
    listing: Listing | None = None
    if not params.filters and [d.value for d in params.group_by] in ([], [_dim_of(rule)]):
        listing = value_view(ctx.con, catalog, plan, check, values,
                             results[rule.ref].findings, _dim_of(rule))
    if listing is None and rule.table == "opportunities":
        listing = deal_listing(ctx.con, plan, check, values, params,
                               "opp_facts" if ctx.facts else "v_opps")
    elif listing is None:
        if rule.table == "users" and [d.value for d in params.group_by] == ["rep"]:
            params = params.model_copy(update={"group_by": []})  # "which reps have no deals"
        if params.group_by or params.filters:
            raise FilterUnsupported(
                f"{rule.name} checks {rule.table}, which can't be split or filtered by deal "
                "attributes", params.dimensions_outside(), options=["ask without it"])
        listing = record_listing(ctx.con, plan, check, values, params)
    warnings = []
    if listing.total:
        warnings.append(Warning(code=f"DQ_{rule.name.upper()}", message=(
            f"{listing.total:,} {rule.table} fail {rule.id} ({rule.name}). "
            f"{rule.effect}")))
    measure = ("records" if "did_you_mean" in listing.columns else
               "deals" if params.group_by else "failing")
    return _result(ctx, measure, listing.columns, listing.rows, listing.total, listing.sql,
                   definition, warnings, as_of)


def duplicates_result(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return likely duplicate accounts, contacts or leads, each against its original."""
    kind = params.measure or "accounts"
    if params.time_grain or params.compare:  # a list of records, not a series
        raise ToolInputError("duplicate records are listed as of now, not as a trend or a "
                             "comparison", options=["duplicate accounts", "duplicate contacts"])
    if kind not in ("accounts", "contacts", "leads"):
        raise ToolInputError(f"no duplicate check for '{kind}'",
                             options=["accounts", "contacts", "leads"])
    sql = duplicates_sql(kind)
    values = {"top": params.top or DUPLICATE_ROWS, "max_edits": MAX_EDITS}
    bound_values = bound(ctx.con, sql, values)
    cur = ctx.con.execute(sql, bound_values)
    raw = cur.fetchall()
    columns = [d[0] for d in cur.description][:-1]
    total = int(raw[0][-1]) if raw else 0
    warnings = [Warning(code="DQ_DUPLICATES", message=(
        f"{total:,} {kind} look like duplicates of earlier ones; counts of {kind} include "
        "each twice until they are merged in the CRM."))] if total else []
    return _result(ctx, "duplicates", columns, [[plain(v) for v in r[:-1]] for r in raw], total,
                   render(sql, bound_values),
                   f"Likely duplicate {kind}: the earliest-created record "
                   "is the original; matches on normalized domain, name or e-mail, or names at "
                   f"most {MAX_EDITS} letters apart.", warnings, default_as_of(
                       ctx.settings, ctx.as_of))


def _result(ctx: ToolContext, measure: str, columns: list[str], rows: list[list[Any]],
            value: int | None, sql: str, definition: str, warnings: list[Warning],
            as_of: Any, null_reason: str | None = None) -> MetricResult:
    metric = "duplicate_records" if measure == "duplicates" else "data_issues"
    return envelope(ctx, Fetched(columns, [[plain(v) for v in r] for r in rows], sql),
                    metric=metric, measure=measure, unit="count", definition=definition,
                    period=None, as_of=as_of, n_records=value or 0, value=value,
                    null_reason=null_reason, warnings=warnings)
