"""Charts chosen by the result's shape, units declared for every column, chart and table files."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
import vl_convert

from agent.charts import COVERAGE_RULE, chart_for
from agent.context import Warehouse
from agent.export import write_chart, write_table
from agent.formatting import column_unit, value
from tests.metrics_demo import END, answered, demo_warehouse
from tests.test_cli import revops
from tools.base import Dimension, MetricParams, ToolContext
from tools.registry import TOOLS, run_tool


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    return demo_warehouse(tmp_path_factory)


def ctx(wh: Warehouse, currency: str | None = None) -> ToolContext:
    settings = wh.settings if currency is None else wh.settings.model_copy(
        update={"corporate_currency": currency})
    return ToolContext(con=wh.cursor(), settings=settings, as_of=END, facts=wh.facts,
                       memo=wh.memo)


def layers(spec: dict) -> list[dict]:
    """Every single-mark layer of a (possibly nested) layered spec, with its data."""
    if "layer" not in spec:
        return [spec]
    return [x for layer in spec["layer"] for x in layers({"data": spec.get("data"), **layer})]


def test_a_monthly_trend_draws_the_months_with_the_results_values(wh):
    r = answered(wh, "bookings by month this year", "bookings").result
    spec = r.chart
    assert spec["mark"]["type"] == "bar"  # a flow over time: bars
    assert spec["encoding"]["x"]["field"] == "month"
    assert spec["encoding"]["y"]["field"] == "bookings"
    assert spec["encoding"]["y"]["axis"]["format"].startswith("$")
    drawn = [(d["month"], d["bookings"]) for d in spec["data"]["values"]]
    assert drawn == [(row[0], row[r.columns.index("bookings")]) for row in r.rows]


def test_a_rate_over_time_is_a_line(wh):
    r = answered(wh, "win rate by quarter over the last 4 quarters", "win_rate").result
    assert r.chart["mark"]["type"] == "line"
    assert r.chart["encoding"]["y"]["axis"]["format"] == ".0%"


def test_a_split_is_sorted_bars_and_coverage_carries_the_3x_rule(wh):
    r = answered(wh, "pipeline coverage by team", "pipeline_coverage").result
    bars, rule, _ = layers(r.chart)
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["y"]["sort"] == "-x"
    i = r.columns.index("coverage")  # a team that met its quota has no coverage to draw
    assert {d["label"] for d in bars["data"]["values"]} == {row[0] for row in r.rows
                                                            if row[i] is not None}
    assert rule["mark"]["type"] == "rule" and rule["data"]["values"][0]["ref"] == COVERAGE_RULE
    assert "labelExpr" in bars["encoding"]["x"]["axis"]  # 3.2x, not 320%


def test_bookings_by_rep_show_each_quota_as_a_tick(wh):
    r = run_tool(ctx(wh), "quota_attainment", MetricParams(group_by=[Dimension.team]))
    spec = chart_for(r)
    marks = [layer["mark"]["type"] for layer in layers(spec)]
    assert marks[0] == "bar" and "rule" in marks  # attainment against the 100% line


def test_bridges_draw_a_waterfall_that_lands_on_the_end_balance(wh):
    for question, tool, end in [("ARR bridge this quarter", "arr_waterfall", "closing_arr"),
                                ("pipeline movement this quarter", "pipeline_movement",
                                 "end_amount")]:
        r = answered(wh, question, tool).result
        steps = r.chart["data"]["values"]
        assert steps[0]["step"] == "Start" and steps[-1]["step"] == "End"
        row = dict(zip(r.columns, r.rows[0], strict=True))
        landed = steps[0]["amount"] + sum(s["amount"] for s in steps[1:-1])
        assert landed == pytest.approx(row[end], abs=0.01), question
        assert steps[-1]["hi"] == pytest.approx(row[end])


def test_a_single_number_has_no_chart(wh):
    assert answered(wh, "bookings this year", "bookings").result.chart is None


def test_every_numeric_column_of_every_tool_has_a_declared_unit(wh):
    c = ctx(wh)
    for name, tool in TOOLS.items():
        splits = [MetricParams(group_by=[d]) for d in tool.group_by[:1]]
        for params in (MetricParams(), MetricParams(time_grain="quarter"), *splits):
            try:
                r = run_tool(c, name, params)
            except Exception:  # noqa: BLE001 - some tools refuse a split; the default runs
                continue
            for i, col in enumerate(r.columns):
                numeric = any(isinstance(row[i], int | float) and not isinstance(row[i], bool)
                              for row in r.rows)
                if numeric and col not in params.model_dump()["group_by"]:
                    assert col in r.units, (name, col)


def test_a_count_of_churned_customers_prints_as_a_count(wh):
    r = run_tool(ctx(wh), "net_revenue_retention", MetricParams(time_grain="quarter"))
    i = r.columns.index("churned_customers")
    assert column_unit(r, "churned_customers") == "count"
    shown = value(r.rows[-1][i], column_unit(r, "churned_customers"))
    assert "%" not in shown and shown == f"{r.rows[-1][i]:,}"
    assert column_unit(r, "churned_arr" if "churned_arr" in r.columns else "opening_arr") \
        == "currency"


def test_amounts_are_in_the_warehouse_currency(wh):
    r = run_tool(ctx(wh, "EUR"), "bookings", MetricParams(time_grain="quarter"))
    assert r.currency == "EUR"
    assert value(1234567, column_unit(r, "bookings"), r.currency) == "€1,234,567"
    spec = chart_for(r)
    assert spec["config"]["locale"]["number"]["currency"] == ["€", ""]
    assert "(EUR)" in spec["encoding"]["y"]["title"]


def test_chart_files_render_offline(wh, tmp_path):
    spec = answered(wh, "win rate by region", "win_rate").result.chart
    write_chart(spec, tmp_path / "c.svg")
    write_chart(spec, tmp_path / "c.png")
    write_chart(spec, tmp_path / "c.html")
    svg = (tmp_path / "c.svg").read_text()
    assert svg.startswith("<svg") and "APAC" in svg
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (tmp_path / "c.html").read_text()
    assert "vegaEmbed" in html and "cdn.jsdelivr" not in html and "https://" not in html.split(
        "<script", 1)[0]


def test_tables_are_written_whole_as_csv_and_parquet(wh, tmp_path):
    r = answered(wh, "bookings by rep this year", "bookings").result
    for suffix in (".csv", ".parquet"):
        path = tmp_path / f"t{suffix}"
        write_table(r.columns, r.rows, path)
        back = duckdb.sql(f"select * from '{path}'")
        assert back.columns == r.columns
        got = back.fetchall()
        assert len(got) == len(r.rows)
        assert [list(x) for x in got] == r.rows, suffix


def test_cli_writes_the_chart_and_the_table(tmp_path):
    db = tmp_path / "demo.duckdb"
    out = revops("demo", "--db", str(db), "--opportunities", "1500", "--end-date",
                 END.isoformat())
    assert out.returncode == 0, out.stderr
    out = revops("ask", "--db", str(db), "--as-of", str(date(2026, 11, 26)), "--json",
                 "--chart", str(tmp_path / "c.svg"), "--output", str(tmp_path / "t.parquet"),
                 "bookings by month this year")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["result"]["chart"]["encoding"]["x"]["field"] == "month"
    assert Path(tmp_path / "c.svg").read_text().startswith("<svg")
    [(n,)] = duckdb.sql(f"select count(*) from '{tmp_path / 't.parquet'}'").fetchall()
    assert n == len(body["result"]["rows"])
    bad = revops("ask", "--db", str(db), "--chart", str(tmp_path / "c.txt"), "win rate")
    assert bad.returncode == 2 and "--chart" in bad.stderr


def test_a_count_axis_has_whole_ticks_and_no_milli_prefix(wh):
    r = run_tool(ctx(wh), "deal_risk", MetricParams(group_by=[Dimension.opportunity], top=10))
    axis = chart_for(r)["encoding"]["x"]["axis"]
    assert axis["tickMinStep"] == 1 and "'.3~s'" in axis["labelExpr"]  # SI only from 10,000
    svg = vl_convert.vegalite_to_svg(chart_for(r))
    assert not re.search(r">\d+m<", svg)  # never "200m" for 0.2


def test_answer_charts_are_valid_vega_lite(wh):
    """Charts are built without validation at run time: the shapes an answer draws (a trend, a
    rate over time, a split with a rule, a waterfall) pass the Vega-Lite schema."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema import load_schema

    schema = load_schema()
    for question, tool_name in [("bookings by month this year", "bookings"),
                                ("win rate by quarter over the last 4 quarters", "win_rate"),
                                ("pipeline coverage by team", "pipeline_coverage"),
                                ("ARR bridge this quarter", "arr_waterfall"),
                                ("pipeline movement this quarter", "pipeline_movement")]:
        spec = answered(wh, question, tool_name).result.chart
        assert spec is not None, question
        assert validate_jsonschema(spec, schema, rootschema=schema, raise_error=False) is None
