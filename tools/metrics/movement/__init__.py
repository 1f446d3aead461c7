"""Metric tools of the movement area (reference/METRICS.md §3 C: M24-M27, M81) and deal risk.

Each tool lives in a module of this package; TOOLS lists them for the registry.
"""

from __future__ import annotations

from tools.base import Tool
from tools.metrics.movement import bottleneck as neck
from tools.metrics.movement import flow, risk, slip, stages, stale, velocity
from tools.metrics.movement.stages import STAGE_DIMS, TIME_DIMS

TOOLS: tuple[Tool, ...] = (
    Tool("pipeline_movement", "Pipeline movement",
         "How the period's pipeline (open deals closing in it) moved from the start of the period "
         "to its end: new, pulled in, pushed in, reopened, increased, decreased, won, lost, "
         "slipped past the period end, pushed out, moved category; counts and amounts reconcile "
         "start + movements = end. Split by opportunity for the deal list (measure picks the "
         "movement type).", flow.pipeline_movement, tuple(flow.MEASURES), "quarter",
         flow.FLOW_DIMS),
    Tool("stage_conversion", "Stage conversion",
         "Share of deals entering each stage in the period that moved on to a later stage or "
         "won (M25), from the stage history; skipped stages, regressions and lost deals "
         "handled as METRICS defines. Measures: conversion (resolved deals), include_open, "
         "stage_to_won. Split by stage for each stage.",
         stages.stage_conversion, tuple(stages.CONVERSION_MEASURES), "ytd", STAGE_DIMS),
    Tool("stale_deals", "Stale deals",
         "Open deals with no activity or update for more than stale_days (option, default the "
         "company setting): share, count or amount; split by opportunity for the list, oldest "
         "touch first. A period keeps deals closing in it.",
         stale.stale_deals, tuple(stale.MEASURES), "none", stale.STALE_DIMS),
    Tool("slipping_deals", "Slipping deals",
         "Slip rate of the period's pipeline (deals still open after the period end with a "
         "later close date, by count or value; option snapshot = date the pipeline is taken, "
         "default the day before the period), close-date pushes and the stage regression rate "
         "(M27). Split by opportunity for the deal list.",
         slip.slipping_deals, tuple(slip.MEASURES), "quarter", flow.FLOW_DIMS),
    Tool("pipeline_velocity", "Pipeline velocity",
         "Revenue the open pipeline produces per day (M24): open deals x win rate x average deal "
         "size / average sales cycle, the last three over the 4 full fiscal quarters before the "
         "as-of date (or the period asked for); all inputs listed. Option min_stage counts only "
         "open deals at or past that stage.",
         velocity.pipeline_velocity, tuple(velocity.MEASURES), "none", velocity.VELOCITY_DIMS),
    Tool("deal_risk", "Deal risk",
         "Open deals flagged by explainable rules, one point per reason: no activity for "
         "inactive_days (default the stale_days setting), close date pushed max_pushes times "
         "(default 2), moved back a stage, amount cut more than amount_cut_pct (default 0.1), "
         "close date passed, longer in the stage than the p75 of won deals. Split by "
         "opportunity for the ranked list with reasons; a period keeps deals closing in it.",
         risk.deal_risk, tuple(risk.MEASURES), "none", risk.STALE_DIMS),
    Tool("bottleneck", "Process bottleneck",
         "The open stage where deals get stuck (M81): per stage the share of deals now in it "
         "longer than its p75 days, its conversion, median days and stuck value; score = stuck "
         "share x (1 - conversion), ranked, first row = the bottleneck. Window: the period, "
         "default the 4 full fiscal quarters before the as-of date. Filter by region, team, "
         "segment...", neck.bottleneck, ("score",), "none", neck.BOTTLENECK_DIMS),
    Tool("time_in_stage", "Time in stage",
         "Days deals spend in each stage (cumulative over repeat visits, M26): median, p75 or "
         "mean over deals that left the stage in the period; deals still in a stage are "
         "reported apart. Split by stage, region, team, segment...",
         stages.time_in_stage, tuple(stages.TIME_MEASURES), "ytd", TIME_DIMS),
)
"""The tools this module contributes to the registry."""
