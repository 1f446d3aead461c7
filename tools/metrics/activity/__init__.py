"""Activity (docs/metrics.md, M43): the selling work reps log; see TOOLS."""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.activity.activities import (
    DIMS,
    OWNERS,
    SPEC,
    activity_metrics,
)

TOOLS: tuple[Tool, ...] = (
    Tool(name="activity_metrics", title="Activity metrics",
         description="Sales activities (calls, outbound emails, held meetings, tasks, notes) in a "
                     "period: count, per rep per working day, per deal touched, per deal won, and "
                     "coverage of open deals (share with an activity in the last stale_days; "
                     "option stale_days, default the company setting); by rep, manager, team, "
                     "region, territory or activity type. Default period: the fiscal quarter to "
                     "date.",
         run=activity_metrics, measures=tuple(SPEC.measures), default_period="quarter",
         options=SPEC.options,
         group_by=DIMS, group_by_why=OWNERS),
)
