"""What the whole question says about a plan once it is read: one filter for one group of
people, and the unit asked for (the deals behind a ratio, the customers lost).

Each step looks at the plan and the reading's words together, after the tool, filters and
splits are chosen, and says what it changed in the plan's notes.
"""

from __future__ import annotations

import re

from agent.parser.entities import EntityIndex
from agent.parser.grouping import deal_list
from agent.parser.reading import Reading
from agent.plan import Plan
from tools.base import Dimension, Filter
from tools.registry import TOOLS


def settled(plan: Plan, reading: Reading, index: EntityIndex) -> Plan:
    """The plan with what the whole question says about its filters and unit: one filter
    for one group of people, the deals or customers asked for."""
    plan = _own_scope(_one_place(_one_team(_writers_team(plan, reading, index), index),
                                 reading), reading, index)
    return _deals_behind(_lost_customers(plan, reading), reading)


def _writers_team(plan: Plan, reading: Reading, index: EntityIndex) -> Plan:
    """'Kenji Smith here: how did each of us do?': a rep asking about "each of us" asks about
    their team, each rep a row, never their own row alone."""
    reps = [f for f in plan.params.filters if f.dimension is Dimension.rep and not f.exclude]
    said = " ".join(reading.words)
    if "each of my reps" not in said or plan.params.group_by != [Dimension.rep] or \
            len(reps) != 1 or len(reps[0].values) != 1:
        return plan
    teams = sorted(v for d, v in index.scope_of(reps[0].values[0]) if d is Dimension.team)
    if len(teams) != 1:
        return plan
    plan.params.filters = [f for f in plan.params.filters if f is not reps[0] and
                           f.dimension is not Dimension.team]
    plan.params.filters.append(Filter(dimension=Dimension.team, values=teams))
    plan.notes.append(f"read 'each of us' as each rep of {reps[0].values[0]}'s team, "
                      f"{teams[0]}")
    return plan


AGAINST_SCOPE = re.compile(r"\b(?:vs|versus|compared?(?: to| with)?|rest of|relative to|"
                           r"against (?:the|her|his|their|our))\b")
"""A rep set against a group ("Emma vs the APAC team"), not against their own quota."""


def _own_scope(plan: Plan, reading: Reading, index: EntityIndex) -> Plan:
    """Reps asked about, with the manager, team or region they all belong to named beside them
    ("Thank you, Emma Kowalski (APAC)", "Laura Evans, APAC manager. ... Emma's total"): who
    the rep is, not a narrower cut of their deals; the rep's filter alone, said so."""
    reps = [f for f in plan.params.filters if f.dimension is Dimension.rep and not f.exclude]
    if len(reps) != 1 or AGAINST_SCOPE.search(" ".join(reading.words)):
        return plan  # ("Emma vs the APAC team", "compare Emma to the rest of APAC")
    names = reps[0].values  # ("Camila and Priya are both in EMEA Enterprise": theirs too)
    kept = [f for f in plan.params.filters if f.exclude or len(f.values) != 1 or
            not all((f.dimension, f.values[0]) in index.scope_of(n) for n in names)]
    if len(kept) < len(plan.params.filters):
        whose = f"{names[0]}'s" if len(names) == 1 else "their"
        plan.notes.append(f"read {whose} own manager, team or region as who "
                          "they are, not a narrower cut")
        plan.params.filters = kept
    return plan


def _one_team(plan: Plan, index: EntityIndex) -> Plan:
    """A manager and the team whose reps are exactly theirs ("Ravi (EMEA Commercial): ... my
    team"): one filter, the team's (the same deals, said once)."""
    kept = {f.dimension: f for f in plan.params.filters if not f.exclude and len(f.values) == 1}
    manager, team = kept.get(Dimension.manager), kept.get(Dimension.team)
    managers = next((f for f in plan.params.filters if f.dimension is Dimension.manager and
                     not f.exclude and len(f.values) > 1), None)
    if team is not None and managers is not None and any(
            index.same_people(m, team.values[0]) for m in managers.values):
        # "Ava Evans here (NA Enterprise). Compare my team's bookings with Leo's": the team
        # beside her name is hers, one of the teams compared, never a filter on both
        plan.params.filters = [f for f in plan.params.filters if f is not team]
        plan.params.group_by = [d for d in plan.params.group_by if d is not Dimension.team]
        plan.notes.append(f"read {team.values[0]} as the team of one of the managers compared")
        return plan
    if manager is None or team is None or \
            not index.same_people(manager.values[0], team.values[0]):
        return plan
    plan.params.filters = [f for f in plan.params.filters if f is not manager]
    plan.notes.append(f"read {manager.values[0]}'s reps as the {team.values[0]} team (the same "
                      "people)")
    return plan


