"""Production refuses default or weak secrets and the embedded database."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import DEVELOPMENT_ADMIN_KEY, Settings

POSTGRES = "postgresql+psycopg://signpost@db/signpost"
STRONG = {"admin_api_key": "a" * 40, "channel_token": "c" * 40, "session_secret": "s" * 40}


@pytest.mark.parametrize("name", ["channel_token", "session_secret"])
def test_production_refuses_each_default_secret(name):
    values = {**STRONG}
    del values[name]
    with pytest.raises(ValidationError, match=name.upper()):
        Settings(environment="production", database_url=POSTGRES, **values)


@pytest.mark.parametrize("name", ["channel_token", "session_secret"])
def test_production_refuses_each_short_secret(name):
    with pytest.raises(ValidationError, match=name.upper()):
        Settings(environment="production", database_url=POSTGRES, **{**STRONG, name: "short"})


def test_production_refuses_sqlite():
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings(environment="production", **STRONG)


def test_production_accepts_real_settings(monkeypatch):
    monkeypatch.setenv("SIGNPOST_ENVIRONMENT", "production")
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", POSTGRES)
    for name, value in STRONG.items():
        monkeypatch.setenv(f"SIGNPOST_{name.upper()}", value)
    monkeypatch.setenv("SIGNPOST_PARTNER_ORIGINS", '["https://partner.example"]')
    settings = Settings()
    assert settings.admin_api_key.get_secret_value() == "a" * 40
    assert settings.partner_origins == ["https://partner.example"]
    assert "a" * 40 not in repr(settings)


def test_production_no_longer_needs_the_shared_key():
    """Named accounts and tokens replaced it; production never accepts it (tests/api/test_accounts.py)."""
    values = {name: value for name, value in STRONG.items() if name != "admin_api_key"}
    assert Settings(environment="production", database_url=POSTGRES, **values).environment == "production"


def test_a_lockout_limit_must_parse():
    with pytest.raises(ValidationError, match="AUTH_FAILURES_PER_ACCOUNT"):
        Settings(auth_failures_per_account="five a fortnight")


def test_development_works_out_of_the_box():
    assert Settings().admin_api_key.get_secret_value() == DEVELOPMENT_ADMIN_KEY


@pytest.mark.parametrize("processes", [{"api_replicas": 2}, {"web_concurrency": 4}])
def test_production_refuses_several_api_processes_without_redis(processes):
    with pytest.raises(ValidationError, match="SIGNPOST_REDIS_URL"):
        Settings(environment="production", database_url=POSTGRES, **STRONG, **processes)


def test_production_counts_uvicorn_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(ValidationError, match="WEB_CONCURRENCY=2"):
        Settings(environment="production", database_url=POSTGRES, **STRONG)
    monkeypatch.setenv("SIGNPOST_REDIS_URL", "redis://redis:6379/2")
    assert Settings(environment="production", database_url=POSTGRES, **STRONG).api_processes == 2


def test_several_api_processes_with_redis_or_one_without_are_accepted():
    shared = Settings(environment="production", database_url=POSTGRES, **STRONG, api_replicas=2,
                      redis_url="redis://redis:6379/2")
    alone = Settings(environment="production", database_url=POSTGRES, **STRONG)
    assert (shared.api_processes, alone.api_processes, alone.redis_url) == (2, 1, None)


def test_development_may_run_several_processes_without_redis():
    assert Settings(api_replicas=3).api_processes == 3
