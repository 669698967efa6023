"""会员价 on a phone: a signed-in member of a level with a 5% discount sees their own price on the product card and the
product page (filled in by js/member_prices.js after the cached page loaded), the same figure checkout charges; a
guest sees the same page without it. The recommendation cards that js/recommendations.js builds in the browser show it
too, in the server card's own markup."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.analytics import selectors as analytics
from tenant_apps.analytics.models import Recommendation, RecommendationKind
from tenant_apps.loyalty import services as loyalty
from tests.loyalty.conftest import SETTINGS
from tests.orders.conftest import make_buyer

from ..storefront.conftest import make_product
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_sees_their_level_price_on_cards_and_the_product_page(live_server, shop, browser_page):
    with tenant_context(shop):
        tea = make_product("明前龙井 250g", skus=[{"specs": {}, "price_amount": 12900, "stock": 50}])
        sku_id = tea.skus.get().pk
        loyalty.update_settings(levels=[{"name": "VIP", "growth_threshold": 0, "discount_percent": 5}], **SETTINGS)
    buyer = make_buyer(shop, "member@example.com")
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"

    page.goto(base + f"/p/{tea.pk}")  # a guest first: the slot stays hidden, no member request
    page.wait_for_selector("[data-price]:has-text('¥129.00')")
    assert page.locator("[data-member-price]").is_hidden()

    page.evaluate("token => localStorage.setItem('mm-member-token', token)", buyer.token)
    page.goto(base + f"/p/{tea.pk}")
    slot = page.wait_for_selector("[data-member-price]:visible")
    assert "会员价" in slot.inner_text() and "¥122.55" in slot.inner_text()
    assert page.locator("[data-price]").inner_text() == "¥129.00"  # everyone's price stays as it was
    page.screenshot(path=str(ARTIFACTS / "member-price-product.png"), full_page=True)

    page.goto(base + "/")
    card = page.wait_for_selector(f".card[data-product-id='{tea.pk}'] [data-member-price]:visible")
    assert "¥122.55" in card.inner_text()

    preview = buyer.client.post(
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": sku_id, "quantity": 1}]},
        content_type="application/json",
    ).json()
    assert preview["lines"][0]["unit_price_amount"] == 12255  # what the page showed


def test_recommendation_cards_built_in_the_browser_show_the_member_price(live_server, shop, browser_page):
    with tenant_context(shop):
        tea = make_product("明前龙井 250g", skus=[{"specs": {}, "price_amount": 12900, "stock": 50}])
        cup = make_product("青瓷茶杯", skus=[{"specs": {}, "price_amount": 3900, "stock": 50}])
        for kind in RecommendationKind.values:  # the shop's computed lists: cup goes with tea
            Recommendation.objects.create(kind=kind, product_id=tea.pk, other_id=cup.pk, score=3, rank=0)
        analytics.cache_recommendations()
        loyalty.update_settings(levels=[{"name": "VIP", "growth_threshold": 0, "discount_percent": 5}], **SETTINGS)
    buyer = make_buyer(shop, "member@example.com")
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"
    member_price_requests = []
    page.on("request", lambda r: "/member-prices" in r.url and member_price_requests.append(r.url))
    cards = f".recommendations .card[data-product-id='{cup.pk}']"

    # a guest: both sections (frequently bought together, also viewed) show the cup, with an empty hidden slot
    page.goto(base + f"/p/{tea.pk}")
    page.wait_for_function(f'document.querySelectorAll("{cards}").length === 2')
    assert page.locator(f"{cards} [data-member-price]").count() == 2
    assert page.locator(f"{cards} [data-member-price]:visible").count() == 0
    assert member_price_requests == []

    # a member of the 5% level: each card shows ¥37.05 next to everyone's ¥39.00
    page.evaluate("token => localStorage.setItem('mm-member-token', token)", buyer.token)
    page.goto(base + f"/p/{tea.pk}")
    page.wait_for_function(f'document.querySelectorAll("{cards} [data-member-price]:not([hidden])").length === 2')
    for slot in page.locator(f"{cards} [data-member-price]").all():
        assert slot.inner_text().split() == ["会员价", "¥37.05"]
    assert page.locator(f"{cards} .price").all_inner_texts() == ["¥39.00", "¥39.00"]
    images = page.locator(f"{cards} img").evaluate_all("imgs => imgs.map(img => img.getAttribute('src'))")
    assert len(images) == 2 and all(images)  # the product's image, or the theme's placeholder when it has none
    recommended = page.locator(f"{cards} [data-member-price]").first.evaluate("el => el.outerHTML")
    page.screenshot(path=str(ARTIFACTS / "member-price-recommendations.png"), full_page=True)

    # the same markup as the server-rendered card of the same product (the home page's list)
    page.goto(base + "/")
    server_card = f"section:not(.recommendations) .card[data-product-id='{cup.pk}']"
    server_slot = page.wait_for_selector(f"{server_card} [data-member-price]:visible")
    assert server_slot.evaluate("el => el.outerHTML") == recommended
