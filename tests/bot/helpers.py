"""Helpers for the bot tests: trackers, a fake directory API, service objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

import httpx
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import api_client
from actions.settings import load_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_tracker(
    slots: Optional[dict] = None,
    intent: Optional[str] = None,
    text: Optional[str] = None,
    entities: Optional[list] = None,
    ranking: Optional[list] = None,
    metadata: Optional[dict] = None,
    active_loop: Optional[str] = None,
    events: Optional[list] = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
        "intent_ranking": ranking
        if ranking is not None
        else ([{"name": intent, "confidence": 1.0}] if intent else []),
        "text": text,
        "metadata": metadata or {},
    }
    all_slots = {"language": "en"}
    all_slots.update(slots or {})
    return Tracker(
        sender_id="test-conversation",
        slots=all_slots,
        latest_message=latest,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    """Every message's text, whether sent as text or inside custom data."""
    return [m.get("text") or (m.get("custom") or {}).get("text") or "" for m in dispatcher.messages]


def service_lists(dispatcher: CollectingDispatcher) -> list[dict]:
    """The services messages, as heading, cards (the readable text) and services."""
    found = []
    for message in dispatcher.messages:
        custom = message.get("custom") or {}
        if custom.get("kind") == "services":
            heading, *cards = custom["text"].split("\n\n")
            found.append({"heading": heading, "cards": cards, "services": custom["services"]})
    return found


def responses(dispatcher: CollectingDispatcher) -> list[Optional[str]]:
    return [m.get("response") for m in dispatcher.messages]


class FakeDirectory:
    """A directory API behind httpx.MockTransport that records every request."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]):
        self.requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        self.client = api_client.DirectoryClient(
            load_settings(
                {"SIGNPOST_API_URL": "http://directory.test", "SIGNPOST_API_TIMEOUT_SECONDS": "0.5"}
            ),
            transport=httpx.MockTransport(record),
        )

    def params(self, path: str) -> list[dict]:
        return [dict(r.url.params) for r in self.requests if r.url.path == path]


def down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def service(
    name: str,
    number: str,
    categories: list[str],
    needs: list[str],
    *,
    group: str = "local",
    open_now: Any = True,
    open_24_7: bool = False,
    hours: Optional[str] = None,
    phone_type: str = "voice",
    url: Optional[str] = None,
    description: str = "",
    service_id: Optional[str] = None,
) -> dict:
    """A /signpost service object (docs/api-contract.md)."""
    return {
        "id": service_id or name.lower().replace(" ", "-"),
        "name": name,
        "organization": name,
        "description": description,
        "scope": "local" if group == "local" else "national",
        "group": group,
        "categories": categories,
        "needs": needs,
        "phones": [
            {
                "number": number,
                "type": phone_type,
                "description": None,
                "uri": "tel:" + number.replace(" ", ""),
            }
        ],
        "url": url,
        "email": None,
        "hours": hours,
        "open_now": open_now,
        "open_24_7": open_24_7,
        "eligibility": {
            "minimum_age": None,
            "maximum_age": None,
            "audience": None,
            "attributes": [],
        },
        "referral": None,
        "free_to_call": True,
        "languages": ["en"],
        "source": "test",
        "assured_date": "2023-01-01",
    }


def signpost_answer(
    category: str,
    services: list[dict],
    *,
    area: Optional[dict] = None,
    area_status: str = "resolved",
    local_authority: Optional[dict] = None,
) -> dict:
    return {
        "category": category,
        "need": None,
        "area": area,
        "area_status": area_status,
        "local_authority": local_authority,
        "generated_at": "2026-11-23T03:00:00+00:00",
        "services": services,
    }


def json_response(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
