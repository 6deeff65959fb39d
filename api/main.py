"""The ASGI application: `uvicorn api.main:app`.

On start-up it migrates the database to the newest schema, loads the seed directory if
the database is empty (so a fresh machine needs no set-up), and warms the postcode index.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import redis
import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from directory import geography
from directory.db import make_engine, make_sessionmaker
from directory.loader import directory_is_empty, load_seed, load_taxonomy, read_taxonomy
from directory.migrate import one_process_at_a_time, upgrade_to_head
from directory.snapshot import PublishedServices

from api import errors, i18n
from api.auth import FailureGuard
from api.oidc import OrganisationSignIn
from api.logging_setup import configure_logging
from api import middleware
from api.pages import STATIC_DIR
from api.chat.rasa import AssistantClient
from api.chat.ratelimit import ChatRateLimits
from api.chat.sessions import MemorySessionStore, RedisSessionStore
from api.routers import accounts, admin, areas, chat, confidential, meta, service_at_locations, services, signpost, staff
from api.routers import accounts_page, oidc, taxonomies, widget
from api.routers import insights, metrics as metrics_router
from api.insights.gateway import install as install_insights
from api.settings import Settings, get_settings

log = structlog.get_logger("signpost.api")


def _ensure_sqlite_directory(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def prepare_database(settings: Settings):
    _ensure_sqlite_directory(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    with one_process_at_a_time(engine):
        upgrade_to_head(engine)
        with sessions.begin() as session:
            # The vocabulary is part of the product, so it is refreshed on every start;
            # services are only seeded into an empty directory.
            load_taxonomy(session, read_taxonomy())
            if settings.load_seed_on_empty and directory_is_empty(session):
                added = load_seed(session)
                log.info("seed_loaded", services=added)
    return engine, sessions


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    i18n.configure(raise_on_missing=settings.environment == "test")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine, sessions = await run_in_threadpool(prepare_database, settings)
        app.state.engine, app.state.sessionmaker = engine, sessions
        app.state.assistant = AssistantClient(
            settings.assistant_urls, settings.channel_token.get_secret_value(), settings.chat_timeout_seconds,
            rest_seconds=settings.rasa_rest_seconds,
        )
        await run_in_threadpool(geography.warm_up)
        insight_sweep = install_insights(app, settings, sessions, getattr(app.state.chat_sessions, "redis", None))
        log.info("started", environment=settings.environment)
        yield
        insight_sweep.cancel()
        await app.state.assistant.close()
        engine.dispose()

    app = FastAPI(
        title="Signpost directory API",
        version="0.1.0",
        summary="Open Referral UK 3.0 directory of VAWG support services, with signposting.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses=errors.COMMON_RESPONSES,
    )
    app.state.settings = settings
    app.state.published = PublishedServices()
    secret = settings.session_secret.get_secret_value().encode()
    app.state.session_secret = secret
    if settings.redis_url:
        # Short socket timeouts: a stalled Redis must cost a turn a second, not hang it.
        client = redis.Redis.from_url(settings.redis_url, socket_timeout=1, socket_connect_timeout=1)
        app.state.chat_sessions = RedisSessionStore(client, settings.chat_session_ttl_seconds)
    else:
        app.state.chat_sessions = MemorySessionStore(settings.chat_session_ttl_seconds)
    app.state.rate_limits = ChatRateLimits(
        settings.chat_rate_limit_session, settings.chat_rate_limit_client, secret, settings.redis_url
    )
    app.state.auth_guard = FailureGuard(settings, secret)
    app.state.organisation_sign_in = OrganisationSignIn(settings, secret) if settings.oidc_issuer else None
    errors.install(app)
    for module in (meta, services, service_at_locations, taxonomies, areas, signpost, admin, confidential, staff,
                   chat, widget, insights, metrics_router, accounts, accounts_page, oidc):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    middleware.install(
        app,
        max_body_bytes=settings.max_body_bytes,
        max_import_bytes=settings.max_import_bytes,
        max_query_string_bytes=settings.max_query_string_bytes,
        # Behind a TLS-terminating proxy the scheme we see is http: accept our public origin too.
        chat_origins=[*settings.partner_origins, settings.public_base_url],
    )
    app.add_middleware(middleware.HeadAsGet)
    return app


app = create_app()
