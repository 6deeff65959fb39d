import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request

from directory.fallback import national_helplines
from directory.signpost import Person, service_answer, signpost

from api.deps import SessionDep
from api.errors import responses
from api.places import area_json, local_authority_json, place_for
from api.queries import SignpostQuery

router = APIRouter(tags=["Signposting"])


@router.get("/signpost", summary="Who can help with this, near here, now: the ordered answer",
            responses=responses(404))
def signpost_answer(query: Annotated[SignpostQuery, Query()], session: SessionDep, request: Request) -> dict:
    place = place_for(query.postcode, query.area)
    person = Person(age=query.age, age_band=query.age_band, gender=query.gender, lgbt=query.lgbt,
                    language=query.language, about=query.about, topics=query.topic_set())
    now = dt.datetime.now(dt.UTC)
    published = request.app.state.published.get(session)
    ranked = signpost(published, query.category, place, person, query.need)
    services = [service_answer(item.service, item.group, now) for item in ranked]
    if not services:
        services = [s for s in national_helplines() if query.category in s["categories"]]
    return {
        "category": query.category,
        "need": query.need,
        "area": area_json(place.area),
        "area_status": place.status,
        "local_authority": local_authority_json(place.local_authority),
        "generated_at": now.isoformat(timespec="seconds"),
        "services": services,
    }
