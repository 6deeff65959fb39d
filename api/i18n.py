"""The API's words come from locales/ through python-i18n, with the same layout the action
server uses (locales/<namespace>.<locale>.yml). python-i18n's settings are global, so
every lookup passes its locale explicitly."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import i18n as python_i18n
import yaml

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LOCALE = "en"


def available_locales() -> list[str]:
    return sorted({path.name.split(".")[1] for path in LOCALES_DIR.glob("*.*.yml")} | {DEFAULT_LOCALE})


@lru_cache(maxsize=1)
def languages() -> dict[str, dict]:
    """locales/languages.yml: each offered language's name in itself, direction, script,
    translator and review state, in the order the pickers list them."""
    document = yaml.safe_load((LOCALES_DIR / "languages.yml").read_text(encoding="utf-8"))
    return dict(document["languages"])


def offered_locale(code: str | None) -> str:
    """The offered language for a BCP 47 code ("ur-PK" -> "ur"), or English."""
    if not isinstance(code, str):
        return DEFAULT_LOCALE
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in languages() else DEFAULT_LOCALE


def configure(raise_on_missing: bool = False) -> None:
    python_i18n.set("load_path", [str(LOCALES_DIR)])
    python_i18n.set("filename_format", "{namespace}.{locale}.{format}")
    python_i18n.set("file_format", "yml")
    python_i18n.set("skip_locale_root_data", False)
    python_i18n.set("available_locales", available_locales())
    python_i18n.set("fallback", DEFAULT_LOCALE)
    python_i18n.set("enable_memoization", True)
    python_i18n.set("error_on_missing_translation", raise_on_missing)
    python_i18n.set("error_on_missing_placeholder", raise_on_missing)


def translator(locale: str):
    """A `t(key, **values)` bound to one locale, for templates."""
    def t(key: str, **values: Any) -> str:
        return python_i18n.t(key, locale=locale, **values)

    return t
