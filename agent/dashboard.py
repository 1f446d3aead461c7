"""The revenue operations dashboard: panels, each computed by the registered tools.

A panel is a few tool runs (tools.registry.run_tool, within the viewer's row scope) and a
chart drawn from their results; nothing on the page is a number a tool did not return, and
every panel carries the SQL it ran. Panels run in parallel on their own cursors and are cached
by the data's fingerprint, the filters, the as-of date and the viewer's scope.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import altair as alt
from pydantic import BaseModel, Field

from agent.charts import PALETTE, REFERENCES, axis_format, chart_for, finish
from agent.dashboard_store import PageStore, store_beside
from agent.formatting import column_unit, value
from tools.access import AccessDenied, row_scope
from tools.answer_cache import scope_key
from tools.base import (
    Dimension,
    Filter,
    MetricParams,
    MetricResult,
    PeriodParam,
    ToolContext,
    ToolInputError,
)
from tools.fiscal import Period
from tools.registry import TOOLS, run_tool

log = logging.getLogger(__name__)

PeriodChoice = Literal["quarter", "previous_quarter", "year"]
PERIODS: dict[str, str] = {"quarter": "This fiscal quarter",
                           "previous_quarter": "Last fiscal quarter",
                           "year": "This fiscal year"}
TABLE_ROWS = 12
"""Rows of each panel's table shown on the page (the SQL gives all of them)."""


class Filters(BaseModel):
    """What the viewer narrowed the page to."""

    model_config = {"frozen": True}

    period: PeriodChoice = "quarter"
    region: str | None = None
    team: str | None = None


class Kpi(BaseModel):
    """One headline number of the page, as its tool returned it, formatted by its unit."""

    key: str
    label: str
    value: float | None
    text: str
    unit: str
    detail: str = ""
    definition: str = ""


class Panel(BaseModel):
    """One card of the page: a chart, its table, and how its numbers were computed."""

    key: str
    title: str
    tools: list[str]
    period: str = ""
    as_of: str = ""
    n_records: int = 0
    definition: str = ""
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    sql: str = ""
    chart: dict[str, Any] | None = None
    columns: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    error: str | None = None
    """Why the panel is empty (e.g. a company-wide metric a rep may not see)."""
    wide: bool = False
    pending: bool = False
    """Not computed yet: the page loads it from GET /dashboard/panel/{key}."""


class Page(BaseModel):
    """Everything the page draws."""

    company: str
    as_of: str
    currency: str
    filters: Filters
    choices: dict[str, list[str]]
    kpis: list[Kpi]
    panels: list[Panel]
    viewer: str | None = None
    fingerprint: str


