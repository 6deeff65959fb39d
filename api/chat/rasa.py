"""Talking to the assistant's channel on loopback, and the answer when it cannot talk back."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger("signpost.gateway")

TOKEN_HEADER = "X-Signpost-Channel-Token"


class AssistantUnavailable(Exception):
    """Rasa or its action server could not give a usable answer."""


def normalise(raw: Any) -> list[dict]:
    """Rasa's collected messages as the widget's messages; anything malformed is unusable."""
    if not isinstance(raw, list):
        raise AssistantUnavailable("not a list")
    messages = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        text = item.get("text") if isinstance(item.get("text"), str) else custom.get("text")
        buttons = [
            {"title": str(b.get("title", ""))[:200], "payload": str(b.get("payload", ""))[:300]}
            for b in (item.get("buttons") or custom.get("buttons") or [])
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        ]
        services = custom.get("services") if isinstance(custom.get("services"), list) else None
        kind = custom.get("kind") if isinstance(custom.get("kind"), str) else None
        if text or buttons or services:
            message: dict[str, Any] = {"text": text or "", "buttons": buttons, "kind": kind}
            if services is not None:
                message["services"] = services
            messages.append(message)
    if not messages:
        raise AssistantUnavailable("no messages")
    return messages


class AssistantClient:
    def __init__(self, base_url: str, token: str, timeout_seconds: float, retries: int = 1) -> None:
        self.token = token
        self.retries = retries
        self.client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout_seconds, connect=min(2.0, timeout_seconds)),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def send(self, conversation: str, message: str, metadata: dict) -> list[dict]:
        body = {"sender": conversation, "message": message, "metadata": metadata}
        for attempt in range(self.retries + 1):
            try:
                response = await self.client.post(
                    "/webhooks/signpost/webhook", json=body, headers={TOKEN_HEADER: self.token}
                )
            except httpx.ConnectError as error:
                # Nothing reached the assistant, so trying again cannot say anything twice.
                if attempt < self.retries:
                    await asyncio.sleep(0.2)
                    continue
                log.warning("assistant_unreachable error_type=%s", type(error).__name__)
                raise AssistantUnavailable("unreachable") from error
            except httpx.HTTPError as error:
                log.warning("assistant_failed error_type=%s", type(error).__name__)
                raise AssistantUnavailable("failed") from error
            if response.status_code != 200:
                log.warning("assistant_failed status=%s", response.status_code)
                raise AssistantUnavailable(f"status {response.status_code}")
            try:
                return normalise(response.json())
            except ValueError as error:
                raise AssistantUnavailable("malformed") from error
        raise AssistantUnavailable("unreachable")

    async def end(self, conversation: str) -> bool:
        try:
            response = await self.client.post(
                "/webhooks/signpost/end", json={"sender": conversation}, headers={TOKEN_HEADER: self.token}
            )
            return response.status_code == 200
        except httpx.HTTPError as error:
            log.warning("assistant_end_failed error_type=%s", type(error).__name__)
            return False

    async def close(self) -> None:
        await self.client.aclose()
