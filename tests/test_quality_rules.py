"""The data-quality rule catalog: the built-in rules, a user's overrides file, and the vetting
of rule SQL (only per-record expressions over the catalog's columns, values bound)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import fixture_db
from tools.quality import RuleError, load_catalog, run_checks
from tools.quality.catalog import KINDS
from tools.warehouse import load_settings

AS_OF = date(2026, 6, 30)
DIMENSIONS = {"completeness", "validity", "uniqueness", "consistency", "integrity",
              "timeliness", "accuracy"}


@pytest.fixture(scope="module")
def small():
    con = fixture_db("quality_small")
    yield con
    con.close()


def run(con, overrides: str | None = None):
    return run_checks(con, load_catalog(overrides), load_settings(con), AS_OF)


@pytest.fixture(scope="module")
def base(small):
    return run(small)


def test_builtin_catalog_covers_the_starter_set():
    catalog = load_catalog()
    ids = {r.id for r in catalog.rules}
    starter = {f"R{i:02d}" for i in range(1, 28)} - {"R03", "R04"} | {"R03a", "R03b", "R04a",
                                                                       "R04b", "R04c"}
    assert starter <= ids
    assert len(catalog.rules) >= 50 and len(ids) >= 45
    assert {r.dimension for r in catalog.rules} == DIMENSIONS
    assert {r.kind for r in catalog.rules} == set(KINDS)
    for rule in catalog.rules:
        assert rule.description and rule.effect, rule.ref
    assert {r.table for r in catalog.rules if r.id == "R17"} == set(catalog.tables)


def test_every_builtin_rule_compiles_and_runs(base):
    result = base
    assert {r.ref for r in result.rules} == {r.ref for r in load_catalog().rules}
    assert all(r.status == "measured" for r in result.rules)


def test_disable_and_override_fields():
    catalog = load_catalog("""
disable = ["R13", "R19:leads"]
[rules.R30]
severity = "critical"
[rules.R01]
params = { min_stage_order = 2 }
""")
    assert not catalog.rule("R13").enabled
    assert not catalog.rule("R19:leads").enabled and catalog.rule("R19:contacts").enabled
    assert catalog.rule("R30").severity == "critical"
    assert catalog.rule("R01").params == {"min_stage_order": 2}


def test_severity_override_changes_the_record_count(small, base):
    stricter = run(small, '[rules.R30]\nseverity = "critical"\n')
    assert base.table("users").passing == 4
    assert stricter.table("users").passing == 3  # Cy now fails too (Dee already fails R37)


def test_params_override_changes_what_a_rule_covers(small, base):
    loose = run(small, "[rules.R01]\nparams = { min_stage_order = 3 }\n")
    assert loose.rule("R01").failed == 0  # O10 sits in Proposal (order 2)
    assert base.rule("R01").failed == 1


def test_user_rules_with_bound_values(small):
    result = run(small, """
[[rule]]
id = "ACME1"
name = "big_deal_without_product"
table = "opportunities"
dimension = "completeness"
severity = "warning"
description = "Deals of at least $min have a product"
applies = "amount >= $min"
required = ["product_id"]
params = { min = 100 }

[[rule]]
id = "ACME2"
name = "industry_picklist"
table = "accounts"
dimension = "validity"
severity = "warning"
description = "Industry comes from our picklist"
column = "industry"
allowed = ["Software", "Retail"]
""")
    big = result.rule("ACME1")
    assert (big.applicable, big.failed) == (7, 5)  # amounts of 100; O01 and O08 have a product
    pick = result.rule("ACME2")
    assert (pick.applicable, pick.failed, pick.findings[0].value) == (4, 1, "Sofware")
    assert pick.findings[0].suggestion == "Software"


def test_vocabulary_extension_turns_a_misspelling_into_a_known_word(small, base):
    assert base.rule("R46").failed == 1
    assert run(small, '[vocabularies]\nlead_source = ["Webinarr"]\n').rule("R46").failed == 0


def test_accuracy_settings_override():
    catalog = load_catalog('[accuracy]\ncomparator = ">="\ntarget = 0.95\n'
                           'scope = ["opportunities"]\n')
    assert (catalog.accuracy.comparator, catalog.accuracy.target) == (">=", 0.95)
    assert catalog.accuracy.scope == ["opportunities"]


@pytest.mark.parametrize(("text", "message"), [
    ("[rules.R99]\nseverity = 'warning'\n", "unknown rule 'R99'"),
    ("[rules.R01]\nseverity = 'fatal'\n", "severity"),
    ("[extras]\nx = 1\n", "unknown section"),
    ("disable = ['R01'", "not valid TOML"),
    ("[accuracy]\nscope = ['deals']\n", "unknown tables"),
    ("[[rule]]\nid='X1'\nname='x'\ntable='deals'\ndimension='validity'\nseverity='warning'\n"
     "description='d'\npasses='TRUE'\n", "unknown table 'deals'"),
    ("[[rule]]\nid='X1'\nname='x'\ntable='accounts'\ndimension='validity'\n"
     "severity='warning'\ndescription='d'\n", "exactly one of"),
    ("[[rule]]\nid='R01'\nname='x'\ntable='opportunities'\ndimension='validity'\n"
     "severity='warning'\ndescription='d'\npasses='TRUE'\n", "defined twice"),
])
def test_malformed_rules_files_are_refused(text: str, message: str):
    with pytest.raises(RuleError, match=message):
        load_catalog(text)


def _custom(passes: str, params: str = "") -> str:
    return ("[[rule]]\nid = 'U1'\nname = 'custom'\ntable = 'opportunities'\n"
            "dimension = 'validity'\nseverity = 'warning'\ndescription = 'custom'\n"
            f"passes = \"{passes}\"\n{params}")


@pytest.mark.parametrize(("passes", "message"), [
    ("no_such_column > 0", "unknown column 'no_such_column'"),
    ("amount IN (SELECT amount FROM ledger_entries)", "subquery"),
    ("now() > created_at", "function now"),
    ("count(*) > 1", "function count_star"),
    ("sum(amount) OVER () > 0", "window"),
    ("amount > $nope", "unknown parameter"),
    ("amount > 0; DROP TABLE opportunities", "not a valid SQL expression"),
    ("amount > 0) OR (TRUE", "not a valid SQL expression"),
    ("o.amount > 0", "unknown column 'o.amount'"),
    ("current_date > close_date", "unknown column 'current_date'"),
    ("amount FROM users", "single expression"),
])
def test_rule_sql_is_vetted(small, passes: str, message: str):
    with pytest.raises(RuleError, match=message):
        run(small, _custom(passes))


def test_vetted_rule_sql_may_use_derived_columns_functions_and_params(small):
    result = run(small, _custom("status <> 'open' OR regexp_matches(stage_name, $stages)",
                                "params = { stages = '^(Prospecting|Proposal)$' }\n"))
    assert result.rule("U1").failed == 1  # O13 sits in the unknown stage 'Mystery'


def test_docs_list_every_rule_and_table():
    from pathlib import Path

    doc = (Path(__file__).parents[1] / "docs" / "data-quality.md").read_text()
    for rule in load_catalog().rules:
        assert f"| {rule.id} | {rule.table} |" in doc, rule.ref
