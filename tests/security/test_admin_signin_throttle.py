"""Item 4: back-office sign-in (/admin/login/ on shop hosts and the platform host) is throttled per client and
per account, on the same per-client budget as /login and the token API."""

import pytest
from django.test import Client

from ..conftest import staff_of
from ..factories import PASSWORD, UserFactory

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def strict_rates(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signin": "3/min", "signin_account": "5/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def browser(host: str, address: str = "198.51.100.7", **extra) -> Client:
    return Client(HTTP_HOST=host, REMOTE_ADDR=address, **extra)


def attempt(client: Client, email: str, password: str = "wrong-password") -> int:
    return client.post(LOGIN, {"username": email, "password": password}).status_code


def test_a_client_gets_three_tries_then_429_even_with_the_right_password(shop_a):
    owner = staff_of(shop_a)
    client = browser("alpha.localhost")

    codes = [attempt(client, owner.email) for _ in range(3)]
    refused = client.post(LOGIN, {"username": owner.email, "password": PASSWORD})

    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 61
    assert client.get("/admin/").status_code == 302  # not signed in


def test_the_right_password_within_the_budget_signs_in(shop_a):
    owner = staff_of(shop_a)
    client = browser("alpha.localhost")

    assert attempt(client, owner.email) == 200
    assert attempt(client, owner.email, PASSWORD) == 302
    assert client.get("/admin/").status_code == 200


def test_many_addresses_guessing_one_account_are_stopped_per_account(shop_a):
    owner, other = staff_of(shop_a), staff_of(shop_a)
    spellings = [owner.email, owner.email.upper(), f" {owner.email} ", owner.email, owner.email]

    codes = [attempt(browser("alpha.localhost", f"203.0.113.{n}"), email) for n, email in enumerate(spellings)]
    sixth = attempt(browser("alpha.localhost", "203.0.113.99"), owner.email, PASSWORD)

    assert codes == [200] * 5
    assert sixth == 429
    # another account from a fresh address is not affected
    assert attempt(browser("alpha.localhost", "203.0.113.100"), other.email, PASSWORD) == 302


def test_the_platform_host_admin_is_throttled_too(db):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = browser("localhost")

    codes = [attempt(client, operator.email) for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_the_budget_is_shared_with_the_merchant_sign_in_page(db):
    user = UserFactory()
    client = browser("localhost")
    for _ in range(3):
        assert client.post("/login", {"email": user.email, "password": "wrong-password"}).status_code == 400

    assert attempt(client, user.email, PASSWORD) == 429


def test_the_refusal_is_translated(shop_a):
    owner = staff_of(shop_a)
    chinese, english = browser("alpha.localhost"), browser("alpha.localhost", "198.51.100.8", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(3):
        attempt(chinese, owner.email), attempt(english, "someone@example.com")

    zh = chinese.post(LOGIN, {"username": owner.email, "password": "x"}).content.decode()
    en = english.post(LOGIN, {"username": "someone@example.com", "password": "x"}).content.decode()

    assert "登录尝试过于频繁" in zh and "秒后再试" in zh
    assert "Too many sign-in attempts" in en and "seconds." in en
