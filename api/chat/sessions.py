"""Chat sessions minted by the server, forgotten after inactivity or when ended.

The browser holds a random 256-bit id. Rasa never sees it: the conversation is keyed by
an HMAC of the id, so even someone who could read the tracker store could not use what
they found to join a conversation. In memory by default; Redis when several API
replicas share the work.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from typing import Protocol

from redis.exceptions import RedisError

SESSION_ID_BYTES = 32


@dataclass(frozen=True)
class ChatSession:
    area: str | None
    language: str | None
    council_url: str | None = None


def new_session_id() -> str:
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def conversation_key(session_id: str, secret: bytes) -> str:
    return hmac.new(secret, session_id.encode(), hashlib.sha256).hexdigest()


class SessionStoreUnavailable(Exception):
    """The shared store could not be reached: the gateway answers with the helplines."""


class SessionStore(Protocol):
    def create(self, session_id: str, session: ChatSession) -> None: ...
    def touch(self, session_id: str) -> ChatSession | None: ...
    def end(self, session_id: str) -> bool: ...


class MemorySessionStore:
    """Sliding expiry: each message keeps a session alive for `ttl_seconds` more."""

    def __init__(self, ttl_seconds: int, clock=time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._sessions: dict[str, tuple[float, ChatSession]] = {}
        self._lock = threading.Lock()

    def _sweep(self, now: float) -> None:
        expired = [key for key, (deadline, _s) in self._sessions.items() if deadline <= now]
        for key in expired:
            del self._sessions[key]

    def create(self, session_id: str, session: ChatSession) -> None:
        with self._lock:
            now = self._clock()
            self._sweep(now)
            self._sessions[session_id] = (now + self.ttl_seconds, session)

    def touch(self, session_id: str) -> ChatSession | None:
        with self._lock:
            now = self._clock()
            found = self._sessions.get(session_id)
            if found is None or found[0] <= now:
                self._sessions.pop(session_id, None)
                return None
            self._sessions[session_id] = (now + self.ttl_seconds, found[1])
            return found[1]

    def end(self, session_id: str) -> bool:
        with self._lock:
            return self._sessions.pop(session_id, None) is not None

    def __len__(self) -> int:
        with self._lock:
            self._sweep(self._clock())
            return len(self._sessions)


class RedisSessionStore:
    """The same contract in Redis, so any API replica can serve any session."""

    def __init__(self, redis_client, ttl_seconds: int, prefix: str = "signpost:chat:") -> None:
        self.redis = redis_client
        self.ttl_seconds = ttl_seconds
        self.prefix = prefix

    def create(self, session_id: str, session: ChatSession) -> None:
        try:
            self.redis.set(self.prefix + session_id, json.dumps(asdict(session)), ex=self.ttl_seconds)
        except RedisError as error:
            raise SessionStoreUnavailable(type(error).__name__) from error

    def touch(self, session_id: str) -> ChatSession | None:
        key = self.prefix + session_id
        try:
            pipeline = self.redis.pipeline()
            pipeline.get(key)
            pipeline.expire(key, self.ttl_seconds)
            raw, _ = pipeline.execute()
        except RedisError as error:
            raise SessionStoreUnavailable(type(error).__name__) from error
        return ChatSession(**json.loads(raw)) if raw else None

    def end(self, session_id: str) -> bool:
        try:
            return bool(self.redis.delete(self.prefix + session_id))
        except RedisError as error:
            raise SessionStoreUnavailable(type(error).__name__) from error
