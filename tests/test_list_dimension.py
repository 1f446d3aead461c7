"""A value that names several things (a region and a team both called LATAM) read in a list as
the kind of the values beside it (agent/parser/parse.py _list_dimension): parser_world with
its LATAM team renamed to plain "LATAM", as the demo company names it."""

from __future__ import annotations

from datetime import date

import pytest

from agent.parser.entities import EntityIndex
from agent.parser.parse import parse_question
from agent.plan import Plan
from tests.helpers import fixture_db
from tools.warehouse import load_settings

AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def world():
    con = fixture_db("parser_world")
    con.execute("update teams set name = 'LATAM' where name = 'LATAM Sales'")
    yield EntityIndex.load(con), load_settings(con).calendar
    con.close()


@pytest.mark.parametrize(("question", "filters"), [
    ("pipeline coverage for Commercial, Enterprise East and LATAM",
     {"team": ["Commercial", "Enterprise East", "LATAM"]}),
    ("win rate for LATAM and Enterprise West", {"team": ["LATAM", "Enterprise West"]}),
    ("win rate for EMEA and LATAM", {"region": ["EMEA", "LATAM"]}),
    ("pipeline coverage for these teams\nCommercial\nEnterprise East\nLATAM",
     {"team": ["Commercial", "Enterprise East", "LATAM"]}),
])
def test_a_listed_value_takes_the_kind_of_its_list(world, question, filters):
    index, calendar = world
    plan = parse_question(question, as_of=AS_OF, calendar=calendar, index=index)
    assert isinstance(plan, Plan), plan
    assert {f.dimension.value: sorted(f.values) for f in plan.params.filters} == {
        k: sorted(v) for k, v in filters.items()}
