"""Runs the `rasa` command line with what Rasa 3.6 does not offer.

    cd bot && ../.venv-bot/bin/python run_rasa.py run -i 127.0.0.1 -p 5005 ...

Refusals first: it will not start on a Rasa release other than the one every replaced method
below was read in (WRITTEN_FOR_RASA), nor when the endpoints file names a tracker store class
that cannot be imported (Rasa would fall back to one in memory with only a warning), nor with
debug logs outside development.

Privacy safeguards:
1. No message text in structured logs: Rasa's structlog events pass text, slot values and
   events through an anonymization pipeline when a plugin provides one (Rasa's plugin hook);
   this one replaces them with "[redacted]".
2. No local variables in logged tracebacks (structlog's default renders every frame's locals,
   which can hold message text and slot values).
3. No debug logs outside development: at DEBUG Rasa logs what people write.

Safety: a bound on the wait for the action server. Rasa 3.6 uses a fixed five minutes
(DEFAULT_REQUEST_TIMEOUT; a `timeout` under `action_endpoint` is ignored, RasaHQ/rasa#9789,
#13015). Here it is SIGNPOST_ACTION_TIMEOUT_SECONDS (default 6), so a stuck action server
cannot hold a person for minutes.

Performance changes, each measured in docs/benchmarks.md, each with the same results as
Rasa's own: action results validated with a compiled schema; stored events not re-read for
a no-op anonymization; event types resolved from a table; the graph run in order without
dask; one kept-alive connection to the action server per event loop. Saving trackers
without re-reading them is not here: it is the tracker store class the production endpoints
file names (stores/session_tracker_store.py), Rasa's own extension point.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pluggy

ACTION_TIMEOUT_SECONDS = float(os.environ.get("SIGNPOST_ACTION_TIMEOUT_SECONDS", "6"))
# Every method replaced below was read in this release's source.
WRITTEN_FOR_RASA = "3.6.21"
REDACTED = "[redacted]"

hookimpl = pluggy.HookimplMarker("rasa")


class RedactingPipeline:
    """Stands in for Rasa's anonymization pipeline."""

    def log_run(self, value: Any) -> str:
        return REDACTED

    def run(self, event: Any) -> None:
        """Nothing to do for stored events: the tracker store keeps them only for
        the session, and nothing else receives them."""


class SignpostRasaPlugin:
    def __init__(self) -> None:
        self.pipeline = RedactingPipeline()

    @hookimpl
    def get_anonymization_pipeline(self) -> RedactingPipeline:
        return self.pipeline


def bound_the_action_server_wait() -> None:
    import rasa.core.actions.action as rasa_action

    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_SECONDS


def redact_structured_logs() -> None:
    from rasa.plugin import plugin_manager

    manager = plugin_manager()
    if not any(isinstance(plugin, SignpostRasaPlugin) for plugin in manager.get_plugins()):
        manager.register(SignpostRasaPlugin())


def log_tracebacks_without_locals() -> None:
    """configure_structlog() reads these two names when `rasa` starts, after this:
    the JSON renderer's tracebacks, and the renderer used in a terminal."""
    import rasa.utils.log_utils as rasa_log_utils
    import structlog
    from structlog.processors import ExceptionRenderer
    from structlog.tracebacks import ExceptionDictTransformer

    structlog.processors.dict_tracebacks = ExceptionRenderer(
        ExceptionDictTransformer(show_locals=False)
    )
    console_renderer = rasa_log_utils.HumanConsoleRenderer
    if getattr(console_renderer, "plain_tracebacks", False):
        return

    class ConsoleRendererWithPlainTracebacks(console_renderer):  # type: ignore[misc, valid-type]
        plain_tracebacks = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("exception_formatter", structlog.dev.plain_traceback)
            super().__init__(*args, **kwargs)

    rasa_log_utils.HumanConsoleRenderer = ConsoleRendererWithPlainTracebacks


def validate_action_results_with_a_compiled_schema() -> None:
    """Rasa checks every action server response with `jsonschema.validate`, which first
    re-checks the (fixed) schema against its metaschema: measured at about half of
    Rasa's CPU time under load (docs/benchmarks.md). Compile it once; validate the same."""
    import rasa.core.actions.action as rasa_action
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for

    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: Any) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += ". Failed to validate the action server's response."
            raise
        return True

    rasa_action.RemoteAction._validate_action_result = _validate_action_result


