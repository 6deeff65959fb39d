"""The assistant in every offered language: free text in another language is recognised
(Lingua) and answered in it; the whole triage works by buttons in every language, through
the action code and the domain's language-conditioned responses."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet as CoreSlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.channel_context import context_slot_events
from actions.disclosure import ActionRegisterDisclosure
from actions.fallback import ActionDefaultFallback
from actions.i18n import available_locales, locale_of, t
from actions.responses import RESPONSES
from actions.signpost import ActionSignpost
from actions.triage_form import QUESTION_RESPONSES, ValidateTriageForm, ask_question
from components.language_identification import UNDERSTOOD_IN_EVERY_LANGUAGE, LanguageIdentification, identify
from tests.bot.conftest import BOT_DIR, REPO_ROOT
from tests.bot.helpers import json_response, make_tracker, responses, service, service_lists, signpost_answer, texts

OTHER_LOCALES = [code for code in available_locales() if code != "en"]
SAID = {  # "my husband hits me" / "I am afraid of my family", as people might write it
    "pl": "Mój mąż mnie bije i boję się wracać do domu",
    "ur": "میرا شوہر مجھے مارتا ہے",
    "pa": "ਮੇਰਾ ਪਤੀ ਮੈਨੂੰ ਮਾਰਦਾ ਹੈ",
    "gu": "મારો પતિ મને મારે છે",
    "so": "Waxaan ka baqayaa qoyskayga",
    "ar": "زوجي يضربني",
}


def test_the_assistant_speaks_every_language_in_languages_yml():
    offered = yaml.safe_load((REPO_ROOT / "locales" / "languages.yml").read_text(encoding="utf-8"))["languages"]
    assert sorted(offered) == available_locales() == sorted(["en", "pl", "ur", "pa", "gu", "so", "ar"])


# Recognising the language


@pytest.mark.parametrize("locale", sorted(SAID))
def test_text_in_each_offered_language_is_recognised(locale):
    assert identify(SAID[locale]) == locale


@pytest.mark.parametrize("text", [
    "my husband hits me", "he follows me everywhere and I feel unsafe", "I'm scared of my ex",
    # Answers to "where are you?": place names and postcodes are not a language.
    "Leicester", "LE1 6ZG", "Market Harborough", "Melton Mowbray", "Ashby de la Zouch", "Oadby and Wigston",
    # Too short to say; and button payloads.
    "ok", "lol", "pomocy", "/disclose_stalking", "", "  ", "😢",
])
def test_english_places_and_short_text_are_left_to_the_model(text):
    assert identify(text) is None


def _english_examples() -> list[str]:
    examples = []
    for path in [*sorted((BOT_DIR / "data" / "nlu").glob("*.yml")), BOT_DIR / "eval" / "heldout_nlu.yml"]:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in (item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.append(ENTITY_MARKUP.sub(lambda m: m.group(1), line.strip()[2:]))
    return examples


ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def test_no_english_training_or_held_out_example_is_taken_for_another_language():
    examples = _english_examples()
    assert len(examples) > 3000
    assert [(text, code) for text in examples if (code := identify(text))] == []


def _parsed(text: str, intent: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.8}, add_to_output=True)
    return message


def test_the_pipeline_marks_other_languages_and_keeps_the_triage_the_model_reads_in_them():
    component = LanguageIdentification()
    urdu, somali, arabic, english = (
        _parsed(SAID["ur"], "disclose_domestic_abuse"), _parsed(SAID["so"], "seek_help_own_behaviour"),
        _parsed(SAID["ar"], "ask_what_is_idva"), _parsed("my husband hits me", "disclose_domestic_abuse"))
    component.process([urdu, somali, arabic, english])
    assert urdu.get("intent")["name"] == "disclose_domestic_abuse"
    assert somali.get("intent")["name"] == "seek_help_own_behaviour"
    # Not trained in Arabic: a guess, so the fallback answers in Arabic instead.
    assert arabic.get("intent")["name"] == "nlu_fallback"
    assert (urdu.get("language_detected"), somali.get("language_detected")) == ("ur", "so")
    assert english.get("intent")["name"] == "disclose_domestic_abuse"
    assert english.get("language_detected") is None
    assert "language_detected" in urdu.as_dict(only_output_properties=True)
    # As an entity too, so the language slots change before the turn's first response.
    assert [(e["entity"], e["value"]) for e in urdu.get("entities")] == [("language_detected", "ur")]
    assert not english.get("entities")


def test_the_language_slots_are_filled_from_the_detected_language_before_anything_is_said():
    domain = Domain.load(str(BOT_DIR / "domain"))
    for slot in ("language", "own_language"):
        mappings = domain.slots[[s.name for s in domain.slots].index(slot)].mappings
        assert {"type": "from_entity", "entity": "language_detected"} in mappings


def _intents_in(path) -> set:
    return {block["intent"] for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]}


@pytest.mark.parametrize("path", sorted((BOT_DIR / "data" / "nlu" / "languages").glob("*.yml")), ids=lambda p: p.stem)
def test_the_intents_kept_in_other_languages_are_those_trained_in_every_language(path):
    assert _intents_in(path) == UNDERSTOOD_IN_EVERY_LANGUAGE


def test_danger_now_is_never_turned_into_the_fallback():
    message = _parsed(SAID["ar"], "immediate_danger")
    LanguageIdentification().process([message])
    assert message.get("intent")["name"] == "immediate_danger"
    assert message.get("language_detected") == "ar"


# Answering in that language


def _written_in(locale: str, **kwargs):
    return make_tracker(intent="nlu_fallback", text=SAID[locale], **kwargs)


def _with_detection(tracker, locale: str):
    tracker.latest_message["language_detected"] = locale
    return tracker


@pytest.mark.asyncio
@pytest.mark.parametrize("locale", OTHER_LOCALES)
async def test_free_text_in_another_language_is_answered_in_it(dispatcher, domain, locale):
    tracker = _with_detection(_written_in(locale), locale)
    events = await ActionDefaultFallback().run(dispatcher, tracker, domain)

    said = texts(dispatcher)
    assert said[0] == t("chat.other_language.intro", locale)
    assert "999" in re.split(r"[.۔।]", said[0])[0]  # what we cannot read may be danger: 999 comes first
    helplines = dispatcher.messages[1]["custom"]
    assert helplines["text"].startswith(t("chat.other_language.helplines", locale))
    # The helplines' names and numbers exactly as the services publish them.
    assert "National Domestic Abuse Helpline: 0808 2000 247" in helplines["text"]
    assert said[2] == t("chat.other_language.choose", locale)
    buttons = dispatcher.messages[2]["buttons"]
    assert buttons[0] == {"title": t("chat.button.domestic_abuse", locale), "payload": "/disclose_domestic_abuse"}
    assert {"title": t("chat.button.danger_now", locale), "payload": "/immediate_danger"} in buttons
    assert events == [{"event": "rewind", "timestamp": None}, SlotSet("language", locale),
                      SlotSet("own_language", locale)]


@pytest.mark.asyncio
async def test_english_free_text_that_is_not_understood_keeps_the_english_fallback(dispatcher, domain):
    events = await ActionDefaultFallback().run(dispatcher, make_tracker(intent="nlu_fallback", text="blah"), domain)
    assert texts(dispatcher)[0] == "Sorry, I didn't quite understand."
    assert events == [{"event": "rewind", "timestamp": None}]


@pytest.mark.asyncio
async def test_during_the_triage_the_question_is_asked_again_in_the_persons_language(dispatcher, domain):
    tracker = _with_detection(_written_in("gu", slots={"requested_slot": "age_group", "about_self": "self"},
                                          active_loop="triage_form"), "gu")
    events = await ActionDefaultFallback().run(dispatcher, tracker, domain)
    # Written out here, not as the domain's response: Rasa would render that in the old language.
    assert responses(dispatcher) == [None, None]
    assert texts(dispatcher) == [t("chat.other_language.intro", "gu"), t("chat.ask.age_group_self", "gu")]
    assert [b["title"] for b in dispatcher.messages[1]["buttons"]] == [
        t("chat.button.under_18_self", "gu"), t("chat.button.adult_self", "gu"), t("chat.button.older", "gu"),
        t("chat.button.rather_not_say", "gu")]
    assert SlotSet("own_language", "gu") in events


@pytest.mark.asyncio
async def test_words_in_another_language_are_not_taken_for_a_place(dispatcher, domain, directory_api):
    api = directory_api(lambda request: json_response({"status": "not_found"}))
    tracker = _with_detection(make_tracker(
        slots={"requested_slot": "location", "location": SAID["ur"], "about_self": "self"},
        intent="nlu_fallback", text=SAID["ur"], active_loop="triage_form"), "ur")
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    assert texts(dispatcher) == [t("chat.other_language.intro", "ur")]
    assert events == [SlotSet("language", "ur"), SlotSet("own_language", "ur"), SlotSet("location", None)]
    assert api.requests == []


@pytest.mark.asyncio
async def test_a_disclosure_in_another_language_is_answered_in_it_and_the_conversation_keeps_it(dispatcher, domain):
    tracker = _with_detection(make_tracker(intent="disclose_domestic_abuse", text=SAID["pl"]), "pl")
    events = await ActionRegisterDisclosure().run(dispatcher, tracker, domain)
    assert SlotSet("language", "pl") in events and SlotSet("own_language", "pl") in events
    assert t("chat.acknowledge.self", "pl") in texts(dispatcher)


@pytest.mark.asyncio
async def test_an_answer_in_another_language_fills_the_slot_and_the_next_question_is_in_it(dispatcher, domain):
    tracker = _with_detection(make_tracker(
        slots={"requested_slot": "about_self", "about_self": "self", "categories": ["domestic_abuse"]},
        intent="affirm", text="tak, to ja", active_loop="triage_form"), "pl")
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    assert texts(dispatcher) == []  # no "I can only read..." for an answer that was understood
    assert SlotSet("own_language", "pl") in events and SlotSet("requested_slot", "age_group") in events
    # The next question, asked in the same turn, is rendered in Polish here, not by the domain.
    tracker.slots.update({"language": "en", "own_language": None})
    ask_question("age_group", tracker, dispatcher)
    assert texts(dispatcher) == [t("chat.ask.age_group_self", "pl")]


def test_english_after_another_language_is_still_answered_in_that_language():
    tracker = make_tracker(intent="affirm", text="yes", slots={"language": "so", "own_language": "so"})
    assert locale_of(tracker) == "so"


def test_the_persons_own_language_outranks_the_pages_default():
    tracker = make_tracker(slots={"language": "pl", "own_language": "pl"}, metadata={"language": "ur"})
    assert context_slot_events(tracker) == []
    assert locale_of(tracker) == "pl"
    assert context_slot_events(make_tracker(slots={"language": "en"}, metadata={"language": "ur"})) == [
        SlotSet("language", "ur")]


# The whole triage by buttons, in every language


@lru_cache(maxsize=1)
def rasa_domain() -> Domain:
    return Domain.load(str(BOT_DIR / "domain"))


@pytest.fixture(scope="module")
def nlg() -> TemplatedNaturalLanguageGenerator:
    return TemplatedNaturalLanguageGenerator(rasa_domain().responses)


def _tracker_in(locale: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("t", [CoreSlotSet("language", locale)], slots=rasa_domain().slots)


@pytest.mark.asyncio
@pytest.mark.parametrize("locale", available_locales())
async def test_every_fixed_response_is_said_in_the_conversations_language(nlg, locale):
    """Rasa picks the variation conditioned on the `language` slot, with the same buttons."""
    tracker = _tracker_in(locale)
    for name, response in RESPONSES.items():
        if not response.in_domain:
            continue
        said = await nlg.generate(name, tracker, "signpost")
        text = said.get("text") or (said.get("custom") or {}).get("text")
        assert text == t(response.text_key, locale), name
        buttons = said.get("buttons") or (said.get("custom") or {}).get("buttons") or []
        assert [b["payload"] for b in buttons] == [b.payload for b in response.buttons], name
        assert [b["title"] for b in buttons] == [t(b.title_key, locale) for b in response.buttons], name


@pytest.mark.asyncio
@pytest.mark.parametrize("locale", OTHER_LOCALES)
async def test_a_triage_by_buttons_runs_in_every_language(dispatcher, domain, directory_api, locale):
    # "Forced marriage": believed, and the categories named in the language.
    tracker = make_tracker(slots={"language": locale}, intent="disclose_forced_marriage",
                           text="/disclose_forced_marriage", metadata={"language": locale})
    events = await ActionRegisterDisclosure().run(dispatcher, tracker, domain)
    said = "\n".join(texts(dispatcher))
    assert t("chat.category.forced_marriage", locale) in said
    assert "forced marriage" not in said
    assert not any(e.get("name") == "language" and e.get("value") != locale for e in events)

    # The questions with buttons that carry entities are written out by the actions.
    questions = CollectingDispatcher()
    ask_question("identity", make_tracker(slots={"language": locale, "about_self": "self"}), questions)
    assert questions.messages[0]["text"] == t("chat.ask.identity_self", locale)
    assert questions.messages[0]["buttons"][0]["payload"] == '/inform{"identity": "male"}'
    assert questions.messages[0]["buttons"][0]["title"] == t("chat.button.male_self", locale)

    # The answer: the directory is asked in the language, the words around the cards are in it.
    api = directory_api(lambda request: json_response(signpost_answer(
        "forced_marriage", [service("Karma Nirvana", "0800 5999 247", ["forced_marriage"], ["helpline"],
                                    group="national")])))
    answer = CollectingDispatcher()
    await ActionSignpost().run(answer, make_tracker(slots={
        "language": locale, "categories": ["forced_marriage"], "about_self": "self", "age_group": "adult",
        "identity": "neither", "location": "not_said"}), domain)
    assert api.params("/signpost")[0]["language"] == locale
    [cards] = service_lists(answer)
    assert cards["heading"].splitlines() == [
        t("chat.answer.heading_national", locale, category=t("chat.category.forced_marriage", locale)),
        t("chat.answer.national_note", locale)]
    assert t("services.call", locale, number="0800 5999 247") in cards["cards"][0]


def test_every_question_has_a_response_in_the_catalogue():
    assert {name for variants in QUESTION_RESPONSES.values() for name in variants.values()} <= set(RESPONSES)
