"""ASGI middleware, one job each (outermost first, as `install` stacks them):

- AccessLog: one line per request with the route template, status and time, never the query
  string (postcodes, free text) nor the client address, and the same figures to the
  request metrics (api/metrics.py);
- SecurityHeaders: nosniff, no referrer, no framing, no caching, a closed CSP, unless the
  route set its own;
- CrossOrigin: open-data CORS for the ORUK routes, and only the configured partner sites
  for the chat (others get 403 before any work);
- RequestLimits: query string, NUL characters and body size, refused with 414, 400 or 413.

The inner ones answer refusals as plain JSON; the outer ones add their headers to every
answer, refusals included.
"""
from __future__ import annotations

import json
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import observe_request

log = structlog.get_logger("signpost.access")

# ORUK's compliance rules require these to be readable from any origin.
OPEN_DATA_PREFIXES = (
    "/services", "/taxonomies", "/taxonomy_terms", "/service_at_locations", "/areas", "/signpost",
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]


def install(app, *, max_body_bytes: int, max_import_bytes: int, max_query_string_bytes: int,
            chat_origins: list[str]) -> None:
    """Stacks the four on the app: add_middleware puts each new one outside the last."""
    app.add_middleware(RequestLimits, max_body_bytes=max_body_bytes, max_import_bytes=max_import_bytes,
                       max_query_string_bytes=max_query_string_bytes)
    app.add_middleware(CrossOrigin, chat_origins=chat_origins)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)


def _is_open_data(path: str) -> bool:
    return path == "/" or path.startswith(OPEN_DATA_PREFIXES)


async def _send_json(send: Send, status: int, error: str, detail: str) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})


def _with_headers(message: Message, headers: list[tuple[bytes, bytes]]) -> Message:
    """A response start with these headers added, unless it already has them."""
    existing = {name.lower() for name, _value in message.get("headers", [])}
    extra = [(name, value) for name, value in headers if name not in existing]
    return {**message, "headers": [*message.get("headers", []), *extra]} if extra else message


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            seconds = time.perf_counter() - started
            observe_request(scope["method"], route, status, seconds)
            log.info("request", method=scope["method"], route=route, status=status,
                     duration_ms=round(seconds * 1000, 1))


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def securing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = SECURITY_HEADERS
                csp = dict((n.lower(), v) for n, v in message.get("headers", [])).get(b"content-security-policy")
                if csp is not None and b"frame-ancestors 'none'" not in csp:
                    # A page that partners may frame (its own CSP says who): DENY would contradict it.
                    headers = [(n, v) for n, v in headers if n != b"x-frame-options"]
                message = _with_headers(message, headers)
            await send(message)

        await self.app(scope, receive, securing)


class CrossOrigin:
    def __init__(self, app: ASGIApp, chat_origins: list[str] | None = None) -> None:
        self.app = app
        self.chat_origins = {origin.rstrip("/") for origin in chat_origins or []}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        open_data = _is_open_data(path)
        cors = [(b"access-control-allow-origin", b"*")] if open_data else []
        if path.startswith("/chat/"):
            headers = dict(scope.get("headers", []))
            origin = headers.get(b"origin", b"").decode("latin-1").rstrip("/")
            own = f"{scope.get('scheme', 'http')}://{headers.get(b'host', b'').decode('latin-1')}"
            if origin and origin != own and origin not in self.chat_origins:
                # Browsers would block the answer anyway; refuse before doing any work.
                await _send_json(send, 403, "origin_not_allowed", "This site is not configured to embed the chat.")
                return
            if origin and origin != own:
                cors = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
            if scope["method"] == "OPTIONS":
                await self._preflight(send, cors or [(b"vary", b"Origin")], b"POST, DELETE, OPTIONS")
                return
        elif open_data and scope["method"] == "OPTIONS":
            await self._preflight(send, cors, b"GET, OPTIONS")
            return
        if not cors:
            await self.app(scope, receive, send)
            return

        async def sharing(message: Message) -> None:
            await send(_with_headers(message, cors) if message["type"] == "http.response.start" else message)

        await self.app(scope, receive, sharing)

    @staticmethod
    async def _preflight(send: Send, cors: list, methods: bytes) -> None:
        await send({
            "type": "http.response.start",
            "status": 204,
            "headers": [
                *cors,
                (b"access-control-allow-methods", methods),
                (b"access-control-allow-headers", b"accept, content-type"),
                (b"access-control-max-age", b"86400"),
            ],
        })
        await send({"type": "http.response.body", "body": b""})


class BodyTooLarge(Exception):
    pass


class RequestLimits:
    def __init__(self, app: ASGIApp, max_body_bytes: int, max_import_bytes: int, max_query_string_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_import_bytes = max_import_bytes
        self.max_query_string_bytes = max_query_string_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        raw_query = scope.get("query_string", b"")
        if len(raw_query) > self.max_query_string_bytes:
            await _send_json(send, 414, "query_too_long", "The query string is too long.")
            return
        if b"%00" in raw_query or b"\x00" in raw_query or "\x00" in path:
            # PostgreSQL cannot hold NUL in text; no legitimate query contains one.
            await _send_json(send, 400, "bad_request", "The request contains a NUL character.")
            return
        limit = self.max_import_bytes if path.startswith("/admin/import") else self.max_body_bytes
        too_large = f"Request bodies are limited to {limit} bytes."
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_json(send, 413, "body_too_large", too_large)
            return
        received = 0
        body_too_large = answered = False

        async def counting_receive() -> Message:
            nonlocal received, body_too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    body_too_large = True
                    raise BodyTooLarge
            return message

        async def answering(message: Message) -> None:
            nonlocal answered
            if body_too_large:
                # The framework may turn our exception into its own 400: answer 413 instead, once.
                if message["type"] == "http.response.start" and not answered:
                    answered = True
                    await _send_json(send, 413, "body_too_large", "The request body is too large.")
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, answering)
        except BodyTooLarge:
            if not answered:
                await _send_json(send, 413, "body_too_large", too_large)


class HeadAsGet:
    """Answers HEAD on every GET route (link checkers and uptime monitors use it), with the
    GET answer's status and headers and no body. FastAPI routes declared with GET do not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
