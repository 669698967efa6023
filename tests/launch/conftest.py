"""Launch fixtures: gallery rows from themes/, a spare-schema pool on the real database, schema bookkeeping."""

import pytest
from django.db import connection
from django.test import override_settings

from shared_apps.gallery.services import sync_templates
from shared_apps.tenancy.provisioning import create_spare

SIGNUP = "/api/v1/signup"


def shop_schemas_in_db() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(r"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'shop\_%'")
        return {row[0] for row in cursor.fetchall()}


def drop_schemas(names: set[str]) -> None:
    for name in names:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture(autouse=True)
def _no_background_refill():
    """Tests decide when the pool is filled; a claim does not enqueue a Celery top-up unless a test asks."""
    with override_settings(SPARE_POOL_REFILL_ON_CLAIM=False):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Demo catalogs copy their pictures into media storage: keep them out of the dev media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def templates(db):
    sync_templates()


@pytest.fixture
def clean_schemas(transactional_db):
    """For tests that commit: the shop_* schemas they create are dropped afterwards, and only those.

    Returns a function giving the shop_* schemas created since the test began.
    """
    before = shop_schemas_in_db()

    def created() -> set[str]:
        return shop_schemas_in_db() - before

    yield created
    connection.set_schema_to_public()
    drop_schemas(created())


@pytest.fixture
def spare_pool(clean_schemas):
    def fill(count: int) -> list[str]:
        return [create_spare().schema_name for _ in range(count)]

    return fill


def signup_body(**overrides) -> dict:
    body = {
        "email": "mei@example.com",
        "password": "Plum-Blossom-2026",
        "shop_name": "梅的小店",
        "subdomain": "meimei",
        "template": "classic",
    }
    body.update(overrides)
    return body