DEBUG_FLAGS = ("-vv", "--debug")


def refuse_debug_logs_outside_development(argv: list[str]) -> None:
    """At DEBUG, Rasa logs what people write: "processor.message.parse" carries the
    message text and its entities (rasa/core/processor.py), and trackers log slot values.
    INFO is the most production allows (docs/privacy.md); DEBUG only when
    SIGNPOST_ENVIRONMENT says development or test."""
    environment = os.environ.get("SIGNPOST_ENVIRONMENT", "production")
    debug = os.environ.get("LOG_LEVEL", "").upper() == "DEBUG" or any(flag in argv for flag in DEBUG_FLAGS)
    if debug and environment not in ("development", "test"):
        raise SystemExit(
            "Refusing to start Rasa at DEBUG: it would log message text. Use INFO (the default), "
            "or set SIGNPOST_ENVIRONMENT=development on a machine that serves nobody."
        )


def skip_the_no_op_anonymization_of_stored_events() -> None:
    """With an anonymization pipeline registered (ours, for the logs), Rasa re-reads the
    tracker from the store after every message, diffs it and hands each new event to the
    pipeline's `run`, which for ours does nothing: about a fifth of Rasa's CPU per message
    under load (docs/benchmarks.md). Skip that work when the pipeline is ours."""
    from rasa.core.processor import MessageProcessor
    from rasa.plugin import plugin_manager

    original = MessageProcessor.run_anonymization_pipeline
    if getattr(original, "signpost_patched", False):
        return

    async def run_anonymization_pipeline(self: Any, tracker: Any) -> None:
        if isinstance(plugin_manager().hook.get_anonymization_pipeline(), RedactingPipeline):
            return None
        return await original(self, tracker)

    run_anonymization_pipeline.signpost_patched = True  # type: ignore[attr-defined]
    MessageProcessor.run_anonymization_pipeline = run_anonymization_pipeline


