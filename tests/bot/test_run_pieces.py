"""The pieces that run the assistant: the bounded action-server wait, redacted
structured logs, endpoints, credentials, session settings, and the validation
wrapper."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import pytest
import rasa.core.constants as rasa_constants
import yaml

from scripts.validate_bot_data import unexpected_warnings
from tests.bot.conftest import BOT_DIR, REPO_ROOT


@pytest.fixture
def safeguards():
    import rasa.core.actions.action as rasa_action
    import run_rasa

    run_rasa.install_safeguards()
    yield run_rasa
    rasa_action.DEFAULT_REQUEST_TIMEOUT = rasa_constants.DEFAULT_REQUEST_TIMEOUT


def test_rasa_alone_would_wait_five_minutes_for_the_action_server():
    assert rasa_constants.DEFAULT_REQUEST_TIMEOUT == 300


@pytest.mark.asyncio
async def test_a_stuck_action_server_is_given_up_on_within_the_bound(
    safeguards, monkeypatch, aiohttp_unused_port
):
    import rasa.core.actions.action as rasa_action
    from aiohttp import web
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == safeguards.ACTION_TIMEOUT_SECONDS
    assert (
        2 * 2 < safeguards.ACTION_TIMEOUT_SECONDS <= 10
    )  # above an action's own worst case (2 s, one retry)

    async def stuck(request):
        await asyncio.sleep(3)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/webhook", stuck)
    runner = web.AppRunner(app)
    await runner.setup()
    port = aiohttp_unused_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    monkeypatch.setattr(
        rasa_action, "DEFAULT_REQUEST_TIMEOUT", 0.5
    )  # the same bound, shorter for the test
    domain = Domain.load(str(BOT_DIR / "domain"))
    action = rasa_action.RemoteAction(
        "action_signpost", EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    )
    started = time.monotonic()
    try:
        with pytest.raises(asyncio.TimeoutError):
            await action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator(domain.responses),
                DialogueStateTracker("test", domain.slots),
                domain,
            )
        waited = time.monotonic() - started
    finally:
        await runner.shutdown()
        await runner.cleanup()
    assert waited < 3


def test_structured_logs_lose_message_text_and_slot_values(safeguards):
    from rasa.plugin import plugin_manager
    from rasa.utils.log_utils import _anonymizer

    safeguards.install_safeguards()  # installing twice registers one plugin
    assert (
        sum(isinstance(p, safeguards.SignpostRasaPlugin) for p in plugin_manager().get_plugins())
        == 1
    )
    event = _anonymizer(
        None,
        "error",
        {
            "event": "rest.message.received.failure",
            "text": "he is outside CV11 4HL",
            "slot_values": {"postcode": "CV11 4HL"},
        },
    )
    assert event == {
        "event": "rest.message.received.failure",
        "text": "[redacted]",
        "slot_values": "[redacted]",
    }


@pytest.fixture
def aiohttp_unused_port():
    def pick() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    return pick


def test_logged_tracebacks_carry_no_local_variables(safeguards, caplog):
    import structlog
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.INFO)
    try:
        caplog.set_level(logging.INFO)

        def fails(message_text):
            raise KeyError("placeholder")

        try:
            fails("he is outside CV11 4HL")
        except KeyError:
            structlog.get_logger().exception("interpolator.interpolate.text")
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert "interpolator.interpolate.text" in logged and "KeyError" in logged
        assert "CV11" not in logged and "outside" not in logged
    finally:
        structlog.reset_defaults()


def read(name: str) -> dict:
    return yaml.safe_load((BOT_DIR / name).read_text(encoding="utf-8"))


def test_development_endpoints_keep_everything_in_memory_on_loopback():
    endpoints = read("endpoints.yml")
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"
    assert endpoints["tracker_store"]["type"] == "in_memory"
    assert endpoints["lock_store"]["type"] == "in_memory"


def test_production_keeps_conversations_in_redis_for_30_minutes_only(monkeypatch):
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import RedisTrackerStore, TrackerStore
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain

    for name, value in {
        "REDIS_HOST": "redis.internal",
        "REDIS_PORT": "6379",
        "REDIS_PASSWORD": "",
        "ACTION_SERVER_URL": "http://actions:5055/webhook",
    }.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(str(BOT_DIR / "endpoints.production.yml"))
    domain = Domain.load(str(BOT_DIR / "domain"))
    tracker_store = TrackerStore.create(endpoints.tracker_store, domain)  # connects lazily
    lock_store = LockStore.create(endpoints.lock_store)
    from stores.session_tracker_store import SessionTrackerStore

    # Rasa's own extension point: the class the endpoints file names, not a replaced method.
    assert type(tracker_store) is SessionTrackerStore and isinstance(tracker_store, RedisTrackerStore)
    assert tracker_store.record_exp == 30 * 60
    assert tracker_store.key_prefix.startswith("signpost")
    assert isinstance(lock_store, RedisLockStore)
    assert endpoints.action.url == "http://actions:5055/webhook"
    assert domain.session_config.session_expiration_time * 60 == tracker_store.record_exp


def test_sessions_expire_after_30_minutes_and_carry_nothing_over():
    from rasa.shared.core.domain import Domain

    session = Domain.load(str(BOT_DIR / "domain")).session_config
    assert session.session_expiration_time == 30
    assert session.carry_over_slots is False


def test_the_gateways_channel_is_the_only_way_in(monkeypatch):
    from rasa.core.run import create_http_input_channels

    monkeypatch.setenv("SIGNPOST_CHANNEL_TOKEN", "a-test-token-of-some-length")
    monkeypatch.syspath_prepend(str(BOT_DIR))
    channels = create_http_input_channels(None, str(BOT_DIR / "credentials.yml"))
    assert [channel.name() for channel in channels] == ["signpost"]


def test_the_procfile_binds_the_assistant_to_loopback_without_the_http_api():
    lines = dict(
        line.split(": ", 1)
        for line in (REPO_ROOT / "Procfile").read_text().splitlines()
        if ": " in line
    )
    assert "SANIC_HOST=127.0.0.1" in lines["actions"] and "--port 5055" in lines["actions"]
    assert "run_rasa.py run" in lines["rasa"] and "--interface 127.0.0.1" in lines["rasa"]
    # The API's development token (api/settings.py) unless one is set.
    assert (
        "SIGNPOST_CHANNEL_TOKEN=${SIGNPOST_CHANNEL_TOKEN:-development-only-channel-token}"
        in lines["rasa"]
    )
    assert "--enable-api" not in lines["rasa"]
    assert (
        "RASA_TELEMETRY_ENABLED=false" in lines["rasa"]
        and "RASA_TELEMETRY_ENABLED=false" in lines["actions"]
    )


def test_telemetry_is_off_even_if_someone_turns_it_on(monkeypatch, safeguards):
    from rasa import telemetry

    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "true")
    assert telemetry.is_telemetry_enabled()
    safeguards.install_safeguards()
    assert not telemetry.is_telemetry_enabled()


@pytest.mark.parametrize("environment, level, argv, refused", [
    (None, "DEBUG", [], True),
    ("production", None, ["run", "-vv"], True),
    ("production", None, ["run", "--debug"], True),
    ("production", "INFO", ["run", "-v"], False),
    (None, None, ["run"], False),
    ("development", "DEBUG", ["run", "--debug"], False),
])
def test_rasa_refuses_debug_logs_outside_development(monkeypatch, environment, level, argv, refused):
    monkeypatch.syspath_prepend(str(BOT_DIR))
    import run_rasa

    for name, value in (("SIGNPOST_ENVIRONMENT", environment), ("LOG_LEVEL", level)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    if refused:
        with pytest.raises(SystemExit, match="DEBUG"):
            run_rasa.refuse_debug_logs_outside_development(argv)
    else:
        run_rasa.refuse_debug_logs_outside_development(argv)


VALIDATE_OUTPUT = """\
2026-11-23 03:11:54 INFO     rasa.validator  - Validating utterances...
/x/rasa/shared/utils/io.py:100: UserWarning: The utterance 'utter_emergency_guidance' is not used in any story or rule.
/x/rasa/shared/utils/io.py:100: UserWarning: The utterance 'utter_forgotten' is not used in any story or rule.
/x/rasa/shared/utils/io.py:100: UserWarning: The intent 'greet' is not used in any story or rule.
2026-11-23 03:11:54 WARNING  rasa.core.training.story_conflict  - CONFLICT after intent 'greet'
"""


def test_validation_allows_only_responses_that_actions_send():
    unexpected = unexpected_warnings(VALIDATE_OUTPUT, {"utter_emergency_guidance"})
    assert unexpected == [
        "The utterance 'utter_forgotten' is not used in any story or rule.",
        "The intent 'greet' is not used in any story or rule.",
        "rasa.core.training.story_conflict  - CONFLICT after intent 'greet'",
    ]


@pytest.mark.asyncio
async def test_actions_log_no_message_text_postcode_or_place(
    caplog, dispatcher, domain, directory_api
):
    """A whole triage answer with a failing directory, at DEBUG: only event names."""
    from actions.disclosure import ActionRegisterDisclosure
    from actions.signpost import ActionSignpost
    from actions.triage_form import ValidateTriageForm
    from tests.bot.helpers import down, make_tracker

    caplog.set_level(logging.DEBUG)
    directory_api(down)
    words = "my husband hits me, I live at CV11 4HL"
    await ActionRegisterDisclosure().run(
        dispatcher, make_tracker(intent="disclose_domestic_abuse", text=words), domain
    )
    tracker = make_tracker(
        slots={
            "categories": ["domestic_abuse"],
            "about_self": "self",
            "age_group": "adult",
            "identity": "neither",
            "location": "CV11 4HL",
            "requested_slot": "location",
        },
        intent="inform",
        text="CV11 4HL",
        active_loop="triage_form",
        events=[{"event": "slot", "name": "location", "value": "CV11 4HL"}],
    )
    await ValidateTriageForm().run(dispatcher, tracker, domain)
    await ActionSignpost().run(
        dispatcher,
        make_tracker(slots={"categories": ["domestic_abuse"], "postcode": "CV11 4HL"}),
        domain,
    )
    logged = "\n".join(
        f"{r.name} {r.getMessage()}"
        for r in caplog.records
        if r.name.startswith(("actions", "httpx"))
    )
    assert "directory.request.failed" in logged
    for secret in ("CV11", "4HL", "husband", "hits"):
        assert secret not in logged


def test_the_channel_refuses_a_missing_or_short_token(monkeypatch):
    import pytest

    monkeypatch.syspath_prepend(str(BOT_DIR))
    from channels.signpost_channel import SignpostChannel

    for credentials in (None, {}, {"token": "short"}):
        with pytest.raises(ValueError):
            SignpostChannel.from_credentials(credentials)


def test_action_results_are_still_validated_after_compiling_the_schema(safeguards):
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_signpost", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "hello"}]})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list", "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": "slot"}], "responses": "nope"})


def test_event_types_resolve_to_the_same_classes_from_the_table(safeguards):
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    assert getattr(Event.resolve_by_type, "signpost_patched", False)
    first_match = {}
    for cls in all_subclasses(Event):
        first_match.setdefault(cls.type_name, cls)
    assert len(first_match) > 20
    for type_name, cls in first_match.items():
        assert Event.resolve_by_type(type_name) is cls
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    restored = Event.from_parameters({"event": "slot", "name": "area", "value": "warwickshire"})
    assert type(restored).__name__ == "SlotSet" and restored.value == "warwickshire"


@pytest.mark.asyncio
async def test_our_no_op_anonymization_does_not_reread_the_tracker(safeguards):
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker

    class CountingStore:
        reads = 0

        async def retrieve(self, sender_id):
            CountingStore.reads += 1
            return None

    processor = MessageProcessor.__new__(MessageProcessor)
    processor.tracker_store = CountingStore()
    await processor.run_anonymization_pipeline(DialogueStateTracker("someone", []))
    assert CountingStore.reads == 0


CONVERSATIONS = [
    ["hello", "/affirm", "/deny"],
    ["my partner checks my phone and takes my money", "/affirm", "/deny", "/deny", "CV11 4HL"],
    ["he's outside the door with a knife", "/affirm"],
    ["someone raped me last night", "/rather_not_say", "/rather_not_say"],
    ["mój partner mnie bije", "/not_an_intent", "/"],
]


async def parses_and_predictions(agent, conversations) -> list:
    from rasa.core.channels.channel import UserMessage

    seen = []
    for number, turns in enumerate(conversations):
        sender = f"compare-{number}-{id(conversations)}-{time.monotonic_ns()}"
        for text in turns:
            seen.append(await agent.parse_message(text))
            await agent.processor.log_message(UserMessage(text, sender_id=sender))
            prediction = await agent.processor.predict_next_for_sender_id(sender)
            seen.append({key: prediction[key] for key in ("scores", "policy", "confidence")})
    return seen


@pytest.mark.asyncio
async def test_graphs_run_without_dask_give_dasks_results(safeguards, monkeypatch):
    from rasa.core.agent import Agent
    from rasa.engine.runner.dask import DaskGraphRunner

    model = BOT_DIR / "models" / "signpost.tar.gz"
    if not model.exists():
        pytest.skip("no trained model (scripts/test-bot.sh trains one first)")
    ours = DaskGraphRunner.run
    assert getattr(ours, "signpost_patched", False)
    agent = Agent.load(str(model))
    with_ours = await parses_and_predictions(agent, CONVERSATIONS)
    monkeypatch.setattr(DaskGraphRunner, "run", ours.original)
    with_dask = await parses_and_predictions(agent, CONVERSATIONS)
    assert len(with_ours) == 2 * sum(len(turns) for turns in CONVERSATIONS)
    assert with_ours == with_dask


def test_a_failing_graph_node_fails_the_run_as_with_dask(safeguards):
    from rasa.engine.exceptions import GraphComponentException
    from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.graph_components.providers.domain_provider import DomainProvider

    schema = GraphSchema({
        "domain": SchemaNode(needs={}, uses=DomainProvider, fn="provide_inference", constructor_name="load",
                             config={}, is_target=True),
    })
    runner = DaskGraphRunner(schema, LocalModelStorage(REPO_ROOT / "no-such-model"), ExecutionContext(schema, "t"), [])
    failures = []
    for run in (DaskGraphRunner.run, DaskGraphRunner.run.original):
        with pytest.raises(GraphComponentException) as raised:
            run(runner, targets=["domain"])
        failures.append(type(raised.value.__cause__))
    assert failures[0] is failures[1]


class RecordingRedis:
    def __init__(self) -> None:
        self.calls: list = []
        self.data: dict = {}

    def get(self, key):
        self.calls.append(("get", key))
        return self.data.get(key)

    def delete(self, key):
        self.calls.append(("delete", key))
        self.data.pop(key, None)

    def set(self, key, value, ex=None):
        self.calls.append(("set", key, ex))
        self.data[key] = value


@pytest.mark.asyncio
async def test_trackers_are_saved_to_redis_with_their_expiry_without_being_read_back():
    from rasa.shared.core.domain import Domain
    from stores.session_tracker_store import SessionTrackerStore
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(BOT_DIR / "domain"))
    store = SessionTrackerStore(domain, record_exp=1800)
    store.red = RecordingRedis()
    earlier = [ActionExecuted("action_session_start", timestamp=1), SessionStarted(timestamp=2),
               UserUttered("an earlier session", timestamp=3)]
    current = [ActionExecuted("action_session_start", timestamp=10), SessionStarted(timestamp=11),
               UserUttered("hello", timestamp=12), SlotSet("area", "warwickshire", timestamp=13)]
    store.red.data[store.key_prefix + "someone"] = store.serialise_tracker(
        DialogueStateTracker.from_events("someone", earlier + current[:2]))

    tracker = await store.retrieve("someone")
    tracker.update_with_events(current[2:], domain)
    store.red.calls.clear()
    await store.save(tracker)

    assert store.red.calls == [("set", store.key_prefix + "someone", 1800)]
    stored = await store.retrieve_full_tracker("someone")
    assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in current]
    assert stored.get_slot("area") == "warwickshire"

    store.delete("someone")
    assert await store.retrieve("someone") is None


def test_the_tracker_store_refuses_a_rasa_it_was_not_written_for(monkeypatch):
    import rasa
    from rasa.shared.core.domain import Domain
    from stores.session_tracker_store import SessionTrackerStore

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(RuntimeError, match="written for Rasa 3.6.21"):
        SessionTrackerStore(Domain.empty(), record_exp=1800)


def test_run_rasa_refuses_another_rasa_and_a_tracker_store_it_cannot_load(monkeypatch, tmp_path):
    import rasa
    import run_rasa

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: stores.no_such_module.SessionTrackerStore\n")
    with pytest.raises(SystemExit, match="cannot be loaded"):
        run_rasa.refuse_a_tracker_store_rasa_cannot_load(["run", "--endpoints", str(endpoints)])
    run_rasa.refuse_a_tracker_store_rasa_cannot_load(["run", "--endpoints", str(BOT_DIR / "endpoints.production.yml")])
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(SystemExit, match="written for Rasa 3.6.21"):
        run_rasa.refuse_another_rasa()


@pytest.mark.asyncio
async def test_action_calls_share_a_connection_and_survive_the_action_server_restarting(
    safeguards, aiohttp_unused_port
):
    import rasa.core.actions.action as rasa_action
    from aiohttp import web
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    peers = []

    async def webhook(request):
        await request.json()  # as an action server does (aiohttp stalls a kept connection otherwise)
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": [{"text": "hello"}]})

    port = aiohttp_unused_port()

    async def start() -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner

    domain = Domain.load(str(BOT_DIR / "domain"))
    action = rasa_action.RemoteAction("action_signpost", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))

    async def call() -> list:
        nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        events = await action.run(CollectingOutputChannel(), nlg, DialogueStateTracker("test", domain.slots), domain)
        return [event.text for event in events]

    runner = await start()
    try:
        assert await call() == ["hello"] and await call() == ["hello"]
        assert peers[0] == peers[1], "the second call opened a new connection"
        await runner.cleanup()  # the action server restarts, closing its connections
        runner = await start()
        assert await call() == ["hello"]
        await asyncio.sleep(safeguards.ACTION_SERVER_KEEPALIVE_SECONDS + 0.5)
        assert await call() == ["hello"]
        assert len(set(peers)) == 3, "a closed or expired connection was used again"
    finally:
        await runner.cleanup()
