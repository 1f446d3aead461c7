"""classify with a model: the question -> the same typed Plan the rules parser produces.

The model fills a constrained form (tool names and dimensions are enums); everything it
writes is then checked against the tool catalog and the data exactly like a rules plan: a
period is a phrase our own period parser resolves, a filter value must exist in the warehouse
(or be a confident fuzzy match), a split must be one the tool supports. An invalid form is
sent back once with the validation error; after that, or when the model is unavailable, the
rules outcome stands and a notice says so. The model never produces a number.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from agent.parser.normalize import normalize
from agent.parser.periods import PeriodParser
from agent.plan import Plan
from prompts import load_prompt
from tools.base import Dimension, Filter, MetricParams, PeriodParam
from tools.registry import TOOLS

if TYPE_CHECKING:
    from agent.context import Warehouse
    from agent.llm.client import LLMClient
    from agent.state import State

FUZZY_MIN = 90.0
"""A filter value the data does not hold is accepted only this close to a real one."""
LISTED_VALUES = 40
"""Values per dimension shown to the model (more are still matched when it names them)."""


class ModelFilter(BaseModel):
    dimension: Dimension
    values: list[str] = Field(min_length=1)
    exclude: bool = False


class ModelPlanBase(BaseModel):
    """What the model fills in; `tool` is narrowed to the catalog's names per run."""

    measure: str | None = Field(None, description="One of the tool's measures, or null.")
    period: str | None = Field(None, description=(
        "The period as a phrase: 'this quarter', 'last fiscal year', 'FY2026 Q3', 'March 2026', "
        "'last 90 days', '2026-01-01 to 2026-03-31'; null for the tool's default."))
    compare: Literal["previous_period", "previous_year"] | None = None
    group_by: list[Dimension] = Field(default_factory=list)
    time_grain: Literal["week", "month", "quarter", "year"] | None = None
    filters: list[ModelFilter] = Field(default_factory=list)
    top: int | None = Field(None, ge=1, le=1000)
    order: Literal["asc", "desc"] = "desc"
    clarification: str | None = Field(None, description=(
        "Set (and tool null) only when the question cannot be mapped to any tool."))


def plan_schema() -> type[BaseModel]:
    """The form with `tool` limited to the registered tools (an enum, never free text)."""
    names = tuple(sorted(TOOLS))
    return create_model("RevOpsPlan", __base__=ModelPlanBase,
                        tool=(Literal[names] | None, Field(  # type: ignore[arg-type]  # a Literal built at run time
                            None, description="The tool that answers the question.")))


def plan_with_model(llm: LLMClient, state: State, wh: Warehouse,
                    rules_note: str | None = None) -> tuple[Plan | None, list[dict]]:
    """Ask the model for a plan; return it validated, or None with notices on why not.

    `rules_note` tells the model what the rules parser could not explain (an unsure reading).
    """
    # langchain loads only when a model is configured
    from agent.llm.client import LLMOutputError, LLMUnavailable

    assert state.as_of is not None
    schema = plan_schema()
    messages: list[tuple[str, str]] = [
        ("system", load_prompt("classify").format(catalog=catalog(wh), as_of=state.as_of,
                                                  calendar=calendar_text(wh, state.as_of))),
        ("human", _question_text(state) + (f"\n\n({rules_note})" if rules_note else "")),
    ]
    for attempt in (1, 2):
        try:
            form = llm.structured(schema, messages, deadline=state.llm_deadline,
                                  key=state.request_id)
            plan = to_plan(form, wh, state.as_of)
            if plan is None:
                return None, [{"code": "LLM_NO_PLAN", "message": (
                    "The model could not map the question to a tool either.")}]
            return plan, []
        except LLMUnavailable as exc:
            return None, [{"code": "LLM_UNAVAILABLE", "message": (
                f"The model was unavailable ({exc}); the rules parser answered.")}]
        except (LLMOutputError, ValidationError, ValueError) as exc:
            if attempt == 2:
                return None, [{"code": "LLM_INVALID_PLAN", "message": (
                    f"The model's plan was invalid twice ({_short(exc)}); the rules parser "
                    "answered.")}]
            messages += [("ai", getattr(exc, "raw_text", "") or "(invalid output)"),
                         ("human", f"That plan is invalid: {_short(exc)}. Return a corrected "
                                   "plan.")]
    return None, []


