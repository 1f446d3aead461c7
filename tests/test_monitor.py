"""Monitors and insights (issue 6 item 5) on the 2,000-deal demo company, as of 2026-11-26.

Expected breaches are checked against the tools run directly with explicit dates (not through
the monitor's period keywords), insights go through the real outbox to real HTTP receivers on
loopback, and the alert lifecycle (open, still open, resolved, recurring) is driven by changing
a threshold in a user monitors file, as a user would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.context import Warehouse
from protocols.cli.app import app
from protocols.monitor import Insight, run_monitors
from protocols.monitor_alerts import AlertLog
from protocols.monitor_config import MonitorConfigError, load_monitors, shipped_monitors
from protocols.outbox import Outbox
from protocols.store import TaskStore
from tests.metrics_demo import END, demo_warehouse
from tests.test_outbox import Receiver
from tools.base import MetricParams, PeriodParam, ToolContext
from tools.registry import TOOLS

Q3 = PeriodParam(start=date(2026, 8, 1), end=date(2026, 10, 31), label="FY2027 Q3")
Q4 = PeriodParam(start=date(2026, 11, 1), end=date(2027, 1, 31), label="FY2027 Q4")

EXPECTED = {
    ("success_metric_below_target", "Revenue reporting accuracy", "central-coordination",
     "operations_issue"),
    ("technology_adoption_team", "EMEA Commercial", "central-coordination", "operations_issue"),
    ("forecast_gap_team", "EMEA Commercial", "pipeline-management", "pipeline_action"),
    ("forecast_gap_team", "NA Commercial", "pipeline-management", "pipeline_action"),
    ("stalled_stage", "Negotiation", "pipeline-management", "pipeline_action"),
    ("lead_handoff_lag", "LATAM", "conversion-optimization", "conversion_action"),
    ("lead_handoff_lag", "EMEA Commercial", "conversion-optimization", "conversion_action"),
    ("lead_handoff_lag", "APAC", "conversion-optimization", "conversion_action"),
    ("reporting_mismatch", "all", "finance", "finance_action"),
}
"""What the shipped monitors find in the demo company (checked below against the tools)."""


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return demo_warehouse(tmp_path_factory)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TaskStore]:
    s = TaskStore(tmp_path / "state.sqlite")
    yield s
    s.close()


@pytest.fixture(scope="module")
def first_pass(wh: Warehouse, tmp_path_factory: pytest.TempPathFactory
               ) -> tuple[TaskStore, list[Insight]]:
    """One pass of the shipped monitors into a fresh store (shared by the read-only checks)."""
    s = TaskStore(tmp_path_factory.mktemp("monitor") / "state.sqlite")
    report = run_monitors(wh, s, load_monitors(), as_of=END)
    assert not report.errors
    return s, report.insights


def direct(wh: Warehouse, tool: str, **params: object):
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=END, facts=wh.facts,
                      memo=wh.memo)
    return TOOLS[tool].run(ctx, MetricParams(**params))


def row_of(result, label: str) -> list:
    return next(r for r in result.rows if r[0] == label)


def by_key(insights: list[Insight]) -> dict[tuple[str, str], Insight]:
    return {(i.monitor_id, i.group): i for i in insights}


def write(tmp_path: Path, text: str, name: str = "monitors.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- what fires -------------------------------------------------------------------------------

def test_shipped_monitors_find_the_expected_breaches(first_pass) -> None:
    _, insights = first_pass
    assert {(i.monitor_id, i.group, i.target, i.category) for i in insights} == EXPECTED
    assert all(i.status == "new" for i in insights)
    assert {m.id for m in shipped_monitors().monitors} >= {i.monitor_id for i in insights}


def test_insight_numbers_equal_the_tools_run_directly(wh: Warehouse, first_pass) -> None:
    _, insights = first_pass
    got = by_key(insights)

    adoption = direct(wh, "technology_adoption", group_by=["team"], period=Q4)
    i = got[("technology_adoption_team", "EMEA Commercial")]
    row = row_of(adoption, "EMEA Commercial")
    assert i.rows == [row] and i.value == row[1] < 0.85
    assert i.period == {"start": "2026-11-01", "end": "2027-01-31", "label": "FY2027 Q4"}
    assert f"{row[1]:.1%}" in i.message and f"{row[3]} of {row[2]}" in i.message
    # every other team is at or above 85% (or the ignored "(none)")
    assert all(r[1] >= 0.85 for r in adoption.rows if r[0] not in ("EMEA Commercial", "(none)"))

    projection = direct(wh, "forecast_projection", group_by=["team"], period=Q4)
    quota = direct(wh, "quota_attainment", group_by=["team"], period=Q4)
    short = {r[0] for r in projection.rows if r[1] < row_of(quota, r[0])[2]}
    assert short == {"EMEA Commercial", "NA Commercial"}
    for team in short:
        i = got[("forecast_gap_team", team)]
        assert i.value == row_of(projection, team)[1]
        assert i.reference == row_of(quota, team)[2] == i.bound
        assert f"{i.reference:,.0f}" in i.message and f"{i.value:,.0f}" in i.message

    stale = direct(wh, "stale_deals", group_by=["stage"])
    assert {r[0] for r in stale.rows if r[1] > 0.30} == {"Negotiation"}
    assert got[("stalled_stage", "Negotiation")].rows == [row_of(stale, "Negotiation")]

    speed = direct(wh, "speed_to_lead", group_by=["team"], period=Q4)
    slow = {r[0] for r in speed.rows if r[1] is not None and r[1] > 60 and r[4] >= 10}
    assert slow == {"LATAM", "EMEA Commercial", "APAC"}
    assert got[("lead_handoff_lag", "LATAM")].value == row_of(speed, "LATAM")[1]

    recon = direct(wh, "revenue_reporting_accuracy", period=Q3)
    i = got[("reporting_mismatch", "all")]
    assert i.value == recon.value < 0.95 and i.rows == recon.rows
    assert f"{recon.value:.1%}" in i.message and i.period["label"] == "FY2027 Q3"

    card = direct(wh, "scorecard")
    missed = [r for r in card.rows if r[4] is False]
    assert [r[0] for r in missed] == ["Revenue reporting accuracy"]
    assert got[("success_metric_below_target", "Revenue reporting accuracy")].rows == missed

    quality = direct(wh, "data_quality")
    assert quality.value > 0.98  # so the data accuracy monitors rightly stay quiet


def test_insights_are_queued_in_the_outbox_with_stable_keys(first_pass) -> None:
    s, insights = first_pass
    assert s.counts()["pending"] == len(insights)
    i = by_key(insights)[("reporting_mismatch", "all")]
    e = s.escalation(i.insight_id)
    assert e is not None and e.target == "finance" and e.category == "finance_action"
    assert e.idempotency_key == "monitor:reporting_mismatch:all:FY2027 Q3:1"
    assert e.reason == i.message and e.requester == {"id": "revops-monitor", "role": "revops"}
    assert e.request["tool"] == "revenue_reporting_accuracy"
    assert e.context["rows"] == i.rows and e.context["value"] == i.value
    assert e.context["sql"].lower().startswith(("select", "with"))


# --- no repeats, lifecycle --------------------------------------------------------------------

def test_a_second_pass_queues_nothing_new(wh: Warehouse, store: TaskStore) -> None:
    first = run_monitors(wh, store, load_monitors(), as_of=END)
    counts = store.counts()
    second = run_monitors(wh, store, load_monitors(), as_of=END)
    assert store.counts() == counts
    assert second.new == [] and second.resolved == []
    assert [i.status for i in second.insights] == ["open"] * len(first.insights)
    assert [i.insight_id for i in second.insights] == [i.insight_id for i in first.insights]
    assert [i.message for i in second.insights] == [i.message for i in first.insights]


ADOPTION = """
[[monitors]]
id = "technology_adoption_team"
description = "A team's adoption is below the bar."
tool = "technology_adoption"
params = {{ period = "this_quarter", group_by = ["team"] }}
ignore = ["(none)"]
target = "central-coordination"
category = "operations_issue"
message = "Adoption in {{label}} is {{value:.1%}}."
[monitors.condition]
op = "<"
threshold = {threshold}
"""


def test_a_cleared_condition_resolves_and_a_recurrence_alerts_again(
        wh: Warehouse, store: TaskStore, tmp_path: Path) -> None:
    def run(threshold: float):
        path = write(tmp_path, ADOPTION.format(threshold=threshold))
        monitors = [m for m in load_monitors(path) if m.id == "technology_adoption_team"]
        return run_monitors(wh, store, monitors, as_of=END)

    opened = run(0.85)
    assert [(i.group, i.status) for i in opened.insights] == [("EMEA Commercial", "new")]
    first_id = opened.insights[0].insight_id
    assert opened.insights[0].message == "Adoption in EMEA Commercial is 76.9%."

    cleared = run(0.70)  # 76.9% is no longer a breach
    assert cleared.insights == []
    assert [(r.insight_id, r.group, r.period) for r in cleared.resolved] == [
        (first_id, "EMEA Commercial", "FY2027 Q4")]
    assert AlertLog(store).open_alerts() == []

    again = run(0.85)
    assert [(i.group, i.status) for i in again.insights] == [("EMEA Commercial", "new")]
    recurrence = again.insights[0]
    assert recurrence.insight_id != first_id
    assert recurrence.idempotency_key.endswith(":FY2027 Q4:2")
    assert [e.escalation_id for e in store.escalations()] == [first_id, recurrence.insight_id]
    history = AlertLog(store).alerts("technology_adoption_team")
    assert [(a.occurrence, a.resolved_at is None) for a in history] == [(1, False), (2, True)]


def test_a_drop_since_the_previous_check_alerts_until_the_value_moves(
        wh: Warehouse, store: TaskStore) -> None:
    drop = [m for m in load_monitors() if m.id == "data_accuracy_drop"]
    assert run_monitors(wh, store, drop, as_of=END).insights == []  # first check: a baseline
    current = direct(wh, "data_quality").value
    # A previous check recorded a better rate: the latest observation is 99.5%.
    AlertLog(store).observe("data_accuracy_drop", "all", 0.995)
    report = run_monitors(wh, store, drop, as_of=END)
    [insight] = report.new
    assert insight.previous == 0.995 and insight.value == current
    assert insight.message == (f"Data accuracy rate fell from 99.50% to {current:.2%} "
                               f"({current - 0.995:+.2%}) since the previous check.")
    again = run_monitors(wh, store, drop, as_of=END)
    assert [i.status for i in again.insights] == ["open"]


# --- user files -------------------------------------------------------------------------------

COVERAGE = """
disable = ["lead_handoff_lag"]

