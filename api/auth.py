"""Who is calling, and what their role lets them do (docs/accounts.md).

Three ways in, checked in this order:
- `Authorization: Bearer sp_<id>.<secret>`: a per-integration API token with one role;
- the staff session cookie set by POST /auth/sign-in (a named account with one role); a
  request that changes anything must also carry the session's CSRF token in X-CSRF-Token;
- development and test only: the old shared key (`X-API-Key`, or `Bearer <key>` for the
  insights exports) as the "development-key" principal, which holds every role. Production
  never accepts it, whatever SIGNPOST_ADMIN_API_KEY says.

The audit trail records the principal's label (an account's email, "token:<name>", or
"development-key"), never a name the caller wrote. Failed sign-ins and bad tokens are
counted per account and per client in `limits` storage (Redis when SIGNPOST_REDIS_URL is
set, so every API replica sees the same counts); past the limit the answer is 429 with
Retry-After, before any password is checked.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import math
import secrets
import time
import uuid
from dataclasses import dataclass, field

import structlog
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request
from limits import parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Account, ApiToken, AuditEntry

from api.errors import ApiError
from api.settings import Settings

log = structlog.get_logger("signpost.auth")

ROLES = ("viewer", "editor", "assurer", "administrator")
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"insights", "metrics"}),
    "editor": frozenset({"directory.read", "directory.write", "confidential"}),
    "assurer": frozenset({"directory.read", "directory.assure", "confidential", "audit.read"}),
    "administrator": frozenset({"accounts", "audit.read", "metrics"}),
}
DEVELOPMENT_KEY_LABEL = "development-key"
SESSION_COOKIE = "__Host-signpost-staff"
TOKEN_PREFIX = "sp_"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
# Checked against when the account does not exist, so an unknown email costs the same time.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Principal:
    kind: str  # "account", "token" or "development-key"
    id: str
    label: str  # what the audit trail records
    roles: frozenset[str]
    email: str | None = None
    csrf: str | None = None
    permissions: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "permissions", frozenset().union(*(PERMISSIONS[r] for r in self.roles)))

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def exempt_from_four_eyes(self) -> bool:
        """Only the development key, which exists so one developer can work alone."""
        return self.kind == "development-key"


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored: str | None, offered: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, offered) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token_secret() -> tuple[str, str, str]:
    """(id, full token to hand over once, hash to store)."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return token_id, f"{TOKEN_PREFIX}{token_id}.{secret}", hashlib.sha256(secret.encode()).hexdigest()


def audit(session: Session, actor: str, action: str, entity_type: str, entity_id: str,
          before: dict | None = None, after: dict | None = None) -> None:
    session.add(AuditEntry(actor=actor[:255], action=action, entity_type=entity_type, entity_id=entity_id[:64],
                           before=before, after=after))


class FailureGuard:
    """Back-off then lock-out after failed sign-ins and bad tokens, per account and per client.

    Each limit is a list (e.g. "5 per 15 minutes; 10 per hour"): the first is a short back-off,
    the next a longer lock-out. Counters are keyed by an HMAC of the email or address, so the
    store never holds either. If the shared store is down, sign-in fails closed (503)."""

    def __init__(self, settings: Settings, secret: bytes) -> None:
        storage = (storage_from_string(settings.redis_url, wrap_exceptions=True, socket_timeout=1,
                                       socket_connect_timeout=1)
                   if settings.redis_url else MemoryStorage())
        self.limiter = MovingWindowRateLimiter(storage)
        self.per_account = parse_many(settings.auth_failures_per_account)
        self.per_client = parse_many(settings.auth_failures_per_client)
        self.secret = secret

    def _key(self, kind: str, value: str) -> tuple[str, str]:
        return kind, hmac.new(self.secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def _subjects(self, client: str | None, account: str | None):
        yield self.per_client, self._key("auth-client", client or "unknown")
        if account:
            yield self.per_account, self._key("auth-account", account.strip().lower())

    def check(self, client: str | None, account: str | None = None) -> None:
        """Raises 429 with Retry-After while this client or account is locked out."""
        wait = 0
        try:
            for limits, key in self._subjects(client, account):
                for limit in limits:
                    if not self.limiter.test(limit, *key):
                        reset, _ = self.limiter.get_window_stats(limit, *key)
                        wait = max(wait, math.ceil(reset - time.time()), 1)
        except StorageError as error:
            log.warning("auth_store_unavailable", error_type=type(error.storage_error).__name__)
            raise ApiError(503, "unavailable", "Sign-in is unavailable for a moment. Try again shortly.") from error
        if wait:
            raise LockedOut(wait)

    def failed(self, client: str | None, account: str | None = None) -> None:
        try:
            for limits, key in self._subjects(client, account):
                for limit in limits:
                    self.limiter.hit(limit, *key)
        except StorageError as error:
            log.warning("auth_store_unavailable", error_type=type(error.storage_error).__name__)

    def succeeded(self, account: str) -> None:
        try:
            for limit in self.per_account:
                self.limiter.clear(limit, *self._key("auth-account", account.strip().lower()))
        except StorageError:
            pass


class LockedOut(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "too_many_requests",
                         f"Too many failed attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


def sign_payload(secret: bytes, purpose: str, data: dict) -> str:
    """`data` as JSON with the time, signed for one purpose: readable, not forgeable."""
    payload = base64.urlsafe_b64encode(json.dumps({**data, "t": int(time.time())}, separators=(",", ":")).encode())
    return f"{payload.decode()}.{_signature(secret, purpose, payload)}"


def read_signed(secret: bytes, purpose: str, value: str, max_age_seconds: int) -> dict | None:
    """What sign_payload signed for this purpose, if the signature holds and it is young enough."""
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature.encode(), _signature(secret, purpose, payload.encode()).encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int) or time.time() - data["t"] > max_age_seconds:
        return None
    return data


def _signature(secret: bytes, purpose: str, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, f"{purpose}:".encode() + payload, hashlib.sha256).digest()).decode()


