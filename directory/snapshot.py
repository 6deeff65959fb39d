"""A per-process cache of the published directory, refreshed whenever its revision changes.

The directory is small and changes rarely, while /signpost is asked constantly; loading
and hydrating every service on each request cost far more than ranking them. Each
request now costs one single-row query; any write anywhere (another replica included)
bumps the revision in the same transaction and every process reloads on its next request.
When the database cannot be reached, the last snapshot goes on being served: people keep
getting their local services through an outage.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from directory.models import Attribute, DirectoryRevision, Location, Service, ServiceAtLocation, ServiceStatus

REVISION_ROW = 1
log = logging.getLogger("signpost.directory")


def bump_revision(session: Session) -> None:
    changed = session.execute(
        update(DirectoryRevision)
        .where(DirectoryRevision.id == REVISION_ROW)
        .values(revision=DirectoryRevision.revision + 1, changed_at=dt.datetime.now(dt.UTC))
    )
    if changed.rowcount == 0:
        session.add(DirectoryRevision(id=REVISION_ROW, revision=1))
    session.flush()


def current_revision(session: Session) -> int:
    return session.scalar(select(DirectoryRevision.revision).where(DirectoryRevision.id == REVISION_ROW)) or 0


@dataclass(frozen=True)
class Snapshot:
    revision: int
    services: tuple[Service, ...]


class PublishedServices:
    """Thread-safe cache of published, active services with everything /signpost reads."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> tuple[Service, ...]:
        try:
            revision = current_revision(session)
        except OperationalError:
            if self._snapshot is None:
                raise
            log.warning("directory_unreachable serving=last_snapshot")
            return self._snapshot.services
        snapshot = self._snapshot
        if snapshot is not None and snapshot.revision == revision:
            return snapshot.services
        with self._lock:
            if self._snapshot is None or self._snapshot.revision != revision:
                services = tuple(
                    session.scalars(
                        select(Service)
                        .where(Service.assured_date.is_not(None), Service.status == ServiceStatus.active)
                        .options(
                            selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
                            selectinload(Service.phones),
                            selectinload(Service.schedules),
                            selectinload(Service.service_areas),
                            selectinload(Service.languages),
                            selectinload(Service.organization),
                            # Whether its whereabouts are withheld, and what to redact.
                            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location)
                            .selectinload(Location.addresses),
                        )
                        .order_by(Service.id)
                    )
                )
                # Detach so the objects outlive this request's session; all they need is loaded.
                for service in services:
                    session.expunge(service)
                self._snapshot = Snapshot(revision=revision, services=services)
            return self._snapshot.services
