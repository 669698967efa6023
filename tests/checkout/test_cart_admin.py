"""Back office: carts are visible read-only to the shop's staff and invisible to other shops' staff."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.checkout.models import Cart, CartLine
from tests.catalog.test_admin import signed_in

from .conftest import make_product

pytestmark = pytest.mark.django_db


def test_carts_are_listed_read_only(shop_a, shop_b, shopper_a):
    _client, member = shopper_a
    with tenant_context(shop_a):
        sku = make_product("挂起的商品").skus.get()
        cart = Cart.objects.create(member=member)
        CartLine.objects.create(cart=cart, sku=sku, quantity=3)
    client = signed_in(shop_a, "staff")
    listing = client.get("/admin/checkout/cart/")
    assert listing.status_code == 200
    assert "ann@example.com" in listing.content.decode()
    assert client.get(f"/admin/checkout/cart/{cart.pk}/change/").status_code == 200
    assert client.get("/admin/checkout/cart/add/").status_code == 403
    assert client.post(f"/admin/checkout/cart/{cart.pk}/delete/", {"post": "yes"}).status_code == 403
    # Shop B's staff: B's schema has no such cart.
    other = signed_in(shop_b)
    assert "ann@example.com" not in other.get("/admin/checkout/cart/").content.decode()
    assert other.get(f"/admin/checkout/cart/{cart.pk}/change/").status_code in (302, 404)
    with tenant_context(shop_a):
        assert CartLine.objects.get(cart=cart).quantity == 3
