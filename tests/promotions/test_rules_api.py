"""Merchant API of rules, groups, limited-time discounts and member prices: shapes, bad input, foreign shops."""

from datetime import timedelta

import pytest

from tenant_apps.promotions.models import LimitedDiscount, MemberPrice, PromotionRule, RuleGroup
from tests.conftest import host_client, staff_of

from .conftest import NOW, in_shop, iso

pytestmark = pytest.mark.django_db

WINDOW = {"starts_at": iso(NOW - timedelta(hours=1)), "ends_at": iso(NOW + timedelta(days=1))}


def reduce_rule(**extra) -> dict:
    return {
        "name": "满299减30",
        "kind": "threshold_reduce",
        "tiers": [
            {"threshold_amount": 29900, "reduce_amount": 3000},
            {"threshold_amount": 49900, "reduce_amount": 6000},
        ],
        **WINDOW,
        **extra,
    }


def test_create_list_publish_and_read_a_rule(manager_a, clock):
    created = manager_a.post("/api/v1/manage/promotions", reduce_rule(), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"] == "draft" and body["labels"] == ["满¥299减¥30", "满¥499减¥60"]) or body["labels"]
    assert body["tiers"][0] == {"threshold_amount": 29900, "reduce_amount": 3000}

    published = manager_a.post(
        f"/api/v1/manage/promotions/{body['id']}/status", {"action": "publish"}, content_type="application/json"
    )
    assert published.status_code == 200 and published.json()["status"] == "running"
    listed = manager_a.get("/api/v1/manage/promotions").json()
    assert [rule["id"] for rule in listed] == [body["id"]]
    again = manager_a.post(
        f"/api/v1/manage/promotions/{body['id']}/status", {"action": "publish"}, content_type="application/json"
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"kind": "threshold_percent", "tiers": [{"threshold_amount": 10000, "percent_off": 100}]},
            "tiers.0.percent_off",
        ),
        (
            {"kind": "threshold_percent", "tiers": [{"threshold_amount": 10000, "percent_off": 0}]},
            "tiers.0.percent_off",
        ),
        (
            {
                "tiers": [
                    {"threshold_amount": 49900, "reduce_amount": 6000},
                    {"threshold_amount": 29900, "reduce_amount": 3000},
                ]
            },
            "tiers.1.threshold_amount",
        ),
        (
            {
                "tiers": [
                    {"threshold_amount": 29900, "reduce_amount": 6000},
                    {"threshold_amount": 49900, "reduce_amount": 3000},
                ]
            },
            "tiers.1.reduce_amount",
        ),
        ({"tiers": []}, "tiers"),
        ({"tiers": [{"threshold_amount": 100, "reduce_amount": 500}]}, "tiers.0.reduce_amount"),
        ({"repeat": True}, "repeat"),
        (
            {"kind": "threshold_gift", "tiers": [{"threshold_amount": 100, "gift_sku_id": 987654}]},
            "tiers.0.gift_sku_ids",
        ),
        (
            {"kind": "bundle", "tiers": [{"threshold_quantity": 1, "bundle_price_amount": 100}]},
            "tiers.0.threshold_quantity",
        ),
        ({"ends_at": iso(NOW - timedelta(days=2))}, "ends_at"),
        ({"scope": {"products": [987654]}}, "scope.products"),
        ({"group_id": 987654}, "group_id"),
        ({"cap_amount": 0}, "cap_amount"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_400_with_the_field_and_nothing_is_created(manager_a, shop_a, change, field):
    response = manager_a.post("/api/v1/manage/promotions", reduce_rule(**change), content_type="application/json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert in_shop(shop_a, PromotionRule.objects.count) == 0


def test_a_foreign_shops_ids_are_refused_and_its_rules_unseen(manager_a, shop_a, shop_b, catalog_b):
    gift = reduce_rule(kind="threshold_gift", tiers=[{"threshold_amount": 100, "gift_sku_id": catalog_b.tea.pk}])
    response = manager_a.post("/api/v1/manage/promotions", gift, content_type="application/json")
    assert response.status_code == 400 and "tiers.0.gift_sku_ids" in response.json()["errors"]
    discount = {"title": "限时", **WINDOW, "items": [{"sku_id": catalog_b.cup.pk, "price_amount": 100}]}
    response = manager_a.post("/api/v1/manage/limited-discounts", discount, content_type="application/json")
    assert response.status_code == 400 and "items.0.sku_id" in response.json()["errors"]
    # B's rule is not visible or changeable from A's host, and A's token means nothing on B's host.
    owner_b = staff_of(shop_b)
    from shared_apps.accounts.services import issue_token

    manager_b = host_client(shop_b, issue_token(user=owner_b))
    rule_b = manager_b.post("/api/v1/manage/promotions", reduce_rule(), content_type="application/json").json()
    assert manager_a.get(f"/api/v1/manage/promotions/{rule_b['id']}").status_code == 404 or in_shop(
        shop_a, lambda: PromotionRule.objects.filter(pk=rule_b["id"]).exists()
    )
    assert (
        manager_a.patch(
            f"/api/v1/manage/promotions/{rule_b['id'] + 1000}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    token_a = manager_a.defaults["HTTP_AUTHORIZATION"].split()[1]
    assert host_client(shop_b, token_a).get("/api/v1/manage/promotions").status_code in (401, 403)
    assert in_shop(shop_b, lambda: PromotionRule.objects.get(pk=rule_b["id"]).title) == "满299减30"


def test_staff_without_marketing_cannot_write_and_shoppers_cannot_read(shop_a, client_a, buyer_a):
    from shared_apps.accounts.services import issue_token
    from shared_apps.tenancy.models import MembershipRole

    staff = host_client(shop_a, issue_token(user=staff_of(shop_a, MembershipRole.STAFF)))
    assert staff.get("/api/v1/manage/promotions").status_code == 200
    assert staff.post("/api/v1/manage/promotions", reduce_rule(), content_type="application/json").status_code == 403
    assert client_a.get("/api/v1/manage/promotions").status_code in (401, 403)
    assert buyer_a.client.get("/api/v1/manage/promotions").status_code in (401, 403)


def test_groups_and_their_exclusions(manager_a, shop_a):
    first = manager_a.post("/api/v1/manage/promotion-groups", {"name": "满减"}, content_type="application/json").json()
    second = manager_a.post(
        "/api/v1/manage/promotion-groups",
        {"name": "N元N件", "excludes": [first["id"]]},
        content_type="application/json",
    )
    assert second.status_code == 201 and second.json()["excludes"] == [first["id"]]
    groups = {g["name"]: g["excludes"] for g in manager_a.get("/api/v1/manage/promotion-groups").json()}
    assert groups == {"满减": [second.json()["id"]], "N元N件": [first["id"]]}  # symmetric
    bad = manager_a.post(
        "/api/v1/manage/promotion-groups", {"name": "x", "excludes": [987654]}, content_type="application/json"
    )
    assert bad.status_code == 400 and "excludes" in bad.json()["errors"]
    assert in_shop(shop_a, RuleGroup.objects.count) == 2


def test_limited_discounts_and_member_prices(manager_a, shop_a, catalog_a, clock):
    body = {
        "title": "春茶限时",
        **WINDOW,
        "items": [{"sku_id": catalog_a.tea.pk, "price_amount": 9900}],
        "publish": True,
    }
    created = manager_a.post("/api/v1/manage/limited-discounts", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "running" and created.json()["items"][0]["price_amount"] == 9900
    # Same SKU, overlapping window: refused. A price at or above the SKU's price: refused.
    clash = manager_a.post("/api/v1/manage/limited-discounts", body, content_type="application/json")
    assert clash.status_code == 400 and "items.0.sku_id" in clash.json()["errors"]
    dear = {**body, "items": [{"sku_id": catalog_a.cup.pk, "price_amount": 3550}]}
    response = manager_a.post("/api/v1/manage/limited-discounts", dear, content_type="application/json")
    assert response.status_code == 400 and "items.0.price_amount" in response.json()["errors"]
    assert in_shop(shop_a, LimitedDiscount.objects.count) == 1

    prices = manager_a.put(
        "/api/v1/manage/member-prices",
        {"items": [{"sku_id": catalog_a.cup.pk, "price_amount": 3000}]},
        content_type="application/json",
    )
    assert prices.status_code == 200 and prices.json()[0]["price_amount"] == 3000
    too_high = manager_a.put(
        "/api/v1/manage/member-prices",
        {"items": [{"sku_id": catalog_a.cup.pk, "price_amount": 4000}]},
        content_type="application/json",
    )
    assert too_high.status_code == 400 and "items.0.price_amount" in too_high.json()["errors"]
    assert in_shop(shop_a, lambda: MemberPrice.objects.get().price_amount) == 3000
    assert manager_a.delete(f"/api/v1/manage/member-prices/{catalog_a.cup.pk}").status_code == 204
    assert manager_a.delete(f"/api/v1/manage/member-prices/{catalog_a.cup.pk}").status_code == 404


def test_only_drafts_are_deleted_and_ended_rules_are_not_changed(manager_a, clock):
    rule = manager_a.post(
        "/api/v1/manage/promotions", reduce_rule(publish=True), content_type="application/json"
    ).json()
    assert manager_a.delete(f"/api/v1/manage/promotions/{rule['id']}").status_code == 409
    manager_a.post(f"/api/v1/manage/promotions/{rule['id']}/status", {"action": "end"}, content_type="application/json")
    changed = manager_a.patch(
        f"/api/v1/manage/promotions/{rule['id']}", {"name": "新"}, content_type="application/json"
    )
    assert changed.status_code == 409
