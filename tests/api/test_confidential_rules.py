"""What looks like safe accommodation, what whereabouts look like in text, and the seed."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import yaml
from sqlalchemy import select

from directory.confidential import (
    SAFE_ACCOMMODATION_WORDS,
    WITHHELD,
    Redactor,
    looks_like_safe_accommodation,
    reveals_whereabouts,
    safe_accommodation_word,
)
from directory.db import Base, make_engine, make_sessionmaker
from directory.loader import load_seed
from directory.models import Location, Service
from tests.api.conftest import REPO

OFFERED = ["pl", "ur", "pa", "gu", "so", "ar"]


@pytest.mark.parametrize("locale", OFFERED)
def test_the_staff_finders_word_for_a_refuge_is_recognised_in_every_language(locale):
    """The finder's own name for the need, in each language, without its English gloss."""
    document = yaml.safe_load((REPO / "locales" / f"staff.{locale}.yml").read_text(encoding="utf-8"))
    label = document[locale]["needs"]["safe_accommodation"]
    native = re.sub(r"\(refuge\)", "", label).strip()
    assert "refuge" not in native.casefold()
    assert safe_accommodation_word(native), f"{locale}: {native!r}"
    assert SAFE_ACCOMMODATION_WORDS[locale]


@pytest.mark.parametrize(("text", "word"), [
    ("Amber House Refuge", "refuge"), ("Refuges in Rugby", "refuge"), ("SAFE  HOUSE for women", "safe  house"),
    ("Schroniska dla kobiet", "schronisk"), ("ملجأ للنساء", "ملجأ"), ("Hoy ammaan ah", "hoy ammaan"),
    ("Dar ul Aman Leicester", "dar ul aman"),
])
def test_look_alikes_are_recognised(text, word):
    assert safe_accommodation_word(text) == word


@pytest.mark.parametrize("text", [
    "Juniper Lodge Sexual Assault Referral Centre", "Prefuge Ltd", "Counselling and therapy", None, "",
])
def test_other_services_are_not(text):
    assert safe_accommodation_word(text) is None


def test_the_need_alone_is_enough():
    reason = looks_like_safe_accommodation({"the service's name": "Housing project"}, ["safe_accommodation"])
    assert reason == "it is linked to the taxonomy term 'safe_accommodation'"
    assert looks_like_safe_accommodation({"the service's name": "Housing project"}, ["counselling"]) is None


@pytest.mark.parametrize("text", [
    "At 14 Sycamore Crescent", "12a St Oswald's Road, Leicester", "Flat 3, 14-16 Market Place",
    "CV11 6BU", "cv116bu", "near LE3 6RJ", "52.5260, -1.4480", "[-1.448, 52.526]", "435000 336000",
])
def test_whereabouts_in_text_are_found_and_withheld(text):
    assert reveals_whereabouts(text)
    redacted = Redactor()(text)
    assert WITHHELD in redacted
    assert not reveals_whereabouts(redacted)


@pytest.mark.parametrize("text", [
    "Call 0800 408 1552, open 24 hours a day", "Weekdays 8am to 8pm, weekends 10am to 4pm",
    "For people aged 16 and over", "up to 10 sessions face to face or online", "Text 07860 027573",
])
def test_ordinary_text_is_left_alone(text):
    assert not reveals_whereabouts(text)
    assert Redactor()(text) == text


def test_a_withheld_address_is_found_however_it_is_written():
    address = SimpleNamespace(address_1="14 Sycamore Crescent", attention=None, postal_code="CV11 6BU")
    location = SimpleNamespace(addresses=[address], latitude=52.526, longitude=-1.448, easting=None, northing=None)
    redact = Redactor.for_places([location])
    for text in ("the house on sycamore   crescent", "postcode cv11 6bu", "lat 52.5261", "Sycamore Crescent."):
        assert "sycamore" not in redact(text).lower() and "6bu" not in redact(text).lower()
        assert "52.526" not in redact(text)
    assert redact.exact()("1 Church Street, CV11 4HL") == "1 Church Street, CV11 4HL"


def test_the_seed_is_unaffected():
    """No location in the seed is a refuge's: the SARCs' addresses stay public, and the one
    seed service that offers refuge accommodation (Refuge Warwickshire) has no address."""
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine).begin() as session:
        load_seed(session)
        services = list(session.scalars(select(Service)))
        assert not [s.slug for s in services if s.confidential or s.whereabouts_withheld or s.confidentiality_review]
        assert not [location.name for location in session.scalars(select(Location)) if location.confidential]
        refuge = next(s for s in services if s.slug == "refuge-warwickshire")
        assert looks_like_safe_accommodation({"name": refuge.name}, []) and not refuge.service_at_locations
        juniper = next(s for s in services if s.slug == "juniper-lodge-sarc")
        assert juniper.service_at_locations[0].location.addresses[0].address_1 == "71 St Oswald's Road"
    engine.dispose()
