"""The evaluation harness: the shipped question set scores >= 95% on the rules parser, and the
scorer notices a wrong tool, a wrong parameter and a wrong number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from agent.context import Warehouse
from agent.evaluation import (
    EvalCase,
    PeriodSpec,
    QuestionSet,
    _same_but_empty,
    answerers,
    evaluate,
    load_questions,
    render_text,
)
from tests.conftest import REPO
from tools.base import ResultEnvelope
from tools.demo import generate_demo
from tools.registry import TOOLS
from tools.warehouse import open_analytics, writable

SHIPPED = REPO / "examples" / "eval" / "demo-questions.toml"
AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="session")
def shipped() -> QuestionSet:
    return load_questions(SHIPPED)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, shipped) -> Path:
    """The demo company the shipped set names, generated once per session."""
    spec = shipped.demo
    assert spec is not None
    path = tmp_path_factory.getbasetemp() / f"eval_demo_{spec.opportunities}.duckdb"
    if not path.exists():
        with writable(path) as con:
            generate_demo(con, seed=spec.seed, opportunities=spec.opportunities,
                          end_date=spec.end_date,
                          fiscal_year_start_month=spec.fiscal_year_start_month)
    return path


@pytest.fixture(scope="session")
def wh(demo_db) -> Warehouse:
    return Warehouse(open_analytics(demo_db))


@pytest.fixture(scope="session")
def shipped_report(wh, shipped):
    return evaluate(shipped, wh, answerers(wh, "rules"))


def test_shipped_set_covers_every_tool_and_every_outcome(shipped):
    assert len(shipped.cases) >= 150
    assert {c.tool for c in shipped.cases if c.tool} == set(TOOLS)
    statuses = {c.status for c in shipped.cases}
    assert {"answered", "needs_clarification", "escalated", "refused"} <= statuses
    assert len({c.question.lower() for c in shipped.cases}) == len(shipped.cases)


def test_rules_parser_scores_at_least_95_percent_on_the_shipped_set(shipped_report):
    rules = shipped_report.parsers[0]
    assert rules.parser == "rules" and rules.configured
    assert rules.intent_accuracy >= 0.95, render_text(shipped_report)
    assert rules.value_accuracy >= 0.95, render_text(shipped_report)
    assert shipped_report.passed
    assert rules.value_cases > 150  # most cases check a number, not only a reading
    assert rules.plans_by_parser == {"rules": rules.plans_by_parser["rules"]}
    # failures are listed with what was expected and what came back
    assert all(f.expected and f.got for f in rules.failures)
    assert all(not f.intent_ok or f.value_ok is False for f in rules.failures)


def test_the_held_out_set_does_not_regress(wh, shipped):
    """The set written blind to the parser (examples/eval/heldout-questions.toml) on the same
    demo company: its first run scored 78.8% / 70.0%; the floor keeps later work honest."""
    heldout = load_questions(SHIPPED.with_name("heldout-questions.toml"))
    assert heldout.demo == shipped.demo
    rules = evaluate(heldout, wh, answerers(wh, "rules")).parsers[0]
    assert rules.intent_accuracy >= 0.90 and rules.value_accuracy >= 0.88, [
        (f.question, f.got) for f in rules.failures]


def test_hand_checked_values_are_used_on_the_sets_own_company(shipped_report, shipped):
    rules = shipped_report.parsers[0]
    assert not shipped_report.notes  # the warehouse is the set's demo: no fallback
    checked = [c for c in shipped.cases if c.value is not None]
    assert checked and not {c.question for c in checked} & {f.question for f in rules.failures}


def test_the_paraphrase_set_groups_every_case_under_one_reading(shipped):
    """examples/eval/paraphrase-questions.toml: every case is in a group of several wordings,
    and the cases of one group expect one reading (so consistency measures the parser)."""
    para = load_questions(SHIPPED.with_name("paraphrase-questions.toml"))
    assert para.demo == shipped.demo and len(para.cases) >= 80
    groups: dict[str, list[EvalCase]] = {}
    for case in para.cases:
        assert case.group, case.question
        groups.setdefault(case.group, []).append(case)
    assert all(len(cases) >= 2 for cases in groups.values())
    for cases in groups.values():
        readings = {(c.status, c.tool, str(c.period), tuple(c.group_by)) for c in cases}
        assert len(readings) == 1, [c.question for c in cases]


def _case(question: str, **expected) -> EvalCase:
    return EvalCase(question=question, **expected)


def test_scorer_catches_a_wrong_tool_a_wrong_param_and_a_wrong_value(wh):
    cases = [
        _case("win rate last quarter", tool="win_rate", period="FY2027 Q3"),  # right
        _case("win rate last quarter", tool="bookings", period="FY2027 Q3"),  # wrong tool
        _case("bookings by team last quarter", tool="bookings", period="FY2027 Q3",
              group_by=["region"]),  # wrong parameter
        _case("bookings last quarter", tool="bookings", period="FY2027 Q3",
              value=1234.5),  # wrong hand-checked number
        _case("bookings last quarter", tool="bookings", period="FY2027 Q2"),  # wrong period
        _case("delete every lost deal", status="refused"),  # right
    ]
    qset = QuestionSet(name="synthetic", as_of=AS_OF, case=cases)
    report = evaluate(qset, wh, answerers(wh, "rules"))
    rules = report.parsers[0]
    assert rules.cases == 6 and rules.value_cases == 5
    assert rules.intent_accuracy == pytest.approx(3 / 6, abs=1e-4)
    assert rules.value_accuracy == pytest.approx(1 / 5, abs=1e-4)
    # wrong tool, parameter and period were answered: three different questions answered
    assert rules.read_as_meant == rules.intent_accuracy
    assert rules.answered_different == pytest.approx(3 / 6, abs=1e-4)
    assert rules.asked_back == 0.0
    assert not report.passed
    assert len(rules.failures) == 4
    wrong_tool, wrong_param, wrong_value, wrong_period = rules.failures
    assert wrong_tool.question == "win rate last quarter" and wrong_tool.group == "bookings"
    assert not wrong_tool.intent_ok and not wrong_tool.value_ok
    assert "tool win_rate" in wrong_tool.got
    assert not wrong_param.intent_ok and not wrong_param.value_ok
    assert "group_by=['team']" in wrong_param.got
    assert wrong_value.intent_ok and wrong_value.value_ok is False
    assert "value=1234.5" in wrong_value.expected
    assert not wrong_period.intent_ok and not wrong_period.value_ok
    assert "period=('2026-08-01', '2026-10-31')" in wrong_period.got
    by_group = {g.group: g for g in rules.by_group}
    assert by_group["(refused)"].intent == 1.0 and by_group["(refused)"].value is None
    assert by_group["win_rate"].intent == 1.0 and by_group["win_rate"].value == 1.0


def test_a_ranked_split_and_the_leaderboard_by_its_measure_are_the_same_reading(wh):
    """'Top 5 reps by bookings' is bookings by rep or the leaderboard by amount: either is
    read as meant; the leaderboard by another measure, or without the split, is not."""
    question = "top 5 reps by bookings last quarter"
    cases = [
        _case(question, tool="bookings", period="FY2027 Q3", group_by=["rep"], top=5),
        _case(question, tool="leaderboard", period="FY2027 Q3", group_by=["rep"], top=5,
              measure="amount"),
        _case(question, tool="leaderboard", period="FY2027 Q3", top=5),  # rep by default
        _case(question, tool="leaderboard", period="FY2027 Q3", top=5, measure="win_rate"),
        _case(question, tool="leaderboard", period="FY2027 Q3", group_by=["team"], top=5),
        _case(question, tool="leaderboard", period="FY2027 Q2", group_by=["rep"], top=5),
    ]
    report = evaluate(QuestionSet(name="rankings", as_of=AS_OF, case=cases), wh,
                      answerers(wh, "rules"))
    outcomes = {o.expected.split(" -> ")[0]: o.intent_ok for o in report.parsers[0].failures}
    rules = report.parsers[0]
    assert rules.intent_accuracy == pytest.approx(3 / 6, abs=1e-4), outcomes
    assert any("measure=win_rate" in k for k in outcomes)
    assert any("group_by=['team']" in k for k in outcomes)
    assert any("2026-05-01" in k for k in outcomes)


def test_options_are_compared_as_the_tool_reads_them(wh):
    """An option written at its default, or in another spelling of the same value, is the same
    reading; another value is not."""
    question = "how accurate were our commit calls over the last four quarters"
    cases = [
        _case(question, tool="forecast_accuracy", options={"forecast": "commit_forecast"}),
        _case(question, tool="forecast_accuracy",
              options={"forecast": "commit", "quarters": 4, "lead_days": 14}),
        _case(question, tool="forecast_accuracy", options={"forecast": "commit", "quarters": 6}),
        _case(question, tool="forecast_accuracy", options={"forecast": "best_case"}),
    ]
    report = evaluate(QuestionSet(name="options", as_of=AS_OF, case=cases), wh,
                      answerers(wh, "rules"))
    rules = report.parsers[0]
    wrong = [o.expected for o in rules.failures if not o.intent_ok]
    assert rules.intent_accuracy == pytest.approx(2 / 4, abs=1e-4), wrong
    assert any("'quarters': 6" in w for w in wrong) and any("best_case" in w for w in wrong)


def test_the_won_deal_count_is_the_same_number_from_either_tool(wh):
    """evaluation.SAME_MEASURE: the won count of the deal counts is bookings' count, whole and
    split; a question read either way is read as meant, the lost count is not."""
    from agent.evaluation import SAME_MEASURE
    from tools.base import MetricParams, ToolContext
    from tools.registry import run_tool
    for (tool, measure), (other, other_measure) in SAME_MEASURE.items():
        for split in ([], ["product"]):
            ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=AS_OF, facts=wh.facts)
            a = run_tool(ctx, tool, MetricParams(measure=measure, group_by=split))
            b = run_tool(ctx, other, MetricParams(measure=other_measure, group_by=split))
            assert a.value == b.value and (a.value or split)
            if split:
                key = {r[0]: r[a.columns.index(a.measure)] for r in a.rows}
                assert key == {r[0]: r[b.columns.index(b.measure)] for r in b.rows}
    question = "how many deals did we win last quarter"
    cases = [_case(question, tool="bookings", period="FY2027 Q3", measure="count"),
             _case(question, tool="opportunity_count", period="FY2027 Q3", measure="won"),
             _case(question, tool="opportunity_count", period="FY2027 Q3", measure="lost")]
    rules = evaluate(QuestionSet(name="same", as_of=AS_OF, case=cases), wh,
                     answerers(wh, "rules")).parsers[0]
    assert rules.intent_accuracy == pytest.approx(2 / 3, abs=1e-4)


def test_a_list_of_deals_by_count_or_by_value_lists_the_same_deals(wh):
    """evaluation._same_deals: split by opportunity, 'lost' and 'lost_amount' list the same
    deals (one row each, only the figure beside them differs), so either reads as meant; the
    won deals are other deals, and without the split the two are different numbers."""
    from tools.base import Dimension, MetricParams, ToolContext
    from tools.registry import run_tool
    ctx = ToolContext(con=wh.cursor(), settings=wh.settings, as_of=AS_OF, facts=wh.facts)
    rows = [run_tool(ctx, "opportunity_count",
                     MetricParams(measure=m, group_by=[Dimension.opportunity])).rows
            for m in ("lost", "lost_amount")]
    assert rows[0] and {r[0] for r in rows[0]} == {r[0] for r in rows[1]}
    question = "which deals did we lose last quarter"
    deals = ["opportunity"]
    cases = [_case(question, tool="opportunity_count", period="FY2027 Q3", group_by=deals,
                   measure="lost"),
             _case(question, tool="opportunity_count", period="FY2027 Q3", group_by=deals,
                   measure="lost_amount"),
             _case(question, tool="opportunity_count", period="FY2027 Q3", group_by=deals,
                   measure="won"),
             _case("how many deals did we lose last quarter", tool="opportunity_count",
                   period="FY2027 Q3", measure="lost_amount")]
    rules = evaluate(QuestionSet(name="deals", as_of=AS_OF, case=cases), wh,
                     answerers(wh, "rules")).parsers[0]
    wrong = [o.expected for o in rules.failures if not o.intent_ok]
    assert rules.intent_accuracy == pytest.approx(2 / 4, abs=1e-4), wrong
    assert any("measure=won" in w for w in wrong)


def test_an_unconfigured_parser_is_reported_not_scored(wh):
    qset = QuestionSet(name="one", as_of=AS_OF,
                       case=[_case("win rate last quarter", tool="win_rate",
                                   period="FY2027 Q3")])
    report = evaluate(qset, wh, answerers(wh, "both", llm=None))
    rules, llm = report.parsers
    assert rules.configured and rules.intent_accuracy == 1.0 and rules.value_accuracy == 1.0
    assert not llm.configured and llm.intent_accuracy is None and llm.cases == 0
    assert report.passed
    assert "llm parser: not configured" in render_text(report)


def test_an_injected_answerer_is_scored_by_the_parser_that_planned(wh):
    """The lead plugs the LLM path in as a callable; its plans are attributed to their parser."""
    from agent.ask import ask

    def model_path(question: str, as_of: date):
        response = ask(wh, question, as_of=as_of)
        return response.model_copy(update={"intent": response.intent.model_copy(
            update={"parser": "llm"})})

    qset = QuestionSet(name="one", as_of=AS_OF,
                       case=[_case("bookings by region this year", tool="bookings",
                                   period="FY2027 YTD", group_by=["region"])])
    report = evaluate(qset, wh, {"llm": model_path})
    assert report.parsers[0].plans_by_parser == {"llm": 1}
    assert report.parsers[0].value_accuracy == 1.0


def test_paraphrase_consistency_is_the_share_agreeing_with_their_groups_usual_answer(wh):
    """Cases of one group should get one answer; a paraphrase read as another period (other
    figures) or asked back about breaks its group, and ungrouped cases are not counted."""
    cases = [
        _case("win rate last quarter", tool="win_rate", group="wr"),
        _case("what was our win rate last quarter?", tool="win_rate", group="wr"),
        _case("last quarter's win rate", tool="win_rate", group="wr"),
        _case("win rate in FY2026", tool="win_rate", group="wr"),  # another period
        _case("bookings last quarter", tool="bookings", group="bk"),
        _case("how much did we book last quarter?", tool="bookings", group="bk"),
        _case("open pipeline", tool="open_pipeline"),  # no group: not counted
    ]
    qset = QuestionSet(name="paraphrases", as_of=AS_OF, case=cases)
    rules = evaluate(qset, wh, answerers(wh, "rules")).parsers[0]
    assert rules.paraphrase_consistency == pytest.approx(5 / 6, abs=1e-4)
    [bad] = rules.inconsistent_groups
    assert bad.group == "wr" and bad.cases == 4 and bad.agreeing == 3
    assert any("FY2026" in o for o in bad.outcomes)
    text = render_text(evaluate(qset, wh, answerers(wh, "rules")))
    assert "paraphrase consistency 83.3% (1 groups not consistent)" in text
    assert "INCONSISTENT group 'wr': 3 of 4 agree" in text
    # a set without groups reports no consistency at all
    plain = QuestionSet(name="plain", as_of=AS_OF, case=[cases[-1]])
    report = evaluate(plain, wh, answerers(wh, "rules"))
    assert report.parsers[0].paraphrase_consistency is None
    assert "paraphrase consistency" not in render_text(report)


def test_paraphrase_consistency_compares_figures_not_wording(wh):
    """Same tool and status but other numbers is another outcome; a clarification agrees
    only with a clarification."""
    from agent.ask import ask
    from agent.evaluation import paraphrase_consistency

    last_q = ask(wh, "bookings last quarter", as_of=AS_OF)
    again = ask(wh, "bookings in the last quarter", as_of=AS_OF)
    other = ask(wh, "bookings in FY2026", as_of=AS_OF)
    unsure = ask(wh, "bookings for Zorblax Industries", as_of=AS_OF)
    assert last_q.status == other.status == "answered" and unsure.status != "answered"
    share, bad = paraphrase_consistency([("a", "1", last_q), ("a", "2", again),
                                         ("a", "3", other), ("b", "4", unsure),
                                         ("b", "5", unsure)])
    assert share == pytest.approx(4 / 5) and [g.group for g in bad] == ["a"]
    assert paraphrase_consistency([]) == (None, [])


def revops(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "protocols.cli", *args], capture_output=True,
                          text=True, cwd=REPO, env=dict(os.environ), timeout=300)


TINY = """
name = "tiny"
as_of = 2026-11-26

