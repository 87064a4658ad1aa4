"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil

import pytest

from tests.browser.helpers import AXE, AXE_PATH, LOCALES, Words, give_session

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is not at {CHROMIUM}: apt-get install chromium")
        pytest.skip(f"Chromium is not at {CHROMIUM} (apt-get install chromium; CI installs it)")
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API is open, its event loop counts as running in this thread, so
    # Django refuses the ORM calls tests make between page actions (ordinary synchronous code).
    # Allowed for the browser tests only: the flag goes when Playwright stops.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def language() -> str:
    """The language the browser asks for: English, unless the test runs in both (helpers.in_both_languages)."""
    return "en"


@pytest.fixture
def words(language) -> Words:
    """The interface's messages in the page's language: words("Save"), words.js("…")."""
    return Words(language)


@pytest.fixture
def page(browser, live_server, language):
    context = browser.new_context(
        base_url=live_server.url, locale=LOCALES[language], viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)  # actions; expect() has its own, 5 s unless told
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """The page, logged in as ``user``."""

    def log_in_as(user):
        give_session(page.context, user, live_server.url)
        return page

    return log_in_as


@pytest.fixture
def audited(page):
    """The page, able to run axe (helpers.audit)."""
    page.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    return page
