"""The access policy (tools/access.py): row scope by role on the demo company, in process and
over the service (REST, A2A, MCP) with real tokens."""

from __future__ import annotations

import uuid

import httpx
import pytest

from agent.ask import ask
from tests.metrics_demo import END, demo_warehouse, one
from tests.service_server import TOKENS, agent_service, auth
from tools.access import SCOPED_CODE, AccessDenied, row_scope
from tools.base import Dimension, Filter, MetricParams, ToolContext, ToolInputError
from tools.registry import TOOLS, run_tool

REP = TOKENS["rep"][1].requester()
MANAGER = TOKENS["manager"][1].requester()
REVOPS = TOKENS["revops"][1].requester()
EXEC = TOKENS["exec"][1].requester()
FY2027 = {"start": "2026-02-01", "end": "2027-01-31", "label": "FY2027"}
BOOKINGS_SQL = ("select sum(amount_corp) from v_opps where status = 'won' and close_date "
                "between '2026-02-01' and '2027-01-31' and {cond}")


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def people(wh):
    """The rep and manager of the test tokens as the CRM knows them, and someone elsewhere."""
    con = wh.con
    [(rep_id, manager_id, team)] = con.execute(
        "select user_id, manager_id, team from v_reps where rep = $n", {"n": REP["name"]}
    ).fetchall()
    [(manager,)] = con.execute("select rep from v_reps where user_id = $m",
                               {"m": manager_id}).fetchall()
    assert manager == MANAGER["name"], "the manager token names the rep token's manager"
    team_reps = {r for (r,) in con.execute(
        "select rep from v_reps where manager_id = $m", {"m": manager_id}).fetchall()}
    [(other, other_team, other_region)] = con.execute(
        "select rep, team, region from v_reps where team <> $t and is_quota_carrying "
        "and region <> (select region from v_reps where user_id = $r) order by rep limit 1",
        {"t": team, "r": rep_id}).fetchall()
    return {"team": team, "team_reps": team_reps, "other": other, "other_team": other_team,
            "other_region": other_region}


def ctx_for(wh, requester) -> ToolContext:
    con = wh.cursor()
    return ToolContext(con=con, settings=wh.settings, as_of=END, facts=wh.facts, memo=wh.memo,
                       scope=row_scope(requester, con))


def rows_of(response, column: str) -> set[str]:
    r = response.result
    return {row[r.columns.index(column)] for row in r.rows}


def test_unrestricted_roles_and_local_use_have_no_scope(wh):
    for requester in (None, REVOPS, EXEC, {"id": "cfo-2", "role": "finance"},
                      {"id": "chassis-hub", "role": "hub"}):
        assert row_scope(requester, wh.con) is None


def test_rep_sees_only_their_own_row_and_their_own_total(wh, people):
    by_rep = ask(wh, "bookings by rep this year", as_of=END, requester=REP)
    assert by_rep.status == "answered", by_rep.answer
    assert rows_of(by_rep, "rep") == {REP["name"]}
    own = one(wh.con, BOOKINGS_SQL.format(cond="rep = $n"), n=REP["name"])
    assert by_rep.result.rows[0][1] == pytest.approx(own)
    assert any(w.code == SCOPED_CODE and "role rep" in w.message for w in by_rep.warnings)
    total = ask(wh, "bookings this year", as_of=END, requester=REP)
    assert total.status == "answered" and total.result.value == pytest.approx(own)
    assert total.result.value < ask(wh, "bookings this year", as_of=END).result.value
    # naming their own team is allowed, and still shows only their records
    mine = ask(wh, f"bookings for team {people['team']} this year", as_of=END, requester=REP)
    assert mine.status == "answered" and mine.result.value == pytest.approx(own)


@pytest.mark.parametrize("about", ["other", "other_team", "other_region"])
def test_rep_naming_someone_elses_data_is_refused(wh, people, about):
    name = people[about]
    words = {"other": name, "other_team": f"team {name}", "other_region": name}[about]
    response = ask(wh, f"bookings for {words} this year", as_of=END, requester=REP)
    assert response.status == "refused", response.answer
    assert response.result is None and name in response.answer
    assert "your records" in response.answer
    answered = ask(wh, f"bookings for {words} this year", as_of=END, requester=REVOPS)
    assert answered.status == "answered" and answered.result.value


def test_manager_sees_their_team_only(wh, people):
    by_rep = ask(wh, "bookings by rep this year", as_of=END, requester=MANAGER)
    assert by_rep.status == "answered", by_rep.answer
    shown = rows_of(by_rep, "rep")
    assert len(shown) > 1 and shown <= people["team_reps"]
    team_total = one(wh.con, BOOKINGS_SQL.format(cond="team = $t"), t=people["team"])
    assert sum(r[1] for r in by_rep.result.rows) == pytest.approx(team_total)
    risky = ask(wh, "which deals are at risk this quarter", as_of=END, requester=MANAGER)
    assert risky.status == "answered" and rows_of(risky, "rep") <= people["team_reps"]
    assert ask(wh, f"bookings for {people['other']} this year", as_of=END,
               requester=MANAGER).status == "refused"
    assert ask(wh, f"bookings for {REP['name']} this year", as_of=END,
               requester=MANAGER).status == "answered"


