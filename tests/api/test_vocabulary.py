"""The shared vocabulary (vocabulary/): one list of pilot areas, read from data, that the
directory, the API and the action server all use; and it refuses a file that contradicts itself."""
from __future__ import annotations

import json

import pytest
import yaml

from directory import geography
from directory.loader import read_seed_files
from directory.models import InsightArea, InsightCategory
from vocabulary import areas
from vocabulary.categories import CATEGORIES
from tests.api.conftest import REPO


def test_every_pilot_local_authority_is_a_real_district_with_a_name():
    names = yaml.safe_load((REPO / "directory" / "geography_data" / "local_authorities.yaml").read_text())
    for area in areas.PILOT_AREAS:
        assert area.gss_codes and area.gss_codes <= set(names["local_authorities"]), area.id


def test_the_directory_the_api_and_the_insights_use_the_one_list():
    assert list(geography.PILOT_AREAS) == list(areas.PILOT_AREA_IDS)
    assert [a.value for a in InsightArea] == [*areas.PILOT_AREA_IDS, areas.OUTSIDE, areas.UNKNOWN]
    assert [c.value for c in InsightCategory] == [*CATEGORIES, "not_recorded"]


def test_the_seed_directory_names_only_known_areas():
    known = {areas.NATIONAL, *areas.PILOT_AREA_IDS}
    used = {seed.area for seed in read_seed_files()}
    assert used and used <= known, used - known


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["areas"].append(dict(d["areas"][0])), "appears twice"),
    (lambda d: d["areas"][1]["local_authorities"].append(d["areas"][0]["local_authorities"][0]), "appears twice"),
    (lambda d: d["areas"].append({**d["areas"][0], "id": "outside", "local_authorities": []}), "may not be called"),
])
def test_a_contradictory_areas_file_is_refused(tmp_path, change, problem):
    data = json.loads((REPO / "vocabulary" / "areas.json").read_text())
    change(data)
    path = tmp_path / "areas.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=problem):
        areas._read(path)
