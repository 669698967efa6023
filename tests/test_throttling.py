"""Rate limits (micromall.api.throttling): exact limits, refill, separation per client/user, Redis down, size."""

import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django_redis import get_redis_connection
from django_tenants.utils import tenant_context

from micromall.api import throttling
from shared_apps.accounts.services import issue_token
from tenant_apps.members.services import issue_member_token, register_member

from .conftest import host_client, staff_of

PRODUCTS = "/api/v1/store/products"
T0 = 1_900_000_000.0  # a fixed instant; tests move the clock by hand instead of sleeping


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, frozen at T0; `clock.advance(seconds)` steps it."""

    class Clock:
        now = T0

        def __call__(self) -> float:
            return self.now

        def advance(self, seconds: float) -> None:
            self.now += seconds

    frozen = Clock()
    monkeypatch.setattr(throttling, "clock", frozen)
    return frozen


def set_rates(settings, **rates: str) -> None:
    base = django_settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {**base, "DEFAULT_THROTTLE_RATES": {**base["DEFAULT_THROTTLE_RATES"], **rates}}


def codes(client: Client, count: int, path: str = PRODUCTS, **extra) -> list[int]:
    return [client.get(path, **extra).status_code for _ in range(count)]


def test_store_reads_allow_exactly_the_rate_then_429_with_retry_after(client_a, settings, clock):
    set_rates(settings, store_read="5/min")

    assert codes(client_a, 5) == [200] * 5
    refused = client_a.get(PRODUCTS)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "12"  # 5/min refills one request every 12 s
    assert refused.json() == {"detail": refused.json()["detail"]} and refused.json()["detail"]


def test_a_refused_request_does_not_count_and_the_bucket_refills_with_time(client_a, settings, clock):
    set_rates(settings, store_read="5/min")
    assert codes(client_a, 5) == [200] * 5

    clock.advance(11.5)
    assert codes(client_a, 3) == [429, 429, 429]
    assert client_a.get(PRODUCTS)["Retry-After"] == "1"
    clock.advance(0.5)  # 12 s after the burst: one more
    assert codes(client_a, 2) == [200, 429]
    clock.advance(60)  # a full period idle: the whole burst again, not more
    assert codes(client_a, 6) == [200] * 5 + [429]


def test_a_steady_client_at_the_rate_is_never_refused(client_a, settings, clock):
    set_rates(settings, store_read="60/min")
    assert codes(client_a, 60) == [200] * 60

    steady = []
    for _ in range(30):
        clock.advance(1)
        steady += codes(client_a, 1)

    assert steady == [200] * 30
    assert codes(client_a, 1) == [429]


def test_each_client_address_has_its_own_bucket(client_a, settings, clock):
    set_rates(settings, store_read="2/min")

    first = codes(client_a, 3, REMOTE_ADDR="10.0.0.1")
    second = codes(client_a, 3, REMOTE_ADDR="10.0.0.2")

    assert first == [200, 200, 429]
    assert second == [200, 200, 429]


def test_each_signed_in_user_has_its_own_bucket_whatever_the_address(shop_a, settings, clock):
    set_rates(settings, user="2/min")
    mei, lei = (host_client(shop_a, issue_token(user=staff_of(shop_a))) for _ in range(2))

    assert codes(mei, 3, "/api/v1/manage/shop") == [200, 200, 429]
    assert codes(mei, 1, "/api/v1/manage/shop", REMOTE_ADDR="10.9.9.9") == [429]  # follows the user
    assert codes(lei, 3, "/api/v1/manage/shop") == [200, 200, 429]


def test_members_of_two_shops_count_separately(shop_a, shop_b, settings, clock):
    set_rates(settings, user="1/min")
    clients = []
    for shop in (shop_a, shop_b):
        with tenant_context(shop):
            member = register_member(email="same@example.com", phone=None, password="Correct-Horse-42")
            clients.append(host_client(shop, issue_member_token(member=member)))

    assert [codes(client, 2, "/api/v1/store/me") for client in clients] == [[200, 429], [200, 429]]


def test_sign_in_stays_strict_while_store_reads_are_generous(client_a, platform_client, clock):
    rates = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert (rates["signin"], rates["signup"], rates["store_read"]) == ("10/min", "5/min", "6000/min")
    body = {"email": "x@example.com", "password": "wrong"}

    attempts = [
        platform_client.post("/api/v1/auth/token", body, content_type="application/json").status_code for _ in range(11)
    ]

    assert attempts == [401] * 10 + [429]
    assert set(codes(client_a, 30)) == {200}  # the same address still browses the shop


def test_store_reads_have_their_own_bucket_not_the_anonymous_one(client_a, platform_client, settings, clock):
    set_rates(settings, anon="3/min", store_read="100/min")

    assert codes(client_a, 20) == [200] * 20
    assert codes(platform_client, 4, "/api/v1/templates") == [200, 200, 200, 429]  # anon budget untouched


def test_the_sign_in_page_answers_429_with_retry_after(db, settings, clock):
    set_rates(settings, signin="2/min")
    browser = Client(HTTP_HOST="localhost")
    form = {"email": "x@example.com", "password": "wrong"}

    statuses = [browser.post("/login", form).status_code for _ in range(3)]
    refused = browser.post("/login", form)

    assert statuses == [400, 400, 429]
    assert refused.status_code == 429 and refused["Retry-After"] == "30"


def test_a_bucket_is_one_small_key_whatever_the_traffic(client_a, settings, clock):
    set_rates(settings, store_read="1000/min")
    codes(client_a, 100)

    redis = get_redis_connection("default")
    keys = redis.keys(cache.make_key("throttle:*"))

    assert [key.decode() for key in keys] == [cache.make_key("throttle:store_read:ip:127.0.0.1")]
    assert redis.type(keys[0]) == b"string" and redis.strlen(keys[0]) <= 20
    assert 0 < redis.pttl(keys[0]) <= 60_000


def test_concurrent_requests_never_exceed_the_limit(db, clock):
    rate = throttling.Rate(limit=10, period=60)
    results: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(5):
            wait = throttling.hit("test:race", rate)
            with lock:
                results.append(wait)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 40
    assert results.count(0) == 10


def test_redis_down_fails_open(client_a, settings, clock, caplog, monkeypatch):
    monkeypatch.setattr(throttling, "_last_warning", -1e9)  # the once-a-minute warning is due
    set_rates(settings, store_read="1/min")
    dead = {**django_settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}
    settings.CACHES = {"default": dead}

    assert codes(client_a, 3) == [200, 200, 200]
    assert "fail open" in caplog.text


@pytest.mark.parametrize(
    ("text", "rate"),
    [("600/min", (600, 60)), ("5/hour", (5, 3600)), ("10/s", (10, 1)), ("1/day", (1, 86400))],
)
def test_rates_keep_drf_setting_format(text, rate):
    assert throttling.parse_rate(text) == throttling.Rate(*rate)


def test_a_scope_without_a_rate_is_a_configuration_error_not_no_limit(db):
    class View:
        throttle_scope = "signn"  # a typo

    request = RequestFactory().post("/login")

    with pytest.raises(ImproperlyConfigured):
        throttling.ScopedRateThrottle().allow_request(request, View())


def test_a_subclass_may_name_its_bucket_with_drfs_get_cache_key(db, settings, clock):
    set_rates(settings, signin_account="2/min")

    class PerAccount(throttling.ScopedRateThrottle):
        def __init__(self, account: str):
            super().__init__()
            self.account = account

        def get_cache_key(self, request, view):
            return self.cache_format % {"scope": self.scope, "ident": self.account}

    class View:
        throttle_scope = "signin_account"

    def attempt(account: str, address: str) -> bool:
        request = RequestFactory().post("/admin/login/", REMOTE_ADDR=address)
        return PerAccount(account).allow_request(request, View())

    # three addresses guessing one account share its budget; another account has its own
    assert [attempt("mei", f"10.0.0.{n}") for n in (1, 2, 3)] == [True, True, False]
    assert attempt("lei", "10.0.0.1") is True
