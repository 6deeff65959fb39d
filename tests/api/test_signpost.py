"""/signpost: the ordered answer the bot and staff show. Never empty, anywhere in England."""
from __future__ import annotations

import pytest

from directory.signpost import CATEGORIES

PLACES = [
    {"postcode": "CV11 4HL"},            # Nuneaton, Warwickshire
    {"postcode": "LE1 6ZG"},             # Leicester
    {"postcode": "LE15 6RB"},            # Oakham, Rutland
    {"postcode": "S40 1LP"},             # Chesterfield, Derbyshire
    {"area": "derby-derbyshire"},
    {"area": "outside"},
    {},
]


def names(document: dict) -> list[str]:
    return [s["name"] for s in document["services"]]


def test_nuneaton_sexual_violence_lists_local_help_before_rape_crisis(read_client):
    response = read_client.get("/signpost", params={"postcode": "CV11 4HL", "category": "sexual_violence"})
    assert response.status_code == 200
    document = response.json()
    assert document["area"] == {"id": "warwickshire", "name": "Warwickshire"}
    assert document["local_authority"]["name"] == "Nuneaton and Bedworth"
    order = names(document)
    rape_crisis = order.index("Rape Crisis 24/7 Rape and Sexual Abuse Support Line")
    for local in ("RoSA", "Safeline", "The Blue Sky Centre (Sexual Assault Referral Centre)"):
        assert order.index(local) < rape_crisis
    # the dedicated national line comes first among the national ones
    national = [s["name"] for s in document["services"] if s["group"] == "national"]
    assert national[0] == "Rape Crisis 24/7 Rape and Sexual Abuse Support Line"


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("place", PLACES, ids=lambda p: next(iter(p.values()), "nowhere"))
def test_never_empty_and_every_number_sourced(read_client, category, place):
    response = read_client.get("/signpost", params={"category": category, **place})
    assert response.status_code == 200, response.json()
    services = response.json()["services"]
    assert any(s["phones"] for s in services)
    for service in services:
        assert service["source"] and service["assured_date"]
        for phone in service["phones"]:
            assert phone["uri"].startswith("tel:" if phone["type"] == "voice" else "sms:")


def test_outside_the_pilot_gets_national_services_only(read_client):
    document = read_client.get("/signpost", params={"postcode": "M1 1AE", "category": "domestic_abuse"}).json()
    assert document["area_status"] == "outside_pilot"
    assert document["local_authority"]["name"] == "Manchester"
    assert {s["scope"] for s in document["services"]} == {"national"}
    assert names(document)[0] == "National Domestic Abuse Helpline"


def test_coventry_outside_the_pilot_gets_the_boundary_services_the_reference_names(read_client):
    document = read_client.get("/signpost", params={"postcode": "CV1 1GF", "category": "domestic_abuse"}).json()
    assert document["area_status"] == "outside_pilot"
    assert document["local_authority"]["code"] == "E08000026"
    assert names(document)[0] == 'Coventry Haven "Safe to Talk"'
    assert "Refuge - Warwickshire Domestic Violence and Abuse Service" not in names(document)


def test_coventry_still_gets_the_blue_sky_centre_it_shares_with_warwickshire(read_client):
    document = read_client.get("/signpost", params={"postcode": "CV1 1GF", "category": "sexual_violence"}).json()
    assert "The Blue Sky Centre (Sexual Assault Referral Centre)" in names(document)


def test_leicester_city_does_not_get_the_county_only_service(read_client):
    city = names(read_client.get("/signpost", params={"postcode": "LE1 6ZG", "category": "domestic_abuse"}).json())
    county = names(read_client.get("/signpost", params={"postcode": "LE18 4AB", "category": "domestic_abuse"}).json())
    assert "Living Without Abuse" not in city
    assert "Living Without Abuse" in county
    assert "Freeva (Free From Violence and Abuse)" in city and "Freeva (Free From Violence and Abuse)" in county