def test_exec_sees_every_rep(wh, people):
    by_rep = ask(wh, "bookings by rep this year", as_of=END, requester=EXEC)
    assert by_rep.status == "answered"
    assert people["other"] in rows_of(by_rep, "rep") and REP["name"] in rows_of(by_rep, "rep")
    assert not any(w.code == SCOPED_CODE for w in by_rep.warnings)


@pytest.mark.parametrize("tool", ["scorecard", "arr", "integration_health", "ops_efficiency",
                                  "duplicate_records", "data_issues", "territory_balance"])
def test_company_wide_tools_are_refused_for_a_rep(wh, tool):
    with pytest.raises(AccessDenied, match="cannot be limited to your records"):
        run_tool(ctx_for(wh, REP), tool, MetricParams())


def test_every_tool_either_refuses_or_keeps_to_the_reps_rows(wh):
    """No tool, with or without a split by rep, shows a rep's scope anything of another rep."""
    for name, tool in TOOLS.items():
        variants = [MetricParams()]
        if Dimension.rep in tool.group_by:
            variants.append(MetricParams(group_by=[Dimension.rep]))
        for params in variants:
            try:
                result = run_tool(ctx_for(wh, REP), name, params)
            except AccessDenied:
                continue
            except ToolInputError as exc:  # a split the tool cannot make asks back; the
                if not params.group_by:    # scope alone must never make it ask back
                    pytest.fail(f"{name}: the scope made it ask back ({exc}), not refuse")
            assert any(w.code == SCOPED_CODE for w in result.warnings), name
            if "rep" in result.columns:
                at = result.columns.index("rep")
                assert {r[at] for r in result.rows} <= {REP["name"]}, name


def test_rep_data_accuracy_counts_only_their_records(wh):
    """The scoped answer is the rep's own slice, with no company-wide totals in its caveats."""
    company = ask(wh, "how accurate is our CRM data?", as_of=END)
    mine = ask(wh, "how accurate is our CRM data?", as_of=END, requester=REP)
    assert mine.status == "answered", mine.answer
    row = dict(zip(mine.result.columns, mine.result.rows[0], strict=True))
    assert mine.result.value == row["data_accuracy"]
    assert 0 < row["records"] == mine.result.n_records < company.result.n_records
    assert f"{row['passing']:,} of {row['records']:,} records" in mine.answer
    company_total = f"{company.result.n_records:,}"
    assert all(company_total not in w.message for w in mine.warnings), mine.warnings


@pytest.mark.parametrize("question", ["what data issues do we have?", "campaign ROI this year"])
def test_a_mode_that_cannot_apply_the_scope_is_refused_not_asked_back(wh, question):
    response = ask(wh, question, as_of=END, requester=REP)
    assert response.status == "refused", response.answer
    assert "cannot be limited to your records" in response.answer


def test_failing_rules_list_asks_back_rather_than_ignoring_a_split(wh):
    response = ask(wh, "data issues by team", as_of=END, requester=REVOPS)
    assert response.status == "needs_clarification", response.answer
    assert "covers every record" in response.clarification.question


def test_exclusions_and_deal_attributes_are_not_refused(wh):
    ctx = ctx_for(wh, REP)
    other = wh.cursor().execute("select label from v_entity_values where dimension = 'rep' "
                                "and label <> ? order by label limit 1", [REP["name"]]).fetchone()
    params = MetricParams(filters=[Filter(dimension=Dimension.rep, values=[other[0]],
                                          exclude=True),
                                   Filter(dimension=Dimension.deal_type,
                                          values=["new_business"])])
    result = run_tool(ctx, "bookings", params)
    assert "'new_business'" in result.sql and f"'{REP['name']}'" in result.sql


def test_unknown_or_invalid_requesters_see_nothing(wh):
    nobody = {"id": "rep-99", "role": "rep", "name": "Nobody Atall"}
    response = ask(wh, "bookings this year", as_of=END, requester=nobody)
    assert response.status == "refused" and "no CRM user is named 'Nobody Atall'" in \
        response.answer
    nameless = {"id": "rep-99", "role": "rep"}
    with pytest.raises(AccessDenied, match="matches no CRM user id or email"):
        run_tool(ctx_for(wh, nameless), "bookings", MetricParams())
    with pytest.raises(AccessDenied, match="requester is not valid"):
        run_tool(ctx_for(wh, {"id": "x", "role": "intern"}), "bookings", MetricParams())


def test_a_rep_found_by_user_id_without_a_name(wh):
    [(user_id,)] = wh.con.execute("select user_id from users where full_name = $n",
                                  {"n": REP["name"]}).fetchall()
    scope = row_scope({"id": user_id, "role": "rep"}, wh.con)
    assert scope is not None and scope.reps == (REP["name"],)


