"""The storefront benchmark settings with the storefront cache off: the list API queries on every request."""

from bench.storefront_settings import *  # noqa: F403

STOREFRONT_CACHE_SECONDS = 0
