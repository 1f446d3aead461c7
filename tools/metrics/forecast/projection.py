"""Projected bookings for a quarter from history: bookings to date + open pipeline x win rates.

Each open deal is valued at the share of deals that were won in the same stage and age band, at
the same point of their quarter, over the trailing 4 complete fiscal quarters: a deal seen open
on day d of quarter Q (close date in Q) counts as won if it was won with a close date in Q.
Thin samples fall back to the stage's rate, then to the stage's default probability.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from tools.base import MetricParams, MetricResult, ToolContext, ToolInputError, Warning
from tools.fiscal import Period
from tools.metrics.core import snapshots
from tools.metrics.core.envelope import fetch_query
from tools.metrics.core.options import Option
from tools.metrics.core.periods import fiscal_bucket_of, resolve_period
from tools.metrics.core.spec import Headline, ToolSpec, source
from tools.metrics.productivity.common import (
    make_result,
    one_period,
)
from tools.query import Query, Select, label

OPEN = "status = 'open' and coalesce(forecast_category, 'pipeline') <> 'omitted'"
BANDS = ((30, "0-30 days"), (90, "31-90 days"), (180, "91-180 days"))


def _band(age: str) -> tuple[str, str]:
    """Return (label, sort order) SQL of a deal's age band for an age in days."""
    text = " ".join(f"when {age} <= {d} then '{t}'" for d, t in BANDS)
    order = " ".join(f"when {age} <= {d} then {i}" for i, (d, _) in enumerate(BANDS))
    return (f"case {text} else '181+ days' end",
            f"case {order} else {len(BANDS)} end")


DEFINITION = (
    "Projected bookings = bookings to date (won, close date in the period, as of the as-of date) "
    "+ each open deal (not omitted, close date in the period) x the historical win rate of its "
    "stage and age band (days since created). Win rate = share of deals that were open in that "
    "stage and age band {offset} days into each of {quarters} (close date in that quarter) and "
    "were won with a close date in it; fewer than {min_n} such deals falls back to the stage's "
    "rate, then to the stage default probability (rate_source). win_rate per row = "
    "projected_from_pipeline / open_pipeline.{first}")
SPEC = ToolSpec(name="forecast_projection", definition=DEFINITION,
                measures={"projected": Headline("projected_bookings", "currency")},
                options={"min_sample": Option(int, 5, 1, 10_000)})

HISTORY = """  select h.stage, {band} as age_band, (w.opportunity_id is not null) as won
  from {snap} h
  left join (select opportunity_id from {end_ts}
             where status = 'won' and close_date between {s} and {e}) w using (opportunity_id)
  where h.{open} and h.close_date between {s} and {e}{filters}"""

RATED = """by_band as (
  select stage, age_band, count(*) as n, count(*) filter (where won) as won from history
  group by all
),
by_stage as (
  select stage, count(*) as n, count(*) filter (where won) as won from history group by all
),
cur as (
  select *, {band} as age_band, {band_order} as band_order
  from {src}
  where (status = 'won' or {open}) and close_date between {s} and {e}{filters}
),
rated as (
  select c.*,
    case when c.status = 'won' then 1.0 when b.n >= {min_n} then b.won / b.n
         when st.n >= {min_n} then st.won / st.n else c.stage_probability end as rate,
    case when c.status = 'won' then null when b.n >= {min_n} then 'stage and age'
         when st.n >= {min_n} then 'stage' else 'stage default' end as rate_source,
    case when b.n >= {min_n} then b.n when st.n >= {min_n} then st.n else 0 end as hist_n,
    case when b.n >= {min_n} then b.won when st.n >= {min_n} then st.won else 0 end as hist_won
  from cur c left join by_band b using (stage, age_band) left join by_stage st using (stage)
)"""

SUMS = """sum(amount_corp * rate) as projected_bookings,
  coalesce(sum(amount_corp) filter (where status = 'won'), 0) as bookings_to_date,
  coalesce(sum(amount_corp) filter (where status = 'open'), 0) as open_pipeline,
  count(*) filter (where status = 'open') as open_deals,
  count(*) filter (where status = 'won') as won_deals,
  sum(amount_corp * rate) filter (where status = 'open')
    / nullif(sum(amount_corp) filter (where status = 'open'), 0) as win_rate,
  coalesce(sum(amount_corp * rate) filter (where status = 'open'), 0) as projected_from_pipeline"""


def _history(ctx: ToolContext, period: Period) -> tuple[list[tuple[Period, int]], list[str]]:
    """The 4 complete fiscal quarters before the as-of quarter, each with its snapshot offset."""
    cal = ctx.settings.calendar
    offset = (ctx.as_of - period.start).days
    current = cal.bucket(ctx.as_of, "quarter")
    out, skipped = [], []
    for k in range(4, 0, -1):
        hq = cal.previous(current, "quarter", k)
        snap = min(hq.start + timedelta(days=offset), hq.end)
        if ctx.settings.data_start and snap < ctx.settings.data_start:
            skipped.append(hq.label)
        else:
            out.append((hq, (snap - hq.start).days))
    return out, skipped


def _ts(d: date) -> datetime:
    return datetime.combine(d, time.max)


