"""The pilot areas, read from areas.json, and the other places a person or a service can be."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import FrozenSet, Mapping, Tuple

# A service for all of England, and the statistical code ORUK gives its service area.
NATIONAL = "national"
ENGLAND_GSS = "E92000001"
# Where a person is, when not in a pilot area: somewhere known outside, or not said.
OUTSIDE = "outside"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    state_province: str
    gss_codes: FrozenSet[str]  # the local authority districts it covers


def _read(path: Path) -> Tuple[Area, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    areas = tuple(
        Area(id=item["id"], name=item["name"], state_province=item["state_province"],
             gss_codes=frozenset(item["local_authorities"]))
        for item in data["areas"]
    )
    ids = [area.id for area in areas]
    codes = [code for item in data["areas"] for code in item["local_authorities"]]
    if len(set(ids)) != len(ids) or len(set(codes)) != len(codes):
        raise ValueError(f"{path}: an area id or a local authority appears twice")
    if {NATIONAL, OUTSIDE, UNKNOWN} & set(ids):
        raise ValueError(f"{path}: an area may not be called {NATIONAL!r}, {OUTSIDE!r} or {UNKNOWN!r}")
    return areas


PILOT_AREAS: Tuple[Area, ...] = _read(Path(__file__).with_name("areas.json"))
PILOT_AREA_IDS: Tuple[str, ...] = tuple(area.id for area in PILOT_AREAS)
AREAS_BY_ID: Mapping[str, Area] = MappingProxyType({area.id: area for area in PILOT_AREAS})
