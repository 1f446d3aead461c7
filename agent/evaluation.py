"""Score the agent on a question set: did it pick the right tool and parameters (intent), and
is its number the right one (value), per parser.

Expected values are never typed from the agent's own output: each case names the tool and
parameters a correct reading would use, and the expected result is that tool run directly
through the registry, independent of any parser (a few cases carry a hand-checked number
instead). The agent is reached only through an injected `answer(question, as_of)` callable per
parser, so the rules path, the LLM path or a remote service can be scored the same way.
The set format (TOML) is described in examples/eval/README.md.
"""

from __future__ import annotations

import math
import re
import time
import tomllib
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.ask import ask
from agent.context import Warehouse
from agent.response import AgentResponse, Status
from tools.base import (
    Dimension,
    Filter,
    Grain,
    MetricParams,
    MetricResult,
    PeriodParam,
    ResultEnvelope,
    ToolContext,
    ToolInputError,
)
from tools.fiscal import FiscalCalendar
from tools.metrics.core.options import read_options
from tools.registry import TOOLS

if TYPE_CHECKING:  # typing only: the model client's libraries load only when one is configured
    from agent.llm.client import LLMClient

Answer = Callable[[str, date], AgentResponse]
"""How the evaluation reaches the agent: question and as-of date in, AgentResponse out."""
PARSERS = ("rules", "llm")
REL_TOL = 1e-9
PARAM_KEYS = ("period", "all_time", "group_by", "time_grain", "filters", "exclude", "top",
              "order", "compare", "measure", "options", "plan_as_of")


class DemoSpec(BaseModel):
    """The demo company a set is written against (`revops demo` with these options)."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 42
    opportunities: int = 20_000
    end_date: date
    fiscal_year_start_month: int = 2


class PeriodSpec(BaseModel):
    """An explicit period; `label` alone may name a fiscal year, quarter, YTD or month."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    start: date | None = None
    end: date | None = None


class EvalCase(BaseModel):
    """One question and what a correct answer is made of; only listed params are compared."""

    model_config = ConfigDict(extra="forbid")

    question: str
    as_of: date | None = None
    """The run's as-of date (default: the set's)."""
    status: Status = "answered"
    tool: str | None = None
    period: str | PeriodSpec | None = None
    all_time: bool = False
    group_by: list[Dimension] = Field(default_factory=list)
    time_grain: Grain | None = None
    filters: dict[Dimension, list[str]] = Field(default_factory=dict)
    exclude: dict[Dimension, list[str]] = Field(default_factory=dict)
    top: int | None = None
    order: Literal["desc", "asc"] = "desc"
    compare: Literal["previous_period", "previous_year"] | None = None
    measure: str | None = None
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)
    plan_as_of: date | None = None
    """An as-of date named in the question itself ("as of June 30")."""
    value: float | None = None
    """A hand-checked headline number, compared instead of the registry run."""
    category: str | None = None
    """For escalated cases: the escalation category expected."""
    group: str | None = None
    """Paraphrases of one question share a group: their answers should be the same."""

    def listed(self) -> list[str]:
        """Return the parameter keys this case asserts."""
        return [k for k in PARAM_KEYS if k in self.model_fields_set]


class QuestionSet(BaseModel):
    """A question file: defaults, the demo it was written for, and the cases."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = "questions"
    description: str = ""
    as_of: date
    demo: DemoSpec | None = None
    cases: list[EvalCase] = Field(alias="case")


class CaseOutcome(BaseModel):
    """How one parser did on one case."""

    question: str
    group: str
    """The expected tool, or the expected status when no tool should run."""
    parser_used: str | None
    intent_ok: bool
    value_ok: bool | None
    """None when the case expects no number (clarification, escalation, refusal)."""
    expected: str
    got: str
    seconds: float
    status: Status = "answered"
    """The status the agent gave."""
    paraphrase_group: str | None = None
    """The case's paraphrase group, if the set groups its questions."""

    @property
    def answered_different(self) -> bool:
        """The agent answered, but not the question the case means (a different reading, or
        a case that expects no answer): the worst outcome, a number that looks right."""
        return self.status == "answered" and not self.intent_ok


