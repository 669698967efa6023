"""Honest new shops: no invented sales (《电子商务法》 Art. 17), no promise the merchant never chose."""

import re

from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Shop
from shared_apps.tenancy.services import provision_shop
from tenant_apps.catalog.models import Product

from .conftest import SIGNUP, signup_body


def test_a_shop_launched_from_a_template_starts_with_no_sales_and_no_promises(platform_client, templates, spare_pool):
    # given a merchant who opens a shop from the classic template (whose demo data has sales figures)
    spare_pool(1)
    assert platform_client.post(SIGNUP, signup_body(), content_type="application/json").status_code == 201
    shop = Shop.objects.get(subdomain="meimei")

    # then every demo product starts at 0 sold, and the storefront says nothing about sales or free shipping
    with tenant_context(shop):
        assert Product.objects.count() > 0
        assert list(Product.objects.with_sales().exclude(sales_count=0).values_list("title", flat=True)) == []
    html = Client(HTTP_HOST="meimei.localhost").get("/").content.decode()
    assert re.search(r"已售 \d", html) is None
    assert "包邮" not in html and 'class="announcement"' not in html
    assert "演示店铺" not in html


def test_a_gallery_demo_shop_keeps_example_figures_and_says_they_are_examples(templates, spare_pool):
    spare_pool(1)
    shop = provision_shop(name="经典百货（演示）", subdomain="demo-classic", owner=None, template="classic", demo=True)
    Shop.objects.filter(pk=shop.pk).update(is_demo=True)

    with tenant_context(shop):
        assert Product.objects.with_sales().filter(sales_count__gt=0).exists()
    html = Client(HTTP_HOST="demo-classic.localhost").get("/").content.decode()
    assert "演示店铺：商品、价格和销量均为示例。" in html
    assert re.search(r"已售 [1-9]", html)
