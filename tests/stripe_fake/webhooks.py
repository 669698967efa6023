"""Stripe webhook events for tests: Stripe's event shape, signed with Stripe's real scheme.

Stripe-Signature is `t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; that is exactly what
`stripe.Webhook.construct_event` recomputes, so a payload signed here verifies with the official SDK.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time

from . import spec

_event_ids = itertools.count(1)


def sign(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header value for this raw body."""
    body = payload.decode() if isinstance(payload, bytes) else payload
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def build_event(
    event_type: str,
    obj: dict,
    *,
    event_id: str | None = None,
    created: int | None = None,
    account: str | None = None,
    previous_attributes: dict | None = None,
    api_version: str | None = None,
) -> dict:
    """A Stripe Event wrapping `obj` (e.g. an invoice the fake server returned); validated against the spec."""
    import stripe

    event = spec.fixture("event")
    event.update(
        id=event_id or f"evt_fake{next(_event_ids):010d}",
        created=int(time.time()) if created is None else created,
        type=event_type,
        livemode=False,
        pending_webhooks=1,
        api_version=api_version or stripe.api_version,
        request={"id": None, "idempotency_key": None},
        data={"object": obj, **({"previous_attributes": previous_attributes} if previous_attributes else {})},
    )
    if account:
        event["account"] = account
    problems = spec.object_errors("event", event)
    if problems:
        raise AssertionError(f"event outside Stripe's schema: {problems}")
    return event


def signed(event: dict, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """(raw body, Stripe-Signature header) ready to POST to a webhook endpoint."""
    body = json.dumps(event).encode()
    return body, sign(body, secret, timestamp)
