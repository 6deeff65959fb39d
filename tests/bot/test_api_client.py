"""The directory client: short timeouts, one retry, None on any failure, and logs
that name events only."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from actions import api_client
from actions.settings import load_settings
from tests.bot.helpers import FakeDirectory, down, json_response, service, signpost_answer

GOOD_ANSWER = signpost_answer(
    "stalking", [service("National Stalking Helpline", "0808 802 0300", ["stalking"], ["helpline"])]
)


def always(response: httpx.Response):
    return lambda request: response


@pytest.mark.asyncio
async def test_a_good_answer_is_returned_with_the_query_as_parameters():
    directory = FakeDirectory(always(json_response(GOOD_ANSWER)))
    answer = await directory.client.signpost(
        "stalking", postcode="CV11 4HL", age=17, lgbt=True, gender=None
    )
    assert answer == GOOD_ANSWER
    assert directory.params("/signpost") == [
        {"category": "stalking", "postcode": "CV11 4HL", "age": "17", "lgbt": "true"}
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "failure,attempts",
    [
        pytest.param(down, 2, id="connection refused"),
        pytest.param(always(httpx.Response(503)), 2, id="5xx"),
        pytest.param(always(httpx.Response(200, content=b"<html>oops</html>")), 2, id="not JSON"),
        pytest.param(always(json_response([1, 2, 3])), 2, id="JSON but not an object"),
        pytest.param(always(json_response({"services": []})), 1, id="no services"),
        pytest.param(
            always(json_response({"services": [{"phones": []}]})), 1, id="a service without a name"
        ),
    ],
)
async def test_any_failure_gives_none_after_at_most_one_retry(failure, attempts):
    directory = FakeDirectory(failure)
    assert await directory.client.signpost("domestic_abuse") is None
    assert len(directory.requests) == attempts


@pytest.mark.asyncio
async def test_a_server_error_then_a_good_answer_succeeds_on_the_retry():
    replies = iter([httpx.Response(502), json_response(GOOD_ANSWER)])
    directory = FakeDirectory(lambda request: next(replies))
    assert await directory.client.signpost("stalking") == GOOD_ANSWER
    assert len(directory.requests) == 2


@pytest.mark.asyncio
async def test_a_refused_request_is_not_repeated():
    directory = FakeDirectory(
        always(json_response({"error": "invalid_postcode", "detail": "..."}, status=400))
    )
    assert await directory.client.signpost("stalking", postcode="XX1") is None
    assert len(directory.requests) == 1


@pytest.mark.asyncio
async def test_a_slow_directory_times_out_on_the_clients_own_timeout_and_is_tried_once_more():
    """A real server that accepts and never answers: only the client's own timeout
    (SIGNPOST_API_TIMEOUT_SECONDS) can end each attempt, so two attempts take about twice it."""
    connections = []
    release = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await reader.read(65536)  # the request; then silence until the client gives up
        await release.wait()
        writer.close()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    timeout = 0.4
    client = api_client.DirectoryClient(load_settings(
        {"SIGNPOST_API_URL": f"http://127.0.0.1:{port}", "SIGNPOST_API_TIMEOUT_SECONDS": str(timeout)}))
    try:
        started = asyncio.get_running_loop().time()
        assert await client.signpost("stalking") is None
        took = asyncio.get_running_loop().time() - started
    finally:
        release.set()
        server.close()
        await server.wait_closed()
    assert len(connections) == 2  # tried once more
    assert 2 * timeout <= took < 2 * timeout + 1.0, took


@pytest.mark.asyncio
async def test_resolve_returns_the_resolution_or_none_when_malformed():
    resolution = {
        "query_kind": "place",
        "status": "ambiguous",
        "area": None,
        "local_authority": None,
        "candidates": [{"area": None, "local_authority": None, "label": "Newton, Amber Valley"}],
        "postcode": None,
    }
    assert (
        await FakeDirectory(always(json_response(resolution))).client.resolve_area("Newton")
        == resolution
    )
    assert (
        await FakeDirectory(always(json_response({"status": "maybe"}))).client.resolve_area(
            "Newton"
        )
        is None
    )


@pytest.mark.asyncio
async def test_logs_name_the_event_never_the_query(caplog):
    caplog.set_level(logging.DEBUG)
    await FakeDirectory(down).client.resolve_area("CV11 4HL")
    await FakeDirectory(always(httpx.Response(500))).client.signpost("stalking", postcode="LE1 6ZG")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "directory.request.failed" in logged
    for secret in ("CV11", "4HL", "LE1", "6ZG", "directory.test"):
        assert secret not in logged
