"""Shared bits for server-rendered pages: templates, the page CSP, and the translator."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.dates import format_date
from fastapi.templating import Jinja2Templates

from api.i18n import languages, translator

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.add_extension("jinja2.ext.do")
STATIC_DIR = Path(__file__).parent / "static"
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
BABEL_LOCALES = {"en": "en_GB", "pa": "pa_Guru"}  # British dates: 1 January 2023; Punjabi in Gurmukhi
PAGE_HEADERS = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"}


def page_context(locale: str = "en", **values) -> dict:
    def long_date(value: str | dt.date | None) -> str:
        if not value:
            return ""
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        return format_date(day, format="long", locale=BABEL_LOCALES.get(locale, locale.replace("-", "_")))

    language = languages().get(locale) or languages()["en"]
    return {"t": translator(locale), "locale": locale, "dir": language["direction"], "long_date": long_date,
            "languages": languages(), "reviewed": bool(language["reviewed"]), **values}
