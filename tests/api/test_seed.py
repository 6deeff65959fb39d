"""The seed directory: every number true to its source, U records hidden, loading idempotent."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from directory.db import Base, make_engine, make_sessionmaker
from directory.loader import load_seed, read_seed_files, read_taxonomy, term_groups
from directory.models import Service
from directory.signpost import CATEGORIES, is_public
from tests.api.conftest import SHARED

NUMBER_LIKE = re.compile(r"(?<!\d)(\d(?:[ \-]?\d){4,11})(?!\d)")


def _digits(text: str) -> set[str]:
    return {re.sub(r"\D", "", match) for match in NUMBER_LIKE.findall(text)}


@pytest.fixture(scope="module")
def reference_numbers() -> set[str]:
    sources = [SHARED / "reference" / "helplines.md", *sorted((SHARED / "seeds").glob("*.txt"))]
    numbers: set[str] = set()
    for path in sources:
        numbers |= _digits(path.read_text(errors="ignore"))
    return numbers


@pytest.fixture(scope="module")
def seed_services():
    return [(f.area, s) for f in read_seed_files() for s in f.services]


def test_every_seed_phone_number_appears_in_the_reference_facts_or_seeds(seed_services, reference_numbers):
    for _area, service in seed_services:
        for phone in service.phones:
            digits = re.sub(r"\D", "", phone.number)
            assert digits in reference_numbers, f"{service.slug}: {phone.number} is not in shared/reference or seeds"


def test_the_phone_check_would_catch_an_invented_number(reference_numbers):
    assert "01632960123" not in reference_numbers  # Ofcom drama number: must never look sourced


def test_every_service_carries_its_source_and_date(seed_services):
    for _area, service in seed_services:
        assert service.source.strip(), service.slug
        assert service.source_date.year >= 2021, service.slug


def test_unverified_services_have_no_phone_and_are_not_assured(seed_services):
    unverified = [s for _a, s in seed_services if s.confidence == "U"]
    assert {s.slug for s in unverified} == {"derby-derbyshire-sarc", "sv2", "jasmine-house", "emcypsas-llr"}
    assert all(not s.phones for s in unverified)


def test_national_helplines_from_the_reference_are_all_there(seed_services):
    national = {s.name for a, s in seed_services if a == "national"}
    for expected in ("National Domestic Abuse Helpline", "Rape Crisis 24/7 Rape and Sexual Abuse Support Line",
                     "National Stalking Helpline", "Karma Nirvana Honour-Based Abuse Helpline",
                     "Forced Marriage Unit", "NSPCC FGM Helpline", "Men's Advice Line", "Galop",
                     "Respect Phoneline", "Childline", "Samaritans"):
        assert expected in national


def test_every_category_has_a_national_line(seed_services):
    for category in CATEGORIES:
        assert any(a == "national" and category in s.categories and s.phones for a, s in seed_services), category


def test_seed_terms_exist_in_the_taxonomy(seed_services):
    groups = term_groups(read_taxonomy())
    for _area, service in seed_services:
        for code in service.categories:
            assert groups[code] == "category"
        for code in service.needs:
            assert groups[code] == "need"
        for code in service.eligibility:
            assert groups[code] == "eligibility"


def test_loading_twice_adds_nothing_and_keeps_commissioner_edits():
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        first = load_seed(session)
        rosa = session.scalar(select(Service).where(Service.slug == "rosa"))
        rosa.description = "Edited by a commissioner"
    with sessions.begin() as session:
        assert load_seed(session) == 0
        assert session.scalar(select(func.count(Service.id))) == first
        assert session.scalar(select(Service.description).where(Service.slug == "rosa")) == "Edited by a commissioner"
        hidden = session.scalars(select(Service).where(Service.confidence == "U")).all()
        assert hidden and not any(is_public(s) for s in hidden)
