"""Typed tool inputs and the result envelope every tool returns (docs/metrics.md#envelope)."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Protocol

import duckdb
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tools.codelike import code_reason
from tools.fiscal import Period
from tools.warehouse.settings import CompanySettings

Unit = Literal["ratio", "currency", "days", "count"]
Grain = Literal["week", "month", "quarter", "year"]

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
"""The dates any input may name: CRM history and plans fit, and period arithmetic around them
(a year back, a quarter ahead, lead days) stays far from date's own limits (year 1 and 9999)."""
BoundedDate = Annotated[date, Field(ge=MIN_DATE, le=MAX_DATE)]


def no_lone_surrogates(text: str) -> str:
    """Reject strings that are not valid Unicode text (a lone surrogate such as \\ud800, or an
    undecodable byte of a command line): nothing downstream can encode or store them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"invalid text: lone surrogate {text[exc.start]!r} at position "
                         f"{exc.start}") from None
    return text


Text = Annotated[str, AfterValidator(no_lone_surrogates)]
"""A string that is valid Unicode (encodable as UTF-8)."""


def _option_value(value: str | int | float | bool) -> str | int | float | bool:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if isinstance(value, str):
        if len(value) > 200:
            raise ValueError("must be at most 200 characters")
        no_lone_surrogates(value)
    return value


OptionValue = Annotated[str | int | float | bool, AfterValidator(_option_value)]
"""A tool option's value; each tool declares the range of its numeric options."""


def validation_text(exc: ValidationError) -> str:
    """One line naming each invalid field, its limit and the value given ("top: Input should be
    less than or equal to 1000 (got 1001)"): the message every edge (REST, A2A, MCP, CLI)
    shows."""
    parts = []
    for e in exc.errors(include_url=False):
        where = ".".join(str(p) for p in e["loc"]) or "input"
        msg = e["msg"].replace("Value error, ", "")
        given = e.get("input")
        text = repr(given)
        shown = f" (got {text if len(text) <= 60 else text[:57] + '...'})" if isinstance(
            given, str | int | float | date) and not isinstance(given, bool) else ""
        parts.append(f"{where}: {msg}{shown}")
    return "; ".join(parts)


class Dimension(StrEnum):
    """Every attribute a metric can be grouped or filtered by (a column of v_opps)."""

    rep = "rep"
    manager = "manager"
    team = "team"
    region = "region"
    territory = "territory"
    product = "product"
    product_family = "product_family"
    industry = "industry"
    segment = "segment"
    deal_type = "deal_type"
    lead_source = "lead_source"
    account = "account"
    stage = "stage"
    forecast_category = "forecast_category"
    opportunity = "opportunity"
    """Individual deals (e.g. "top 5 deals")."""
    tool = "tool"
    """A sales-technology tool (CRM, sequencing, call recording...)."""
    campaign = "campaign"
    activity_type = "activity_type"
    request_type = "request_type"
    """Kind of sales-ops request."""


OPPORTUNITY_DIMENSIONS = tuple(d for d in Dimension if d.value not in
                               ("tool", "activity_type", "request_type"))
"""Dimensions that are columns of v_opps / opp_facts (every deal has a value or none)."""
OWNER_DIMENSIONS = frozenset({Dimension.rep, Dimension.manager, Dimension.team, Dimension.region,
                              Dimension.territory})
"""Dimensions that describe the deal owner, the only ones quotas can be split by."""


class Filter(BaseModel):
    """Keep (or drop, with exclude) the records whose dimension label is one of `values`."""

    model_config = ConfigDict(frozen=True)

    dimension: Dimension
    values: list[Annotated[Text, Field(max_length=200)]] = Field(min_length=1, max_length=100)
    exclude: bool = False

    @field_validator("values")
    @classmethod
    def _no_code(cls, values: list[str]) -> list[str]:
        """A value that is markup, a template, a path or SQL is refused, never looked up."""
        for value in values:
            if kind := code_reason(value):
                raise ValueError(f"the value {value[:60]!r} looks like {kind}, not a name in "
                                 "the data; it is refused")
        return values


class PeriodParam(BaseModel):
    """A concrete inclusive date range with its label (resolved from the question)."""

    model_config = ConfigDict(frozen=True)

    start: BoundedDate
    end: BoundedDate
    label: Annotated[Text, Field(max_length=200)]

    @model_validator(mode="after")
    def _ordered(self) -> PeriodParam:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    @classmethod
    def of(cls, period: Period) -> PeriodParam:
        """Convert a calendar Period. Computed periods are not held to the input bounds (a tool
        looking a year back from 1900-01-01 may); what a question names is checked by classify."""
        return cls.model_construct(start=period.start, end=period.end, label=period.label)

    def as_period(self) -> Period:
        """Convert back to a calendar Period."""
        return Period(self.start, self.end, self.label)


