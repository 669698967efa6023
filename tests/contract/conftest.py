"""Contract fuzz fixtures: the app as a WSGI callable inside the test transaction, each host's schema, tokens."""

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_tenants.utils import tenant_context

from shared_apps.accounts.services import issue_token
from tenant_apps.members.services import issue_member_token, register_member
from tests.factories import UserFactory


@pytest.fixture
def wsgi_app(settings, tmp_path):
    """Django's WSGI handler called in-process, like gunicorn does.

    Django's test Client does the same as here: a request must not close the connection that holds the
    test's transaction (so every write of the fuzz rolls back with the test).
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    unthrottled = {scope: "100000/min" for scope in django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}
    settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": unthrottled}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def owner_token(owner_a) -> str:
    return issue_token(user=owner_a)


@pytest.fixture
def outsider_token(db) -> str:
    """A platform user with no role on shop A."""
    return issue_token(user=UserFactory())


@pytest.fixture
def member_token(shop_a) -> str:
    with tenant_context(shop_a):
        member = register_member(email="fuzz@example.com", phone=None, password="Correct-Horse-42")
        return issue_member_token(member=member)


@pytest.fixture
def catalog_a(shop_a) -> dict[str, int]:
    """A category, a brand and a two-SKU product in shop A, so fuzzed ids reach real rows (path parameter
    name -> id); without them every `{product_id}` is a 404 and the update paths never run."""
    from tenant_apps.catalog import services

    with tenant_context(shop_a):
        category = services.create_category(name="服装 Apparel")
        brand = services.create_brand(name="Fuzz")
        product = services.create_product(
            data={
                "title": "T恤 T-shirt",
                "category": category.pk,
                "brand": brand.pk,
                "specs": [{"name": "颜色", "values": ["红", "蓝"]}],
                "skus": [
                    {"specs": {"颜色": "红"}, "price_amount": 5900, "stock": 10, "sku_code": "FZ-R"},
                    {"specs": {"颜色": "蓝"}, "price_amount": 6900, "stock": 0, "sku_code": "FZ-B"},
                ],
            }
        )
        services.publish_product(product=product)
        sku = product.skus.order_by("pk").first()
        return {"product_id": product.pk, "category_id": category.pk, "brand_id": brand.pk, "sku_id": sku.pk}
