"""Storefront buying pages render for every theme; the payment page offers test pay only with DEBUG and loads
Stripe.js only when a publishable key and the shop's connected account are both configured."""

import pytest

from shared_apps.tenancy.models import Shop
from tests.conftest import host_client

PAGES = ["/checkout", "/orders", "/orders/1", "/orders/1/pay", "/orders/1/result", "/orders/1/aftersale"]


@pytest.mark.parametrize("path", PAGES)
def test_buying_pages_render_in_chinese(client_a, path):
    response = client_a.get(path)

    assert response.status_code == 200
    assert 'data-orders-page="' in response.content.decode()
    assert "js/orders.js" in response.content.decode()


def test_payment_page_offers_test_pay_only_with_debug_and_no_stripe_without_an_account(client_a, settings):
    settings.DEBUG = False
    plain = client_a.get("/orders/7/pay").content.decode()
    settings.DEBUG = True
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    key_without_account = client_a.get("/orders/7/pay").content.decode()

    assert 'data-pay="cod"' in plain and 'data-pay="test"' not in plain and "js.stripe.com" not in plain
    assert "货到付款" in plain
    assert 'data-pay="test"' in key_without_account and "js.stripe.com" not in key_without_account


def test_payment_page_loads_stripe_with_a_key_and_a_connected_account(shop_a, settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    Shop.objects.filter(pk=shop_a.pk).update(stripe_account_id="acct_1AlphaShop")

    page = host_client(shop_a).get("/orders/7/pay").content.decode()

    assert "https://js.stripe.com/v3" in page and 'data-stripe-account="acct_1AlphaShop"' in page
    assert 'data-stripe-key="pk_test_123"' in page