def test_specialist_lines_come_first_for_the_person_and_the_rest_stay(read_client):
    base = {"area": "warwickshire", "category": "domestic_abuse"}
    default = names(read_client.get("/signpost", params=base).json())
    assert "Men's Advice Line" not in default and "Galop" not in default
    men = names(read_client.get("/signpost", params={**base, "gender": "male"}).json())
    assert men[:2] == ["Men's Advice Line", "Mankind Initiative"]
    assert "Refuge - Warwickshire Domestic Violence and Abuse Service" in men[:6]
    assert "National Domestic Abuse Helpline" in men[:6]
    lgbt = names(read_client.get("/signpost", params={**base, "lgbt": "true"}).json())
    assert lgbt[0] == "Galop" and "National Domestic Abuse Helpline" in lgbt[:6]


def test_under_18_gets_childline_and_not_adult_only_services(read_client):
    young = names(read_client.get("/signpost", params={"postcode": "LE1 6ZG", "category": "sexual_violence", "age": 15}).json())
    assert "Childline" in young
    assert "Juniper Lodge Sexual Assault Referral Centre" not in young     # 18+
    assert "Rape Crisis 24/7 Rape and Sexual Abuse Support Line" not in young  # 16+
    adult = names(read_client.get("/signpost", params={"postcode": "LE1 6ZG", "category": "sexual_violence", "age": 30}).json())
    assert "Childline" not in adult and "Juniper Lodge Sexual Assault Referral Centre" in adult


def test_women_only_services_are_not_offered_to_men(read_client):
    men = names(read_client.get("/signpost", params={"area": "warwickshire", "category": "forced_marriage", "gender": "male"}).json())
    assert "Rights of Women family law advice line" not in men
    assert "Karma Nirvana Honour-Based Abuse Helpline" in men


def test_requested_need_comes_first(read_client):
    document = read_client.get("/signpost", params={"area": "warwickshire", "category": "domestic_abuse", "need": "counselling"}).json()
    local = [s for s in document["services"] if s["group"] == "local"]
    assert all("counselling" in s["needs"] for s in local[:2])
    assert "counselling" not in local[2]["needs"]
    # a service only professionals can refer to comes after the ones a person can call
    assert "professional_referral_only" in local[-1]["eligibility"]["attributes"]


def test_worried_about_own_behaviour_gets_the_respect_phoneline(read_client):
    document = read_client.get("/signpost", params={"category": "domestic_abuse", "need": "own_behaviour"}).json()
    assert names(document)[0] == "Respect Phoneline"
    assert "National Domestic Abuse Helpline" not in names(document)
    assert "Respect Phoneline" not in names(read_client.get("/signpost", params={"category": "domestic_abuse"}).json())


def test_honour_based_abuse_in_warwickshire_also_offers_local_domestic_abuse_help(read_client):
    document = read_client.get("/signpost", params={"area": "warwickshire", "category": "honour_based_abuse"}).json()
    order = names(document)
    assert order.index("Karma Nirvana Honour-Based Abuse Helpline") < order.index(
        "Refuge - Warwickshire Domestic Violence and Abuse Service")


def test_answer_fields_for_a_small_screen(read_client):
    service = read_client.get("/signpost", params={"category": "domestic_abuse"}).json()["services"][0]
    assert service["name"] == "National Domestic Abuse Helpline"
    assert service["phones"][0] == {"number": "0808 2000 247", "type": "voice", "description": None,
                                    "uri": "tel:08082000247"}
    assert service["open_now"] is True and service["open_24_7"] is True
    assert service["hours"] == "24 hours a day, every day"
    assert service["free_to_call"] is True


def test_text_lines_are_sms_links(read_client):
    document = read_client.get("/signpost", params={"area": "warwickshire", "category": "sexual_violence"}).json()
    safeline = next(s for s in document["services"] if s["name"] == "Safeline")
    assert {"number": "07860 027 573", "type": "text", "description": None, "uri": "sms:07860027573"} in safeline["phones"]


def test_postcode_and_area_together_are_refused(read_client):
    response = read_client.get("/signpost", params={"category": "stalking", "postcode": "CV11 4HL", "area": "warwickshire"})
    assert response.status_code == 422


def test_a_postcode_without_a_council_offers_help_from_each_candidate(read_client):
    # CV12 2AB exists in the ONS data without a council; its outward code straddles
    # Nuneaton and Bedworth and Coventry, so the answer covers both.
    document = read_client.get("/signpost", params={"postcode": "CV12 2AB", "category": "sexual_violence"}).json()
    assert document["area_status"] == "ambiguous"
    assert {"RoSA", "The Blue Sky Centre (Sexual Assault Referral Centre)"} <= set(names(document))
