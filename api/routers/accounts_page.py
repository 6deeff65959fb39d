"""The administrators' accounts page (docs/accounts.md): create an account, change its role,
revoke or restore it. Server-rendered, in the style of the staff finder; works without
JavaScript (staff.js only moves focus to an error summary).

Only a signed-in administrator's staff session may use it: the session cookie
(HttpOnly, Secure, SameSite=Strict) is set by POST /auth/sign-in/form, and every form
carries the session's CSRF token in a hidden field, checked before anything changes. API
tokens and the development key are not accepted here: a page is for a named person.
Every change goes through the same code as the JSON routes (api/routers/accounts.py), so
it is audited under the administrator's email. A change answers with a redirect
(post/redirect/get), so reloading the page never repeats it.
"""
from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from directory.models import Account, ApiToken

from api.auth import ROLES, LockedOut, Principal, csrf_matches, find_account, new_account, session_principal
from api.errors import ApiError
from api.i18n import translator
from api.pages import PAGE_HEADERS, TEMPLATES, page_context
from api.routers.accounts import (
    NewAccount, NewToken, SignIn, _sign_in, apply_change, clear_session_cookie, issue_token, revoke,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 4096
t = translator("en")
DONE = {"created", "role", "revoked", "restored", "token_revoked"}
TOKENS_SHOWN = 200
# Where a person goes once signed in: the page their role is for.
LANDING = {"viewer": "/insights", "administrator": "/accounts"}


class ChangeForm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    csrf: str = Field(max_length=256)
    action: Literal["role", "revoke", "restore"]
    role: Literal["viewer", "editor", "assurer", "administrator"] | None = None


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body())[:MAX_FORM_BYTES]
    return {name: values[0] for name, values in parse_qs(body.decode("utf-8", "replace")).items() if values}


def _render(request: Request, template: str, status_code: int = 200, **values) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, page_context(**values), status_code=status_code,
                                      headers=PAGE_HEADERS)


def _sign_in_page(request: Request, status_code: int = 200, errors: dict | None = None, email: str = "",
                  retry_after: int | None = None) -> HTMLResponse:
    response = _render(request, "accounts_sign_in.html", status_code, errors=errors or {}, email=email,
                       organisation_name=organisation_name(request))
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def organisation_name(request: Request) -> str | None:
    """The name on the "Sign in with ..." button, when OpenID Connect sign-in is set up (api/oidc.py)."""
    if getattr(request.app.state, "organisation_sign_in", None) is None:
        return None
    return request.app.state.settings.oidc_provider_name


def _accounts_page(request: Request, admin: Principal, status_code: int = 200, errors: dict | None = None,
                   form: dict | None = None, done: str | None = None, new_token: dict | None = None,
                   token_form: dict | None = None) -> HTMLResponse:
    with request.app.state.sessionmaker.begin() as session:
        accounts = [{"id": a.id, "email": a.email, "display_name": a.display_name, "role": a.role,
                     "active": a.active, "password": a.password_hash is not None,
                     "organisation": a.oidc_subject is not None}
                    for a in session.scalars(select(Account).order_by(Account.email))]
        tokens = [{"id": k.id, "name": k.name, "role": k.role, "created_by": k.created_by,
                   "created_at": k.created_at.date(), "last_used_at": k.last_used_at.date() if k.last_used_at else None,
                   "revoked": k.revoked_at is not None}
                  for k in session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                                     ApiToken.created_at.desc()).limit(TOKENS_SHOWN))]
    return _render(request, "accounts.html", status_code, admin=admin, csrf=admin.csrf, accounts=accounts,
                   tokens=tokens, roles=ROLES, errors=errors or {}, form=form or {}, done=done, new_token=new_token,
                   token_form=token_form or {}, organisation_name=organisation_name(request))


def _done_message(request: Request) -> str | None:
    kind, email, role = (request.query_params.get(name, "") for name in ("done", "email", "role"))
    if kind not in DONE or len(email) > 255:
        return None
    role = t(f"accounts.role_names.{role}") if role in ROLES else ""
    return t(f"accounts.done.{kind}", email=email, name=email, role=role)


