"""Metric tools of the movement area (reference/METRICS.md §3 C: M24-M27, M81) and deal risk.

Each tool lives in a module of this package; TOOLS lists them for the registry.
"""

from __future__ import annotations

from tools.base import NOT_OPEN, Tool
from tools.metrics.movement import bottleneck as neck
from tools.metrics.movement import flow, risk, slip, stages, stale, velocity
from tools.metrics.movement.stages import STAGE_DIMS, TIME_DIMS

TOOLS: tuple[Tool, ...] = (
    Tool(name="pipeline_movement", title="Pipeline movement",
         description="How the period's pipeline (open deals closing in it) moved from the start of "
                     "the period to its end: new, pulled in, pushed in, reopened, increased, "
                     "decreased, won, lost, slipped past the period end, pushed out, moved "
                     "category; counts and amounts reconcile start + movements = end. Split by "
                     "opportunity for the deal list (measure picks the movement type).",
         run=flow.pipeline_movement, measures=tuple(flow.SPEC.measures), default_period="quarter",
         group_by=flow.FLOW_DIMS),
    Tool(name="stage_conversion", title="Stage conversion",
         description="Share of deals entering each stage in the period that moved on to a later "
                     "stage or won (M25), from the stage history; skipped stages, regressions and "
                     "lost deals handled as METRICS defines. Measures: conversion (resolved "
                     "deals), include_open, stage_to_won. Split by stage for each stage.",
         run=stages.stage_conversion, measures=tuple(stages.CONVERSION_SPEC.measures),
         default_period="ytd", group_by=STAGE_DIMS),
    Tool(name="stale_deals", never_counts=NOT_OPEN, title="Stale deals",
         lower_is_better=frozenset(stale.SPEC.measures),
         description="Open deals with no activity or update for more than stale_days (option, "
                     "default the company setting): share, count or amount; split by opportunity "
                     "for the list, oldest touch first. A period keeps deals closing in it.",
         run=stale.stale_deals, measures=tuple(stale.SPEC.measures), default_period="none",
         group_by=stale.STALE_DIMS, options=stale.SPEC.options),
    Tool(name="slipping_deals", title="Slipping deals",
         lower_is_better=frozenset(slip.SPEC.measures),
         description="Slip rate of the period's pipeline (deals still open after the period end "
                     "with a later close date, by count or value; option snapshot = date the "
                     "pipeline is taken, default the day before the period), close-date pushes and "
                     "the stage regression rate (M27). Split by opportunity for the deal list.",
         run=slip.slipping_deals, measures=tuple(slip.SPEC.measures), default_period="quarter",
         group_by=flow.FLOW_DIMS, options=slip.SPEC.options),
    Tool(name="pipeline_velocity", title="Pipeline velocity",
         description="Revenue the open pipeline produces per day (M24): open deals x win rate x "
                     "average deal size / average sales cycle, the last three over the 4 full "
                     "fiscal quarters before the as-of date (or the period asked for); all inputs "
                     "listed. Option min_stage counts only open deals at or past that stage.",
         run=velocity.pipeline_velocity, measures=tuple(velocity.SPEC.measures),
         default_period="none", group_by=velocity.VELOCITY_DIMS, options=velocity.SPEC.options),
    Tool(name="deal_risk", never_counts=NOT_OPEN, title="Deal risk",
         lower_is_better=frozenset(risk.SPEC.measures),
         description="Open deals flagged by explainable rules, one point per reason: no activity "
                     "for inactive_days (default the stale_days setting), close date pushed "
                     "max_pushes times (default 2), moved back a stage, amount cut more than "
                     "amount_cut_pct (default 0.1), close date passed, longer in the stage than "
                     "the p75 of won deals. Split by opportunity for the ranked list with reasons; "
                     "a period keeps deals closing in it.",
         run=risk.deal_risk, measures=tuple(risk.SPEC.measures), default_period="none",
         group_by=risk.STALE_DIMS, options=risk.SPEC.options),
    Tool(name="bottleneck", title="Process bottleneck",
         lower_is_better=frozenset(neck.SPEC.measures),
         description="The open stage where deals get stuck (M81): per stage the share of deals now "
                     "in it longer than its p75 days, its conversion, median days and stuck value; "
                     "score = stuck share x (1 - conversion), ranked, first row = the bottleneck. "
                     "Window: the period, default the 4 full fiscal quarters before the as-of "
                     "date. Filter by region, team, segment...",
         run=neck.bottleneck, measures=tuple(neck.SPEC.measures), default_period="none",
         group_by=neck.BOTTLENECK_DIMS),
    Tool(name="time_in_stage", title="Time in stage",
         lower_is_better=frozenset(stages.TIME_SPEC.measures),
         description="Days deals spend in each stage (cumulative over repeat visits, M26): median, "
                     "p75 or mean over deals that left the stage in the period; deals still in a "
                     "stage are reported apart. Split by stage, region, team, segment...",
         run=stages.time_in_stage, measures=tuple(stages.TIME_SPEC.measures), default_period="ytd",
         group_by=TIME_DIMS),
)
"""The tools this module contributes to the registry."""
