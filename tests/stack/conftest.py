from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import browser, page, phone, playwright  # noqa: F401  (shared browser fixtures)
from tests.stack.harness import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # Rasa keeps conversations in a real Redis here, so tests can see them go.
    running = Stack(workdir=tmp_path_factory.mktemp("stack"), use_redis=True)
    try:
        yield running.start()
    finally:
        running.stop_all()
