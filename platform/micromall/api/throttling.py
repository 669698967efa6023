"""DRF throttles that read their rates when asked, so settings (and tests) can change them at runtime.

DRF copies DEFAULT_THROTTLE_RATES into a class attribute at import time; these look it up per request.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRates:
    def get_rate(self):
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return super().get_rate()


class AnonRateThrottle(_LiveRates, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRates, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_LiveRates, throttling.ScopedRateThrottle):
    """Per-view scope (`throttle_scope = "signup"`), keyed by user or client IP."""
