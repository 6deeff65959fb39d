"""Who was reached (docs/insights.md): the gateway counts an answer's reach mark once per
conversation, the own-behaviour route each time it is shown, keeps only known values, and
never lets the marks reach the browser."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from directory.models import InsightArea, InsightDimension, InsightReach, InsightReachValue
from tests.api.conftest import make_client
from tests.api.test_insights_counting import (  # noqa: F401 - redis_url is a fixture
    TOKEN,
    ScriptedAssistant,
    counts,
    redis_url,
    say,
    services,
    start,
)

A, D, V = InsightArea, InsightDimension, InsightReachValue
REACH = {"area": "derby-derbyshire", "age_band": "under_18", "identity": "not_said", "language": "pl",
         "about": "someone_else"}


def answer_with(reach: dict) -> dict:
    reply = services("no_local_service", "fgm", "derby-derbyshire")
    reply["custom"]["signpost_reach"] = reach
    return reply


ROUTE = {"custom": {"kind": "services", "text": "Respect Phoneline: 0808 802 4040", "services": [],
                    "signpost_route": {"route": "own_behaviour", "area": "warwickshire"}}}


@pytest.fixture
def gateway(fresh_database_url):
    assistant = ScriptedAssistant()
    assistant.replies.update({
        "/disclose_fgm": [answer_with(REACH)],
        "/disclose_stalking": [answer_with({**REACH, "age_band": "60_or_over"})],
        "/seek_help_own_behaviour": [ROUTE],
        "forged": [answer_with({"area": "DE1 2FS", "age_band": "14", "identity": "men", "language": "xx",
                                "about": "my neighbour at 12 High Street"})],
    })
    with make_client(fresh_database_url, rasa_url=assistant.url, channel_token=TOKEN,
                     chat_timeout_seconds=2, insights_sweep_seconds=3600) as client:
        yield client
    assistant.server.shutdown()


def reach(client) -> dict[tuple, int]:
    with client.app.state.sessionmaker.begin() as session:
        rows = session.execute(select(InsightReach.area, InsightReach.dimension, InsightReach.value,
                                      InsightReach.count)).all()
    return {(area, dimension, value): count for area, dimension, value, count in rows}


def test_who_was_reached_is_counted_once_per_conversation(gateway):
    session_id = start(gateway, area="derby-derbyshire")
    reply = say(gateway, session_id, payload="/disclose_fgm")
    assert "signpost_reach" not in json.dumps(reply) and "someone_else" not in json.dumps(reply)
    say(gateway, session_id, payload="/disclose_stalking")  # a second answer: the same person
    assert reach(gateway) == {
        (A.derby_derbyshire, D.age_band, V.under_18): 1,
        (A.derby_derbyshire, D.identity, V.not_said): 1,
        (A.derby_derbyshire, D.language, V.pl): 1,
        (A.derby_derbyshire, D.about, V.someone_else): 1,
    }
    other = start(gateway, area="derby-derbyshire")
    say(gateway, other, payload="/disclose_stalking")
    assert reach(gateway)[(A.derby_derbyshire, D.age_band, V.older)] == 1
    assert reach(gateway)[(A.derby_derbyshire, D.language, V.pl)] == 2


def test_the_own_behaviour_route_is_counted_each_time_and_answers_the_conversation(gateway):
    session_id = start(gateway)
    reply = say(gateway, session_id, payload="/seek_help_own_behaviour")
    assert "signpost_route" not in json.dumps(reply)
    say(gateway, session_id, payload="/seek_help_own_behaviour")
    assert reach(gateway) == {(A.warwickshire, D.route, V.own_behaviour): 2}
    # the route is an answer: leaving now is not "left before an answer"
    assert gateway.delete(f"/chat/sessions/{session_id}").status_code == 204
    assert counts(gateway) == {}


def test_unknown_values_and_finer_places_are_never_stored(gateway):
    session_id = start(gateway)
    say(gateway, session_id, text="forged")
    stored = reach(gateway)
    assert stored == {(A.unknown, D.identity, V.men): 1}
    assert "12 High Street" not in repr(stored) and "DE1" not in repr(stored)


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_only_one_process_sees_a_conversations_first_answer(kind, request):
    import threading

    import redis

    from api.insights.tracker import MemoryOutcomeTracker, RedisOutcomeTracker

    if kind == "redis":
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        trackers = [RedisOutcomeTracker(redis.Redis.from_url(url), 60) for _ in range(4)]
    else:
        trackers = [MemoryOutcomeTracker(60)] * 4
    for n in range(10):
        trackers[0].start(f"conversation-{n}", "warwickshire")
    firsts = []
    lock = threading.Lock()

    def answer(tracker, conversation):
        first = tracker.answered(conversation)
        with lock:
            firsts.append((conversation, first))

    threads = [threading.Thread(target=answer, args=(t, f"conversation-{n}")) for n in range(10) for t in trackers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(c for c, first in firsts if first) == sorted(f"conversation-{n}" for n in range(10))


def test_who_was_reached_is_published_with_the_same_suppression(client):
    import datetime as dt

    from api.insights import publish
    from api.insights.counting import InsightCounter
    from tests.api.conftest import ADMIN_KEY

    week = publish.last_published_week(dt.datetime.now(dt.UTC).date())
    counter = InsightCounter(client.app.state.sessionmaker, clock=lambda: week + dt.timedelta(days=2))
    for _ in range(7):
        assert counter.increment_reach(A.derby_derbyshire, D.age_band, V.under_18)  # published as 5
    for _ in range(3):
        assert counter.increment_reach(A.derby_derbyshire, D.identity, V.men)  # fewer than 5
    for _ in range(12):
        assert counter.increment_reach(A.warwickshire, D.route, V.own_behaviour)  # 10
    document = client.get("/insights/export.json", params={"from": week.isoformat()},
                          headers={"Authorization": f"Bearer {ADMIN_KEY}"}).json()
    by_cell = {(c["area"], c["dimension"], c["value"]): c for c in document["reach_cells"]}
    assert by_cell[("derby-derbyshire", "age_band", "under_18")]["count"] == 5
    assert by_cell[("derby-derbyshire", "identity", "men")] == {
        "week_starting": week.isoformat(), "area": "derby-derbyshire", "dimension": "identity", "value": "men",
        "count": None, "shown": "fewer than 5"}
    assert by_cell[("warwickshire", "route", "own_behaviour")]["count"] == 10
    # every cell is listed, whether or not anything happened
    assert by_cell[("outside", "language", "so")]["count"] is None
    html = client.post("/insights", content=f"key={ADMIN_KEY}&first_week={week}",
                       headers={"content-type": "application/x-www-form-urlencoded"}).text
    reached = html[html.index('id="reached"'):html.index('id="export"')]
    assert "Under 18</td><td class=\"number\">5<" in reached
    assert "Worried about their own behaviour (each time shown)</td><td class=\"number\">10<" in reached
    assert "A man</td><td class=\"number\"><span class=\"suppressed\">" in reached
