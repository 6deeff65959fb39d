"""A small stand-alone server for the chat widget's browser tests, while the real gateway
(api/routers/chat.py, widget.py) and Rasa are not needed:

- GET /widget/signpost.js and .css, with the two placeholders substituted as the gateway does
  (the strings from locales/widget.en.yml, the national helplines from actions/data/);
- GET /demo and /partner: api/templates rendered with Jinja2 and a `t` over locales/*.en.yml,
  under the pages' CSP; GET /static/... from api/static;
- a FAKE gateway implementing docs/chat-gateway.md with canned replies (an opening with
  buttons, a danger message, a services message with RoSA from the seed, an echo), CORS for
  one extra origin (http://localhost:<port>, to test a cross-origin embed), and controls
  under /_harness/ (mode normal | degraded | down, forget sessions, the event log);
- harness pages: /harness/embed (any data attributes from the query), /harness/start (a
  page to come from), /exited (a quick exit destination).

Run by hand: .venv/bin/python -m tests.browser.widget_harness.server --port 8765
"""
from __future__ import annotations

import argparse
import json
import mimetypes
import re
import secrets
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jinja2
import yaml

REPO = Path(__file__).resolve().parents[3]
API_TEMPLATES = REPO / "api" / "templates"
STATIC = REPO / "api" / "static"
WIDGET = STATIC / "widget"
LOCALES = REPO / "locales"
HELPLINES_FILE = REPO / "actions" / "data" / "national_helplines.json"
SEED = REPO / "directory" / "seed" / "warwickshire.yaml"
HERE = Path(__file__).resolve().parent