class MetricParams(BaseModel):
    """Parameters shared by every metric tool; the rules parser and the LLM both produce these."""

    model_config = ConfigDict(extra="forbid")

    period: PeriodParam | None = None
    """Reporting period (closed deals) or close-date window (pipeline); None = tool default."""
    all_time: bool = False
    """Ignore the period entirely (e.g. all open pipeline whatever its close date)."""
    group_by: list[Dimension] = Field(default_factory=list, max_length=2)
    time_grain: Grain | None = None
    """Break the period into fiscal months/quarters/years (a trend)."""
    filters: list[Filter] = Field(default_factory=list, max_length=20)
    top: int | None = Field(default=None, ge=1, le=1000)
    order: Literal["desc", "asc"] = "desc"
    compare: Literal["previous_period", "previous_year"] | None = None
    measure: Annotated[Text, Field(max_length=200)] | None = None
    """Tool-specific variant of the headline number (e.g. win rate by 'count' or 'value')."""
    options: dict[Annotated[Text, Field(max_length=64)], OptionValue] = Field(
        default_factory=dict, max_length=20)
    """Tool-specific knobs (e.g. stale_days); each tool validates and documents its own, with
    the range of each numeric one declared beside it."""

    def dimensions_outside(self, allowed: Iterable[Dimension] = ()) -> list[str]:
        """The dimensions the split or the filters name that `allowed` lacks, sorted (all of
        them when nothing is allowed): what a FilterUnsupported names."""
        keep = set(allowed)
        return sorted({d.value for d in self.group_by if d not in keep}
                      | {f.dimension.value for f in self.filters if f.dimension not in keep})


class Warning(BaseModel):  # noqa: A001 - the contract calls these warnings
    """A caveat attached to an answer: a data-quality or method note, with a stable code."""

    code: str
    message: str


class ResultEnvelope(BaseModel):
    """The `result` of the AgentResponse contract (docs/design.md#agent-response): numbers and
    their provenance."""

    value: float | int | None = None
    unit: Unit
    columns: list[str]
    rows: list[list[Any]]
    period: dict[str, str] | None
    as_of: date
    definition: str
    sql: str
    """The statement as executed, parameter values rendered as literals."""
    n_records: int
    measure: str | None = None
    """Name of the headline column in `rows` (what `value` is)."""
    null_reason: str | None = None
    units: dict[str, str] = Field(default_factory=dict)
    """Unit of each numeric column (currency, ratio, multiple, count, days, minutes, hours,
    seconds): declared by the tool or tools.units, completed by tools.registry.run_tool."""
    currency: str | None = None
    """The warehouse's corporate currency (ISO code) every currency column is in."""
    chart: dict[str, Any] | None = None
    """A Vega-Lite specification drawing the result when its shape has one (a trend, a split,
    a bridge), else None; filled by the agent (agent.charts), not by the tools."""


class MetricResult(ResultEnvelope):
    """What a tool returns: the envelope plus the tool name and its caveats."""

    metric: str
    measure: str
    warnings: list[Warning] = Field(default_factory=list)

    def total(self, column: str) -> int:
        """The sum of a count column over the rows (NULL counts as 0)."""
        i = self.columns.index(column)
        return int(sum(r[i] or 0 for r in self.rows))


class RowScopeLike(Protocol):
    """What a tool run needs from the requester's row scope (tools.access.RowScope): the
    owner filter to add, a refusal when it cannot apply, and a check of the result."""

    def restrict(self, tool: Tool, params: MetricParams) -> tuple[MetricParams, Filter]:
        """Return the params with the mandatory owner filter, and that filter (or refuse)."""
        ...

    def unscopable(self, tool: Tool, why: str) -> ToolInputError:
        """Return the refusal for a tool that cannot apply the owner filter in this mode."""
        ...

    def vouch(self, tool: Tool, result: MetricResult, applied: Filter) -> MetricResult:
        """Check the tool applied the filter; return the result with the scope noted."""
        ...

    def model_dump(self) -> dict[str, Any]:
        """The scope as plain data (part of the answer cache's key)."""
        ...