class GroupScore(BaseModel):
    """Scores of the cases of one expected tool (or status)."""

    group: str
    cases: int
    intent: float
    value: float | None


class InconsistentGroup(BaseModel):
    """A paraphrase group whose questions did not all get the same answer."""

    group: str
    cases: int
    agreeing: int
    """How many cases gave the group's most common outcome."""
    outcomes: list[str]
    """Each case's question and outcome, in set order."""


class ParserReport(BaseModel):
    """The scores of one parser; `configured` false means it could not run (not a failure)."""

    parser: str
    configured: bool
    cases: int = 0
    intent_accuracy: float | None = None
    read_as_meant: float | None = None
    """Status right and, for answered cases, the tool and every listed parameter right (the
    same test as intent, named for what it says about the reading)."""
    answered_different: float | None = None
    """Share of cases answered with a different reading (or answered when no answer was
    expected)."""
    asked_back: float | None = None
    """Share of cases the agent asked back about (needs_clarification)."""
    errors: int = 0
    """Cases answered with status error (a failing tool or a fault in the question reader):
    failures of their own kind, counted so a fault is never lost among wrong readings."""
    value_accuracy: float | None = None
    value_cases: int = 0
    plans_by_parser: dict[str, int] = Field(default_factory=dict)
    """Which parser actually produced the plans (the LLM path lets confident rules go first)."""
    paraphrase_consistency: float | None = None
    """Share of grouped cases whose outcome (status, tool and figures) is the most common
    outcome of their paraphrase group; None when the set has no groups."""
    inconsistent_groups: list[InconsistentGroup] = Field(default_factory=list)
    by_group: list[GroupScore] = Field(default_factory=list)
    failures: list[CaseOutcome] = Field(default_factory=list)
    seconds: float = 0.0


class EvalReport(BaseModel):
    """The whole evaluation, as `revops eval --json` prints it."""

    name: str
    questions: int
    fail_under: float
    passed: bool
    notes: list[str] = Field(default_factory=list)
    parsers: list[ParserReport]


def load_questions(path: Path | str) -> QuestionSet:
    """Read a TOML question set; errors name the file and the bad case."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return QuestionSet.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc


def resolve_period(spec: str | PeriodSpec, calendar: FiscalCalendar, as_of: date) -> PeriodParam:
    """Turn a case's period (a fiscal label or explicit dates) into concrete dates."""
    if isinstance(spec, str):
        spec = PeriodSpec(label=spec)
    if spec.start and spec.end:
        return PeriodParam(start=spec.start, end=spec.end,
                           label=spec.label or f"{spec.start} to {spec.end}")
    label = (spec.label or "").strip()
    if m := re.fullmatch(r"FY(\d{4}) Q([1-4])", label):
        return PeriodParam.of(calendar.quarter(int(m[1]), int(m[2])))
    if m := re.fullmatch(r"FY(\d{4})", label):
        return PeriodParam.of(calendar.year(int(m[1])))
    if m := re.fullmatch(r"FY(\d{4}) YTD", label):
        return PeriodParam(start=calendar.year(int(m[1])).start, end=as_of, label=label)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        period = calendar.bucket(date(int(m[1]), int(m[2]), 1), "month")
        return PeriodParam.of(period)
    raise ValueError(f"cannot read period {label!r}: give start and end")


def expected_params(case: EvalCase, calendar: FiscalCalendar, as_of: date) -> MetricParams:
    """Return the full MetricParams of a correct reading of the case."""
    filters = [Filter(dimension=d, values=v) for d, v in case.filters.items()]
    filters += [Filter(dimension=d, values=v, exclude=True) for d, v in case.exclude.items()]
    return MetricParams(
        period=resolve_period(case.period, calendar, as_of) if case.period else None,
        all_time=case.all_time, group_by=case.group_by, time_grain=case.time_grain,
        filters=filters, top=case.top, order=case.order, compare=case.compare,
        measure=case.measure, options=case.options)


