"""The action server applies the directory's eligibility rules to its bundled national lines
(actions/national_helplines.py) when the directory cannot answer. The two copies live in
different environments (Rasa pins Python 3.10), so this checks that they agree for every
national service and every kind of person the assistant can describe."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from actions import national_helplines as bundle
from directory.db import Base, make_engine, make_sessionmaker
from directory.fallback import BUNDLE
from directory.loader import load_seed
from directory.models import Attribute, Scope, Service
from directory.signpost import Person, eligible, is_public

GENDERS = (None, "female", "male", "other")
LGBT = (None, False, True)
AGES = (None, 12, 17, 18, 30, bundle.OLDER_PERSON_AGE - 1, bundle.OLDER_PERSON_AGE, 80)
NEEDS = (None, "helpline", "own_behaviour", "sarc")


@pytest.fixture(scope="module")
def national_services():
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine).begin() as session:
        load_seed(session)
        services = session.scalars(
            select(Service)
            .where(Service.scope == Scope.national)
            .options(selectinload(Service.attributes).selectinload(Attribute.taxonomy_term))
        ).all()
        yield [s for s in services if is_public(s)]
    engine.dispose()


@pytest.fixture(scope="module")
def bundled_by_name():
    bundle.use_file(BUNDLE)
    return {s["name"]: s for s in bundle.load()}


def test_every_public_national_service_is_bundled(national_services, bundled_by_name):
    assert {s.name for s in national_services} == set(bundled_by_name)


def test_the_rules_exercise_every_audience(national_services):
    audiences = {s.audience for s in national_services}
    assert {"men", "lgbt", "children", "own_behaviour"} <= audiences


def test_bundle_and_directory_agree_for_every_person(national_services, bundled_by_name):
    disagreements = []
    for service in national_services:
        bundled = bundled_by_name[service.name]
        for gender, lgbt, age, need in itertools.product(GENDERS, LGBT, AGES, NEEDS):
            directory_says = eligible(service, Person(age=age, gender=gender, lgbt=lgbt), need)
            bundle_says = bundle.eligible(bundled, gender=gender, lgbt=lgbt, age=age, need=need)
            if directory_says != bundle_says:
                disagreements.append((service.name, gender, lgbt, age, need, directory_says, bundle_says))
    assert not disagreements, disagreements[:10]
