"""Technology adoption's usage of every whole fiscal quarter, kept at load (usage_quarter_days).

Adoption (tools.metrics.technology.adoption, METRICS M60) counts each licensed user's active
days in a tool per bucket from every usage event of the buckets (about a million at 1M deals:
0.1 s of CPU for the scorecard's four quarters, on every cold page). A whole quarter's counts
per tool and user depend on the events and the calendar only, so they are computed here once
per load, by the same SQL, for every quarter the events cover; the tool reads them when its
buckets are whole quarters ended by the as-of date and it counts the default event types,
whatever the split, filter or scope (those apply to the licensed users, after this).
"""

from __future__ import annotations

import duckdb

from tools.warehouse.kept import QUARTERS, stamp, stamped
from tools.warehouse.settings import load_settings

USAGE_SQL = """usage as (
  select b.bucket_start, e.tool_name, e.user_id,
         coalesce(bit_count(bitstring_agg(
           case when list_contains({types}, e.event_type)
                then date_diff('day', b.b_start, cast(e.occurred_at as date)) end,
           0, {last_day})), 0) as active_days,
         count(*) filter (where e.event_type = 'login') as logins
  from buckets b join usage_events e on cast(e.occurred_at as date) between b.b_start and b.b_end
  where e.occurred_at < {cutoff}
  group by all
)"""
"""Each user's active days and logins in a tool per bucket: the one text both the tool's
statement and the kept table are built from. Active days are the distinct qualifying days,
counted as the bits set in a bitstring of the bucket's days (day i of the bucket = bit i): a
plain aggregate, where count(DISTINCT ...) made DuckDB materialize every event row for a
second hash aggregate (BENCHMARKS.md, the scorecard). `last_day` bounds the index by the
longest bucket (a wrong bound is an error, never a wrong count)."""

EVENT_TYPES = ("record_create", "record_update", "activity_logged", "report_run", "email_sent")
"""The qualifying event types by default (the tool's option event_types)."""
TABLE = "usage_quarter_days"
BUILD_SQL = f"""create or replace table {TABLE} as
with {QUARTERS.format(first="cast(min(occurred_at) as date)",
                    last="cast(max(occurred_at) as date)", source=" from usage_events")},
{USAGE_SQL.format(types="$types", last_day="$last_day", cutoff="'infinity'::timestamp")}
select * from usage order by bucket_start"""
"""Every fiscal quarter from the first usage event to the last, whole, with the default event
types and every event (no as-of cut): what the tool counts for a whole quarter ended by the
as-of date. Sorted by quarter, so the quarters asked are read, the others skipped."""


def build_usage_days(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Build usage_quarter_days and stamp it (after opp_facts is stamped)."""
    settings = load_settings(con)
    con.execute(BUILD_SQL, {"fy_start": settings.calendar.start_month,
                            "types": list(EVENT_TYPES), "last_day": 92})
    stamp(con, TABLE, version, "usage_events")


def usage_days_current(con: duckdb.DuckDBPyConnection, version: str) -> bool:
    """Whether usage_quarter_days was built with the current opp_facts, by this definition,
    from the usage events as counted now."""
    return stamped(con, TABLE, version, "usage_events") is not None