@dataclass
class Runner:
    """Runs tools for one panel within the filters and the viewer's scope."""

    ctx: ToolContext
    filters: Filters
    period: PeriodParam
    results: list[tuple[str, MetricResult]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def run(self, tool: str, *, period: PeriodParam | None | Literal["default"] = None,
            page_filters: bool = True, **params: Any) -> MetricResult:
        """Run a tool with the page's period and region/team filters (those it supports)."""
        t = TOOLS[tool]
        filters = list(params.pop("filters", []))
        for dim, val in ((Dimension.region, self.filters.region),
                         (Dimension.team, self.filters.team)):
            if val is None or not page_filters:
                continue
            if dim in t.group_by:
                filters.append(Filter(dimension=dim, values=[val]))
            else:
                note = f"{t.title}: company-wide (it cannot be filtered by {dim.value})."
                if note not in self.notes:
                    self.notes.append(note)
        chosen = self.period if period is None else None if period == "default" else period
        p = MetricParams(period=chosen, filters=filters, **params)
        result = run_tool(self.ctx, tool, p)  # answered from ctx.cache on unchanged data
        self.results.append((tool, result))
        return result


PanelBuilder = Callable[[Runner, Panel], None]


def _fill(panel: Panel, r: MetricResult, *, rows: int = TABLE_ROWS,
          columns: list[str] | None = None) -> None:
    """The panel's provenance and table from its main result."""
    panel.period = r.period["label"] if r.period else "all dates"
    panel.as_of = str(r.as_of)
    panel.n_records = r.n_records
    panel.definition = r.definition
    cols = columns or [c for i, c in enumerate(r.columns)
                       if not c.startswith("dq_") and "_unresolved_" not in c
                       and c != "without_amount" and any(row[i] is not None for row in r.rows)]
    idx = [r.columns.index(c) for c in cols]
    panel.columns = [c.replace("_", " ") for c in cols]
    panel.rows = [[_cell(r, r.columns[i], row[i]) for i in idx] for row in r.rows[:rows]]


def _cell(r: MetricResult, column: str, v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if column not in r.units:
        return str(v)
    return value(v, column_unit(r, column), r.currency)


def _kpi(r: MetricResult, key: str, label: str, column: str | None = None,
         detail: str = "") -> Kpi:
    col = column or r.measure
    v = r.rows[0][r.columns.index(col)] if r.rows and col in r.columns else None
    unit = column_unit(r, col)
    return Kpi(key=key, label=label, value=v, unit=unit, detail=detail,
               text=value(v, unit, r.currency), definition=r.definition)


def _bare(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """A chart inside a titled card: no title of its own."""
    if spec is not None:
        spec.pop("title", None)
    return spec


def _months(cal: Any, fy: Period, as_of: date) -> list[Period]:
    out, start = [], fy.start
    while start <= min(fy.end, as_of):
        month = cal.bucket(start, "month")
        out.append(month)
        start = month.end + timedelta(days=1)
    return out


def _scorecard(run: Runner, panel: Panel) -> None:
    r = run.run("scorecard", period="default")
    _fill(panel, r, columns=[c for c in r.columns if c not in ("comparator", "gap", "drivers")])
    panel.notes.append("Company-wide, latest complete fiscal quarter, with the three before.")
    panel.chart = _bare(chart_for(r))


def _bookings_vs_quota(run: Runner, panel: Panel) -> None:
    cal = run.ctx.settings.calendar
    fy = cal.bucket(run.period.start, "year")
    months = _months(cal, fy, run.ctx.as_of)
    if not months:
        panel.error = "No months of this fiscal year have started yet."
        return
    # the started months whole, in one statement: each month's numbers as its own run's
    span = PeriodParam.of(Period(fy.start, months[-1].end, f"{fy.label} by month"))
    r = run.run("quota_attainment", period=span, time_grain="month")
    found = {row[0]: dict(zip(r.columns, row, strict=True)) for row in r.rows}
    rows: list[list[Any]] = [[m.label, *(found.get(m.label, {}).get(c) for c in (
        "bookings", "quota", "attainment"))] for m in months]
    table = r.model_copy(update={
        "columns": ["month", "bookings", "quota", "attainment"], "rows": rows,
        "measure": "bookings", "unit": "currency",
        "period": {"start": str(fy.start), "end": str(min(fy.end, run.ctx.as_of)),
                   "label": f"{fy.label} by month"}})
    _fill(panel, table, rows=len(rows))
    data = [{"month": m, "bookings": b, "quota": q, "attainment": a} for m, b, q, a in rows]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("month:O", sort=[m.label for m in months], title=None,
                axis=alt.Axis(labelAngle=-40)))
    tip = [alt.Tooltip("month:N"), alt.Tooltip("bookings:Q", format="$,.0f"),
           alt.Tooltip("quota:Q", format="$,.0f"), alt.Tooltip("attainment:Q", format=".1%")]
    bars = base.mark_bar(color=PALETTE["bar"], cornerRadiusTopLeft=2,
                         cornerRadiusTopRight=2).encode(
        y=alt.Y("bookings:Q", title=f"bookings ({r.currency})",
                axis=alt.Axis(**axis_format("currency"))), tooltip=tip)
    quota = base.mark_line(color=PALETTE["rule"], strokeDash=[6, 4], point=True).encode(
        y="quota:Q", tooltip=tip)
    panel.chart = _spec(table, bars + quota)


def _spec(r: MetricResult, chart: Any) -> dict[str, Any]:
    return _bare(finish(r, chart)) or {}


def _by(tool: str, dim: str, **params: Any) -> PanelBuilder:
    def build(run: Runner, panel: Panel) -> None:
        r = run.run(tool, group_by=[Dimension(dim)], **params)
        _fill(panel, r)
        panel.chart = _bare(chart_for(r))

    return build


def _forecast(run: Runner, panel: Panel) -> None:
    roll = run.run("forecast_rollup")
    proj = run.run("forecast_projection")
    quota = run.run("quota_attainment")
    _fill(panel, roll, columns=["closed", "commit_forecast", "best_case_forecast",
                                "open_pipeline", "weighted_forecast"])
    projected = _kpi(proj, "projected", "Projected bookings")
    target = _kpi(quota, "quota", "Quota", "quota")
    panel.kpis = [_kpi(roll, "closed", "Closed won", "closed"),
                  _kpi(roll, "commit", "Commit", "commit_forecast"),
                  _kpi(roll, "best_case", "Best case", "best_case_forecast"),
                  projected, target]
    panel.n_records = roll.n_records
    panel.sql = "\n\n".join(f"-- {t}\n{r.sql};" for t, r in run.results)
    row = dict(zip(roll.columns, roll.rows[0], strict=True)) if roll.rows else {}
    parts = [("Closed", "closed"), ("Commit", "commit_only"),
             ("Most likely", "most_likely_only"), ("Best case", "best_case_only"),
             ("Pipeline", "pipeline_only")]
    data, level = [], 0.0
    for name, col in parts:
        v = float(row.get(col) or 0)
        data.append({"category": name, "lo": level, "hi": level + v, "amount": v,
                     "column": col})
        level += v
    colors = ["#16a34a", "#2563eb", "#60a5fa", "#93c5fd", "#cbd5e1"]
    bars = alt.Chart(alt.Data(values=data)).mark_bar(size=46).encode(
        x=alt.X("lo:Q", title=f"cumulative ({roll.currency})",
                axis=alt.Axis(**axis_format("currency"))), x2="hi:Q",
        y=alt.value(50),
        color=alt.Color("category:N", sort=[p[0] for p in parts], title=None,
                        scale=alt.Scale(domain=[p[0] for p in parts], range=colors),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("category:N"), alt.Tooltip("amount:Q", format="$,.0f")])
    refs = [{"ref": x.value, "label": f"{x.label} {x.text}", "y": y}
            for x, y in ((target, 10), (projected, 92)) if x.value is not None]
    rules = alt.Chart(alt.Data(values=refs)).mark_rule(
        color=PALETTE["rule"], strokeDash=[6, 4], strokeWidth=2).encode(
        x="ref:Q", tooltip=[alt.Tooltip("label:N")])
    labels = alt.Chart(alt.Data(values=refs)).mark_text(
        align="left", dx=4, baseline="middle", fontSize=11, fontWeight="bold").encode(
        x="ref:Q", y=alt.Y("y:Q", scale=None), text="label:N")
    spec = _spec(roll, bars + rules + labels)
    spec["height"] = 110
    panel.chart = spec


def _movement(run: Runner, panel: Panel) -> None:
    r = run.run("pipeline_movement")
    _fill(panel, r, columns=["start_amount", "new_amount", "won_amount", "lost_amount",
                             "slipped_amount", "end_amount", "net_change_amount"])
    panel.chart = _bare(chart_for(r))


def _risky(run: Runner, panel: Panel) -> None:
    r = run.run("deal_risk", period="default", group_by=[Dimension.opportunity], top=10)
    _fill(panel, r, columns=["opportunity", "rep", "score", "amount", "stage", "reasons"])
    panel.chart = _bare(chart_for(r, measure="amount", keep_order=True))


def _accuracy(run: Runner, panel: Panel) -> None:
    acc = run.run("data_quality", period="default")
    target = REFERENCES[("data_quality", "data_accuracy")][0]
    panel.kpis = [_kpi(acc, "accuracy", "Data accuracy rate",
                       detail=f"target > {target:.0%}")]
    try:
        issues = run.run("data_issues", period="default", measure="all")
    except AccessDenied:
        _fill(panel, acc)
        panel.notes.append("The list of failing rules covers every record: ask RevOps.")
        panel.chart = _bare(chart_for(acc))
        return
    except ToolInputError:  # the rule list is company-wide: shown so, with a note
        issues = run.run("data_issues", period="default", measure="all", page_filters=False)
        panel.notes.append("Top failing rules: company-wide (the rule list cannot be "
                           "filtered by region or team).")
    top = issues.model_copy(update={"rows": issues.rows[:8]})
    _fill(panel, top, columns=["issue", "table", "severity", "failing", "pass_rate"])
    panel.n_records = acc.n_records
    panel.definition = f"{acc.definition} Top failing rules: {issues.definition}"
    panel.sql = "\n\n".join(f"-- {t}\n{r.sql};" for t, r in run.results)
    panel.chart = _bare(chart_for(top, measure="failing", label="issue"))


def _win_rate_matrix(run: Runner, panel: Panel) -> None:
    r = run.run("win_rate", group_by=[Dimension.segment, Dimension.region])
    _fill(panel, r)
    panel.chart = _bare(chart_for(r))


PANELS: tuple[tuple[str, str, PanelBuilder, bool], ...] = (
    ("scorecard", "Success metrics against targets", _scorecard, False),
    ("bookings", "Bookings by month against quota", _bookings_vs_quota, False),
    ("forecast", "Forecast roll-up and projection", _forecast, True),
    ("pipeline_stage", "Open pipeline by stage", _by("open_pipeline", "stage"), False),
    ("coverage", "Pipeline coverage by team", _by("pipeline_coverage", "team"), False),
    ("win_rate", "Win rate by segment and region", _win_rate_matrix, False),
    ("movement", "Pipeline movement this period", _movement, False),
    ("risk", "Riskiest open deals", _risky, False),
    ("data_accuracy", "Data accuracy and top failing rules", _accuracy, False),
    ("adoption", "Technology adoption by tool", _by("technology_adoption", "tool"), False),
    ("sla", "Sales-ops SLA by request type", _by("ops_efficiency", "request_type"), False),
)
"""Key, title, builder, full width. Order = reading order: outcomes, forecast, pipeline,
deals, operations."""


def resolve_period(choice: str, as_of: date, cal: Any) -> PeriodParam:
    """The fiscal period a filter choice names, as of a date."""
    quarter = cal.bucket(as_of, "quarter")
    if choice == "previous_quarter":
        return PeriodParam.of(cal.previous(quarter, "quarter"))
    if choice == "year":
        return PeriodParam.of(cal.bucket(as_of, "year"))
    return PeriodParam.of(quarter)


@dataclass
class Dashboard:
    """Computes pages for viewers; one per server (or per `revops dashboard` run).

    Tool runs go through the warehouse's answer cache (tools/answer_cache.py: by plan, as-of,
    scope and data fingerprint), shared with every other question asked of the warehouse; a
    computed page (or shell, or panel) and the filter values are kept by the data's
    fingerprint, in memory and, given a `store`, on disk, so a restarted server serves them
    without recomputing. An in-memory database has no fingerprint: nothing is kept."""

    warehouse: Any
    """agent.context.Warehouse (read-only)."""
    workers: int = 4
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    """Pages, shells and panels by (fingerprint, kind, filters, as-of, viewer)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    max_cached: int = 64
    store: PageStore | None = None
    """Where computed pages outlive the process (agent.dashboard_store), None: memory only."""
    _choices: tuple[Any, dict[str, list[str]]] | None = None
    _warming: threading.Lock = field(default_factory=threading.Lock)

    def fingerprint(self) -> Any:
        """The data's fingerprint: the file as the connection opened it and as it is now
        (size and mtime of the file and its log), None for an in-memory database."""
        fp = self.warehouse.answers.fingerprint()
        return None if fp is None else (getattr(self.warehouse, "identity", None), fp)

    def kept_as(self) -> Any:
        """What this data's pages are kept under on disk: the file as the connection opened
        it (device, inode, size, mtime of it and of its log; None in memory). Every process
        opening that file names it so, whatever name it opens it by (a server opens each new
        file through a link of its own: agent.live_warehouse), so a page kept by one (a load,
        a `revops dashboard` run, a server) is found by the others."""
        return getattr(self.warehouse, "identity", None)

    def choices(self) -> dict[str, list[str]]:
        """The filter values the data has (regions and teams of the deal owners), read once
        per data fingerprint."""
        fp = self.fingerprint()
        known = self._choices
        if known is not None and fp is not None and known[0] == fp:
            return known[1]
        con = self.warehouse.cursor()
        src = "opp_facts" if self.warehouse.facts else "v_opps"
        out: dict[str, list[str]] = {"period": list(PERIODS)}
        for dim in ("region", "team"):
            out[dim] = [r[0] for r in con.execute(
                f"select distinct {dim} from {src} where {dim} is not null order by 1"
            ).fetchall()]
        self._choices = (fp, out)
        return out

    def page(self, filters: Filters, as_of: date,
             requester: Mapping[str, Any] | None = None) -> Page:
        """Return the page for the filters and viewer, from the cache when the data is
        unchanged."""
        fp = self.fingerprint()
        found = self._kept(fp, ("page", filters, as_of, self.audience(requester)), Page,
                           lambda: self._compute(filters, as_of, requester, fp))
        return _shown_to(found, requester)

    def audience(self, requester: Mapping[str, Any] | None) -> tuple[str, ...]:
        """Whose numbers a page shows: the requester's row scope, not who they are, so every
        unrestricted viewer (and a warm-up, which has no viewer) shares one computed page
        and a rep or manager gets their own. The viewer's name is set on the way out."""
        if requester is None:
            return ()
        con = self.warehouse.cursor()
        try:
            scope = row_scope(requester, con)
        finally:
            con.close()
        key = scope_key(scope)
        return () if key is None else (key,)

    def _kept(self, fp: Any, key: tuple[Any, ...], model: type[Any],
              compute: Callable[[], Any]) -> Any:
        """The value of `key` on this data: from memory, else from the store, else computed
        and kept in both."""
        if fp is None:
            return compute()
        with self.lock:
            if (fp, *key) in self.cache:
                return self.cache[(fp, *key)]
        found = self.store.get(self.kept_as(), key, model) if self.store is not None else None
        if found is None:
            found = compute()
            if self.store is not None:
                self.store.put(self.kept_as(), key, found)
        with self.lock:
            if len(self.cache) >= self.max_cached:
                self.cache.pop(next(iter(self.cache)))
            self.cache[(fp, *key)] = found
        return found

    def views(self, as_of: date, requester: Mapping[str, Any] | None = None,
              base: Filters | None = None) -> dict[str, Page]:
        """Every page a shared file's filters can show: each period, for everyone and for
        each region and each team (one narrowing at a time), keyed by view_key."""
        start = base or Filters()
        out = {view_key(start): self.page(start, as_of, requester)}
        choices = self.choices()
        for period in PERIODS:
            for narrowing in ({}, *({"region": r} for r in choices["region"]),
                              *({"team": t} for t in choices["team"])):
                filters = Filters(period=period, **narrowing)  # type: ignore[arg-type]
                out.setdefault(view_key(filters), self.page(filters, as_of, requester))
        return out

    def warm(self, as_of: date) -> threading.Thread:
        """Compute the default page in the background (a server starting, or new data), so
        the first visitor finds it computed (or its tool runs in the answer cache)."""
        thread = threading.Thread(target=self._warm, args=(as_of,), daemon=True,
                                  name="dashboard-warm")
        thread.start()
        return thread

    def _warm(self, as_of: date) -> None:
        with self._warming:  # one at a time: a second one then finds the page kept
            try:
                self.page(Filters(), as_of)
                self.shell(Filters(), as_of)
            except Exception:  # an optimisation: the page still computes on demand
                log.exception("dashboard warm-up failed")

    def follow(self, today: Callable[[], date], every: float = 5.0,
               stop: threading.Event | None = None) -> threading.Thread:
        """Warm the default page now and again whenever the data's fingerprint changes (an
        import replaced the file, `revops refresh` rewrote it): checked every `every` seconds
        in a background thread, until `stop` is set."""
        stop = stop or threading.Event()

        def loop() -> None:
            last: Any = None
            while True:
                state = (self.fingerprint(), today())  # new data, or a new day
                if state != last:
                    last = state
                    self._warm(state[1])
                if stop.wait(every):
                    return

        thread = threading.Thread(target=loop, daemon=True, name="dashboard-follow")
        thread.start()
        return thread

    def _runner(self, requester: Mapping[str, Any] | None, as_of: date, filters: Filters,
                period: PeriodParam) -> Runner:
        return Runner(self._context(requester, as_of), filters, period)

    def _context(self, requester: Mapping[str, Any] | None, as_of: date) -> ToolContext:
        con = self.warehouse.cursor()
        return ToolContext(con=con, settings=self.warehouse.settings, as_of=as_of,
                           facts=self.warehouse.facts, memo=self.warehouse.memo,
                           scope=row_scope(requester, con), cache=self.warehouse.answers)

    def shell(self, filters: Filters, as_of: date,
              requester: Mapping[str, Any] | None = None) -> Page:
        """The page with its headline strip and every panel pending: a browser then loads
        the panels in parallel (`panel`), each drawn as soon as it arrives."""
        fp = self.fingerprint()
        found = self._kept(fp, ("shell", filters, as_of, self.audience(requester)), Page,
                           lambda: self._compute(filters, as_of, requester, fp, panels=False))
        return _shown_to(found, requester)

    def panel(self, key: str, filters: Filters, as_of: date,
              requester: Mapping[str, Any] | None = None) -> Panel:
        """One panel, computed (or reused from the run cache) for the filters and viewer."""
        spec = next((p for p in PANELS if p[0] == key), None)
        if spec is None:
            raise KeyError(key)
        fp = self.fingerprint()
        who = self.audience(requester)
        with self.lock:  # the whole page computed already (a warm-up)
            page = self.cache.get((fp, "page", filters, as_of, who)) if fp is not None else None
        if page is None and fp is not None and self.store is not None:
            page = self.store.get(self.kept_as(), ("page", filters, as_of, who), Page)
        if page is not None:
            return next(p for p in page.panels if p.key == key)
        period = resolve_period(filters.period, as_of, self.warehouse.settings.calendar)
        return self._kept(fp, ("panel", key, filters, as_of, who), Panel,
                          lambda: self._panel(spec, filters, as_of, requester, period))

    def _panel(self, spec: tuple[str, str, PanelBuilder, bool], filters: Filters, as_of: date,
               requester: Mapping[str, Any] | None, period: PeriodParam) -> Panel:
        key, title, build, wide = spec
        runner = self._runner(requester, as_of, filters, period)
        panel = Panel(key=key, title=title, tools=[], wide=wide)
        try:
            build(runner, panel)
        except AccessDenied as exc:
            panel.error = f"Not available to you: {exc}"
        except ToolInputError as exc:
            panel.error = f"Cannot be computed for these filters: {exc}"
        panel.tools = list(dict.fromkeys(t for t, _ in runner.results))
        panel.notes += runner.notes
        if not panel.sql:
            panel.sql = "\n\n".join(f"-- {t}\n{r.sql};" for t, r in runner.results)
        for _, r in runner.results:
            panel.warnings += [w.message for w in r.warnings if w.message not in panel.warnings]
        return panel

    def _compute(self, filters: Filters, as_of: date, requester: Mapping[str, Any] | None,
                 fp: Any, panels: bool = True) -> Page:
        settings = self.warehouse.settings
        period = resolve_period(filters.period, as_of, settings.calendar)
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            # the headline strip beside the panels, not after them
            strip = pool.submit(lambda: self._kpis(self._runner(requester, as_of, filters,
                                                                period)))
            if panels:
                done = list(pool.map(lambda spec: self._panel(
                    spec, filters, as_of, requester, period), PANELS))
            else:
                done = [Panel(key=k, title=t, tools=[], wide=w, pending=True)
                        for k, t, _, w in PANELS]
            kpis = strip.result()
        return Page(company=settings.company_name, as_of=str(as_of),
                    currency=settings.corporate_currency, filters=filters,
                    choices=self.choices(), kpis=kpis, panels=done,
                    fingerprint=_digest(self.kept_as()))

    def _kpis(self, run: Runner) -> list[Kpi]:
        """The headline strip: bookings, attainment, open pipeline, coverage, win rate."""
        asks: list[tuple[str, str, str, dict[str, Any]]] = [
                ("bookings", "Bookings", "bookings", {}),
                ("attainment", "Quota attainment", "quota_attainment", {}),
                ("pipeline", "Open pipeline", "open_pipeline", {}),
                ("coverage", "Pipeline coverage", "pipeline_coverage", {}),
                ("win_rate", "Win rate", "win_rate", {})]
        out = []
        for key, label, tool, params in asks:
            try:
                r = run.run(tool, **params)
            except (AccessDenied, ToolInputError) as exc:
                out.append(Kpi(key=key, label=label, value=None, text="n/a", unit="",
                               detail=str(exc)))
                continue
            detail = r.period["label"] if r.period else ""
            noun = "record" if r.n_records == 1 else "records"
            out.append(_kpi(r, key, label, detail=f"{detail} · {r.n_records:,} {noun}"))
        return out


def keep_default_page(path: Path, as_of: date) -> bool:
    """Compute the default page of a warehouse file just written (a load or a refresh) and
    keep it beside the file, so the first visitor of a server opened on it later is served
    without a cold computation. It is the page that server would compute: kept under the
    file's identity as it is now, this code's digest, the as-of date and the audience of an
    unrestricted viewer; another date, filter or a rep computes as before. False when the
    file has no place for it (the page is then computed on demand)."""
    from agent.context import Warehouse  # a load's import, not a server's
    from tools.warehouse import open_analytics

    where = store_beside(path)
    if where is None:
        return False
    wh = Warehouse(open_analytics(path))
    try:
        store = PageStore(where)
        board = Dashboard(wh, store=store)
        board.page(Filters(), as_of)
        board.shell(Filters(), as_of)
        key = ("page", Filters(), as_of, board.audience(None))
        return store.get(board.kept_as(), key, Page) is not None
    finally:
        wh.con.close()


def _shown_to(page: Page, requester: Mapping[str, Any] | None) -> Page:
    """The page (computed for the requester's audience) naming its viewer."""
    if not requester:
        return page
    viewer = f"{requester.get('name') or requester.get('id')} ({requester.get('role')})"
    return page.model_copy(update={"viewer": viewer})


def _digest(fp: Any) -> str:
    """A short, shareable form of the data fingerprint ('' when there is none)."""
    return "" if fp is None else hashlib.sha256(repr(fp).encode()).hexdigest()[:16]


def view_key(filters: Filters) -> str:
    """How a shared file names a view: 'period|region|team' (the page's script reads it)."""
    return f"{filters.period}|{filters.region or ''}|{filters.team or ''}"
