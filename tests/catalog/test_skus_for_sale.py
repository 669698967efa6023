"""catalog.skus_for_sale: what cart, checkout and orders read of SKUs, in one statement per call."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenant_apps.catalog.interface import skus_for_sale
from tenant_apps.catalog.models import ProductImage, ProductStatus
from tests.storefront.conftest import make_product

pytestmark = pytest.mark.django_db


def test_skus_come_with_their_product_specs_in_picker_order_and_first_image(shop_a):
    with tenant_context(shop_a):
        tee = make_product(
            "T恤",
            skus=[{"specs": {"颜色": "蓝", "尺码": "M"}, "price_amount": 12900, "stock": 7}],
            images=["shops/a/second.jpg", "shops/a/first.jpg"],
        )
        ProductImage.objects.filter(product=tee, image="shops/a/first.jpg").update(position=-1)
        hidden = make_product("下架", status=ProductStatus.INACTIVE)
        tee_sku, hidden_sku = tee.skus.get(), hidden.skus.get()
    with tenant_context(shop_a):
        skus_for_sale([tee_sku.pk])  # the schema's search_path is set on this connection
        with CaptureQueriesContext(connection) as queries:
            found = skus_for_sale([hidden_sku.pk, tee_sku.pk, 10**9])
        with transaction.atomic():
            locked = skus_for_sale([tee_sku.pk, hidden_sku.pk], lock=True)

    assert len(queries) == 1
    assert sorted(found) == sorted([tee_sku.pk, hidden_sku.pk]) and locked == found
    sku = found[tee_sku.pk]
    assert (sku.product_id, sku.title, list(sku.specs.items()), sku.price_amount, sku.stock, sku.image, sku.code) == (
        tee.pk, "T恤", [("颜色", "蓝"), ("尺码", "M")], 12900, 7, "shops/a/first.jpg", tee_sku.code,
    )  # fmt: skip
    assert sku.on_sale and not found[hidden_sku.pk].on_sale and found[hidden_sku.pk].image == ""
