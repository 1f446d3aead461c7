"""Follow-ups in a conversation: "and by region?", "what about last quarter?", "only EMEA", "why?".

A follow-up keeps what the previous question asked and changes only what the new words name:
a period replaces the period, a split replaces the split, a filter replaces the filter on the
same dimension and keeps the others, a metric replaces the metric and keeps everything it still
supports. "Why?" asks where the number came from: the same question split by the first driver
dimension the tool has (region, team, segment...) against the period before, when the tool
compares periods. The rules here are the same with or without a model.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.parser.lexicon import lexicon
from agent.parser.options import CORRECTED, INSTEAD_NUMBER, SCALES, Found, option_rules
from agent.parser.reading import Reading
from agent.plan import Clarification, Plan
from tools.base import Dimension, MetricParams, Tool
from tools.registry import TOOLS

CUES = re.compile(
    r"^(and|what about|how about|same|only|just|now|also|but|then|ok|okay|excluding|except|"
    r"without|instead|split|break (it|that|this) down|show (it|that|this)|for|in)\b"
    r"|\b(only|instead|too|as well)$")
"""Words that mark a question as continuing the previous one rather than standing alone."""
REFERS_BACK = re.compile(r"\b(?:(?:the )?same (?:thing|view|again|report|table|numbers?|breakdown|"
                         r"cut|split|list|one|for|but)|do the same|as before|instead|"
                         r"re-?rank|re-?run|scratch that|no wait|wait no|on second thought|"
                         r"(?:run|do|show|pull|try|give|send|check)(?: (?:it|that|this|me|us))? "
                         r"again|again,? (?:but|for|with|by|using|only|just)|"
                         r"make (?:it|that) (?=\S)|"
                         r"actually\W+(?:just|only|make|swap|switch|replace)|"
                         r"(?:sorry\W+)?(?<!what )i meant\b|correction)\b|(?:^|,)\s*sorry\s*,|"
                         r"(?:^|[,.;?!]|\s[-\u2013\u2014]+|\.\.\.)\s*(?:(?:hmm+|um+|uh+|ah|oh)\W+)?"
                         r"(?:(?:no|nope)\s*[,.!\u2013\u2014-]+\s*|"
                         r"(?:no|nope)\s+(?=wait\b|i mean\b|i meant\b|sorry\b|actually\b)|"
                         r"(?:wait|err|erm|er|um|oops|sorry|actually)\b\W+)(?:i mean\b|i meant\b|"
                         r"sorry\b|wait\b|make it\b|"
                         r"actually\b|(?=by |the |on |for |in |versus |vs |\w+ing\b|\w+\W|\w+$))|"
                         r"\bor rather\b|\bor \S+ actually\b",
                         re.I)
"""Words asking for an answer given before again, changed ("the same thing by manager
instead", "do the same for Q2", "use 45 days instead", "no wait, make it next quarter",
"actually - just Enterprise"): a follow-up wherever they stand."""
WHY = re.compile(
    r"^(why|how come|what (drove|drives|caused|causes|is driving|s driving|explains)|"
    r"explain( (that|this|it|the (change|drop|increase|number)))?$|where did (that|this|it) come)")
DRIVERS = (Dimension.region, Dimension.team, Dimension.segment, Dimension.territory,
           Dimension.stage, Dimension.rep, Dimension.tool, Dimension.request_type,
           Dimension.account)
"""Where to look first when asked why: the broadest split the tool has that is not yet used."""


def is_follow_up(norm: str, reading: Reading) -> bool:
    """Return whether a question continues the previous one (no metric, or a continuation cue)."""
    return not reading.votes or bool(CUES.search(norm)) or bool(WHY.search(norm)) or \
        bool(REFERS_BACK.search(norm))


def follow_up(reading: Reading, norm: str, previous: Plan,
              build: Callable[[Reading], Plan | Clarification]) -> Plan | Clarification:
    """Read a follow-up against the previous plan."""
    if WHY.search(norm) and not reading.dims and not reading.entities:
        return why_reading(previous, TOOLS[previous.tool])
    if not reading.votes:
        reading.votes[previous.tool] = 1.0
    new = build(reading)
    if isinstance(new, Clarification):
        return new
    merged = _merge(previous, new, reading, TOOLS[new.tool].group_by)
    numbers = {k: v for k, v in merged.params.options.items()
               if isinstance(v, int | float) and not isinstance(v, bool)}
    fix = CORRECTED.search(norm) or INSTEAD_NUMBER.search(norm)
    if fix is not None and numbers and previous.params.top and new.params.top is None and \
            not new.params.options:  # "top 5 reps by stale deals (30 days)" then "make that
        # 10": the top or the threshold, only the writer knows
        (name, old), = list(numbers.items())[:1]
        n = fix["value"]
        return Clarification(
            question=f"Does {n} replace the top {previous.params.top} or {name} ({old})?",
            options=[f"top {n}", f"{name.replace('_', ' ')} {n}"], term=fix[0],
            not_understood=[fix[0]])
    if fix is not None and not new.params.options and len(numbers) == 1 and \
            new.params.top is None:
        # "30 days no touch ... actually make that 60": the one threshold asked before
        (name, old), = numbers.items()
        number = float(fix["value"]) * SCALES.get(fix["unit"] or "", 1)
        value = number / 100 if isinstance(old, float) and old <= 1 < number else \
            type(old)(number)
        merged.params = MetricParams.model_validate(
            {**merged.params.model_dump(), "options": {**merged.params.options, name: value}})
        merged.notes.append(f"read '{fix[0]}' as {name} = {value}")
        rule = next((r for r in option_rules() if r.names.get(new.tool) == name), None)
        if rule is not None:  # a what-if on the tool's own threshold (confidence.understand)
            reading.knobs.append(Found(rule, value, fix[0]))
    elif fix is not None and not numbers and previous.params.top and new.params.top is None \
            and not fix["unit"] and float(fix["value"]).is_integer():
        merged.params = MetricParams.model_validate(
            {**merged.params.model_dump(), "top": int(float(fix["value"]))})
        merged.notes.append(f"read '{fix[0]}' as the top {merged.params.top}")  # "make that
        # 10" after "top 5 reps"
    return merged


def _merge(previous: Plan, new: Plan, reading: Reading,
           allowed: tuple[Dimension, ...]) -> Plan:
    old, fresh = previous.params, new.params
    kept: list[str] = []
    params = fresh.model_dump()
    if fresh.all_time:
        pass  # "make it all open pipeline, whatever the close date": every date, as said
    elif not reading.periods and not reading.compare:
        params.update(period=old.period, compare=old.compare, all_time=old.all_time)
        if old.period is not None:
            kept.append(old.period.label)
    elif not reading.periods and old.period is not None:
        # "how does that compare to the same quarter last year?": the thread's period,
        # compared (the comparison replaces the old one, the period stays)
        params.update(period=old.period, all_time=old.all_time)
        kept.append(old.period.label)
    named_split = [d for pos, d, text in reading.dims if d in allowed and text != "who" and
                   not any(e.dimension == d for e in reading.entities) and
                   not any(e.end == pos and e.dimension in (Dimension.rep, Dimension.manager)
                           for e in reading.entities) and  # ("Ravi Wang's team only": his)
                   reading.words[pos - 1:pos] not in (["my"], ["our"], ["his"], ["her"],
                                                     ["their"], ["your"], ["that"], ["this"])]
    # ("what about just my team": whose, not a split; "team instead" after a split by two
    # dimensions: which one it replaces is not said)
    if not fresh.group_by and not fresh.time_grain:
        # "segment instead", "I meant team": the previous answer's split replaced by the one
        # named (a value named with its kind word, "the EMEA region", is a filter)
        group = named_split[:1] if len(old.group_by) == 1 and named_split else \
            [d for d in old.group_by if d in allowed]
        params.update(group_by=group, time_grain=old.time_grain)
        if fresh.top is None:
            params.update(top=old.top, order=old.order)
        if (group or old.time_grain) and group != named_split[:1]:
            kept.append("by " + ", ".join([d.value for d in group] + [old.time_grain or ""])
                        .strip(", ").replace("_", " "))
    named = {f.dimension for f in fresh.filters}
    carried = [f for f in old.filters if f.dimension not in named and f.dimension in allowed]
    params["filters"] = [*carried, *fresh.filters]
    kept += [f"{f.dimension.value.replace('_', ' ')} {' or '.join(f.values)}" for f in carried]
    if new.tool == previous.tool:
        said = bool(lexicon().find(reading.words, {"measure"}, new.tool))
        params.update(measure=(fresh.measure if said else old.measure) or fresh.measure or
                      old.measure, options={**old.options, **fresh.options})  # ("the same
        # for Q3" after the deals won: won, not the deals created a named period defaults to)
    notes = list(new.notes)
    if kept:
        notes.append(f"Follow-up: kept {'; '.join(kept)} from the previous question.")
    return Plan(tool=new.tool, params=MetricParams.model_validate(params),
                as_of=new.as_of or previous.as_of, notes=notes, parser=new.parser)


def why_reading(previous: Plan, tool: Tool) -> Plan | Clarification:
    """The "why?" of a plan: split by the broadest driver not yet used, against the period
    before (a question asked "why" outright is read so too: parse._asked_why)."""
    old = previous.params
    used = set(old.group_by) | {f.dimension for f in old.filters}
    driver = next((d for d in DRIVERS if d in tool.group_by and d not in used), None)
    if driver is None:
        return Clarification(question=f"{tool.title} has no further split to explain it by. "
                                      "Which breakdown would help?",
                             options=[d.value.replace("_", " ") for d in tool.group_by][:8])
    compare = old.compare or ("previous_period" if tool.comparable and not old.time_grain
                              else None)
    params = old.model_copy(update={"group_by": [driver], "time_grain": None, "top": None,
                                    "order": "desc", "compare": compare})
    what = f"split by {driver.value.replace('_', ' ')}"
    if compare:
        what += " against the " + compare.replace("_", " ")
    return Plan(tool=previous.tool, params=params, as_of=previous.as_of,
                notes=[f"Why: the answer {what}, to show where it comes from."])
