"""bench.storefront_settings with the whole-page cache off: every product page is rendered (fragments cached)."""

from bench.storefront_settings import *  # noqa: F403

STOREFRONT_PAGE_CACHE_SECONDS = 0
