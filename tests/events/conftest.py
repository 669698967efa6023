"""Events fixtures: test handlers registered, an effect table in both test shops, outbox emptied after."""

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from tenant_apps.events.models import OutboxEvent
from tests.conftest import ensure_shop

from . import handlers


@pytest.fixture(scope="session")
def effect_tables(shop_schemas, django_db_blocker):
    with django_db_blocker.unblock():
        from shared_apps.tenancy.models import Shop

        for schema_name in shop_schemas.values():
            with tenant_context(Shop(schema_name=schema_name)):
                handlers.create_effect_table()


@pytest.fixture
def clean_outbox(effect_tables):
    """For transaction=True tests: their rows are committed, so remove them (and test effects) afterwards."""
    yield
    cache.delete_many([handlers.FAIL_KEY, handlers.BLOCK_KEY, handlers.RUNNING_KEY])
    for subdomain in ("alpha", "beta"):
        with tenant_context(ensure_shop(subdomain)):
            OutboxEvent.objects.all().delete()
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {handlers.EFFECT_TABLE}")
