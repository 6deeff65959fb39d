"""Names the parts of Signpost use to talk to each other over HTTP and in the tracker."""
from __future__ import annotations

# The header carrying the shared token from the chat gateway to Rasa's signpost channel.
CHANNEL_TOKEN_HEADER = "X-Signpost-Channel-Token"
# The slot and metadata key holding the language the person is writing in.
LANGUAGE_DETECTED = "language_detected"
