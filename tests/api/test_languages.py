"""Signpost in the pilot areas' languages: every text the assistant, the widget, the staff
finder and the gateway show exists in every offered language with the same placeholders
and the same numbers; the widget fetches one language's strings; the staff finder and the
gateway speak it; /signpost prefers services that speak it or arrange interpreters."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from api.chat.fallback import degraded_messages
from api.i18n import languages
from tests.api.oruk_schemas import assert_valid

LOCALES = Path(__file__).resolve().parents[2] / "locales"
# What the assistant, the widget, the staff finder and the gateway show: translated.
TRANSLATED = ("chat", "safety", "info", "services", "staff", "gateway", "widget", "knowledge")
# Shown only to commissioners and the demo pages' fictional hosts: English only.
ENGLISH_ONLY = ("insights", "accounts")  # staff pages: English only (docs/accounts.md)
ENGLISH_ONLY_SUBTREES = ("widget.pages",)  # the fictional council's and partner's own words
PLACEHOLDER = re.compile(r"%\{(\w+)\}")
DIGITS = re.compile(r"\d+")
OTHER_LOCALES = [code for code in languages() if code != "en"]


def flatten(node, prefix: str) -> dict[str, object]:
    if not isinstance(node, dict):
        return {prefix: node}
    flat: dict[str, object] = {}
    for key, child in node.items():
        flat.update(flatten(child, f"{prefix}.{key}"))
    return flat


def texts(namespace: str, locale: str) -> dict[str, object]:
    document = yaml.safe_load((LOCALES / f"{namespace}.{locale}.yml").read_text(encoding="utf-8"))
    flat = flatten(document[locale], namespace)
    return {k: v for k, v in flat.items() if not k.startswith(tuple(s + "." for s in ENGLISH_ONLY_SUBTREES))}


def test_every_namespace_is_translated_or_said_to_be_english_only():
    namespaces = {path.name.split(".")[0] for path in LOCALES.glob("*.en.yml")}
    assert namespaces - set(TRANSLATED) - set(ENGLISH_ONLY) == set()
    assert set(TRANSLATED) <= namespaces
    for namespace in ENGLISH_ONLY:
        assert not [p.name for p in LOCALES.glob(f"{namespace}.*.yml") if not p.name.endswith(".en.yml")]


def test_the_offered_languages_say_who_translated_them_and_whether_it_was_reviewed():
    offered = languages()
    assert list(offered) == ["en", "pl", "ur", "pa", "gu", "so", "ar"]
    for code, meta in offered.items():
        assert meta["name"] and meta["script"] and meta["translated_by"], code
        assert meta["direction"] == ("rtl" if code in ("ur", "ar") else "ltr"), code
        assert isinstance(meta["reviewed"], bool), code
    assert offered["pa"]["script"] == "Gurmukhi"
    # Machine drafts say so until a native speaker has checked them.
    for code in OTHER_LOCALES:
        if offered[code]["translated_by"].startswith("machine draft"):
            assert offered[code]["reviewed"] is False and offered[code]["reviewed_by"] is None, code


@pytest.mark.parametrize("locale", OTHER_LOCALES)
@pytest.mark.parametrize("namespace", TRANSLATED)
def test_every_text_is_in_every_language_with_the_same_placeholders_and_numbers(namespace, locale):
    english, translated = texts(namespace, "en"), texts(namespace, locale)
    assert sorted(set(english) - set(translated)) == [], "missing"
    assert sorted(set(translated) - set(english)) == [], "not in English"
    for key, text in translated.items():
        assert isinstance(text, str) and text.strip(), key  # a bare Yes in YAML is a boolean
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english[key])), key
        # Numbers exactly as in English, in Western digits: no number added, dropped or changed.
        assert sorted(DIGITS.findall(text)) == sorted(DIGITS.findall(english[key])), key


@pytest.mark.parametrize("locale", list(languages()))
def test_the_emergency_guidance_keeps_every_route_in_every_language(locale):
    guidance = texts("safety", locale)["safety.emergency.guidance"]
    for route in ("999", "55", "18000", "999 BSL", "999bsl.co.uk", "emergencySMS"):
        assert route in guidance, route
    assert guidance.index("999") < guidance.index("55") < guidance.index("18000")
    for key, namespace in (("widget.fallback_emergency", "widget"), ("staff.card.emergency", "staff")):
        text = texts(namespace, locale)[key]
        assert "999" in text and "55" in text, key


@pytest.mark.parametrize("locale", [code for code, meta in languages().items() if meta["direction"] == "rtl"])
def test_latin_text_ending_in_a_sign_keeps_its_sign_in_right_to_left_text(locale):
    found = {key: text for namespace in TRANSLATED for key, text in texts(namespace, locale).items()
             if "LGBT+" in text}
    assert found, "no LGBT+ to check"
    for key, text in found.items():
        assert text.count("LGBT+") == text.count("LGBT+\u200e"), key  # else it reads "+LGBT"


def test_the_placeholders_and_numbers_check_can_fail(tmp_path):
    english = {"call_number": "Call %{number}", "ended": "If you're ever in danger, call 999."}
    wrong = {"call_number": "Zadzwoń %{numer}", "ended": "Jeśli grozi Ci niebezpieczeństwo, zadzwoń pod 112."}
    assert PLACEHOLDER.findall(wrong["call_number"]) != PLACEHOLDER.findall(english["call_number"])
    assert DIGITS.findall(wrong["ended"]) != DIGITS.findall(english["ended"])


# The gateway's own replies


@pytest.mark.parametrize("locale", list(languages()))
def test_the_gateway_degraded_reply_is_in_the_sessions_language(locale):
    danger, services = degraded_messages(locale)
    assert danger["text"] == texts("safety", locale)["safety.emergency.guidance"]
    assert services["text"].startswith(texts("gateway", locale)["gateway.degraded.intro"])
    assert "National Domestic Abuse Helpline: 0808 2000 247" in services["text"]


# The widget's strings


def test_the_widget_script_carries_english_and_the_list_of_languages_only(read_client):
    script = read_client.get("/widget/signpost.js").text
    assert '"launcher":"Get support"' in script
    assert '["ur","اردو","rtl"]' in script and '["pa","ਪੰਜਾਬੀ","ltr"]' in script
    assert "مدد حاصل کریں" not in script  # Urdu's own strings are fetched only when chosen
    assert "\n//" not in script  # served without its comments


@pytest.mark.parametrize("locale", list(languages()))
def test_each_languages_widget_strings_are_served_for_the_script_to_fetch(read_client, locale):
    response = read_client.get(f"/widget/strings/{locale}.json")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"].startswith("public")
    document = response.json()
    assert document["language"] == locale
    assert document["direction"] == languages()[locale]["direction"]
    assert document["reviewed"] is languages()[locale]["reviewed"]
    english = {k.removeprefix("widget.") for k in texts("widget", "en")}
    assert set(document["strings"]) == english


@pytest.mark.parametrize("locale", ["fr", "xx", "EN", "urdu", "u"])
def test_a_language_not_offered_has_no_widget_strings(read_client, locale):
    assert read_client.get(f"/widget/strings/{locale}.json").status_code in (404, 422)


# The staff finder


def test_the_staff_finder_in_urdu_is_right_to_left_and_keeps_its_language(read_client):
    page = read_client.get("/staff", params={"lang": "ur", "area": "warwickshire", "category": "forced_marriage"})
    assert page.status_code == 200
    html = page.text
    assert '<html lang="ur" dir="rtl">' in html
    assert texts("staff", "ur")["staff.language.unreviewed"] in html
    assert texts("staff", "ur")["staff.title"] in html
    for code, meta in languages().items():
        assert f'<option value="{code}" lang="{code}" dir="{meta["direction"]}"' in html
    assert '<input type="hidden" name="lang" value="ur">' in html  # the search and the card forms
    assert 'name="category" value="forced_marriage"' in html  # the picker asks the same search again
    english = read_client.get("/staff").text
    assert '<html lang="en" dir="ltr">' in english and texts("staff", "en")["staff.language.unreviewed"] not in english


def test_a_postcode_search_keeps_the_language_through_the_redirect(read_client):
    response = read_client.get("/staff", params={"lang": "pl", "place": "CV11 4HL", "category": "stalking"},
                               follow_redirects=False)
    assert response.status_code == 303
    assert "lang=pl" in response.headers["location"] and "CV11" not in response.headers["location"]


def test_the_referral_card_can_be_printed_in_the_persons_language(read_client):
    results = read_client.get("/staff", params={"lang": "gu", "area": "warwickshire", "category": "domestic_abuse"})
    ids = re.findall(r'name="service" value="([0-9a-f-]{36})"', results.text)[:2]
    card = read_client.get("/staff/card", params={"service": ids, "lang": "gu"})
    assert card.status_code == 200
    assert '<html lang="gu" dir="ltr">' in card.text
    assert texts("staff", "gu")["staff.card.emergency"] in card.text
    assert 'href="/staff?lang=gu"' in card.text


# /signpost: services that speak the language, or arrange interpreters, first


SPEAKS_URDU = {
    "area": "warwickshire", "name": "Example Urdu-speaking Outreach", "organization": "Example Charity",
    "description": "One-to-one support for survivors of domestic abuse, in English and Urdu.",
    "url": "https://example.org/urdu", "categories": ["domestic_abuse"], "needs": ["specialist_support"],
    "eligibility": ["self_referral", "languages_spoken"],
    "languages": [{"code": "ur", "name": "Urdu"}, {"code": "en", "name": "English"}],
    "phones": [{"number": "01632 960 002", "type": "voice"}],
    "source": "Commissioning contract, Warwickshire County Council", "source_date": "2026-11-01", "assured": True,
}
INTERPRETERS = {
    **SPEAKS_URDU, "name": "Example Interpreted Outreach", "url": "https://example.org/interpreted",
    "description": "One-to-one support for survivors of domestic abuse, with an interpreter if you need one.",
    "eligibility": ["self_referral", "interpreters"], "languages": [],
    "phones": [{"number": "01632 960 003", "type": "voice"}],
}


def _local_names(client, **params) -> list[str]:
    document = client.get("/signpost", params={"area": "warwickshire", "category": "domestic_abuse", **params}).json()
    return [s["name"] for s in document["services"] if s["group"] == "local"]


def test_signpost_prefers_services_in_the_language_then_interpreters_and_hides_none(client, admin_headers):
    created = [client.post("/admin/services", json=s, headers=admin_headers) for s in (SPEAKS_URDU, INTERPRETERS)]
    assert [r.status_code for r in created] == [201, 201], [r.json() for r in created]
    plain = _local_names(client)
    in_urdu = _local_names(client, language="ur")
    in_punjabi = _local_names(client, language="pa-Guru")
    assert sorted(plain) == sorted(in_urdu) == sorted(in_punjabi)  # nobody hidden
    assert in_urdu[:2] == ["Example Urdu-speaking Outreach", "Example Interpreted Outreach"]
    assert in_punjabi[0] == "Example Interpreted Outreach"
    assert plain[:2] != in_urdu[:2] or plain == in_urdu  # English asks for no preference
    assert _local_names(client, language="en") == plain

    answer = client.get("/signpost", params={"area": "warwickshire", "category": "domestic_abuse",
                                             "language": "ur"}).json()["services"]
    first, second = answer[0], answer[1]
    assert (first["languages"], first["interpreters"]) == (["en", "ur"], False)
    assert (second["languages"], second["interpreters"]) == ([], True)


def test_language_records_are_valid_oruk(client, admin_headers):
    created = client.post("/admin/services", json=SPEAKS_URDU, headers=admin_headers).json()
    record = client.get(f"/services/{created['id']}").json()
    assert_valid(record, "service.json")
    assert {(lang["code"], lang["name"]) for lang in record["languages"]} == {("ur", "Urdu"), ("en", "English")}
    for lang in record["languages"]:
        assert_valid(lang, "language.json")
        assert lang["service_id"] == created["id"]
