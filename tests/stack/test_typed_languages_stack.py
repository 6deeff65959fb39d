"""Whole conversations typed in another language, through the widget, the real gateway, Rasa
with the trained model and the action server: the assistant reads each answer, asks its next
question in the person's language, and reaches the local service for the place named inside
a sentence. Polish, Urdu, Somali, and Urdu typed in Latin letters as most people do on a
phone (issue 14). The messages are written here, never copied from the training data."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.stack.test_widget_languages_stack import words
from tests.stack.test_widget_stack import BBC, STUB_PAGE, cards, type_message

# A page that embeds the chat without naming its area (a national charity's, say), so the
# assistant asks where the person is.
NO_AREA_PAGE = """<!DOCTYPE html><html lang="en"><title>Support</title><h1>Support</h1>
<script src="/widget/signpost.js" data-exit-url="https://www.bbc.co.uk/weather" async></script></html>"""


def open_chat_without_area(page: Page, base: str) -> None:
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.route(base + "/support", lambda route: route.fulfill(status=200, content_type="text/html", body=NO_AREA_PAGE))
    page.goto(base + "/support")
    page.get_by_role("button", name="Get support").click()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("I'm Signpost", timeout=20000)


@dataclass(frozen=True)
class Typed:
    locale: str  # the language the replies must be in
    disclosure: str
    yes_me: str
    age: str
    neither: str
    place: str
    local_service: str


CONVERSATIONS = {
    "polish": Typed(
        "pl",
        "Mój partner sprawdza mi telefon, zabiera wypłatę i nie pozwala mi wychodzić z domu",
        "tak, chodzi o mnie",
        "mam 31 lat",
        "nie",
        "mieszkam w Nuneaton",
        "Refuge - Warwickshire Domestic Violence and Abuse Service",
    ),
    "urdu": Typed(
        "ur",
        "میرا شوہر مجھے گالیاں دیتا ہے اور مارتا ہے، سارے پیسے اپنے پاس رکھتا ہے",
        "جی ہاں، یہ میرے ساتھ ہو رہا ہے",
        "میری عمر 36 سال ہے",
        "نہیں",
        "میں Leicester میں رہتی ہوں",
        "Freeva (Free From Violence and Abuse)",
    ),
    "somali": Typed(
        "so",
        "ninkayga wuu i garaacaa oo lacagta oo dhan wuu iga qaataa",
        "haa, waa aniga",
        "waxaan ahay 29 sano",
        "maya",
        "waxaan ku noolahay Chesterfield",
        "Derbyshire Domestic Abuse Helpline (The Elm Foundation)",
    ),
    # No locale is written in Latin letters: understood, and answered in the page's language.
    "urdu in latin letters": Typed(
        "en",
        "mera husband mujhe marta hai aur kisi se milne nahi deta",
        "haan ye mere saath ho raha hai",
        "meri umar 33 saal hai",
        "nahi",
        "main nuneaton mein rehti hoon",
        "Refuge - Warwickshire Domestic Violence and Abuse Service",
    ),
}


def expect_question(page: Page, locale: str, key: str) -> None:
    question = words("chat", locale)["ask"][key].splitlines()[0].split("?")[0]
    expect(page.get_by_role("log")).to_contain_text(question, timeout=20000)


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_a_whole_conversation_typed_in_the_persons_language(page: Page, stack, name):
    said = CONVERSATIONS[name]
    open_chat_without_area(page, stack.api)
    type_message(page, said.disclosure)
    expect(page.get_by_role("log")).to_contain_text(words("chat", said.locale)["acknowledge"]["self"].split(".")[0])
    expect_question(page, said.locale, "about_self")
    type_message(page, said.yes_me)
    expect_question(page, said.locale, "age_group_self")
    type_message(page, said.age)
    expect_question(page, said.locale, "identity_self")
    type_message(page, said.neither)
    expect_question(page, said.locale, "location_self")
    type_message(page, said.place)
    expect(cards(page).filter(has_text=said.local_service)).to_have_count(1, timeout=20000)
    # Nothing on the way was taken for danger: no emergency guidance was shown.
    assert page.get_by_role("log").locator(".sp-danger").count() == 0