def run_expected(wh: Warehouse, case: EvalCase, as_of: date) -> MetricResult:
    """Run the expected tool with the expected parameters directly (no parser involved)."""
    if case.tool is None or case.tool not in TOOLS:
        raise ValueError(f"case {case.question!r}: unknown tool {case.tool!r}")
    run_as_of = case.plan_as_of or as_of
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=run_as_of, facts=wh.facts,
                      memo=wh.memo)
    try:
        return TOOLS[case.tool].run(ctx, expected_params(case, wh.settings.calendar, as_of))
    except ToolInputError as exc:  # the set's mistake: say which case, never a traceback
        raise ValueError(f"case {case.question!r}: its expected reading cannot run: "
                         f"{exc}") from exc


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or not (
            isinstance(a, int | float) and isinstance(b, int | float)):
        return a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0) or a == b


def same_figures(expected: ResultEnvelope, got: ResultEnvelope) -> bool:
    """True when the headline value and every cell of the table agree (floats to 1e-9)."""
    if not _same(expected.value, got.value) or expected.columns != got.columns:
        return False
    if len(expected.rows) != len(got.rows):
        return False
    return all(len(r) == len(s) and all(_same(x, y) for x, y in zip(r, s, strict=True))
               for r, s in zip(expected.rows, got.rows, strict=True))


def _figures(result: ResultEnvelope | None) -> str:
    if result is None:
        return "no result"
    if result.value is not None:
        return f"value={result.value}"
    head = "; ".join(", ".join(str(c) for c in row[:3]) for row in result.rows[:2])
    return f"{len(result.rows)} rows [{head}{'; ...' if len(result.rows) > 2 else ''}]"


def _period_of(response: AgentResponse) -> tuple[str, str] | None:
    period = response.intent.params.get("period")
    if period is None and response.result is not None:
        period = response.result.period
    return (period["start"], period["end"]) if period else None


def _actual(key: str, response: AgentResponse) -> Any:
    params = response.intent.params
    if key == "period":
        return _period_of(response)
    if key in ("filters", "exclude"):
        excluded = key == "exclude"
        return {f["dimension"]: _values(f["dimension"], f["values"])
                for f in params.get("filters", []) if bool(f.get("exclude", False)) == excluded}
    if key == "measure":
        return params.get("measure") or _default_measure(response.intent.tool)
    if key == "plan_as_of":
        return None  # the plan's as-of is not in the contract; the value check covers it
    if key == "options":
        return _options(response.intent.tool, params.get("options", {}))
    default = MetricParams.model_fields[key].get_default(call_default_factory=True)
    return params.get(key, default)


def _wanted(key: str, case: EvalCase, calendar: FiscalCalendar, as_of: date) -> Any:
    if key == "period":
        if case.period is None:
            return None
        p = resolve_period(case.period, calendar, as_of)
        return (p.start.isoformat(), p.end.isoformat())
    if key in ("filters", "exclude"):
        return {d.value: _values(d.value, v) for d, v in getattr(case, key).items()}
    if key == "group_by":
        return [d.value for d in case.group_by]
    if key == "measure":
        return case.measure or _default_measure(case.tool)
    if key == "options":
        return _options(case.tool, case.options)
    return getattr(case, key)


def _options(tool: str | None, options: Mapping[str, Any]) -> dict[str, Any]:
    """Options as the tool reads them: its defaults filled in, one spelling per value, so
    'quarters = 4' (the default) or 'commit' for 'commit_forecast' is the same reading; options
    the tool would refuse are compared as written."""
    declared = TOOLS[tool].options if tool is not None and tool in TOOLS else {}
    try:
        return read_options(MetricParams(options=dict(options)), tool or "", declared)
    except (ToolInputError, ValueError):
        return dict(options)


def _values(dimension: str, values: list[str]) -> list[str]:
    """Filter values as compared: a system ('tool') matches without case in the tools (the
    sync log writes 'salesforce', the licences 'Salesforce'), so it is compared so too."""
    return sorted(v.casefold() for v in values) if dimension == "tool" else sorted(values)


def _default_measure(tool: str | None) -> str | None:
    """A plan without a measure asks for the tool's first (default) measure."""
    return TOOLS[tool].measures[0] if tool is not None and tool in TOOLS else None


