"""Rep capacity per period (METRICS M41): FTE, ramped FTE, ramped-rep equivalents, bookings.

Everything is counted per rep and per day of the period, so partial employment (hired or
terminated mid-period) and ramping mid-period are exact. Later tools (M42, M90, M91) reuse
these CTEs and roll them up by the owner dimensions.
"""

from __future__ import annotations

from tools.fiscal import Period
from tools.query import Query

RAMP_MONTHS = ("coalesce(ramp_months, (select try_cast(value as integer) from company_settings "
               "where key = 'ramp_months'), 3)")
"""The rep's own ramp_months, else the company setting, else the METRICS §1.1 default (3)."""

REPS = f"""reps as (
  select user_id, hire_date, termination_date, {RAMP_MONTHS} as ramp_n,
         cast(hire_date + to_months({RAMP_MONTHS}) as date) as ramp_date
  from v_reps
  where coalesce(is_quota_carrying, false) and coalesce(is_human, true)
)"""
"""Quota-carrying human reps with the day they count as ramped (hire_date + ramp months)."""

DAYS = """days_{t} as (
  select r.user_id, d.day, coalesce(d.day >= r.ramp_date, true) as ramped,
         case when r.ramp_date is null or d.day >= r.ramp_date then 1.0
              else (1 + date_diff('month', r.hire_date, d.day)
                      - (r.hire_date + to_months(date_diff('month', r.hire_date, d.day))
                         > d.day)::int) / (r.ramp_n + 1) end as factor
  from reps r
  join (select unnest(generate_series({s}, {e}, interval 1 day))::date as day) d
    on d.day >= coalesce(r.hire_date, {s}) and d.day <= coalesce(r.termination_date, {e})
)"""
"""One row per rep and day employed in the period; factor = month k of tenure counts
k / (ramp_months + 1) until ramped, then 1 (the default ramp_schedule 0.25, 0.5, 0.75)."""

FTE = """fte_{t} as (
  select user_id, count(*) / {n} as rep_fte, count(*) filter (where ramped) / {n} as ramped_fte,
         sum(factor) / {n} as rre
  from days_{t}
  group by 1
)"""

BOOKED = """booked_{t} as (
  select o.owner_id as user_id, sum(o.amount_corp) as bookings, count(*) as won_deals,
         coalesce(sum(o.amount_corp) filter (where r.ramp_date is null
                                             or o.close_date >= r.ramp_date), 0) as ramped_bookings
  from {src} o
  join reps r on r.user_id = o.owner_id
  where o.status = 'won' and o.close_date between {s} and {e}
  group by 1
)"""

STATS = ("rep_fte", "ramped_fte", "rre", "bookings", "ramped_bookings", "won_deals")


def rep_ctes(q: Query, src: str, periods: dict[str, Period]) -> list[str]:
    """Return the CTEs ending in `per_rep`: one row per rep, stats suffixed by period tag.

    `periods` maps a tag ('p' current, 'c' comparison) to its period; the stats of tag t are
    columns `<stat>_<t>` (0 when the rep has no days or bookings in that period).
    """
    ctes = [REPS]
    joins, cols = [], []
    for t, period in periods.items():
        s, e = q.bind(f"{t}_start", period.start), q.bind(f"{t}_end", period.end)
        n = q.bind(f"{t}_days", period.days)
        ctes += [DAYS.format(t=t, s=s, e=e), FTE.format(t=t, n=n),
                 BOOKED.format(t=t, s=s, e=e, src=src)]
        joins += [f"left join fte_{t} using (user_id)", f"left join booked_{t} using (user_id)"]
        cols += [f"coalesce({_table(c)}_{t}.{c}, 0) as {c}_{t}" for c in STATS]
    active = " or ".join(f"{c}_{t} <> 0" for t in periods for c in ("rep_fte", "won_deals"))
    ctes.append("per_rep as (\n  select * from (\n    select user_id, " + ", ".join(cols)
                + "\n    from reps " + " ".join(joins) + f"\n  ) where {active}\n)")
    return ctes


def _table(stat: str) -> str:
    return "fte" if stat in ("rep_fte", "ramped_fte", "rre") else "booked"


def per_rep_measures(t: str, suffix: str = "") -> dict[str, str]:
    """Return column name -> aggregate over per_rep for period tag t (M41 definitions)."""
    return {
        f"bookings_per_rep{suffix}": f"sum(bookings_{t}) / nullif(sum(rep_fte_{t}), 0)",
        f"bookings_per_ramped_rep{suffix}":
            f"sum(ramped_bookings_{t}) / nullif(sum(ramped_fte_{t}), 0)",
        f"rep_fte{suffix}": f"sum(rep_fte_{t})",
        f"ramped_fte{suffix}": f"sum(ramped_fte_{t})",
        f"ramped_rep_equivalents{suffix}": f"sum(rre_{t})",
        f"bookings{suffix}": f"sum(bookings_{t})",
        f"ramped_bookings{suffix}": f"sum(ramped_bookings_{t})",
        f"won_deals{suffix}": f"sum(won_deals_{t})",
        f"reps{suffix}": f"count(*) filter (where rep_fte_{t} > 0)",
    }
