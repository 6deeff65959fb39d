"""Import and export whole Open Referral UK 3.0 feeds, with an audit row per change.

Used by the API's write interface and by the command line:
    .venv/bin/python -m directory.feeds import FILE_OR_URL --actor NAME
    .venv/bin/python -m directory.feeds export FILE
(the database is SIGNPOST_DATABASE_URL, default sqlite:///var/signpost.db).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from directory.models import Attribute, AuditEntry, Service, ServiceAtLocation
from directory.oruk import feed_services, page_json, service_json, upsert_service
from directory.seed_schema import CONTROL_CHARACTERS
from directory.snapshot import bump_revision

MAX_FEED_PAGES = 200
FULL_SERVICE = (
    selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
    selectinload(Service.phones),
    selectinload(Service.schedules),
    selectinload(Service.service_areas),
    selectinload(Service.languages),
    selectinload(Service.contacts),
    selectinload(Service.organization),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
)


class FeedError(ValueError):
    """The feed could not be read or a record in it is invalid; nothing was changed."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def record_change(session: Session, actor: str, action: str, service_id: str,
                  before: dict | None, after: dict | None) -> None:
    bump_revision(session)
    session.add(AuditEntry(actor=actor, action=action, entity_type="service", entity_id=service_id,
                           before=before, after=after))


def load_full(session: Session, service_id: str) -> Service | None:
    return session.scalar(select(Service).where(Service.id == service_id).options(*FULL_SERVICE))


def snapshot(session: Session, service_id: str) -> dict:
    session.flush()
    session.expire_all()
    service = load_full(session, service_id)
    assert service is not None
    return service_json(service, full=True)


def _has_control_characters(value: Any) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, dict):
        return any(_has_control_characters(k) or _has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control_characters(item) for item in value)
    return False


def import_records(session: Session, actor: str, records: list[dict[str, Any]]) -> dict[str, int]:
    """Create or update every service in the feed; the caller's transaction rolls back on FeedError."""
    if _has_control_characters(records):
        raise FeedError("invalid_feed", "The feed contains control characters.")
    created = updated = 0
    for position, record in enumerate(records):
        if not isinstance(record, dict) or not record.get("id") or not record.get("name"):
            raise FeedError("invalid_feed", f"service {position}: id and name are required")
        before = snapshot(session, str(record["id"])) if session.get(Service, str(record["id"])) else None
        try:
            service, was_created = upsert_service(session, record)
        except (KeyError, ValueError, TypeError) as error:
            raise FeedError("invalid_feed", f"service {position}: {type(error).__name__}: {error}"[:300]) from error
        after = snapshot(session, service.id)
        if before != after:
            record_change(session, actor, "import", service.id, before, after)
        created += was_created
        updated += (not was_created) and before != after
    return {"services": len(records), "created": created, "updated": updated}


def parse_document(document: Any) -> list[dict[str, Any]]:
    try:
        return feed_services(document)
    except ValueError as error:
        raise FeedError("invalid_feed", str(error)) from error


def fetch_records(url: str, timeout: float) -> list[dict[str, Any]]:
    """Read a feed from a URL, following an ORUK API's pages."""
    records: list[dict[str, Any]] = []
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            page, next_url = 1, url
            while next_url and page <= MAX_FEED_PAGES:
                response = client.get(next_url)
                response.raise_for_status()
                document = response.json()
                records.extend(parse_document(document))
                if isinstance(document, dict) and document.get("total_pages", 1) > page:
                    page += 1
                    next_url = str(httpx.URL(url).copy_merge_params({"page": page}))
                else:
                    next_url = None
    except (httpx.HTTPError, ValueError) as error:
        if isinstance(error, FeedError):
            raise
        raise FeedError("feed_unreachable", f"Could not read the feed: {type(error).__name__}") from error
    return records


def export_document(session: Session) -> dict:
    services = list(session.scalars(select(Service).options(*FULL_SERVICE).order_by(Service.id)))
    return page_json([service_json(s, full=True) for s in services], len(services), 1, max(1, len(services)))


def main(argv: list[str] | None = None) -> int:
    from directory.db import make_engine, make_sessionmaker
    from directory.migrate import upgrade_to_head

    parser = argparse.ArgumentParser(prog="python -m directory.feeds", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import an ORUK feed from a file or an http(s) URL")
    importing.add_argument("source")
    importing.add_argument("--actor", required=True, help="who is importing, for the audit trail")
    importing.add_argument("--timeout", type=float, default=20.0)
    exporting = commands.add_parser("export", help="write the whole directory as an ORUK feed")
    exporting.add_argument("target")
    args = parser.parse_args(argv)

    engine = make_engine(os.environ.get("SIGNPOST_DATABASE_URL", "sqlite:///var/signpost.db"))
    upgrade_to_head(engine)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as session:
            if args.command == "import":
                if args.source.startswith(("http://", "https://")):
                    records = fetch_records(args.source, args.timeout)
                else:
                    records = parse_document(json.loads(Path(args.source).read_text(encoding="utf-8")))
                print(json.dumps(import_records(session, args.actor, records)))
            else:
                Path(args.target).write_text(json.dumps(export_document(session), indent=2, ensure_ascii=False))
                print(f"wrote {args.target}")
    except FeedError as error:
        print(f"{error.code}: {error.detail}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
