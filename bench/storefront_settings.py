"""bench.settings for the storefront benchmark: DRF throttles off.

DRF's SimpleRateThrottle keeps every request's timestamp per client in one cache entry; with all load
from one loopback address that list grows to requests/s x 60 entries and is unpickled on every request,
which measures the load generator, not the storefront. Real shoppers come from many addresses.
"""

from bench.settings import *  # noqa: F403
from bench.settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