PLACES = frozenset({Dimension.region, Dimension.team, Dimension.territory})


def _one_place(plan: Plan, reading: Reading) -> Plan:
    """A name that is a region and a team ("LATAM"), said once with its kind ("the LATAM
    team") and once without ("LATAM's data"): the kind said is what both mean, one filter."""
    single = [f for f in plan.params.filters
              if not f.exclude and f.dimension in PLACES and len(f.values) == 1]
    for label in {f.values[0] for f in single}:
        kinds = [f for f in single if f.values[0] == label]
        named = {e.dimension for e in reading.entities if e.label == label and
                 reading.words[e.end:e.end + 1] == [e.dimension.value]}
        if len(kinds) > 1 and len(named) == 1:
            plan.params.filters = [f for f in plan.params.filters
                                   if f not in kinds or f.dimension in named]
            plan.notes.append(f"read {label} as the {named.pop().value} named so")
    return plan


DEALS_NAMED = re.compile(r"\b(?:deals?|opportunit(?:y|ies)|opps?)\b|\bone by one\b")
"""The deals themselves named ("the actual open deals", "one by one"), not "with the reasons"."""
DEALS_BEHIND = {"pipeline_coverage": "open_pipeline", "pipeline_velocity": "open_pipeline",
                "quota_attainment": "bookings"}
"""The tool listing the deals a ratio is made of (coverage: the open deals; attainment: the
won deals), for "show me the actual deals behind that"."""


def _deals_behind(plan: Plan, reading: Reading) -> Plan:
    """A deal list asked of a ratio that cannot list deals: the deals behind it, with the
    same filters and period, said so (never the ratio with the list dropped)."""
    behind = DEALS_BEHIND.get(plan.tool)
    said = " ".join(reading.words)
    if behind and not plan.params.group_by and deal_list(said) and DEALS_NAMED.search(said):
        plan.notes.append(f"read as the deals behind the {TOOLS[plan.tool].title.lower()}")
        plan.tool, plan.params.measure = behind, None
        plan.params.group_by = [Dimension.opportunity]
    return plan


CUSTOMERS_LISTED = re.compile(r"\b(?:which|what|list|top|biggest|largest|name)\b(?: \w+){0,2}? "
                              r"(?:customers|accounts|logos|clients)\b")
COUNT_OR_SHARE = re.compile(r"\b(?:how many|number of|count|percent|percentage|share|rate|"
                            r"proportion|fraction|%)\b")
CHURNED = re.compile(r"\b(?:churn\w*|cancel\w*|lost|walked|left)\b")


def _lost_customers(plan: Plan, reading: Reading) -> Plan:
    """'Which customers cancelled on us', 'top 5 customers we lost': the churned accounts
    themselves, with the ARR each took (the waterfall's churn by account), not the churn rate
    or the number of customers."""
    said = " ".join(reading.words)
    if (plan.tool in ("net_revenue_retention", "arr") and plan.params.measure in (
            "logo_churn", "customers") or plan.tool == "arr_waterfall" and
            plan.params.measure in (None, "churn")) and CUSTOMERS_LISTED.search(said) and \
            CHURNED.search(said) and plan.params.group_by in ([], [Dimension.account]) and \
            not COUNT_OR_SHARE.search(said):  # ("what percent of our top 50 customers churned")
        plan.tool, plan.params.measure = "arr_waterfall", "churn"
        plan.params.group_by = [Dimension.account]
        plan.notes.append("read as the customers lost, each with the ARR it took")
    return plan
