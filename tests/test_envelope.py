"""The one result envelope (tools/metrics/core/envelope.py): the value of a single figure, the
reason a value is missing, and the one lookup from a measure to its headline column."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import context, fixture_db
from tools.base import MetricParams, ToolInputError
from tools.fiscal import Period
from tools.metrics.core.envelope import envelope, fetch, headline_column, no_data
from tools.metrics.core.warnings import count_warning

Q1 = Period(date(2024, 1, 1), date(2024, 3, 31), "Q1 2024")


@pytest.fixture(scope="module")
def ctx():
    con = fixture_db("funnel_golden")
    yield context(con, date(2024, 6, 30))
    con.close()


def _wrap(ctx, sql: str, **kw):
    fetched = fetch(ctx, sql, {"n": 2} if "$n" in sql else {})  # DuckDB refuses extra values
    return envelope(ctx, fetched, metric="m", measure="rate", unit="ratio", definition="d",
                    period=Q1, n_records=fetched.total("records"), **kw)


def test_a_single_figure_takes_the_headline_of_the_first_row(ctx) -> None:
    r = _wrap(ctx, "select 0.5 as rate, $n as records", scalar=True)
    assert (r.value, r.null_reason, r.n_records, r.columns) == (0.5, None, 2, ["rate", "records"])
    assert r.sql == "select 0.5 as rate, 2 as records"  # bound values rendered
    assert r.period == Q1.to_dict()


def test_a_missing_figure_says_why(ctx) -> None:
    empty = _wrap(ctx, "select null as rate, 0 as records", scalar=True)
    undefined = _wrap(ctx, "select null as rate, $n as records", scalar=True)
    reasoned = _wrap(ctx, "select null as rate, 0 as records", scalar=True,
                     empty_reason="MISSING_QUOTA")
    assert (empty.null_reason, undefined.null_reason, reasoned.null_reason) == \
        ("NO_DATA", "ZERO_DENOMINATOR", "MISSING_QUOTA")


def test_a_breakdown_has_no_value_and_a_tool_value_keeps_its_reason(ctx) -> None:
    split = _wrap(ctx, "select 0.5 as rate, $n as records")
    own = _wrap(ctx, "select 0.5 as rate, $n as records", scalar=True, value=None,
                null_reason="INSUFFICIENT_HISTORY")
    assert (split.value, split.null_reason) == (None, None)
    assert (own.value, own.null_reason) == (None, "INSUFFICIENT_HISTORY")


def test_no_data_names_the_period_and_the_span_when_asked(ctx) -> None:
    with_span = no_data(ctx, Q1).message
    assert with_span.startswith("No matching deals in Q1 2024 (2024-01-01 to 2024-03-31).")
    assert no_data(ctx, Q1, "records", span=False).message == \
        "No matching records in Q1 2024 (2024-01-01 to 2024-03-31)."


def test_headline_column_defaults_to_the_first_measure_and_rejects_unknown_ones() -> None:
    measures = {"rate": "win_rate", "value": "win_rate_value"}
    assert headline_column(MetricParams(), measures, "win_rate") == "win_rate"
    assert headline_column(MetricParams(measure="value"), measures, "win_rate") == \
        "win_rate_value"
    with pytest.raises(ToolInputError, match="win_rate has no measure 'nope'") as exc:
        headline_column(MetricParams(measure="nope"), measures, "win_rate")
    assert exc.value.options == ["rate", "value"]


def test_a_count_column_warns_only_when_it_counts_something(ctx) -> None:
    r = _wrap(ctx, "select * from (values (0.5, 2, 1500), (0.4, 1, null)) t(rate, records, late)")
    count_warning(r, "late", "LATE", "deals are late")
    count_warning(r, "not_a_column", "ABSENT", "counted nothing")  # not this measure's column
    none = _wrap(ctx, "select 0.5 as rate, 1 as records, 0 as late")
    count_warning(none, "late", "LATE", "deals are late")
    assert [(w.code, w.message) for w in r.warnings] == [("LATE", "1,500 deals are late.")]
    assert none.warnings == []