HELPLINES_PLACEHOLDER = "/*SIGNPOST_NATIONAL_HELPLINES*/[]"
STRINGS_PLACEHOLDER = "/*SIGNPOST_STRINGS*/{}"
LANGUAGES_PLACEHOLDER = "/*SIGNPOST_LANGUAGES*/[]"
STRINGS_PATH = re.compile(r"^/widget/strings/([a-z]{2,3})\.json$")
PAGE_CSP = ("default-src 'none'; style-src 'self'{extra}; script-src 'self'{extra}; img-src 'self'; "
            "connect-src 'self'{extra}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
AREAS = {"warwickshire", "derby-derbyshire", "leicester-leicestershire-rutland"}
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
PAYLOAD = re.compile(r"^/[a-z_]{1,60}(\{[^<>]{0,200}\})?$")


# ---- words ----
@cache
def _namespace(name: str) -> dict:
    path = LOCALES / f"{name}.en.yml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("en", {}) if path.exists() else {}


def t(key: str, **values: Any) -> str:
    """python-i18n's lookup, for the English files: namespace.key.sub, %{name} placeholders."""
    namespace, _, rest = key.partition(".")
    node: Any = _namespace(namespace)
    for part in rest.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, str):
        return key
    return re.sub(r"%\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), node)


def widget_strings(locale: str = "en") -> dict:
    if locale == "en":
        return {k: v for k, v in _namespace("widget").items() if k != "pages"}
    document = yaml.safe_load((LOCALES / f"widget.{locale}.yml").read_text(encoding="utf-8"))
    return {k: v for k, v in document[locale].items() if k != "pages"}


def languages() -> dict:
    return yaml.safe_load((LOCALES / "languages.yml").read_text(encoding="utf-8"))["languages"]


def catalogue(locale: str) -> dict | None:
    meta = languages().get(locale)
    if meta is None:
        return None
    return {"language": locale, "direction": meta["direction"], "reviewed": bool(meta["reviewed"]),
            "strings": widget_strings(locale)}


def national_helplines() -> list[dict]:
    return json.loads(HELPLINES_FILE.read_text(encoding="utf-8"))["services"]


def widget_script() -> str:
    script = (WIDGET / "signpost.js").read_text(encoding="utf-8")
    helplines = json.dumps(national_helplines(), ensure_ascii=False).replace("</", "<\\/")
    strings = json.dumps(widget_strings(), ensure_ascii=False).replace("</", "<\\/")
    offered = json.dumps([[code, m["name"], m["direction"]] for code, m in languages().items()], ensure_ascii=False)
    assert all(p in script for p in (HELPLINES_PLACEHOLDER, STRINGS_PLACEHOLDER, LANGUAGES_PLACEHOLDER)), \
        "placeholders missing from signpost.js"
    return (script.replace(HELPLINES_PLACEHOLDER, helplines).replace(STRINGS_PLACEHOLDER, strings)
            .replace(LANGUAGES_PLACEHOLDER, offered))


# ---- canned conversation ----
def _seed_service(slug: str) -> dict:
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    s = next(s for s in seed["services"] if s["slug"] == slug)
    phones = [{"number": p["number"], "type": p["type"], "description": None,
               "uri": ("sms:" if p["type"] == "text" else "tel:") + p["number"].replace(" ", "")} for p in s["phones"]]
    return {"id": slug, "name": s["name"], "organization": s["organization"], "description": " ".join(s["description"].split()),
            "scope": "local", "group": "local", "categories": s["categories"], "needs": s["needs"], "phones": phones,
            "url": s["url"], "email": None, "hours": None, "open_now": None, "open_24_7": False}


def _national(name_starts: str, **changes: Any) -> dict:
    service = dict(next(s for s in national_helplines() if s["name"].startswith(name_starts)))
    service.update(changes)
    return service


def _buttons(*keys: str) -> list[dict]:
    return [{"title": t(f"chat.button.{key}"), "payload": f"/{key}"} for key in keys]


CATEGORY_BUTTONS = ("domestic_abuse", "sexual_violence", "stalking", "danger_now")


def opening() -> list[dict]:
    return [{"text": t("chat.opening"), "buttons": _buttons(*CATEGORY_BUTTONS), "kind": None}]


def reply_to(text: str | None, payload: str | None) -> tuple[list[dict], bool] | int:
    """Messages and `degraded`, or an HTTP status to fail with."""
    if payload == "/danger_now":
        return [{"text": t("safety.emergency.guidance"), "buttons": [], "kind": "danger"},
                {"text": t("safety.emergency.when_safe"), "buttons": _buttons(*CATEGORY_BUTTONS[:3]), "kind": None}], False
    if payload == "/sexual_violence":
        services = [_seed_service("rosa"), _seed_service("safeline"),
                    _national("Rape Crisis", open_now=True)]  # a 24/7 line is open now
        readable = "\n".join(f"{s['name']}: " + ", ".join(p["number"] for p in s["phones"]) + f" {s['url']}" for s in services)
        return [{"text": t("chat.acknowledge.self"), "buttons": [], "kind": None},
                {"text": t("chat.answer.heading_local", category="rape and sexual violence", place="Rugby") + "\n" + readable,
                 "buttons": [], "kind": "services", "services": services},
                {"text": t("chat.answer.more"), "buttons": [{"title": "What is an ISVA?", "payload": "/explain_isva"}],
                 "kind": None}], False
    if payload:
        return [{"text": t("chat.something_else"), "buttons": _buttons(*CATEGORY_BUTTONS), "kind": None}], False
    assert text is not None
    if text == "server error":
        return 500
    if text == "degraded":
        return _degraded(), True
    # Echo what was typed, so a test can check that server text is shown as text, never HTML.
    return [{"text": f"You wrote: {text}\nCall 0808 2000 247 or see https://www.nationaldahelpline.org.uk/.",
             "buttons": [], "kind": None}], False


def _degraded() -> list[dict]:
    """What the real gateway answers when Rasa is down (api/chat/fallback.py), in short."""
    lines = [s for s in national_helplines() if s["name"].startswith(("National Domestic", "Rape Crisis", "Samaritans"))]
    return [{"text": t("safety.emergency.guidance"), "buttons": [], "kind": "danger"},
            {"text": t("gateway.degraded.intro"), "buttons": [], "kind": "services", "services": lines}]


# ---- state ----
class Gateway:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.sessions: dict[str, dict] = {}
            self.events: list[dict] = []
            self.mode = "normal"

    def record(self, kind: str, session_id: str | None, **extra: Any) -> None:
        with self.lock:
            self.events.append({"kind": kind, "id": session_id, **extra})


# ---- HTTP ----
class Handler(BaseHTTPRequestHandler):
    server: HarnessServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # helpers
    def _send(self, status: int, body: bytes = b"", content_type: str | None = None, headers: dict | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, document: Any, headers: dict | None = None) -> None:
        self._send(status, json.dumps(document).encode(), "application/json", headers)

    def _html(self, html: str, extra_origin: str = "") -> None:
        csp = PAGE_CSP.format(extra=f" {extra_origin}" if extra_origin else "")
        self._send(200, html.encode(), "text/html; charset=utf-8", {"Content-Security-Policy": csp})

    def _cors(self) -> dict | None:
        """{} for same-origin, the CORS headers for the allowed extra origin, None if refused."""
        origin = self.headers.get("Origin")
        own = f"http://{self.headers.get('Host')}"
        if not origin or origin == own:
            return {}
        if origin in self.server.partner_origins:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return None

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # routes
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path
        if path == "/widget/signpost.js":
            self._send(200, widget_script().encode(), "text/javascript; charset=utf-8",
                       {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"})
        elif (match := STRINGS_PATH.match(path)) and (found := catalogue(match.group(1))) is not None:
            self.server.gateway.record("strings", None, language=match.group(1))
            self._json(200, found, {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"})
        elif path == "/widget/signpost.css":
            self._send(200, (WIDGET / "signpost.css").read_bytes(), "text/css; charset=utf-8",
                       {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"})
        elif path.startswith("/static/"):
            file = (STATIC / path.removeprefix("/static/")).resolve()
            if STATIC in file.parents and file.is_file():
                self._send(200, file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream")
            else:
                self._send(404)
        elif path in ("/demo", "/partner"):
            self._html(self.server.api_templates.get_template(path[1:] + ".html").render(t=t, locale="en", dir="ltr"))
        elif path == "/harness/embed":
            origin = query.get("script_origin", "")
            self._html(self.server.harness_templates.get_template("embed.html").render(q=query, script_origin=origin),
                       extra_origin=origin)
        elif path == "/harness/start":
            self._html(self.server.harness_templates.get_template("start.html").render())
        elif path == "/harness/hostile.css":
            self._send(200, (HERE / "hostile.css").read_bytes(), "text/css; charset=utf-8")
        elif path == "/exited":
            self._html(self.server.harness_templates.get_template("exited.html").render())
        elif path == "/favicon.ico":
            self._send(204)
        elif path == "/_harness/log":
            with self.server.gateway.lock:
                self._json(200, {"events": list(self.server.gateway.events), "mode": self.server.gateway.mode})
        else:
            self._send(404)

    do_HEAD = do_GET

    def do_OPTIONS(self) -> None:
        cors = self._cors()
        if cors is None:
            self._json(403, {"error": "origin_not_allowed", "detail": "Not a partner."})
            return
        self._send(204, headers={**cors, "Access-Control-Allow-Methods": "POST, DELETE, OPTIONS",
                                 "Access-Control-Allow-Headers": "content-type", "Access-Control-Max-Age": "600"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        gateway = self.server.gateway
        if path.startswith("/_harness/"):
            body = json.loads(self._body() or b"{}")
            if path == "/_harness/mode":
                gateway.mode = body["mode"]
            elif path == "/_harness/forget":
                with gateway.lock:
                    gateway.sessions.clear()
            elif path == "/_harness/reset":
                gateway.reset()
            self._json(200, {"ok": True})
            return
        cors = self._cors()
        if cors is None:
            self._json(403, {"error": "origin_not_allowed", "detail": "Not a partner."})
            return
        raw = self._body()
        if path == "/chat/sessions":
            self._start(raw, cors)
            return
        match = re.fullmatch(r"/chat/sessions/([^/]+)/(messages|end)", path)
        if not match or not SESSION_ID.match(match.group(1)):
            self._json(404, {"error": "not_found", "detail": "No such route."}, cors)
            return
        session_id, action = match.groups()
        if action == "end":
            with gateway.lock:
                gateway.sessions.pop(session_id, None)
            gateway.record("end", session_id, origin=self.headers.get("Origin"))
            self._send(204, headers=cors)
            return
        self._message(session_id, raw, cors)

    def do_DELETE(self) -> None:
        cors = self._cors()
        if cors is None:
            self._json(403, {"error": "origin_not_allowed", "detail": "Not a partner."})
            return
        match = re.fullmatch(r"/chat/sessions/([A-Za-z0-9_-]{43})", urlsplit(self.path).path)
        if not match:
            self._json(404, {"error": "not_found", "detail": "No such route."}, cors)
            return
        gateway = self.server.gateway
        with gateway.lock:
            gateway.sessions.pop(match.group(1), None)
        gateway.record("delete", match.group(1), origin=self.headers.get("Origin"))
        self._send(204, headers=cors)

    # the fake gateway
    def _parse(self, raw: bytes, allowed: set[str], cors: dict) -> dict | None:
        if raw and "application/json" not in (self.headers.get("Content-Type") or ""):
            self._json(415, {"error": "unsupported_media_type", "detail": "Send JSON."}, cors)
            return None
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) - allowed:
            self._json(422, {"error": "invalid_request", "detail": f"Only {sorted(allowed)}."}, cors)
            return None
        return body

    def _start(self, raw: bytes, cors: dict) -> None:
        gateway = self.server.gateway
        body = self._parse(raw, {"area", "language"}, cors)
        if body is None:
            return
        if body.get("area") not in AREAS | {None}:
            self._json(422, {"error": "invalid_request", "detail": "Unknown area."}, cors)
            return
        if gateway.mode == "down":
            self._json(503, {"error": "unavailable", "detail": "Down for the test."}, cors)
            return
        session_id = secrets.token_urlsafe(32)
        with gateway.lock:
            gateway.sessions[session_id] = {"area": body.get("area"), "language": body.get("language")}
        gateway.record("start", session_id, area=body.get("area"), language=body.get("language"),
                       origin=self.headers.get("Origin"), referer=self.headers.get("Referer"),
                       cookie=self.headers.get("Cookie"))
        degraded = gateway.mode == "degraded"
        self._json(201, {"session_id": session_id, "expires_in": 1800,
                         "messages": _degraded() if degraded else opening(), "degraded": degraded}, cors)

    def _message(self, session_id: str, raw: bytes, cors: dict) -> None:
        gateway = self.server.gateway
        body = self._parse(raw, {"text", "payload"}, cors)
        if body is None:
            return
        text, payload = body.get("text"), body.get("payload")
        if (text is None) == (payload is None) or (text is not None and not 1 <= len(text) <= 1000) \
                or (payload is not None and not PAYLOAD.match(payload)):
            self._json(422, {"error": "invalid_request", "detail": "Send text or a payload."}, cors)
            return
        with gateway.lock:
            known = session_id in gateway.sessions
        if not known:
            self._json(404, {"error": "session_not_found", "detail": "Start a new one."}, cors)
            return
        gateway.record("message", session_id, text=text, payload=payload)
        if gateway.mode == "down":
            self._json(503, {"error": "unavailable", "detail": "Down for the test."}, cors)
            return
        answer = reply_to(text, payload)
        if isinstance(answer, int):
            self._json(answer, {"error": "internal", "detail": "Failing for the test."}, cors)
            return
        messages, degraded = answer
        if gateway.mode == "degraded" or degraded:
            messages, degraded = _degraded(), True
        self._json(200, {"messages": messages, "degraded": degraded}, cors)


class HarnessServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.gateway = Gateway()
        self.port = self.server_address[1]
        self.partner_origins = {f"http://localhost:{self.port}"}
        self.api_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(API_TEMPLATES), autoescape=True,
                                                extensions=["jinja2.ext.do"])
        self.harness_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)


def start_in_thread(port: int = 0) -> HarnessServer:
    server = HarnessServer(port)
    threading.Thread(target=server.serve_forever, name="widget-harness", daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    server = HarnessServer(port)
    print(f"widget harness on http://127.0.0.1:{port}/demo (cross-origin pages: http://localhost:{port}/harness/embed)")
    server.serve_forever()


if __name__ == "__main__":
    main()
