"""A limited-time discount changes the price on cached storefront pages at its exact first and last second."""

import re
from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.promotions import services

from .conftest import NOW, make_sku

pytestmark = pytest.mark.django_db


def html_price(client, product_id: int) -> str:
    page = client.get(f"/p/{product_id}").content.decode()
    return re.search(r"data-price>([^<]+)<", page).group(1)


def test_the_discount_starts_and_ends_at_the_second_on_cached_pages(client_a, shop_a, clock):
    tea = make_sku(shop_a, "龙井", 12900)
    with tenant_context(shop_a):
        services.create_limited_discount(
            title="整点限时",
            items=[{"sku_id": tea.pk, "price_amount": 9900}],
            publish=True,
            starts_at=NOW,
            ends_at=NOW + timedelta(hours=1),
        )
    clock["now"] = NOW - timedelta(seconds=1)
    assert html_price(client_a, tea.product_id) == "¥129.00"
    assert html_price(client_a, tea.product_id) == "¥129.00"  # served from the page cache
    clock["now"] = NOW
    assert html_price(client_a, tea.product_id) == "¥99.00"
    clock["now"] = NOW + timedelta(hours=1) - timedelta(seconds=1)
    assert html_price(client_a, tea.product_id) == "¥99.00"
    clock["now"] = NOW + timedelta(hours=1)
    assert html_price(client_a, tea.product_id) == "¥129.00"


def test_pausing_changes_the_cached_page_at_once(client_a, shop_a, clock, django_capture_on_commit_callbacks):
    tea = make_sku(shop_a, "龙井", 12900)
    with tenant_context(shop_a):
        discount = services.create_limited_discount(
            title="限时",
            items=[{"sku_id": tea.pk, "price_amount": 9900}],
            publish=True,
            starts_at=NOW - timedelta(hours=1),
            ends_at=NOW + timedelta(hours=1),
        )
    assert html_price(client_a, tea.product_id) == "¥99.00"
    clock["now"] = NOW + timedelta(minutes=5)
    with tenant_context(shop_a), django_capture_on_commit_callbacks(execute=True):
        services.change_limited_discount_status(discount_id=discount.pk, action="pause")
    assert html_price(client_a, tea.product_id) == "¥129.00"
