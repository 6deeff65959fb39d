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
    # False: only the withheld whereabouts themselves, for texts that may hold a public
    # address (a published location of the same service).
    shapes: bool = True

    @classmethod
    def for_places(cls, places: Iterable[Any]) -> Redactor:
        """`places`: withheld locations; their address lines, postcodes and coordinates."""
        secrets: set[str] = set()
        for location in places:
            for address in getattr(location, "addresses", ()) or ():
                # The street without its number ("Sycamore Crescent") is as telling.
                street = re.sub(r"^\W*(?:flat|unit)?\s*[\d\s,/-]+[a-z]?\b[\s,]*", "", address.address_1 or "",
                                flags=re.IGNORECASE)
                for value in (address.address_1, street, address.attention, address.postal_code):
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
        for shape in (COORDINATES, POSTCODE, STREET_ADDRESS) if self.shapes else ():
            redacted = shape.sub(WITHHELD, redacted)
        for secret in self.secrets:
            pattern = r"\s*".join(re.escape(part) for part in secret.split())
            if re.fullmatch(r"-?[\d.]+", secret):
                pattern = r"(?<![\d.])" + pattern + r"\d*"  # 52.520 also takes 52.5204
            redacted = re.sub(pattern, WITHHELD, redacted, flags=re.IGNORECASE)
        return redacted

    def exact(self) -> Redactor:
        return Redactor(self.secrets, shapes=False)

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


def redactor_for(service: Any) -> Redactor:
    """The redactor for a service's public texts: its withheld locations' whereabouts."""
    return Redactor.for_places(service.withheld_locations())


def front_door_and_referral(service: Any) -> str | None:
    """How to be referred, the front door first: for a withheld service it is the way in."""
    parts = [service.front_door, service.referral]
    return " ".join(dict.fromkeys(part.strip() for part in parts if part and part.strip())) or None


# --- withholding look-alikes of safe accommodation ---------------------------------------

PENDING = "pending"


def _service_texts(service: Any) -> list[str | None]:
    texts = [service.name, service.description, service.alert, service.fees, service.accreditations,
             service.referral, service.hours_note, service.url, service.email]
    texts += [phone.description for phone in service.phones]
    texts += [text for s in service.schedules for text in (s.description, s.notes)]
    texts += [text for c in service.contacts for text in (c.name, c.title)]
    return texts


def has_whereabouts(location: Any) -> bool:
    return bool(location.addresses) or any(
        value is not None for value in (location.latitude, location.longitude, location.easting, location.northing)
    ) or reveals_whereabouts(location.name) or reveals_whereabouts(location.description)


@dataclass(frozen=True)
class Withholding:
    """What the safe-accommodation rule withheld from one service, for the import report."""

    service_id: str
    name: str
    reason: str
    locations: tuple[str, ...]
    service_texts: bool
    feed_marked_public: bool

    def report(self) -> dict[str, Any]:
        what = ([f"the address, postcode and coordinates of location {', '.join(self.locations)}"]
                if self.locations else [])
        if self.service_texts:
            what.append("the whereabouts written in the service's own texts")
        detail = f"Withheld {' and '.join(what)} because {self.reason}."
        if self.feed_marked_public:
            detail += " The feed marks it public: a commissioner must confirm before it is published."
        return {"service_id": self.service_id, "name": self.name, "locations": list(self.locations),
                "service_texts": self.service_texts, "reason": self.reason,
                "feed_marked_public": self.feed_marked_public, "review": PENDING, "detail": detail}


def withhold_look_alikes(service: Any, term_codes: Iterable[str], public_in_feed: set[str],
                         service_public_in_feed: bool = False, when: str = "on import") -> Withholding | None:
    """The safe-import rule: a record that looks like safe accommodation and carries
    whereabouts (an address, coordinates, or an address written in its texts) has them
    withheld and is flagged for a commissioner's review, unless a commissioner has already
    confirmed that location public and the feed still explicitly marks it so.

    `public_in_feed`: ids of locations the feed explicitly marks `confidential: false`;
    `service_public_in_feed`: the feed marks the whole service so; `when`: for the note."""
    locations = [sal.location for sal in service.service_at_locations]
    texts: dict[str, str | None] = {"the service's name": service.name,
                                    "the service's description": service.description}
    for location in locations:
        texts[f"location {location.id}'s name"] = location.name
        texts[f"location {location.id}'s description"] = location.description
    codes = set(term_codes)
    for attribute in service.attributes:
        term = attribute.taxonomy_term
        if term is not None:
            codes.add(term.code)
            texts[f"the taxonomy term {term.id}"] = term.name
    reason = looks_like_safe_accommodation(texts, codes)
    if reason is None:
        return None
    newly: list[str] = []
    for location in locations:
        if not has_whereabouts(location) or location.confidential or service.confidential:
            continue
        explicitly_public = service_public_in_feed or location.id in public_in_feed
        if explicitly_public and location.public_confirmed:
            continue
        location.confidential = True
        location.public_confirmed = False
        newly.append(location.id)
    in_texts = not service.confidential and any(reveals_whereabouts(text) for text in _service_texts(service))
    if in_texts:
        service.confidential = True
    if not newly and not in_texts:
        return None
    feed_public = service_public_in_feed or any(location_id in public_in_feed for location_id in newly)
    service.confidentiality_review = PENDING
    service.confidentiality_note = f"Withheld {when} because {reason}." + (
        " The feed marks it public." if feed_public else "")
    return Withholding(service_id=service.id, name=service.name, reason=reason, locations=tuple(newly),
                       service_texts=in_texts, feed_marked_public=feed_public)
