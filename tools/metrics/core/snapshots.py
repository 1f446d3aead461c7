"""Deals as they stood at one or more moments: a range filter over opp_history_spans while it
is current (`one`), else a single pass over opportunity_history (`states`, `base`, `at`).

The warehouse macro opps_as_of(ts) (views.sql, METRICS §1.7) is the definition; it rebuilds
the whole deal relation per call (a window over all of the history, then every dimension join),
which costs seconds per moment at a million deals. A deal's dimensions (owner, account, team,
region, ...) come from its current record in the macro too; only the fields the history tracks
change with time. So here the history is aggregated once for all moments (the latest row at
or before each moment, by the macro's order: changed_at, then history_id) and laid over the
current state, recomputing only what depends on those fields (status, stage order, the
corporate amount). Same rows and columns as the macro: tests/test_snapshots.py compares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tools.base import ToolContext
from tools.warehouse.facts import derived_current

FIELDS = ("stage_name", "amount", "close_date", "probability", "forecast_category")
"""The history's tracked fields (the ones the macro takes from the latest history row)."""

CORP = ("coalesce((SELECT value FROM company_settings WHERE key = 'corporate_currency'), "
        "'USD')")


def current(ctx: ToolContext) -> str:
    """The deals now: opp_facts when it is current, else the live view."""
    return "opp_facts" if ctx.facts else "v_opps"


def materialized(ctx: Any, name: str) -> bool:
    """Whether the history table `name` (tools.warehouse.facts.DERIVED_HISTORY) may be read:
    opp_facts is current and the table was built with it (asked once per connection)."""
    if not getattr(ctx, "facts", False) or getattr(ctx, "con", None) is None:
        return False
    memo = getattr(ctx, "memo", None)
    if memo is None:
        return derived_current(ctx.con, name)
    if name not in memo:
        memo[name] = derived_current(ctx.con, name)
    return bool(memo[name])


def spans(ctx: Any) -> bool:
    """Whether opp_history_spans may be read."""
    return materialized(ctx, "opp_history_spans")


def states(stamps: Sequence[str], name: str = "as_of_states") -> str:
    """CTE `name`: per deal, a struct of its tracked fields at each moment (`h0`, `h1`, ...;
    NULL when the deal had no history row by then), from the history itself (a reader with
    opp_history_spans current reads `one` per moment instead). `stamps` are bound
    placeholders."""
    fields = ", ".join(f"'{f}': {f}" for f in FIELDS)
    # the macro orders by changed_at desc, history_id desc (nulls last): the same row is max here
    key = "(changed_at, history_id is not null, history_id)"
    cols = ",\n         ".join(
        f"arg_max({{{fields}}}, {key}) filter (where changed_at <= {ts}) as h{k}"
        for k, ts in enumerate(stamps))
    return (f"{name} as (\n  select opportunity_id,\n         {cols}\n"
            f"  from opportunity_history\n"
            f"  where opportunity_id is not null and changed_at <= greatest({', '.join(stamps)})"
            f"\n  group by opportunity_id\n)")


OVERLAY = ("opportunity_id", "pipeline_id", "stage", "stage_order", "stage_probability", "status",
           "amount", "currency_code", "amount_corp", "probability", "forecast_category",
           "close_date", "created_at", "history_missing", "stage_unresolved")
"""The columns `at` reads or rewrites: a `base` with fewer columns must still have these."""


def _flat(k: int) -> list[str]:
    """The columns of moment k in a `base`: no history row by then, and each tracked field."""
    return [f"h{k}_none", *(f"h{k}_{f}" for f in FIELDS)]


def base(ctx: ToolContext, n: int, columns: Sequence[str] | None = None,
         name: str = "as_of_base", states_name: str = "as_of_states",
         materialized: bool = True) -> str:
    """CTE `name`: the current deals with their `n` history states (`states`) beside them as
    plain columns (a later scan reads only the ones it uses), joined once and kept
    (materialized) for the moments that read it; `columns` (besides OVERLAY) narrows what is
    kept, None keeps every column."""
    keep = "c.*" if columns is None else ", ".join(
        f"c.{c}" for c in dict.fromkeys((*OVERLAY, *columns)))
    flat = ", ".join(f"x.h{k} is null as h{k}_none, "
                     + ", ".join(f"x.h{k}.{f} as h{k}_{f}" for f in FIELDS)
                     for k in range(n))
    how = " materialized" if materialized else ""
    return (f"{name} as{how} (\n  select {keep},\n    {flat}\n"
            f"  from {current(ctx)} c left join {states_name} x using (opportunity_id)\n)")


