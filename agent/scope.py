"""The scope policy (scope.toml) loaded, validated and applied deterministically.

The guard calls `decide`; the decision names the rule or category that fired and the words that
matched, so every refusal or escalation explains itself. A request is read clause by clause
("what's our win rate by region and then email the worst reps"), so a mixed request is
`partial`: its analysis is answered and the rest escalated. How a clause is read is described
at the top of scope.toml.
"""

from __future__ import annotations

import re
import tomllib
import uuid
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.parser.messages import plain_request, sender_names
from agent.parser.normalize import normalize
from agent.parser.sentences import OWN_PLAN
from agent.topics import topics
from tools.codelike import code_reason

Target = Literal["central-coordination", "pipeline-management", "conversion-optimization",
                 "finance", "marketing-growth"]
Category = Literal["sales_execution", "strategic_decision", "marketing_strategy",
                   "product_pricing", "customer_support", "pipeline_action", "conversion_action",
                   "finance_action"]
Action = Literal["allow", "refuse", "escalate", "partial"]


def _compile(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as e:
            raise ValueError(f"invalid pattern {p!r}: {e}") from e
    return patterns


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClauseRules(_Strict):
    """How a request is split into clauses."""

    separators: list[str] = Field(min_length=1)
    """Regexes on the raw request that always end a clause."""
    and_split_before: str
    """Regex on the normalized text after a plain "and": it splits only where this matches."""
    not_an_action_after: str
    """Regex: an execution verb after a dash or ", so" that does not start an action."""

    _check = field_validator("separators")(_compile)


class Framing(_Strict):
    """How a clause is framed: a question, a what-if, a decision asked for, an imperative."""

    directive_prefixes: list[str]
    question_start: str
    hypothetical: list[str]
    delegated: list[str]
    decision: list[str]
    execution_verbs: str
    noun_use: str
    reporting: list[str]
    statement: str
    not_analysis: list[str]
    bare_decision: str
    analysis_markers: list[str]

    _check = field_validator("directive_prefixes", "hypothetical", "delegated", "decision",
                             "reporting", "not_analysis",
                             "analysis_markers")(_compile)


class RefuseRule(_Strict):
    """Requests the agent never carries out (writes, raw SQL, instruction overrides)."""

    id: str
    reason: str
    instead: str
    patterns: list[str] = Field(min_length=1)
    raw_patterns: list[str] = Field(default_factory=list)
    """Matched on the raw request (lower-cased), where punctuation still shows a statement
    written after a semicolon or a SQL comment."""

    _check = field_validator("patterns", "raw_patterns")(_compile)


class EscalateRule(_Strict):
    """Requests that belong to another agent, with the target that owns them."""

    category: Category
    target: Target
    description: str
    examples: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(min_length=1)
    """Actions and decisions; analysis when a question or what-if merely names them."""
    always: list[str] = Field(default_factory=list)
    """Out of scope however it is asked (e.g. "marketing strategy")."""
    topics: list[str] = Field(default_factory=list)
    """Words that give a generic decision or imperative this category."""

    _check = field_validator("patterns", "always", "topics")(_compile)


class Defaults(_Strict):
    """Categories for a decision or an imperative that names no topic."""

    decision: Category
    execution: Category


class ScopePolicy(_Strict):
    """The whole policy file."""

    clauses: ClauseRules
    framing: Framing
    refuse: list[RefuseRule] = Field(min_length=1)
    escalate: list[EscalateRule] = Field(min_length=1)
    defaults: Defaults


@dataclass(frozen=True)
class Decision:
    """What the guard does with a request, and why."""

    action: Action
    rule: str | None = None
    """The rule that fired: a refusal id, or the escalation category (with the pattern kind)."""
    reason: str = ""
    matched: str = ""
    """The words of the request that matched the rule."""
    category: str | None = None
    target: str | None = None
    instead: str | None = None
    in_scope: str | None = None
    """partial: the analysis part of the request, answered as its own question."""
    out_of_scope: str | None = None
    """escalate/partial: the part of the request that is escalated."""


def escalation_for(d: Decision) -> dict[str, str]:
    """The escalation record of an escalate or partial decision (EscalationOut's fields)."""
    if d.target is None or d.category is None:
        raise ValueError(f"decision {d.action!r} names no escalation target")
    return {"escalation_id": uuid.uuid4().hex, "target": d.target, "category": d.category,
            "reason": d.reason}


def partial_note(d: Decision, *, asked_back: bool = False) -> str:
    """The sentence a partial answer ends with: what was escalated, to whom, and why (and,
    when the analysis part needs a clarification first, that it was not answered yet)."""
    assert d.category is not None
    done = "I need that before I answer the analysis" if asked_back else \
        "I answered the analysis only"
    return (f"{done}; '{d.out_of_scope}' is "
            f"{d.category.replace('_', ' ')}, so I escalated it to {d.target}.")


class _Compiled:
    """The policy with every pattern compiled once."""

    def __init__(self, policy: ScopePolicy) -> None:
        self.policy = policy
        c = re.compile
        f = policy.framing
        verbs = re.sub(r"\((?!\?)", "(?:", f.execution_verbs.removeprefix("^"))  # no groups
        acts = f"(?:please |pls |just |then |and )?(?!{policy.clauses.not_an_action_after}){verbs}"
        self.separators = c("|".join([*(f"(?:{s})" for s in policy.clauses.separators),
                                      # "coverage is thin - spin up a campaign", "it is our
                                      # best month, so call the buyers": an action after a
                                      # dash or ", so" starts a clause of its own
                                      rf"(?:\s+[-\u2013\u2014]+\s+|,\s*so\s+)(?={acts})"]),
                             re.I)
        self.and_before = c(policy.clauses.and_split_before)
        said = "(?: here| asks| requests| needs| wants)"  # "finance flagged ..." is a subject
        self.prefixes = [c(rf"^(?:the )?{sender_names()}(?:(?: agent| team| bot){said}*|{said}+)"
                           r"\b ?"),
                         *(c(p) for p in f.directive_prefixes)]
        self.question = c(f.question_start)
        self.hypothetical = [c(p) for p in f.hypothetical]
        self.delegated = [c(p) for p in f.delegated]
        self.decision = [c(p) for p in f.decision]
        self.execution = c(f.execution_verbs)
        self.noun_use = c(f.noun_use)
        self.reporting = [c(p) for p in f.reporting]
        self.statement = c(f.statement)
        self.analysis = [c(p) for p in f.analysis_markers]
        self.not_analysis = [c(p) for p in f.not_analysis]
        self.bare_decision = c(f.bare_decision)
        self.refuse = [(r, [c(p) for p in r.patterns]) for r in policy.refuse]
        self.raw_refuse = [(r, c(p, re.I | re.S)) for r in policy.refuse for p in r.raw_patterns]
        self.escalate = [(r, [c(p) for p in r.patterns], [c(p) for p in r.always])
                         for r in policy.escalate]
        self.by_category: dict[str, EscalateRule] = {r.category: r for r in policy.escalate}


@cache
def _compiled() -> _Compiled:
    text = resources.files("agent").joinpath("scope.toml").read_text("utf-8")
    return _Compiled(ScopePolicy.model_validate(tomllib.loads(text)))


def load_policy() -> tuple[ScopePolicy, tuple[re.Pattern[str], ...]]:
    """Load, validate and compile scope.toml; a malformed file fails at start, not mid-request.

    Returns the policy and every compiled refusal and escalation pattern.
    """
    c = _compiled()
    patterns = [p for _, ps in c.refuse for p in ps] + [p for _, p in c.raw_refuse]
    patterns += [p for _, ps, always in c.escalate for p in (*ps, *always)]
    return c.policy, tuple(patterns)


# --- reading a request ----------------------------------------------------------------------

def split_clauses(request: str) -> list[str]:
    """Split a request into clauses on the policy's separators (and on "and" before a new
    request); empty pieces are dropped."""
    c = _compiled()
    pieces = [p.strip(" ,.") for p in c.separators.split(request)]
    clauses: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        parts = re.split(r",?\s+\band\b\s+", piece, flags=re.I)
        current = parts[0]
        for part in parts[1:]:  # "calculate and pay ..." is one request: a verb and its
            # object at least since the last comma ("X is final, so please calculate and pay
            # out the commissions" shares one object)
            if len(normalize(current).split()) >= 3 and len(_since_comma(current)) >= 2 and \
                    c.and_before.search(normalize(part)):
                clauses.append(current)
                current = part
            else:
                current = f"{current} and {part}"
        clauses.append(current)
    return [cl.strip(" ,.") for cl in clauses if normalize(cl)]


def _since_comma(text: str) -> list[str]:
    """The words of text after its last comma or "so", without "please" and the like."""
    tail = re.split(r"[,:]\s*|\bso\b", text)[-1]
    return _strip_prefixes(normalize(tail))[0].split()


def _strip_prefixes(text: str) -> tuple[str, bool]:
    """Drop "please", "can you", "Task:" and the like; True when any was dropped."""
    c = _compiled()
    stripped = False
    changed = True
    while changed and text:
        changed = False
        for p in c.prefixes:
            m = p.match(text)
            if m and m.end() > 0:
                text, changed, stripped = text[m.end():].strip(), True, True
    return text, stripped


@dataclass(frozen=True)
class _Verdict:
    action: Literal["allow", "refuse", "escalate"]
    rule: str | None = None
    matched: str = ""
    category: str | None = None
    reason: str = ""
    instead: str | None = None
    analysis: bool = False


def _raw_refusal(request: str) -> _Verdict | None:
    for rule, p in _compiled().raw_refuse:
        if m := p.search(request):
            return _Verdict("refuse", rule.id, m.group(0).strip(), reason=rule.reason,
                            instead=rule.instead)
    return None


def _refusal(text: str) -> _Verdict | None:
    for rule, patterns in _compiled().refuse:
        for p in patterns:
            if m := p.search(text):
                return _Verdict("refuse", rule.id, m.group(0).strip(), reason=rule.reason,
                                instead=rule.instead)
    return None


NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
"""Capitalized words in a row inside a sentence: a person's or a product's name ("Sven Price",
"Premium Support"), which names no topic."""


def unnamed(raw: str) -> str:
    """The clause, normalized, with the names written in it set aside."""
    return normalize(NAME.sub("someone", raw))


def _topic(text: str) -> str | None:
    """The category of the earliest topic word in text."""
    best: tuple[int, str] | None = None
    for category, t in topics():
        if (m := t.search(text)) and (best is None or m.start() < best[0]):
            best = (m.start(), category)
    return best[1] if best else None


PLAN_OPENING = r"(?:before|ahead of|prior to)\s+(?:we|i|they|you|the team|our team)\b"
"""The opening of a clause about the writer's plans ("before we ...")."""
PLANNED = re.compile(rf"\b{PLAN_OPENING}(?: \w+)?\s*$")
"""Words before an action the writer plans ("before we change lead routing"): context for
the question asked about now, not a request for the action ("once we close out the stale
deals, what will ...", "after we reassign ..." ask about the world after it: still the
action's owner's)."""


LEADING_PLAN = re.compile(rf"^\W*{PLAN_OPENING}[^,:;.?!]*[,:;]\s*", re.I)
"""A clause opening with the writer's plans, up to its comma or colon."""


def _clause(raw: str, request: str) -> _Verdict:
    """Classify one clause; `request` (normalized) lends a topic to "clean them up"."""
    c = _compiled()
    text, _ = _strip_prefixes(normalize(raw))
    if refused := _refusal(text):
        return refused
    if (lead := LEADING_PLAN.match(raw)) and raw[lead.end():].strip():
        text, _ = _strip_prefixes(normalize(raw[lead.end():]))  # "Before we change lead
        # routing, please reassign ...": what is asked after the writer's plans
    is_analysis = any(p.search(text) for p in c.analysis) and (
        len(text.split()) > 2 or any(p.search(text) for p in c.analysis[1:]))  # not "tell me"
    reports = bool(c.noun_use.match(text)) or any(p.match(text) for p in c.reporting)
    question = reports or bool(c.question.match(text))
    states = not (c.question.match(text) or any(p.match(text) for p in c.reporting)) and \
        not c.analysis[0].match(text) and bool(c.statement.match(text))  # ("APAC coverage
    # is thin": a statement, though 'coverage' after a word reads as a noun)
    asks = question or any(p.search(text) for p in c.hypothetical) and not any(
        p.search(text) for p in c.delegated)  # "X asked me to run a campaign - can you set
    # that up?": the action reported is asked for
    decision = next((m for p in c.decision if (m := p.search(text))), None)
    best: tuple[int, int, re.Match[str], EscalateRule] | None = None
    for order, (rule, patterns, always) in enumerate(c.escalate):
        for p in always:
            if m := p.search(text):
                return _Verdict("escalate", f"{rule.category}:always", m.group(0).strip(),
                                rule.category)
        for p in patterns:  # the earliest action wins: the clause's main verb decides
            m = p.search(text)
            if m and ((m.start() == 0 and not reports) or decision or not asks) and not (
                    states and m.start() > 0) and not PLANNED.search(text[:m.start()]) and (
                    # "we're running a CRM cleanup sprint", "a baseline before we change
                    # lead routing: ...": the writer's plans, the context of what is asked
                    best is None or (m.start(), order) < best[:2]):
                best = (m.start(), order, m, rule)
    if best is not None:
        _, _, m, rule = best
        return _Verdict("escalate", f"{rule.category}:action", m.group(0).strip(),
                        rule.category)
    if decision:
        category = _topic(unnamed(raw)) or _topic(request) or c.policy.defaults.decision
        return _Verdict("escalate", f"{category}:decision", decision.group(0).strip(), category)
    if not question and (m := c.execution.match(text)):
        category = _topic(unnamed(raw)) or _topic(request) or c.policy.defaults.execution
        return _Verdict("escalate", f"{category}:imperative", m.group(0).strip(), category)
    return _Verdict("allow", analysis=is_analysis and not states and not any(
        p.match(text) for p in c.not_analysis))  # a statement is context; "take every stale
    # deal ..." the object of the action beside it


def _reason(clause: str, v: _Verdict) -> str:
    rule = _compiled().by_category[v.category or ""]
    what = rule.description[0].lower() + rule.description[1:].rstrip(".")
    kind = (v.rule or "").partition(":")[2]
    return (f"'{clause}' is {v.category} ({what}; {kind} rule, matched '{v.matched}'); "
            f"that belongs to {rule.target}, not to revenue operations analytics.")


CODE_RULE = "code_value"
CODE_INSTEAD = "Ask with the name as it appears in the data, e.g. \"bookings for team EMEA\"."


def decide(request: str) -> Decision:
    """Refuse, escalate, answer, or answer in part: deterministic, with the rule and words."""
    raw = request  # a structured task's own keys ('"action": "update_record"') refuse too
    request = plain_request(request)  # a task message's labels off, its JSON in words
    if kind := code_reason(request, sql=False):  # normalizing would strip it to plain words
        return Decision("refuse", CODE_RULE,
                        f"the request holds {kind}, not a name in your data; I "
                        "don't look up or run such values.", kind, instead=CODE_INSTEAD)
    full = normalize(request)
    if refused := _raw_refusal(request) or _raw_refusal(raw) or \
            _refusal(_strip_prefixes(full)[0]):
        return _refused(refused)
    request = OWN_PLAN.sub("", request)  # "please send the deals whose owner has left, we
    # need to reassign them": what the writer will do with the answer, not work asked of us
    verdicts: list[tuple[str, _Verdict]] = []
    named_apart = unnamed(request)
    for clause in split_clauses(request):
        v = _clause(clause, named_apart)
        if verdicts and _object_of_decision(clause, v, verdicts[-1], request):
            v = _Verdict("allow")  # "Decide which accounts we go after and which reps get
            # them": the decision's second object
        if verdicts and _bare_decision(clause, v):
            text, prev = verdicts[-1]  # "Do we need two more AEs? Make the call."
            verdicts[-1] = (text, v if prev.action == "allow" else prev)
            continue
        if v.action == "allow" and not v.analysis and verdicts:
            text, prev = verdicts[-1]  # a fragment ("and offer a renewal") joins its clause
            verdicts[-1] = (f"{text} and {clause}", prev)
        else:
            verdicts.append((clause, v))
    if refused := next((v for _, v in verdicts if v.action == "refuse"), None):
        return _refused(refused)
    out = [(t, v) for t, v in verdicts if v.action == "escalate"]
    inside = [t for t, v in verdicts if v.action == "allow" and v.analysis]
    if not out:
        return Decision("allow")
    clause, first = out[0]
    rule = _compiled().by_category[first.category or ""]
    escalated = "; ".join(t for t, _ in out)
    reason = _reason(clause, first)
    if not inside:
        return Decision("escalate", first.rule, reason, first.matched, rule.category,
                        rule.target, out_of_scope=escalated)
    return Decision("partial", first.rule, reason, first.matched, rule.category, rule.target,
                    in_scope=" and ".join(inside), out_of_scope=escalated)


WH_START = re.compile(r"^(which|who|whom|what|how|whether|where|when)\b")


def _object_of_decision(clause: str, v: _Verdict, prev: tuple[str, _Verdict],
                        request: str) -> bool:
    """A wh-clause joined by "and" to a decision asked for is what is decided, not a question."""
    text = _strip_prefixes(normalize(prev[0]))[0]
    return v.action == "allow" and prev[1].action == "escalate" and any(
        p.search(text) for p in _compiled().decision) and bool(
        WH_START.match(_strip_prefixes(normalize(clause))[0])) and bool(
        re.search(rf"\band\s+{re.escape(clause)}", request))


def _bare_decision(clause: str, v: _Verdict) -> bool:
    """A decision with no object of its own ("make the call"): it decides the clause before."""
    return v.action == "escalate" and bool(
        _compiled().bare_decision.match(_strip_prefixes(normalize(clause))[0]))


def _refused(v: _Verdict) -> Decision:
    return Decision("refuse", v.rule, v.reason, v.matched, instead=v.instead)
