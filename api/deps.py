"""Shared dependencies: the database session and who may do what (api/auth.py)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.auth import Principal, authenticate
from api.errors import ApiError
from api.settings import Settings


def get_settings_from_app(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker.begin() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
SessionDep = Annotated[Session, Depends(get_session)]


def require(permission: str):
    """A dependency: the authenticated caller (api/auth.py), if their role allows `permission`."""
    def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        if not principal.can(permission):
            raise ApiError(403, "forbidden", f"Your role does not allow this ({permission}).")
        return principal
    return dependency


ReaderDep = Annotated[Principal, Depends(require("directory.read"))]
EditorDep = Annotated[Principal, Depends(require("directory.write"))]
AssurerDep = Annotated[Principal, Depends(require("directory.assure"))]
AuditReaderDep = Annotated[Principal, Depends(require("audit.read"))]
AdministratorDep = Annotated[Principal, Depends(require("accounts"))]
ViewerDep = Annotated[Principal, Depends(require("insights"))]
ConfidentialEditorDep = EditorDep  # marking, unmarking and reviewing withheld whereabouts are edits


def may_see_confidential(principal: Principal) -> bool:
    """Whether this caller may see withheld whereabouts (docs/confidential-locations.md):
    the editors and assurers who keep the directory; this is the one place that decides."""
    return principal.can("confidential")
