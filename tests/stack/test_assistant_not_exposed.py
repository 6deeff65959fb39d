"""Rasa and the action server, as they run: reachable only on loopback, Rasa's HTTP API off
(no --enable-api), and the token-protected signpost channel the only way in."""
from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.stack.harness import CHANNEL_TOKEN

# Rasa's HTTP API (rasa/server.py) and its other channels: none of them may answer.
RASA_API = [
    ("GET", "/status"), ("GET", "/version"), ("GET", "/domain"), ("POST", "/model/parse"),
    ("GET", "/conversations/someone/tracker"), ("POST", "/conversations/someone/messages"),
    ("POST", "/conversations/someone/trigger_intent"), ("PUT", "/model"), ("POST", "/model/train"),
    ("POST", "/webhooks/rest/webhook"), ("POST", "/webhooks/callback/webhook"), ("GET", "/socket.io/"),
]


def _listening(port: int) -> list[str]:
    listing = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True)
    return [line.split()[3] for line in listing.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("method, path", RASA_API)
def test_rasas_http_api_and_other_channels_are_not_served(stack, method, path):
    response = httpx.request(method, stack.rasa + path, json={"text": "hello", "sender": "x"}, timeout=10)
    assert response.status_code in (404, 405), (path, response.status_code, response.text[:200])


def test_the_signpost_channel_wants_the_gateways_token(stack):
    webhook = stack.rasa + "/webhooks/signpost/webhook"
    body = {"sender": "someone", "message": "hello"}
    assert httpx.post(webhook, json=body, timeout=10).status_code == 401
    assert httpx.post(webhook, json=body, headers={"X-Signpost-Channel-Token": "guess"}, timeout=10).status_code == 401
    wrong_by_one = CHANNEL_TOKEN[:-1] + ("x" if CHANNEL_TOKEN[-1] != "x" else "y")
    assert httpx.post(webhook, json=body, headers={"X-Signpost-Channel-Token": wrong_by_one},
                      timeout=10).status_code == 401
    assert httpx.post(stack.rasa + "/webhooks/signpost/end", json={"sender": "someone"}, timeout=10).status_code == 401


def test_the_assistant_and_the_action_server_listen_on_loopback_only(stack):
    for port in (stack.rasa_port, stack.actions_port):
        addresses = _listening(port)
        assert addresses and all(address.startswith(("127.0.0.1:", "[::1]:")) for address in addresses), addresses


def test_rasa_runs_with_telemetry_off(stack):
    environ = open(f"/proc/{stack.processes['rasa'].pid}/environ", "rb").read().split(b"\0")
    # The process group leader is run_rasa.py itself, which also forces it off (tests/bot).
    assert b"RASA_TELEMETRY_ENABLED=false" in environ
    assert "Starting Rasa server on http://127.0.0.1:" in stack.log("rasa")
