"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against pytest-django's live server.

A plugin of the whole suite (tests/conftest.py), so tests outside tests/browser (the signup form) share the same
browser: Chromium starts once per test process (an xdist worker), each test gets a fresh context (its own
cookies, storage and cache) and page, closed after the test.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per test process, started by the first browser test."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM is only used outside its calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium):
    """A phone-sized page in a fresh browser context (nothing carries over from another test)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()
