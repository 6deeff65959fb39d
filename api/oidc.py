"""Staff sign-in through the organisation's own identity provider: OpenID Connect
(docs/accounts.md). A council signs its staff in with Microsoft Entra ID (or any OpenID
provider) and its multi-factor rules; Signpost never sees their password.

Authlib does the protocol: discovery, the authorization-code flow with PKCE (S256), state,
nonce, and the ID token's signature, issuer, audience and expiry. What is Signpost's own:

- where the state waits between the two legs: a signed cookie that lives ten minutes, only
  on /auth/oidc/ (SameSite=Lax, because the provider sends the person back from another
  site). Nothing of it reaches the survivor's widget or the partner pages;
- who the identity is: an administrator first creates (invites) the account with the
  person's email. The first sign-in with that email binds the account to the provider's
  issuer and subject; after that only that subject can sign in as the account, whatever
  email it later shows. No account is ever created by signing in.
"""
from __future__ import annotations

from dataclasses import dataclass

import structlog
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import Request
from fastapi.responses import Response
from httpx import HTTPError
from sqlalchemy import select

from directory.models import Account

from api.auth import audit, client_address, find_account, make_session_cookie, read_signed, sign_payload
from api.settings import Settings

log = structlog.get_logger("signpost.oidc")

STATE_COOKIE = "__Secure-signpost-oidc"
STATE_PATH = "/auth/oidc/"
STATE_SECONDS = 600
PROVIDER = "organisation"


class SignInRefused(Exception):
    """Why an OpenID sign-in did not give a session: one of the `accounts.oidc.*` messages."""

    def __init__(self, reason: str, status_code: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code


@dataclass(frozen=True)
class SignedIn:
    account_id: str
    email: str
    role: str
    cookie: str


class OrganisationSignIn:
    """The OpenID client for one deployment (None when SIGNPOST_OIDC_ISSUER is not set)."""

    def __init__(self, settings: Settings, secret: bytes) -> None:
        self.settings = settings
        self.secret = secret
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.oauth = OAuth()
        self.oauth.register(
            PROVIDER,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value(),
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "timeout": 10},
        )
        self.client = self.oauth.create_client(PROVIDER)

    def callback_url(self) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}/auth/oidc/callback"

    async def start(self, request: Request) -> Response:
        """The redirect to the provider, with the state kept in the short-lived cookie."""
        request.scope["session"] = {}
        try:
            response = await self.client.authorize_redirect(request, self.callback_url())
        except (OAuthError, HTTPError, ValueError) as error:
            log.warning("oidc_provider_unavailable", error_type=type(error).__name__)
            raise SignInRefused("unavailable", 503) from error
        response.headers["Cache-Control"] = "no-store"
        response.set_cookie(STATE_COOKIE, sign_payload(self.secret, "oidc-state", request.scope["session"]),
                            max_age=STATE_SECONDS, path=STATE_PATH, secure=True, httponly=True, samesite="lax")
        return response

    async def identity(self, request: Request) -> dict:
        """The ID token's claims, checked by Authlib against the state this browser started with."""
        kept = read_signed(self.secret, "oidc-state", request.cookies.get(STATE_COOKIE, ""), STATE_SECONDS)
        if kept is None:
            raise SignInRefused("expired", 400)
        kept.pop("t", None)
        request.scope["session"] = kept
        try:
            token = await self.client.authorize_access_token(request)
        except OAuthError as error:
            # "access_denied" is the person choosing not to sign in, not an attack.
            raise SignInRefused("cancelled" if error.error == "access_denied" else "failed", 400) from error
        except (HTTPError, ValueError, KeyError) as error:
            log.warning("oidc_token_exchange_failed", error_type=type(error).__name__)
            raise SignInRefused("failed", 400) from error
        claims = token.get("userinfo")
        if not claims or not claims.get("sub"):
            raise SignInRefused("failed", 400)
        return dict(claims)

    def sign_in(self, request: Request, claims: dict) -> SignedIn:
        """The account these claims name, bound at its first sign-in, and its session cookie.
        Runs in a worker thread: it reads and writes the database."""
        issuer, subject = str(claims.get("iss", self.issuer))[:255], str(claims["sub"])[:255]
        email = str(claims.get(self.settings.oidc_email_claim) or "").strip().lower()[:255]
        app = request.app
        with app.state.sessionmaker.begin() as session:
            account = session.scalar(select(Account).where(Account.oidc_issuer == issuer,
                                                           Account.oidc_subject == subject))
            if account is None and email and claims.get("email_verified") is not False:
                invited = find_account(session, email)
                if invited is not None and invited.oidc_subject is None:
                    account = invited
                    account.oidc_issuer, account.oidc_subject = issuer, subject
                    audit(session, account.email, "oidc_bind", "account", account.id, after={"issuer": issuer})
            if account is None or not account.active:
                audit(session, account.email if account else "anonymous", "sign_in_failed", "account",
                      account.id if account else "unknown", after={"method": "oidc", "issuer": issuer})
                refused = "revoked" if account is not None else "no_account"
            else:
                refused = None
                audit(session, account.email, "sign_in", "account", account.id, after={"method": "oidc"})
                cookie, _csrf = make_session_cookie(app.state.session_secret, account.id)
                signed_in = SignedIn(account.id, account.email, account.role, cookie)
        if refused:  # after the audit row is committed
            app.state.auth_guard.failed(client_address(request), email or None)
            raise SignInRefused(refused)
        app.state.auth_guard.succeeded(signed_in.email)
        return signed_in


def forget_state(response: Response) -> None:
    response.delete_cookie(STATE_COOKIE, path=STATE_PATH, secure=True, httponly=True, samesite="lax")
