"""Bearer-token authentication of the service: tokens map to an identity and a role.

Tokens come from a TOML or JSON file (`--tokens FILE` / $REVOPS_TOKENS_FILE) or from
$REVOPS_TOKENS; with none configured the server makes one at start (as Jupyter does). Every path
needs a token except the public ones (health check, agent card).
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from starlette.authentication import BaseUser
from starlette.types import ASGIApp, Receive, Scope, Send

from tools.access import Identity

PUBLIC_PATHS = frozenset({"/healthz", "/.well-known/agent-card.json", "/openapi.json"})
SIGN_IN_PATHS = frozenset({"/"})
"""Paths that take anonymous visitors too: the dashboard's page signs them in (a token in the
URL) or tells them how to."""
SESSION_COOKIE = "revops_session"


class AuthConfigError(ValueError):
    """The token configuration cannot be read or is invalid."""


class TokenUser(BaseUser):
    """The authenticated caller, as Starlette's `request.user`."""

    def __init__(self, identity: Identity) -> None:
        self.caller = identity

    @property
    def is_authenticated(self) -> bool:  # noqa: D102
        return True

    @property
    def display_name(self) -> str:  # noqa: D102
        return self.caller.id


class TokenTable:
    """Token -> identity, compared in constant time."""

    def __init__(self, tokens: Mapping[str, Identity]) -> None:
        if not tokens:
            raise AuthConfigError("no tokens configured")
        for token in tokens:
            if len(token) < 16:
                raise AuthConfigError("tokens must be at least 16 characters long")
        self._tokens = dict(tokens)

    def lookup(self, token: str) -> Identity | None:
        """Return the identity of a token, or None."""
        found = None
        for known, identity in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = identity
        return found

    def __len__(self) -> int:
        return len(self._tokens)


SESSION_IDLE_SECONDS = 8 * 3600
"""Default idle timeout of a dashboard session (a working day); the service passes
$REVOPS_SESSION_IDLE_SECONDS (tools/settings.py)."""


