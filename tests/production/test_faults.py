"""Faults on purpose while conversations are running. Whatever breaks, every person gets at
least the emergency guidance and the national helplines within the gateway's bound; when
the fault clears, the service comes back without restarting anything else.

Each test puts back what it broke, so the next one starts from a whole stack."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from pathlib import Path

import httpx
import psutil
import pytest

from tests.production.conftest import has_emergency_guidance, has_national_helplines, rasa_ports_reached
from tests.stack.driver import Conversation, questions, services_in
from tests.stack.harness import ProductionStack, compose_rasa_environment

PEOPLE = 4
# SIGNPOST_CHAT_TIMEOUT_SECONDS in the harness is 8: no turn may take longer, plus scheduling slack.
TURN_BOUND_SECONDS = 8 + 2
LOCAL_WARWICKSHIRE_SERVICE = "Refuge - Warwickshire Domestic Violence and Abuse Service"


def mid_triage(apis: list[str]) -> list[Conversation]:
    """People who have said what is happening and been asked the first triage question."""
    people = []
    for _ in range(PEOPLE):
        chat = Conversation(apis)
        chat.press("/disclose_domestic_abuse")
        assert not chat.degraded
        people.append(chat)
    return people


def all_at_once(people: list[Conversation], turn) -> list:
    with ThreadPoolExecutor(len(people)) as pool:
        return list(pool.map(turn, people))


def timed_turn(chat: Conversation, **message) -> tuple[float, list[dict]]:
    started = time.monotonic()
    reply = chat.send(**message)
    return time.monotonic() - started, reply


def assert_each_person_is_helped_in_time(people: list[Conversation], **message) -> None:
    for seconds, reply in all_at_once(people, lambda chat: timed_turn(chat, **message)):
        assert seconds < TURN_BOUND_SECONDS, seconds
        assert has_emergency_guidance(reply) and has_national_helplines(reply), reply


def assert_service_is_back(people: list[Conversation], apis: list[str]) -> None:
    """The same conversations reach their local services, and a new one starts normally."""
    def finish(chat: Conversation) -> list[str]:
        if chat.degraded:  # she was given the helplines instead of a question: she says it again
            chat.send(payload="/disclose_domestic_abuse")
        return [s["name"] for s in chat.answer_until_services(place="CV11 4HL")]

    for names, chat in zip(all_at_once(people, finish), people):
        assert LOCAL_WARWICKSHIRE_SERVICE in names and not chat.degraded
        chat.end()
    fresh = Conversation(apis)
    fresh.press("/disclose_stalking")
    assert not fresh.degraded
    fresh.end()


def test_action_server_killed(production: ProductionStack):
    people = mid_triage(production.apis)
    production.kill("actions")
    try:
        assert_each_person_is_helped_in_time(people, payload="/affirm")
        assert_each_person_is_helped_in_time(people, text="he hits me")
    finally:
        production.start_actions()
    assert_service_is_back(people, production.apis)


def test_action_server_hanging(production: ProductionStack):
    people = mid_triage(production.apis)
    production.pause("actions")
    try:
        assert_each_person_is_helped_in_time(people, payload="/affirm")
    finally:
        production.resume("actions")
    assert_service_is_back(people, production.apis)


def test_directory_down_for_the_action_server(production: ProductionStack):
    # The action server reads the directory from the last API process: stop it, and talk
    # to the first one.
    directory = production.api_ports[-1]
    people = mid_triage(production.apis[:1])
    production.stop("api-1")
    try:
        def finish(chat: Conversation) -> tuple[float, list[dict]]:
            started = time.monotonic()
            chat.answer_until_services(place="CV11 4HL")
            return time.monotonic() - started, chat.transcript

        for seconds, transcript in all_at_once(people, finish):
            assert seconds < 4 * TURN_BOUND_SECONDS
            assert has_emergency_guidance(transcript) and has_national_helplines(transcript)
            assert all(s["scope"] == "national" for s in services_in(transcript))
    finally:
        production.start_api("api-1", directory)
    for chat in people:
        chat.end()
    again = mid_triage(production.apis[:1])
    assert_service_is_back(again, production.apis[:1])


def test_database_down(production: ProductionStack):
    people = mid_triage(production.apis)
    production.postgres.stop()
    try:
        # The directory each API process last read keeps being served: still local answers.
        def finish(chat: Conversation) -> list[dict]:
            return chat.answer_until_services(place="CV11 4HL")

        for services in all_at_once(people, finish):
            names = [s["name"] for s in services]
            assert LOCAL_WARWICKSHIRE_SERVICE in names and "National Domestic Abuse Helpline" in names
    finally:
        production.postgres.start()
    for chat in people:
        chat.end()
    # Both API processes reach the database again by themselves (pre-ping replaces dead connections).
    for api in production.apis:
        assert httpx.get(api + "/services?taxonomy_term_id=isva", timeout=10).status_code == 200
    assert_service_is_back(mid_triage(production.apis), production.apis)


def test_redis_down(production: ProductionStack):
    people = mid_triage(production.apis)
    production.stop("redis")  # SIGTERM: Redis writes its append-only file and stops
    try:
        assert_each_person_is_helped_in_time(people, payload="/affirm")
        started = time.monotonic()
        newcomer = Conversation(production.apis)
        assert time.monotonic() - started < TURN_BOUND_SECONDS
        assert newcomer.degraded and has_emergency_guidance(newcomer.messages)
        assert has_national_helplines(newcomer.messages)
    finally:
        production.start_redis(persistent=True)
    # The conversations were kept: her answer to the question asked before the outage
    # brings the next question.
    for chat in people:
        reply = chat.send(payload="/affirm")
        assert not chat.degraded and questions()["age_group_self"] in "\n".join(m["text"] for m in reply)
    assert_service_is_back(people, production.apis)


@pytest.mark.parametrize("replica", ["rasa-0"])
def test_one_rasa_replica_killed_mid_conversation(production: ProductionStack, replica: str):
    people = mid_triage(production.apis)
    index = int(replica[-1])
    production.kill(replica)
    try:
        # The gateway steps round the dead replica: nobody even notices.
        for seconds, reply in all_at_once(people, lambda chat: timed_turn(chat, payload="/affirm")):
            assert seconds < TURN_BOUND_SECONDS
            assert not any(m.get("kind") == "danger" for m in reply), reply
        for chat in people:
            assert not chat.degraded
        assert_service_is_back(people, production.apis)
    finally:
        production.start_rasa(replica, production.rasa_ports[index])
    # Once it has rested, the restarted replica takes turns again.
    time.sleep(6)
    more = mid_triage(production.apis)
    for api in ("api-0", "api-1"):
        assert production.rasa_ports[index] in rasa_ports_reached(production, api), api
    for chat in more:
        chat.end()


def _waiting_on_the_action_server(production: ProductionStack, seconds: float = 10) -> str:
    """The Rasa replica in the middle of a turn: the one whose request sits unread in the paused
    action server's receive queue (/proc/net/tcp shows each loopback socket's queue)."""
    actions_port = production.actions_port
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local_port, remote_port = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16)
            if local_port == actions_port and int(fields[4].split(":")[1], 16) > 0:
                waiting.add(remote_port)
        for name, process in production.processes.items():
            if name.startswith("rasa-") and waiting:
                root = psutil.Process(process.pid)
                family = [root, *root.children(recursive=True)]
                if any(c.laddr.port in waiting for p in family for c in p.net_connections(kind="tcp")):
                    return name
        time.sleep(0.1)
    raise AssertionError("no Rasa replica is waiting on the action server")


def test_a_rasa_replica_killed_in_the_middle_of_a_turn(production: ProductionStack):
    """The replica dies holding her conversation's lock. That turn is answered at once with the
    emergency guidance and the national helplines; every later turn is answered in time; and once
    the lock has lapsed (TICKET_LOCK_LIFETIME, as in docker/compose.yml) the conversation carries
    on, on the other replica, to her local services."""
    lock_lifetime = float(compose_rasa_environment()["TICKET_LOCK_LIFETIME"])
    chat = Conversation(production.apis)
    chat.press("/disclose_domestic_abuse")
    assert not chat.degraded
    production.pause("actions")  # the next turn stops inside Rasa, waiting on its form's action
    with ThreadPoolExecutor(1) as pool:
        turn = pool.submit(timed_turn, chat, payload="/affirm")
        try:
            replica = _waiting_on_the_action_server(production)
            production.kill(replica)
        finally:
            production.resume("actions")
        seconds, reply = turn.result()
    index = int(replica.split("-")[1])
    try:
        assert seconds < TURN_BOUND_SECONDS
        assert chat.degraded and has_emergency_guidance(reply) and has_national_helplines(reply), reply
        killed_at = time.monotonic()
        # She says it again while the dead replica's lock still lasts (which also keeps her session,
        # 15 s here, alive): each turn is answered in time, never with silence; the other replica may
        # take them only once the lock lapses.
        while time.monotonic() - killed_at < lock_lifetime:
            seconds, reply = timed_turn(chat, payload="/disclose_domestic_abuse")
            assert seconds < TURN_BOUND_SECONDS
            assert not chat.degraded or (has_emergency_guidance(reply) and has_national_helplines(reply)), reply
        # Then the lock has lapsed, the other replica has finished what it held, and she carries on.
        time.sleep(2)
        assert_service_is_back([chat], production.apis)
    finally:
        production.start_rasa(replica, production.rasa_ports[index])
