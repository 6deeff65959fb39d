"""Sign in with the organisation's account (OpenID Connect; api/oidc.py, docs/accounts.md).

GET /auth/oidc/sign-in sends the person to their identity provider; the provider sends them
back to GET /auth/oidc/callback, which sets the same staff session cookie as a password
sign-in. That cookie is SameSite=Strict, and a browser does not send a Strict cookie on a
navigation that began on another site (the provider's), even through a redirect. So the
callback answers with a short page that moves on by itself (and has a link): the next
request starts on Signpost and carries the cookie.

Both routes answer 404 when SIGNPOST_OIDC_ISSUER is not set.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import LockedOut, client_address
from api.errors import ApiError
from api.i18n import translator
from api.oidc import OrganisationSignIn, SignInRefused, forget_state
from api.pages import PAGE_HEADERS, TEMPLATES, page_context
from api.routers.accounts import set_session_cookie
from api.routers.accounts_page import LANDING

router = APIRouter(include_in_schema=False)
t = translator("en")


def _organisation(request: Request) -> OrganisationSignIn:
    organisation = getattr(request.app.state, "organisation_sign_in", None)
    if organisation is None:
        raise ApiError(404, "not_found", "Sign-in with an organisation's account is not set up here.")
    return organisation


def _refusal(request: Request, status_code: int, reason: str, retry_after: int | None = None) -> HTMLResponse:
    message = t(f"accounts.oidc.{reason}", seconds=retry_after or 0)
    response = TEMPLATES.TemplateResponse(
        request, "accounts_sign_in.html",
        page_context(errors={"_oidc": message}, email="",
                     organisation_name=request.app.state.settings.oidc_provider_name),
        status_code=status_code, headers=PAGE_HEADERS)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    forget_state(response)
    return response


@router.get("/auth/oidc/sign-in")
async def organisation_sign_in(request: Request) -> Response:
    organisation = _organisation(request)
    try:
        request.app.state.auth_guard.check(client_address(request))
        return await organisation.start(request)
    except LockedOut as locked:
        return _refusal(request, 429, "locked", locked.retry_after)
    except SignInRefused as refused:
        return _refusal(request, refused.status_code, refused.reason)
    except ApiError as unavailable:
        return _refusal(request, unavailable.status_code, "unavailable")


@router.get("/auth/oidc/callback")
async def organisation_callback(request: Request) -> Response:
    organisation = _organisation(request)
    guard = request.app.state.auth_guard
    try:
        guard.check(client_address(request))
        claims = await organisation.identity(request)
        signed_in = await run_in_threadpool(organisation.sign_in, request, claims)
    except LockedOut as locked:
        return _refusal(request, 429, "locked", locked.retry_after)
    except SignInRefused as refused:
        if refused.reason == "failed":  # a forged or replayed callback counts towards the lock-out
            guard.failed(client_address(request))
        return _refusal(request, refused.status_code, refused.reason)
    except ApiError as unavailable:
        return _refusal(request, unavailable.status_code, "unavailable")
    response = TEMPLATES.TemplateResponse(
        request, "accounts_signed_in.html",
        page_context(email=signed_in.email, next_page=LANDING.get(signed_in.role, "/accounts")),
        headers=PAGE_HEADERS)
    set_session_cookie(response, request, signed_in.cookie)
    forget_state(response)
    return response
