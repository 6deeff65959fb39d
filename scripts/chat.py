"""Chat with the assistant from a terminal, through the API's chat gateway, exactly as the
widget does (the gateway is the only way in: Rasa listens on loopback behind it).

    .venv-bot/bin/python scripts/chat.py [--url http://127.0.0.1:8000] [--area warwickshire]

Buttons are shown as numbered choices: type the number to press one. Type /quit (or
press Ctrl-D) to leave: the conversation is then deleted on the server.
"""

from __future__ import annotations

import argparse
import sys

import httpx


def show(messages: list[dict]) -> list[dict]:
    """Print the assistant's messages; return the buttons of the last one that has any."""
    buttons: list[dict] = []
    for message in messages:
        text = message.get("text")
        if text:
            print()
            marker = "!! " if message.get("kind") == "danger" else "  "
            for line in text.splitlines():
                print(f"{marker}{line}")
        if message.get("buttons"):
            buttons = message["buttons"]
            for number, button in enumerate(buttons, start=1):
                print(f"    {number}. {button['title']}")
    return buttons


def body_for(typed: str, buttons: list[dict]) -> dict:
    if typed.isdigit() and 1 <= int(typed) <= len(buttons):
        return {"payload": buttons[int(typed) - 1]["payload"]}
    return {"text": typed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the Signpost API")
    parser.add_argument("--area", help="a pilot area id, as a partner page would pass")
    parser.add_argument("--language", help="a language code, as a partner page would pass")
    args = parser.parse_args()

    start = {key: value for key, value in (("area", args.area), ("language", args.language)) if value}
    print("Signpost terminal chat. Type a message, a number to press a button, or /quit.")
    with httpx.Client(base_url=args.url, timeout=30) as client:
        try:
            response = client.post("/chat/sessions", json=start)
            response.raise_for_status()
        except httpx.HTTPError as error:
            print(f"\nCould not reach Signpost at {args.url} ({error.__class__.__name__}). Is `make run` running?")
            return 1
        session = response.json()
        path = f"/chat/sessions/{session['session_id']}"
        buttons = show(session["messages"])
        try:
            while True:
                typed = ""
                while not typed:
                    typed = input("\n> ").strip()
                if typed == "/quit":
                    return 0
                response = client.post(path + "/messages", json=body_for(typed, buttons))
                if response.status_code == 404:
                    print("\nThis conversation has ended. Run the chat again to start a new one.")
                    return 0
                response.raise_for_status()
                buttons = show(response.json()["messages"])
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        finally:
            client.delete(path)


if __name__ == "__main__":
    sys.exit(main())
