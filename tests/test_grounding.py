"""The grounding check, table-driven: what a model may write about a result, and what it may not.

Each case is (text, the numbers that must be flagged). Results mirror real tool envelopes
(README examples); planted wrong numbers must be caught, honest rewordings must pass.
"""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Any

import pytest

from agent.llm.grounding import ungrounded_numbers
from tools.base import ResultEnvelope

Q4 = {"start": "2026-11-01", "end": "2027-01-31", "label": "FY2027 Q4"}


def envelope(value: Any, columns: list[str], rows: list[list[Any]], **extra: Any) -> dict:
    return {
        "value": value,
        "unit": extra.pop("unit", "count"),
        "columns": columns,
        "rows": rows,
        "period": extra.pop("period", Q4),
        "as_of": "2026-11-26",
        "definition": extra.pop("definition", "Sum of amount of deals won (METRICS M01/M02)."),
        "sql": extra.pop("sql", "select 1"),
        "n_records": extra.pop("n_records", len(rows)),
        **extra,
    }


WIN_RATE = envelope(
    0.3558, ["win_rate", "won", "closed", "win_rate_value"], [[0.3558, 185, 520, 0.352]],
    unit="ratio", n_records=520,
    definition="won / (won + lost) among deals closed in the period (METRICS M04).",
)
WIN_RATE_CASES = [
    ("Win rate for FY2027 Q4 (2026-11-01 to 2027-01-31) was 35.6% (185 won of 520 closed).", []),
    ("The win rate was 35.58%.", []),
    ("The win rate was 36%.", []),  # 35.58 rounds to 36
    ("The win rate was 0.356.", []),
    ("By value the win rate was 35.2%, 0.4 points below the count rate.", []),
    ("As of November 26, 2026, 185 of 520 closed deals were won.", []),
    ("The win rate was 35%.", []),  # 35.58 does not round to 35, but the value rate 35.2 does
    ("The win rate was 34%.", ["34%"]),
    ("The win rate was 37.1%.", ["37.1%"]),
    ("We won 186 deals.", ["186"]),
    ("Win rate for Q3 was 35.6%.", ["Q3"]),
    ("Win rate for FY2026 was 35.6%.", ["FY2026"]),
    ("As of 2026-11-27 the win rate was 35.6%.", ["2026-11-27"]),
    ("As of Nov 27 the win rate was 35.6%.", ["Nov 27"]),
    ("The win rate rose 3.0 points.", ["3.0 points"]),
]

BROOKINGS = envelope(  # the brief's example: one value of 10,005,534
    10005534, ["region", "bookings", "won_deals"],
    [["EMEA", 4002213, 120], ["NA", 3500000, 90], ["APAC", 2503321, 60]],
    unit="currency", n_records=270,
)
MONEY_CASES = [
    ("Bookings were $10.0M.", []),
    ("Bookings were $10M.", []),
    ("Bookings were 10.0 million dollars.", []),
    ("Bookings were $10,005,534.", []),
    ("Bookings were 10,005,534.", []),
    ("Bookings were $10.01M.", []),  # 10.005534 rounds to 10.01
    ("Bookings were $11.2M.", ["$11.2M"]),  # the planted number
    ("Bookings were $9.9M.", ["$9.9M"]),
    ("Bookings were $10.00M.", ["$10.00M"]),  # too precise to be a rounding of 10,005,534
    ("Bookings were $10,005,535.", ["$10,005,535"]),
    ("Bookings were 10.5 million.", ["10.5 million"]),
    ("EMEA booked $4.0M, NA $3.5M and APAC $2.5M.", []),
    ("EMEA booked $4,002K.", []),
    ("EMEA is 40.0% of the total and leads NA by $502K.", []),  # a share and a difference
    ("EMEA booked 1.6x APAC.", []),
    ("EMEA is 45% of the total.", ["45%"]),
    ("EMEA won 2.0x as many deals as APAC.", []),  # 120 / 60
    ("Bookings were 2.5x EMEA's.", []),  # the total against its largest part
    ("EMEA booked 3.0x APAC.", ["3.0x"]),
    ("Three regions booked 270 won deals; EMEA won 120.", []),
    ("Four regions booked 270 won deals.", ["Four"]),
    ("Bookings were $10.0M over 271 deals.", ["271"]),
]

