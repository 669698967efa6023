import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, Sku


def test_stock_can_never_be_negative_in_the_database(shop_a):
    with tenant_context(shop_a):
        product = Product.objects.create(title="T-shirt")
        sku = Sku.objects.create(product=product, code="TS-1", price_amount=100, stock=1)

        with pytest.raises(IntegrityError), transaction.atomic():
            Sku.objects.filter(pk=sku.pk).update(stock=-1)

        sku.refresh_from_db()
        assert sku.stock == 1


def test_sku_codes_are_unique_within_a_shop_but_not_across_shops(shop_a, shop_b):
    with tenant_context(shop_a):
        product = Product.objects.create(title="Mug")
        Sku.objects.create(product=product, code="MUG", price_amount=100)
        with pytest.raises(IntegrityError), transaction.atomic():
            Sku.objects.create(product=product, code="MUG", price_amount=200, specs={"颜色": "红"})
    with tenant_context(shop_b):
        product = Product.objects.create(title="Mug")
        Sku.objects.create(product=product, code="MUG", price_amount=100)
        assert Sku.objects.count() == 1
