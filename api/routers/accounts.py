"""Named accounts, API tokens and staff sign-in (docs/accounts.md).

Administrators create accounts, change their role, revoke them, and issue and revoke API
tokens. Every one of those, and every sign-in and failed sign-in, is written to the audit
trail, never with a password or a token in it.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from directory.models import Account, ApiToken
from directory.oruk import page_json

from api.auth import (
    SESSION_COOKIE, Principal, audit, client_address, find_account, make_session_cookie, new_account,
    new_token_secret, password_matches,
)
from api.deps import AdministratorDep, SessionDep
from api.errors import ApiError, responses
from api.queries import PageQuery

router = APIRouter(tags=["Accounts"])
Role = Literal["viewer", "editor", "assurer", "administrator"]
Email = Annotated[str, Field(min_length=3, max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")]
Password = Annotated[str, Field(min_length=12, max_length=256)]
AccountId = Annotated[str, Path(max_length=36)]
TokenId = Annotated[str, Path(max_length=16)]


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=256)


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    display_name: str = Field(min_length=1, max_length=255)
    role: Role
    password: Password | None = Field(None, description="Leave out for an account that signs in another way")


class ChangeAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    active: bool | None = Field(None, description="false revokes the account at once")


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9 ._-]+$")
    role: Role


def account_json(account: Account) -> dict:
    return {"id": account.id, "email": account.email, "display_name": account.display_name, "role": account.role,
            "active": account.active, "password": account.password_hash is not None,
            "created_at": account.created_at.isoformat(), "created_by": account.created_by}


def token_json(token: ApiToken) -> dict:
    return {"id": token.id, "name": token.name, "role": token.role, "created_at": token.created_at.isoformat(),
            "created_by": token.created_by, "revoked": token.revoked_at is not None,
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None}


def _sign_in(request: Request, form: SignIn) -> tuple[dict, str]:
    app = request.app
    guard = app.state.auth_guard
    client = client_address(request)
    guard.check(client, form.email)
    with app.state.sessionmaker.begin() as session:
        account = find_account(session, form.email)
        good = password_matches(account.password_hash if account else None, form.password)
        if not (good and account is not None and account.active):
            # The typed email is not recorded unless it names an account: it may be a password.
            audit(session, account.email if account else "anonymous", "sign_in_failed", "account",
                  account.id if account else "unknown")
            refused = True
        else:
            refused = False
            audit(session, account.email, "sign_in", "account", account.id)
            cookie, csrf = make_session_cookie(app.state.session_secret, account.id)
            body = {"account": account_json(account), "csrf_token": csrf}
    if refused:  # after the audit row is committed
        guard.failed(client, form.email)
        raise ApiError(401, "unauthorised", "That email and password do not match an active account.")
    guard.succeeded(form.email)
    return body, cookie



def set_session_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(SESSION_COOKIE, cookie, max_age=request.app.state.settings.staff_session_hours * 3600,
                        path="/", secure=True, httponly=True, samesite="strict")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")


@router.post("/auth/sign-in", summary="Sign in with an email and password; sets the staff session cookie",
             responses=responses(401, 429))
async def sign_in(request: Request, form: SignIn) -> JSONResponse:
    body, cookie = await run_in_threadpool(_sign_in, request, form)
    response = JSONResponse(body, headers={"Cache-Control": "no-store"})
    set_session_cookie(response, request, cookie)
    return response


@router.post("/auth/sign-out", status_code=204, summary="End the staff session", response_class=Response)
def sign_out() -> Response:
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/admin/accounts", summary="Every account", responses=responses(401, 403, 429))
def list_accounts(query: Annotated[PageQuery, Query()], session: SessionDep, _admin: AdministratorDep) -> dict:
    total = session.scalar(select(func.count(Account.id))) or 0
    rows = session.scalars(select(Account).order_by(Account.email)
                           .offset((query.page - 1) * query.per_page).limit(query.per_page))
    return page_json([account_json(a) for a in rows], total, query.page, query.per_page)


@router.post("/admin/accounts", status_code=201, summary="Create an account with a role",
             responses=responses(401, 403, 409, 429))
def create_account(body: Annotated[NewAccount, Body()], session: SessionDep, admin: AdministratorDep) -> dict:
    if find_account(session, body.email) is not None:
        raise ApiError(409, "conflict", "An account with that email already exists.")
    account = new_account(session, body.email, body.display_name, body.role, body.password, admin.label)
    session.flush()
    return account_json(account)


@router.patch("/admin/accounts/{id}", summary="Change an account's role, or revoke it",
              responses=responses(401, 403, 404, 409, 429))
def change_account(id: AccountId, body: Annotated[ChangeAccount, Body()], session: SessionDep,
                   admin: AdministratorDep) -> dict:
    return account_json(apply_change(session, id, admin, body.role, body.active))


def apply_change(session: Session, account_id: str, admin: Principal, role: str | None,
                 active: bool | None) -> Account:
    """Change a role or revoke (or restore) an account, audited under the administrator's
    name; the JSON route and the accounts page (api/routers/accounts_page.py) both use it."""
    account = session.get(Account, account_id)
    if account is None:
        raise ApiError(404, "not_found", "No account has that id.")
    if admin.kind == "account" and account.id == admin.id:
        raise ApiError(409, "conflict", "Another administrator must change your own role or revoke you.")
    before = {"role": account.role, "active": account.active}
    if role is not None:
        account.role = role
    if active is not None:
        account.active = active
    after = {"role": account.role, "active": account.active}
    if after != before:
        action = "role_change" if after["role"] != before["role"] else ("account_revoke" if not account.active
                                                                         else "account_restore")
        audit(session, admin.label, action, "account", account.id, before=before, after=after)
    return account


@router.get("/admin/tokens", summary="Every API token (never the secret)", responses=responses(401, 403, 429))
def list_tokens(query: Annotated[PageQuery, Query()], session: SessionDep, _admin: AdministratorDep) -> dict:
    total = session.scalar(select(func.count(ApiToken.id))) or 0
    rows = session.scalars(select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)
                           .offset((query.page - 1) * query.per_page).limit(query.per_page))
    return page_json([token_json(t) for t in rows], total, query.page, query.per_page)


@router.post("/admin/tokens", status_code=201, summary="Issue an API token with a role; the secret is shown once",
             responses=responses(401, 403, 429))
def create_token(body: Annotated[NewToken, Body()], session: SessionDep, admin: AdministratorDep) -> JSONResponse:
    token, secret = issue_token(session, body, admin)
    return JSONResponse({**token_json(token), "token": secret}, status_code=201, headers={"Cache-Control": "no-store"})


def issue_token(session: Session, body: NewToken, admin: Principal) -> tuple[ApiToken, str]:
    """A new token and its secret (to show once), audited under the administrator's name; the
    JSON route and the accounts page both use it."""
    token_id, secret, digest = new_token_secret()
    token = ApiToken(id=token_id, name=body.name, role=body.role, secret_hash=digest, created_by=admin.label,
                     created_at=dt.datetime.now(dt.UTC))
    session.add(token)
    audit(session, admin.label, "token_create", "api_token", token_id, after={"name": body.name, "role": body.role})
    return token, secret


def revoke(session: Session, token_id: str, admin: Principal) -> ApiToken:
    token = session.get(ApiToken, token_id[:16])
    if token is None:
        raise ApiError(404, "not_found", "No token has that id.")
    if token.revoked_at is None:
        token.revoked_at = dt.datetime.now(dt.UTC)
        audit(session, admin.label, "token_revoke", "api_token", token.id, after={"name": token.name})
    return token


@router.post("/admin/tokens/{id}/revoke", summary="Revoke an API token at once", responses=responses(401, 403, 404, 429))
def revoke_token(id: TokenId, session: SessionDep, admin: AdministratorDep) -> dict:
    return token_json(revoke(session, id, admin))

