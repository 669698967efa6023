"""`/healthz` on both kinds of host, reporting what is down; the deep check goes through a real Celery worker."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from micromall.celery import app as celery_app

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
    }
}


def test_platform_health(platform_client):
    response = platform_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_shop_health(client_a):
    response = client_a.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_health_names_redis_when_it_is_down(platform_client):
    with override_settings(CACHES=DEAD_REDIS):  # Django re-creates the cache connections on change
        response = platform_client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "redis": "down"}


@pytest.fixture(scope="module")
def celery_worker():
    """A real worker thread consuming from the real Redis broker."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


# The worker has its own database connection: these tests commit their rows (transactional).
@pytest.mark.django_db(transaction=True)
def test_deep_health_round_trips_a_task_in_the_shop_schema(celery_worker, client_a, shop_a):
    response = client_a.get("/healthz?deep=1")

    assert response.status_code == 200
    assert response.json()["worker"] == "ok"


def test_deep_health_on_platform_host_runs_in_public(celery_worker, platform_client):
    response = platform_client.get("/healthz?deep=1")

    assert response.json()["worker"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_task_sent_from_a_shop_runs_in_that_shop_schema(celery_worker, shop_a, shop_b):
    from django_tenants.utils import tenant_context

    from micromall.diagnostics import current_schema

    with tenant_context(shop_a):
        from_a = current_schema.delay().get(timeout=5)
    with tenant_context(shop_b):
        from_b = current_schema.delay().get(timeout=5)

    assert (from_a, from_b) == ("test_alpha", "test_beta")
