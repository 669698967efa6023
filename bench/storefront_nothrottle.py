"""bench.storefront_settings with the DRF throttles off: what the throttle round trip costs the list API."""

from bench.storefront_settings import *  # noqa: F403
from bench.storefront_settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
