"""The agent's scorecard (docs/metrics.md#success-metrics): the five success metrics against their
targets; see TOOLS."""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.scorecard.success_metrics import SPEC, scorecard

TOOLS: tuple[Tool, ...] = (
    Tool(name="scorecard", title="Success-metric scorecard",
         description="The five success metrics (sales ops efficiency > 90%, data accuracy > 98%, "
                     "sales productivity improvement > 30%, revenue reporting accuracy > 95%, "
                     "technology adoption > 85%) with pass/fail, a four-quarter trend and the "
                     "drivers of each miss; option comparator '>' (default) or '>='.",
         run=scorecard, measures=tuple(SPEC.measures), default_period="quarter", group_by=(),
         options=SPEC.options),
)
