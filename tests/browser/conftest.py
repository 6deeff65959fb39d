"""Browser tests: a real uvicorn server on loopback and Debian's Chromium driven by Playwright
(Playwright's own browser download cannot work here, so it is pointed at /usr/bin/chromium)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.widget_harness.server import HarnessServer, start_in_thread
from tests.stack.harness import free_port

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CHROMIUM = os.environ.get("SIGNPOST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
              "resultTypes": ["violations"]}


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def running_api(database_url: str, **settings: str) -> Iterator[str]:
    """A real uvicorn serving the API on a free loopback port, with SIGNPOST_* overrides."""
    port = free_port()
    env = {**os.environ, "SIGNPOST_DATABASE_URL": database_url, "SIGNPOST_ENVIRONMENT": "test",
           "SIGNPOST_LOG_LEVEL": "WARNING", **settings}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        cwd=REPO, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("browser-db") / "signpost.db"
    with running_api(f"sqlite:///{database}") as base:
        yield base


@pytest.fixture(scope="session")
def harness() -> Iterator[HarnessServer]:
    """The widget against a scripted gateway (tests/browser/widget_harness/), one per run."""
    server = start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def base(harness: HarnessServer) -> str:
    harness.gateway.reset()
    return f"http://127.0.0.1:{harness.port}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_22_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshots" / name), full_page=full_page)
