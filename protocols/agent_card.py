"""The A2A agent card: who we are, where to call, and one skill per capability area.

Each skill's description states its boundary: analysis is ours, decisions and execution are
escalated to the peer named (docs/design.md#escalation).
"""

from __future__ import annotations

from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentSkill,
    HTTPAuthSecurityScheme,
    SecurityRequirement,
    SecurityScheme,
    StringList,
)

MODES = ["text/plain", "application/json"]
JSONRPC_PATH = "/a2a/jsonrpc"

SKILLS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("revenue-analytics", "Revenue analytics",
     "Bookings, win rates, deal size, sales cycle, ARR/MRR and retention, leaderboards and "
     "trends by rep, team, region, product or segment, with the SQL behind each number. "
     "Revenue recognition, budgets and commission payouts are escalated to finance.",
     ("what's our win rate this quarter?", "top 5 reps by bookings this year",
      "bookings in EMEA vs last year")),
    ("pipeline-forecast", "Pipeline & forecast",
     "Open and weighted pipeline, coverage, stage movement, slippage, deal risk and forecast "
     "accuracy. Acting on deals (advancing, cleaning up, chasing) is escalated to "
     "pipeline-management.",
     ("pipeline coverage by team", "which deals are at risk this quarter",
      "how accurate was last quarter's forecast?")),
    ("quota-territory-productivity", "Quota, territory & productivity analysis",
     "Quota attainment, territory balance, ramp and productivity per rep and team. Quota and "
     "territory decisions, hiring and market choices are escalated to central-coordination.",
     ("quota attainment by team for Q3", "how balanced are our territories?",
      "sales productivity by rep")),
    ("marketing-handoff", "Marketing hand-off analytics",
     "Lead-to-opportunity conversion, hand-off lag and campaign-sourced pipeline. Campaign "
     "creation and marketing strategy are escalated to marketing-growth; funnel experiments "
     "and fixes to conversion-optimization.",
     ("which campaigns sourced the most pipeline?", "lead hand-off lag by source")),
    ("sales-technology", "Sales technology",
     "Tool adoption, license use, automation and CRM/marketing sync health. Buying or "
     "configuring tools is out of scope and escalated to central-coordination.",
     ("technology adoption rate by team", "sync failures last month")),
    ("sales-ops-efficiency", "Sales-ops efficiency",
     "Ops request volumes, SLA attainment, backlog and bottlenecks (stage duration, stale "
     "deals). Changing processes or CRM records is not done here: writes are refused.",
     ("sales ops efficiency this quarter", "where are deals getting stuck?")),
    ("revenue-reporting-accuracy", "Revenue reporting accuracy",
     "How closely reported revenue matches the ledger and the CRM, and where they differ. "
     "Financial statements and revenue recognition are escalated to finance.",
     ("revenue reporting accuracy last quarter",)),
    ("data-quality", "Data quality",
     "Data accuracy rate and data-quality rule results (missing accounts, bad amounts, "
     "duplicates) with the records affected. Fixing or deleting records is refused: the agent "
     "is read-only on CRM data.",
     ("what's our data accuracy rate?", "which deals are missing an account")),
    ("scorecard", "Success-metric scorecard",
     "The five success metrics (sales ops efficiency, data accuracy, productivity improvement, "
     "reporting accuracy, technology adoption) against their targets, with trend and drivers. "
     "Decisions on the misses are escalated to central-coordination.",
     ("how are we doing against our targets?", "scorecard")),
)


def build_card(base_url: str, version: str = "0.1.0") -> AgentCard:
    """Return the public agent card for a server reachable at `base_url`."""
    base = base_url.rstrip("/")
    bearer = SecurityScheme(http_auth_security_scheme=HTTPAuthSecurityScheme(
        scheme="Bearer", description="A token issued by the operator of this agent."))
    return AgentCard(
        name="RevOps Agent",
        description="Revenue Operations & Sales Analytics agent: correct, explained revenue "
                    "answers computed by SQL over the CRM warehouse. Analysis only; decisions "
                    "and execution are escalated to the owning agent, and writes are refused.",
        version=version,
        capabilities=AgentCapabilities(streaming=False, push_notifications=False),
        supported_interfaces=[AgentInterface(url=f"{base}{JSONRPC_PATH}",
                                             protocol_binding="JSONRPC",
                                             protocol_version="1.0")],
        security_schemes={"bearer": bearer},
        security_requirements=[SecurityRequirement(schemes={"bearer": StringList()})],
        default_input_modes=MODES, default_output_modes=MODES,
        skills=[AgentSkill(id=sid, name=name, description=text, tags=["revops", sid],
                           examples=list(examples), input_modes=MODES, output_modes=MODES)
                for sid, name, text, examples in SKILLS],
    )

