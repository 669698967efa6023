"""bench.settings for the storefront benchmark: the product's settings, throttles ON as in production.

Shoppers reach production through a reverse proxy (nginx, NUM_PROXIES=1) from many addresses; the load
generator plays that part by sending a rotating X-Forwarded-For, so every request pays the real throttle
round trip without one loopback address exhausting a per-client limit.
"""

from bench.settings import *  # noqa: F403
from bench.settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": 1}