def _redirect(kind: str, email: str, role: str = "", anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/accounts?done={kind}&email={quote(email)}&role={quote(role)}{anchor}",
                            status_code=303, headers={"Cache-Control": "no-store"})


async def _administrator(request: Request) -> Principal | None:
    return await run_in_threadpool(session_principal, request)


@router.get("/accounts", response_class=HTMLResponse)
async def accounts_page(request: Request) -> Response:
    admin = await _administrator(request)
    if admin is None:
        return _sign_in_page(request)
    if not admin.can("accounts"):
        # Signed in, with another role: say so, and offer to sign out, rather than the sign-in form again.
        return _render(request, "accounts_signed_in.html", 403, email=admin.email, csrf=admin.csrf)
    return _accounts_page(request, admin, done=_done_message(request))


@router.post("/auth/sign-in/form", response_class=HTMLResponse)
async def sign_in_form(request: Request) -> Response:
    fields = await _form(request)
    email = fields.get("email", "")[:255]
    try:
        form = SignIn.model_validate({"email": fields.get("email", ""), "password": fields.get("password", "")})
    except ValidationError:
        return _sign_in_page(request, 400, {"email": t("accounts.errors.sign_in")}, email)
    try:
        body, cookie = await run_in_threadpool(_sign_in, request, form)
    except LockedOut as locked:
        return _sign_in_page(request, 429, {"email": t("accounts.errors.locked", seconds=locked.retry_after)},
                             email, locked.retry_after)
    except ApiError as refused:
        key = "accounts.errors.unavailable" if refused.status_code == 503 else "accounts.errors.sign_in"
        return _sign_in_page(request, refused.status_code, {"email": t(key)}, email)
    response = RedirectResponse(LANDING.get(body["account"]["role"], "/accounts"), status_code=303,
                                headers={"Cache-Control": "no-store"})
    set_session_cookie(response, request, cookie)
    return response


@router.post("/auth/sign-out/form", response_class=HTMLResponse)
async def sign_out_form(request: Request) -> Response:
    """Sign out from the page: needs the CSRF token too, so another site cannot sign staff out."""
    principal = await _administrator(request)
    fields = await _form(request)
    if principal is not None and not csrf_matches(principal, fields.get("csrf")):
        return _accounts_page(request, principal, 403, {"_csrf": t("accounts.errors.expired")}) \
            if principal.can("accounts") else _sign_in_page(request, 403, {"_csrf": t("accounts.errors.expired")})
    response = RedirectResponse("/accounts", status_code=303, headers={"Cache-Control": "no-store"})
    clear_session_cookie(response)
    return response


async def _checked(request: Request) -> tuple[Principal | None, dict[str, str], Response | None]:
    """The administrator and the form, or the page to answer with instead."""
    admin = await _administrator(request)
    if admin is None:
        return None, {}, _sign_in_page(request, 401)
    if not admin.can("accounts"):
        return None, {}, _sign_in_page(request, 403, {"_role": t("accounts.errors.not_administrator")})
    fields = await _form(request)
    if not csrf_matches(admin, fields.get("csrf")):
        return None, {}, _accounts_page(request, admin, 403, {"_csrf": t("accounts.errors.expired")})
    return admin, fields, None


def _create(request: Request, admin: Principal, fields: dict[str, str]) -> tuple[dict, str | None]:
    errors: dict[str, str] = {}
    values = {"email": fields.get("email", "").strip(), "display_name": fields.get("display_name", "").strip(),
              "role": fields.get("role", ""), "password": fields.get("password") or None}
    try:
        NewAccount.model_validate(values)
    except ValidationError as invalid:
        for problem in invalid.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "_form"
            errors.setdefault(field, t(f"accounts.errors.{field}") if field in NewAccount.model_fields
                              else t("accounts.errors.form"))
        return errors, None
    with request.app.state.sessionmaker.begin() as session:
        if find_account(session, values["email"]) is not None:
            return {"email": t("accounts.errors.email_taken")}, None
        account = new_account(session, values["email"], values["display_name"], values["role"],
                              values["password"], admin.label)
        return {}, account.email