GROWTH = envelope(
    16622397, ["bookings", "won_deals", "dq_won_not_positive", "bookings_previous", "growth"],
    [[16622397, 548, 1, 13142778, 0.2648]],
    unit="currency", period={"start": "2026-02-01", "end": "2026-11-26", "label": "FY2027 YTD"},
    n_records=548,
    warnings=[{"code": "DQ_WON_NOT_POSITIVE",
               "message": "1 of 548 won deals (0.2%) have an amount of 0 or less (rule R28)."}],
)
GROWTH_CASES = [
    ("Bookings in EMEA for FY2027 YTD were $16,622,397, up 26.5% from $13,142,778.", []),
    ("Bookings rose $3.5M year over year, 1.26x last year.", []),
    ("Bookings grew 26%.", []),
    ("One won deal (0.2%) has no positive amount.", []),
    ("Bookings grew 27%.", ["27%"]),  # 26.48% rounds to 26%
    ("Bookings grew 30%.", ["30%"]),
    ("Bookings rose $4.5M.", ["$4.5M"]),
]

DERIVED_GROWTH = envelope(
    16622397, ["bookings", "bookings_previous"], [[16622397, 13142778]], unit="currency"
)

REGION_WIN = envelope(
    0.376, ["region", "win_rate"], [["APAC", 0.376], ["EMEA", 0.345]], unit="ratio",
)
POINT_CASES = [
    ("APAC leads EMEA by 3.1 points (37.6% vs 34.5%).", []),
    ("APAC leads EMEA by 3.1 pp.", []),
    ("APAC leads EMEA by 3.1 percentage points.", []),
    ("APAC leads EMEA by 310 bps.", []),
    ("APAC leads EMEA by 4.1 points.", ["4.1 points"]),
]

REPS = envelope(
    3470178, ["rep", "bookings", "won_deals"],
    [["Emma Kowalski", 3470178, 74], ["Owen Garcia", 3404079, 41],
     ["Camila Suzuki", 2987625, 28], ["Oscar Weber", 2896200, 92], ["Victor Chen", 2888970, 31]],
    unit="currency", n_records=266,
)
RANK_CASES = [
    ("Top 5 reps by bookings: Emma Kowalski leads with $3,470,178.", []),
    ("Five reps lead; Camila Suzuki is 3rd with $3.0M.", []),
    ("1. Emma Kowalski $3.47M\n2. Owen Garcia $3.40M\n3. Camila Suzuki $2.99M", []),
    ("- 1) Emma Kowalski\n- 2) Owen Garcia", []),
    ("Six reps lead the team.", ["Six"]),
    ("Victor Chen is 6th.", ["6th"]),
    ("Top 5 reps: Emma Kowalski leads with $3.6M.", ["$3.6M"]),
]

COVERAGE = envelope(
    11.16, ["team", "coverage", "open_pipeline", "remaining_quota"],
    [["EMEA Enterprise", 11.16, 6929100, 620615], ["NA Enterprise", 3.49, 9830040, 2818080]],
)
MULTIPLE_CASES = [
    ("EMEA Enterprise has 11.16x coverage, NA Enterprise 3.49x.", []),
    ("EMEA Enterprise has 11.2x coverage, NA Enterprise 3.5x.", []),
    ("EMEA Enterprise has 11x coverage.", []),
    ("EMEA Enterprise has 12x coverage.", ["12x"]),
    ("NA Enterprise has 5.5x coverage.", ["5.5x"]),
]

SMALL = envelope(1234, ["team", "cost", "seats"], [["SDR", 1234, 12], ["AE", 4512, 40]])
SCALE_CASES = [
    ("SDR tools cost $1.2K, AE tools 4.5k.", []),
    ("SDR tools cost $1.3K.", ["$1.3K"]),
    ("AE tools cost 4.6k.", ["4.6k"]),
]

SCORE = envelope(
    -0.391, ["team", "improvement"], [["EMEA Enterprise", -0.391], ["NA Commercial", -0.077]],
    unit="ratio",
)
NEGATIVE_CASES = [
    ("EMEA Enterprise is at -39.1%, NA Commercial at -7.7%.", []),
    ("EMEA Enterprise productivity fell 39.1%.", []),
    ("EMEA Enterprise is at −39.1%.", []),  # a typographic minus
    ("EMEA Enterprise is at -40.1%.", ["-40.1%"]),
]

BRIEF_RATIO = envelope(0.632, ["win_rate"], [[0.632]], unit="ratio")
BRIEF_RATIO_CASES = [
    ("63.2%", []),
    ("0.632", []),
    ("63%", []),
    ("63.20%", []),
    ("64%", ["64%"]),  # 63.2 rounds to 63, so 64 is not a rounding of it
    ("64.0%", ["64.0%"]),
    ("65%", ["65%"]),
]


def cases(result: dict, table: list[tuple[str, list[str]]]) -> list[Any]:
    return [pytest.param(result, text, flagged, id=text[:50]) for text, flagged in table]


