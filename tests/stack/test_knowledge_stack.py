"""Questions people ask, typed into the widget and answered through the real stack (gateway, Rasa
with the trained model, the action server): the answer from the knowledge base with the helplines
it names as cards, a choice of topics when the question is unclear, the answer in the person's
language, and a disclosure that asks something answered before its triage. The questions are
written here, never copied from the training data or the held-out set."""
from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.stack.test_typed_languages_stack import expect_question, open_chat_without_area
from tests.stack.test_widget_languages_stack import LOCALES, words
from tests.stack.test_widget_stack import cards, type_message


def answer(locale: str, key: str) -> str:
    """The first sentence of a topic's answer, as the page shows it."""
    text = yaml.safe_load((LOCALES / f"knowledge.{locale}.yml").read_text(encoding="utf-8"))[locale][key]["answer"]
    return " ".join(text.split())[:60]


@pytest.mark.parametrize("question, locale, key, helpline", [
    ("how do i get in to a refuge, is there one that takes kids", "en", "somewhere_safe_tonight", "National Domestic Abuse Helpline"),
    ("i cant afford a solicitor, can i get legal aid as a victim of abuse", "en", "legal_aid", "Rights of Women"),
])
def test_a_question_gets_its_answer_and_the_helplines_it_names(page: Page, stack, question, locale, key, helpline):
    open_chat_without_area(page, stack.api)
    type_message(page, question)
    expect(page.get_by_role("log")).to_contain_text(answer(locale, key), timeout=20000)
    expect(cards(page).filter(has_text=helpline).first).to_be_visible(timeout=20000)
    expect(page.get_by_role("button", name=words("chat", locale)["knowledge"]["find_support"])).to_be_visible()
    assert page.get_by_role("log").locator(".sp-danger").count() == 0


def test_a_question_in_polish_is_answered_in_polish_then_the_triage_asks_in_polish(page: Page, stack):
    open_chat_without_area(page, stack.api)
    type_message(page, "Czy FGM jest w Anglii przestępstwem?")
    expect(page.get_by_role("log")).to_contain_text(answer("pl", "fgm_law"), timeout=20000)
    expect_question(page, "pl", "about_self")


def test_a_topic_offered_as_a_choice_is_answered_when_chosen(page: Page, stack):
    open_chat_without_area(page, stack.api)
    type_message(page, "court order")
    expect(page.get_by_role("log")).to_contain_text(words("chat", "en")["knowledge"]["choose"], timeout=20000)
    title = yaml.safe_load((LOCALES / "knowledge.en.yml").read_text(encoding="utf-8"))["en"]["non_molestation_orders"]["title"]
    page.get_by_role("button", name=title).click()
    expect(page.get_by_role("log")).to_contain_text(answer("en", "non_molestation_orders"), timeout=20000)


def test_a_disclosure_that_asks_a_question_gets_the_answer_then_the_triage(page: Page, stack):
    open_chat_without_area(page, stack.api)
    type_message(page, "he never hits me but he controls where i go and all the money, does that count")
    expect(page.get_by_role("log")).to_contain_text(answer("en", "coercive_control"), timeout=20000)
    expect_question(page, "en", "about_self")