class ResultCache(Protocol):
    """What a tool run needs from the warehouse's answer cache (tools.answer_cache)."""

    def key(self, name: str, params: MetricParams, as_of: date, scope: RowScopeLike | None,
            facts: bool) -> Hashable | None:
        """The key of one run's result (None: not cacheable)."""
        ...

    def get_or_compute(self, key: Hashable | None, compute: Callable[[], MetricResult]
                       ) -> MetricResult:
        """The cached result for `key`, else `compute()`'s, kept."""
        ...


@dataclass(frozen=True)
class ToolContext:
    """What a tool needs for one run: a read-only connection, company settings, the as-of date."""

    con: duckdb.DuckDBPyConnection
    settings: CompanySettings
    as_of: date
    facts: bool = False
    """opp_facts is current: read it instead of the live view for the current state."""
    memo: dict[Any, Any] = field(default_factory=dict)
    """Per-connection cache for counts that cannot change under a read-only connection."""
    scope: RowScopeLike | None = None
    """The requester's row scope (tools.access); None = every row. tools.registry.run_tool
    enforces it around the tool, so a tool itself never has to."""
    cache: ResultCache | None = None
    """The warehouse's answer cache (tools/answer_cache.py); None = always compute."""


class ToolInputError(ValueError):
    """Parameters are valid in form but the tool cannot answer with them (e.g. quota by product)."""

    def __init__(self, message: str, options: list[str] | None = None) -> None:
        super().__init__(message)
        self.options = options or []


class FilterUnsupported(ToolInputError):
    """The tool cannot apply a split or filter by these dimensions (in this mode).

    Distinct from other input errors because a row scope is a filter: a restricted requester
    whose mandatory owner filter the tool cannot apply is refused, not asked to rephrase.
    """

    def __init__(self, message: str, dimensions: Iterable[str],
                 options: list[str] | None = None) -> None:
        super().__init__(message, options)
        self.dimensions = frozenset(dimensions)

    @classmethod
    def outside(cls, what: str, bad: Iterable[str], allowed: Iterable[Dimension],
                why: str = "") -> FilterUnsupported:
        """The refusal of a split or filter by `bad`, offering `allowed`; with `why`, the reason
        `what` takes only those (the one wording for run_tool and the tools' own checks)."""
        names, bad = [d.value for d in allowed], sorted(bad)
        text = f"{what} cannot be split or filtered by {', '.join(bad)}"
        if why:
            text += f": {why}, so it is split only by {', '.join(names)}"
        return cls(text, bad, options=names)


Runner = Callable[[ToolContext, MetricParams], MetricResult]

NOT_OPEN = frozenset({"closed", "won", "lost", "closed won", "closed lost"})
"""The deal states a tool of open deals never counts."""
ONLY_WON = frozenset({"open", "lost", "pipeline"})
"""The deal states a tool of won deals never counts."""
ONLY_CLOSED = frozenset({"open", "pipeline"})
"""The deal states a tool of closed deals never counts."""


@dataclass(frozen=True, kw_only=True)
class Tool:
    """A read-only analytic tool: typed params in, result envelope out (built by keyword)."""

    name: str
    title: str
    description: str
    run: Runner
    measures: tuple[str, ...]
    """Allowed values of params.measure; the first is the default."""
    default_period: str
    """'ytd' (fiscal year to date), 'quarter' (fiscal quarter of as-of) or 'none'."""
    group_by: tuple[Dimension, ...] = OPPORTUNITY_DIMENSIONS
    """Dimensions this tool can split and filter by."""
    lists_records: bool = False
    """Its plain answer is already a list of records ("which deals are missing an account")."""
    comparable: bool = False
    """Accepts params.compare (previous period / previous year): the metric engine's tools."""
    group_by_why: str = ""
    """Why it splits only by `group_by` ("quotas are set per rep"); a refusal says so."""
    lower_is_better: frozenset[str] = frozenset()
    """Measures whose smaller values are the better ones (days, errors, slips, risk): the
    worst rep, flow or stage by one of them is the one with the largest value."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """The knobs it reads from params.options (name -> core/options.Option): declared here too
    so a reading's options can be compared as the tool reads them (defaults filled in)."""
    series: bool = False
    """Answers a series by week, month or quarter, each bucket its own figure: "win rate quarter
    over quarter" with no period named is its trend, not this quarter against the last."""
    own_grain: str | None = None
    """The one grain its answer already has (forecast accuracy is scored per fiscal quarter):
    asking for it changes nothing, any other grain is refused."""
    never_counts: frozenset[str] = frozenset()
    """Deal states outside what it counts (NOT_OPEN, ONLY_WON, ONLY_CLOSED): "win rate excluding
    open deals" changes nothing, and the reader says so instead of asking."""