# The staff session: a signed cookie naming the account, when it was issued, and its CSRF
# token. The account is looked up on every request, so revoking or changing a role takes
# effect at once.

def make_session_cookie(secret: bytes, account_id: str) -> tuple[str, str]:
    csrf = secrets.token_urlsafe(24)
    return sign_payload(secret, "staff-session", {"a": account_id, "c": csrf}), csrf


def read_session_cookie(secret: bytes, value: str, max_age_seconds: int) -> dict | None:
    return read_signed(secret, "staff-session", value, max_age_seconds)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def account_principal(account: Account, csrf: str | None = None) -> Principal:
    return Principal("account", account.id, account.email, frozenset({account.role}), email=account.email, csrf=csrf)


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _development_key(settings: Settings, offered: str) -> bool:
    if settings.environment == "production":
        return False
    expected = settings.admin_api_key.get_secret_value().encode()
    return hmac.compare_digest(offered.encode()[:512], expected)


def authenticate(request: Request) -> Principal:
    """The caller, or 401 (429 while locked out). Runs in a worker thread: it may write audit rows."""
    bearer = _bearer(request)
    key = request.headers.get("x-api-key")
    if bearer or key:
        return credential_principal(request, bearer or key, bearer=bool(bearer))
    principal = session_principal(request)
    if principal is not None:
        if request.method not in SAFE_METHODS and not csrf_matches(principal, request.headers.get(CSRF_HEADER)):
            raise ApiError(403, "csrf", f"Send the session's CSRF token in {CSRF_HEADER}.")
        return principal
    raise ApiError(401, "unauthorised",
                   "Sign in, or send an API token as `Authorization: Bearer <token>` (docs/accounts.md).")


def session_principal(request: Request) -> Principal | None:
    """The active account the staff session cookie names, or None. The caller checks CSRF:
    the JSON routes take it from X-CSRF-Token, the server-rendered forms from a hidden field."""
    app = request.app
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    data = read_session_cookie(app.state.session_secret, cookie, app.state.settings.staff_session_hours * 3600)
    if not data:
        return None
    with app.state.sessionmaker.begin() as session:
        account = session.get(Account, str(data.get("a")))
        if account is None or not account.active:
            return None
        return account_principal(account, csrf=str(data.get("c")))


def csrf_matches(principal: Principal, offered: str | None) -> bool:
    return bool(principal.csrf) and hmac.compare_digest((offered or "").encode()[:256], principal.csrf.encode())


def credential_principal(request: Request, offered: str, bearer: bool = True) -> Principal:
    """The principal an API token (or, outside production, the development key) names; else
    401, counted against this client, or 429 while the client is locked out."""
    app = request.app
    settings: Settings = app.state.settings
    guard: FailureGuard = app.state.auth_guard
    client = client_address(request)
    guard.check(client)
    if offered.startswith(TOKEN_PREFIX):
        principal = _token_principal(request, offered)
        if principal:
            return principal
    elif _development_key(settings, offered):
        return Principal("development-key", DEVELOPMENT_KEY_LABEL, DEVELOPMENT_KEY_LABEL, frozenset(ROLES))
    guard.failed(client)
    with app.state.sessionmaker.begin() as session:
        audit(session, "anonymous", "bad_credential", "api_token", "unknown",
              after={"method": request.method, "path": request.url.path})
    detail = "That token is not valid." if offered.startswith(TOKEN_PREFIX) or settings.environment != "production" \
        else "The shared key is retired in production: use an API token (docs/accounts.md)."
    raise ApiError(401, "unauthorised", detail)


def _token_principal(request: Request, offered: str) -> Principal | None:
    token_id, _, secret = offered.removeprefix(TOKEN_PREFIX).partition(".")
    digest = hashlib.sha256(secret.encode()).hexdigest()
    with request.app.state.sessionmaker.begin() as session:
        token = session.get(ApiToken, token_id[:16]) if token_id else None
        if token is None or token.revoked_at is not None or not hmac.compare_digest(token.secret_hash, digest):
            return None
        token.last_used_at = dt.datetime.now(dt.UTC)
        label = f"token:{token.name}"
        audit(session, label, "token_use", "api_token", token.id,
              after={"method": request.method, "path": request.url.path})
        return Principal("token", token.id, label, frozenset({token.role}))


def new_account(session: Session, email: str, display_name: str, role: str, password: str | None,
                created_by: str) -> Account:
    account = Account(id=str(uuid.uuid4()), email=email.strip().lower(), display_name=display_name, role=role,
                      password_hash=hash_password(password) if password else None, active=True,
                      created_by=created_by)
    session.add(account)
    audit(session, created_by, "account_create", "account", account.id,
          after={"email": account.email, "role": role, "active": True})
    return account


def find_account(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email.strip().lower()))
