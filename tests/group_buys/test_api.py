"""The group-buy API: merchant create/list/detail/patch/status and groups; store activity and group reads; the
order request with `activity`. Bad input is 400 with field messages and changes nothing; foreign hosts, ids and
tokens are 404/401/403; quotas are 409."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole
from tenant_apps.group_buys.models import GroupBuy, Participation
from tenant_apps.orders.models import Order
from tests.conftest import host_client, staff_of

from .conftest import GROUP_PRICE, buy, group_of, in_shop, make_group_buy, order_for


def body(catalog, **overrides) -> dict:
    now = timezone.now()
    values = {
        "title": "三人团", "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(), "group_size": 3, "hours_to_form": 12,
        "items": [{"sku_id": catalog.tea.pk, "price_amount": 8800, "stock": 20,
                   "ladder": [{"group_size": 5, "price_amount": 7900}]}],
    }  # fmt: skip
    values.update(overrides)
    return values


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def count(shop) -> int:
    return in_shop(shop, lambda: GroupBuy.objects.count())


def test_the_merchant_creates_publishes_and_reads_a_group_buy(gb_shop, catalog_a, manager_a):
    created = post(manager_a, "/api/v1/manage/group-buys", body(catalog_a, leader_discount_amount=500))
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["status"], data["group_size"], data["hours_to_form"], data["leader_discount_amount"]) == (
        "draft", 3, 12, 500
    )  # fmt: skip
    assert data["items"][0] == {
        "sku_id": catalog_a.tea.pk, "product_id": catalog_a.tea.product_id, "price_amount": 8800,
        "ladder": [{"group_size": 5, "price_amount": 7900}], "stock": 20, "sold": 0, "remaining": 20,
    }  # fmt: skip
    published = post(manager_a, f"/api/v1/manage/group-buys/{data['id']}/publish")
    assert published.status_code == 200 and published.json()["status"] == "running"
    assert post(manager_a, f"/api/v1/manage/group-buys/{data['id']}/publish").status_code == 409
    assert post(manager_a, f"/api/v1/manage/group-buys/{data['id']}/pause").json()["status"] == "paused"
    assert post(manager_a, f"/api/v1/manage/group-buys/{data['id']}/resume").json()["status"] == "running"
    listed = manager_a.get("/api/v1/manage/group-buys").json()
    assert [row["id"] for row in listed] == [data["id"]]
    patched = manager_a.patch(
        f"/api/v1/manage/group-buys/{data['id']}", {"title": "新标题", "per_member_limit": 4},
        content_type="application/json",
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["title"] == "新标题"
    refused = manager_a.patch(
        f"/api/v1/manage/group-buys/{data['id']}", {"group_size": 4}, content_type="application/json"
    )
    assert refused.status_code == 400 and "group_size" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"group_size": 1}, "group_size"),
        ({"hours_to_form": 0}, "hours_to_form"),
        ({"title": ""}, "title"),
        ({"items": []}, "items"),
        ({"ends_at": "2020-01-01T00:00:00+08:00"}, "ends_at"),
        ({"autofill_percent": 120}, "autofill_percent"),
    ],
)
def test_bad_input_is_400_with_field_messages_and_creates_nothing(gb_shop, catalog_a, manager_a, overrides, field):
    response = post(manager_a, "/api/v1/manage/group-buys", body(catalog_a, **overrides))
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert count(gb_shop) == 0


def test_item_rules_are_field_errors(gb_shop, catalog_a, catalog_b, manager_a):
    items = [
        {"sku_id": catalog_b.tea.pk, "price_amount": 100, "stock": 1},  # another shop's SKU
        {"sku_id": catalog_a.cup.pk, "price_amount": 99999, "stock": 1},  # above the SKU's price
        {
            "sku_id": catalog_a.tea.pk,
            "price_amount": 100,
            "stock": 1,
            "ladder": [{"group_size": 3, "price_amount": 90}],
        },
    ]
    response = post(manager_a, "/api/v1/manage/group-buys", body(catalog_a, items=items))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"items.0.sku_id", "items.1.price_amount", "items.2.ladder.0.group_size"} <= set(errors)
    assert count(gb_shop) == 0


def test_manage_endpoints_refuse_foreign_hosts_tokens_and_roles(gb_shop, shop_b, catalog_a, manager_a):
    activity = make_group_buy(gb_shop, catalog_a.tea)
    b_manager = host_client(shop_b, issue_token(user=staff_of(shop_b)))
    assert b_manager.get(f"/api/v1/manage/group-buys/{activity.pk}").status_code == 404  # not in shop B
    a_with_b_token = host_client(gb_shop, issue_token(user=staff_of(shop_b)))
    assert a_with_b_token.get("/api/v1/manage/group-buys").status_code == 403
    assert post(a_with_b_token, "/api/v1/manage/group-buys", body(catalog_a)).status_code == 403
    assert host_client(gb_shop).get("/api/v1/manage/group-buys").status_code in (401, 403)
    staff = host_client(gb_shop, issue_token(user=staff_of(gb_shop, MembershipRole.STAFF)))
    assert staff.get("/api/v1/manage/group-buys").status_code == 200  # reads: any role
    assert post(staff, "/api/v1/manage/group-buys", body(catalog_a)).status_code == 403  # marketing.manage
    assert post(staff, f"/api/v1/manage/group-buys/{activity.pk}/end").status_code == 403
    assert manager_a.get("/api/v1/manage/group-buys/999999").status_code == 404
    assert post(manager_a, "/api/v1/manage/group-buys/999999/publish").status_code == 404
    assert count(gb_shop) == 1


def test_store_reads_activity_and_group_foreign_host_and_ids_are_404(
    gb_shop, shop_b, catalog_a, group_buy, buyer_a, buyer_b, client_a, client_b
):
    page = client_a.get(f"/api/v1/store/group-buys/{group_buy.pk}").json()
    assert page["status"] == "running" and page["group_sizes"] == [2]
    assert page["items"][0]["price_amount"] == GROUP_PRICE and page["items"][0]["remaining"] == 5
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    group = client_a.get(f"/api/v1/store/groups/{order['group_id']}").json()
    assert {k: group[k] for k in ("status", "group_size", "joined", "seated")} == {
        "status": "forming", "group_size": 2, "joined": 1, "seated": False,
    }  # fmt: skip
    assert group["share_url"].endswith(f"/groups/{order['group_id']}")
    assert buyer_a.client.get(f"/api/v1/store/groups/{order['group_id']}").json()["seated"] is True
    assert client_a.get(f"/api/v1/store/group-buys/{group_buy.pk}").json()["open_groups"][0]["id"] == order["group_id"]
    # Shop B's host knows neither the activity nor the group; a foreign member token is refused on A.
    assert client_b.get(f"/api/v1/store/group-buys/{group_buy.pk}").status_code == 404
    assert client_b.get(f"/api/v1/store/groups/{order['group_id']}").status_code == 404
    assert client_b.get(f"/api/v1/store/groups/{order['group_id']}/qr.svg").status_code == 404
    assert host_client(gb_shop, buyer_b.token).get(f"/api/v1/store/groups/{order['group_id']}").status_code == 401
    assert client_a.get("/api/v1/store/groups/987654").status_code == 404
    qr = client_a.get(f"/api/v1/store/groups/{order['group_id']}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    poster = client_a.get(f"/api/v1/store/groups/{order['group_id']}/poster.png")
    assert poster.status_code == 200 and poster.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_draft_is_not_shown_or_sold(gb_shop, catalog_a, buyer_a, client_a):
    draft = make_group_buy(gb_shop, catalog_a.tea, publish=False)
    assert client_a.get(f"/api/v1/store/group-buys/{draft.pk}").status_code == 404
    response = order_for(buyer_a, catalog_a.tea.pk, {"type": "group_buy", "id": draft.pk})
    assert response.status_code == 400 and "activity.id" in response.json()["errors"]


def test_order_requests_with_bad_activity_parts_change_nothing(
    gb_shop, catalog_a, catalog_b, group_buy, buyer_a, buyer_b
):
    other = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)  # a group to aim at
    before = in_shop(gb_shop, lambda: (Order.objects.count(), Participation.objects.count()))
    cases = [
        ({"type": "group_buy", "id": group_buy.pk}, catalog_a.cup.pk, 400, "items.0.sku_id"),
        ({"type": "group_buy", "id": 424242}, catalog_a.tea.pk, 400, "activity.id"),
        ({"type": "group_buy", "id": group_buy.pk, "group_id": 424242}, catalog_a.tea.pk, 400, "activity.group_id"),
        ({"type": "group_buy", "id": group_buy.pk, "group_size": 7}, catalog_a.tea.pk, 400, "activity.group_size"),
        ({"type": "group_buy", "id": group_buy.pk, "group_id": other["group_id"]}, catalog_a.tea.pk, 409, None),
    ]
    for activity, sku_id, code, field in cases:
        response = order_for(buyer_a, sku_id, activity)
        assert response.status_code == code, (activity, response.json())
        if field:
            assert field in response.json()["errors"]
    assert in_shop(gb_shop, lambda: (Order.objects.count(), Participation.objects.count())) == before
    # Shop B's member cannot use A's activity id on B's host: B has no such activity.
    response = order_for(buyer_b, catalog_b.tea.pk, {"type": "group_buy", "id": group_buy.pk})
    assert response.status_code == 400 and "activity.id" in response.json()["errors"]


def test_leader_discount_ladder_and_quotas(gb_shop, catalog_a, buyer_a, buyer_a2):
    activity = make_group_buy(
        gb_shop, catalog_a.tea, leader_discount_amount=1000, per_order_limit=2, per_member_limit=3,
        items=[{"sku_id": catalog_a.tea.pk, "price_amount": 9900, "stock": 10,
                "ladder": [{"group_size": 4, "price_amount": 8900}]}],
    )  # fmt: skip
    leader = buy(gb_shop, buyer_a, catalog_a.tea.pk, activity.pk, group_size=4)
    assert leader["lines"][0]["unit_price_amount"] == 7900  # the 4-person tier less the leader discount
    assert group_of(gb_shop, leader["group_id"]).size == 4
    joiner = order_for(
        buyer_a2, catalog_a.tea.pk, {"type": "group_buy", "id": activity.pk, "group_id": leader["group_id"]}, 2
    )
    assert joiner.status_code == 201 and joiner.json()["lines"][0]["unit_price_amount"] == 8900  # no leader discount
    too_many = order_for(buyer_a, catalog_a.tea.pk, {"type": "group_buy", "id": activity.pk}, 3)
    assert too_many.status_code == 409  # per order
    assert order_for(buyer_a, catalog_a.tea.pk, {"type": "group_buy", "id": activity.pk}, 2).status_code == 201
    assert (
        order_for(buyer_a, catalog_a.tea.pk, {"type": "group_buy", "id": activity.pk}, 1).status_code == 409
    )  # 3 used


def test_manage_groups_list(gb_shop, catalog_a, group_buy, buyer_a, manager_a):
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    rows = manager_a.get(f"/api/v1/manage/group-buys/{group_buy.pk}/groups").json()
    assert rows[0]["id"] == order["group_id"] and rows[0]["orders"] == [order["number"]]
