"""Confidential locations: what makes a record look like safe accommodation, and what a
withheld location's whereabouts look like in text, so that they never leave the directory.

One place for both facts (docs/confidential-locations.md):
- `looks_like_safe_accommodation` decides, on import and on every write, whether a record
  with an address must be withheld until a commissioner has looked at it;
- `Redactor` takes the whereabouts out of every public text of a service that has a
  withheld location: the withheld addresses and postcodes as written, and anything shaped
  like a UK postcode, a street address or a pair of coordinates.

A location is withheld when it is marked confidential, or when its service is (a service
whose whereabouts are secret, such as a refuge). Public responses then carry no address,
postcode, coordinates, location name or description for it, never use it to measure
distance, and the service's texts pass through the redactor.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The need (and any category) that means "somewhere safe to stay".
SAFE_ACCOMMODATION_TERMS = frozenset({"safe_accommodation"})

# Words that name safe accommodation, in English and every language Signpost offers
# (Polish, Urdu, Punjabi in Gurmukhi, Gujarati, Somali, Arabic), with the romanised forms
# councils' feeds use. Matched case-insensitively after Unicode normalisation: Latin-script
# words at the start of a word (so "refuges" and "schroniska" match, "prefuge" does not),
# other scripts anywhere in the text.
SAFE_ACCOMMODATION_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("refuge", "safe house", "safehouse", "safe accommodation", "sanctuary", "shelter",
           "safe haven", "hostel for women"),
    "pl": ("schronisk", "schronieni", "bezpieczny dom", "bezpieczne zakwaterowanie", "dom dla ofiar"),
    "ur": ("پناہ گاہ", "پناہگاہ", "محفوظ گھر", "محفوظ رہائش", "دار الامان", "دارالامان",
           "panah gah", "dar ul aman", "darul aman"),
    "pa": ("ਸ਼ਰਨਗਾਹ", "ਸ਼ਰਨ", "ਪਨਾਹ", "ਸੁਰੱਖਿਅਤ ਘਰ", "ਸੁਰੱਖਿਅਤ ਰਿਹਾਇਸ਼", "ਆਸਰਾ"),
    "gu": ("આશ્રયસ્થાન", "આશ્રય", "સુરક્ષિત ઘર", "સુરક્ષિત રહેઠાણ"),
    "so": ("hoy ammaan", "guri ammaan", "magangal", "magangel"),
    "ar": ("ملجأ", "ملجا", "دار إيواء", "دار ايواء", "إيواء", "بيت آمن", "سكن آمن", "ملاذ آمن"),
}


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _word_pattern(word: str) -> str:
    escaped = r"\s+".join(re.escape(_normalise(part)) for part in word.split())
    return r"(?<!\w)" + escaped if word.isascii() else escaped


_WORDS = re.compile(
    "|".join(_word_pattern(word) for words in SAFE_ACCOMMODATION_WORDS.values() for word in words)
)


def safe_accommodation_word(text: str | None) -> str | None:
    """The first safe-accommodation word in the text, as written there, or None."""
    if not text:
        return None
    match = _WORDS.search(_normalise(text))
    return match.group(0) if match else None


def looks_like_safe_accommodation(texts: dict[str, str | None], term_codes: Iterable[str]) -> str | None:
    """Why a record looks like safe accommodation (a sentence for the import report and the
    audit), or None. `texts` maps where a text was found ("the service's name") to it."""
    terms = sorted(SAFE_ACCOMMODATION_TERMS & set(term_codes))
    if terms:
        return f"it is linked to the taxonomy term {terms[0]!r}"
    for where, text in texts.items():
        word = safe_accommodation_word(text)
        if word:
            return f"{where} contains {word!r}"
    return None


# --- what a location's whereabouts look like in text -------------------------------------

WITHHELD = "[address withheld]"
# A full UK postcode (any case, any spacing) or an outward code followed by a space and digit.
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.IGNORECASE)
STREET_WORDS = (
    "street", "st", "road", "rd", "lane", "ln", "avenue", "ave", "close", "drive", "dr", "way",
    "crescent", "place", "terrace", "grove", "gardens", "court", "row", "hill", "walk", "square",
    "mews", "park", "parade", "rise", "view", "green", "gate", "yard", "wharf", "vale",
)
# "12 Elm Street", "12a St Oswald's Road", "Flat 3, 14-16 Market Place".
STREET_ADDRESS = re.compile(
    r"\b\d{1,4}[a-z]?(?:\s*[-–]\s*\d{1,4}[a-z]?)?,?\s+(?:[\w'’.-]+\s+){0,4}(?:"
    + "|".join(STREET_WORDS) + r")\b\.?",
    re.IGNORECASE,
)
# Decimal degrees as a pair ("52.9225, -1.4746") or a grid reference pair ("435000 336000").
COORDINATES = re.compile(r"-?\d{1,3}\.\d{3,}\s*[,;/ ]\s*-?\d{1,3}\.\d{3,}|\b\d{6}\s*[, ]\s*\d{6}\b")


@dataclass(frozen=True)
class Redactor:
    """Removes the given whereabouts, and anything shaped like whereabouts, from text."""

    secrets: tuple[str, ...] = ()

    @classmethod
    def for_places(cls, places: Iterable[Any]) -> Redactor:
        """`places`: withheld locations; their address lines, postcodes and coordinates."""
        secrets: set[str] = set()
        for location in places:
            for address in getattr(location, "addresses", ()) or ():
                for value in (address.address_1, address.attention, address.postal_code):
                    if value and len(value.strip()) >= 4:
                        secrets.add(value.strip())
            for value in (location.latitude, location.longitude):
                if value is not None:
                    # The coordinate to three decimal places (about 100 m) is already too much.
                    secrets.add(f"{value:.3f}")
            for value in (location.easting, location.northing):
                if value is not None:
                    secrets.add(str(value))
        return cls(tuple(sorted(secrets, key=len, reverse=True)))

    def __call__(self, text: str) -> str:
        redacted = text
        for secret in self.secrets:
            pattern = r"\s+".join(re.escape(part) for part in secret.split())
            redacted = re.sub(pattern, WITHHELD, redacted, flags=re.IGNORECASE)
        for shape in (COORDINATES, POSTCODE, STREET_ADDRESS):
            redacted = shape.sub(WITHHELD, redacted)
        return redacted

    def walk(self, value: Any, keep: frozenset[str] = frozenset()) -> Any:
        """Redact every string in a JSON-like value, except under the keys in `keep` (ids)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list):
            return [self.walk(item, keep) for item in value]
        if isinstance(value, dict):
            return {key: item if key in keep else self.walk(item, keep) for key, item in value.items()}
        return value


def reveals_whereabouts(text: str | None) -> bool:
    """Whether a text holds something shaped like an address, a postcode or coordinates."""
    return bool(text) and any(shape.search(text) for shape in (POSTCODE, STREET_ADDRESS, COORDINATES))
