"""Completing a stage dictionary derived from the deals: closed/won flags and stage order.

A CRM export often carries the stages only as the deals' stage names: HubSpot's default UI
export has no "Is Closed Won" column, and no export carries the pipeline's stage order. After
the loads, inside the import transaction, stages with neither flag get them from their name
(`Closed won`, `closedlost`, `Won`) or, failing that, from the stage's own probability (1 is
won, 0 is lost); a pipeline none of whose stages has an order gets one: open stages by
probability (the stage's, else the median of its deals'), then export order, then won, then
lost (a deal probability of 0 says nothing about an open stage's place: exports write 0 when
nobody set one). Everything inferred is listed in the summary for a person to check.
"""

from __future__ import annotations

import re
from decimal import Decimal

import duckdb

from tools.importer.summary import Inferred

WON_NAMES = frozenset({"closedwon", "won"})
LOST_NAMES = frozenset({"closedlost", "lost"})

UNFLAGGED_SQL = """
SELECT pipeline_id, stage_name, default_probability FROM opportunity_stages
WHERE is_closed IS NULL AND is_won IS NULL ORDER BY pipeline_id, rowid
"""

UNORDERED_SQL = """
WITH deals AS (
  SELECT pipeline_id, stage_name, median(probability) AS p FROM opportunities
  WHERE NOT coalesce(is_deleted, FALSE) AND probability > 0 GROUP BY ALL
)
SELECT s.pipeline_id, s.stage_name,
       row_number() OVER (PARTITION BY s.pipeline_id ORDER BY
         coalesce(s.is_closed, FALSE), coalesce(s.is_won, FALSE) DESC,
         coalesce(s.default_probability, d.p) NULLS LAST, s.rowid) AS n,
       count(coalesce(s.default_probability, d.p)) OVER (PARTITION BY s.pipeline_id) AS known
FROM opportunity_stages s LEFT JOIN deals d USING (pipeline_id, stage_name)
WHERE s.pipeline_id IN (SELECT pipeline_id FROM opportunity_stages GROUP BY 1
                        HAVING count(sort_order) = 0)
ORDER BY s.pipeline_id, n
"""


def _flags(name: str, probability: Decimal | None) -> tuple[bool, bool] | None:
    key = re.sub(r"[^0-9a-z]", "", name.lower())
    if key in WON_NAMES:
        return True, True
    if key in LOST_NAMES:
        return True, False
    if probability == 1:
        return True, True
    if probability == 0:
        return True, False
    return None


def infer_flags(con: duckdb.DuckDBPyConnection) -> list[Inferred]:
    """Give stages without is_closed/is_won the flags their name or probability says."""
    rows = con.execute(UNFLAGGED_SQL).fetchall()
    decided: dict[str, list[tuple[str, bool, bool]]] = {}
    for pipeline, stage, probability in rows:
        flags = _flags(stage, probability)
        if flags is not None:
            decided.setdefault(pipeline, []).append((stage, *flags))
    out = []
    for pipeline, stages in decided.items():
        # the other unflagged stages of a pipeline with a closed stage are open
        closed = {s for s, _, _ in stages}
        stages += [(s, False, False) for p, s, _ in rows if p == pipeline and s not in closed]
        con.executemany(
            "UPDATE opportunity_stages SET is_closed = ?, is_won = ? "
            "WHERE pipeline_id = ? AND stage_name = ?",
            [[c, w, pipeline, s] for s, c, w in stages])
        won = [s for s, c, w in stages if w]
        lost = [s for s, c, w in stages if c and not w]
        out.append(Inferred(
            table="opportunity_stages", column="is_closed, is_won", what="closed/won",
            value=f"pipeline '{pipeline}': won = {', '.join(won) or 'none'}; lost = "
                  f"{', '.join(lost) or 'none'}; other stages open",
            note="the export has no closed/won flag; read from the stage names and "
                 "probabilities"))
    return out


def infer_order(con: duckdb.DuckDBPyConnection) -> list[Inferred]:
    """Number the stages of pipelines that have no stage order at all."""
    rows = con.execute(UNORDERED_SQL).fetchall()
    by_pipeline: dict[str, list[tuple[str, int, int]]] = {}
    for pipeline, stage, n, known in rows:
        by_pipeline.setdefault(pipeline, []).append((stage, n, known))
    out = []
    for pipeline, stages in by_pipeline.items():
        con.executemany(
            "UPDATE opportunity_stages SET sort_order = ? WHERE pipeline_id = ? "
            "AND stage_name = ?", [[n, pipeline, s] for s, n, _ in stages])
        how = ("open stages by probability, then export order; won, then lost"
               if stages[0][2] else "open stages in export order; won, then lost")
        out.append(Inferred(
            table="opportunity_stages", column="sort_order", what="stage order",
            value=f"pipeline '{pipeline}': " + " < ".join(s for s, _, _ in stages),
            note=f"the export has no stage order; {how}"))
    return out
