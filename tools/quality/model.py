"""What a check run produces: per rule, per table, per dimension, per owner, and the total."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class Finding(BaseModel):
    """A value behind failing records (an unresolved reference, a misspelling) and its fix."""

    value: str
    records: int
    suggestion: str | None = None


class RuleResult(BaseModel):
    """One rule on one table: how many records it applied to and how many failed."""

    rule_id: str
    table: str
    name: str
    dimension: str
    severity: str
    description: str
    effect: str = ""
    status: Literal["measured", "unmeasured"] = "measured"
    applicable: int | None = None
    failed: int | None = None
    pass_rate: float | None = None
    """(applicable - failed) / applicable; None when nothing applied."""
    min_pass_fraction: float = 1.0
    passed: bool | None = None
    """pass_rate >= min_pass_fraction (None when unmeasured; True when nothing applied)."""
    samples: list[str] = Field(default_factory=list)
    deals_affected: int | None = None
    """For account, user and product rules: deals that point at a failing record."""
    note: str = ""
    findings: list[Finding] = Field(default_factory=list)

    @property
    def ref(self) -> str:
        """Return 'id:table'."""
        return f"{self.rule_id}:{self.table}"


class TableResult(BaseModel):
    """Record-level accuracy of one table (quarantined import rows count as failing)."""

    table: str
    in_scope: bool
    records: int
    quarantined: int
    evaluated: int
    passing: int
    accuracy: float | None


class Score(BaseModel):
    """A dimension's check-level pass rate, or an owner's record-level accuracy."""

    name: str
    evaluated: int
    passing: int
    rate: float | None


class Quarantine(BaseModel):
    """Rows `revops import` could not store, per table and column."""

    table: str
    column: str | None
    rows: int
    example: str


class RunResult(BaseModel):
    """A whole check run (docs/metrics.md#m70): the data accuracy rate and everything behind it."""

    run_id: str | None = None
    as_of: date
    started_at: datetime
    duration_s: float = 0.0
    accuracy: float | None
    null_reason: str | None = None
    records: int
    evaluated: int
    passing: int
    target: float
    comparator: str
    passed: bool | None
    tables: list[TableResult]
    dimensions: list[Score]
    owners: list[Score]
    rules: list[RuleResult]
    quarantine: list[Quarantine]
    sql: str
    """The run's main statement with its values rendered as literals."""
    catalog_checksum: str
    rules_file: str | None = None
    loaded_at: datetime | None = None
    """When set, the run was computed when the data was loaded (tools.quality.loadcheck), on
    data unchanged since, instead of for this answer."""

    def meets(self, rate: float) -> bool:
        """Whether an accuracy rate meets the run's target (for a slice of the records)."""
        return rate > self.target if self.comparator == ">" else rate >= self.target

    def rule(self, ref: str) -> RuleResult:
        """Return a rule result by 'id:table' or by a unique id."""
        found = [r for r in self.rules if ref in (r.ref, r.rule_id)]
        if len(found) != 1:
            raise KeyError(ref)
        return found[0]

    def table(self, name: str) -> TableResult:
        """Return one table's result."""
        return next(t for t in self.tables if t.table == name)
