"""The only way into the assistant: the API's chat gateway, over loopback.

Like Rasa's REST channel, with three differences that matter here:
- every request must carry the gateway's shared token (compared in constant time);
- nothing the person wrote is ever logged (the REST channel logs it on failure);
- POST /end deletes the conversation from the tracker store and the lock store, so
  quick exit and "end chat" leave nothing behind.
"""
from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, TrackerStore
from stores.session_tracker_store import SessionTrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Signpost-Channel-Token"
MAX_SENDER_LENGTH = 128
MAX_TEXT_LENGTH = 2000


def _innermost(store: Any) -> Any:
    """Unwrap Rasa's FailSafe/Awaitable tracker store wrappers."""
    seen = set()
    while hasattr(store, "_tracker_store") and id(store) not in seen:
        seen.add(id(store))
        store = store._tracker_store
    return store


def delete_conversation(tracker_store: TrackerStore, lock_store: Optional[LockStore], sender_id: Text) -> None:
    stores = [_innermost(tracker_store)]
    fallback = getattr(tracker_store, "_fallback_tracker_store", None)
    if fallback is not None:
        stores.append(_innermost(fallback))
    for store in stores:
        if isinstance(store, SessionTrackerStore):
            store.delete(sender_id)
        elif isinstance(store, InMemoryTrackerStore):
            store.store.pop(sender_id, None)
        elif isinstance(store, RedisTrackerStore):
            store.red.delete(store.key_prefix + sender_id)
        else:
            raise TypeError(f"cannot delete conversations from {type(store).__name__}")
    if isinstance(lock_store, (InMemoryLockStore, RedisLockStore)):
        lock_store.delete_lock(sender_id)


class SignpostChannel(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "signpost"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        token = (credentials or {}).get("token") or ""
        if len(token) < 16:
            raise ValueError("the signpost channel needs a token of at least 16 characters")
        return cls(token=token)

    def __init__(self, token: Text) -> None:
        self.token = token

    def _authorised(self, request: Request) -> bool:
        offered = request.headers.get(TOKEN_HEADER, "")
        return hmac.compare_digest(offered.encode(), self.token.encode())

    @staticmethod
    def _sender(body: Dict[Text, Any]) -> Optional[Text]:
        sender = body.get("sender")
        if isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_LENGTH and sender.isprintable():
            return sender
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("signpost_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = self._sender(body), body.get("message")
            if sender is None or not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT_LENGTH:
                return response.json({"error": "invalid_request"}, status=422)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except CancelledError:
                logger.error("signpost_channel.message_timeout")
                return response.json({"error": "timeout"}, status=504)
            except Exception as error:  # noqa: BLE001 - never let text reach a traceback log
                logger.error("signpost_channel.message_failed error_type=%s", type(error).__name__)
                return response.json({"error": "failed"}, status=502)
            return response.json(collector.messages)

        @webhook.route("/end", methods=["POST"])
        async def end(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender = self._sender(body)
            if sender is None:
                return response.json({"error": "invalid_request"}, status=422)
            agent = request.app.ctx.agent
            delete_conversation(agent.tracker_store, agent.lock_store, sender)
            return response.json({"ended": True})

        return webhook
