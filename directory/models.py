"""SQLAlchemy models shaped as Open Referral UK 3.0 (HSDS 3.0), plus what Signpost needs on top.

Additions to the standard, all on `service` unless noted:
- `slug`: a stable, readable key used by the seed files (ids are uuid5 of it);
- `source`, `source_date`, `confidence`: where the facts were seen, when, and how far
  they can be trusted; only services with an `assured_date` are ever shown publicly;
- `scope` (national / local), `general` (shown for every category), `audience`
  (men, lgbt, children, worried_about_child, older_people, own_behaviour): how /signpost
  orders answers (vocabulary/ranking.py); attributes link a service to taxonomy terms by
  `link_type` category, need, eligibility or topic;
- `referral`, `hours_note`, `notes` (commissioners' internal notes, never published);
- `phone.type` (voice / text / textphone) and `service_area.gss_code`;
- confidentiality (docs/confidential-locations.md): `service.confidential` (its whereabouts
  are secret: every location withheld), `service.front_door` (the public way in instead of
  an address), `service.confidentiality_review` ("pending" until a commissioner has looked
  at what an import withheld) and `confidentiality_note` (why, never published);
  `location.confidential` and `location.public_confirmed` (a commissioner confirmed that a
  location that looks like safe accommodation may be published).
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.db import Base
from vocabulary import areas
from vocabulary.categories import CATEGORIES

ID = String(36)


class ServiceStatus(str, enum.Enum):
    active = "active"
    inactive = "inactive"
    defunct = "defunct"
    temporarily_closed = "temporarily closed"


class PhoneType(str, enum.Enum):
    voice = "voice"
    text = "text"
    textphone = "textphone"


class Scope(str, enum.Enum):
    national = "national"
    local = "local"


def _enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    # Store the values ("temporarily closed"), not the member names, and use a CHECK
    # constraint rather than a native type so SQLite and PostgreSQL migrate alike.
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(500))
    uri: Mapped[str | None] = mapped_column(String(500))

    services: Mapped[list[Service]] = relationship(back_populates="organization")


class Service(Base):
    __tablename__ = "service"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"), index=True)
    slug: Mapped[str | None] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[ServiceStatus] = mapped_column(
        _enum(ServiceStatus, "service_status"), default=ServiceStatus.active, index=True
    )
    fees: Mapped[str | None] = mapped_column(Text)
    accreditations: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    assured_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    assurer_email: Mapped[str | None] = mapped_column(String(255))
    alert: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=lambda: dt.datetime.now(dt.UTC)
    )

    source: Mapped[str] = mapped_column(Text, default="")
    source_date: Mapped[dt.date | None] = mapped_column(Date)
    confidence: Mapped[str | None] = mapped_column(String(1))
    scope: Mapped[Scope] = mapped_column(_enum(Scope, "service_scope"), default=Scope.local)
    general: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[str | None] = mapped_column(String(32))
    referral: Mapped[str | None] = mapped_column(Text)
    hours_note: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    front_door: Mapped[str | None] = mapped_column(Text)
    confidentiality_review: Mapped[str | None] = mapped_column(String(20), index=True)
    confidentiality_note: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization | None] = relationship(back_populates="services")
    phones: Mapped[list[Phone]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Phone.position"
    )
    schedules: Mapped[list[Schedule]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Schedule.id"
    )
    service_areas: Mapped[list[ServiceArea]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceArea.id"
    )
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceAtLocation.id"
    )
    languages: Mapped[list[Language]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Language.id"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Contact.id"
    )
    attributes: Mapped[list[Attribute]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Attribute.id"
    )

    @property
    def is_assured(self) -> bool:
        return self.assured_date is not None

    def withheld_locations(self) -> list[Location]:
        """The locations whose whereabouts never leave the directory."""
        return [sal.location for sal in self.service_at_locations
                if self.confidential or sal.location.confidential]

    @property
    def whereabouts_withheld(self) -> bool:
        return self.confidential or any(sal.location.confidential for sal in self.service_at_locations)


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(50))
    type: Mapped[PhoneType] = mapped_column(_enum(PhoneType, "phone_type"), default=PhoneType.voice)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    service: Mapped[Service | None] = relationship(back_populates="phones")


class Schedule(Base):
    __tablename__ = "schedule"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    service_at_location_id: Mapped[str | None] = mapped_column(
        ForeignKey("service_at_location.id", ondelete="CASCADE")
    )
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    dtstart: Mapped[dt.date | None] = mapped_column(Date)
    freq: Mapped[str | None] = mapped_column(String(10))
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(String(40))
    bymonthday: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[dt.time | None] = mapped_column(Time)
    closes_at: Mapped[dt.time | None] = mapped_column(Time)
    schedule_link: Mapped[str | None] = mapped_column(String(500))
    attending_type: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service | None] = relationship(back_populates="schedules")


class ServiceArea(Base):
    __tablename__ = "service_area"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(255))
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(String(20))
    uri: Mapped[str | None] = mapped_column(String(500))
    gss_code: Mapped[str | None] = mapped_column(String(9), index=True)

    service: Mapped[Service] = relationship(back_populates="service_areas")


class Location(Base):
    __tablename__ = "location"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    easting: Mapped[int | None] = mapped_column(Integer)
    northing: Mapped[int | None] = mapped_column(Integer)
    external_identifier: Mapped[str | None] = mapped_column(String(255))
    external_identifier_type: Mapped[str | None] = mapped_column(String(255))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    public_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    addresses: Mapped[list[Address]] = relationship(
        back_populates="location", cascade="all, delete-orphan", order_by="Address.id"
    )


class Address(Base):
    __tablename__ = "address"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    attention: Mapped[str | None] = mapped_column(String(255))
    address_1: Mapped[str] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(255))
    region: Mapped[str | None] = mapped_column(String(255))
    state_province: Mapped[str] = mapped_column(String(255))
    postal_code: Mapped[str] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2), default="GB")
    address_type: Mapped[str] = mapped_column(String(20), default="physical")

    location: Mapped[Location] = relationship(back_populates="addresses")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship()


class Taxonomy(Base):
    __tablename__ = "taxonomy"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(20))

    terms: Mapped[list[TaxonomyTerm]] = relationship(
        back_populates="taxonomy", order_by="TaxonomyTerm.position"
    )


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_term.id"))
    taxonomy_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy.id"), index=True)
    term_uri: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)

    taxonomy: Mapped[Taxonomy | None] = relationship(back_populates="terms")
    parent: Mapped[TaxonomyTerm | None] = relationship(remote_side="TaxonomyTerm.id")


class Attribute(Base):
    """Links a service to a taxonomy term; `link_type` is category, need, eligibility or topic."""

    __tablename__ = "attribute"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    link_type: Mapped[str] = mapped_column(String(32), index=True)
    link_entity: Mapped[str] = mapped_column(String(32), default="service")
    taxonomy_term_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_term.id"), index=True)
    value: Mapped[str | None] = mapped_column(String(255))

    service: Mapped[Service] = relationship(back_populates="attributes")
    taxonomy_term: Mapped[TaxonomyTerm] = relationship()


class Language(Base):
    __tablename__ = "language"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    phone_id: Mapped[str | None] = mapped_column(ForeignKey("phone.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(20), index=True)
    note: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service | None] = relationship(back_populates="languages")


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    department: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))

    service: Mapped[Service | None] = relationship(back_populates="contacts")


class AuditEntry(Base):
    """Every change made through the commissioners' write interface."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC), index=True
    )
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class DirectoryRevision(Base):
    """A counter bumped in the same transaction as every change to the directory, so each
    process can cache the published services and notice at once when they change."""

    __tablename__ = "directory_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )


# Where a count belongs: a pilot area (vocabulary/areas.json), or no finer than "outside"
# or "unknown". Members are named like the ids, with underscores: InsightArea.warwickshire.
InsightArea = enum.Enum("InsightArea", [(value.replace("-", "_"), value)
                                        for value in (*areas.PILOT_AREA_IDS, areas.OUTSIDE, areas.UNKNOWN)],
                        type=str, module=__name__)
# The kinds of abuse (vocabulary/categories.py), and "not_recorded": outcomes the gateway sees
# (danger, quick exit, leaving) are not tied to a kind of abuse.
InsightCategory = enum.Enum("InsightCategory", [(value, value) for value in (*CATEGORIES, "not_recorded")],
                            type=str, module=__name__)


class InsightOutcome(str, enum.Enum):
    signposted_locally = "signposted_locally"
    national_only = "national_only"
    no_local_service = "no_local_service"
    danger_guidance_shown = "danger_guidance_shown"
    quick_exit_used = "quick_exit_used"
    left_before_answer = "left_before_answer"


class InsightCount(Base):
    """Commissioner insights (docs/insights.md): how many times an outcome happened, per UTC
    day, area and category. Only these five columns, incremented where the outcome happens;
    no conversation, text, postcode or time of day is ever stored."""

    __tablename__ = "insight_count"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    area: Mapped[InsightArea] = mapped_column(_enum(InsightArea, "insight_area"), primary_key=True)
    category: Mapped[InsightCategory] = mapped_column(
        _enum(InsightCategory, "insight_category"), primary_key=True
    )
    outcome: Mapped[InsightOutcome] = mapped_column(_enum(InsightOutcome, "insight_outcome"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class InsightDimension(str, enum.Enum):
    """Who was reached: one answer per conversation is counted under each dimension."""

    age_band = "age_band"
    identity = "identity"
    language = "language"
    about = "about"
    # Routes counted each time they are shown (worried about their own behaviour).
    route = "route"


class InsightReachValue(str, enum.Enum):
    under_18 = "under_18"
    adult = "adult"
    older = "60_or_over"
    men = "men"
    lgbt = "lgbt"
    men_and_lgbt = "men_and_lgbt"
    neither = "neither"
    self = "self"
    someone_else = "someone_else"
    en = "en"
    pl = "pl"
    ur = "ur"
    pa = "pa"
    gu = "gu"
    so = "so"
    ar = "ar"
    own_behaviour = "own_behaviour"
    not_said = "not_said"


# The values each dimension may take (api/insights/counting.py keeps to them).
REACH_VALUES: dict[InsightDimension, tuple[InsightReachValue, ...]] = {
    InsightDimension.age_band: (InsightReachValue.under_18, InsightReachValue.adult, InsightReachValue.older,
                                InsightReachValue.not_said),
    InsightDimension.identity: (InsightReachValue.men, InsightReachValue.lgbt, InsightReachValue.men_and_lgbt,
                                InsightReachValue.neither, InsightReachValue.not_said),
    InsightDimension.language: (InsightReachValue.en, InsightReachValue.pl, InsightReachValue.ur, InsightReachValue.pa,
                                InsightReachValue.gu, InsightReachValue.so, InsightReachValue.ar),
    InsightDimension.about: (InsightReachValue.self, InsightReachValue.someone_else, InsightReachValue.not_said),
    InsightDimension.route: (InsightReachValue.own_behaviour,),
}


class InsightReach(Base):
    """Who the assistant reached (docs/insights.md): per UTC day and area, how many
    conversations' first answers were for each age band, identity, language and for
    themselves or someone else, and how often the own-behaviour route was shown. Counted
    apart from insight_count, so no combination of these with a kind of abuse is stored."""

    __tablename__ = "insight_reach"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    area: Mapped[InsightArea] = mapped_column(_enum(InsightArea, "insight_area"), primary_key=True)
    dimension: Mapped[InsightDimension] = mapped_column(_enum(InsightDimension, "insight_dimension"), primary_key=True)
    value: Mapped[InsightReachValue] = mapped_column(_enum(InsightReachValue, "insight_reach_value"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Account(Base):
    """A named person who keeps the directory or reads the insights (docs/accounts.md).

    One role each: viewer, editor, assurer or administrator. `password_hash` is argon2id,
    or empty for an account that cannot sign in with a password. Revoking keeps the row,
    so the audit trail's names keep meaning someone."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The identity provider's issuer and subject, bound at the first OpenID Connect sign-in
    # with the account's email; after that only this subject can sign in as the account.
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC))
    created_by: Mapped[str] = mapped_column(String(255))


class ApiToken(Base):
    """A per-integration token with one role. Only the SHA-256 of its secret is stored: the
    secret is 256 random bits, so a slow hash adds nothing and would slow every request."""

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC))
    created_by: Mapped[str] = mapped_column(String(255))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyRecord(Base):
    """What the request that first used an Idempotency-Key asked for (api/routers/admin.py).

    Keyed by the service id the key names; `request_sha256` is the SHA-256 of the parsed
    request body, so resending the same key with another body is refused (422) rather than
    answered with a service the caller did not ask for."""

    __tablename__ = "idempotency_record"

    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC))
