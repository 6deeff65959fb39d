"""Services as short cards for a small screen: name, one line on what they do,
phone, text, web, and whether they are open now.

A list of services is sent as custom data, as the chat gateway and widget expect
(docs/chat-gateway.md): {"kind": "services", "text": <the cards as text>,
"services": <the service objects>}: the widget draws its own cards from
`services`, and any other client shows `text`.
"""

from __future__ import annotations

import re
from typing import Optional

from actions.i18n import t

PHONE_LABEL_KEYS = {
    "voice": "services.call",
    "text": "services.text",
    "textphone": "services.textphone",
}
# What a service does, in one sentence of a few short lines on a phone screen.
SUMMARY_MAX_CHARS = 160
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_CLAUSE_END = re.compile(r"[:;]\s")


def one_line_summary(text: Optional[str]) -> str:
    """The description's first sentence, cut at a clause or a word if it is long."""
    if not text:
        return ""
    summary = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    if len(summary) <= SUMMARY_MAX_CHARS:
        return summary
    clause = _CLAUSE_END.split(summary, maxsplit=1)[0]
    if len(clause) <= SUMMARY_MAX_CHARS:
        return clause.rstrip(",") + "."
    return summary[: summary.rfind(" ", 0, SUMMARY_MAX_CHARS - 1)].rstrip(",;:") + "…"


def display_url(url: str) -> str:
    return url[:-1] if url.endswith("/") and url.count("/") == 3 else url


def hours_line(service: dict, locale: str) -> str:
    if service.get("open_24_7"):
        return t("services.open_24_7", locale)
    parts = []
    if service.get("open_now") is True:
        parts.append(t("services.open_now", locale))
    elif service.get("open_now") is False:
        parts.append(t("services.closed_now", locale))
    if service.get("hours"):
        parts.append(t("services.hours", locale, hours=service["hours"]))
    if not parts:
        parts.append(t("services.hours_unknown", locale))
    return " · ".join(parts)


def service_card(service: dict, locale: str) -> str:
    lines = [service["name"]]
    summary = one_line_summary(service.get("description"))
    if summary:
        lines.append(summary)
    for phone in service.get("phones") or []:
        if not phone.get("number"):
            continue
        line = t(
            PHONE_LABEL_KEYS.get(phone.get("type"), "services.call"), locale, number=phone["number"]
        )
        if phone.get("description"):
            line = f"{line} ({phone['description']})"
        lines.append(line)
    if service.get("email"):
        lines.append(t("services.email", locale, email=service["email"]))
    if service.get("url"):
        lines.append(t("services.web", locale, url=display_url(service["url"])))
    if service.get("phones") or service.get("hours") or service.get("open_now") is not None:
        # A website-only service (an online form) has no opening hours to speak of.
        lines.append(hours_line(service, locale))
    return "\n".join(lines)


def services_message(heading: str, services: list[dict], locale: str) -> dict:
    cards = [service_card(service, locale) for service in services]
    return {"kind": "services", "text": "\n\n".join([heading, *cards]), "services": services}


def helpline_line(service: dict, locale: str) -> Optional[str]:
    """ "Name: number", for the short list in the fallback message."""
    voice = next(
        (p for p in service.get("phones") or [] if p.get("type") == "voice" and p.get("number")),
        None,
    )
    if voice is None:
        return None
    return t("services.helpline_line", locale, name=service["name"], number=voice["number"])
