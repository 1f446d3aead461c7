"""Metrics over deals closed in a period: bookings, win rate, deal size, sales cycle (M01-M08)."""

from __future__ import annotations

from tools.base import Unit
from tools.metrics.core.spec import MetricSpec
from tools.query import Measure, filtered

WON = "status = 'won'"
LOST = "status = 'lost'"
CLOSED = "status in ('won', 'lost')"
POSITIVE = "amount_corp > 0"
CYCLE = "date_diff('day', created_date, close_date)"
CYCLE_OK = "close_date >= created_date"


def _win_rate(p: str | None) -> str:
    """Won deals over closed deals (the population is closed deals)."""
    return f"{filtered('count(*)', WON, p)} / nullif({filtered('count(*)', None, p)}, 0)"


BOOKINGS = MetricSpec(
    name="bookings",
    definition="Sum of amount (corporate currency) of deals won, by close date in the period "
               "(METRICS M01/M02).",
    measures=(
        Measure("bookings", lambda p: filtered("sum(amount_corp)", None, p), "currency"),
        Measure("won_deals", lambda p: filtered("count(*)", None, p), "count"),
    ),
    headline={"amount": "bookings", "count": "won_deals"},
    count_measure="won_deals",
    population=WON,
    quality=(Measure("without_amount",
                     lambda p: filtered("count(*)", "amount_corp is null", p), "count"),),
)

WIN_RATE = MetricSpec(
    name="win_rate",
    definition="won / (won + lost) among deals closed in the period; open deals are not in the "
               "denominator (METRICS M04). By value: won amount / closed amount (M05).",
    measures=(
        Measure("win_rate", _win_rate, "ratio", additive=False),
        Measure("won", lambda p: filtered("count(*)", WON, p), "count"),
        Measure("closed", lambda p: filtered("count(*)", None, p), "count"),
        Measure("win_rate_value", lambda p: f"{filtered('sum(amount_corp)', WON, p)} / "
                                            f"nullif({filtered('sum(amount_corp)', None, p)}, 0)",
                "ratio", additive=False),
    ),
    headline={"count": "win_rate", "value": "win_rate_value"},
    count_measure="closed",
    population=CLOSED,
    quality=(Measure("lost_without_amount", lambda p: filtered(
        "count(*)", f"{LOST} and coalesce(amount_corp, 0) = 0", p), "count"),),
)

def _mean_and_median(name: str, definition: str, value: str, valid: str, unit: Unit,
                     mean: str, median: str, excluded: str) -> MetricSpec:
    """Mean and median of `value` over won deals where `valid` holds; the rest are counted."""
    return MetricSpec(
        name=name,
        definition=definition,
        measures=(
            Measure(mean, lambda p: filtered(f"avg({value})", valid, p), unit, additive=False),
            Measure(median, lambda p: filtered(f"median({value})", valid, p), unit,
                    additive=False),
            Measure("won_deals", lambda p: filtered("count(*)", None, p), "count"),
        ),
        headline={"mean": mean, "median": median},
        count_measure="won_deals",
        population=WON,
        quality=(Measure(excluded, lambda p: filtered("count(*)", f"not ({valid})", p),
                         "count"),),
    )


DEAL_SIZE = _mean_and_median(
    "avg_deal_size", "Average (and median) amount of deals won in the period with a positive "
    "amount (METRICS M03).", "amount_corp", "coalesce(amount_corp, 0) > 0", "currency",
    "avg_deal_size", "median_deal_size", "excluded_deals")

SALES_CYCLE = _mean_and_median(
    "sales_cycle", "Days from creation to close date of deals won in the period, mean and "
    "median (METRICS M06).", CYCLE, "close_date >= created_date", "days", "avg_cycle_days",
    "median_cycle_days", "negative_cycle")


def _bookings(p: str | None) -> str:
    return filtered("sum(amount_corp)", WON, p)


LEADERBOARD = MetricSpec(
    name="leaderboard",
    definition="Per group, deals closed in the period: bookings, share of total bookings, won "
               "deals, win rate, average won deal size and sales cycle, ranked by the chosen "
               "measure (METRICS M08).",
    measures=(
        Measure("rank", lambda p: f"rank() over (order by {_bookings(p)} desc nulls last)",
                "count", additive=False),
        Measure("bookings", _bookings, "currency"),
        Measure("share_of_total", lambda p: f"{_bookings(p)} / nullif(sum({_bookings(p)}) "
                                            f"over (), 0)", "ratio", additive=False),
        Measure("won_deals", lambda p: filtered("count(*)", WON, p), "count"),
        Measure("win_rate", _win_rate, "ratio", additive=False),
        Measure("avg_deal_size", lambda p: filtered("avg(amount_corp)", f"{WON} and {POSITIVE}",
                                                    p), "currency", additive=False),
        Measure("avg_cycle_days", lambda p: filtered(f"avg({CYCLE})", f"{WON} and {CYCLE_OK}",
                                                     p), "days", additive=False),
        Measure("closed_deals", lambda p: filtered("count(*)", None, p), "count"),
    ),
    headline={"amount": "bookings", "count": "won_deals", "win_rate": "win_rate",
              "deal_size": "avg_deal_size", "cycle": "avg_cycle_days"},
    count_measure="closed_deals",
    population=CLOSED,
)
