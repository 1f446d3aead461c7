"""The live dashboard of `revops serve`: the page at `/`, its data, its JavaScript.

Same tokens and roles as the API: `/?token=...` (the one-time token `serve` prints, or a
bearer token) starts a session held in an HttpOnly, SameSite=Strict cookie and sends the
browser back to `/` without the token; the page's data and its ask box (POST /v1/tasks) go
through the same authentication, and a rep's session sees only the rep's rows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from protocols.auth import SESSION_COOKIE, TokenUser
from protocols.service_state import Service

SECURITY_HEADERS = {
    # everything the page needs comes from this server; Vega compiles expressions with
    # Function(), hence 'unsafe-eval'; inline style/script are the page's own
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline' "
                               "'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' "
                               "data:; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
SIGN_IN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f6fa;color:#0f172a;display:grid;
place-items:center;height:100vh;margin:0}div{background:#fff;border:1px solid #e2e8f0;
border-radius:12px;padding:28px 32px;max-width:520px}</style></head><body><div>
<h1 style="font-size:18px">RevOps dashboard</h1><p>Open the link <code>revops serve</code>
printed (it carries a one-time token), or sign in with your API token:</p>
<form method="post" action="/"><input name="token" type="password" autocomplete="off"
aria-label="API token" style="width:100%;padding:8px;margin-bottom:8px">
<button type="submit">Sign in</button></form></div></body></html>"""


def routes() -> list[Route]:
    """Return the dashboard routes (the app's state holds the Service)."""
    return [Route("/", index, methods=["GET"]),
            Route("/", sign_in, methods=["POST"]),
            Route("/dashboard/data", data, methods=["GET"]),
            Route("/dashboard/panel/{key}", panel, methods=["GET"]),
            Route("/dashboard/vega.js", vega_js, methods=["GET"])]


def _service(request: Request) -> Service:
    return request.app.state.service


def _identity_requester(request: Request) -> dict[str, Any] | None:
    user = request.scope.get("user")
    return user.caller.requester() if isinstance(user, TokenUser) else None


async def index(request: Request) -> Response:
    """The page: signs a visitor in from a token, else draws the dashboard for the session."""
    token = request.query_params.get("token")
    if token:
        rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
        return _session(request, token, "/" + (f"?{rest}" if rest else ""))
    requester = _identity_requester(request)
    if requester is None:
        return HTMLResponse(SIGN_IN, status_code=401, headers=SECURITY_HEADERS)
    page = await _page(request, requester, shell=True)
    if isinstance(page, Response):
        return page
    from agent.dashboard_page import render  # altair loads on the dashboard's first use

    return HTMLResponse(render(page, live=True), headers=SECURITY_HEADERS)


async def sign_in(request: Request) -> Response:
    """The sign-in form: a token in a POST body stays out of addresses and access logs."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    return _session(request, (fields.get("token") or [""])[0].strip(), "/")


def _session(request: Request, token: str, then: str) -> Response:
    """Swap a login or API token for the session cookie and go to `then`; else 401."""
    sessions = _service(request).sessions
    session = sessions.start(token) if sessions is not None and token else None
    if session is None:
        return HTMLResponse(SIGN_IN, status_code=401, headers=SECURITY_HEADERS)
    reply = RedirectResponse(then, status_code=303, headers=SECURITY_HEADERS)
    reply.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/",
                     secure=request.url.scheme == "https")
    return reply


async def data(request: Request) -> Response:
    """The page's numbers for other filters, as JSON (`?shell=1`: the headline strip and the
    panels pending, to load one by one)."""
    page = await _page(request, _identity_requester(request),
                       shell=request.query_params.get("shell") == "1")
    if isinstance(page, Response):
        return page
    return JSONResponse(page.model_dump(mode="json"), headers=SECURITY_HEADERS)


async def panel(request: Request) -> Response:
    """One panel for the filters, as JSON: the page asks for all of them at once."""
    from agent.dashboard import PANELS  # as above

    key = request.path_params["key"]
    if key not in {p[0] for p in PANELS}:
        return JSONResponse({"error": "not_found", "detail": f"no panel {key!r}"},
                            status_code=404)
    found = await _page(request, _identity_requester(request), key=key)
    if isinstance(found, Response):
        return found
    return JSONResponse(found.model_dump(mode="json"), headers=SECURITY_HEADERS)


async def vega_js(request: Request) -> Response:
    """The Vega libraries the page draws with, from the installed vl-convert bundle."""
    service = _service(request)
    js = await service.run_blocking(service.dashboard_bundle().js)
    return Response(js, media_type="text/javascript",
                    headers={"Cache-Control": "private, max-age=86400",
                             "X-Content-Type-Options": "nosniff"})


async def _page(request: Request, requester: dict[str, Any] | None, *, shell: bool = False,
                key: str | None = None) -> Any:
    """The page (or its shell, or one panel) for the request's filters; a 422 for bad ones."""
    from agent.dashboard import Filters  # as above

    service = _service(request)
    q = request.query_params
    try:
        filters = Filters.model_validate({"period": q.get("period") or "quarter",
                                          "region": q.get("region") or None,
                                          "team": q.get("team") or None})
    except ValidationError as exc:
        return JSONResponse({"error": "invalid_filters", "detail": exc.errors(
            include_url=False, include_context=False)}, status_code=422)
    board = service.dashboard()
    choices = await service.run_blocking(board.choices)
    for name in ("region", "team"):
        value = getattr(filters, name)
        if value is not None and value not in choices[name]:
            return JSONResponse({"error": "invalid_filters",
                                 "detail": f"unknown {name} {value!r}"}, status_code=422)
    if key is not None:
        return await service.run_blocking(board.panel, key, filters, service.today(), requester)
    compute = board.shell if shell else board.page
    return await service.run_blocking(compute, filters, service.today(), requester)
