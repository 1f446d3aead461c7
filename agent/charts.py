"""Charts from results: a Vega-Lite specification chosen by the result's shape.

A trend (a time grain first column) draws over time, a split draws sorted bars (with the
metric's target as a rule), a bridge (ARR, pipeline movement) draws a waterfall, a single
number draws nothing. Axes and tooltips format by the columns' declared units and the
warehouse currency, so a chart never shows a number the result does not hold.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from agent.answer import FLOW_MEASURES, title
from agent.chart_shape import BRIDGES, chart_kind, label_columns
from tools.base import MetricResult
from tools.metrics.scorecard.success_metrics import TARGETS
from tools.units import currency_symbol

ORDERED = frozenset({"stage"})
"""Dimensions whose own order (the funnel's) reads better than ranking by value."""
MAX_BARS = 25
MAX_SERIES = 8
COVERAGE_RULE = 3.0
"""The usual pipeline-coverage benchmark: three times the quota still to close."""
_SCORECARD = {t.name: t.target for t in TARGETS}
REFERENCES: dict[tuple[str, str], tuple[float, str]] = {
    ("quota_attainment", "attainment"): (1.0, "quota"),
    ("pipeline_coverage", "coverage"): (COVERAGE_RULE, "3x coverage"),
    ("territory_balance", "coverage"): (COVERAGE_RULE, "3x coverage"),
    ("technology_adoption", "adoption_rate"): (_SCORECARD["Technology adoption rate"],
                                               "target"),
    ("ops_efficiency", "sla_attainment"): (_SCORECARD["Sales ops efficiency"], "target"),
    ("data_quality", "data_accuracy"): (_SCORECARD["Data accuracy rate"], "target"),
    ("revenue_reporting_accuracy", "revenue_reporting_accuracy"): (
        _SCORECARD["Revenue reporting accuracy"], "target"),
    ("productivity_improvement", "productivity_improvement"): (
        _SCORECARD["Sales productivity improvement"], "target"),
}
"""The line a split or trend of a metric is read against: its target, quota or benchmark."""
PALETTE = {"bar": "#2563eb", "up": "#16a34a", "down": "#dc2626", "total": "#475569",
           "rule": "#111827", "miss": "#dc2626", "met": "#16a34a"}


def chart_for(r: MetricResult, measure: str | None = None, label: str | None = None,
              keep_order: bool = False) -> dict[str, Any] | None:
    """Return the Vega-Lite spec that draws the result, or None when its shape has no chart.

    `measure` draws another column than the headline; `label` names bars by one label column
    (e.g. a rule's issue) instead of all of them; `keep_order` keeps the tool's ranking (e.g.
    deals by risk drawn by amount).
    """
    if measure is not None and measure != r.measure:
        if measure not in r.columns:
            raise ValueError(f"{r.metric} has no column {measure!r}")
        r = r.model_copy(update={"measure": measure})
    kind = chart_kind(r)
    if kind == "scorecard":
        return _scorecard(r)
    if kind == "waterfall":
        return _waterfall(r)
    labels = label_columns(r)
    if kind == "trend":
        return _trend(r, labels[0], labels[1:])
    if kind == "heatmap":
        return _heatmap(r, labels)
    if kind == "bars":
        return _bars(r, labels, label, keep_order)
    return None


def _records(r: MetricResult, columns: list[str]) -> list[dict[str, Any]]:
    idx = [r.columns.index(c) for c in columns]
    return [{c: row[i] for c, i in zip(columns, idx, strict=True)} for row in r.rows]


def _title(r: MetricResult) -> dict[str, Any]:
    sub = r.period["label"] if r.period else "all dates"
    return {"text": title(r), "subtitle": f"{sub} · as of {r.as_of}", "anchor": "start"}


def axis_format(unit: str) -> dict[str, Any]:
    """Axis label format for a unit (d3-format; currency symbol from the spec's locale)."""
    if unit == "currency":
        return {"format": "$.3~s"}
    if unit == "ratio":
        return {"format": ".0%"}
    if unit == "multiple":
        return {"labelExpr": "format(datum.value, '.1f') + 'x'"}
    if unit == "count":  # 1.2M for big counts, 0.5 for small ones (never "500m")
        return {"labelExpr": "abs(datum.value) >= 10000 ? format(datum.value, '.3~s') "
                             ": format(datum.value, ',.2~f')"}
    return {"format": ",.0f"}


def _axis(unit: str, values: list[Any]) -> alt.Axis:
    """The value axis: formatted by unit; whole numbers only when every value is whole."""
    extra: dict[str, Any] = {"tickMinStep": 1} if unit == "count" and all(
        isinstance(v, int) for v in values if v is not None) else {}
    return alt.Axis(**axis_format(unit), **extra)


def value_format(unit: str) -> str:
    """Tooltip format for a unit: the precision the answer text uses."""
    return {"currency": "$,.0f", "ratio": ".1%", "multiple": ".2f", "count": ",.2~f"}.get(
        unit, ",.1f")


def _axis_title(r: MetricResult, column: str) -> str:
    unit = r.units.get(column, "")
    name = column.replace("_", " ")
    if unit == "currency":
        return f"{name} ({r.currency or 'USD'})"
    if unit in ("days", "minutes", "hours", "seconds") and unit not in name:
        return f"{name} ({unit})"
    if unit == "multiple":
        return f"{name} (x)"
    return name


def _tooltip(r: MetricResult, columns: list[str]) -> list[alt.Tooltip]:
    return [alt.Tooltip(c, type="quantitative", format=value_format(r.units[c]),
                        title=c.replace("_", " ")) if c in r.units
            else alt.Tooltip(c, type="nominal", title=c.replace("_", " ")) for c in columns]


def finish(r: MetricResult, chart: Any) -> dict[str, Any]:
    """The spec of a chart of `r`: title, full width, the currency's locale, what it draws.

    Not validated against the Vega-Lite schema here (a third of a dashboard page's Python time
    at 1M deals; so the two properties are set, not passed to `properties()`, which validates
    each): the tests validate every chart the dashboard and the answers draw."""
    top = chart.copy(deep=False)
    top.title, top.width = _title(r), "container"
    spec = top.to_dict(validate=False)
    spec.setdefault("config", {})["locale"] = {"number": {
        "decimal": ".", "thousands": ",", "grouping": [3],
        "currency": [currency_symbol(r.currency), ""]}}
    spec["config"]["view"] = {"stroke": None}
    spec["usermeta"] = {"revops": {"metric": r.metric, "measure": r.measure,
                                   "unit": r.units.get(r.measure, r.unit),
                                   "currency": r.currency}}
    return spec


def _rows_height(rows: int, step: int) -> int:
    """A fixed height from the number of rows (a step height would not fit a container's
    width without a warning in the browser)."""
    return max(2, rows) * step


def _reference(r: MetricResult) -> tuple[float, str] | None:
    return REFERENCES.get((r.metric, r.measure))


def _rule(value: float, label: str, channel: str, unit: str) -> alt.LayerChart:
    data = alt.Data(values=[{"ref": value, "label": label}])
    enc = {channel: alt.X("ref:Q") if channel == "x" else alt.Y("ref:Q")}
    rule = alt.Chart(data).mark_rule(color=PALETTE["rule"], strokeDash=[6, 4],
                                     strokeWidth=1.5).encode(**enc)
    text_enc = dict(enc, text=alt.Text("label:N"))
    text = alt.Chart(data).mark_text(align="left", dx=4, dy=-6 if channel == "y" else 0,
                                     baseline="bottom" if channel == "y" else "top",
                                     color=PALETTE["rule"], fontSize=11).encode(**text_enc)
    if channel == "x":  # the label sits above the plot, clear of the bars
        text = text.encode(y=alt.value(-4)).mark_text(align="center", baseline="bottom",
                                                       color=PALETTE["rule"], fontSize=11)
    return rule + text


def _trend(r: MetricResult, time_col: str, series: list[str]) -> dict[str, Any]:
    unit = r.units[r.measure]
    cols = [time_col, *series, r.measure]
    data = _records(r, cols)
    if series:
        totals: dict[str, float] = {}
        key = series[0]
        for d in data:
            totals[str(d[key])] = totals.get(str(d[key]), 0) + abs(d[r.measure] or 0)
        keep = set(sorted(totals, key=totals.get, reverse=True)[:MAX_SERIES])  # type: ignore[arg-type]
        data = [d for d in data if str(d[key]) in keep]
    order = list(dict.fromkeys(str(row[r.columns.index(time_col)]) for row in r.rows))
    x = alt.X(f"{time_col}:O", sort=order, title=None, axis=alt.Axis(labelAngle=0 if len(
        order) <= 8 else -45))
    y = alt.Y(f"{r.measure}:Q", title=_axis_title(r, r.measure),
              axis=_axis(unit, [d[r.measure] for d in data]))
    base = alt.Chart(alt.Data(values=data)).encode(x=x, y=y, tooltip=_tooltip(r, cols))
    flow = r.measure in FLOW_MEASURES or r.measure.endswith(("_deals", "_amount"))
    if series:
        color = alt.Color(f"{series[0]}:N", title=series[0].replace("_", " "))
        chart = (base.mark_bar() if flow else base.mark_line(point=True)).encode(color=color)
    elif flow:
        chart = base.mark_bar(color=PALETTE["bar"], cornerRadiusTopLeft=2,
                              cornerRadiusTopRight=2)
    else:
        chart = base.mark_line(point=True, color=PALETTE["bar"], strokeWidth=2.5)
    ref = _reference(r)
    if ref is not None:
        chart = chart + _rule(ref[0], ref[1], "y", unit)
    return finish(r, chart)


def _bars(r: MetricResult, labels: list[str], label: str | None = None,
          keep_order: bool = False) -> dict[str, Any]:
    unit = r.units[r.measure]
    extra = [c for c in ("quota",) if c in r.columns and r.units.get(c) == unit
             and c != r.measure]
    tips = [c for c in r.columns if c not in r.units and c not in labels][:2]  # e.g. reasons
    cols = [*labels, r.measure, *extra, *tips]
    data = [d for d in _records(r, cols) if d[r.measure] is not None]
    shown = [label] if label else ["opportunity"] if "opportunity" in labels else labels
    for d in data:
        d["label"] = " / ".join(str(d[c]) for c in shown)
    if len({d["label"] for d in data}) < len(data):  # same-named rows stay apart
        for d in data:
            d["label"] = " / ".join(str(d[c]) for c in labels)
    descending = not (len(data) > 1 and data[0][r.measure] < data[-1][r.measure])
    data = data[:MAX_BARS]
    sort: Any = "-x" if descending else "x"
    if labels[0] in ORDERED or keep_order:
        sort = [d["label"] for d in data]
    y = alt.Y("label:N", sort=sort, title=None, axis=alt.Axis(labelLimit=220))
    x = alt.X(f"{r.measure}:Q", title=_axis_title(r, r.measure),
              axis=_axis(unit, [d[r.measure] for d in data]))
    base = alt.Chart(alt.Data(values=data))
    chart: Any = base.mark_bar(color=PALETTE["bar"], cornerRadiusEnd=2).encode(
        x=x, y=y, tooltip=_tooltip(r, cols))
    if extra:  # bookings against each row's quota
        chart = chart + base.mark_tick(color=PALETTE["rule"], thickness=2).encode(
            x=alt.X(f"{extra[0]}:Q"), y=y, tooltip=_tooltip(r, cols))
    ref = _reference(r)
    if ref is not None:
        chart = chart + _rule(ref[0], ref[1], "x", unit)
    spec = finish(r, chart)
    spec["height"] = _rows_height(len(data), 22)
    return spec


def _heatmap(r: MetricResult, labels: list[str]) -> dict[str, Any]:
    """Two dimensions: one cell per pair, coloured and labelled by the value."""
    unit = r.units[r.measure]
    cols = [*labels, r.measure]
    data = [d for d in _records(r, cols) if d[r.measure] is not None]
    row_dim, col_dim = labels
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X(f"{col_dim}:N", title=col_dim.replace("_", " "), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{row_dim}:N", title=row_dim.replace("_", " ")))
    cells = base.mark_rect(cornerRadius=2).encode(
        color=alt.Color(f"{r.measure}:Q", title=_axis_title(r, r.measure),
                        scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(orient="bottom", gradientLength=160,
                                          **axis_format(unit))),
        tooltip=_tooltip(r, cols))
    values = [d[r.measure] for d in data]
    mid = (min(values) + max(values)) / 2 if values else 0
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text(f"{r.measure}:Q", format=value_format(unit)),
        color=alt.condition(f"datum['{r.measure}'] > {mid!r}", alt.value("#ffffff"),
                            alt.value("#0f172a")))
    spec = finish(r, cells + text)
    spec["height"] = _rows_height(len({d[row_dim] for d in data}), 34)
    return spec


def _waterfall(r: MetricResult) -> dict[str, Any]:
    start_col, steps, end_col = BRIDGES[r.metric]
    row = dict(zip(r.columns, r.rows[0], strict=True))
    level = float(row[start_col] or 0)
    data = [{"step": "Start", "column": start_col, "lo": 0.0, "hi": level, "amount": level,
             "kind": "total"}]
    for col, name, sign in steps:
        v = float(row.get(col) or 0)
        if v == 0:
            continue
        nxt = level + sign * v
        data.append({"step": name, "column": col, "lo": min(level, nxt), "hi": max(level, nxt),
                     "amount": sign * v, "kind": "up" if sign > 0 else "down"})
        level = nxt
    end = float(row[end_col] or 0)
    data.append({"step": "End", "column": end_col, "lo": 0.0, "hi": end, "amount": end,
                 "kind": "total"})
    order = [str(d["step"]) for d in data]
    color = alt.Color("kind:N", legend=None, scale=alt.Scale(
        domain=["total", "up", "down"], range=[PALETTE["total"], PALETTE["up"],
                                               PALETTE["down"]]))
    chart = alt.Chart(alt.Data(values=data)).mark_bar(size=28).encode(
        x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=0 if len(
            order) <= 8 else -35)),
        y=alt.Y("lo:Q", title=_axis_title(r, start_col).replace(start_col.replace("_", " "),
                                                                "amount"),
                axis=alt.Axis(format="$.3~s")),
        y2="hi:Q", color=color,
        tooltip=[alt.Tooltip("step:N"), alt.Tooltip("amount:Q", format="$,.0f")])
    return finish(r, chart)


def _scorecard(r: MetricResult) -> dict[str, Any] | None:
    c = r.columns
    data = []
    for row in r.rows:
        d = dict(zip(c, row, strict=True))
        if d["value"] is None:
            continue
        data.append({"metric": d["metric"], "value": d["value"], "target": d["target"],
                     "status": "met" if d["passed"] else "missed"})
    if not data:
        return None
    y = alt.Y("metric:N", title=None, sort=None, axis=alt.Axis(labelLimit=240))
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        x=alt.X("value:Q", title="value against target", axis=alt.Axis(format=".0%")), y=y,
        color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(
            domain=["met", "missed"], range=[PALETTE["met"], PALETTE["miss"]])),
        tooltip=[alt.Tooltip("metric:N"), alt.Tooltip("value:Q", format=".1%"),
                 alt.Tooltip("target:Q", format=".0%"), alt.Tooltip("status:N")])
    ticks = base.mark_tick(color=PALETTE["rule"], thickness=3, size=26).encode(
        x="target:Q", y=y)
    spec = finish(r, bars + ticks)
    spec["height"] = _rows_height(len(data), 30)
    return spec
