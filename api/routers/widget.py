"""The embeddable widget and the pages that show it: a fictional council's page and a partner's."""
from __future__ import annotations

import json
from functools import lru_cache


import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.chat.fallback import first_lines
from api.deps import SettingsDep
from api.i18n import LOCALES_DIR
from api.pages import STATIC_DIR, TEMPLATES, page_context

router = APIRouter(tags=["Widget"], include_in_schema=False)
WIDGET_DIR = STATIC_DIR / "widget"
HELPLINES_PLACEHOLDER = "/*SIGNPOST_NATIONAL_HELPLINES*/[]"
STRINGS_PLACEHOLDER = "/*SIGNPOST_STRINGS*/{}"


def widget_strings(locale: str = "en") -> dict:
    """The widget's own strings; the `pages` subtree belongs to the demo pages, not the script."""
    path = LOCALES_DIR / f"widget.{locale}.yml"
    strings = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(locale, {})
    return {key: value for key, value in strings.items() if key != "pages"}


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
    # `</` could close a <script> element if someone inlines the file; escape it in the data.
    helplines = json.dumps([_for_the_widget(s) for s in first_lines()], ensure_ascii=False,
                           separators=(",", ":")).replace("</", "<\\/")
    strings = json.dumps(widget_strings(locale), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return script.replace(HELPLINES_PLACEHOLDER, helplines).replace(STRINGS_PLACEHOLDER, strings)


def _asset_headers(settings) -> dict:
    return {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin"}


@router.get("/widget/signpost.js")
def widget_script(settings: SettingsDep) -> Response:
    path = WIDGET_DIR / "signpost.js"
    return Response(_rendered_script(path.stat().st_mtime, "en"), media_type="text/javascript; charset=utf-8",
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



