"""Commissioner insights, counting (docs/insights.md): what the gateway counts from each
reply and each ending, once per conversation however many processes see it, and nothing
stored beyond (day, area, category, outcome, count)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis
from sqlalchemy import inspect, select, text

from api.insights.counting import InsightCounter
from api.insights.gateway import GatewayInsights
from api.insights.tracker import ENDED_GRACE_SECONDS, MemoryOutcomeTracker, RedisOutcomeTracker
from directory.db import make_engine, make_sessionmaker
from directory.migrate import upgrade_to_head
from directory.models import InsightArea, InsightCategory, InsightCount, InsightOutcome
from tests.api.channel_stub import ChannelStub
from tests.api.conftest import make_client

TOKEN = "insights-channel-token-abcdefghijk"
SENTINEL = "purple elephant seventeen"
POSTCODE = "CV11 4HL"
A = InsightArea
C = InsightCategory
O = InsightOutcome


class ScriptedAssistant(ChannelStub):
    """The assistant's channel on loopback, answering each message from a script."""

    def __init__(self) -> None:
        self.replies: dict[str, list] = {}
        super().__init__(self._answer)

    def _answer(self, path: str, headers, body: dict) -> tuple[int, object]:
        if path.endswith("/end"):
            return 200, {"ended": True}
        reply = self.replies.get(body["message"], [{"text": "Tell me more."}])
        if reply == "fail":
            return 500, {"error": "failed"}
        return 200, [{"recipient_id": body["sender"], **m} for m in reply]


def services(outcome: str, category: str = "stalking", area: str = "warwickshire") -> dict:
    return {"custom": {"kind": "services", "text": "National Stalking Helpline: 0808 802 0300", "services": [],
                       "signpost_outcome": {"category": category, "area": area, "outcome": outcome}}}


DANGER = {"custom": {"kind": "danger", "text": "If you're in danger now, call 999."}}


@pytest.fixture
def assistant():
    scripted = ScriptedAssistant()
    scripted.replies.update({
        "/disclose_stalking": [services("no_local_service")],
        "/disclose_domestic_abuse": [services("signposted_locally", "domestic_abuse")],
        "I am in danger": [DANGER, {"text": "When you're safer I can help."}],
        "forged": [{"custom": {"kind": "services", "text": "x", "signpost_outcome": {
            "category": "a postcode " + POSTCODE, "area": POSTCODE, "outcome": "signposted_locally"}}},
            {"custom": {"kind": "services", "text": "y", "signpost_outcome": {
                "category": "stalking", "area": "warwickshire", "outcome": "quick_exit_used"}}}],
        "break": "fail",
        "directory down": [DANGER, {"custom": {**services("national_only")["custom"], "signpost_outcome": {
            "category": "stalking", "area": "warwickshire", "outcome": "national_only", "from_bundle": True}}}],
    })
    yield scripted
    scripted.server.shutdown()


@pytest.fixture
def gateway(assistant, fresh_database_url):
    with make_client(fresh_database_url, rasa_url=assistant.url, channel_token=TOKEN,
                     chat_timeout_seconds=2, insights_sweep_seconds=3600) as client:
        yield client


def counts(client) -> dict[tuple, int]:
    with client.app.state.sessionmaker.begin() as session:
        rows = session.execute(select(InsightCount.area, InsightCount.category, InsightCount.outcome,
                                      InsightCount.count)).all()
    return {(area, category, outcome): count for area, category, outcome, count in rows}


def start(client, **body) -> str:
    response = client.post("/chat/sessions", json=body)
    assert response.status_code == 201, response.text
    return response.json()["session_id"]


