"""Shared fixtures for the action server, safety net and i18n tests (bot env).

Actions run with rasa_sdk's Tracker and CollectingDispatcher; the directory API
is an httpx.MockTransport (helpers.FakeDirectory); the bundled national helplines
are a small sample (fixtures/national_helplines.json, numbers from
shared/reference/helplines.md).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_DIR = REPO_ROOT / "bot"
for path in (REPO_ROOT, BOT_DIR):  # actions.*, and components.* as Rasa imports them
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

from actions import api_client, i18n, national_helplines  # noqa: E402
from actions.settings import SETTINGS  # noqa: E402
from tests.bot.helpers import FIXTURES, FakeDirectory  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def strict_i18n():
    """A missing key or placeholder is an error in every test."""
    i18n.configure(raise_on_missing=True)
    yield
    i18n.configure(raise_on_missing=False)


@pytest.fixture(autouse=True)
def sample_national_helplines():
    national_helplines.use_file(FIXTURES / "national_helplines.json")
    yield
    national_helplines.use_file(SETTINGS.national_helplines_file)


@pytest.fixture(scope="session")
def domain() -> dict:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(BOT_DIR / "domain")).as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def directory_api():
    """Install a fake directory: `directory_api(handler)` returns the FakeDirectory."""
    previous = api_client.directory()

    def install(handler: Callable[[httpx.Request], httpx.Response]) -> FakeDirectory:
        fake = FakeDirectory(handler)
        api_client.use_directory(fake.client)
        return fake

    yield install
    api_client.use_directory(previous)