@router.post("/accounts", response_class=HTMLResponse)
async def create_from_page(request: Request) -> Response:
    admin, fields, refusal = await _checked(request)
    if refusal is not None:
        return refusal
    errors, email = await run_in_threadpool(_create, request, admin, fields)
    if errors:
        kept = {name: fields.get(name, "") for name in ("email", "display_name", "role")}
        return _accounts_page(request, admin, 400, errors, kept)
    return _redirect("created", email)


def _change(request: Request, admin: Principal, account_id: str, form: ChangeForm) -> tuple[str, str]:
    role = form.role if form.action == "role" else None
    active = {"revoke": False, "restore": True}.get(form.action)
    with request.app.state.sessionmaker.begin() as session:
        account = apply_change(session, account_id[:36], admin, role, active)
        return account.email, account.role


def _issue(request: Request, admin: Principal, fields: dict[str, str]) -> tuple[dict, dict | None]:
    try:
        body = NewToken.model_validate({"name": fields.get("token_name", "").strip(),
                                        "role": fields.get("token_role", "")})
    except ValidationError as invalid:
        fields_wrong = {str(problem["loc"][0]) for problem in invalid.errors() if problem["loc"]}
        return {f"token_{name}": t(f"accounts.errors.token_{name}") for name in ("name", "role")
                if name in fields_wrong}, None
    with request.app.state.sessionmaker.begin() as session:
        token, secret = issue_token(session, body, admin)
        return {}, {"name": token.name, "role": token.role, "secret": secret}


@router.post("/accounts/tokens", response_class=HTMLResponse)
async def issue_from_page(request: Request) -> Response:
    """Issue an API token. The secret is on this one answer only (marked no-store), never in a
    redirect address, so the page answers directly rather than post/redirect/get."""
    admin, fields, refusal = await _checked(request)
    if refusal is not None:
        return refusal
    errors, new_token = await run_in_threadpool(_issue, request, admin, fields)
    if errors:
        kept = {name: fields.get(name, "") for name in ("token_name", "token_role")}
        return _accounts_page(request, admin, 400, errors, token_form=kept)
    return _accounts_page(request, admin, 201, new_token=new_token)


def _revoke(request: Request, admin: Principal, token_id: str) -> str:
    with request.app.state.sessionmaker.begin() as session:
        return revoke(session, token_id, admin).name


@router.post("/accounts/tokens/{id}/revoke", response_class=HTMLResponse)
async def revoke_from_page(id: str, request: Request) -> Response:
    admin, _fields, refusal = await _checked(request)
    if refusal is not None:
        return refusal
    try:
        name = await run_in_threadpool(_revoke, request, admin, id)
    except ApiError:
        return _accounts_page(request, admin, 404, {"_form": t("accounts.errors.no_token")})
    return _redirect("token_revoked", name, anchor="#tokens")


# Last: "/accounts/{id}" would otherwise also match "/accounts/tokens".
@router.post("/accounts/{id}", response_class=HTMLResponse)
async def change_from_page(id: str, request: Request) -> Response:
    admin, fields, refusal = await _checked(request)
    if refusal is not None:
        return refusal
    try:
        form = ChangeForm.model_validate(fields)
        if form.action == "role" and form.role is None:
            raise ValueError("no role")
    except (ValidationError, ValueError):
        return _accounts_page(request, admin, 400, {"_form": t("accounts.errors.form")})
    try:
        email, role = await run_in_threadpool(_change, request, admin, id, form)
    except ApiError as refused:
        key = "accounts.errors.own_account" if refused.status_code == 409 else "accounts.errors.no_account"
        return _accounts_page(request, admin, refused.status_code, {"_form": t(key)})
    kind = {"role": "role", "revoke": "revoked", "restore": "restored"}[form.action]
    return _redirect(kind, email, role)
