"""Back-office screens (group 营销): rules typed in 元 and saved through the services with field errors, the
status actions, limited-time discounts, member prices, and "simulate a cart" showing every rule per line."""

from datetime import timedelta

import pytest

from tenant_apps.promotions import services
from tenant_apps.promotions.models import LimitedDiscount, MemberPrice, PromotionRule
from tests.conftest import host_client

from .conftest import NOW, in_shop, make_sku, window

pytestmark = pytest.mark.django_db


def when(prefix="") -> dict:
    start, end = NOW - timedelta(hours=1), NOW + timedelta(days=1)
    return {
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
    }


@pytest.fixture
def office(shop_a, owner_a):
    client = host_client(shop_a)
    client.force_login(owner_a)
    return client


def test_every_screen_renders_in_chinese(office):
    for path in ("promotionrule", "rulegroup", "limiteddiscount", "memberprice", "promotionuse", "cartsimulation"):
        response = office.get(f"/admin/promotions/{path}/")
        assert response.status_code == 200, path
    assert "模拟购物车" in office.get("/admin/promotions/cartsimulation/").content.decode()
    assert office.get("/admin/promotions/promotionrule/add/").status_code == 200


def test_a_rule_typed_in_yuan_is_saved_and_bad_tiers_come_back_on_the_field(office, shop_a, clock):
    form = {
        "title": "满299减30",
        "kind": "threshold_reduce",
        "tiers_text": "299 30\n499 60",
        "cap": "",
        "group": "",
        "products": "",
        "categories": "",
        "exclude_products": "",
        **when(),
    }
    response = office.post("/admin/promotions/promotionrule/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = in_shop(shop_a, PromotionRule.objects.get)
    assert rule.tiers == [
        {"threshold_amount": 29900, "reduce_amount": 3000},
        {"threshold_amount": 49900, "reduce_amount": 6000},
    ]
    bad = office.post("/admin/promotions/promotionrule/add/", {**form, "tiers_text": "499 60\n299 30"})
    assert bad.status_code == 200 and "档位须递增" in bad.content.decode()
    assert in_shop(shop_a, PromotionRule.objects.count) == 1
    office.post("/admin/promotions/promotionrule/", {"action": "action_publish", "_selected_action": [rule.pk]})
    assert in_shop(shop_a, lambda: PromotionRule.objects.get().status) in ("running", "scheduled")


def test_limited_discount_and_member_price_screens(office, shop_a, clock):
    tea = make_sku(shop_a, "龙井", 12900)
    response = office.post(
        "/admin/promotions/limiteddiscount/add/", {"title": "限时", "items_text": f"{tea.pk} 99.00", **when()}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert in_shop(shop_a, lambda: LimitedDiscount.objects.get().items.get().price_amount) == 9900
    dear = office.post("/admin/promotions/memberprice/add/", {"sku_id": tea.pk, "price": "200.00"})
    assert dear.status_code == 200 and "会员价须低于" in dear.content.decode()
    assert office.post("/admin/promotions/memberprice/add/", {"sku_id": tea.pk, "price": "100.00"}).status_code == 302
    assert in_shop(shop_a, lambda: MemberPrice.objects.get().price_amount) == 10000


def test_simulate_a_cart_shows_what_it_pays_and_why(office, shop_a, clock):
    tea = make_sku(shop_a, "龙井", 12900)
    with pytest.MonkeyPatch.context():
        from django_tenants.utils import tenant_context

        with tenant_context(shop_a):
            services.create_rule(
                name="满100减10",
                kind="threshold_reduce",
                tiers=[{"threshold_amount": 10000, "reduce_amount": 1000}],
                publish=True,
                **window(),
            )
    page = office.post("/admin/promotions/cartsimulation/", {"items": f"{tea.pk} 2", "member_id": ""}).content.decode()
    assert "满100减10" in page and "¥10.00" in page and "¥258.00" in page and "¥248.00" in page
    bad = office.post("/admin/promotions/cartsimulation/", {"items": "abc", "member_id": ""}).content.decode()
    assert "格式不正确" in bad
