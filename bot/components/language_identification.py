"""LanguageIdentification: free text in a language the model was not trained on.

The intent model learns the triage in every offered language (bot/data/nlu/languages/),
but not every intent: asked about an IDVA in Somali, it would still guess. So, last in the
NLU pipeline (bot/config.yml), this component asks Lingua (lingua-language-detector,
restricted to English and the languages Signpost offers) which language the message is in.
When it is confidently one of the offered languages other than English, the message is
marked with `language_detected`, and the actions answer in that language for the rest of
the conversation (actions/own_language.py). An intent the model is trained on in every
language is kept (danger now first of all: emergency guidance comes first in any language);
any other becomes `nlu_fallback`, and the fallback action (actions/fallback.py) says in that
language what the assistant can do, with buttons and the national helplines. Before the
triage was trained in every language (issue 14), every such message became the fallback:
Urdu text had come out as `inform`, which the form would take as a place.

Short text is left alone: a place name ("Leicester", "LE1 6ZG") or "ok" says nothing
reliable about a language. Text in a script only these languages use (Arabic, Gurmukhi,
Gujarati) is decisive from two letters; Latin-script Polish and Somali need two words of
letters or more (a postcode is not a word) and a very confident detector.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

LANGUAGE_DETECTED = "language_detected"
# Intents a message keeps in any language: the safety route answers them in that language.
SAFETY_INTENTS = {"immediate_danger", "suicidal_feelings", "injury", "distress"}
# Intents the model is also trained on in every offered language (bot/data/nlu/languages/;
# tests/bot/test_languages.py holds the two equal). The triage is answered in the language
# it was asked in; any other intent guessed for such text becomes the fallback.
UNDERSTOOD_IN_EVERY_LANGUAGE = SAFETY_INTENTS | {
    "disclose_domestic_abuse", "disclose_sexual_violence", "disclose_forced_marriage",
    "disclose_honour_based_abuse", "disclose_stalking", "disclose_fgm", "seek_help_own_behaviour",
    "ask_supporting_someone", "ask_what_happens_when_i_call", "greet", "end_chat", "affirm", "deny",
    "thank", "goodbye", "inform", "out_of_scope", "rather_not_say",
}

# Signpost's locales (locales/languages.yml) as Lingua names them.
LINGUA_LANGUAGES = {
    "en": Language.ENGLISH,
    "pl": Language.POLISH,
    "ur": Language.URDU,
    "pa": Language.PUNJABI,
    "gu": Language.GUJARATI,
    "so": Language.SOMALI,
    "ar": Language.ARABIC,
}
LATIN_SCRIPT = {"en", "pl", "so"}
MIN_LATIN_WORDS = 2
# Over English training and held-out examples, 0.9 took "blah blah" and the postcode
# "B1 1AA" for Somali; at 0.95, and counting only words of letters, none of 4,375.
MIN_LATIN_CONFIDENCE = 0.95
MIN_OTHER_SCRIPT_LETTERS = 2
MIN_OTHER_SCRIPT_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """Built once per process: Lingua's models load on first use (a few seconds)."""
    return LanguageDetectorBuilder.from_languages(*LINGUA_LANGUAGES.values()).build()


_CODES = {language: code for code, language in LINGUA_LANGUAGES.items()}


def identify(text: Any) -> Optional[Text]:
    """The offered locale (not English) `text` is confidently written in, or None."""
    if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
        return None
    letters = [ch for ch in text if ch.isalpha()]
    non_latin = [ch for ch in letters if not ("a" <= ch.lower() <= "z" or "\u00c0" <= ch <= "\u024f")]
    if len(letters) < MIN_OTHER_SCRIPT_LETTERS:
        return None
    values = detector().compute_language_confidence_values(text)
    if not values:
        return None
    code, confidence = _CODES.get(values[0].language), values[0].value
    if code is None or code == "en":
        return None
    if code in LATIN_SCRIPT:
        words = [word for word in text.split() if word.strip(".,!?;:'\"()").isalpha()]
        if len(words) < MIN_LATIN_WORDS or confidence < MIN_LATIN_CONFIDENCE:
            return None
        return code
    if len(non_latin) < MIN_OTHER_SCRIPT_LETTERS or confidence < MIN_OTHER_SCRIPT_CONFIDENCE:
        return None
    return code


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageIdentification(GraphComponent, IntentClassifier):
    """Marks confidently non-English text with its language; an intent the model is not
    trained on in every language becomes `nlu_fallback`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentification:
        detector()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = identify(message.get(TEXT))
            if language is None:
                continue
            message.set(LANGUAGE_DETECTED, language, add_to_output=True)
            # Also as an entity, which the `language` and `own_language` slots are mapped
            # from (bot/domain/session.yml): set before the turn's first response.
            entities = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != LANGUAGE_DETECTED]
            entities.append({ENTITY_ATTRIBUTE_TYPE: LANGUAGE_DETECTED, ENTITY_ATTRIBUTE_VALUE: language,
                             ENTITY_ATTRIBUTE_START: 0, ENTITY_ATTRIBUTE_END: len(message.get(TEXT)),
                             EXTRACTOR: self.__class__.__name__})
            message.set(ENTITIES, entities, add_to_output=True)
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) not in UNDERSTOOD_IN_EVERY_LANGUAGE:
                message.set(INTENT, {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0},
                            add_to_output=True)
        return messages
