"""What the gateway must remember about a live conversation to count its outcomes once:
its pilot area, whether it has had an answer, whether danger guidance was counted, and
(for "left before an answer") when it will expire if nobody writes again.

Keyed by the conversation key (an HMAC of the session id), never the session id itself, and
forgotten when the conversation ends or expires. In memory for one process; in Redis when
several API processes share sessions, where every step is one atomic script so that each
outcome is counted by exactly one process.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

CLAIM_BATCH = 500
# The widget's quick exit sends a beacon marked as a quick exit and an unmarked DELETE,
# in either order: an ended conversation is remembered this long so the mark still counts.
ENDED_GRACE_SECONDS = 120


@dataclass(frozen=True)
class Ended:
    area: str
    unanswered: bool  # this ending is the first, and no answer had been given
    quick_exit: bool  # the first time this conversation's ending was marked as a quick exit


class OutcomeTracker(Protocol):
    def start(self, conversation: str, area: str) -> None: ...
    def engaged(self, conversation: str) -> None: ...
    def answered(self, conversation: str) -> bool: ...
    def first_danger(self, conversation: str) -> bool: ...
    def end(self, conversation: str, quick_exit: bool = False) -> Ended | None: ...
    def claim_expired(self, now: float | None = None) -> list[str]: ...


@dataclass
class _State:
    area: str
    deadline: float
    answered: bool = False
    danger: bool = False
    pending: bool = field(default=False)
    ended: bool = False
    quick_exit: bool = False


class MemoryOutcomeTracker:
    def __init__(self, ttl_seconds: int, clock=time.time) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._states: dict[str, _State] = {}
        self._lock = threading.Lock()

    def _live(self, conversation: str) -> _State | None:
        state = self._states.get(conversation)
        if state is not None and state.deadline <= self._clock() and not state.pending:
            del self._states[conversation]
            return None
        return state

    def start(self, conversation: str, area: str) -> None:
        with self._lock:
            self._states[conversation] = _State(area=area, deadline=self._clock() + self.ttl_seconds)

    def engaged(self, conversation: str) -> None:
        with self._lock:
            state = self._live(conversation)
            if state is None:
                return
            state.deadline = self._clock() + self.ttl_seconds
            state.pending = not state.answered

    def answered(self, conversation: str) -> bool:
        """True the first time this conversation is answered."""
        with self._lock:
            state = self._live(conversation)
            if state is None:
                return False
            first = not state.answered
            state.answered, state.pending = True, False
            return first

    def first_danger(self, conversation: str) -> bool:
        with self._lock:
            state = self._live(conversation)
            if state is None or state.danger:
                return False
            state.danger = True
            return True

    def end(self, conversation: str, quick_exit: bool = False) -> Ended | None:
        with self._lock:
            state = self._states.get(conversation)
            if state is None:
                return None
            unanswered = False
            if not state.ended:
                unanswered, state.ended, state.pending = state.pending, True, False
                state.deadline = self._clock() + ENDED_GRACE_SECONDS
            first_quick_exit = quick_exit and not state.quick_exit
            state.quick_exit = state.quick_exit or quick_exit
            return Ended(state.area, unanswered, first_quick_exit)

    def claim_expired(self, now: float | None = None) -> list[str]:
        now = self._clock() if now is None else now
        with self._lock:
            expired = [key for key, state in self._states.items() if state.deadline <= now]
            states = [self._states.pop(key) for key in expired]
        return [state.area for state in states if state.pending]

    def __len__(self) -> int:
        with self._lock:
            return len(self._states)


# KEYS[1] the conversation's hash, KEYS[2] the sorted set of unanswered conversations
# scored by when they expire; members are "<area>|<conversation key>".
_ENGAGED = """
local area = redis.call('HGET', KEYS[1], 'area')
if not area then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
if redis.call('HEXISTS', KEYS[1], 'answered') == 1 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], area .. '|' .. ARGV[3])
return 1
"""
_ANSWERED = """
local area = redis.call('HGET', KEYS[1], 'area')
if not area then return 0 end
local first = redis.call('HSETNX', KEYS[1], 'answered', '1')
redis.call('ZREM', KEYS[2], area .. '|' .. ARGV[1])
return first
"""
_FIRST_DANGER = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'danger', '1')
"""
_END = """
local area = redis.call('HGET', KEYS[1], 'area')
if not area then return false end
local unanswered = 0
if redis.call('HSETNX', KEYS[1], 'ended', '1') == 1 then
  unanswered = redis.call('ZREM', KEYS[2], area .. '|' .. ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
local quick = 0
if ARGV[2] == '1' then quick = redis.call('HSETNX', KEYS[1], 'quick_exit', '1') end
return {area, unanswered, quick}
"""


class RedisOutcomeTracker:
    def __init__(self, redis_client, ttl_seconds: int, prefix: str = "signpost:insights:") -> None:
        self.redis = redis_client
        self.ttl_seconds = ttl_seconds
        self.prefix = prefix
        self.pending_key = prefix + "unanswered"
        self._engaged = redis_client.register_script(_ENGAGED)
        self._answered = redis_client.register_script(_ANSWERED)
        self._first_danger = redis_client.register_script(_FIRST_DANGER)
        self._end = redis_client.register_script(_END)

    def _state_key(self, conversation: str) -> str:
        return self.prefix + "c:" + conversation

    def start(self, conversation: str, area: str) -> None:
        key = self._state_key(conversation)
        pipeline = self.redis.pipeline()
        pipeline.delete(key)
        pipeline.hset(key, "area", area)
        pipeline.expire(key, self.ttl_seconds)
        pipeline.execute()

    def engaged(self, conversation: str) -> None:
        deadline = time.time() + self.ttl_seconds
        self._engaged(keys=[self._state_key(conversation), self.pending_key],
                      args=[deadline, self.ttl_seconds, conversation])

    def answered(self, conversation: str) -> bool:
        """True for exactly one caller: the first answer of this conversation."""
        return bool(self._answered(keys=[self._state_key(conversation), self.pending_key], args=[conversation]))

    def first_danger(self, conversation: str) -> bool:
        return bool(self._first_danger(keys=[self._state_key(conversation)]))

    def end(self, conversation: str, quick_exit: bool = False) -> Ended | None:
        found = self._end(keys=[self._state_key(conversation), self.pending_key],
                          args=[conversation, "1" if quick_exit else "0", ENDED_GRACE_SECONDS])
        if not found:
            return None
        area, unanswered, quick = found
        return Ended(area.decode() if isinstance(area, bytes) else area, bool(unanswered), bool(quick))

    def claim_expired(self, now: float | None = None) -> list[str]:
        now = time.time() if now is None else now
        members = self.redis.zrangebyscore(self.pending_key, "-inf", now, start=0, num=CLAIM_BATCH)
        claimed = []
        for member in members:
            # ZREM answers 1 to exactly one caller, so each expiry is counted once however
            # many processes sweep at the same moment.
            if self.redis.zrem(self.pending_key, member):
                text = member.decode() if isinstance(member, bytes) else member
                claimed.append(text.split("|", 1)[0])
        return claimed
