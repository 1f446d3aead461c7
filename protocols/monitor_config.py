"""Monitors as data: the shipped monitors.toml plus an optional user file, loaded and validated.

A monitor names a tool and its parameters, a condition checked on the headline value or on each
row of the result, and who owns the follow-up (target and category). The user file can switch a
shipped monitor off (`disable = ["id"]` or `enabled = false`), replace one (same id) or add new
ones, without code. Everything a typo could break (tool, measure, group_by, period, target,
category, message template) fails at load with the file and the monitor named.
"""

from __future__ import annotations

import re
import string
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agent.scope import Category, Target
from tools.base import Dimension, Filter
from tools.registry import TOOLS
from tools.suggest import did_you_mean

Op = Literal["<", "<=", ">", ">=", "==", "!="]
Severity = Literal["info", "warning", "critical"]
PeriodKeyword = Literal["this_quarter", "last_quarter", "this_month", "last_month", "this_year",
                        "last_year", "ytd"]
OPERATIONS_ISSUE = "operations_issue"
"""Category of an operations insight for central coordination. Insights travel with kind
"insight" in the outbox payload, so receivers tell them from request escalations, whose
categories are those of docs/design.md#escalation (none of which fits "a success metric missed
its target")."""
CATEGORIES = (*get_args(Category), OPERATIONS_ISSUE)
TEMPLATE_FIELDS = frozenset({"monitor", "label", "value", "threshold", "bound", "period",
                             "as_of", "currency", "previous", "change", "reference",
                             "difference", "row"})
"""Names a message template may use; `row[column]` reads any column of the breaching row."""


class MonitorConfigError(ValueError):
    """A monitors file is unreadable or describes an invalid monitor."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Strict):
    """The other side of a comparison: a column of the same row, or of another tool's result
    run with the monitor's period, grouping and filters and matched on the group label."""

    column: str
    tool: str | None = None
    """None: a column of the monitor's own result row (e.g. a target column)."""
    measure: str | None = None


class Condition(_Strict):
    """When a value breaches: `value op threshold`, against a reference or the previous value.

    relative_to = "previous": `(value - previous distinct value) op threshold` (a drop or a jump
    since the last check that gave a different value); a Reference: `value op threshold x
    reference` (e.g. projection < 1.0 x quota).
    """

    column: str | None = None
    """Column checked; None = the result's headline measure."""
    op: Op
    threshold: bool | float
    relative_to: Literal["previous"] | Reference | None = None

    @field_validator("threshold", mode="before")
    @classmethod
    def _number_or_flag(cls, v: Any) -> Any:
        if not isinstance(v, bool | int | float):
            raise ValueError(f"threshold must be a number or true/false, got {v!r}")
        return v

    @model_validator(mode="after")
    def _bool_equality(self) -> Condition:
        if isinstance(self.threshold, bool) and (self.op not in ("==", "!=")
                                                 or self.relative_to is not None):
            raise ValueError("a true/false threshold needs op '==' or '!=' and no relative_to")
        return self


class MinSample(_Strict):
    """Skip rows whose `column` is below `value` (too few records to judge)."""

    column: str
    value: float


class MonitorParams(_Strict):
    """Tool parameters; the period is a keyword resolved against the as-of date at each run."""

    period: PeriodKeyword | None = None
    """None = the tool's default period."""
    measure: str | None = None
    group_by: list[Dimension] = Field(default_factory=list, max_length=2)
    filters: list[Filter] = Field(default_factory=list)
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)


