"""Billing fixtures: time as explicit datetimes, platform API clients with tokens, a shop on a trial."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from shared_apps.accounts.services import issue_token
from tests.conftest import staff_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI)  # signup moment of the test shops


def api(user=None, token: str | None = None) -> Client:
    """A client on the platform host, signed in with `user`'s (or the given) bearer token."""
    token = token or (issue_token(user=user) if user else None)
    return Client(HTTP_HOST="localhost", **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}))


@pytest.fixture
def owner_api(owner_a) -> Client:
    return api(owner_a)


@pytest.fixture
def trial_a(shop_a, owner_a):
    from billing.services import start_trial

    return start_trial(shop=shop_a, now=T0)


@pytest.fixture
def finance_a(shop_a):
    return staff_of(shop_a, role="finance")


@pytest.fixture
def admin_a(shop_a):
    return staff_of(shop_a, role="admin")
