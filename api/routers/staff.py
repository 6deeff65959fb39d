"""The staff referral finder: server-rendered HTML that works without JavaScript.

A postcode or town is resolved and then replaced in the address by its council's code,
so a person's postcode never sits in a browser's history or a proxy's log.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from directory import geography
from vocabulary.ranking import CARDS_SHOWN
from directory.signpost import CATEGORIES, NEEDS, Person, Place, service_answer, signpost

from knowledge import load_topics

from api.deps import SessionDep
from api.i18n import DEFAULT_LOCALE, languages, translator
from api.pages import PAGE_HEADERS, TEMPLATES, page_context

router = APIRouter(prefix="/staff", tags=["Staff referral finder"], include_in_schema=False)
GSS = re.compile(r"^[EWSN]\d{8}$")
UUID = re.compile(r"^[0-9a-f-]{36}$")
# ?lang=ur: the page in that language. Every link and form on the page carries it on.
Lang = Annotated[str | None, Query(max_length=3, pattern=r"^[a-z]{2,3}$")]


def _locale(lang: str | None) -> str:
    return lang if lang in languages() else DEFAULT_LOCALE


def _render(request: Request, template: str, locale: str, keep: list[tuple[str, str]], status_code: int = 200,
            **values) -> HTMLResponse:
    """`keep`: the query this page was asked with, for the language picker to ask again."""
    home = "/staff" if locale == DEFAULT_LOCALE else "/staff?" + urlencode({"lang": locale})
    return TEMPLATES.TemplateResponse(request, template, page_context(locale, keep=keep, home=home, **values),
                                      status_code=status_code, headers=PAGE_HEADERS)


def professional_guidance() -> list[dict]:
    """The knowledge base's topics for professionals (MARAC and DASH, safeguarding referrals),
    with the sources they rest on and whether a specialist has reviewed them."""
    return [
        {"key": topic.key, "title_key": topic.title_key, "answer_key": topic.answer_key,
         "sources": topic.sources, "checked": topic.checked, "reviewed": topic.reviewed}
        for topic in load_topics() if topic.audience == "professional"
    ]


def _url(**params) -> str:
    if params.get("lang") == DEFAULT_LOCALE:
        params["lang"] = None
    return "/staff?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


@router.get("", response_class=HTMLResponse)
def finder(
    request: Request,
    session: SessionDep,
    area: Annotated[str | None, Query(max_length=40)] = None,
    place: Annotated[str | None, Query(max_length=100)] = None,
    la: Annotated[str | None, Query(max_length=9)] = None,
    category: Annotated[str | None, Query(max_length=30)] = None,
    need: Annotated[str | None, Query(max_length=30)] = None,
    age: Annotated[str | None, Query(max_length=3)] = None,
    gender: Annotated[str | None, Query(max_length=10)] = None,
    lgbt: Annotated[str | None, Query(max_length=5)] = None,
    lang: Lang = None,
) -> Response:
    locale = _locale(lang)
    form = {"area": area or "", "place": place or "", "la": la or "", "category": category or "",
            "need": need or "", "age": age or "", "gender": gender or "", "lgbt": lgbt == "on"}
    submitted = any(v for v in (area, place, la, category, need, age, gender, lgbt))
    errors: dict[str, str] = {}
    candidates: list[dict] = []

    if category not in CATEGORIES:
        form["category"] = ""
        if submitted:
            errors["category"] = "staff.errors.category_required"
    if need not in NEEDS:
        form["need"] = ""
    if area not in geography.PILOT_AREAS:
        form["area"] = ""
    if gender not in ("female", "male", "other"):
        form["gender"] = ""
    person_age = None
    if age:
        if age.isdigit() and int(age) <= 130:
            person_age = int(age)
        else:
            errors["age"] = "staff.errors.age_invalid"

    if place and place.strip():
        resolution = geography.resolve(place)
        keep = ({k: form[k] for k in ("category", "need", "age", "gender")}
                | {"lgbt": "on" if form["lgbt"] else None, "lang": locale})
        if resolution.status in ("resolved", "outside_pilot") and resolution.local_authority:
            return RedirectResponse(_url(la=resolution.local_authority.code, **keep), status_code=303)
        if resolution.status == "resolved" and resolution.area:
            return RedirectResponse(_url(area=resolution.area.id, **keep), status_code=303)
        if resolution.status == "ambiguous":
            errors["place"] = "staff.errors.place_ambiguous"
            candidates = [
                {"label": c.label, "url": _url(la=c.local_authority.code, **keep)}
                for c in resolution.candidates if c.local_authority
            ]
        else:
            errors["place"] = "staff.errors.place_not_found"
        form["place"] = ""  # never echo a postcode back into the page

    chosen_place = Place(status="not_given")
    place_name = None
    if la and GSS.match(la):
        authority_area = geography.area_for_gss(la)
        authority = geography.LocalAuthority(
            code=la, name=geography.local_authority_name(la) or la, area_id=authority_area.id if authority_area else None
        )
        chosen_place = Place(status="resolved" if authority_area else "outside_pilot", area=authority_area,
                             local_authority=authority)
        place_name = authority.name
    elif form["area"]:
        chosen_place = Place(status="resolved", area=geography.PILOT_AREAS[form["area"]])
        place_name = translator(locale)(f"staff.areas.{form['area']}")

    results = None
    if form["category"] and not errors:
        person = Person(age=person_age, gender=form["gender"] or None, lgbt=form["lgbt"] or None)
        published = request.app.state.published.get(session)
        now = dt.datetime.now(dt.UTC)
        ranked = signpost(published, form["category"], chosen_place, person, form["need"] or None)
        services = [service_answer(item.service, item.group, now) for item in ranked]
        # The assistant's order (vocabulary/ranking.py): the first six are what the person would
        # be shown; services only a professional can refer to sit beside them, apart.
        direct = [s for s in services if "professional_referral_only" not in s["eligibility"]["attributes"]]
        referral = [s for s in services if "professional_referral_only" in s["eligibility"]["attributes"]]
        results = {
            "groups": [("first", direct[:CARDS_SHOWN]), ("more", direct[CARDS_SHOWN:]), ("referral", referral)],
            "count": len(services),
            "place_name": place_name,
            "outside_pilot": chosen_place.status == "outside_pilot",
            "has_local": any(s["group"] == "local" for s in services),
            "need_missing_locally": bool(form["need"]) and not any(
                s["group"] == "local" and form["need"] in s["needs"] for s in services),
        }
    query = [(k, v) for k, v in (("area", form["area"]), ("la", la if la and GSS.match(la) else ""),
                                 ("category", form["category"]), ("need", form["need"]), ("age", form["age"]),
                                 ("gender", form["gender"]), ("lgbt", "on" if form["lgbt"] else "")) if v]
    return _render(request, "staff.html", locale, query, status_code=400 if errors and not candidates else 200,
                   form=form, errors=errors, candidates=candidates, results=results,
                   areas=list(geography.PILOT_AREAS), categories=CATEGORIES, needs=NEEDS,
                   guidance=professional_guidance())


@router.get("/card", response_class=HTMLResponse)
def referral_card(
    request: Request, session: SessionDep, service: Annotated[list[str], Query(max_length=20)] = [],
    lang: Lang = None,
) -> Response:
    locale = _locale(lang)
    wanted = [s for s in service if UUID.match(s)]
    published = {s.id: s for s in request.app.state.published.get(session)}
    now = dt.datetime.now(dt.UTC)
    chosen = [service_answer(published[s], "local", now) for s in dict.fromkeys(wanted) if s in published]
    return _render(request, "card.html", locale, [("service", s["id"]) for s in chosen],
                   status_code=200 if chosen else 400, services=chosen,
                   today=dt.date.today().isoformat())
