"""The assistant answers from the knowledge base: a clear topic straight away with the helplines
it names (from the directory's data, never typed into the answer), an unclear one as choices,
a topic button by its entity, the triage carrying on after an answer, and the fallback offering
likely topics. KnowledgeTopics never takes a message with a safety signal or a disclosure."""

from __future__ import annotations

import json

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions import national_helplines
from actions.fallback import ActionDefaultFallback
from actions.i18n import t
from actions.knowledge import ActionAnswerKnowledge, asked, topic_payload, topics_by_slug
from actions.national_helplines import _read
from actions.settings import SETTINGS
from knowledge.answers import service_id
from tests.bot.helpers import make_tracker, service_lists, texts


def knowledge_tracker(knowledge=None, entities=None, active_loop=None, text="a question"):
    tracker = make_tracker(intent="ask_knowledge", text=text, entities=entities, active_loop=active_loop)
    if knowledge is not None:
        tracker.latest_message["knowledge"] = knowledge
    return tracker


def confident(slug):
    return {"topics": [{"slug": slug, "score": 0.93}], "confident": True}


@pytest.mark.asyncio
async def test_a_clear_topic_is_answered_with_the_helplines_it_names(dispatcher, domain):
    national_helplines.use_file(SETTINGS.national_helplines_file)  # the real ids (the sample's are made up)
    events = await ActionAnswerKnowledge().run(dispatcher, knowledge_tracker(confident("somewhere-safe-tonight")), domain)
    said = texts(dispatcher)
    assert said[0] == t("knowledge.somewhere_safe_tonight.answer", "en")
    (cards,) = service_lists(dispatcher)
    assert cards["heading"] == t("chat.knowledge.helplines", "en")
    assert [s["name"] for s in cards["services"]][0] == "National Domestic Abuse Helpline"
    assert "0808 2000 247" in cards["cards"][0]
    # Outside the triage: an offer to find support comes last.
    assert dispatcher.messages[-1]["buttons"] == [{"title": t("chat.knowledge.find_support", "en"), "payload": "/something_else"}]
    assert events == []


@pytest.mark.asyncio
async def test_inside_the_triage_the_answer_leaves_the_next_question_to_the_form(dispatcher, domain):
    tracker = knowledge_tracker(confident("social-services"), active_loop="triage_form")
    await ActionAnswerKnowledge().run(dispatcher, tracker, domain)
    assert texts(dispatcher)[0] == t("knowledge.social_services.answer", "en")
    assert not any(m.get("buttons") for m in dispatcher.messages)


@pytest.mark.asyncio
async def test_an_unclear_question_offers_its_likeliest_topics_as_buttons(dispatcher, domain):
    unclear = {"topics": [{"slug": s, "score": 0.85} for s in ("non-molestation-orders", "dapn-dapo", "legal-aid")],
               "confident": False}
    await ActionAnswerKnowledge().run(dispatcher, knowledge_tracker(unclear), domain)
    (message,) = dispatcher.messages
    assert message["text"] == t("chat.knowledge.choose", "en")
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[:3] == [topic_payload(s) for s in ("non-molestation-orders", "dapn-dapo", "legal-aid")]
    assert payloads[3] == "/something_else"
    assert [b["title"] for b in message["buttons"][:1]] == [t("knowledge.non_molestation_orders.title", "en")]


def test_a_topic_button_names_its_topic_with_the_entity_rasa_parses():
    payload = topic_payload("clares-law")
    assert payload.startswith("/ask_knowledge{")
    assert json.loads(payload[len("/ask_knowledge"):]) == {"knowledge_topic": "clares-law"}


def test_a_topic_named_by_a_button_wins_over_the_models_guess_and_unknown_ones_are_ignored():
    parse = {"entities": [{"entity": "knowledge_topic", "value": "clares-law"}], "knowledge": confident("legal-aid")}
    assert asked(parse) == (["clares-law"], True)
    assert asked({"entities": [{"entity": "knowledge_topic", "value": "no-such-topic"}]}) == ([], False)
    assert asked({"knowledge": {"topics": [{"slug": "legal-aid"}], "confident": False}}) == (["legal-aid"], False)


@pytest.mark.asyncio
async def test_a_question_without_topics_gets_the_choices_of_what_is_happening(dispatcher, domain):
    await ActionAnswerKnowledge().run(dispatcher, knowledge_tracker(), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_something_else"]


@pytest.mark.asyncio
async def test_the_fallback_offers_likely_topics_before_the_helplines(dispatcher, domain):
    tracker = make_tracker(intent="nlu_fallback", text="protection order")
    tracker.latest_message["knowledge"] = {"topics": [{"slug": "dapn-dapo", "score": 0.86}], "confident": False}
    await ActionDefaultFallback().run(dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert said.index(t("chat.knowledge.maybe", "en")) == 1
    offered = next(m for m in dispatcher.messages if m.get("text") == t("chat.knowledge.maybe", "en"))
    assert offered["buttons"] == [{"title": t("knowledge.dapn_dapo.title", "en"), "payload": topic_payload("dapn-dapo")}]


def test_every_helpline_a_topic_names_is_in_the_bundled_national_lines():
    """A slug with no bundled service would silently drop a helpline from an answer."""
    bundled = {s["id"] for s in _read(SETTINGS.national_helplines_file)}
    for topic in topics_by_slug().values():
        missing = [slug for slug in topic.helplines if service_id(slug) not in bundled]
        assert not missing, f"{topic.slug} names helplines not bundled: {missing}"


def _message(text, intent, signals=()):
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.3})
    message.set("safety_signals", list(signals))
    return message