class Monitor(_Strict):
    """One threshold to watch, and whom to tell when it is crossed."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    description: str = Field(min_length=1)
    tool: str
    params: MonitorParams = Field(default_factory=MonitorParams)
    condition: Condition
    per_row: bool | None = None
    """Check every row (one alert per breaching group); None = only when grouped."""
    ignore: list[str] = Field(default_factory=list)
    """Group labels never alerted on (e.g. "(none)": users without a team)."""
    min_sample: MinSample | None = None
    severity: Severity = "warning"
    target: Target
    category: str
    message: str = Field(min_length=1)
    """str.format template; fields: see TEMPLATE_FIELDS."""
    enabled: bool = True

    @field_validator("target", mode="before")
    @classmethod
    def _known_target(cls, v: Any) -> Any:
        return _one_of("target", v, get_args(Target))

    @field_validator("category")
    @classmethod
    def _known_category(cls, v: str) -> str:
        return _one_of("category", v, CATEGORIES)

    @field_validator("message")
    @classmethod
    def _template(cls, v: str) -> str:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(v) if f is not None}
        except ValueError as exc:
            raise ValueError(f"message template is not valid: {exc}") from None
        for name in names:
            base = re.split(r"[.\[]", name, maxsplit=1)[0]
            if base not in TEMPLATE_FIELDS:
                raise ValueError(f"message template names {{{name}}}; use one of "
                                 f"{', '.join(sorted(TEMPLATE_FIELDS))} (row[column] for a "
                                 f"column of the result)")
        return v

    @model_validator(mode="after")
    def _tool_fits(self) -> Monitor:
        _check_tool(self.tool, self.params.measure, self.params.group_by)
        ref = self.condition.relative_to
        if isinstance(ref, Reference) and ref.tool is not None:
            _check_tool(ref.tool, ref.measure, self.params.group_by)
        return self

    @property
    def grouped(self) -> bool:
        """Whether each row is checked (one alert per breaching group)."""
        return self.per_row if self.per_row is not None else bool(self.params.group_by)


def _check_tool(name: str, measure: str | None, group_by: list[Dimension]) -> None:
    tool = TOOLS.get(name)
    if tool is None:
        raise ValueError(f"unknown tool {name!r}{did_you_mean(name, TOOLS)}; `revops tools` "
                         "lists them")
    if measure is not None and measure not in tool.measures:
        raise ValueError(f"tool {name} has no measure {measure!r}"
                         f"{did_you_mean(measure, tool.measures)}; its measures: "
                         f"{', '.join(tool.measures)}")
    bad = [d.value for d in group_by if d not in tool.group_by]
    if bad:
        raise ValueError(f"tool {name} cannot group by {', '.join(bad)}; it groups by "
                         f"{', '.join(d.value for d in tool.group_by)}")


class MonitorsFile(_Strict):
    """The shape of a monitors file: monitors to add or replace, ids to switch off."""

    disable: list[str] = Field(default_factory=list)
    monitors: list[Monitor] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> MonitorsFile:
        seen: set[str] = set()
        for m in self.monitors:
            if m.id in seen:
                raise ValueError(f"monitor id {m.id!r} appears twice")
            seen.add(m.id)
        return self


def parse_monitors(text: str, source: str) -> MonitorsFile:
    """Parse and validate a monitors file's text; errors name the source and the monitor."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MonitorConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return MonitorsFile.model_validate(data)
    except ValidationError as exc:
        raise MonitorConfigError(f"{source}: {_describe(exc, data)}") from None


def _describe(exc: ValidationError, data: dict[str, Any]) -> str:
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc) or "file"
        if len(loc) >= 2 and loc[0] == "monitors" and isinstance(loc[1], int):
            entries = data.get("monitors") or []
            mid = entries[loc[1]].get("id") if loc[1] < len(entries) and isinstance(
                entries[loc[1]], dict) else None
            rest = ".".join(str(p) for p in loc[2:])
            where = f"monitor {mid!r}" if mid else f"monitors[{loc[1]}]"
            where += f" ({rest})" if rest else ""
        message = err["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}")
    return "; ".join(problems)


def shipped_monitors() -> MonitorsFile:
    """Return the monitors that ship with the agent (protocols/monitors.toml)."""
    text = resources.files("protocols").joinpath("monitors.toml").read_text("utf-8")
    return parse_monitors(text, "protocols/monitors.toml")


def load_monitors(user_file: Path | None = None) -> list[Monitor]:
    """Return the enabled monitors: the shipped ones merged with `user_file` (if any).

    A user monitor with a shipped id replaces it; `disable` lists ids to switch off and must
    name known monitors (a typo would otherwise leave an alert running silently).
    """
    merged = {m.id: m for m in shipped_monitors().monitors}
    if user_file is not None:
        try:
            text = Path(user_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise MonitorConfigError(f"cannot read monitors file {user_file}: "
                                     f"{exc.strerror or exc}") from None
        user = parse_monitors(text, str(user_file))
        merged |= {m.id: m for m in user.monitors}
        unknown = [i for i in user.disable if i not in merged]
        if unknown:
            raise MonitorConfigError(
                f"{user_file}: disable names unknown monitor(s) {', '.join(map(repr, unknown))};"
                f" known: {', '.join(merged)}")
        for i in user.disable:
            merged.pop(i)
    return [m for m in merged.values() if m.enabled]


def _one_of(kind: str, v: Any, known: Any) -> Any:
    """Accept a value from a fixed list, or say which it is closest to and list them all."""
    if v not in known:
        raise ValueError(f"unknown {kind} {v!r}{did_you_mean(v, known)}; known: {', '.join(known)}")
    return v