def say(client, session_id, **body) -> dict:
    response = client.post(f"/chat/sessions/{session_id}/messages", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_each_answer_is_counted_and_its_mark_never_reaches_the_browser(gateway):
    session_id = start(gateway, area="warwickshire")
    reply = say(gateway, session_id, payload="/disclose_stalking")
    assert "outcome" not in json.dumps(reply) and "signpost_outcome" not in json.dumps(reply)
    say(gateway, session_id, payload="/disclose_domestic_abuse")
    assert counts(gateway) == {
        (A.warwickshire, C.stalking, O.no_local_service): 1,
        (A.warwickshire, C.domestic_abuse, O.signposted_locally): 1,
    }


def test_danger_guidance_is_counted_once_per_conversation_without_its_words(gateway):
    first, second = start(gateway, area="derby-derbyshire"), start(gateway)
    for _ in range(3):
        say(gateway, first, text="I am in danger")
    say(gateway, second, text="I am in danger")
    assert counts(gateway) == {
        (A.derby_derbyshire, C.not_recorded, O.danger_guidance_shown): 1,
        (A.unknown, C.not_recorded, O.danger_guidance_shown): 1,
    }


def test_guidance_shown_as_a_precaution_when_the_directory_is_down_is_not_danger(gateway):
    say(gateway, start(gateway, area="warwickshire"), text="directory down")
    assert counts(gateway) == {(A.warwickshire, C.stalking, O.national_only): 1}


def test_forged_marks_are_coarsened_or_ignored(gateway):
    say(gateway, start(gateway), text="forged")
    assert counts(gateway) == {(A.unknown, C.not_recorded, O.signposted_locally): 1}


def test_quick_exit_counts_once_whichever_request_arrives_first(gateway):
    beacon_first, delete_first = start(gateway, area="warwickshire"), start(gateway, area="warwickshire")
    say(gateway, beacon_first, payload="/disclose_stalking")
    say(gateway, delete_first, text="hello")
    # The widget's quick exit: a beacon marked ?exit=quick and an unmarked DELETE, in any order.
    assert gateway.post(f"/chat/sessions/{beacon_first}/end?exit=quick").status_code == 204
    assert gateway.delete(f"/chat/sessions/{beacon_first}").status_code == 204
    assert gateway.delete(f"/chat/sessions/{delete_first}").status_code == 204
    assert gateway.post(f"/chat/sessions/{delete_first}/end?exit=quick").status_code == 204
    assert gateway.post(f"/chat/sessions/{delete_first}/end?exit=quick").status_code == 204
    assert counts(gateway) == {
        (A.warwickshire, C.stalking, O.no_local_service): 1,
        (A.warwickshire, C.not_recorded, O.quick_exit_used): 2,
        # Only the conversation that had no answer left before one.
        (A.warwickshire, C.not_recorded, O.left_before_answer): 1,
    }


def test_ending_a_chat_is_not_a_quick_exit(gateway):
    session_id = start(gateway, area="warwickshire")
    say(gateway, session_id, payload="/disclose_stalking")
    gateway.delete(f"/chat/sessions/{session_id}")
    assert counts(gateway) == {(A.warwickshire, C.stalking, O.no_local_service): 1}


def test_leaving_before_an_answer_counts_only_after_the_person_said_something(gateway):
    opened_only = start(gateway)
    gateway.delete(f"/chat/sessions/{opened_only}")
    asked = start(gateway)
    say(gateway, asked, text="hello")
    gateway.delete(f"/chat/sessions/{asked}")
    assert counts(gateway) == {(A.unknown, C.not_recorded, O.left_before_answer): 1}


def test_a_conversation_that_expires_unanswered_is_counted_by_the_sweep(gateway):
    ttl = gateway.app.state.settings.chat_session_ttl_seconds
    unanswered, answered = start(gateway, area="derby-derbyshire"), start(gateway, area="derby-derbyshire")
    say(gateway, unanswered, text="hello")
    say(gateway, answered, payload="/disclose_domestic_abuse")
    insights = gateway.app.state.insights
    assert insights.sweep(now=time.time()) == 0  # nothing has expired yet
    assert insights.sweep(now=time.time() + ttl + 1) == 1
    assert insights.sweep(now=time.time() + ttl + 2) == 0  # and never twice
    assert counts(gateway)[(A.derby_derbyshire, C.not_recorded, O.left_before_answer)] == 1


def test_when_the_assistant_fails_the_national_lines_count_as_national_only(gateway):
    session_id = start(gateway, area="warwickshire")
    reply = say(gateway, session_id, text="break")
    assert reply["degraded"] is True
    gateway.delete(f"/chat/sessions/{session_id}")  # it had an answer: not "left before an answer"
    assert counts(gateway) == {(A.warwickshire, C.not_recorded, O.national_only): 1}


def test_a_broken_database_never_costs_a_reply(gateway):
    session_id = start(gateway, area="warwickshire")
    with gateway.app.state.sessionmaker.begin() as session:
        session.execute(text("DROP TABLE insight_count"))
    reply = say(gateway, session_id, payload="/disclose_stalking")
    assert reply["degraded"] is False and reply["messages"][0]["kind"] == "services"


def test_stored_rows_hold_only_day_area_category_outcome_and_count(gateway):
    session_id = start(gateway, area="warwickshire")
    say(gateway, session_id, text=f"{SENTINEL}, I live at {POSTCODE}")
    say(gateway, session_id, text="I am in danger")
    say(gateway, session_id, payload="/disclose_stalking")
    gateway.post(f"/chat/sessions/{session_id}/end?exit=quick")
    engine = gateway.app.state.engine
    columns = {column["name"] for column in inspect(engine).get_columns("insight_count")}
    assert columns == {"day", "area", "category", "outcome", "count"}
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT day, area, category, outcome, count FROM insight_count")).all()
        everything = " ".join(
            repr(connection.execute(text(f'SELECT * FROM "{table}"')).all())
            for table in inspect(engine).get_table_names()
        )
    assert len(rows) == 3
    for day, area, category, outcome, count in rows:
        assert str(day) == dt.datetime.now(dt.UTC).date().isoformat()
        assert area in {a.value for a in A} and category in {c.value for c in C}
        assert outcome in {o.value for o in O} and count == 1
    assert SENTINEL not in everything and "CV11" not in everything and session_id not in everything


def test_counts_from_several_processes_add_up(fresh_database_url):
    engine = make_engine(fresh_database_url)
    upgrade_to_head(engine)
    engine.dispose()
    # Each "process" has its own engine and connection pool, as separate API replicas do.
    counters = [InsightCounter(make_sessionmaker(make_engine(fresh_database_url))) for _ in range(4)]

    def count_many(counter: InsightCounter) -> None:
        for _ in range(25):
            assert counter.increment(O.signposted_locally, A.warwickshire, C.stalking)

    threads = [threading.Thread(target=count_many, args=(counter,)) for counter in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with counters[0].sessions.begin() as session:
        assert session.scalars(select(InsightCount.count)).all() == [100]
    for counter in counters:
        counter.sessions.kw["bind"].dispose()


def test_counts_survive_a_restart(fresh_database_url, assistant):
    settings = {"rasa_url": assistant.url, "channel_token": TOKEN, "insights_sweep_seconds": 3600}
    with make_client(fresh_database_url, **settings) as client:
        say(client, start(client, area="warwickshire"), payload="/disclose_stalking")
    with make_client(fresh_database_url, **settings) as client:
        say(client, start(client, area="warwickshire"), payload="/disclose_stalking")
        assert counts(client) == {(A.warwickshire, C.stalking, O.no_local_service): 2}


# ---- the tracker in Redis, shared by several API processes ----

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (scripts/setup.sh installs it)")
    port = _free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


class Tally:
    """Records increments in memory, for tests of the tracker alone."""

    def __init__(self) -> None:
        self.seen: list[tuple] = []
        self.lock = threading.Lock()

    def increment(self, outcome, area, category) -> bool:
        with self.lock:
            self.seen.append((outcome, area, category))
        return True


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_each_outcome_is_counted_by_exactly_one_process(kind, request):
    if kind == "redis":
        client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
        client.flushdb()
        trackers = [RedisOutcomeTracker(redis.Redis.from_url(request.getfixturevalue("redis_url")), 60)
                    for _ in range(4)]
    else:
        shared = MemoryOutcomeTracker(60)
        trackers = [shared] * 4
    tally = Tally()
    processes = [GatewayInsights(tally, tracker) for tracker in trackers]
    for n in range(20):
        processes[0].started(f"conversation-{n}", "warwickshire")
        processes[1].replied(f"conversation-{n}", "warwickshire", [], danger=False, degraded=False)
    # Every process ends every conversation at once, half marked as quick exits...
    threads = [threading.Thread(target=p.ended, args=(f"conversation-{n}", n % 2 == 0))
               for n in range(10) for p in processes]
    # ...and every process sweeps the other half after they expire.
    later = time.time() + 61
    threads += [threading.Thread(target=p.sweep, args=(later,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    left = [t for t in tally.seen if t[0] == O.left_before_answer]
    quick = [t for t in tally.seen if t[0] == O.quick_exit_used]
    assert len(left) == 20 and len(quick) == 5
    assert {t[1] for t in tally.seen} == {A.warwickshire}


def test_redis_holds_nothing_once_conversations_are_over(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    tracker = RedisOutcomeTracker(client, 60)
    insights = GatewayInsights(Tally(), tracker)
    insights.started("conversation-a", "warwickshire")
    insights.replied("conversation-a", "warwickshire", [], danger=True, degraded=False)
    insights.ended("conversation-a", quick_exit=True)
    assert client.ttl(tracker._state_key("conversation-a")) <= ENDED_GRACE_SECONDS
    assert client.zcard(tracker.pending_key) == 0
    keys = [key.decode() for key in client.keys("*")]
    assert all("conversation-a" in key for key in keys)  # only the ending's short grace record