def forecast_projection(ctx: ToolContext, params: MetricParams) -> MetricResult:
    """Return the projected bookings of a fiscal quarter and the win rates behind it.

    Hand-written: win rates learnt from history, applied to each open deal.
    """
    one_period(params, "The projection")
    period = resolve_period(ctx, params, "quarter")
    if fiscal_bucket_of(ctx.settings.calendar, period) != "quarter":
        raise ToolInputError("the projection works on one fiscal quarter",
                             options=["this quarter", "next quarter"])
    min_n = SPEC.read_options(params)["min_sample"]
    history, skipped = _history(ctx, period)
    q = Query()
    stamps = [q.bind(f"{tag}{k}", _ts(moment))  # each quarter's snapshot and its end
              for k, (hq, days) in enumerate(history, 1)
              for tag, moment in (("h", hq.start + timedelta(days=days)), ("x", hq.end))]
    kept = snapshots.spans(ctx)  # each moment a range filter: no pass over all the history
    keep = ["created_date", *(f.dimension.value for f in params.filters)]
    parts = []
    for k, (hq, days) in enumerate(history, 1):
        band, _ = _band(f"date_diff('day', h.created_date, {q.bind(f'd{k}', hq.start)} "
                        f"+ {q.bind(f'o{k}', days)})")
        conds = q.filters(params.filters, qualifier="h.")
        h_ts, x_ts = stamps[2 * k - 2], stamps[2 * k - 1]
        if kept:
            snap = snapshots.one(ctx, h_ts, ["opportunity_id", "stage", "status",
                                             "forecast_category", "close_date", *keep])
            end_ts = snapshots.one(ctx, x_ts, ["opportunity_id", "status", "close_date"])
        else:
            snap = snapshots.at(2 * k - 2, h_ts, len(stamps))
            end_ts = snapshots.at(2 * k - 1, x_ts, len(stamps))
        parts.append(HISTORY.format(
            band=band, snap=snap, end_ts=end_ts,
            s=q.bind(f"s{k}", hq.start), e=q.bind(f"e{k}", hq.end), open=OPEN,
            filters="".join(f" and {c}" for c in conds)))
    if not parts:
        parts = ["  select null::varchar as stage, null::varchar as age_band, false as won "
                 "where false"]
    age = f"date_diff('day', created_date, {q.bind('as_of_date', ctx.as_of)})"
    band, band_order = _band(age)
    src = source(ctx, q)
    conds = q.filters(params.filters)
    rated = RATED.format(band=band, band_order=band_order, src=src, open=OPEN,
                         s=q.bind("p_start", period.start), e=q.bind("p_end", period.end),
                         filters="".join(f" and {c}" for c in conds),
                         min_n=q.bind("min_n", min_n))
    snaps = ""
    if stamps and not kept:  # the deals at every moment from one pass over the history
        snaps = (f"{snapshots.states(stamps)},\n"
                 f"{snapshots.base(ctx, len(stamps), keep)},\n")
    ctes = ("with " + snaps + "history as (\n" + "\n  union all\n".join(parts) + "\n),\n"
            + rated)
    sql = ctes + "\n" + _select(q, params)
    fetched = fetch_query(ctx, q, sql)
    dims = [d.value for d in params.group_by]
    deals = [a + b for a, b in zip(fetched.column("open_deals"), fetched.column("won_deals"),
                                   strict=True)]
    value = None if dims else fetched.column("projected_bookings")[0]
    n = int(sum(deals) if dims else deals[0])
    quarters = ", ".join(hq.label for hq, _ in history) or "no quarter"
    text = DEFINITION.format(offset=(ctx.as_of - period.start).days, quarters=quarters,
                             min_n=min_n, first="" if dims else (
                                 " The first row is the total; the others are the open "
                                 "pipeline by stage and age band with the rate used."))
    return make_result(ctx, SPEC, SPEC.headline(params), period=period, definition=text,
                       fetched=fetched,
                       n_records=n, value=value, warnings=_warnings(fetched, skipped, dims),
                       null_reason=None if value is not None or dims else "NO_DATA")


def _select(q: Query, params: MetricParams) -> str:
    dims = [d.value for d in params.group_by]
    if dims:
        stmt = Select([*(label(d) for d in params.group_by), SUMS], "rated", group_by_all=True,
                      column_separator=",\n  ")
        return stmt.rank(q, params, "projected_bookings", dims).sql()
    detail = ("select stage, age_band, null, null, sum(amount_corp), count(*), 0,\n"
              "  sum(amount_corp * rate) / nullif(sum(amount_corp), 0),\n"
              "  coalesce(sum(amount_corp * rate), 0), any_value(hist_n), any_value(hist_won),\n"
              "  any_value(rate_source), 1, min(stage_order), band_order\n"
              "from rated where status = 'open'\ngroup by stage, age_band, band_order")
    total = (f"select null as stage, null as age_band, {SUMS},\n"
             "  (select sum(n) from by_band) as historical_deals,\n"
             "  (select sum(won) from by_band) as historical_won,\n"
             "  null as rate_source, 0 as k, 0 as stage_order, 0 as band_order\nfrom rated")
    return (f"select * exclude (k, stage_order, band_order) from (\n{total}\nunion all\n"
            f"{detail}\n)\norder by k, stage_order nulls last, stage, band_order")


def _warnings(fetched: tuple, skipped: list[str], dims: list[str]) -> list[Warning]:
    out = []
    if skipped:
        out.append(Warning(code="INSUFFICIENT_HISTORY", message=(
            f"{', '.join(skipped)} could not be used for win rates: the data starts later.")))
    if not dims and "rate_source" in fetched[0]:
        fallback = [r for r in fetched[1][1:] if r[fetched[0].index("rate_source")] != \
                    "stage and age"]
        if fallback:
            out.append(Warning(code="RATE_FALLBACK", message=(
                f"{len(fallback)} stage/age bands had fewer than the minimum historical deals "
                "and use the stage's rate or its default probability.")))
    return out