[[monitors]]
id = "thin_coverage"
description = "Pipeline coverage of a team below 2x this quarter."
tool = "pipeline_coverage"
params = { period = "this_quarter", group_by = ["team"] }
severity = "critical"
target = "pipeline-management"
category = "pipeline_action"
message = "{label}: coverage {value:.2f}x in {period}."
[monitors.condition]
op = "<"
threshold = 2.0
"""


def test_a_user_file_disables_a_monitor_and_adds_one(
        wh: Warehouse, store: TaskStore, tmp_path: Path) -> None:
    monitors = load_monitors(write(tmp_path, COVERAGE))
    ids = [m.id for m in monitors]
    assert "lead_handoff_lag" not in ids and "thin_coverage" in ids
    assert len(ids) == len(shipped_monitors().monitors)
    report = run_monitors(wh, store, monitors, as_of=END)
    coverage = direct(wh, "pipeline_coverage", group_by=["team"], period=Q4)
    thin = {r[0]: r[1] for r in coverage.rows if r[1] is not None and r[1] < 2.0}
    assert thin and len(thin) < len(coverage.rows)  # some teams pass, some have no ratio
    got = {i.group: i for i in report.insights if i.monitor_id == "thin_coverage"}
    assert {g: i.value for g, i in got.items()} == thin
    assert all(i.severity == "critical" and i.target == "pipeline-management"
               for i in got.values())
    assert got["NA Commercial"].message == f"NA Commercial: coverage {thin['NA Commercial']:.2f}x"\
        " in FY2027 Q4."
    assert not any(i.monitor_id == "lead_handoff_lag" for i in report.insights)


def test_a_template_naming_a_missing_column_fails_that_monitor_only(
        wh: Warehouse, store: TaskStore, tmp_path: Path) -> None:
    bad = COVERAGE.replace("disable = [\"lead_handoff_lag\"]", "").replace(
        "{value:.2f}x", "{row[no_such_column]}")
    monitors = [m for m in load_monitors(write(tmp_path, bad))
                if m.id in ("thin_coverage", "reporting_mismatch")]
    report = run_monitors(wh, store, monitors, as_of=END)
    assert [f.monitor_id for f in report.errors] == ["thin_coverage"]
    assert "no_such_column" in report.errors[0].error and "coverage" in report.errors[0].error
    assert report.evaluated == ["reporting_mismatch"] and len(report.insights) == 1


MINIMAL = """
[[monitors]]
id = "m1"
description = "d"
tool = "{tool}"
params = {params}
target = "{target}"
category = "{category}"
message = "{message}"
[monitors.condition]
op = "{op}"
threshold = {threshold}
"""
GOOD = dict(tool="win_rate", params="{ group_by = [\"region\"] }", target="finance",
            category="finance_action", message="{label} {value}", op="<", threshold="0.3")


@pytest.mark.parametrize(("change", "expected"), [
    ({"tool": "win_rates"}, "unknown tool 'win_rates' (did you mean 'win_rate'?)"),
    ({"params": "{ measure = \"amount\" }"}, "tool win_rate has no measure 'amount'"),
    ({"params": "{ group_by = [\"planet\"] }"}, "group_by"),
    ({"tool": "quota_attainment", "params": "{ group_by = [\"product\"] }"},
     "tool quota_attainment cannot group by product"),
    ({"params": "{ period = \"next_decade\" }"}, "period"),
    ({"target": "sales-team"}, "unknown target 'sales-team'"),
    ({"category": "pipeline"}, "unknown category 'pipeline'"),
    ({"message": "{label} {amount}"}, "message template names {amount}"),
    ({"message": "{label"}, "message template is not valid"),
    ({"op": "=<"}, "op"),
    ({"threshold": "true"}, "a true/false threshold needs op '==' or '!='"),
    ({"threshold": "\"low\""}, "threshold must be a number or true/false, got 'low'"),
])
def test_invalid_monitor_files_fail_at_load_with_clear_errors(
        tmp_path: Path, change: dict[str, str], expected: str) -> None:
    path = write(tmp_path, MINIMAL.format(**(GOOD | change)))
    with pytest.raises(MonitorConfigError) as err:
        load_monitors(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value) and "monitor 'm1'" in str(err.value)


def test_the_minimal_file_itself_is_valid(tmp_path: Path) -> None:
    [added] = [m for m in load_monitors(write(tmp_path, MINIMAL.format(**GOOD))) if m.id == "m1"]
    assert added.grouped and added.condition.threshold == 0.3


@pytest.mark.parametrize(("text", "expected"), [
    ("disable = [\"no_such_monitor\"]", "disable names unknown monitor(s) 'no_such_monitor'"),
    ("[[monitors]\nid = 1", "not valid TOML"),
    ("colour = \"red\"", "colour: Extra inputs are not permitted"),
    (MINIMAL.format(**GOOD) * 2, "monitor id 'm1' appears twice"),
])
def test_invalid_file_structure_is_named(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(MonitorConfigError, match="monitors.toml") as err:
        load_monitors(write(tmp_path, text))
    assert expected in str(err.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MonitorConfigError, match="cannot read monitors file"):
        load_monitors(tmp_path / "nope.toml")


# --- delivery and CLI -------------------------------------------------------------------------

@pytest.fixture
def hub() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def finance() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


def test_insights_reach_their_receiver_once_with_the_idempotency_key(
        wh: Warehouse, store: TaskStore, hub: Receiver, finance: Receiver) -> None:
    with Outbox(store, {"central-coordination": hub.url, "finance": finance.url},
                jitter=0) as box:
        report = run_monitors(wh, store, load_monitors(), as_of=END, outbox=box)
        assert {d.outcome for d in report.delivery} == {"delivered"}
        again = run_monitors(wh, store, load_monitors(), as_of=END, outbox=box)
    assert again.delivery == [] and again.new == []
    [mismatch] = [i for i in report.insights if i.target == "finance"]
    assert [(r["key"], r["body"]["target"]) for r in finance.requests] == [
        (mismatch.idempotency_key, "finance")]
    assert finance.requests[0]["body"]["reason"] == mismatch.message
    assert finance.requests[0]["body"]["context"]["value"] == mismatch.value
    # peers without an endpoint of their own are sent to the hub
    assert sorted(r["key"] for r in hub.requests) == sorted(
        i.idempotency_key for i in report.insights if i.target != "finance")
    assert len(hub.stored) == len(hub.requests) == len(report.insights) - 1


def test_cli_once_json_queues_delivers_and_then_stays_quiet(
        wh: Warehouse, tmp_path: Path, hub: Receiver, monkeypatch: pytest.MonkeyPatch,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("REVOPS_HUB_URL", hub.url)
    monkeypatch.delenv("REVOPS_PEER_URLS", raising=False)
    monkeypatch.delenv("REVOPS_MONITORS_FILE", raising=False)
    db = tmp_path_factory.getbasetemp() / "area_metrics_demo.duckdb"
    args = ["monitor", "--db", str(db), "--store", str(tmp_path / "state.sqlite"), "--once",
            "--json", "--as-of", END.isoformat()]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert {(i["monitor_id"], i["group"], i["target"], i["category"])
            for i in report["insights"]} == EXPECTED
    assert {d["outcome"] for d in report["delivery"]} == {"delivered"}
    assert sorted(r["key"] for r in hub.requests) == sorted(
        i["idempotency_key"] for i in report["insights"])
    assert {r["body"]["kind"] for r in hub.requests} == {"insight"}

    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    again = json.loads(second.stdout)
    assert {i["status"] for i in again["insights"]} == {"open"}
    assert again["delivery"] == [] and len(hub.requests) == len(EXPECTED)

    text = runner.invoke(app, args[:-3] + ["--as-of", END.isoformat()])
    assert text.exit_code == 0
    assert f"8 monitors evaluated; 0 new, {len(EXPECTED)} still open, 0 resolved" in text.stdout


def test_cli_rejects_an_invalid_monitors_file(tmp_path: Path) -> None:
    bad = write(tmp_path, "disable = [\"nope\"]")
    result = CliRunner().invoke(app, ["monitor", "--once", "--monitors", str(bad),
                                      "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2
    assert "disable names unknown monitor(s) 'nope'" in result.stderr
