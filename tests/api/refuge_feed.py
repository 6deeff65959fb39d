"""A council's ORUK feed with refuge addresses in every shape we could think of, and the
whereabouts that must never leave the directory once it is imported.

Every place is real (the postcodes resolve, so proximity search can measure them) and in
Warwickshire, so the services are local answers there. Each refuge has a public phone line:
its front door.
"""
from __future__ import annotations

import copy

from directory.ids import stable_id

WARWICKSHIRE = ["E07000218", "E07000219", "E07000220", "E07000221", "E07000222"]
ASSURED = "2026-11-01"
SAFE_ACCOMMODATION_TERM = stable_id("taxonomy_term", "safe_accommodation")
DOMESTIC_ABUSE_TERM = stable_id("taxonomy_term", "domestic_abuse")


def _id(*parts: object) -> str:
    return stable_id("refuge-feed", *parts)


def _service(key: str, name: str, description: str, *, locations: list[dict] | None = None,
             attributes: list[str] = (), extension: dict | None = None, phone: str = "0800 408 1552",
             phone_description: str | None = None, schedule_note: str | None = None) -> dict:
    service_id = _id(key)
    record = {
        "id": service_id, "name": name, "description": description, "status": "active",
        "assured_date": ASSURED, "organization_id": _id("org"),
        "organization": {"id": _id("org"), "name": "Example Women's Aid", "description": ""},
        "phones": [{"id": _id(key, "phone"), "number": phone, "type": "voice",
                    **({"description": phone_description} if phone_description else {})}],
        "schedules": ([{"id": _id(key, "schedule"), "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR",
                        "opens_at": "09:00", "closes_at": "17:00", "notes": schedule_note}]
                      if schedule_note else []),
        "service_areas": [{"id": _id(key, "area", code), "name": code,
                           "uri": f"http://statistics.data.gov.uk/id/statistical-geography/{code}"}
                          for code in WARWICKSHIRE],
        "attributes": [{"id": _id(key, "attribute", code), "link_type": group, "taxonomy_term_id": term}
                       for code, group, term in [("domestic_abuse", "category", DOMESTIC_ABUSE_TERM),
                                                 *[(a, "need", SAFE_ACCOMMODATION_TERM) for a in attributes]]],
        "service_at_locations": [],
        "signpost": {"source": "Example council ORUK feed", "source_date": ASSURED, **(extension or {})},
    }
    for index, location in enumerate(locations or []):
        record["service_at_locations"].append({
            "id": _id(key, "sal", index), "service_id": service_id, "location_id": location["id"],
            "location": location,
        })
    return record


def _location(key: str, index: int, *, name: str | None = None, description: str | None = None,
              address_1: str | None = None, city: str = "Nuneaton", postal_code: str | None = None,
              latitude: float | None = None, longitude: float | None = None, extension: dict | None = None) -> dict:
    location_id = _id(key, "location", index)
    location = {"id": location_id, "location_type": "physical"}
    for field, value in (("name", name), ("description", description), ("latitude", latitude),
                         ("longitude", longitude), ("signpost", extension)):
        if value is not None:
            location[field] = value
    if address_1:
        location["addresses"] = [{"id": _id(key, "address", index), "location_id": location_id,
                                  "address_1": address_1, "city": city, "state_province": "Warwickshire",
                                  "postal_code": postal_code, "country": "GB", "address_type": "physical"}]
    return location


# What must never come out: each refuge's address line, street, postcode (as written and
# without its space) and coordinates, as a test would search for them.
SECRETS = [
    "14 Sycamore Crescent", "Sycamore Crescent", "CV11 6BU", "CV116BU", "52.5260", "-1.4480",
    "27 Larch Avenue", "Larch Avenue", "CV21 2DN", "CV212DN", "52.3702", "-1.2630",
    "9 Rowan Way", "Rowan Way", "CV12 8NF", "CV128NF",
    "52.4790", "-1.4710",
    "3 Poplar Close", "Poplar Close", "CV34 4RR", "CV344RR",
    "6 Hawthorn Road", "Hawthorn Road", "CV37 6HB", "CV376HB",
    "11 Beech Grove", "Beech Grove", "CV10 7DJ", "CV107DJ",
    "40 Willow Lane", "Willow Lane", "CV21 3AA", "CV213AA", "52.3650", "-1.2540",
    "2 Alder Mews", "Alder Mews", "CV11 5TY", "CV115TY",
]


