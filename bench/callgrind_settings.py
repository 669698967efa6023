"""bench.storefront_settings for bench/analytics_callgrind.py, with the per-process caches that are refreshed
every second or two of wall-clock time kept for an hour: under valgrind a request takes ~50x longer, so those
refreshes (a query, a Redis read) would weigh ~50x more per request than in production, and differently in two
servers running at different speeds."""

from bench.storefront_settings import *  # noqa: F403

STOREFRONT_PAGE_VERSION_TTL = 3600.0
SHOP_HOST_LOCAL_TTL = 3600.0
