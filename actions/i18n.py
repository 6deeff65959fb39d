"""All text the action server sends comes from locales/ through python-i18n.

Layout: locales/<namespace>.<locale>.yml, each file rooted at its locale
(`en:`), so a key is `<namespace>.<path>`, e.g. `chat.ask.about_self`. The API
can load the same files with the same settings. python-i18n's settings are
global, so every lookup passes its locale explicitly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

import i18n as python_i18n

from actions.settings import LOCALES_DIR
from vocabulary.protocol import LANGUAGE_DETECTED

DEFAULT_LOCALE = "en"
_LOCALE_FILE = re.compile(r"^[a-z_]+\.(?P<locale>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.yml$")


@lru_cache(maxsize=1)
def _locales_on_disk() -> tuple[str, ...]:
    """Read once: the locale files ship with the action server and do not change while it
    runs (listing the directory on every lookup cost the action server about 4 % of its CPU)."""
    found = {m["locale"] for p in LOCALES_DIR.glob("*.yml") if (m := _LOCALE_FILE.match(p.name))}
    return tuple(sorted(found | {DEFAULT_LOCALE}))


def available_locales() -> list[str]:
    return list(_locales_on_disk())


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


def t(key: str, locale: str, **values: Any) -> str:
    """The text for `key` in `locale` (English when the locale lacks it)."""
    return python_i18n.t(key, locale=locale, **values)


def supported_locale(code: Optional[str]) -> Optional[str]:
    """The available locale for a BCP 47 code ("en-GB" -> "en"), or None."""
    if not isinstance(code, str) or not code.strip():
        return None
    wanted = code.strip().replace("_", "-")
    locales = available_locales()
    if wanted in locales:
        return wanted
    primary = wanted.split("-")[0].lower()
    return primary if primary in locales else None


# Set by the NLU pipeline's LanguageIdentification on a message written in an offered
# language other than English (bot/components/language_identification.py).


def detected_language(tracker: Any) -> Optional[str]:
    """The offered language (not English) the latest message was written in, if any."""
    code = supported_locale((tracker.latest_message or {}).get(LANGUAGE_DETECTED))
    return code if code and code != DEFAULT_LOCALE else None


def locale_of(tracker: Any) -> str:
    """The language to answer in: the one this message was written in, else the one the
    person chose or last wrote in, else the page's."""
    return (
        detected_language(tracker)
        or supported_locale(tracker.get_slot("own_language"))
        or supported_locale(tracker.get_slot("language"))
        or DEFAULT_LOCALE
    )


def join_list(items: list[str], locale: str) -> str:
    """ "a", "a and b", "a, b and c" in the locale's words."""
    if len(items) <= 1:
        return "".join(items)
    separator = t("chat.list.separator", locale)
    return separator.join(items[:-1]) + t("chat.list.last_separator", locale) + items[-1]


configure()
