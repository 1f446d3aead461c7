"""The state machine end to end: answer, clarification, escalation and refusal paths."""

from __future__ import annotations

from datetime import date

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.ask import ask
from agent.context import Context, Warehouse
from agent.diagram import mermaid
from agent.graph import build_graph
from agent.response import AgentResponse
from tests.conftest import REPO
from tests.helpers import fixture_db

AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def wh():
    con = fixture_db("parser_world")
    yield Warehouse(con)
    con.close()


def test_topology():
    edges = {line.strip().rstrip(";") for line in mermaid().splitlines()[1:]}
    assert edges == {
        "__start__ --> intake", "intake --> classify", "classify --> guard",
        "guard -.-> execute", "guard -.-> escalate", "guard -.-> respond",
        "execute -.-> synthesize", "execute -.-> respond", "synthesize --> respond",
        "escalate --> respond", "respond --> __end__"}


def test_readme_shows_the_generated_diagram():
    assert mermaid() in (REPO / "README.md").read_text()


def test_answer_path(wh):
    r = ask(wh, "bookings by rep this year", as_of=AS_OF, request_id="t-1")
    assert r.request_id == "t-1" and r.status == "answered"
    assert r.intent.tool == "bookings" and r.intent.params["group_by"] == ["rep"]
    rows = {row[0]: row[1] for row in r.result.rows}
    assert rows == {"Darcel Schlecht": 50000.0, "John Doe": 30000.0, "John Smith": 5000.0}
    assert "Darcel Schlecht $50,000" in r.answer
    assert r.result.period == {"start": "2026-02-01", "end": "2026-11-26", "label": "FY2027 YTD"}
    assert r.escalation is None and r.clarification is None


def test_a_date_the_question_names_is_stated_in_the_answer(wh):
    r = ask(wh, "open pipeline as of October 31st", as_of=AS_OF)
    assert r.status == "answered" and r.result.as_of == date(2026, 10, 31)
    assert r.answer.startswith("Open pipeline as of 2026-10-31 ")


def test_clarification_path(wh):
    r = ask(wh, "win rate for john", as_of=AS_OF)
    assert r.status == "needs_clarification" and r.result is None
    assert set(r.clarification.options) == {"John Doe (rep)", "John Smith (rep)"}


def test_clarification_when_tool_cannot_answer(wh):
    r = ask(wh, "quota attainment by industry", as_of=AS_OF)
    assert r.status == "needs_clarification"
    assert "industry" in r.clarification.question and "team" in r.clarification.options


def test_escalation_path(wh):
    r = ask(wh, "launch a campaign for EMEA next quarter", as_of=AS_OF)
    assert r.status == "escalated" and r.result is None
    assert r.escalation.target == "marketing-growth"
    assert r.escalation.category == "marketing_strategy"
    assert r.escalation.escalation_id and "launch a campaign" in r.escalation.reason


def test_refusal_path(wh):
    r = ask(wh, "delete all lost deals from last quarter", as_of=AS_OF)
    assert r.status == "refused" and r.result is None and r.escalation is None
    assert "read-only" in r.answer


def test_answer_json_round_trips_the_contract(wh):
    r = ask(wh, "win rate by region last quarter", as_of=AS_OF)
    again = AgentResponse.model_validate_json(r.model_dump_json())
    assert again == r
    body = r.model_dump(mode="json")
    assert set(body) == {"request_id", "status", "answer", "intent", "result", "warnings",
                         "clarification", "escalation", "llm"}
    assert body["llm"] is None  # no model configured: the rules path, nothing spent
    assert {"value", "unit", "columns", "rows", "period", "as_of", "definition", "sql",
            "n_records"} <= set(body["result"])


def test_graph_compiles_with_a_checkpointer_and_keeps_state(wh):
    graph = build_graph().compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t"}}
    out = graph.invoke({"question": "open pipeline", "as_of": AS_OF}, cfg,
                       context=Context(warehouse=wh))
    assert out["response"].status == "answered"
    assert graph.get_state(cfg).values["plan"].tool == "open_pipeline"


def test_a_server_built_context_opens_the_configured_warehouse(tmp_path, monkeypatch):
    """The LangGraph dev server builds Context from JSON: the warehouse comes from $REVOPS_DB."""
    from agent.graph import graph
    from tools.warehouse import writable

    path = tmp_path / "w.duckdb"
    with writable(path) as con:
        con.execute((REPO / "tests" / "fixtures" / "parser_world.sql").read_text())
    monkeypatch.setenv("REVOPS_DB", str(path))
    context = Context()
    out = graph.invoke({"question": "open pipeline", "as_of": AS_OF}, context=context)
    assert out["response"].status == "answered"
    context.warehouse.con.close()


def test_a_fault_in_the_question_reader_is_an_error_answer_not_a_crash(wh, monkeypatch,
                                                                      caplog):
    """A reader bug (blind160's "TODAY()" raised TypeError) costs that answer only: the
    response says nothing was answered and names the logged reference; the traceback is
    logged. Injected: no question is known to crash the reader today."""
    from agent.nodes import classify

    def broken(*args, **kwargs):
        raise TypeError("reader bug")

    monkeypatch.setattr(classify, "parse_question", broken)
    with caplog.at_level("ERROR", logger="agent.nodes.classify"):
        r = ask(wh, "win rate this quarter", as_of=AS_OF)
    assert r.status == "error" and r.result is None and r.clarification is None
    ref = r.answer.split("logged under ")[1].split(")")[0]
    assert "nothing was answered" in r.answer and len(ref) == 12
    [record] = caplog.records
    assert ref in record.getMessage() and record.exc_info[0] is TypeError


def test_a_reader_fault_keeps_the_escalation_of_the_rest(wh, monkeypatch):
    from agent.nodes import classify

    monkeypatch.setattr(classify, "parse_question", lambda *a, **k: 1 / 0)
    r = ask(wh, "set the Q1 quota for each rep", as_of=AS_OF)
    assert r.status == "escalated"
