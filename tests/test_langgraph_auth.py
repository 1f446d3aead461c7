"""Auth for the graph under LangGraph Server (protocols/langgraph_auth.py, langgraph.json): the
token decides the requester, whatever the run's input claims."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from langgraph_sdk import Auth

from agent.context import Context
from agent.graph import graph
from agent.nodes.intake import AUTH_USER_KEY
from protocols.langgraph_auth import (
    assistants,
    authenticate,
    identify,
    own_namespace,
    owner_only,
)
from tests.metrics_demo import END, demo_warehouse
from tools.access import SCOPED_CODE, requester_of

ENV = {"REVOPS_TOKENS": "rep-token-0123456789=rep-7:rep,admin-token-0123456789=ana:revops"}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return demo_warehouse(tmp_path_factory)


def test_langgraph_json_points_at_the_auth_object():
    config = json.loads((Path(__file__).parents[1] / "langgraph.json").read_text())
    module, _, name = config["auth"]["path"].partition(":")
    assert module == "./protocols/langgraph_auth.py" and name == "auth"


def test_a_known_token_gives_its_identity():
    user = identify("Bearer rep-token-0123456789", ENV)
    assert (user["identity"], user["role"], user["is_authenticated"]) == ("rep-7", "rep", True)
    assert requester_of(user) == {"id": "rep-7", "role": "rep"}


@pytest.mark.parametrize("header, why", [
    (None, "Bearer <token>"), ("Basic abc", "Bearer <token>"), ("Bearer ", "Bearer <token>"),
    ("Bearer not-a-known-token-xyz", "unknown token")])
def test_missing_or_unknown_tokens_get_401(header, why):
    with pytest.raises(Auth.exceptions.HTTPException) as caught:
        identify(header, ENV)
    assert caught.value.status_code == 401 and why in caught.value.detail


def test_no_tokens_configured_refuses_everyone_and_says_how(monkeypatch):
    monkeypatch.delenv("REVOPS_TOKENS", raising=False)
    monkeypatch.delenv("REVOPS_TOKENS_FILE", raising=False)
    with pytest.raises(Auth.exceptions.HTTPException) as caught:
        asyncio.run(authenticate("Bearer anything-at-all-123456"))
    assert caught.value.status_code == 401 and "REVOPS_TOKENS" in caught.value.detail


def test_a_user_without_a_role_is_not_unrestricted():
    assert requester_of({"identity": "someone"}) == {"id": "someone", "role": ""}
    assert requester_of(None) is None


def run(wh, requester, user=None):
    config = {"configurable": {AUTH_USER_KEY: user}} if user is not None else {}
    out = graph.invoke({"question": "bookings by rep this year", "as_of": END,
                        "requester": requester}, config, context=Context(warehouse=wh))
    return out["response"]


def test_the_servers_user_wins_over_the_requester_in_the_input(wh):
    claimed = {"id": "ana", "role": "revops"}
    everyone = run(wh, claimed)
    assert len(everyone.result.rows) > 1
    as_server = run(wh, claimed, user={"identity": "rep-7", "role": "rep", "name": "Ben Vargas"})
    assert [row[0] for row in as_server.result.rows] == ["Ben Vargas"]
    assert any(w.code == SCOPED_CODE for w in as_server.warnings)
    nameless = run(wh, claimed, user={"identity": "x"})
    assert nameless.status == "refused"


class ServerUser(dict):
    """What LangGraph Server hands the handlers: the user dict, with attribute access."""

    @property
    def identity(self) -> str:
        return self["identity"]


def ctx(who: str, resource: str, action: str) -> Auth.types.AuthContext:
    user = ServerUser(identify(f"Bearer {who}", ENV))
    return Auth.types.AuthContext(permissions=[], user=user, resource=resource, action=action)


def test_threads_belong_to_whoever_made_them():
    value = {"metadata": {"graph_id": "revops"}}
    metadata = value["metadata"]
    assert asyncio.run(owner_only(ctx("rep-token-0123456789", "threads", "create"), value)) \
        == {"owner": "rep-7"}
    assert metadata == {"graph_id": "revops", "owner": "rep-7"}, "stamped in place"
    bare: dict = {}
    asyncio.run(owner_only(ctx("admin-token-0123456789", "threads", "search"), bare))
    assert bare == {"metadata": {"owner": "ana"}}


def test_assistants_are_read_by_all_and_changed_by_revops_only():
    assert asyncio.run(assistants(ctx("rep-token-0123456789", "assistants", "search"), {}))
    assert asyncio.run(assistants(ctx("admin-token-0123456789", "assistants", "update"), {}))
    with pytest.raises(Auth.exceptions.HTTPException) as caught:
        asyncio.run(assistants(ctx("rep-token-0123456789", "assistants", "create"), {}))
    assert caught.value.status_code == 403


def test_the_store_is_limited_to_the_callers_namespace():
    asyncio.run(own_namespace(ctx("rep-token-0123456789", "store", "put"),
                              {"namespace": ("rep-7", "notes")}))
    for namespace in (("ana", "notes"), ()):
        with pytest.raises(Auth.exceptions.HTTPException) as caught:
            asyncio.run(own_namespace(ctx("rep-token-0123456789", "store", "get"),
                                      {"namespace": namespace}))
        assert caught.value.status_code == 403
