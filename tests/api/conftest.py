"""Fixtures: every database test runs against SQLite, and against a real PostgreSQL when
SIGNPOST_TEST_DATABASE_URL points at one (scripts/test.sh starts a throwaway cluster)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.main import create_app
from api.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
ADMIN_KEY = "test-admin-key-" + "x" * 32
POSTGRES_URL = os.environ.get("SIGNPOST_TEST_DATABASE_URL")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> str:
    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}"


def make_client(database_url: str, **overrides) -> TestClient:
    settings = Settings(
        environment="test", database_url=database_url, admin_api_key=ADMIN_KEY, **overrides
    )
    return TestClient(create_app(settings))


@pytest.fixture
def client(fresh_database_url: str) -> Iterator[TestClient]:
    """A freshly migrated and seeded directory, for tests that change it."""
    with make_client(fresh_database_url) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def read_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One seeded directory shared by a module's read-only tests."""
    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'read.db'}"
    with make_client(url) as test_client:
        yield test_client


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"X-API-Key": ADMIN_KEY, "X-Signpost-Actor": "commissioner@warwickshire.example"}
