"""Per-session and per-client rate limits with the `limits` library (memory or Redis).

The client's address is only ever used as an HMAC inside a counter that lives for the
length of the window; it is never logged or stored anywhere else.
"""
from __future__ import annotations

import hashlib
import hmac

import logging

from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter


log = logging.getLogger("signpost.gateway")


class ChatRateLimits:
    """When the shared store is down the limits let messages through: the gateway then
    answers every message with the helplines itself, which costs the assistant nothing."""

    def __init__(self, per_session: str, per_client: str, secret: bytes, redis_url: str | None = None) -> None:
        storage = (storage_from_string(redis_url, wrap_exceptions=True, socket_timeout=1, socket_connect_timeout=1)
                   if redis_url else MemoryStorage())
        self.limiter = MovingWindowRateLimiter(storage)
        self.per_session = parse(per_session)
        self.per_client = parse(per_client)
        self.secret = secret

    def _pseudonym(self, value: str) -> str:
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()[:32]

    def _hit(self, limit, *identifiers: str) -> bool:
        try:
            return self.limiter.hit(limit, *identifiers)
        except StorageError as error:
            log.warning("rate_limit_store_unavailable error_type=%s", type(error.storage_error).__name__)
            return True

    def allow_client(self, address: str | None) -> bool:
        return self._hit(self.per_client, "client", self._pseudonym(address or "unknown"))

    def allow_session(self, conversation: str) -> bool:
        return self._hit(self.per_session, "session", conversation)

    @property
    def retry_after_seconds(self) -> int:
        return max(self.per_session.get_expiry(), 1)
