"""A loopback fake of Stripe's API for tests (see README.md in this folder)."""

from .server import FakeStripe, RecordedRequest
from .webhooks import build_event, sign, signed

__all__ = ["FakeStripe", "RecordedRequest", "build_event", "sign", "signed"]