def at(k: int, ts: str, n: int = 1, rows: str = "as_of_base") -> str:
    """The relation of opps_as_of(ts) from `rows` (a `base` of `n` moments): moment `k`."""
    none = f"b.h{k}_none"
    stage = f"coalesce(b.h{k}_stage_name, b.stage)"
    close = f"coalesce(b.h{k}_close_date, b.close_date)"
    amount = f"coalesce(b.h{k}_amount, b.amount)"
    drop = ", ".join(c for i in range(n) for c in _flat(i))
    return f"""(select b.* exclude ({drop}) replace (
    {stage} as stage, s.sort_order as stage_order, s.default_probability as stage_probability,
    case when {none} then b.status when coalesce(s.is_won, false) then 'won'
         when coalesce(s.is_closed, false) then 'lost' else 'open' end as status,
    {amount} as amount,
    case when {none} then b.amount_corp
         else cast({amount} / case when b.currency_code is null or b.currency_code = {CORP}
                                   then 1 else fx.units_per_corporate end as decimal(18,4))
    end as amount_corp,
    coalesce(b.h{k}_probability, b.probability) as probability,
    coalesce(b.h{k}_forecast_category, b.forecast_category) as forecast_category,
    {close} as close_date, {none} as history_missing,
    ({stage} is not null and s.stage_name is null) as stage_unresolved)
  from {rows} b
  left join opportunity_stages s on s.pipeline_id = b.pipeline_id and s.stage_name = {stage}
  left join fx_rates fx on not {none} and fx.currency_code = b.currency_code
        and {close} >= fx.start_date
        and (fx.next_start_date is null or {close} < fx.next_start_date)
  where b.created_at <= {ts})"""


STATE_COLUMNS = ("opportunity_id", "created_at", "created_date", "stage", "stage_order",
                 "stage_probability", "status", "amount", "amount_corp", "probability",
                 "forecast_category", "close_date", "history_missing", "stage_unresolved")
"""The columns of opps_as_of(ts) that opp_history_spans carries: the ones the history changes
(OVERLAY's, as `at` recomputes them) and the deal's identity and creation."""


def holds(ts: str, alias: str = "") -> str:
    """The condition on opp_history_spans (`alias`) that a row is its deal's state at `ts`."""
    return f"{alias}valid_from <= {ts} and {alias}valid_to > {ts}"


def one(ctx: ToolContext, ts: str, columns: Sequence[str] | None = None) -> str:
    """A self-contained relation equal to opps_as_of(ts) (one moment), or to its `columns`.

    With opp_history_spans current, the rows holding ts: a range filter over a table sorted by
    status and end, only those `columns` when they are all STATE_COLUMNS (no join), else the
    current deals with the state columns replaced. Without it, one pass over the history."""
    if spans(ctx):
        held = f"{holds(ts)} and created_at <= {ts}"
        if columns is not None and set(columns) <= set(STATE_COLUMNS):
            return (f"(select {', '.join(dict.fromkeys(columns))} from opp_history_spans "
                    f"where {held})")
        changed = [c for c in STATE_COLUMNS if c not in ("opportunity_id", "created_at",
                                                         "created_date")]
        return (f"(select b.* replace ({', '.join(f'x.{c} as {c}' for c in changed)})\n"
                f"  from {current(ctx)} b join opp_history_spans x "
                f"on x.opportunity_id = b.opportunity_id and {holds(ts, 'x.')}\n"
                f"  where b.created_at <= {ts})")
    return (f"(with {states([ts])},\n{base(ctx, 1, materialized=False)}\n"
            f"select * from {at(0, ts)})")