def to_plan(form: BaseModel, wh: Warehouse, as_of: date) -> Plan | None:
    """Validate the model's form against the catalog and the data; ValueError says what's wrong."""
    data = form.model_dump()
    name = data.get("tool")
    if name is None:
        return None
    tool = TOOLS[name]
    measure = data["measure"]
    if measure is not None and measure not in tool.measures:
        raise ValueError(f"measure {measure!r} is not one of {', '.join(tool.measures)} "
                         f"for {name}")
    bad = [d for d in data["group_by"] if d not in tool.group_by]
    bad += [f["dimension"] for f in data["filters"] if f["dimension"] not in tool.group_by]
    if bad:
        raise ValueError(f"{name} cannot be split or filtered by {', '.join(map(str, bad))}; "
                         f"it supports {', '.join(d.value for d in tool.group_by)}")
    params: dict[str, Any] = {
        "measure": measure, "compare": data["compare"], "group_by": data["group_by"],
        "time_grain": data["time_grain"], "top": data["top"], "order": data["order"],
        "filters": [Filter(dimension=f["dimension"], exclude=f["exclude"],
                           values=[_value(wh, f["dimension"], v) for v in f["values"]])
                    for f in data["filters"]],
    }
    notes = []
    if data["period"]:
        found = PeriodParser(as_of, wh.settings.calendar).extract(normalize(data["period"]))
        if not found.periods:
            raise ValueError(f"period {data['period']!r} is not understood; write it like "
                             "'last quarter', 'FY2026 Q3' or '2026-01-01 to 2026-03-31'")
        params["period"] = PeriodParam.of(found.periods[0])
        notes.append(f"The model read the period as {found.periods[0].label}.")
    return Plan(tool=name, params=MetricParams(**params), notes=notes, parser="llm")


def _value(wh: Warehouse, dim: Dimension, value: str) -> str:
    """Return the data's own label for a value the model named, or say it does not exist."""
    index = wh.entities
    for d, label in index.by_norm.get(normalize(value), []):
        if d == dim:
            return label
    if dim == Dimension.account:
        found = index.account_exact(normalize(value))
        if found:
            return found
    close = [(score, label) for score, d, label in index.fuzzy(normalize(value), limit=5)
             if d == dim and score >= FUZZY_MIN]
    if close:
        return max(close)[1]
    raise ValueError(f"{value!r} is not a {dim.value.replace('_', ' ')} in the data")


def catalog(wh: Warehouse) -> str:
    """The tools with their measures and splits, and the values each dimension has."""
    lines = []
    for tool in TOOLS.values():
        lines.append(f"- {tool.name}: {tool.description} Measures: {', '.join(tool.measures)}. "
                     f"Split/filter by: {', '.join(d.value for d in tool.group_by)}.")
    values: dict[str, list[str]] = {}
    for entries in wh.entities.by_norm.values():
        for dim, label in entries:
            if dim not in (Dimension.account, Dimension.opportunity):
                values.setdefault(dim.value, []).append(label)
    lines.append("\nValues in the data (use these exact labels in filters):")
    for dim_name, labels in sorted(values.items()):
        shown = sorted(labels)[:LISTED_VALUES]
        more = f" (and {len(labels) - len(shown)} more)" if len(labels) > len(shown) else ""
        lines.append(f"- {dim_name}: {json.dumps(shown)}{more}")
    return "\n".join(lines)


def calendar_text(wh: Warehouse, as_of: date) -> str:
    """Describe the fiscal calendar and where the as-of date falls in it."""
    cal = wh.settings.calendar
    quarter = cal.bucket(as_of, "quarter")
    year = cal.bucket(as_of, "year")
    return (f"The fiscal year starts in month {cal.start_month}. The as-of date {as_of} is in "
            f"{quarter.label} ({quarter.start} to {quarter.end}) of {year.label} "
            f"({year.start} to {year.end}).")


def _question_text(state: State) -> str:
    text = state.question
    if state.previous_plan is not None:
        previous = state.previous_plan.model_dump(mode="json", exclude_defaults=True)
        text += ("\n\n(Previous question in this conversation was planned as "
                 f"{json.dumps(previous)}; a follow-up keeps what it does not change.)")
    return text


def _short(exc: Exception) -> str:
    return " ".join(str(getattr(exc, "error", "") or exc).split())[:400]
