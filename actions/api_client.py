"""The directory API client: short timeouts, one retry, and None on any failure.

Callers treat None as "the directory is unreachable" and answer from the bundled
national helplines, so a person never sees an error. Logs name events only:
never a query, a postcode or a place.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Optional

import httpx

from actions.settings import SETTINGS, Settings

logger = logging.getLogger(__name__)
# httpx logs every request line, query string included (a postcode, a place), at
# INFO: keep its loggers to warnings and above.
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

RESOLVE_STATUSES = {"resolved", "ambiguous", "outside_pilot", "not_found"}


class DirectoryUnavailable(Exception):
    """The directory did not give a usable answer (reason is a short event word)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DirectoryClient:
    def __init__(
        self, settings: Settings = SETTINGS, transport: Optional[httpx.AsyncBaseTransport] = None
    ):
        self._settings = settings
        self._transport = transport
        self._clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]" = (
            weakref.WeakKeyDictionary()
        )

    async def resolve_area(self, query: str) -> Optional[dict]:
        """GET /areas/resolve: where a postcode or place is, or None."""
        answer = await self._get_json("areas.resolve", "/areas/resolve", {"q": query})
        if answer is None:
            return None
        if answer.get("status") not in RESOLVE_STATUSES or not isinstance(
            answer.get("candidates", []), list
        ):
            logger.warning("directory.request.failed endpoint=areas.resolve reason=malformed")
            return None
        return answer

    async def signpost(self, category: str, **query: Any) -> Optional[dict]:
        """GET /signpost: the ordered services for a category, or None."""
        params = {"category": category}
        params.update(
            {name: _query_value(value) for name, value in query.items() if value is not None}
        )
        answer = await self._get_json("signpost", "/signpost", params)
        if answer is None:
            return None
        services = answer.get("services")
        if (
            not isinstance(services, list)
            or not services
            or not all(_is_service(s) for s in services)
        ):
            logger.warning("directory.request.failed endpoint=signpost reason=malformed")
            return None
        return answer

    def _client(self) -> httpx.AsyncClient:
        """One pooled client per event loop: building a client (and its TLS context) for
        every call cost about a tenth of the action server's time under load."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            client = httpx.AsyncClient(
                base_url=self._settings.api_url,
                timeout=httpx.Timeout(self._settings.api_timeout_seconds),
                transport=self._transport,
            )
            self._clients[loop] = client
        return client

    async def _get_json(self, endpoint: str, path: str, params: dict) -> Optional[dict]:
        client = self._client()
        for attempt in range(1, self._settings.api_attempts + 1):
            try:
                return await _fetch(client, path, params)
            except DirectoryUnavailable as failure:
                retry = attempt < self._settings.api_attempts and failure.reason != "rejected"
                logger.warning(
                    "directory.request.failed endpoint=%s reason=%s attempt=%d",
                    endpoint,
                    failure.reason,
                    attempt,
                )
                if not retry:
                    return None
        return None


async def _fetch(client: httpx.AsyncClient, path: str, params: dict) -> dict:
    try:
        response = await client.get(path, params=params)
    except httpx.TimeoutException:
        raise DirectoryUnavailable("timeout") from None
    except httpx.HTTPError:
        raise DirectoryUnavailable("connection") from None
    if response.status_code >= 500:
        raise DirectoryUnavailable("server_error")
    if response.status_code >= 400:
        # Our request was refused (e.g. a postcode the API cannot use): asking
        # again would get the same answer.
        raise DirectoryUnavailable("rejected")
    try:
        body = response.json()
    except ValueError:
        raise DirectoryUnavailable("malformed") from None
    if not isinstance(body, dict):
        raise DirectoryUnavailable("malformed")
    return body


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_service(service: Any) -> bool:
    return (
        isinstance(service, dict)
        and isinstance(service.get("name"), str)
        and isinstance(service.get("phones", []), list)
    )


_default_client = DirectoryClient()


def directory() -> DirectoryClient:
    """The client the actions use; tests swap it with `use_directory`."""
    return _default_client


def use_directory(client: DirectoryClient) -> DirectoryClient:
    global _default_client
    previous, _default_client = _default_client, client
    return previous
