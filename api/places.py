"""Turn a `postcode` or `area` query parameter into a directory Place, or a clear 4xx."""
from __future__ import annotations

from directory import geography
from directory.signpost import Place

from api.errors import ApiError


def place_from_postcode(postcode: str) -> tuple[Place, geography.Resolution]:
    normalised = geography.normalise_postcode(postcode)
    if normalised is None:
        raise ApiError(400, "invalid_postcode", "That is not a full UK postcode, like LE1 6ZG.")
    resolution = geography.resolve(normalised)
    if resolution.status == "not_found":
        raise ApiError(404, "postcode_not_found", "We could not find that postcode.")
    if resolution.status == "outside_pilot":
        return Place(status="outside_pilot", local_authority=resolution.local_authority), resolution
    if resolution.status == "ambiguous":
        # A handful of postcodes have no council in the ONS data; offer each candidate's help.
        codes = frozenset(c.local_authority.code for c in resolution.candidates if c.local_authority)
        return Place(status="ambiguous", candidate_codes=codes), resolution
    return Place(status="resolved", area=resolution.area, local_authority=resolution.local_authority), resolution


def place_from_area(area_id: str | None) -> Place:
    if area_id is None:
        return Place(status="not_given")
    if area_id == "outside":
        return Place(status="outside_pilot")
    return Place(status="resolved", area=geography.PILOT_AREAS[area_id])


def place_for(postcode: str | None, area_id: str | None) -> Place:
    if postcode is not None and area_id is not None:
        raise ApiError(422, "invalid_request", "Give a postcode or an area, not both.")
    if postcode is not None:
        return place_from_postcode(postcode)[0]
    return place_from_area(area_id)


def area_json(area: geography.PilotArea | None) -> dict | None:
    return {"id": area.id, "name": area.name} if area else None


def local_authority_json(local_authority: geography.LocalAuthority | None) -> dict | None:
    if local_authority is None:
        return None
    return {"code": local_authority.code, "name": local_authority.name}