def resolve_event_types_from_a_table() -> None:
    """Rasa finds each stored event's class by walking every subclass of Event, for every
    event of every tracker it reads (rasa.shared.utils.common.all_subclasses): about a
    quarter of Rasa's CPU per message with Redis as the tracker store. The same first
    match, from a table built once (and extended if an unknown name turns up)."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = Event.resolve_by_type
    if getattr(original, "signpost_patched", False):
        return
    table: dict = {}

    def resolve_by_type(type_name: Any, default: Any = None) -> Any:
        found = table.get(type_name)
        if found is None:
            for cls in all_subclasses(Event):
                table.setdefault(cls.type_name, cls)
            found = table.get(type_name)
        return found if found is not None else original(type_name, default)

    resolve_by_type.signpost_patched = True  # type: ignore[attr-defined]
    Event.resolve_by_type = staticmethod(resolve_by_type)


def run_graphs_in_order_without_dask() -> None:
    """Rasa runs its graph (the NLU pipeline for each message, the policies for each
    action) through dask's scheduler: ordering, queueing and bookkeeping that cost more
    than a fifth of the graph's own work for our small graphs (docs/benchmarks.md). The
    same graph, evaluated depth first in this process: each node once, after the nodes it
    needs, with the same results and the same exceptions."""
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    original = DaskGraphRunner.run
    if getattr(original, "signpost_patched", False):
        return

    def run(self: Any, inputs: Any = None, targets: Any = None) -> dict:
        run_targets = targets if targets else self._graph_schema.target_names
        graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
        if inputs:
            self._add_inputs_to_graph(inputs, graph)
        done: dict = {}

        def value(key: str) -> Any:
            if key not in done:
                task = graph[key]
                if callable(task[0]):  # a node and the names of the nodes it needs
                    done[key] = task[0](*(value(a) if isinstance(a, str) and a in graph else a for a in task[1:]))
                else:  # an input: (name, value), passed on as it is
                    done[key] = task
            return done[key]

        try:
            return dict(value(target) for target in run_targets)
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    run.signpost_patched = True  # type: ignore[attr-defined]
    run.original = original  # type: ignore[attr-defined]
    DaskGraphRunner.run = run


# Below the action server's own keep-alive (Sanic's KEEP_ALIVE_TIMEOUT, 5 s), so Rasa never
# reuses a connection the action server is closing at that moment.
ACTION_SERVER_KEEPALIVE_SECONDS = 2.0


def keep_connections_to_the_action_server() -> None:
    """Rasa opens a new aiohttp session, and so a new TCP connection, for every call to
    the action server, and closes it after: several per message, a twentieth of Rasa's CPU
    under load. One session per event loop here, keeping idle connections for
    ACTION_SERVER_KEEPALIVE_SECONDS. Requests, timeouts and errors are Rasa's own."""
    import asyncio

    import aiohttp
    import rasa.utils.endpoints as rasa_endpoints
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.request
    if getattr(original, "signpost_patched", False):
        return
    sessions: dict = {}

    def shared_session() -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = sessions.get(loop)
        if session is None or session.closed:
            for stale in [known for known in sessions if known.is_closed()]:
                del sessions[stale]
            session = sessions[loop] = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(keepalive_timeout=ACTION_SERVER_KEEPALIVE_SECONDS),
                timeout=aiohttp.ClientTimeout(total=rasa_endpoints.DEFAULT_REQUEST_TIMEOUT),
            )
        return session

    async def request(
        self: Any,
        method: str = "post",
        subpath: Any = None,
        content_type: Any = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        if self.cafile or self.basic_auth:  # not how Signpost's endpoints are set: Rasa's way
            return await original(self, method, subpath, content_type, compress, **kwargs)
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        async with shared_session().request(
            method,
            rasa_endpoints.concat_url(self.url, subpath),
            headers=headers,
            params=self.combine_parameters(kwargs),
            compress=compress,
            **kwargs,
        ) as response:
            if response.status >= 400:
                raise rasa_endpoints.ClientResponseError(
                    response.status, response.reason, await response.content.read()
                )
            try:
                return await response.json()
            except aiohttp.ContentTypeError:
                return None

    request.signpost_patched = True  # type: ignore[attr-defined]
    EndpointConfig.request = request


def refuse_another_rasa() -> None:
    """The changes below replace Rasa methods written for one release; on another they could
    silently do the wrong thing, so refuse to start instead."""
    import rasa

    if rasa.__version__ != WRITTEN_FOR_RASA:
        raise SystemExit(f"run_rasa.py was written for Rasa {WRITTEN_FOR_RASA}, not {rasa.__version__}: "
                         "check each replaced method against the new release, then update WRITTEN_FOR_RASA")


def refuse_a_tracker_store_rasa_cannot_load(argv: list[str]) -> None:
    """Rasa falls back to an in-memory tracker store, with only a warning, when the class an
    endpoints file names cannot be imported: replicas would each keep their own
    conversations. Import it first, and refuse to start if that fails."""
    import importlib

    import yaml

    if "--endpoints" not in argv or argv.index("--endpoints") + 1 >= len(argv):
        return
    with open(argv[argv.index("--endpoints") + 1], encoding="utf-8") as handle:
        kind = ((yaml.safe_load(handle) or {}).get("tracker_store") or {}).get("type", "")
    if "." in kind:
        module, _, name = kind.rpartition(".")
        try:
            getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as error:
            raise SystemExit(f"the tracker store {kind!r} cannot be loaded: {error}") from error


def install_safeguards() -> None:
    # Telemetry would send usage events to Rasa's servers: always off, whatever is set.
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    refuse_another_rasa()
    bound_the_action_server_wait()
    validate_action_results_with_a_compiled_schema()
    skip_the_no_op_anonymization_of_stored_events()
    resolve_event_types_from_a_table()
    run_graphs_in_order_without_dask()
    keep_connections_to_the_action_server()
    redact_structured_logs()
    log_tracebacks_without_locals()


def main() -> None:
    refuse_debug_logs_outside_development(sys.argv[1:])
    install_safeguards()
    refuse_a_tracker_store_rasa_cannot_load(sys.argv[1:])
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    sys.exit(main())
