"""The embeddable widget and the pages that show it: a fictional council's page and a partner's."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Annotated

import yaml
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.chat.fallback import first_lines
from api.deps import SettingsDep
from api.errors import ApiError
from api.i18n import LOCALES_DIR, languages
from api.pages import STATIC_DIR, TEMPLATES, page_context

router = APIRouter(tags=["Widget"], include_in_schema=False)
WIDGET_DIR = STATIC_DIR / "widget"
HELPLINES_PLACEHOLDER = "/*SIGNPOST_NATIONAL_HELPLINES*/[]"
STRINGS_PLACEHOLDER = "/*SIGNPOST_STRINGS*/{}"
LANGUAGES_PLACEHOLDER = "/*SIGNPOST_LANGUAGES*/[]"
# Whole-line // comments and indentation: every page that embeds the widget downloads the
# script, so it is served without them (the file keeps them for people reading it). The
# script has no template literals, so no line starts inside a string.
LINE_COMMENT = re.compile(r"^[ \t]*//.*\n", re.MULTILINE)
INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
HEADER_COMMENT = re.compile(r"\A/\*.*?\*/\n", re.DOTALL)


def widget_strings(locale: str = "en") -> dict:
    """The widget's own strings; the `pages` subtree belongs to the demo pages, not the script."""
    path = LOCALES_DIR / f"widget.{locale}.yml"
    strings = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(locale, {})
    return {key: value for key, value in strings.items() if key != "pages"}


def _json(value) -> str:
    # `</` could close a <script> element if someone inlines the file; escape it in the data.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def picker_languages() -> list[list[str]]:
    """[code, name in itself, direction] for each offered language, as the picker lists them."""
    return [[code, meta["name"], meta["direction"]] for code, meta in languages().items()]


def _for_the_widget(service: dict) -> dict:
    """Only what the widget shows: every byte here is downloaded by every page that embeds it."""
    first_sentence = (service.get("description") or "").split(". ")[0].rstrip(".")
    return {
        "name": service["name"],
        "description": first_sentence + "." if first_sentence else None,
        "phones": [{"number": p["number"], "type": p["type"]} for p in service["phones"]],
        "url": service["url"],
        "hours": service["hours"],
        "categories": service["categories"],
        "eligibility": {"audience": service["eligibility"]["audience"]},
    }


@lru_cache(maxsize=8)
def _rendered_script(mtime: float, locale: str) -> str:
    script = (WIDGET_DIR / "signpost.js").read_text(encoding="utf-8")
    script = INDENT.sub("", LINE_COMMENT.sub("", HEADER_COMMENT.sub("", script)))
    helplines = _json([_for_the_widget(s) for s in first_lines()])
    return (script.replace(HELPLINES_PLACEHOLDER, helplines).replace(STRINGS_PLACEHOLDER, _json(widget_strings(locale)))
            .replace(LANGUAGES_PLACEHOLDER, _json(picker_languages())))


@lru_cache(maxsize=16)
def _catalogue(mtime: float, locale: str) -> str:
    meta = languages()[locale]
    return _json({"language": locale, "direction": meta["direction"], "reviewed": bool(meta["reviewed"]),
                  "strings": widget_strings(locale)})


def _asset_headers(settings) -> dict:
    return {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin"}


@router.get("/widget/signpost.js")
def widget_script(settings: SettingsDep) -> Response:
    path = WIDGET_DIR / "signpost.js"
    return Response(_rendered_script(path.stat().st_mtime, "en"), media_type="text/javascript; charset=utf-8",
                    headers=_asset_headers(settings))


@router.get("/widget/strings/{locale}.json")
def widget_catalogue(locale: Annotated[str, Path(pattern=r"^[a-z]{2,3}$")], settings: SettingsDep) -> Response:
    """One language's widget strings, fetched by the script when a page or person picks a
    language other than English (the script carries English, so quick exit works offline)."""
    if locale not in languages():
        raise ApiError(404, "language_not_offered", "The widget is not available in this language.")
    path = LOCALES_DIR / f"widget.{locale}.yml"
    return Response(_catalogue(path.stat().st_mtime, locale), media_type="application/json; charset=utf-8",
                    headers=_asset_headers(settings))


@router.get("/widget/signpost.css")
def widget_styles(settings: SettingsDep) -> Response:
    return Response((WIDGET_DIR / "signpost.css").read_text(encoding="utf-8"), media_type="text/css; charset=utf-8",
                    headers=_asset_headers(settings))


def _page(request: Request, template: str, settings) -> HTMLResponse:
    ancestors = " ".join(["'self'", *settings.partner_origins])
    csp = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
           f"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}")
    return TEMPLATES.TemplateResponse(request, template, page_context(council_url=settings.council_url),
                                      headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})


@router.get("/demo", response_class=HTMLResponse)
def demo_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _page(request, "demo.html", settings)


@router.get("/partner", response_class=HTMLResponse)
def partner_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _page(request, "partner.html", settings)


def widget_files_exist() -> bool:
    return all((WIDGET_DIR / name).exists() for name in ("signpost.js", "signpost.css"))