def check_intent(case: EvalCase, response: AgentResponse, calendar: FiscalCalendar,
                 as_of: date) -> list[str]:
    """Return what differs between the expected reading and the response (empty = correct)."""
    if response.status != case.status:
        return [f"status {response.status} (expected {case.status})"]
    if case.status == "escalated":
        got = response.escalation.category if response.escalation else None
        return [] if case.category in (None, got) else [f"category {got}"]
    if case.status != "answered":
        return []
    equivalent = response.intent.tool != case.tool and (
        _same_ranking(case, response) or _same_measure(case, response))
    if response.intent.tool != case.tool and not equivalent:
        return [f"tool {response.intent.tool}"]
    problems = []
    for key in case.listed():
        if key == "plan_as_of" or (equivalent and key == "measure"):
            continue  # an equivalent ranking names its measure its own way (compared above)
        want, got = _wanted(key, case, calendar, as_of), _actual(key, response)
        if key == "measure" and _same_deals(case, want, got):
            continue
        if want != got:
            problems.append(f"{key}={got}")
    return problems


def _same_deals(case: EvalCase, want: Any, got: Any) -> bool:
    """Whether two measures list the same deals: on a list of deals (split by opportunity)
    the count of a kind of deal and its value ('lost' and 'lost_amount', 'count' and 'amount')
    name the same rows, one deal each; only the figure beside each deal differs ("which deals
    did we lose in EMEA": the lost deals, whichever figure is shown)."""
    if "opportunity" not in [d.value for d in case.group_by] or not isinstance(want, str) or \
            not isinstance(got, str):
        return False
    return {want, got} == {"count", "amount"} or want + "_amount" == got or got + "_amount" == want


RANKINGS = {"amount": ("bookings", "amount"), "count": ("bookings", "count"),
            "win_rate": ("win_rate", "count"), "deal_size": ("avg_deal_size", "mean"),
            "cycle": ("sales_cycle", "mean")}
"""A leaderboard ranked by one of its measures is the same answer as that measure's own tool
split by the same dimension ("top 5 reps by bookings": the same reps, figures and order; the
leaderboard adds columns). Question writers expect either, so either reads as meant."""


SAME_MEASURE: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {
    ("opportunity_count", "won"): ("bookings", "count")}
"""Measures two tools compute alike: the count of won deals is bookings' count (the same
deals, the same number, tests/test_eval.py checks it on the demo company)."""


def _same_measure(case: EvalCase, response: AgentResponse) -> bool:
    """Whether the response is the case's measure read by the other tool that computes it."""
    def canonical(tool: str | None, measure: str | None) -> tuple[str | None, str | None]:
        pair = (tool, measure or _default_measure(tool))
        return SAME_MEASURE.get(pair, pair)
    return canonical(case.tool, case.measure) == canonical(
        response.intent.tool, response.intent.params.get("measure"))


def _ranking(tool: str | None, measure: str | None, group_by: list[str]) -> tuple:
    """The reading a ranked split stands for: a leaderboard as the tool of its measure."""
    if tool == "leaderboard" and group_by:
        return RANKINGS.get(measure or "amount", (tool, measure))
    return tool, measure or _default_measure(tool)


def _same_ranking(case: EvalCase, response: AgentResponse) -> bool:
    """Whether the response is the case's ranked split read by its equivalent tool."""
    want = [d.value for d in case.group_by] or (["rep"] if case.tool == "leaderboard" else [])
    got = list(response.intent.params.get("group_by") or [])
    return bool(want) and want == got and \
        _ranking(case.tool, case.measure, want) == _ranking(
            response.intent.tool, response.intent.params.get("measure"), got)


def _same_to_date(want: Any, got: Any, as_of: date) -> bool:
    """Whether two periods differ only in an end at or after the as-of date ("this fiscal
    year" read as the whole year or as the year to date): nothing has happened after today,
    so when every figure also agrees (checked by the caller) both answer the same question;
    forecasts and open pipeline, which look past today, differ in their figures and stay
    apart."""
    if not (isinstance(want, tuple) and isinstance(got, tuple)):
        return False
    today = as_of.isoformat()
    return want[0] == got[0] and min(want[1], got[1]) >= today


