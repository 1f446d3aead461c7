"""Data quality (docs/metrics.md, M70): data accuracy rate, the records behind a rule, duplicates;
see TOOLS."""

from __future__ import annotations

from tools.base import OPPORTUNITY_DIMENSIONS, Tool
from tools.metrics.core.owners import OWNER_GROUPS
from tools.metrics.data_quality.accuracy import (
    BY_OWNER,
    SPEC,
    data_issues,
    data_quality,
    duplicate_records,
    issue_names,
)

TOOLS: tuple[Tool, ...] = (
    Tool(name="data_quality", title="Data quality",
         description="Data accuracy rate: share of CRM records passing every critical data-quality "
                     "rule (target > 98%), by table, by dimension (completeness, validity, ...) or "
                     "by owner.",
         run=data_quality, measures=tuple(SPEC.measures), default_period="none",
         group_by=OWNER_GROUPS, group_by_why=BY_OWNER),
    Tool(name="data_issues", title="Data issues",
         lower_is_better=frozenset(issue_names()),
         description="Records failing a data-quality rule (e.g. deals missing an account, products "
                     "not in the product list, misspelled industries, reps with no deals), or "
                     "every failing rule.",
         run=data_issues, measures=issue_names(), default_period="none",
         group_by=OPPORTUNITY_DIMENSIONS, lists_records=True),
    Tool(name="duplicate_records", title="Duplicate records",
         lower_is_better=frozenset(("accounts", "contacts", "leads")),
         description="Likely duplicate accounts (same domain or name), contacts or leads (same "
                     "e-mail).",
         run=duplicate_records, measures=("accounts", "contacts", "leads"), default_period="none",
         group_by=(), lists_records=True),
)
