"""Shared dependencies: the database session and the commissioners' key check."""
from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.settings import Settings


def get_settings_from_app(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker.begin() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
SessionDep = Annotated[Session, Depends(get_session)]


def require_commissioner(
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Header(max_length=512)] = None,
    x_signpost_actor: Annotated[str | None, Header(max_length=255)] = None,
) -> str:
    """Checks the write key in constant time; returns who is acting, for the audit trail."""
    expected = settings.admin_api_key.get_secret_value().encode()
    if not x_api_key or not hmac.compare_digest(x_api_key.encode(), expected):
        raise ApiError(401, "unauthorised", "A valid X-API-Key header is required to change the directory.")
    actor = (x_signpost_actor or "").strip()
    if not actor:
        raise ApiError(400, "actor_required", "Say who is making the change in the X-Signpost-Actor header.")
    return actor


CommissionerDep = Annotated[str, Depends(require_commissioner)]


def may_see_confidential(actor: str) -> bool:
    """Whether this caller may see withheld whereabouts (docs/confidential-locations.md).

    Today there are no roles: whoever holds the admin key is a commissioner and may. When
    roles arrive (issue 17), this is the one place that decides; every admin view and the
    confidentiality routes ask it."""
    return bool(actor)


def require_confidential_access(actor: CommissionerDep) -> str:
    """For routes that show or change withheld whereabouts: a commissioner allowed to."""
    if not may_see_confidential(actor):
        raise ApiError(403, "forbidden", "You are not allowed to see or change confidential locations.")
    return actor


ConfidentialAccessDep = Annotated[str, Depends(require_confidential_access)]
