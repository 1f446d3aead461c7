"""The data-quality tools (data_quality, data_issues, duplicate_records): results on the
hand-built CRM, their phrasings, questions end to end, and the caveats metric answers carry.

Until tools/registry.py lists tools.metrics.data_quality.TOOLS (and the parser ranks them), the
`registered` fixture adds them for these tests only.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest

from agent.ask import ask
from agent.context import Warehouse
from tests.helpers import FIXTURES, context, fixture_db
from tests.parser_cases_quality import QUALITY_CASES
from tools.base import Dimension, Filter, MetricParams
from tools.metrics.bookings import closed_deals
from tools.metrics.data_quality import TOOLS
from tools.metrics.pipeline import open_deals as pipeline
from tools.quality.caveats import caveat_measures, caveat_warnings
from tools.quality.phrasing import compose_quality
from tools.warehouse import connect, open_analytics

AS_OF = date(2026, 6, 30)
RUN = {t.name: t.run for t in TOOLS}


@pytest.fixture(scope="module")
def registered() -> Iterator[None]:
    """Register the quality tools (and let the parser rank them) unless already done."""
    import agent.nodes.guard as guard
    import agent.parser.parse as parse
    import tools.metrics.core.engine as engine
    import tools.registry as registry

    with pytest.MonkeyPatch.context() as mp:
        tools = {**registry.TOOLS, **{t.name: t for t in TOOLS}}
        mp.setattr(registry, "TOOLS", MappingProxyType(tools))
        mp.setattr(guard, "TOOLS", registry.TOOLS)
        missing = [t for t in tools if t not in parse.TOOL_PRIORITY]
        mp.setattr(parse, "TOOL_PRIORITY", [*parse.TOOL_PRIORITY, *missing])
        if "caveat_measures" not in inspect.getsource(engine):  # the proposed engine hook
            mp.setattr(registry, "run_metric", _wired_run_metric)
        yield


def _wired_run_metric(ctx, spec, params):
    """run_metric with the data-quality caveats wired in, as proposed for the engine."""
    from tools.metrics.core.engine import run_metric
    from tools.metrics.core.periods import resolve_period

    extra = tuple(caveat_measures(spec, params))
    result = run_metric(ctx, replace(spec, measures=spec.measures + extra), params)
    period = None if params.all_time else resolve_period(ctx, params, spec.default_period)
    result.warnings += caveat_warnings(ctx, spec, params, result.columns, result.rows,
                                       result.n_records, period)
    return result


@pytest.fixture(scope="module")
def small():
    con = fixture_db("quality_small")
    yield context(con, AS_OF)
    con.close()


@pytest.fixture(scope="module")
def world():
    from agent.parser.entities import EntityIndex
    from tools.warehouse import load_settings

    con = fixture_db("parser_world")
    yield EntityIndex.load(con), load_settings(con).calendar
    con.close()


@pytest.mark.parametrize(("question", "tool", "expected"), QUALITY_CASES,
                         ids=[q[:60] for q, _, _ in QUALITY_CASES])
def test_phrasing(registered, world, question: str, tool: str, expected: dict):
    from agent.parser.parse import parse_question
    from tests.test_parser_phrasings import _expected, _reading

    index, calendar = world
    plan = parse_question(question, as_of=date(2026, 11, 26), calendar=calendar, index=index)
    assert getattr(plan, "tool", None) == tool, (question, plan)
    actual = _reading(plan)
    wrong = {k: (v, actual[k]) for k, v in expected.items() if _expected(k, v) != actual[k]}
    assert not wrong, (question, wrong)


def test_cases_per_tool():
    per_tool = {t.name: sum(1 for _, tool, _ in QUALITY_CASES if tool == t.name) for t in TOOLS}
    assert min(per_tool.values()) >= 10, per_tool


def test_data_quality_scalar_and_breakdowns(small):
    r = RUN["data_quality"](small, MetricParams())
    assert r.value == pytest.approx(14 / 53, abs=1e-6) and r.unit == "ratio"
    assert r.rows[0][:5] == ["all tables in the rate", r.value, 50, 53, 14]
    assert {row[0] for row in r.rows[1:]} == {"opportunities", "accounts", "contacts", "leads",
                                             "activities", "users"}
    reps = RUN["data_issues"](small, MetricParams(measure="rep_without_deals"))
    assert reps.rows[0][-3:-1] == ["yes", "yes"]  # is_active, is_quota_carrying read as text
    assert "DQ_BELOW_TARGET" in {w.code for w in r.warnings}
    dims = RUN["data_quality"](small, MetricParams(measure="dimensions"))
    assert dims.columns == ["dimension", "data_accuracy", "checks", "passed"]
    by_rep = RUN["data_quality"](small, MetricParams(group_by=[Dimension.rep]))
    assert by_rep.value is None and by_rep.columns[0] == "rep"
    assert sum(row[1] for row in by_rep.rows) == 21 + 5 + 8 + 6  # records with an owner
    assert "Data accuracy as of 2026-06-30 is 26.4%" in compose_quality(r, False)


def test_data_quality_refuses_non_owner_splits(small):
    from tools.base import ToolInputError

    with pytest.raises(ToolInputError):
        RUN["data_quality"](small, MetricParams(group_by=[Dimension.product]))


def test_data_issues_lists_records_values_and_groups(small):
    issues = RUN["data_issues"]
    every = issues(small, MetricParams())
    assert every.value == 53 - 14 and every.columns[:5] == ["rule", "table", "issue", "severity",
                                                             "failing"]
    missing = issues(small, MetricParams(measure="missing_account"))
    assert missing.value == 1 and missing.rows[0][0] == "O04"
    assert [w.code for w in missing.warnings] == ["DQ_MISSING_ACCOUNT"]
    product = issues(small, MetricParams(measure="unresolved_product",
                                         group_by=[Dimension.product]))
    assert product.rows == [["Widgit", 1, "Widget"]]
    past = issues(small, MetricParams(measure="past_close_date", group_by=[Dimension.rep]))
    assert past.rows == [["Ann", 1, 10.0]]
    reps = issues(small, MetricParams(measure="rep_without_deals", group_by=[Dimension.rep]))
    assert [row[:2] for row in reps.rows] == [["U3", "Cy"], ["U4", "Dee"]]
    none = issues(small, MetricParams(measure="missing_account",
                                      filters=[Filter(dimension="rep", values=["Bob"])]))
    assert none.value == 0 and "No opportunities fail rule R03b" in compose_quality(none, False)


def test_data_issues_unmeasured_rule_says_why(tmp_path: Path):
    con = connect(":memory:")
    con.execute("INSERT INTO opportunities (opportunity_id, stage_name) VALUES ('O1', 'Won')")
    r = RUN["data_issues"](context(con, AS_OF), MetricParams(measure="lost_without_reason"))
    assert (r.value, r.null_reason) == (None, "NOT_MEASURED")
    assert "lost_reason (empty in every record" in r.warnings[0].message


def test_duplicate_records(small):
    accounts = RUN["duplicate_records"](small, MetricParams())
    assert accounts.value == 1
    assert accounts.rows == [["A2", "Acme Inc.", "A1", "Acme", "same domain, same name", 1.0]]
    assert RUN["duplicate_records"](small, MetricParams(measure="contacts")).rows[0][:3] == [
        "C2", "Ann Lee", "C1"]
    assert RUN["duplicate_records"](small, MetricParams(measure="leads")).value == 1


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory) -> Iterator[Warehouse]:
    path = tmp_path_factory.mktemp("quality") / "small.duckdb"
    con = connect(path)
    con.execute((FIXTURES / "quality_small.sql").read_text())
    con.close()
    con = open_analytics(path)
    yield Warehouse(con)
    con.close()


@pytest.mark.parametrize(("question", "tool", "value"), [
    ("what's our data accuracy rate?", "data_quality", pytest.approx(14 / 53, abs=1e-6)),
    ("which deals are missing an account?", "data_issues", 1),
    ("which products are not in the product list", "data_issues", 1),
    ("show duplicate accounts", "duplicate_records", 1),
    ("which reps have no deals?", "data_issues", 2),
])
def test_questions_end_to_end(registered, small_wh: Warehouse, question: str, tool: str, value):
    r = ask(small_wh, question, as_of=AS_OF)
    assert r.status == "answered", r.answer
    assert r.intent.tool == tool and r.result.value == value
    assert r.warnings, "a data-quality answer explains itself"


def test_metric_answers_carry_quality_warnings_end_to_end(registered, small_wh: Warehouse):
    r = ask(small_wh, "bookings this year", as_of=AS_OF)
    codes = {w.code for w in r.warnings}
    assert r.status == "answered" and "DQ_WON_NOT_POSITIVE" in codes
    message = next(w.message for w in r.warnings if w.code == "DQ_WON_NOT_POSITIVE")
    assert message.startswith("2 of ") and "bookings count them at that amount" in message
    pipe = ask(small_wh, "open pipeline this year", as_of=AS_OF)
    assert {"DQ_PAST_CLOSE_DATE", "DQ_UNKNOWN_STAGE", "DQ_MISSING_CLOSE_DATE"} <= {
        w.code for w in pipe.warnings}


def test_a_rule_listing_other_records_than_the_split_asked_reads_as_its_list(registered,
                                                                             small_wh: Warehouse):
    # "which reps have left ...": the rule lists users; the split by rep the words ask for
    # does not apply to them, and the answer had stopped on it (a crash, not an answer)
    r = ask(small_wh, "which reps have left the company but still own open deals?", as_of=AS_OF)
    assert r.status == "answered" and r.intent.params["measure"] == "inactive_user_with_open_deals"
    assert "rule R27" in r.answer


def test_caveats_count_exactly_the_rows_behind_the_number(small):
    spec, params = pipeline.OPEN_PIPELINE, MetricParams(all_time=True)
    r = _wired_run_metric(small, spec, params)
    past = next(w for w in r.warnings if w.code == "DQ_PAST_CLOSE_DATE")
    assert past.message.startswith(f"1 of {r.n_records} open deals")
    win = _wired_run_metric(small, closed_deals.WIN_RATE, MetricParams(
        group_by=[Dimension.industry], all_time=True))
    assert any("'Sofware' looks like a misspelling of 'software'" in w.message
               for w in win.warnings)


def test_tools_answer_from_the_recorded_check_while_the_data_is_unchanged(tmp_path: Path):
    from tools.quality.cli import check_command
    from tools.warehouse import refresh_facts, writable

    path = tmp_path / "small.duckdb"
    with writable(path) as con:
        con.execute((FIXTURES / "quality_small.sql").read_text())

    def ask_tool(name: str, **params) -> object:
        con = open_analytics(path)
        try:
            return RUN[name](context(con, AS_OF), MetricParams(**params))
        finally:
            con.close()

    live = ask_tool("data_quality")
    assert "DQ_NO_RECORDED_CHECK" in {w.code for w in live.warnings}
    assert check_command(path, None, True) == 0
    recorded = ask_tool("data_quality")
    assert "DQ_RECORDED_CHECK" in {w.code for w in recorded.warnings}
    assert (recorded.value, recorded.rows) == (live.value, live.rows)
    assert "FROM dq_rule_results" in recorded.sql
    assert ask_tool("data_issues").rows == RUN["data_issues"](
        context(fixture_db("quality_small"), AS_OF), MetricParams()).rows
    with writable(path) as con:  # an edit, then `revops refresh`: the recorded run is stale
        con.execute("UPDATE opportunities SET account_id = 'A1' WHERE opportunity_id = 'O04'")
        refresh_facts(con)
    after = ask_tool("data_quality")
    assert after.value == pytest.approx(15 / 53, abs=1e-6)
    assert "DQ_LAST_CHECK" in {w.code for w in after.warnings}
    assert ask_tool("data_quality", group_by=[Dimension.rep]).rows  # owners: always live