def _same_but_empty(expected: ResultEnvelope, got: ResultEnvelope) -> bool:
    """Whether two series agree but for rows one has and the other lacks whose figures are
    all zero or empty: the months after today of "month by month this fiscal year", where the
    year to date leaves them out (the caller has checked the periods differ only after today)."""
    if not _same(expected.value, got.value) or expected.columns != got.columns:
        return False

    def keyed(rows: list[list[Any]]) -> dict[tuple[Any, ...], list[Any]]:
        return {tuple(c for c in row if not isinstance(c, int | float)): row for row in rows}

    want, have = keyed(expected.rows), keyed(got.rows)
    if len(want) != len(expected.rows) or len(have) != len(got.rows):
        return False  # (labels that repeat: no way to pair the rows)
    shared = want.keys() & have.keys()
    extra = [row for k, row in (*want.items(), *have.items()) if k not in shared]
    return all(all(_same(x, y) for x, y in zip(want[k], have[k], strict=True)) for k in shared) \
        and all(c in (0, None) for row in extra for c in row if isinstance(c, int | float) or
                c is None)


def _describe(case: EvalCase, calendar: FiscalCalendar, as_of: date) -> str:
    if case.status != "answered":
        return case.status + (f" ({case.category})" if case.category else "")
    keys = ", ".join(f"{k}={_wanted(k, case, calendar, as_of)}" for k in case.listed())
    return f"{case.tool}({keys})"


def _got(response: AgentResponse) -> str:
    if response.status != "answered":
        extra = response.escalation.category if response.escalation else response.answer[:80]
        return f"{response.status} ({extra})"
    params = ", ".join(f"{k}={v}" for k, v in response.intent.params.items())
    return f"{response.intent.tool}({params})"


def score_case(case: EvalCase, response: AgentResponse, expected: MetricResult | None,
               calendar: FiscalCalendar, as_of: date, seconds: float) -> CaseOutcome:
    """Score one response against its case."""
    problems = check_intent(case, response, calendar, as_of)
    value_ok: bool | None = None
    want, got = _describe(case, calendar, as_of), _got(response)
    if case.status == "answered":
        if case.value is not None:
            value_ok = response.result is not None and _same(case.value, response.result.value)
            want += f" -> value={case.value}"
        else:
            value_ok = (response.result is not None and expected is not None
                        and same_figures(expected, response.result))
            want += f" -> {_figures(expected)}"
        got += f" -> {_figures(response.result)}"
        if problems == [f"period={_period_of(response)}"] and _same_to_date(
                _wanted("period", case, calendar, as_of), _period_of(response),
                case.plan_as_of or as_of) and (value_ok or case.value is None and (
                    response.result is not None and expected is not None and
                    _same_but_empty(expected, response.result))):
            problems, value_ok = [], True
    return CaseOutcome(question=case.question, group=case.tool or f"({case.status})",
                       parser_used=response.intent.parser if response.intent.tool else None,
                       intent_ok=not problems, value_ok=value_ok,
                       expected=want, got=got + ("" if not problems else
                                                  f" [{'; '.join(problems)}]"),
                       seconds=round(seconds, 4), status=response.status)


def same_outcome(a: AgentResponse, b: AgentResponse) -> bool:
    """True when two answers say the same: status, tool and figures (as same_figures)."""
    if a.status != b.status or a.intent.tool != b.intent.tool:
        return False
    if a.result is None or b.result is None:
        return a.result is None and b.result is None
    return same_figures(a.result, b.result)


def _outcome_text(response: AgentResponse) -> str:
    if response.status != "answered":
        return response.status
    return f"{response.intent.tool} -> {_figures(response.result)}"


