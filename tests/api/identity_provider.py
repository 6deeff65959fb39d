"""A real OpenID Connect provider on this machine, for the sign-in tests: oidc-provider-mock
(Authlib's provider: discovery, JWKS, signed ID tokens, PKCE, nonce) in its own process on a
free loopback port. Nothing leaves the machine."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_identity_provider() -> Iterator[str]:
    """The provider's issuer address, while it runs."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port),
         "--require-nonce"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the test identity provider did not start")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def person(issuer: str, sub: str, **claims) -> None:
    """What the identity provider knows about someone (their entry in the council's directory)."""
    response = httpx.put(f"{issuer}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204, response.text
