"""pytest fixtures (loaded from tests/conftest.py): one fake Stripe per session (= per xdist worker), reset per test."""

import pytest
import stripe

from .server import FakeStripe

FAKE_SECRET_KEY = "sk_test_fake_micromall"


@pytest.fixture(scope="session")
def stripe_server():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_fake(stripe_server, settings, monkeypatch):
    """The fake, emptied, with settings and the SDK's module globals pointed at it.

    Settings: STRIPE_SECRET_KEY and STRIPE_API_BASE (code builds `StripeClient(key, base_addresses={"api": ...})`).
    Fails the test if our code sent parameters Stripe's schema refuses or the fake answered outside the schema;
    a test that sends bad parameters on purpose clears `stripe_fake.spec_violations`."""
    stripe_server.reset()
    settings.STRIPE_SECRET_KEY = FAKE_SECRET_KEY
    settings.STRIPE_API_BASE = stripe_server.url
    monkeypatch.setattr(stripe, "api_key", FAKE_SECRET_KEY)
    monkeypatch.setattr(stripe, "api_base", stripe_server.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    yield stripe_server
    assert not stripe_server.spec_violations, f"requests Stripe would refuse: {stripe_server.spec_violations}"
    assert not stripe_server.fixture_errors, f"fake answered outside Stripe's schema: {stripe_server.fixture_errors}"