# --- over the service: a rep token cannot read another team's numbers --------------------


@pytest.fixture(scope="module")
def server(wh, tmp_path_factory):
    with agent_service(wh, tmp_path_factory.mktemp("access")) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server[0], timeout=30) as c:
        yield c


def task(**fields) -> dict:
    return {"task_id": f"t-{uuid.uuid4().hex[:10]}", "sender": "test", **fields}


def other_team_call(people) -> dict:
    return {"tool": "bookings", "params": {"period": FY2027, "filters": [
        {"dimension": "team", "values": [people["other_team"]]}]}}


def test_rest_question_is_refused_for_a_rep_and_answered_for_revops(client, people):
    question = f"bookings for team {people['other_team']} this year"
    denied = client.post("/v1/tasks", json=task(question=question), headers=auth("rep"))
    assert denied.status_code == 200 and denied.json()["status"] == "refused"
    assert denied.json()["result"] is None
    allowed = client.post("/v1/tasks", json=task(question=question), headers=auth("revops"))
    assert allowed.json()["status"] == "answered" and allowed.json()["result"]["value"]
    # a hub asking on a rep's behalf gets the rep's scope
    on_behalf = client.post("/v1/tasks", json=task(question=question, requester=REP),
                            headers=auth("hub"))
    assert on_behalf.json()["status"] == "refused"


def test_rest_tool_call_is_403_for_a_rep_and_scoped_without_names(client, people):
    call = other_team_call(people)
    denied = client.post("/v1/tasks", json=task(**call), headers=auth("rep"))
    assert denied.status_code == 403, denied.text
    body = denied.json()
    assert body["error"] == "forbidden" and body["status"] == "refused"
    assert people["other_team"] in body["detail"] and body["result"] is None
    repeat = client.post("/v1/tasks", json={**task(**call), "task_id": body["task_id"]},
                         headers=auth("rep"))
    assert repeat.status_code == 403 and repeat.headers["idempotent-replayed"] == "true"
    allowed = client.post("/v1/tasks", json=task(**call), headers=auth("revops"))
    assert allowed.status_code == 200 and allowed.json()["status"] == "answered"
    by_rep = client.post("/v1/tasks", json=task(tool="bookings", params={
        "period": FY2027, "group_by": ["rep"]}), headers=auth("rep"))
    assert by_rep.status_code == 200
    assert [r[0] for r in by_rep.json()["result"]["rows"]] == [REP["name"]]


@pytest.mark.anyio
async def test_a2a_send_message_is_rejected_for_a_rep(server, people):
    from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
    from a2a.helpers import get_data_parts
    from a2a.types import Message, Part, Role, SendMessageRequest, TaskState
    from a2a.utils import TransportProtocol

    async with httpx.AsyncClient() as http:
        card = await A2ACardResolver(http, server[0]).get_agent_card()

    async def send(who: str, text: str):
        http = httpx.AsyncClient(headers=auth(who), timeout=30)
        config = ClientConfig(httpx_client=http, streaming=False,
                              supported_protocol_bindings=[TransportProtocol.JSONRPC])
        async with ClientFactory(config).create(card) as c:
            message = Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex,
                              parts=[Part(text=text)])
            [event] = [e async for e in c.send_message(SendMessageRequest(message=message))]
        await http.aclose()
        return event.task

    question = f"bookings for team {people['other_team']} this year"
    rejected = await send("rep", question)
    assert rejected.status.state == TaskState.TASK_STATE_REJECTED
    [artifact] = rejected.artifacts
    [data] = get_data_parts(list(artifact.parts))
    assert data["status"] == "refused" and data["result"] is None
    completed = await send("revops", question)
    assert completed.status.state == TaskState.TASK_STATE_COMPLETED


@pytest.mark.anyio
async def test_mcp_tool_call_is_an_error_for_a_rep(server, people):
    from mcp import Client
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    arguments = {**other_team_call(people)["params"], "as_of": END.isoformat()}
    results = {}
    for who in ("rep", "revops"):
        http = create_mcp_http_client(headers=auth(who))
        async with http, Client(streamable_http_client(f"{server[0]}/mcp",
                                                       http_client=http)) as mcp:
            results[who] = (await mcp.call_tool("bookings", arguments),
                            await mcp.call_tool("ask", {
                                "question": f"bookings for team {people['other_team']} this "
                                            "year"}))
    tool, asked = results["rep"]
    assert tool.is_error and "access denied" in tool.content[0].text
    assert people["other_team"] in tool.content[0].text
    assert asked.is_error and asked.structured_content["status"] == "refused"
    tool, asked = results["revops"]
    assert not tool.is_error and tool.structured_content["value"]
    assert not asked.is_error and asked.structured_content["status"] == "answered"


@pytest.fixture
def anyio_backend():
    return "asyncio"
