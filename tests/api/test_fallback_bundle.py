"""The national helplines bundled with the action server are generated, never hand-copied."""
from __future__ import annotations

import json

from directory.fallback import BUNDLE, render_bundle
from directory.signpost import CATEGORIES


def test_bundle_matches_the_seed():
    assert BUNDLE.read_text(encoding="utf-8") == render_bundle(), (
        "actions/data/national_helplines.json is stale: run `.venv/bin/python -m directory.fallback`"
    )


def test_bundle_covers_every_category_with_a_phone():
    services = json.loads(BUNDLE.read_text())["services"]
    for category in CATEGORIES:
        assert any(category in s["categories"] and s["phones"] for s in services), category
    assert all(s["scope"] == "national" and s["source"] and s["assured_date"] for s in services)
    assert all(s["open_now"] is None for s in services)
