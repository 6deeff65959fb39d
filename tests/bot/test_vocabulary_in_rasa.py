"""Rasa's own process runs from bot/ and cannot import the shared vocabulary package, so its
channel and language component keep their own copy of two protocol names. These must be the
vocabulary's (vocabulary/protocol.py), or the gateway's token and the actions' language
would silently stop arriving."""
from __future__ import annotations

from channels import signpost_channel
from components import language_identification

from vocabulary import protocol


def test_rasa_uses_the_vocabularys_protocol_names():
    assert signpost_channel.TOKEN_HEADER == protocol.CHANNEL_TOKEN_HEADER
    assert language_identification.LANGUAGE_DETECTED == protocol.LANGUAGE_DETECTED
