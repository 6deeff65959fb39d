"""Whole conversations through the chat gateway, paced as people type.

Each simulated person starts a conversation, says what is happening in her own words,
answers the triage questions, gives a postcode, asks a question about the answer and
ends the chat; then starts again. One message every SIGNPOST_LOAD_PACING_SECONDS (10 by
default; 0 sends without pause, to find the saturated rate). Turns go to the gateways in
SIGNPOST_LOAD_HOSTS (comma-separated) in turn, as a round-robin proxy would send them.

A reply counts as a failure when it is not 200/201 or when it is the degraded answer
(the gateway could not get the assistant's own reply in time).

    .venv/bin/locust -f scripts/load/locustfile.py --headless -u 300 -r 30 -t 2m \
        --host http://127.0.0.1:8000
"""
from __future__ import annotations

import itertools
import os

from locust import FastHttpUser, constant_pacing, task

PACING_SECONDS = float(os.environ.get("SIGNPOST_LOAD_PACING_SECONDS", "10"))
HOSTS = [h.strip().rstrip("/") for h in os.environ.get("SIGNPOST_LOAD_HOSTS", "").split(",") if h.strip()]
TURNS = ["my partner checks my phone and takes my money", "/affirm", "/deny", "/deny", "CV11 4HL",
         "/ask_what_is_idva"]


class Person(FastHttpUser):
    wait_time = constant_pacing(PACING_SECONDS)

    def on_start(self) -> None:
        self.gateways = itertools.cycle(HOSTS or [self.host.rstrip("/")])
        self.session_path: str | None = None
        self.turn = 0

    def _post(self, path: str, body: dict, name: str, expected: int):
        with self.client.post(next(self.gateways) + path, json=body, name=name, catch_response=True) as response:
            if response.status_code != expected:
                response.failure(f"status {response.status_code}")
                return None
            data = response.json()
            if data.get("degraded"):
                response.failure("degraded reply")
                return None
            return data

    @task
    def next_message(self) -> None:
        if self.session_path is None:
            started = self._post("/chat/sessions", {}, "start a conversation", 201)
            if started:
                self.session_path = f"/chat/sessions/{started['session_id']}"
                self.turn = 0
            return
        if self.turn == len(TURNS):
            self.client.delete(next(self.gateways) + self.session_path, name="end the conversation")
            self.session_path = None
            return
        turn = TURNS[self.turn]
        body = {"payload": turn} if turn.startswith("/") else {"text": turn}
        if self._post(self.session_path + "/messages", body, "send a message", 200) is None:
            self.session_path = None  # start afresh, as a person given the helplines might
        self.turn += 1
