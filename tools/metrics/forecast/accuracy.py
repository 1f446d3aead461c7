"""Forecast accuracy (METRICS M32): a computed forecast against actual bookings, per quarter.

For each past fiscal quarter the forecast is the M30/M31 roll-up as the deals stood on
quarter start + lead_days (default 14), and the actual is M01 bookings as of quarter end +
close_lag_days (default 0); both are rebuilt from history (§1.7), in one statement.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from tools.base import MetricParams, MetricResult, ToolContext, ToolInputError, Warning
from tools.fiscal import Period
from tools.metrics.core.envelope import Fetched, fetch_query
from tools.metrics.core.options import Option
from tools.metrics.core.periods import trailing
from tools.metrics.core.spec import Headline, ToolSpec
from tools.metrics.forecast.rollup import FORECAST_ROLLUP
from tools.metrics.productivity.common import (
    make_result,
    one_period,
)
from tools.query import Query, Select, label

BASES = ("weighted_forecast", "commit_forecast", "most_likely_forecast", "best_case_forecast")
DEFINITION = (
    "METRICS M32. Forecast F = {basis} (M30/M31) as of quarter start + {lead} days, deals with a "
    "close date in the quarter; actual A = bookings (M01) as of quarter end + {lag} days. Per "
    "row, over its (group, quarter) pairs: forecast_accuracy = 1 - WAPE, floored at 0 (the "
    "headline), WAPE = sum|A-F| / sum A, MAPE = mean of |A-F| / |A| over pairs with A <> 0 "
    "(zero actuals are left out of MAPE, kept in WAPE), bias = sum(F-A) / sum A (positive = "
    "over-forecast). Only quarters that ended by the as-of date and whose snapshot falls "
    "inside the data.{first}")
SPEC = ToolSpec(
    name="forecast_accuracy", definition=DEFINITION,
    measures={m: Headline(c, "ratio") for m, c in (
        ("accuracy", "forecast_accuracy"), ("mape", "mape"), ("wape", "wape"), ("bias", "bias"))},
    options={"forecast": Option(str, "weighted_forecast", normal=lambda b: b if b.endswith(
                 "_forecast") else f"{b}_forecast"), "lead_days": Option(int, 14, 0, 365),
             "close_lag_days": Option(int, 0, 0, 365), "quarters": Option(int, 4, 1, 40)})

STATS = """greatest(0, 1 - sum(abs(forecast - actual)) / nullif(sum(actual), 0))
         as forecast_accuracy,
       sum(forecast) as forecast_amount, sum(actual) as actual_amount,
       sum(abs(forecast - actual)) as abs_error_amount,
       avg(abs(forecast - actual) / nullif(abs(actual), 0)) as mape,
       sum(abs(forecast - actual)) / nullif(sum(actual), 0) as wape,
       sum(forecast - actual) / nullif(sum(actual), 0) as bias,
       count(*) as pairs, count(*) filter (where actual = 0) as zero_actuals"""


def _quarters(ctx: ToolContext, params: MetricParams, lead: int, lag: int,
              n: int) -> tuple[list[Period], list[Warning]]:
    """Return the past fiscal quarters to score, oldest first, and why any were left out."""
    cal = ctx.settings.calendar
    if params.period is None:
        if not 1 <= n <= 40:
            raise ToolInputError("quarters must be between 1 and 40")
        last = cal.previous(cal.bucket(ctx.as_of, "quarter"), "quarter")
        if last.end + timedelta(days=lag) > ctx.as_of:
            last = cal.previous(last, "quarter")
        span = trailing(cal, last.start, "quarter", n)
    else:
        span = params.period.as_period()
    quarters, q = [], cal.bucket(span.start, "quarter")
    while q.start <= span.end:  # quarters with at least half their days in the span
        overlap = (min(q.end, span.end) - max(q.start, span.start)).days + 1
        if 2 * overlap >= q.days:
            quarters.append(q)
        q = cal.bucket(q.end + timedelta(days=1), "quarter")
    warnings = []
    start = ctx.settings.data_start
    early = [p for p in quarters if start and p.start + timedelta(days=lead) < start]
    late = [p for p in quarters if p.end + timedelta(days=lag) > ctx.as_of]
    if early:
        warnings.append(Warning(code="INSUFFICIENT_HISTORY", message=(
            f"Left out {', '.join(p.label for p in early)}: the forecast snapshot falls before "
            f"the data starts ({start}).")))
    if late:
        warnings.append(Warning(code="PERIOD_NOT_OVER", message=(
            f"Left out {', '.join(p.label for p in late)}: actuals are not final by "
            f"{ctx.as_of}.")))
    return [p for p in quarters if p not in early and p not in late], warnings


def _ts(d: date) -> datetime:
    return datetime.combine(d, time.max)


def _pairs_sql(q: Query, params: MetricParams, quarters: list[Period], basis: str,
               lead: int, lag: int) -> str:
    dims = [d.value for d in params.group_by]
    labels = "".join(f", {label(params.group_by[i])}" for i in range(len(dims)))
    group = "\n  group by all" if dims else ""
    fc, ac, qv = [], [], []
    forecast = FORECAST_ROLLUP.measure(basis).expr(None)
    for k, p in enumerate(quarters, 1):
        s, e = q.bind(f"s{k}", p.start), q.bind(f"e{k}", p.end)
        snap = p.start + timedelta(days=lead)
        conds = " and ".join([f"close_date between {s} and {e}", *q.filters(params.filters)])
        qv.append(f"({k}, {q.bind(f'l{k}', p.label)}, {q.bind(f'd{k}', snap.isoformat())})")
        fc.append(f"  select {k} as k{labels}, {forecast} as forecast\n"
                  f"  from opps_as_of({q.bind(f'f{k}', _ts(snap))})\n  where {conds}{group}")
        ac.append(f"  select {k} as k{labels}, coalesce(sum(amount_corp), 0) as actual\n"
                  f"  from opps_as_of({q.bind(f'a{k}', _ts(p.end + timedelta(days=lag)))})\n"
                  f"  where status = 'won' and {conds}{group}")
    keys = ", ".join(["k", *dims])
    return (f"with quarters(k, quarter, snapshot_date) as (values {', '.join(qv)}),\n"
            f"fc as (\n" + "\n  union all\n".join(fc) + "\n),\n"
            "ac as (\n" + "\n  union all\n".join(ac) + "\n),\n"
            f"pairs as (\n  select {keys}, coalesce(forecast, 0) as forecast, "
            f"coalesce(actual, 0) as actual\n  from fc full join ac using ({keys})\n)")


def forecast_accuracy(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return accuracy over past quarters: a total row then one per quarter, or per group.

    Hand-written: a forecast snapshot per past quarter, paired with its actuals.
    """
    if params.time_grain not in (None, "quarter"):
        raise ToolInputError("forecast accuracy is scored per fiscal quarter",
                             options=["by quarter", "last 4 quarters"])
    one_period(params, "Forecast accuracy", grain="quarter")
    h = SPEC.headline(params)
    headline = h.column
    opts = SPEC.read_options(params)
    basis = opts["forecast"]
    if basis not in BASES:
        raise ToolInputError(f"no forecast basis '{basis}'", options=list(BASES))
    lead, lag = opts["lead_days"], opts["close_lag_days"]
    quarters, warnings = _quarters(ctx, params, lead, lag, opts["quarters"])
    if any(lead >= p.days for p in quarters) or lead < 0 or lag < 0:
        raise ToolInputError("lead_days must fall inside the quarter and lags be >= 0")
    period = None
    if quarters:
        span = quarters[0].label if len(quarters) == 1 else \
            f"{quarters[0].label} to {quarters[-1].label}"
        period = Period(quarters[0].start, quarters[-1].end, span)
    if not quarters:
        return make_result(ctx, SPEC, h,
                           period=params.period.as_period() if params.period else None,
                           definition="No complete quarter to score.",
                           fetched=Fetched([], [], ""), n_records=0,
                           null_reason="INSUFFICIENT_HISTORY",
                           warnings=warnings)
    q = Query()
    sql = _pairs_sql(q, params, quarters, basis, lead, lag)
    dims = [d.value for d in params.group_by]
    if dims:
        sql += "\n" + Select([*dims, STATS], "pairs", group_by_all=True,
                             column_separator=", ").rank(q, params, headline, dims).sql()
    else:
        sql += (f"\nselect null as quarter, null as snapshot_date, {STATS}, 0 as k from pairs\n"
                f"union all\nselect quarter, snapshot_date, {STATS}, k\n"
                f"from pairs join quarters using (k)\ngroup by quarter, snapshot_date, k")
        sql = f"select * exclude (k) from (\n{sql}\n) order by k"
    fetched = fetch_query(ctx, q, sql)
    warnings += _zero_warning(fetched, dims)
    value, reason = _headline(fetched, headline, dims)
    text = DEFINITION.format(basis=basis, lead=lead, lag=lag,
                             first="" if dims else " The first row is over all quarters.")
    return make_result(ctx, SPEC, h, period=period, definition=text, fetched=fetched,
                       n_records=int(sum(v or 0 for v in fetched.column("pairs"))
                                     / (1 if dims else 2)),
                       value=value, null_reason=reason, warnings=warnings)


def _zero_warning(fetched: Fetched,
                  dims: list[str]) -> list[Warning]:
    zeros = fetched.column("zero_actuals")
    n = int(sum(zeros) if dims else (zeros[0] if zeros else 0))
    if not n:
        return []
    return [Warning(code="ZERO_ACTUAL_EXCLUDED", message=(
        f"{n} forecast(s) were for a quarter with no bookings; they are left out of MAPE "
        "(undefined) but count in WAPE and bias."))]


def _headline(fetched: Fetched, headline: str,
              dims: list[str]) -> tuple[Any, str | None]:
    columns, rows, _ = fetched
    if dims or not rows:
        return None, None
    value = rows[0][columns.index(headline)]
    return value, None if value is not None else "ZERO_DENOMINATOR"
