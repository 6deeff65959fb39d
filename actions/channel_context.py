"""What a partner's page tells us about the conversation, through message metadata.

A partner's page passes, with each message, metadata such as {"area":
"warwickshire", "language": "en", "council_url": "https://..."} (through the chat
gateway, docs/chat-gateway.md, or the REST channel's `metadata`). Rasa keeps the metadata of the message
that opened the session in the `session_started_metadata` slot; later messages
carry their own. Only known pilot areas and available locales are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

from rasa_sdk.events import EventType, SlotSet

from actions.i18n import supported_locale
# A partner embed may pass a pilot area's id or "outside" as the `area` in the metadata.
from vocabulary.areas import OUTSIDE as OUTSIDE_PILOT, PILOT_AREA_IDS

SESSION_METADATA_SLOT = "session_started_metadata"


MAX_URL_LENGTH = 300


@dataclass(frozen=True)
class ChannelContext:
    area: Optional[str] = None
    language: Optional[str] = None
    council_url: Optional[str] = None


def _web_address(value: Any) -> Optional[str]:
    if isinstance(value, str) and value.startswith("https://") and len(value) <= MAX_URL_LENGTH:
        if not any(ch.isspace() for ch in value):
            return value
    return None


def _metadata(tracker: Any, at_session_start: bool) -> dict:
    session = tracker.get_slot(SESSION_METADATA_SLOT)
    # At session start the latest message still belongs to the previous session.
    latest = None if at_session_start else (tracker.latest_message or {}).get("metadata")
    merged: dict = {}
    for source in (session, latest):
        if isinstance(source, dict):
            merged.update(source)
    return merged


def channel_context(tracker: Any, at_session_start: bool = False) -> ChannelContext:
    """The area and language the page gave: the latest message's metadata first, then
    the metadata of the message that started the session."""
    metadata = _metadata(tracker, at_session_start)
    area = metadata.get("area")
    return ChannelContext(
        area=area if area in PILOT_AREA_IDS or area == OUTSIDE_PILOT else None,
        language=supported_locale(metadata.get("language")),
        council_url=_web_address(metadata.get("council_url")),
    )


def context_slot_events(tracker: Any) -> List[EventType]:
    """Area and language from the page's metadata, when they add something."""
    context = channel_context(tracker)
    events: List[EventType] = []
    if context.area and not tracker.get_slot("area"):
        events.append(SlotSet("area", context.area))
    # The language someone wrote in outranks the page's default (actions/fallback.py).
    if (
        context.language
        and context.language != tracker.get_slot("language")
        and not tracker.get_slot("own_language")
    ):
        events.append(SlotSet("language", context.language))
    return events
