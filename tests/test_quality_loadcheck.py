"""The data-quality check kept at load time (tools.quality.loadcheck) is the live check, and is
used only while the data, the rules and the as-of date are those it ran with."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.helpers import FIXTURES, context
from tools.base import MetricParams
from tools.metrics.data_quality import TOOLS
from tools.quality.history import catalog_in_effect
from tools.quality.loadcheck import load_check, record_load_check
from tools.quality.runner import default_as_of, run_checks
from tools.warehouse import load_settings, open_analytics, refresh_facts, writable

RUN = {t.name: t.run for t in TOOLS}
AS_OF = date(2026, 6, 30)
VOLATILE = {"sql", "loaded_at", "started_at", "duration_s", "run_id"}


def _small(path: Path) -> None:
    with writable(path) as con:
        con.execute((FIXTURES / "quality_small.sql").read_text())


def test_the_kept_run_equals_the_live_run_until_the_data_changes(tmp_path: Path):
    path = tmp_path / "small.duckdb"
    _small(path)
    with writable(path) as con:
        assert record_load_check(con, AS_OF)
    con = open_analytics(path)
    try:
        catalog = catalog_in_effect(con)
        as_of = default_as_of(load_settings(con), AS_OF)
        kept = load_check(con, catalog, as_of)
        live = run_checks(con, catalog, load_settings(con), as_of)
        assert kept is not None and kept.loaded_at is not None
        assert kept.model_dump(exclude=VOLATILE) == live.model_dump(exclude=VOLATILE)
        assert kept.sql.endswith(live.sql)  # the statement that ran, re-runnable
        assert load_check(con, catalog, date(2026, 7, 1)) is None  # another as-of date
        answer = RUN["data_quality"](context(con, AS_OF), MetricParams())
        assert answer.sql.startswith("-- ran when the data was loaded")
        assert any("when the data was loaded" in w.message for w in answer.warnings)
    finally:
        con.close()
    with writable(path) as con:  # an edit rebuilt into opp_facts without a new check
        con.execute("UPDATE opportunities SET account_id = 'A1' WHERE opportunity_id = 'O04'")
        refresh_facts(con)
    con = open_analytics(path)
    try:
        assert load_check(con, catalog_in_effect(con), as_of) is None
        after = RUN["data_quality"](context(con, AS_OF), MetricParams())
        assert not after.sql.startswith("-- ran when the data was loaded")
        assert after.value != answer.value
    finally:
        con.close()


def test_tools_answer_the_same_from_the_kept_run_as_live(tmp_path: Path):
    kept_path, live_path = tmp_path / "kept.duckdb", tmp_path / "live.duckdb"
    _small(kept_path)
    _small(live_path)
    with writable(kept_path) as con:
        record_load_check(con, AS_OF)
    answers = {}
    for name, path in (("kept", kept_path), ("live", live_path)):
        con = open_analytics(path)
        try:
            ctx = context(con, AS_OF)
            answers[name] = [RUN[t](ctx, MetricParams(**p)) for t, p in (
                ("data_quality", {}), ("data_quality", {"measure": "dimensions"}),
                ("data_quality", {"group_by": ["rep"]}), ("data_issues", {}))]
        finally:
            con.close()
    for kept, live in zip(answers["kept"], answers["live"], strict=True):
        assert (kept.value, kept.rows, kept.n_records) == (live.value, live.rows, live.n_records)
    assert answers["kept"][0].sql != answers["live"][0].sql  # says where it came from
