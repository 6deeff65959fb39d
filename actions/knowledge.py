"""Answers from the knowledge base (knowledge/topics/, words in locales/knowledge.<language>.yml).

The NLU pipeline's KnowledgeTopics (bot/components/knowledge_topics.py) puts the likeliest
topics in the message's parse data under `knowledge`; a topic button names one with the
`knowledge_topic` entity. A clear topic is answered straight away, followed by the national
helplines the topic names, as cards from the bundled directory data (never a number typed into
an answer); an unclear one offers the two or three likeliest topics as buttons, so the person
chooses rather than gets a guess.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import national_helplines
from actions.formatting import services_message
from actions.i18n import locale_of, t
from actions.own_language import language_events
from actions.responses import Button, render_buttons
from knowledge import Topic, load_topics
from knowledge.answers import helplines

KNOWLEDGE = "knowledge"
TOPIC_ENTITY = "knowledge_topic"
ASK_KNOWLEDGE = "ask_knowledge"
FORM_NAME = "triage_form"
FIND_SUPPORT = Button("chat.knowledge.find_support", "/something_else")


@lru_cache(maxsize=1)
def topics_by_slug() -> Dict[str, Topic]:
    return {topic.slug: topic for topic in load_topics()}


def topic_payload(slug: str) -> str:
    return f"/{ASK_KNOWLEDGE}{json.dumps({TOPIC_ENTITY: slug})}"


def asked(parse_data: Dict[Text, Any]) -> tuple[List[str], bool]:
    """The topics this message asks about, and whether the first is clear enough to answer."""
    known = topics_by_slug()
    named = [e.get("value") for e in parse_data.get("entities") or [] if e.get("entity") == TOPIC_ENTITY]
    named = [slug for slug in named if slug in known]
    if named:
        return named[:1], True
    found = parse_data.get(KNOWLEDGE) or {}
    slugs = [m.get("slug") for m in found.get("topics") or [] if m.get("slug") in known]
    return slugs, bool(found.get("confident")) and bool(slugs)


def topic_buttons(slugs: List[str], locale: str) -> List[dict]:
    topics = topics_by_slug()
    return [{"title": t(topics[slug].title_key, locale), "payload": topic_payload(slug)} for slug in slugs]


def say_answer(topic: Topic, locale: str, dispatcher: CollectingDispatcher, in_form: bool) -> None:
    dispatcher.utter_message(text=t(topic.answer_key, locale))
    lines = helplines(topic, national_helplines.load())
    if lines:
        dispatcher.utter_message(json_message=services_message(t("chat.knowledge.helplines", locale), lines, locale))
    if not in_form:  # inside the triage, the triage's own question comes next
        dispatcher.utter_message(text=t("chat.knowledge.next", locale),
                                 buttons=render_buttons((FIND_SUPPORT,), locale))


def offer_topics(slugs: List[str], locale: str, dispatcher: CollectingDispatcher, in_form: bool) -> None:
    buttons = topic_buttons(slugs, locale)
    if not in_form:
        buttons += render_buttons((FIND_SUPPORT,), locale)
    dispatcher.utter_message(text=t("chat.knowledge.choose", locale), buttons=buttons)


class ActionAnswerKnowledge(Action):
    def name(self) -> Text:
        return "action_answer_knowledge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        locale = locale_of(tracker)
        in_form = tracker.active_loop_name == FORM_NAME
        slugs, confident = asked(tracker.latest_message or {})
        if confident:
            say_answer(topics_by_slug()[slugs[0]], locale, dispatcher, in_form)
        elif slugs:
            offer_topics(slugs, locale, dispatcher, in_form)
        elif not in_form:
            dispatcher.utter_message(response="utter_something_else")
        return language_events(tracker)


def answered_question(parse_data: Dict[Text, Any]) -> Optional[Topic]:
    """For a disclosure that also asks a question: the topic to answer, when it is clear."""
    if not (parse_data.get(KNOWLEDGE) or {}).get("question"):
        return None
    slugs, confident = asked(parse_data)
    return topics_by_slug()[slugs[0]] if confident else None


def offer_likely_topics(parse_data: Dict[Text, Any], locale: str, dispatcher: CollectingDispatcher) -> None:
    """For the fallback: the topics a message that was not understood may be about, as buttons."""
    slugs, _confident = asked(parse_data)
    if slugs:
        dispatcher.utter_message(text=t("chat.knowledge.maybe", locale), buttons=topic_buttons(slugs, locale))
