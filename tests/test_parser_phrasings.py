"""The rules parser on realistic phrasings: the table of tests/parser_cases.py.

Each case names the tool (or CLARIFY) and only the plan keys that matter for it; a failure shows
the expected keys next to what the parser produced, so a wrong reading is easy to diagnose.
"""

from __future__ import annotations

from datetime import date

import pytest

from agent.parser.entities import EntityIndex
from agent.parser.parse import parse_question
from agent.plan import Clarification, Plan
from tests.helpers import fixture_db
from tests.parser_cases import CASES as CORE_CASES
from tests.parser_cases import CLARIFY, AnyOf
from tools.warehouse import load_settings

AS_OF = date(2026, 11, 26)


def _area_cases() -> list[tuple]:
    """Cases of the metric areas, one tests/parser_cases_<area>.py module each."""
    import importlib
    from pathlib import Path

    found = []
    for path in sorted(Path(__file__).parent.glob("parser_cases_*.py")):
        found += importlib.import_module(f"tests.{path.stem}").CASES
    return found


CASES = CORE_CASES + _area_cases()
KEYS = {"group_by", "top", "order", "time_grain", "compare", "measure", "filters", "excluded",
        "period", "label", "all_time", "as_of", "options", "knobs", "threshold"}


@pytest.fixture(scope="module")
def world():
    con = fixture_db("parser_world")
    yield EntityIndex.load(con), load_settings(con).calendar
    con.close()


def _reading(plan: Plan) -> dict:
    """The plan flattened to the keys of the case table."""
    p = plan.params
    return {
        "tool": plan.tool,
        "group_by": [d.value for d in p.group_by],
        "top": p.top,
        "order": p.order,
        "time_grain": p.time_grain,
        "compare": p.compare,
        "measure": p.measure,
        "knobs": p.options,  # tool options read from the words ("untouched for 60 days")
        "filters": {f.dimension.value: sorted(f.values) for f in p.filters if not f.exclude},
        "excluded": {f.dimension.value: sorted(f.values) for f in p.filters if f.exclude},
        "period": (p.period.start.isoformat(), p.period.end.isoformat()) if p.period else None,
        "label": p.period.label if p.period else None,
        "all_time": p.all_time,
        "as_of": plan.as_of.isoformat() if plan.as_of else None,
        # a threshold on the answer's own figure: (sign, number, unit, each row or the figure)
        "threshold": plan.threshold and (plan.threshold.op, plan.threshold.value,
                                         plan.threshold.unit, plan.threshold.rows),
    }


def _expected(key: str, value):
    if key in ("filters", "excluded"):
        return {dim: sorted(values) for dim, values in value.items()}
    if key == "period" and value is not None:
        return tuple(value)
    return value


def _matches(expected, actual) -> bool:
    if isinstance(expected, AnyOf):
        return actual in expected
    return expected == actual


def test_case_table_is_well_formed():
    questions = [q for q, _, _ in CASES]
    assert len(CASES) >= 220
    assert len(set(questions)) == len(questions), "duplicate questions in the table"
    for question, tool, expected in CASES:
        assert set(expected) <= KEYS, (question, set(expected) - KEYS)
        assert tool == CLARIFY or "options" not in expected, question


@pytest.mark.parametrize(("question", "tool", "expected"), CASES,
                         ids=[q[:70] or "<empty>" for q, _, _ in CASES])
def test_phrasing(world, question: str, tool: str, expected: dict):
    index, calendar = world
    result = parse_question(question, as_of=AS_OF, calendar=calendar, index=index)
    if tool == CLARIFY:
        assert isinstance(result, Clarification), (
            f"{question!r}: expected a clarifying question, got {result!r}")
        missing = [o for o in expected.get("options", [])
                   if not any(o in offered for offered in result.options)]
        assert not missing, f"{question!r}: options {result.options} lack {missing}"
        return
    assert isinstance(result, Plan), f"{question!r}: expected a {tool} plan, got {result!r}"
    actual = _reading(result)
    want = {"tool": tool} | {k: _expected(k, v) for k, v in expected.items()}
    wrong = {k: (v, actual[k]) for k, v in want.items() if not _matches(v, actual[k])}
    assert not wrong, (
        f"{question!r}\n  wrong (expected, actual): {wrong}\n  plan: {actual}\n"
        f"  notes: {result.notes}")


@pytest.mark.parametrize("words, expected", [
    ("bookings not in emea", True), ("win rate except for the enterprise", True),
    ("bookings other than apac", True), ("pipeline but not emea", True),
    ("which reps are not using gong", False), ("bookings for emea", False),
    ("bookings by amount not count for smb", False),
])
def test_an_exclusion_cue_reaches_the_value_only_across_fillers(words, expected):
    from agent.parser.grouping import excluded

    split = words.split()
    assert excluded(split, len(split) - 1) is expected


def test_a_team_is_found_by_its_initials_and_a_short_first_name_by_itself():
    """'nac' is NA Commercial (the first word kept whole where it is itself short), one value
    per acronym and never an English word; 'ben' is the one Ben of the data, 'max' stays the
    English word."""
    from agent.parser.entities import EntityIndex
    from tools.base import Dimension

    index = EntityIndex()
    for dim, label in [(Dimension.team, "NA Commercial"), (Dimension.team, "NA Enterprise"),
                       (Dimension.team, "EMEA Commercial"), (Dimension.region, "North America"),
                       (Dimension.rep, "Ben Vargas"), (Dimension.manager, "Max Murphy")]:
        index.add(dim, label)
    found = {m.text: m.label for m in index.exact(["nac", "and", "emeac"], blocked=set())}
    assert found == {"nac": "NA Commercial", "emeac": "EMEA Commercial"}
    assert index.partial("ben") == [(Dimension.rep, "Ben Vargas")]
    assert index.partial("max") == []


def test_no_vocabulary_phrase_makes_a_word_of_grammar_or_a_number_a_vocabulary_word():
    """Every word of a vocabulary phrase becomes a vocabulary word: a word left over that is
    one is never ignored, and a number or pronoun that is one changes how questions read
    ('her' as a vocabulary word breaks "her team", 'three' breaks "the last three quarters")."""
    from agent.parser.lexicon import lexicon

    words = lexicon().words
    generic = {"her", "his", "that", "there", "why", "real", "yes", "rather", "set", "meant",
               "matter", "whatever", "whenever", "v", "3", "three", "two", "four", "middle",
               "pack", "higher", "decision", "closes", "you", "i", "me", "these", "those",
               "after", "because", "try"}
    assert not generic & words, sorted(generic & words)
