"""Chat with the assistant from a terminal, through its REST channel.

    .venv-bot/bin/python scripts/chat.py [--url http://127.0.0.1:5005] [--area warwickshire]

Buttons are shown as numbered choices: type the number to press one. Type /quit
(or press Ctrl-D) to leave. Each run is a new conversation with a random id.
"""

from __future__ import annotations

import argparse
import sys
import uuid

import httpx

WEBHOOK_PATH = "/webhooks/rest/webhook"


def show(messages: list[dict]) -> list[dict]:
    """Print the assistant's messages; return the buttons of the last one that has any.

    Emergency guidance and lists of services come as custom data ({"kind", "text",
    "buttons", "services"}); their text is shown like any other."""
    buttons: list[dict] = []
    for message in messages:
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
        text = message.get("text") or custom.get("text")
        if text:
            print()
            marker = "!! " if custom.get("kind") == "danger" else "  "
            for line in text.splitlines():
                print(f"{marker}{line}")
        if message.get("buttons") or custom.get("buttons"):
            buttons = message.get("buttons") or custom["buttons"]
            for number, button in enumerate(buttons, start=1):
                print(f"    {number}. {button['title']}")
    return buttons


def payload_for(typed: str, buttons: list[dict]) -> str:
    if typed.isdigit() and 1 <= int(typed) <= len(buttons):
        return buttons[int(typed) - 1]["payload"]
    return typed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument(
        "--area", help="pass this pilot area id as channel metadata, as a partner page would"
    )
    parser.add_argument("--language", help="pass this language as channel metadata")
    args = parser.parse_args()

    sender = uuid.uuid4().hex
    metadata = {
        key: value for key, value in (("area", args.area), ("language", args.language)) if value
    }
    buttons: list[dict] = []
    print("Signpost terminal chat. Type a message, a number to press a button, or /quit.")
    with httpx.Client(base_url=args.url, timeout=30) as client:
        typed = "/greet"
        while True:
            body = {"sender": sender, "message": payload_for(typed, buttons)}
            if metadata:
                body["metadata"] = metadata
            try:
                response = client.post(WEBHOOK_PATH, json=body)
                response.raise_for_status()
            except httpx.HTTPError as error:
                print(
                    f"\nCould not reach the assistant at {args.url} ({error.__class__.__name__}). Is it running?"
                )
                return 1
            buttons = show(response.json())
            typed = ""
            while not typed:
                try:
                    typed = input("\n> ").strip()
                except EOFError:
                    print()
                    return 0
            if typed == "/quit":
                return 0


if __name__ == "__main__":
    sys.exit(main())
