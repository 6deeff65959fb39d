from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import browser, page, phone  # noqa: F401  (shared browser fixtures)
from tests.stack.harness import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(workdir=tmp_path_factory.mktemp("stack"))
    try:
        yield running.start()
    finally:
        running.stop_all()
