"""Headless Debian Chromium driven by Playwright against the live test server."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def image_loads(page: Page, selector: str) -> bool:
    """Whether the first image matching selector arrives once scrolled to, as a reader would
    (pages load their photos lazily, so one below the fold is not fetched before that)."""
    image = page.locator(selector).first
    image.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle(), timeout=10_000)
    return bool(image.evaluate(loaded))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _offline_map(settings: object) -> None:
    settings.MAP_TILE_URL = ""  # type: ignore[attr-defined]  # no network here, as in a hall


class Screens:
    """Opens pages as separate people and keeps a screenshot of each step."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.browser = browser
        self.base = base
        ARTIFACTS.mkdir(exist_ok=True)

    def person(self, width: int = 1200, height: int = 900) -> Page:
        context = self.browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def sign_in(self, page: Page, username: str, password: str = "pw-for-tests-only") -> None:
        page.goto(self.base + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form.narrow button[type=submit]")
        page.wait_for_url(self.base + "/")

    def shot(self, page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.wait_for_load_state("load")
        for _ in range(2):
            try:
                page.screenshot(path=str(path), full_page=True)
                return path
            except PlaywrightError as error:
                # Chromium's compositor now and then refuses a full-page copy on a busy machine.
                if "Unable to capture screenshot" not in error.message:
                    raise
                page.wait_for_timeout(250)
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screens(browser: Browser, live_server: object) -> Screens:
    return Screens(browser, str(live_server))
