"""Drive a conversation through the chat gateway as a person would, answering each triage
question; the questions are recognised by their words in locales/, so the driver follows
the assistant's wording wherever it changes."""
from __future__ import annotations

import itertools
from functools import lru_cache

import httpx
import yaml

from tests.stack.harness import REPO


@lru_cache(maxsize=1)
def questions() -> dict[str, str]:
    ask = yaml.safe_load((REPO / "locales" / "chat.en.yml").read_text())["en"]["ask"]
    return {key: text.split("\n")[0].strip() for key, text in ask.items()}


def services_in(messages: list[dict]) -> list[dict]:
    return [service for m in messages for service in m.get("services") or []]


class Conversation:
    """`api` is one gateway, or a list of gateways (API replicas) taken in turn, one per request."""

    def __init__(self, api: str | list[str], **start) -> None:
        self.gateways = itertools.cycle([api] if isinstance(api, str) else api)
        self.client = httpx.Client(timeout=30)
        response = self.client.post(self._url("/chat/sessions"), json=start)
        response.raise_for_status()
        body = response.json()
        self.session_id = body["session_id"]
        self.messages = body["messages"]
        self.degraded = body["degraded"]
        self.transcript = list(self.messages)

    def _url(self, path: str) -> str:
        return next(self.gateways) + path

    def send(self, text: str | None = None, payload: str | None = None) -> list[dict]:
        body = {"payload": payload} if payload else {"text": text}
        response = self.client.post(self._url(f"/chat/sessions/{self.session_id}/messages"), json=body)
        response.raise_for_status()
        self.messages = response.json()["messages"]
        self.degraded = response.json()["degraded"]
        self.transcript += self.messages
        return self.messages

    @property
    def buttons(self) -> list[dict]:
        with_buttons = [m for m in self.messages if m.get("buttons")]
        return with_buttons[-1]["buttons"] if with_buttons else []

    def press(self, payload: str) -> list[dict]:
        assert payload in [b["payload"] for b in self.buttons], (payload, self.buttons)
        return self.send(payload=payload)

    def answer_until_services(self, place: str = "CV11 4HL", turns: int = 8, use_buttons: bool = True) -> list[dict]:
        """Answer: it is about me, an adult, neither male nor LGBT+, not in the last 7 days."""
        answers = {
            "about_self": ("/affirm", "yes it's me"),
            "age_group_self": ("/deny", "no i'm 34"),
            "identity_self": ("/deny", "no neither"),
            "recent_assault": ("/deny", "no it was months ago"),
        }
        for _ in range(turns):
            found = services_in(self.messages)
            if found:
                return found
            said = "\n".join(m.get("text") or "" for m in self.messages)
            if any(questions()[key] in said for key in ("location_self", "location_other")):
                self.send(text=place)
                continue
            for key, (payload, typed) in answers.items():
                if questions()[key] in said:
                    self.press(payload) if use_buttons else self.send(text=typed)
                    break
            else:
                raise AssertionError(f"no question recognised in: {said[:500]}")
        raise AssertionError("no services after the triage questions")

    def end(self) -> None:
        self.client.delete(self._url(f"/chat/sessions/{self.session_id}"))
        self.client.close()
