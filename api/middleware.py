"""ASGI middleware: request size limits, open-data CORS, security headers and an access
log that records neither the query string (postcodes, free text) nor the client address."""
from __future__ import annotations

import json
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


def _is_open_data(path: str) -> bool:
    return path == "/" or path.startswith(OPEN_DATA_PREFIXES)


async def _send_json(send: Send, status: int, error: str, detail: str, headers: list | None = None) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    *(headers or []), *SECURITY_HEADERS],
    })
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


class SignpostMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, max_import_bytes: int, max_query_string_bytes: int,
                 chat_origins: list[str] | None = None):
        self.app = app
        self.chat_origins = {origin.rstrip("/") for origin in chat_origins or []}
        self.max_body_bytes = max_body_bytes
        self.max_import_bytes = max_import_bytes
        self.max_query_string_bytes = max_query_string_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        open_data = _is_open_data(path)
        cors = [(b"access-control-allow-origin", b"*")] if open_data else []
        chat = path.startswith("/chat/")
        if chat:
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
        status_holder = {"status": 500}

        body_too_large = False
        replaced = False

        async def send_with_headers(message: Message) -> None:
            nonlocal replaced
            if body_too_large:
                # The framework may turn our exception into its own 400; answer 413 instead.
                if message["type"] == "http.response.start" and not replaced:
                    replaced = True
                    status_holder["status"] = 413
                    await _send_json(send, 413, "body_too_large", "The request body is too large.", cors)
                return
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                existing = {name.lower(): value for name, value in message.get("headers", [])}
                extra = [(n, v) for n, v in (*cors, *SECURITY_HEADERS) if n not in existing]
                if b"frame-ancestors 'none'" not in existing.get(b"content-security-policy", b"frame-ancestors 'none'"):
                    # A page that partners may frame (its own CSP says who): DENY would contradict it.
                    extra = [(n, v) for n, v in extra if n != b"x-frame-options"]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            if len(scope.get("query_string", b"")) > self.max_query_string_bytes:
                await _send_json(send, 414, "query_too_long", "The query string is too long.", cors)
                status_holder["status"] = 414
                return
            raw_query = scope.get("query_string", b"")
            if b"%00" in raw_query or b"\x00" in raw_query or "\x00" in path:
                # PostgreSQL cannot hold NUL in text; no legitimate query contains one.
                await _send_json(send, 400, "bad_request", "The request contains a NUL character.", cors)
                status_holder["status"] = 400
                return
            if open_data and scope["method"] == "OPTIONS":
                await self._preflight(send, cors, b"GET, OPTIONS")
                status_holder["status"] = 204
                return
            limit = self.max_import_bytes if path.startswith("/admin/import") else self.max_body_bytes
            declared = dict(scope.get("headers", [])).get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                await _send_json(send, 413, "body_too_large", f"Request bodies are limited to {limit} bytes.", cors)
                status_holder["status"] = 413
                return
            received = 0

            async def counting_receive() -> Message:
                nonlocal received, body_too_large
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        body_too_large = True
                        raise BodyTooLarge
                return message

            try:
                await self.app(scope, counting_receive, send_with_headers)
            except BodyTooLarge:
                if not replaced:
                    await _send_json(send, 413, "body_too_large", f"Request bodies are limited to {limit} bytes.", cors)
                    status_holder["status"] = 413
        finally:
            route = scope.get("route")
            log.info(
                "request",
                method=scope["method"],
                route=getattr(route, "path", None) or "unmatched",
                status=status_holder["status"],
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )

    async def _preflight(self, send: Send, cors: list, methods: bytes) -> None:
        await send({
            "type": "http.response.start",
            "status": 204,
            "headers": [
                *cors,
                (b"access-control-allow-methods", methods),
                (b"access-control-allow-headers", b"accept, content-type"),
                (b"access-control-max-age", b"86400"),
                *SECURITY_HEADERS,
            ],
        })
        await send({"type": "http.response.body", "body": b""})


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