def paraphrase_consistency(
        grouped: list[tuple[str, str, AgentResponse]],
) -> tuple[float | None, list[InconsistentGroup]]:
    """Score (group, question, response) triples: the share of cases whose outcome equals
    their group's most common one (the first of equally common ones), and every group where
    not all cases agree. Outcomes are compared pairwise since figures match to a tolerance."""
    groups: dict[str, list[tuple[str, AgentResponse]]] = {}
    for group, question, response in grouped:
        groups.setdefault(group, []).append((question, response))
    agreeing_total, bad = 0, []
    for group, members in groups.items():
        classes: list[list[int]] = []
        for i, (_, response) in enumerate(members):
            for cls in classes:
                if same_outcome(members[cls[0]][1], response):
                    cls.append(i)
                    break
            else:
                classes.append([i])
        agreeing = max(len(c) for c in classes)
        agreeing_total += agreeing
        if agreeing < len(members):
            bad.append(InconsistentGroup(
                group=group, cases=len(members), agreeing=agreeing,
                outcomes=[f"{q!r}: {_outcome_text(r)}" for q, r in members]))
    if not grouped:
        return None, []
    return round(agreeing_total / len(grouped), 4), bad


def _fraction(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def summarize(parser: str, outcomes: list[CaseOutcome], seconds: float,
              grouped: list[tuple[str, str, AgentResponse]] | None = None) -> ParserReport:
    """Aggregate outcomes into overall and per-tool scores, and paraphrase consistency over
    the (group, question, response) triples of grouped cases."""
    consistency, inconsistent = paraphrase_consistency(grouped or [])
    groups: dict[str, list[CaseOutcome]] = {}
    for o in outcomes:
        groups.setdefault(o.group, []).append(o)
    by_group = [GroupScore(group=g, cases=len(os), intent=_fraction([o.intent_ok for o in os])
                           or 0.0,
                           value=_fraction([o.value_ok for o in os if o.value_ok is not None]))
                for g, os in sorted(groups.items())]
    used: dict[str, int] = {}
    for o in outcomes:
        if o.parser_used:
            used[o.parser_used] = used.get(o.parser_used, 0) + 1
    values = [o.value_ok for o in outcomes if o.value_ok is not None]
    return ParserReport(
        parser=parser, configured=True, cases=len(outcomes),
        intent_accuracy=_fraction([o.intent_ok for o in outcomes]),
        read_as_meant=_fraction([o.intent_ok for o in outcomes]),
        answered_different=_fraction([o.answered_different for o in outcomes]),
        asked_back=_fraction([o.status == "needs_clarification" for o in outcomes]),
        errors=sum(o.status == "error" for o in outcomes),
        value_accuracy=_fraction(values), value_cases=len(values), plans_by_parser=used,
        paraphrase_consistency=consistency, inconsistent_groups=inconsistent,
        by_group=by_group, failures=[o for o in outcomes if not o.intent_ok or o.value_ok is False],
        seconds=round(seconds, 2))


def evaluate(qset: QuestionSet, wh: Warehouse, answerers: Mapping[str, Answer | None], *,
             fail_under: float = 0.95,
             progress: Callable[[str, int, int], None] | None = None) -> EvalReport:
    """Ask every question of the set through each parser's answerer and score the responses.

    An answerer of None is a parser that is not configured: reported, never scored as zero.
    """
    calendar = wh.settings.calendar
    notes = []
    hand_checked = qset.demo is None or demo_matches(wh, qset.demo)
    if not hand_checked:
        notes.append("the warehouse is not the set's demo company: hand-checked values are "
                     "replaced by registry runs")
    cases = [c if hand_checked else c.model_copy(update={"value": None}) for c in qset.cases]
    expected: dict[int, MetricResult | None] = {}
    for i, case in enumerate(cases):
        as_of = case.as_of or qset.as_of
        needs_run = case.status == "answered" and case.value is None
        expected[i] = run_expected(wh, case, as_of) if needs_run else None
    reports = []
    for parser, answer in answerers.items():
        if answer is None:
            reports.append(ParserReport(parser=parser, configured=False))
            continue
        outcomes, started = [], time.perf_counter()
        grouped: list[tuple[str, str, AgentResponse]] = []
        for i, case in enumerate(cases):
            as_of = case.as_of or qset.as_of
            t0 = time.perf_counter()
            response = answer(case.question, as_of)
            outcome = score_case(case, response, expected[i], calendar, as_of,
                                 time.perf_counter() - t0)
            outcomes.append(outcome.model_copy(update={"paraphrase_group": case.group}))
            if case.group is not None:
                grouped.append((case.group, case.question, response))
            if progress:
                progress(parser, i + 1, len(qset.cases))
        reports.append(summarize(parser, outcomes, time.perf_counter() - started, grouped))
    scored = [r for r in reports if r.configured]
    passed = all((r.intent_accuracy or 0) >= fail_under and (r.value_accuracy or 0) >= fail_under
                 for r in scored)
    notes += [f"{r.parser} parser: not configured (set OPENAI_API_KEY or REVOPS_LLM_BASE_URL)"
             for r in reports if not r.configured]
    return EvalReport(name=qset.name, questions=len(qset.cases), fail_under=fail_under,
                      passed=passed, notes=notes, parsers=reports)


def answerers(wh: Warehouse, parser: str, llm: LLMClient | None = None) -> dict[str, Answer | None]:
    """Return the answerer of each requested parser ('rules', 'llm' or 'both') over `ask`.

    `llm` is the configured model client (agent.session.make_llm()) or None.
    """
    def rules(question: str, as_of: date) -> AgentResponse:
        return ask(wh, question, as_of=as_of)

    def model(question: str, as_of: date) -> AgentResponse:
        return ask(wh, question, as_of=as_of, llm=llm)

    chosen = PARSERS if parser == "both" else (parser,)
    table: dict[str, Answer | None] = {"rules": rules, "llm": model if llm is not None else None}
    return {p: table[p] for p in chosen}


def demo_path(spec: DemoSpec, folder: Path) -> Path:
    """Where the set's demo company is kept between runs (one file per demo definition)."""
    return folder / (f"eval-demo-s{spec.seed}-n{spec.opportunities}-{spec.end_date}"
                     f"-fy{spec.fiscal_year_start_month}.duckdb")


def demo_matches(wh: Warehouse, spec: DemoSpec) -> bool:
    """True when the warehouse is the demo company the set was written for."""
    s = wh.settings
    if s.source != "demo" or s.data_end != spec.end_date:
        return False
    n = wh.cursor().execute("select count(*) from opportunities").fetchone()
    return n is not None and n[0] == spec.opportunities


def render_text(report: EvalReport) -> str:
    """The human report: scores per parser, per tool, then every failure."""
    lines = [f"{report.name}: {report.questions} questions"]
    for r in report.parsers:
        if not r.configured:
            lines.append(f"\n[{r.parser}] not configured")
            continue
        used = ", ".join(f"{k} {v}" for k, v in sorted(r.plans_by_parser.items()))
        lines.append(f"\n[{r.parser}] intent {_pct(r.intent_accuracy)} ({r.cases} cases), value "
                     f"{_pct(r.value_accuracy)} ({r.value_cases} cases); plans by: {used or '-'}; "
                     f"{r.seconds:.1f} s")
        lines.append(f"  read as meant {_pct(r.read_as_meant)}, answered a different question "
                     f"{_pct(r.answered_different)}, asked back {_pct(r.asked_back)}"
                     + (f", ERRORS {r.errors}" if r.errors else ""))
        if r.paraphrase_consistency is not None:
            lines.append(f"  paraphrase consistency {_pct(r.paraphrase_consistency)} "
                         f"({len(r.inconsistent_groups)} groups not consistent)")
            for bad in r.inconsistent_groups:
                lines.append(f"  INCONSISTENT group {bad.group!r}: {bad.agreeing} of "
                             f"{bad.cases} agree")
                lines += [f"       {o}" for o in bad.outcomes]
        width = max(len(g.group) for g in r.by_group)
        lines.append(f"  {'tool':<{width}}  cases  intent   value")
        for g in r.by_group:
            lines.append(f"  {g.group:<{width}}  {g.cases:>5}  {_pct(g.intent):>6}  "
                         f"{_pct(g.value):>6}")
        for f in r.failures:
            mark = "  <- answered a different question" if f.answered_different else ""
            lines += [f"  FAIL {f.question!r}{mark}", f"       expected {f.expected}",
                      f"       got      {f.got}"]
    lines += [f"note: {n}" for n in report.notes]
    verdict = "PASS" if report.passed else "FAIL"
    lines.append(f"\n{verdict} (threshold {report.fail_under:.0%} for intent and value)")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"
