"""HEAD on GET routes: what link checkers and uptime monitors send before trusting a link."""
from __future__ import annotations

import pytest

PATHS = ["/healthz", "/services", "/taxonomies", "/signpost?category=domestic_abuse", "/staff",
         "/widget/signpost.js", "/widget/signpost.css", "/demo", "/static/staff.css"]


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_like_get_without_a_body(read_client, path):
    got = read_client.get(path)
    head = read_client.head(path)
    assert got.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    for header in ("content-type", "content-security-policy", "x-content-type-options", "referrer-policy"):
        assert head.headers.get(header) == got.headers.get(header), header
    if "content-length" in got.headers:
        assert head.headers["content-length"] == got.headers["content-length"]


def test_head_on_a_missing_page_is_404_without_a_body(read_client):
    head = read_client.head("/services/not-a-service")
    assert head.status_code == 404
    assert head.content == b""


def test_head_does_not_reach_write_routes(read_client):
    head = read_client.head("/chat/sessions")
    assert head.status_code in (403, 405)
    assert head.content == b""