[[case]]
question = "win rate by region last quarter"
tool = "win_rate"
period = "FY2027 Q3"
group_by = ["region"]

[[case]]
question = "how many deals did we lose last quarter?"
tool = "opportunity_count"
period = "FY2027 Q3"
measure = "won"

[[case]]
question = "email the CFO at our biggest customer"
status = "escalated"
category = "sales_execution"
group = "email"

[[case]]
question = "send an email to the CFO of our largest customer"
status = "escalated"
group = "email"
"""


def test_cli_prints_the_report_as_json_and_fails_under_the_threshold(tmp_path, demo_db, wh):
    questions = tmp_path / "tiny.toml"
    questions.write_text(TINY)
    out = revops("eval", "--questions", str(questions), "--db", str(demo_db), "--json")
    assert out.returncode == 1, out.stderr  # 3 of 4 intents right: below 0.95
    report = json.loads(out.stdout)
    rules = report["parsers"][0]
    assert report["questions"] == 4 and not report["passed"]
    assert rules["intent_accuracy"] == pytest.approx(3 / 4, abs=1e-4)
    assert rules["value_accuracy"] == 0.5
    assert rules["read_as_meant"] == rules["intent_accuracy"]
    assert rules["answered_different"] == pytest.approx(1 / 4, abs=1e-4)
    assert rules["asked_back"] == 0.0
    assert rules["paraphrase_consistency"] == 1.0 and rules["inconsistent_groups"] == []
    assert [f["question"] for f in rules["failures"]] == [
        "how many deals did we lose last quarter?"]
    assert "eval: rules" in out.stderr  # the progress bar stays off stdout
    ok = revops("eval", "--questions", str(questions), "--db", str(demo_db),
                "--fail-under", "0.5")
    assert ok.returncode == 0, ok.stderr
    assert "PASS" in ok.stdout and "FAIL 'how many deals did we lose" in ok.stdout
    assert "answered a different question 25.0%, asked back 0.0%" in ok.stdout
    assert "paraphrase consistency 100.0% (0 groups not consistent)" in ok.stdout


def test_cli_reports_a_bad_question_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('as_of = 2026-11-26\n[[case]]\nquestion = "x"\ntool = 3\n')
    out = revops("eval", "--questions", str(bad), "--db", str(tmp_path / "none.duckdb"))
    assert out.returncode == 2 and "bad.toml" in out.stderr


def test_cli_names_a_case_whose_expected_reading_cannot_run(tmp_path, demo_db):
    """A set's own mistake (a split the tool refuses) is one line naming the case, exit 2."""
    bad = tmp_path / "bad.toml"
    bad.write_text('as_of = 2026-11-26\n[[case]]\nquestion = "campaign ROI by region"\n'
                   'tool = "campaign_sourced"\nmeasure = "roi"\ngroup_by = ["region"]\n')
    out = revops("eval", "--questions", str(bad), "--db", str(demo_db))
    assert out.returncode == 2, out.stderr
    assert "error: case 'campaign ROI by region': its expected reading cannot run" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_task_message_keeps_its_lines_through_the_graph(wh):
    """The graph's intake tidies spaces but keeps the lines of a "key: value" task message:
    joined into one line, its keys and values run together into words nobody wrote."""
    from agent.ask import ask

    message = ("task: T-88\nfrom:  Chassis Intelligence\nmetric:   win rate\n\nsplit: region\n"
               "period: last quarter\nnotes: weekly process review")
    response = ask(wh, message, as_of=AS_OF)
    assert response.status == "answered", response
    assert response.intent.tool == "win_rate"
    assert response.intent.params["group_by"] == ["region"]
    assert response.intent.params["period"]["label"] == "FY2027 Q3"
    assert response.intent.params.get("time_grain") is None  # how often they meet, no trend


