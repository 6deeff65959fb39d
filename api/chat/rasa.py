"""Talking to the assistant's channel on loopback, and the answer when it cannot talk back."""
from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

import httpx

from vocabulary.protocol import CHANNEL_TOKEN_HEADER

log = logging.getLogger("signpost.gateway")

CONNECT_TIMEOUT_SECONDS = 1.0
RETRY_PAUSE_SECONDS = 0.2


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
            if isinstance(custom.get("signpost_outcome"), dict):
                # For the insights count; the chat router takes it out before the browser sees it.
                message["outcome"] = custom["signpost_outcome"]
            for mark in ("signpost_reach", "signpost_route"):
                if isinstance(custom.get(mark), dict):
                    message[mark] = custom[mark]  # likewise taken out before the browser sees it
            messages.append(message)
    if not messages:
        raise AssistantUnavailable("no messages")
    return messages


class Replica:
    """One Rasa server, and until when it is passed over after failing."""

    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.resting_until = 0.0
        self.client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=min(CONNECT_TIMEOUT_SECONDS, timeout_seconds)),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )


class AssistantClient:
    """Spreads conversations' turns over the Rasa replicas in turn (they share the tracker
    and lock stores, so any replica can take any turn).

    A replica that refuses the connection, or does not accept it in time, has received
    nothing, so the same turn goes straight to the next one. A replica that accepted the
    turn but failed or ran out of time may have acted on it, and the conversation's lock
    may still be held, so that turn is answered with the degraded reply instead of being
    sent twice. Either way the failing replica rests for `rest_seconds` and the others take
    its share; the whole turn never takes longer than `timeout_seconds`.
    """

    def __init__(self, base_urls: str | list[str], token: str, timeout_seconds: float,
                 rest_seconds: float = 5.0, clock=time.monotonic) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("at least one assistant URL is needed")
        self.token = token
        self.timeout_seconds = timeout_seconds
        self.rest_seconds = rest_seconds
        self._clock = clock
        self.replicas = [Replica(url, timeout_seconds) for url in urls]
        self._turns = itertools.count()

    def _in_order(self) -> list[Replica]:
        """Every replica once, starting from the next in turn; resting ones last."""
        start = next(self._turns) % len(self.replicas)
        ordered = self.replicas[start:] + self.replicas[:start]
        now = self._clock()
        return [r for r in ordered if r.resting_until <= now] + [r for r in ordered if r.resting_until > now]

    def _rest(self, replica: Replica) -> None:
        replica.resting_until = self._clock() + self.rest_seconds

    async def send(self, conversation: str, message: str, metadata: dict) -> list[dict]:
        body = {"sender": conversation, "message": message, "metadata": metadata}
        deadline = self._clock() + self.timeout_seconds
        ordered = self._in_order()
        # When every replica refused, one of them may just be restarting: one more try shortly.
        for attempt, replica in enumerate(ordered + ordered[:1]):
            if attempt == len(ordered):
                await asyncio.sleep(RETRY_PAUSE_SECONDS)
            remaining = deadline - self._clock()
            if remaining <= 0.05:
                break
            try:
                response = await replica.client.post(
                    "/webhooks/signpost/webhook", json=body, headers={CHANNEL_TOKEN_HEADER: self.token},
                    timeout=httpx.Timeout(remaining, connect=min(CONNECT_TIMEOUT_SECONDS, remaining)),
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                # Nothing reached this replica, so another can take the turn without repeating it.
                log.warning("assistant_unreachable replica=%s error_type=%s", replica.base_url, type(error).__name__)
                self._rest(replica)
                continue
            except httpx.HTTPError as error:
                log.warning("assistant_failed replica=%s error_type=%s", replica.base_url, type(error).__name__)
                self._rest(replica)
                raise AssistantUnavailable("failed") from error
            if response.status_code != 200:
                log.warning("assistant_failed replica=%s status=%s", replica.base_url, response.status_code)
                if response.status_code >= 500:
                    self._rest(replica)
                raise AssistantUnavailable(f"status {response.status_code}")
            try:
                return normalise(response.json())
            except ValueError as error:
                raise AssistantUnavailable("malformed") from error
        raise AssistantUnavailable("unreachable")

    async def end(self, conversation: str) -> bool:
        """Any replica can delete the conversation from the shared stores: the first that answers does."""
        for replica in self._in_order():
            try:
                response = await replica.client.post(
                    "/webhooks/signpost/end", json={"sender": conversation}, headers={CHANNEL_TOKEN_HEADER: self.token}
                )
                return response.status_code == 200
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                log.warning("assistant_end_unreachable replica=%s error_type=%s", replica.base_url,
                            type(error).__name__)
                self._rest(replica)
            except httpx.HTTPError as error:
                log.warning("assistant_end_failed replica=%s error_type=%s", replica.base_url, type(error).__name__)
                return False
        return False

    async def close(self) -> None:
        for replica in self.replicas:
            await replica.client.aclose()
