"""Browser tests: the Chromium fixtures (`browser_page`) are a plugin of the whole suite, tests/browser/fixtures.py."""

from .fixtures import ARTIFACTS, CHROMIUM  # noqa: F401  (imported by the browser tests)
