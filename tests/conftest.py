"""Shared fixtures: two shops whose schemas are migrated once per test run, clients per host, tokens.

Property tests (hypothesis) draw the same examples on every run (`derandomize`), so the suite's verdict never
depends on luck; `HYPOTHESIS_PROFILE=explore` draws new ones (a search for new counter-examples, not for CI)."""

import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from hypothesis import settings as hypothesis_settings

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy import provisioning, selectors
from shared_apps.tenancy.models import Domain, MembershipRole, Shop, ShopMembership

from . import schema_template
from .committed import truncate_shop_tables
from .factories import UserFactory

pytest_plugins = [
    "tests.stripe_fake.fixtures",  # stripe_server / stripe_fake: the loopback Stripe API
    "tests.browser.fixtures",  # browser_page: one headless Chromium per test process
]

hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

TEST_SHOPS = {"alpha": "test_alpha", "beta": "test_beta"}


def database_is_set_up() -> bool:
    """pytest-django creates the test database only when a collected test uses it."""
    return connection.settings_dict["NAME"] == connection.creation._get_test_db_name()


@pytest.fixture(scope="session", autouse=True)
def _schema_template(django_db_setup, django_db_blocker):
    """Tenant migrations run once per test database, into a template schema; every shop schema the run creates
    afterwards (test shops, spares, signups) is a copy of it (tests/schema_template.py)."""
    if not database_is_set_up():
        yield  # no test of this run (or of this xdist worker's collection) uses the database
        return
    with django_db_blocker.unblock():
        schema_template.build_template()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(provisioning, "migrate_schema", schema_template.migrate_or_clone)
        yield


@pytest.fixture(scope="session")
def shop_schemas(_schema_template, django_db_blocker):
    """Each test shop's schema is created once per run (a copy of the migrated template); tests roll back their
    rows."""
    with django_db_blocker.unblock():
        for schema_name in TEST_SHOPS.values():
            provisioning.migrate_schema(schema_name)
    return TEST_SHOPS


def ensure_shop(subdomain: str, **fields) -> Shop:
    shop, _ = Shop.objects.get_or_create(
        schema_name=TEST_SHOPS[subdomain], defaults={"name": f"Shop {subdomain}", "subdomain": subdomain, **fields}
    )
    Domain.objects.get_or_create(domain=f"{subdomain}.localhost", defaults={"tenant": shop, "is_primary": True})
    return shop


@pytest.fixture(scope="session", autouse=True)
def _end_stray_sessions(django_db_setup, django_db_blocker):
    """Live-server request threads and worker threads may leave idle connections behind; end them when the
    run is over so the test database can be dropped (no test runs after this point)."""
    yield
    if not database_is_set_up():
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fresh_routing_state():
    """Every test starts in the public schema with an empty host cache (ids change between tests), and with no
    storefront pages or shop versions remembered by the process: tests roll back, so a catalog version can repeat
    between them, and a version remembered from an earlier test that expires between two requests of this one
    would give them different page keys (a cache miss where a hit is asserted)."""
    from tenant_apps.storefront.caching import clear_local_cache

    selectors._local.clear()
    clear_local_cache()
    cache.delete_pattern("*")
    yield
    selectors._local.clear()
    clear_local_cache()
    connection.set_schema_to_public()


@pytest.fixture
def shop_a(db, shop_schemas) -> Shop:
    return ensure_shop("alpha")


@pytest.fixture
def shop_b(db, shop_schemas) -> Shop:
    return ensure_shop("beta")


@pytest.fixture
def platform_client() -> Client:
    return Client(HTTP_HOST="localhost")


def host_client(shop: Shop, token: str | None = None) -> Client:
    extra = {"HTTP_HOST": f"{shop.subdomain}.localhost"}
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**extra)


@pytest.fixture
def client_a(shop_a) -> Client:
    return host_client(shop_a)


@pytest.fixture
def client_b(shop_b) -> Client:
    return host_client(shop_b)


@pytest.fixture
def user(db):
    return UserFactory()


def staff_of(shop: Shop, role: str = MembershipRole.OWNER):
    user = UserFactory()
    ShopMembership.objects.create(shop=shop, user=user, role=role)
    return user


@pytest.fixture
def owner_a(shop_a):
    return staff_of(shop_a)


@pytest.fixture
def owner_a_token(owner_a) -> str:
    return issue_token(user=owner_a)


@pytest.fixture
def manager_a(shop_a, owner_a_token) -> Client:
    """A client on shop A's host signed in with the token of A's owner."""
    return host_client(shop_a, owner_a_token)


@pytest.fixture
def shop(shop_schemas) -> Shop:
    """Shop alpha for tests that commit rows (threads racing, a live server): its schema is emptied afterwards."""
    shop = ensure_shop("alpha")
    yield shop
    truncate_shop_tables(shop)
