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
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

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
def running_api(database_url: str, port: int | None = None, **settings: str) -> Iterator[str]:
    """A real uvicorn serving the API on a (free) loopback port, with SIGNPOST_* overrides."""
    port = port or free_port()
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


@pytest.fixture(scope="module")
def insights_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The insights page's API on its own database of sample counts (test_insights_browser.py)."""
    from tests.browser.test_insights_browser import KEY, seed_sample_counts

    database_url = f"sqlite:///{tmp_path_factory.mktemp('insights-db') / 'signpost.db'}"
    seed_sample_counts(database_url)
    with running_api(database_url, SIGNPOST_ADMIN_API_KEY=KEY) as base:
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
def playwright() -> Iterator[Playwright]:
    """One Playwright for the run: a second sync instance cannot start beside the first."""
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
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


# ---- large text under more than one font set ----
# Layout depends on the fonts a machine has (Arial falls back to whatever fontconfig finds), so
# the large-text tests run once per font set that scripts/setup.sh installs, each Chromium given
# a fontconfig of its own that holds only that set, and assert which font was really used.
FONT_SETS = {
    "dejavu": ("DejaVu Sans", ["/usr/share/fonts/truetype/dejavu"]),
    "liberation": ("Liberation Sans", ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"]),
}
TEXT_SIZES = {"200%": 32, "400%": 64}  # the browser's default text size (16px), doubled and quadrupled
VIEWPORTS = [(320, 256), (320, 568), (568, 320), (640, 450), (1280, 900)]


def fontconfig_for(family: str, directories: list[str], folder: Path) -> Path:
    dirs = "".join(f"<dir>{d}</dir>" for d in directories if Path(d).is_dir())
    aliases = "".join(
        f'<alias binding="same"><family>{generic}</family><prefer><family>{family}</family></prefer></alias>'
        for generic in ("Arial", "Helvetica", "Helvetica Neue", "sans-serif", "serif", "system-ui"))
    config = folder / "fonts.conf"
    config.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                      f'{dirs}<cachedir>{folder / "cache"}</cachedir>{aliases}</fontconfig>')
    return config


@pytest.fixture(scope="session", params=sorted(FONT_SETS))
def font_browser(request: pytest.FixtureRequest, playwright: Playwright,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Browser]]:
    family, directories = FONT_SETS[request.param]
    assert any(Path(d).is_dir() for d in directories), f"{family} is not installed (scripts/setup.sh installs it)"
    config = fontconfig_for(family, directories, tmp_path_factory.mktemp(f"fonts-{request.param}"))
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                         env={**os.environ, "FONTCONFIG_FILE": str(config)})
    yield family, browser
    browser.close()


@contextmanager
def large_text_page(browser: Browser, viewport: tuple[int, int], text_px: int) -> Iterator[Page]:
    """A page whose browser text size is `text_px` (as a person's text-size setting sets it)."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": text_px, "fixed": round(text_px * 13 / 16)}})
    try:
        yield page
    finally:
        context.close()


def used_font(page: Page, selector: str) -> str:
    """The font Chromium really drew `selector`'s text with (through shadow roots)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    if not node:  # inside the widget's shadow root
        host = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "signpost-widget"})["nodeId"]
        shadow = cdp.send("DOM.describeNode", {"nodeId": host, "depth": 1, "pierce": True})["node"]["shadowRoots"][0]
        pushed = cdp.send("DOM.pushNodesByBackendIdsToFrontend", {"backendNodeIds": [shadow["backendNodeId"]]})
        node = cdp.send("DOM.querySelector", {"nodeId": pushed["nodeIds"][0], "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return max(fonts, key=lambda f: f["glyphCount"])["familyName"]
