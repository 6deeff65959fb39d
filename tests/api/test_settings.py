"""Production refuses default or weak secrets and the embedded database."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import DEVELOPMENT_ADMIN_KEY, Settings

POSTGRES = "postgresql+psycopg://signpost@db/signpost"


def test_production_refuses_the_default_key():
    with pytest.raises(ValidationError, match="ADMIN_API_KEY"):
        Settings(environment="production", database_url=POSTGRES)


def test_production_refuses_a_short_key():
    with pytest.raises(ValidationError, match="ADMIN_API_KEY"):
        Settings(environment="production", database_url=POSTGRES, admin_api_key="short")


def test_production_refuses_sqlite():
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings(environment="production", admin_api_key="k" * 40)


def test_production_accepts_real_settings(monkeypatch):
    monkeypatch.setenv("SIGNPOST_ENVIRONMENT", "production")
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", POSTGRES)
    monkeypatch.setenv("SIGNPOST_ADMIN_API_KEY", "k" * 40)
    settings = Settings()
    assert settings.admin_api_key.get_secret_value() == "k" * 40
    assert "k" * 40 not in repr(settings)


def test_development_works_out_of_the_box():
    assert Settings().admin_api_key.get_secret_value() == DEVELOPMENT_ADMIN_KEY
