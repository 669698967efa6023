"""The Stripe client for payouts: the platform key, the pinned API version (as orders' payments use)."""

from functools import cache

import stripe
from django.conf import settings


@cache
def _client(api_key: str, api_base: str, version: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        stripe_version=version,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=2,  # retries reuse the idempotency key: still one transfer
    )


def client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_API_VERSION)


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)