def test_every_shipped_set_loads():
    """Each set in examples/eval/ is valid as shipped (format, periods, statuses)."""
    sets = sorted(SHIPPED.parent.glob("*-questions.toml"))
    assert len(sets) >= 19
    for path in sets:
        assert load_questions(path).cases, path.name


def test_a_period_past_today_reads_as_the_period_to_date_when_every_figure_agrees(wh):
    """evaluation._same_to_date: "this fiscal year" read as the year to date answers the same
    as the whole year when nothing after today changes a figure (bookings: won deals close by
    today); open pipeline looks past today, so there the two periods stay different readings,
    and another year is always wrong."""
    cases = [_case("bookings this fiscal year", tool="bookings", period="FY2027"),
             _case("bookings this fiscal year", tool="bookings", period="FY2027 YTD"),
             _case("bookings this fiscal year", tool="bookings", period="FY2026"),
             _case("open pipeline closing this fiscal year", tool="open_pipeline",
                   period="FY2027 YTD")]
    rules = evaluate(QuestionSet(name="to date", as_of=AS_OF, case=cases), wh,
                     answerers(wh, "rules")).parsers[0]
    wrong = {f.question: f for f in rules.failures if not f.intent_ok}
    assert set(wrong) == {"bookings this fiscal year", "open pipeline closing this fiscal year"}
    assert "2025-02-01" in wrong["bookings this fiscal year"].expected
    assert "period=" in wrong["open pipeline closing this fiscal year"].got
    assert rules.intent_accuracy == pytest.approx(2 / 4, abs=1e-4)


