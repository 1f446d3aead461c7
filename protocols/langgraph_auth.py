"""Bearer-token auth for the graph under the LangGraph dev server or LangGraph Server.

langgraph.json points the server's `auth` at `auth` below. Every request must carry one of the
service's tokens (REVOPS_TOKENS / REVOPS_TOKENS_FILE, as for `revops serve`); the server hands
the identity to each run as config["configurable"]["langgraph_auth_user"], and intake takes the
requester from it, so a caller cannot widen their row scope by writing another requester into
the run's input. Without tokens configured the server answers 401 with how to configure them,
rather than serving every row to anyone who can reach the port. Threads, runs and crons belong
to the identity that created them (metadata `owner`), so one token cannot read or continue
another's conversation; assistants are readable by all and changed only by role revops; the
server's store is limited to the caller's own namespace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph_sdk import Auth

from protocols.auth import AuthConfigError, bearer_token, load_tokens
from tools.settings import Settings

auth = Auth()


@auth.authenticate
async def authenticate(authorization: str | None) -> dict[str, Any]:
    """Return the caller's identity for a `Bearer <token>` header, else refuse with 401."""
    try:
        tokens = Settings().auth  # read per request: the server's environment and config file
    except ValueError as exc:  # pydantic's ValidationError: a bad variable or config file
        raise Auth.exceptions.HTTPException(401, f"token configuration: {exc}") from None
    return identify(authorization, tokens.environ())


def identify(authorization: str | None, env: Mapping[str, str]) -> dict[str, Any]:
    """Map an Authorization header to the user dict LangGraph Server keeps for the run."""
    try:
        tokens = load_tokens(None, env)
    except AuthConfigError as exc:
        raise Auth.exceptions.HTTPException(401, f"token configuration: {exc}") from None
    if tokens is None:
        raise Auth.exceptions.HTTPException(
            401, "no tokens configured: set REVOPS_TOKENS (token=id:role,...) or "
                 "REVOPS_TOKENS_FILE for the server, then send 'Authorization: Bearer <token>'")
    token = bearer_token(authorization)
    if token is None:
        raise Auth.exceptions.HTTPException(401, "send 'Authorization: Bearer <token>'")
    identity = tokens.lookup(token)
    if identity is None:
        raise Auth.exceptions.HTTPException(401, "unknown token")
    return {"identity": identity.id, "display_name": identity.name or identity.id,
            "is_authenticated": True, "permissions": [], **identity.requester()}


@auth.on
async def owner_only(ctx: Auth.types.AuthContext, value: Any) -> dict[str, str]:
    """Threads, runs and crons belong to the identity that made them; no one else sees them.

    A thread holds its answers (and the requester's rows): without this any token could read
    or continue another identity's thread.
    """
    owner = ctx.user.identity
    if isinstance(value, dict):
        metadata = value.get("metadata")
        if isinstance(metadata, dict):
            metadata["owner"] = owner  # in place: the server keeps its own reference
        else:
            value["metadata"] = {"owner": owner}
    return {"owner": owner}


@auth.on.assistants
async def assistants(ctx: Auth.types.AuthContext, value: Any) -> bool:
    """Anyone with a token may use the graph's assistants; only role revops may change them."""
    if ctx.action in ("read", "search") or ctx.user["role"] == "revops":
        return True
    raise Auth.exceptions.HTTPException(403, "only role revops may change assistants")


@auth.on.store()
async def own_namespace(ctx: Auth.types.AuthContext, value: Any) -> None:
    """The graph keeps nothing in the server's store: a caller may use only their own namespace."""
    namespace = tuple(value.get("namespace") or ())
    if not namespace or namespace[0] != ctx.user.identity:
        raise Auth.exceptions.HTTPException(403, "store namespaces must start with your identity")