def refuge_feed() -> list[dict]:
    feed = copy.deepcopy([
        # The address where ORUK puts it: in the location, with its coordinates, and the
        # street again in a phone's description.
        _service("in-location", "Amber House Refuge", "Refuge accommodation for women and children.",
                 locations=[_location("in-location", 0, name="Amber House", address_1="14 Sycamore Crescent",
                                      postal_code="CV11 6BU", latitude=52.5260, longitude=-1.4480)],
                 phone_description="ask for the house on Sycamore Crescent"),
        # Only in the service's own description, with coordinates, and no location at all.
        _service("in-description", "Rugby Safe House",
                 "Our safe house is at 27 Larch Avenue, Rugby CV21 2DN (52.3702, -1.2630). Call first.",
                 schedule_note="Staff at 27 Larch Avenue from 9am"),
        # In the service at location: the location's name and description, no address object.
        _service("in-service-at-location", "Bedworth Women's Sanctuary", "Somewhere safe to stay.",
                 locations=[_location("in-service-at-location", 0, name="9 Rowan Way",
                                      description="9 Rowan Way, Bedworth CV12 8NF, behind the library")]),
        # Coordinates only, named in Polish.
        _service("coordinates-only", "Schronisko dla kobiet", "Pomoc dla kobiet i dzieci.",
                 locations=[_location("coordinates-only", 0, latitude=52.4790, longitude=-1.4710)]),
        # A neutral name: only the safe_accommodation need says what it is.
        _service("need-only", "Women's Housing Project", "Housing support for women leaving abuse.",
                 attributes=["safe_accommodation"],
                 locations=[_location("need-only", 0, address_1="3 Poplar Close", city="Warwick",
                                      postal_code="CV34 4RR")]),
        # Named in Urdu.
        _service("urdu", "خواتین کے لیے پناہ گاہ", "خواتین اور بچوں کے لیے",
                 locations=[_location("urdu", 0, address_1="6 Hawthorn Road", city="Stratford-upon-Avon",
                                      postal_code="CV37 6HB")]),
        # The feed says the location is public: withheld all the same until a commissioner confirms.
        _service("feed-says-public", "Nuneaton Refuge", "A refuge for women.",
                 locations=[_location("feed-says-public", 0, address_1="11 Beech Grove", postal_code="CV10 7DJ",
                                      extension={"confidential": False})]),
        # The feed itself marks the service confidential, address and coordinates included.
        _service("feed-says-confidential", "Willow Project", "Accommodation-based support.",
                 extension={"confidential": True, "front_door": "Call 0800 408 1552 and ask for the Willow Project."},
                 locations=[_location("feed-says-confidential", 0, address_1="40 Willow Lane", city="Rugby",
                                      postal_code="CV21 3AA", latitude=52.3650, longitude=-1.2540)]),
        # A location the feed marks confidential on a service that does not look like a refuge.
        _service("location-says-confidential", "Outreach Hub", "Outreach for survivors of domestic abuse.",
                 locations=[_location("location-says-confidential", 0, address_1="2 Alder Mews",
                                      postal_code="CV11 5TY", extension={"confidential": True})]),
        # The control: an ordinary drop-in centre, whose address is public and measurable.
        _service("control", "Nuneaton Advice Drop-in", "Advice on housing, money and safety.",
                 locations=[_location("control", 0, name="Drop-in centre", address_1="1 Church Street",
                                      postal_code="CV11 4HL", latitude=52.5200, longitude=-1.4650)]),
    ])
    # HSDS 3.0 lets a service at location carry its own description: an address there too.
    feed[2]["service_at_locations"][0]["description"] = "At 9 Rowan Way, CV12 8NF"
    # A term of the feed's own taxonomy, published on its own at /taxonomy_terms.
    feed[0]["attributes"].append({
        "id": _id("in-location", "attribute", "own-term"), "link_type": "need",
        "taxonomy_term_id": _id("own-term"),
        "taxonomy_term": {"name": "Refuge, 14 Sycamore Crescent CV11 6BU",
                          "description": "The house at 52.5260, -1.4480"}})
    return feed


CONTROL = _id("control")
CONTROL_ADDRESS = "1 Church Street"
WITHHELD_SERVICES = [_id(key) for key in (
    "in-location", "in-description", "in-service-at-location", "coordinates-only", "need-only", "urdu",
    "feed-says-public", "feed-says-confidential", "location-says-confidential")]
WITHHELD_LOCATIONS = [_id(key, "location", 0) for key in (
    "in-location", "in-service-at-location", "coordinates-only", "need-only", "urdu", "feed-says-public",
    "feed-says-confidential", "location-says-confidential")]
WITHHELD_AT_LOCATIONS = [_id(key, "sal", 0) for key in (
    "in-location", "in-service-at-location", "coordinates-only", "need-only", "urdu", "feed-says-public",
    "feed-says-confidential", "location-says-confidential")]