class Sessions:
    """Browser sessions of the dashboard, behind an HttpOnly, SameSite=Strict cookie.

    A session starts from a one-time login token (printed by `revops serve`, as Jupyter does)
    or from a bearer token of the table (a rep opens the page with their own token and sees
    their own numbers); the token leaves the address bar at once, the cookie stays. A session
    unused for `idle_seconds` ends (the next request signs in again), and so does an unused
    login token; ended ones are dropped, so the table does not grow with every visit.
    """

    def __init__(self, tokens: TokenTable, idle_seconds: float = SESSION_IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.tokens = tokens
        self.idle_seconds = idle_seconds
        self.clock = clock
        """Seconds, monotonic (a test may move it on)."""
        self._once: dict[str, tuple[Identity, float]] = {}
        self._sessions: dict[str, tuple[Identity, float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def login_token(self, identity: Identity) -> str:
        """Return a token that starts one session for `identity`, once (within the timeout)."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._once[token] = (identity, self.clock())
        return token

    def start(self, token: str) -> str | None:
        """Exchange a login or bearer token for a new session id (None: not a valid token)."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            once = self._once.pop(token, None)
        identity = once[0] if once is not None else self.tokens.lookup(token)
        if identity is None:
            return None
        session = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session] = (identity, now)
        return session

    def identity(self, cookie_header: str) -> Identity | None:
        """Return the identity of the session cookie in a Cookie header, or None (no cookie,
        unknown or idle too long); a valid session's idle time starts again."""
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie_header)
        except CookieError:
            return None
        morsel = jar.get(SESSION_COOKIE)
        if morsel is None:
            return None
        now = self.clock()
        with self._lock:
            found = self._sessions.get(morsel.value)
            if found is None:
                return None
            if now - found[1] > self.idle_seconds:
                del self._sessions[morsel.value]
                return None
            self._sessions[morsel.value] = (found[0], now)
            return found[0]

    def _expire(self, now: float) -> None:
        """Drop idle sessions and unused login tokens (the lock is held)."""
        for table in (self._sessions, self._once):
            for key in [k for k, (_, seen) in table.items() if now - seen > self.idle_seconds]:
                del table[key]


def generated_tokens() -> tuple[str, TokenTable]:
    """Return a fresh random token with role revops, for a server started without tokens."""
    token = secrets.token_urlsafe(32)
    return token, TokenTable({token: Identity(id="local-admin", role="revops")})


def load_tokens(path: Path | None, env: Mapping[str, str]) -> TokenTable | None:
    """Read the tokens from a file (argument, else $REVOPS_TOKENS_FILE), else $REVOPS_TOKENS.

    File: TOML `[tokens."<token>"] id = "…" role = "…"` or the same as JSON. $REVOPS_TOKENS:
    that JSON, or `token=id:role` entries separated by commas. None when nothing is configured.
    """
    file = path or (Path(env["REVOPS_TOKENS_FILE"]).expanduser()
                    if env.get("REVOPS_TOKENS_FILE", "").strip() else None)
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
            data = json.loads(text) if file.suffix == ".json" else tomllib.loads(text)
        except (OSError, ValueError) as exc:
            raise AuthConfigError(f"cannot read tokens file {file}: {exc}") from None
        return _table(data, str(file))
    raw = env.get("REVOPS_TOKENS", "").strip()
    if not raw:
        return None
    if raw.startswith("{"):
        try:
            return _table(json.loads(raw), "$REVOPS_TOKENS")
        except ValueError as exc:
            raise AuthConfigError(f"$REVOPS_TOKENS is not valid JSON: {exc}") from None
    entries: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        token, _, who = item.partition("=")
        ident, _, role = who.partition(":")
        if not (token and ident and role):
            raise AuthConfigError("$REVOPS_TOKENS entries look like token=id:role")
        entries[token.strip()] = {"id": ident.strip(), "role": role.strip()}
    return _table({"tokens": entries}, "$REVOPS_TOKENS")


def _table(data: Any, source: str) -> TokenTable:
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(tokens, dict) or not tokens:
        raise AuthConfigError(f"{source}: expected a non-empty 'tokens' table")
    try:
        return TokenTable({str(t): Identity.model_validate(v) for t, v in tokens.items()})
    except ValidationError as exc:
        raise AuthConfigError(f"{source}: {exc}") from None


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class BearerAuthMiddleware:
    """Reject requests without a valid bearer token (401); attach the identity otherwise.

    A pure ASGI middleware so it covers routes we do not write (A2A JSON-RPC, MCP).
    """

    def __init__(self, app: ASGIApp, tokens: TokenTable,
                 sessions: Sessions | None = None) -> None:
        self.app = app
        self.tokens = tokens
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        header = headers.get(b"authorization", b"").decode("latin-1")
        if not header and self.sessions is not None:
            identity = self.sessions.identity(headers.get(b"cookie", b"").decode("latin-1"))
            if identity is not None and not _same_origin(scope, headers):
                await _unauthorized(send, "a session cookie is accepted from this server's "
                                          "own pages only", "invalid_token")
                return
            if identity is not None or scope["path"] in SIGN_IN_PATHS:
                if identity is not None:
                    scope["user"] = TokenUser(identity)
                await self.app(scope, receive, send)
                return
        if not header:
            await _unauthorized(send, "missing bearer token: send 'Authorization: Bearer <token>'",
                                None)
            return
        token = bearer_token(header)
        identity = self.tokens.lookup(token) if token else None
        if identity is None:
            await _unauthorized(send, "invalid bearer token", "invalid_token")
            return
        scope["user"] = TokenUser(identity)
        await self.app(scope, receive, send)


def _same_origin(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    """A cookie-authenticated request that changes something must come from our own page
    (SameSite=Strict already keeps the cookie off other sites' requests; this is the second
    lock)."""
    if scope.get("method", "GET") in ("GET", "HEAD"):
        return True
    origin = headers.get(b"origin", b"").decode("latin-1")
    if not origin:
        return True
    host = headers.get(b"host", b"").decode("latin-1")
    return origin.split("://", 1)[-1] == host


async def _unauthorized(send: Send, detail: str, error: str | None) -> None:
    challenge = 'Bearer realm="revops"' + (f', error="{error}"' if error else "")
    body = json.dumps({"error": "unauthorized", "detail": detail}).encode()
    await send({"type": "http.response.start", "status": 401, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", challenge.encode())]})
    await send({"type": "http.response.body", "body": body})


def identity_of(scope: Scope) -> Identity:
    """Return the identity the middleware attached (routes behind it always have one)."""
    user = scope.get("user")
    if not isinstance(user, TokenUser):
        raise RuntimeError("route is not behind BearerAuthMiddleware")
    return user.caller
