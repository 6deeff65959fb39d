"""The language someone writes in, when it is not English.

The NLU pipeline's LanguageIdentification (bot/components/language_identification.py)
marks a message confidently written in another offered language with
`language_detected`. Understood, it is answered in that language (`locale_of`), and the
conversation keeps it: `own_language` outranks the page's default language
(actions/channel_context.py). Not understood, it becomes `nlu_fallback`, and the
fallback action says in that language what the assistant can do.
"""

from __future__ import annotations

from typing import Any, List

from rasa_sdk.events import EventType, SlotSet

from actions.i18n import detected_language, supported_locale

__all__ = ["detected_language", "switch_to", "language_events"]


def switch_to(language: str) -> List[EventType]:
    return [SlotSet("language", language), SlotSet("own_language", language)]


def language_events(tracker: Any) -> List[EventType]:
    """Keep the language of a message that was understood: the rest of the conversation
    is in it, even when the person goes on in English."""
    language = detected_language(tracker)
    if language and language != supported_locale(tracker.get_slot("own_language")):
        return switch_to(language)
    return []