def test_reader_faults_are_counted_apart(wh, monkeypatch):
    """A question the reader fails on scores as a failure with status error, and the report
    counts such errors so a fault is never lost among wrong readings."""
    from agent.nodes import classify

    real = classify.parse_question

    def sometimes_broken(text, **kwargs):
        if "pipeline" in text:
            raise TypeError("reader bug")
        return real(text, **kwargs)

    monkeypatch.setattr(classify, "parse_question", sometimes_broken)
    cases = [_case("win rate last quarter", tool="win_rate", period="FY2027 Q3"),
             _case("open pipeline", tool="open_pipeline")]
    report = evaluate(QuestionSet(name="faults", as_of=AS_OF, case=cases), wh,
                      answerers(wh, "rules"))
    rules = report.parsers[0]
    assert rules.errors == 1 and rules.read_as_meant == 0.5 and rules.answered_different == 0
    [fault] = rules.failures
    assert fault.question == "open pipeline" and fault.got.startswith("error")
    assert ", ERRORS 1" in render_text(report)


def test_a_series_to_date_is_the_whole_year_when_its_later_rows_are_empty(wh):
    """'Month by month this fiscal year' read to date (the months so far) agrees with the whole
    year, whose months after today are empty."""
    whole_year = PeriodSpec(start=date(2026, 2, 1), end=date(2027, 1, 31))
    case = _case("bookings month by month this fiscal year to date", tool="bookings",
                 period=whole_year, time_grain="month")
    rules = evaluate(QuestionSet(name="to date", as_of=AS_OF, case=[case]), wh,
                     answerers(wh, "rules")).parsers[0]
    assert rules.read_as_meant == 1.0 and rules.value_accuracy == 1.0, rules.failures


def test_rows_that_differ_only_in_empty_later_buckets_agree():
    def result(rows: list[list]) -> ResultEnvelope:
        return ResultEnvelope(unit="currency", columns=["month", "bookings", "deals"], rows=rows,
                              period=None, as_of=AS_OF, definition="", sql="", n_records=0)

    so_far = result([["2026-10", 5.0, 2], ["2026-11", 3.0, 1]])
    whole = result([["2026-10", 5.0, 2], ["2026-11", 3.0, 1], ["2026-12", 0, 0],
                    ["2027-01", None, 0]])
    assert _same_but_empty(whole, so_far)
    assert not _same_but_empty(result([*whole.rows[:2], ["2026-12", 4.0, 1]]), so_far)
    assert not _same_but_empty(whole, result([["2026-10", 5.0, 2], ["2026-11", 2.0, 1]]))
