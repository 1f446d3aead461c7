"""Stage-path templates: the ordered history events of every kind of deal journey.

A deal's history is one of 768 templates (entry stage, furthest stage, outcome, skipped stage,
regression, reopen, close-date pushes, amount change) whose event times are linear in the deal's
own four stage durations. Expanding templates is then a single join in DuckDB, which is what lets
10M deals get a full OpportunityHistory without per-deal Python.
"""

from __future__ import annotations

from dataclasses import dataclass

Coef = tuple[float, float, float, float]
"""Time since creation = sum(coef[j] * duration of stage j+1), in days."""

WON, LOST = 5, 6
CLOSED_LEVEL = 3
"""close_level of closing events: the close date is the event's own date."""
ZERO: Coef = (0.0, 0.0, 0.0, 0.0)


def _add(a: Coef, b: Coef, k: float = 1.0) -> Coef:
    return (a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2], a[3] + k * b[3])


def _unit(stage: int, k: float) -> Coef:
    return tuple(k if j == stage - 1 else 0.0 for j in range(4))  # type: ignore[return-value]


@dataclass(frozen=True)
class Event:
    """One OpportunityHistory row of a template (new values after the change)."""

    stage: int
    at: Coef
    close_level: int
    amount_level: int


@dataclass(frozen=True)
class Template:
    """A deal journey: its events plus the times the opportunity-level columns need."""

    events: tuple[Event, ...]
    total: Coef
    push1: Coef | None
    push2: Coef | None
    proposal: Coef | None


def template_id(e: int, m: int, won: int, skip: int, reg: int, reopen: int, pushes: int,
                amt: int) -> int:
    """Encode raw flags the same way the SQL does (tpl_id macro in 00_macros.sql)."""
    return (e - 1) + 2 * (m - 1) + 8 * won + 16 * skip + 32 * reg + 64 * reopen \
        + 128 * pushes + 384 * amt


def _visits(e: int, m: int, won: int, skip: int, reg: int) -> list[tuple[int, Coef]]:
    """Open-stage visits (stage, duration) in order; flags that do not apply are ignored."""
    m = 4 if won else max(m, e)
    skipping = bool(skip and won and e <= 2)
    visits = [(s, _unit(s, 1.0)) for s in range(e, m + 1) if not (skipping and s == 3)]
    if reg and not skipping and m >= 3 and m - 1 >= e:
        visits.pop()
        visits += [(m, _unit(m, 0.5)), (m - 1, _unit(m - 1, 0.3)), (m, _unit(m, 0.5))]
    return visits


def build(e: int, m: int, won: int, skip: int, reg: int, reopen: int, pushes: int,
          amt: int) -> Template:
    """Build the event list of one raw flag combination."""
    visits = _visits(e, m, won, skip, reg)
    reopening = bool(reopen and won)
    if reopening:  # the last Negotiation visit is split around a premature win
        stage, dur = visits.pop()
        visits.append((stage, _add(ZERO, dur, 0.6)))
    starts: list[Coef] = []
    t = ZERO
    for _, dur in visits:
        starts.append(t)
        t = _add(t, dur)
    push_at: list[tuple[int, Coef]] = []  # (visit index, time)
    last = len(visits) - 1
    if pushes == 2 and last >= 1:
        push_at = [(k, _add(starts[k], visits[k][1], 0.5)) for k in (last - 1, last)]
    elif pushes >= 1:
        fractions = (0.35, 0.7) if pushes == 2 else (0.5,)
        push_at = [(last, _add(starts[last], visits[last][1], f)) for f in fractions]
    prop = next((starts[k] for k, (s, _) in enumerate(visits) if s == 3), None)
    amount_changes = bool(amt and prop is not None)
    events: list[Event] = []
    seen_proposal = False
    done_pushes = 0
    for k, (stage, _) in enumerate(visits):
        seen_proposal = seen_proposal or stage == 3
        level = 0 if amount_changes and not seen_proposal else 1
        events.append(Event(stage, starts[k], done_pushes, level))
        for visit, at in push_at:
            if visit == k:
                done_pushes += 1
                events.append(Event(stage, at, done_pushes, level))
    if reopening:
        last_dur = _visits(e, m, won, skip, reg)[-1][1]
        won1 = t
        back = _add(won1, last_dur, 0.15)
        t = _add(back, last_dur, 0.25)
        events.append(Event(WON, won1, CLOSED_LEVEL, 1))
        events.append(Event(4, back, done_pushes, 1))
    events.append(Event(WON if won else LOST, t, CLOSED_LEVEL, 1))
    times = [at for _, at in push_at]
    return Template(tuple(events), t, times[0] if times else None,
                    times[1] if len(times) > 1 else None, prop)


def all_templates() -> dict[int, Template]:
    """Every raw flag combination the SQL can produce, keyed by template_id."""
    out: dict[int, Template] = {}
    for e in (1, 2):
        for m in (1, 2, 3, 4):
            for won in (0, 1):
                for skip in (0, 1):
                    for reg in (0, 1):
                        for reopen in (0, 1):
                            for pushes in (0, 1, 2):
                                for amt in (0, 1):
                                    key = template_id(e, m, won, skip, reg, reopen, pushes, amt)
                                    out[key] = build(e, m, won, skip, reg, reopen, pushes, amt)
    return out


def _c(c: Coef | None) -> tuple[float | None, ...]:
    return (None, None, None, None) if c is None else c


def event_rows() -> list[tuple[object, ...]]:
    """Rows of d_tpl_event: tpl, step, stage, at x4, levels, prev at x4 + levels, next at x4."""
    rows: list[tuple[object, ...]] = []
    for key, tpl in all_templates().items():
        ev = tpl.events
        for k, e in enumerate(ev):
            prev = ev[k - 1] if k else None
            nxt = ev[k + 1].at if k + 1 < len(ev) else None
            rows.append((key, k, e.stage, *e.at, e.close_level, e.amount_level,
                         *_c(prev.at if prev else None),
                         prev.close_level if prev else None, prev.amount_level if prev else None,
                         *_c(nxt)))
    return rows


def template_rows() -> list[tuple[object, ...]]:
    """Rows of d_tpl: (tpl, total x4, push1 x4, push2 x4, proposal x4, n_events)."""
    return [(key, *t.total, *_c(t.push1), *_c(t.push2), *_c(t.proposal), len(t.events))
            for key, t in all_templates().items()]
