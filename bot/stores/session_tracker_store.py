"""The production tracker store, named in bot/endpoints.production.yml:

    tracker_store:
      type: stores.session_tracker_store.SessionTrackerStore

Rasa's RedisTrackerStore, with two changes through Rasa's own extension point (a tracker
store class named in the endpoints file) rather than by replacing Rasa's method:

- `save` writes the current session without first reading back and decoding the stored
  conversation to merge it: that merge keeps earlier sessions that `retrieve` leaves out,
  and cost a tenth of Rasa's CPU per message under load (docs/benchmarks.md). Here nothing
  earlier is worth keeping: the record expires with the session (record_exp equals
  session_expiration_time, and each save renews it), and the lock store keeps two replicas
  from saving one conversation at once. If an earlier session was still stored, it is
  dropped, not kept.
- `delete` removes a conversation at once: quick exit and "end the chat" call it through
  the signpost channel (channels/signpost_channel.py).

`save` uses RedisTrackerStore's internals (stream_events, serialise_tracker, red, key_prefix,
record_exp), so the class refuses to start on a Rasa it was not written for.
"""
from __future__ import annotations

from typing import Any, Optional, Text

import rasa
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

WRITTEN_FOR_RASA = "3.6.21"


class SessionTrackerStore(RedisTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if rasa.__version__ != WRITTEN_FOR_RASA:
            raise RuntimeError(
                f"{type(self).__name__} was written for Rasa {WRITTEN_FOR_RASA}, not {rasa.__version__}: "
                "check RedisTrackerStore.save is unchanged, then update WRITTEN_FOR_RASA")
        super().__init__(*args, **kwargs)

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)
        if not timeout and self.record_exp:
            timeout = self.record_exp
        self.red.set(self.key_prefix + tracker.sender_id, self.serialise_tracker(tracker), ex=timeout)

    def delete(self, sender_id: Text) -> None:
        self.red.delete(self.key_prefix + sender_id)