def test_knowledge_only_takes_unplaced_messages_without_a_safety_signal():
    from components.knowledge_topics import KnowledgeTopics

    may = KnowledgeTopics._may_answer
    assert may(_message("how do i get into a refuge", "out_of_scope"), "somewhere-safe-tonight")
    assert may(_message("how do i get into a refuge", "nlu_fallback", ["distress"]), "somewhere-safe-tonight")
    assert not may(_message("he has a knife, can i get an order", "nlu_fallback", ["danger"]), "non-molestation-orders")
    assert not may(_message("i want to end it all, is it my fault", "nlu_fallback", ["crisis"]), "not-your-fault")
    assert not may(_message("he hits me, what can i do", "disclose_domestic_abuse"), "recognising-abuse")
    # A fixed answer gives way only to a topic it does not cover.
    assert may(_message("how do i get a non molestation order", "ask_safety_planning"), "non-molestation-orders")
    assert not may(_message("what does an idva do", "ask_what_is_idva"), "idva-isva")


@pytest.mark.parametrize("text, question", [
    ("he never hits me but he controls everything, does that count", True),
    ("is fgm illegal in the uk", True),
    ("i was raped on saturday, can i still get evidence taken", True),
    ("czy mogę dostać pomoc prawną", True),
    ("kya mujhe legal aid mil sakti hai", True),
    ("هل الختان ممنوع في بريطانيا؟", True),
    ("my husband hits me", False),
    ("he raped me last night", False),
    ("Mój mąż mnie bije", False),
])
def test_a_disclosure_that_asks_something_is_told_apart_from_one_that_does_not(text, question):
    from components.knowledge_topics import reads_as_question

    assert reads_as_question(text) is question


@pytest.mark.asyncio
async def test_a_disclosure_that_asks_a_question_gets_the_answer_before_the_triage(dispatcher, domain):
    from actions.disclosure import ActionRegisterDisclosure

    def disclosure(question):
        tracker = make_tracker(intent="disclose_domestic_abuse", text="he controls everything, does that count")
        tracker.latest_message["knowledge"] = {**confident("coercive-control"), "question": question}
        return tracker

    await ActionRegisterDisclosure().run(dispatcher, disclosure(True), domain)
    said = texts(dispatcher)
    answer = t("knowledge.coercive_control.answer", "en")
    assert answer in said
    assert said.index(t("chat.acknowledge.self", "en")) < said.index(answer)
    assert not any(m.get("buttons") for m in dispatcher.messages)  # the triage asks next

    dispatcher.messages.clear()
    await ActionRegisterDisclosure().run(dispatcher, disclosure(False), domain)
    assert answer not in texts(dispatcher)


@pytest.mark.asyncio
async def test_danger_now_with_a_question_gets_the_guidance_first_then_the_answer(dispatcher, domain):
    from actions.safety import ActionEmergencyGuidance

    tracker = make_tracker(intent="immediate_danger", text="where can me and my kids go tonight, i cant stay here")
    tracker.latest_message["safety_signals"] = ["danger"]
    tracker.latest_message["knowledge"] = {**confident("somewhere-safe-tonight"), "question": True}
    await ActionEmergencyGuidance().run(dispatcher, tracker, domain)
    said = [m.get("response") or m.get("text") for m in dispatcher.messages]
    assert said[0] == "utter_emergency_guidance"
    assert t("knowledge.somewhere_safe_tonight.answer", "en") in said


@pytest.mark.asyncio
async def test_a_question_in_another_language_not_understood_is_offered_topics_in_that_language(dispatcher, domain):
    tracker = make_tracker(intent="nlu_fallback", text="nakaz zbliżania się",
                           entities=[{"entity": "language_detected", "value": "pl"}])
    tracker.latest_message["language_detected"] = "pl"
    tracker.latest_message["knowledge"] = {"topics": [{"slug": "non-molestation-orders", "score": 0.86}], "confident": False}
    await ActionDefaultFallback().run(dispatcher, tracker, domain)
    offered = next(m for m in dispatcher.messages if m.get("text") == t("chat.knowledge.maybe", "pl"))
    assert offered["buttons"][0]["title"] == t("knowledge.non_molestation_orders.title", "pl")
    assert t("knowledge.non_molestation_orders.title", "pl") != t("knowledge.non_molestation_orders.title", "en")


@pytest.mark.parametrize("text", [
    "وہ مجھے مارتا نہیں لیکن ہر چیز پر قابو رکھتا ہے، کیا یہ زیادتی ہے",
    "هو لا يضربني لكنه يتحكم في كل شيء، هل هذا عنف",
    "ਕੀ ਸੋਸ਼ਲ ਸਰਵਿਸਿਜ਼ ਮੇਰੇ ਬੱਚੇ ਲੈ ਜਾਣਗੀਆਂ",
    "મારી પાસે વકીલ માટે પૈસા નથી, શું મફત કાનૂની મદદ મળે છે",
    "isagu ima garaaco laakiin wax walba ayuu i xakameeyaa, ma xadgudub baa",
])
def test_questions_in_the_other_offered_languages_read_as_questions(text):
    from components.knowledge_topics import reads_as_question

    assert reads_as_question(text)


def test_a_mother_called_ma_is_not_a_question():
    from components.knowledge_topics import reads_as_question

    assert not reads_as_question("my ma hits me")