@pytest.mark.parametrize(
    ("result", "text", "flagged"),
    cases(WIN_RATE, WIN_RATE_CASES) + cases(BROOKINGS, MONEY_CASES)
    + cases(GROWTH, GROWTH_CASES) + cases(REGION_WIN, POINT_CASES) + cases(REPS, RANK_CASES)
    + cases(COVERAGE, MULTIPLE_CASES) + cases(SMALL, SCALE_CASES)
    + cases(SCORE, NEGATIVE_CASES) + cases(BRIEF_RATIO, BRIEF_RATIO_CASES),
)
def test_grounding(result: dict, text: str, flagged: list[str]) -> None:
    assert ungrounded_numbers(text, result) == flagged


def test_growth_is_derivable_without_a_growth_column() -> None:
    assert ungrounded_numbers("Bookings grew 26.5% to $16.6M.", DERIVED_GROWTH) == []
    assert ungrounded_numbers("Bookings grew 28.5%.", DERIVED_GROWTH) == ["28.5%"]


def test_planted_number_among_correct_ones_is_the_only_one_flagged() -> None:
    text = (
        "For FY2027 Q4 (2026-11-01 to 2027-01-31), bookings were $10.0M across three regions. "
        "EMEA led with $4.0M (40.0% of the total), NA followed with $3.5M and APAC booked "
        "$2.9M from 60 won deals, as of 2026-11-26."
    )
    assert ungrounded_numbers(text, BROOKINGS) == ["$2.9M"]


def test_sql_literals_are_not_evidence() -> None:
    result = envelope(7, ["deals"], [[7]], sql="select count(*) from x limit 42")
    assert ungrounded_numbers("There are 42 deals.", result) == ["42"]


def test_each_wrong_number_is_reported_once_in_order() -> None:
    text = "Bookings were $11.2M, not $10.0M; again $11.2M, and 999 deals."
    assert ungrounded_numbers(text, BROOKINGS) == ["$11.2M", "999"]


def test_text_without_numbers_passes() -> None:
    assert ungrounded_numbers("EMEA leads; APAC trails.", BROOKINGS) == []


def test_pydantic_result_with_dates() -> None:
    result = ResultEnvelope(
        value=0.632, unit="ratio", columns=["win_rate"], rows=[[0.632]],
        period={"start": "2026-08-01", "end": "2026-10-31", "label": "FY2027 Q3"},
        as_of=date(2026, 11, 26), definition="won / closed", sql="select 1", n_records=87,
    )
    text = "Win rate for FY2027 Q3 was 63.2% over 87 closed deals, as of 2026-11-26."
    assert ungrounded_numbers(text, result) == []
    assert ungrounded_numbers("Win rate for Q4 was 65%.", result) == ["Q4", "65%"]


def test_large_results_stay_fast_and_every_row_counts() -> None:
    rows = [[f"Account {i}", 1000 + i * 37, i % 7] for i in range(2000)]
    result = envelope(None, ["account", "amount", "deals"], rows)
    started = time.perf_counter()
    assert ungrounded_numbers("Account 1999 has $74,963.", result) == []
    assert time.perf_counter() - started < 2.0


TEMPLATE_QUESTIONS = [
    "what's our win rate this quarter?", "top 5 reps by bookings this year",
    "pipeline coverage by team", "bookings in EMEA vs last year",
    "which region has the best win rate", "quota attainment by team for Q3",
    "how are we doing against our targets?", "which deals are at risk this quarter",
    "bookings by month this year", "win rate by region vs last quarter",
    "bookings by product family yoy", "speed to lead", "territory balance",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.metrics_demo import demo_warehouse

    return demo_warehouse(tmp_path_factory)


@pytest.mark.parametrize("question", TEMPLATE_QUESTIONS)
def test_the_rules_answers_are_grounded(demo: Any, question: str) -> None:
    """The template answers pass the check: it does not reject what the agent itself writes."""
    from agent.ask import ask
    from tests.metrics_demo import END

    response = ask(demo, question, as_of=END)
    assert response.status == "answered" and response.result is not None
    result = response.result.model_dump(mode="json")
    result["warnings"] = [w.model_dump() for w in response.warnings]
    assert ungrounded_numbers(response.answer, result) == []
    exact = re.search(r"\d{1,3},\d{3}\b", response.answer)  # an exact amount: change a digit
    if exact:
        wrong = str(int(exact.group()[0]) % 9 + 1) + exact.group()[1:]
        planted = response.answer.replace(exact.group(), wrong, 1)
        assert ungrounded_numbers(planted, result) != [], planted
