"""The language someone writes in, when it is not English.

The NLU pipeline's LanguageIdentification (bot/components/language_identification.py)
marks a message confidently written in another offered language with
`language_detected`, and makes it `nlu_fallback`. The fallback action and the triage
form then answer in that language, and the conversation keeps it: `own_language`
outranks the page's default language (actions/channel_context.py).
"""

from __future__ import annotations

from typing import Any, List, Optional

from rasa_sdk.events import EventType, SlotSet

from actions.i18n import DEFAULT_LOCALE, supported_locale

LANGUAGE_DETECTED = "language_detected"


def detected_language(tracker: Any) -> Optional[str]:
    """The offered language (not English) the latest message was written in, if any."""
    code = supported_locale((tracker.latest_message or {}).get(LANGUAGE_DETECTED))
    return code if code and code != DEFAULT_LOCALE else None


def switch_to(language: str) -> List[EventType]:
    return [SlotSet("language", language), SlotSet("own_language", language)]
