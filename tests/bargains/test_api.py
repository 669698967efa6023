"""The bargain API: merchant create/list/detail/patch/status/sessions; store activity, start, help, session; the
order with `activity: {type: bargain, id, group_id: <session id>}`. Bad input is 400 with field messages and
changes nothing; foreign hosts, ids and tokens are 404/401/403; illegal states are 409."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole
from tenant_apps.bargains.models import Bargain, BargainHelp, BargainSession
from tenant_apps.orders.models import Order
from tests.conftest import host_client, staff_of

from .conftest import FLOOR, LIST_PRICE, help_, in_shop, make_bargain, make_buyer, order_for, post, session_row, start


def body(catalog, **overrides) -> dict:
    now = timezone.now()
    values = {
        "title": "砍价龙井", "sku_id": catalog.tea.pk, "floor_price_amount": 9900, "helpers_needed": 3, "hours": 24,
        "starts_at": (now - timedelta(minutes=5)).isoformat(), "ends_at": (now + timedelta(days=2)).isoformat(),
        "stock": 4,
    }  # fmt: skip
    values.update(overrides)
    return values


def count(shop) -> int:
    return in_shop(shop, lambda: Bargain.objects.count())


def test_the_merchant_creates_publishes_and_reads_a_bargain(bg_shop, catalog_a, manager_a):
    created = post(manager_a, "/api/v1/manage/bargains", body(catalog_a, cut_mode="fixed"))
    assert created.status_code == 201, created.json()
    data = created.json()
    assert {k: data[k] for k in ("status", "sku_id", "floor_price_amount", "helpers_needed", "hours", "stock",
                                 "sold", "cut_mode", "pay_at_any_price", "per_helper_limit")} == {
        "status": "draft", "sku_id": catalog_a.tea.pk, "floor_price_amount": 9900, "helpers_needed": 3,
        "hours": 24, "stock": 4, "sold": 0, "cut_mode": "fixed", "pay_at_any_price": False, "per_helper_limit": 0,
    }  # fmt: skip
    published = post(manager_a, f"/api/v1/manage/bargains/{data['id']}/publish")
    assert published.status_code == 200 and published.json()["status"] == "running"
    assert post(manager_a, f"/api/v1/manage/bargains/{data['id']}/publish").status_code == 409
    assert [row["id"] for row in manager_a.get("/api/v1/manage/bargains").json()] == [data["id"]]
    patched = manager_a.patch(
        f"/api/v1/manage/bargains/{data['id']}", {"title": "新标题", "stock": 6}, content_type="application/json"
    )
    assert patched.status_code == 200 and (patched.json()["title"], patched.json()["stock"]) == ("新标题", 6)
    refused = manager_a.patch(
        f"/api/v1/manage/bargains/{data['id']}", {"sku_id": catalog_a.cup.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and "sku_id" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"floor_price_amount": 12900}, "floor_price_amount"),  # not below the SKU's price
        ({"floor_price_amount": 20000}, "floor_price_amount"),  # above it
        ({"floor_price_amount": 12899, "helpers_needed": 5}, "floor_price_amount"),  # under 1 fen per helper
        ({"helpers_needed": 0}, "helpers_needed"),
        ({"hours": 0}, "hours"),
        ({"stock": 11}, "stock"),  # the tea has 10 units
        ({"title": ""}, "title"),
        ({"sku_id": 987654}, "sku_id"),
        ({"cut_mode": "wild"}, "cut_mode"),
        ({"ends_at": "2020-01-01T00:00:00+08:00"}, "ends_at"),
    ],
)
def test_bad_input_is_400_with_field_messages_and_creates_nothing(bg_shop, catalog_a, manager_a, overrides, field):
    response = post(manager_a, "/api/v1/manage/bargains", body(catalog_a, **overrides))
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert count(bg_shop) == 0


def test_another_shops_sku_is_refused(bg_shop, catalog_a, catalog_b, manager_a):
    response = post(manager_a, "/api/v1/manage/bargains", body(catalog_a, sku_id=catalog_b.cup.pk))
    assert response.status_code == 400 and "sku_id" in response.json()["errors"]
    assert count(bg_shop) == 0


def test_manage_endpoints_refuse_foreign_hosts_tokens_and_roles(bg_shop, shop_b, catalog_a, manager_a):
    activity = make_bargain(bg_shop, catalog_a.tea)
    b_manager = host_client(shop_b, issue_token(user=staff_of(shop_b)))
    assert b_manager.get(f"/api/v1/manage/bargains/{activity.pk}").status_code == 404
    assert b_manager.get(f"/api/v1/manage/bargains/{activity.pk}/sessions").status_code == 404
    assert post(b_manager, f"/api/v1/manage/bargains/{activity.pk}/end").status_code == 404
    a_with_b_token = host_client(bg_shop, issue_token(user=staff_of(shop_b)))
    assert a_with_b_token.get("/api/v1/manage/bargains").status_code == 403
    assert post(a_with_b_token, "/api/v1/manage/bargains", body(catalog_a)).status_code == 403
    assert host_client(bg_shop).get("/api/v1/manage/bargains").status_code in (401, 403)
    staff = host_client(bg_shop, issue_token(user=staff_of(bg_shop, MembershipRole.STAFF)))
    assert staff.get("/api/v1/manage/bargains").status_code == 200  # reads: any role
    assert post(staff, "/api/v1/manage/bargains", body(catalog_a)).status_code == 403  # marketing.manage
    assert post(staff, f"/api/v1/manage/bargains/{activity.pk}/end").status_code == 403
    assert manager_a.get("/api/v1/manage/bargains/999999").status_code == 404
    assert post(manager_a, "/api/v1/manage/bargains/999999/publish").status_code == 404
    assert count(bg_shop) == 1


def test_start_help_and_read_a_session(bg_shop, catalog_a, bargain, buyer_a, buyer_a2, client_a, manager_a):
    page = client_a.get(f"/api/v1/store/bargains/{bargain.pk}").json()
    assert (page["list_price_amount"], page["floor_price_amount"], page["remaining"]) == (LIST_PRICE, FLOOR, 5)
    started = start(buyer_a, bargain.pk)
    assert started.status_code == 201, started.json()
    sid = started.json()["id"]
    assert started.json()["current_price_amount"] == LIST_PRICE
    again = start(buyer_a, bargain.pk)  # the live session comes back, no second one
    assert again.status_code == 200 and again.json()["id"] == sid
    assert help_(buyer_a, sid).status_code == 409  # no self-help
    helped = help_(buyer_a2, sid)
    assert helped.status_code == 200, helped.json()
    cut = helped.json()["cut_amount"]
    assert 1 <= cut <= LIST_PRICE - FLOOR - 2 and helped.json()["current_price_amount"] == LIST_PRICE - cut
    assert help_(buyer_a2, sid).status_code == 409  # a second help
    public = client_a.get(f"/api/v1/store/bargain-sessions/{sid}").json()
    assert {k: public[k] for k in ("status", "current_price_amount", "helps", "is_owner", "can_buy", "order_id")} == {
        "status": "active", "current_price_amount": LIST_PRICE - cut, "helps": 1, "is_owner": False,
        "can_buy": False, "order_id": None,
    }  # fmt: skip
    assert [h["cut_amount"] for h in public["helpers"]] == [cut]
    assert public["share_url"].endswith(f"/bargain-sessions/{sid}")
    mine = buyer_a.client.get(f"/api/v1/store/bargain-sessions/{sid}").json()
    assert mine["is_owner"] is True and mine["can_buy"] is False  # floor not reached, pay_at_any_price off
    assert buyer_a2.client.get(f"/api/v1/store/bargain-sessions/{sid}").json()["helped"] is True
    qr = client_a.get(f"/api/v1/store/bargain-sessions/{sid}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    rows = manager_a.get(f"/api/v1/manage/bargains/{bargain.pk}/sessions").json()
    assert rows[0]["id"] == sid and rows[0]["helps"] == 1


def test_store_endpoints_foreign_host_ids_and_tokens(bg_shop, shop_b, catalog_a, bargain, buyer_a, buyer_b, client_b):
    sid = start(buyer_a, bargain.pk).json()["id"]
    assert client_b.get(f"/api/v1/store/bargains/{bargain.pk}").status_code == 404
    assert client_b.get(f"/api/v1/store/bargain-sessions/{sid}").status_code == 404
    assert client_b.get(f"/api/v1/store/bargain-sessions/{sid}/qr.svg").status_code == 404
    assert start(buyer_b, bargain.pk).status_code == 404  # B's member on B's host: no such activity there
    assert help_(buyer_b, sid).status_code == 404
    foreign = host_client(bg_shop, buyer_b.token)  # B's member token on A's host
    assert foreign.get(f"/api/v1/store/bargain-sessions/{sid}").status_code == 401
    assert post(foreign, f"/api/v1/store/bargain-sessions/{sid}/help").status_code == 401
    assert post(foreign, f"/api/v1/store/bargains/{bargain.pk}/start").status_code == 401
    anonymous = host_client(bg_shop)
    assert post(anonymous, f"/api/v1/store/bargain-sessions/{sid}/help").status_code in (401, 403)
    assert post(anonymous, f"/api/v1/store/bargains/{bargain.pk}/start").status_code in (401, 403)
    assert start(buyer_a, 987654).status_code == 404
    assert help_(buyer_a, 987654).status_code == 404
    assert in_shop(bg_shop, lambda: (BargainSession.objects.count(), BargainHelp.objects.count())) == (1, 0)


def test_a_draft_is_hidden_and_an_ended_one_refuses_starts(bg_shop, catalog_a, buyer_a, client_a, manager_a):
    draft = make_bargain(bg_shop, catalog_a.tea, publish=False)
    assert client_a.get(f"/api/v1/store/bargains/{draft.pk}").status_code == 404
    assert start(buyer_a, draft.pk).status_code == 404
    live = make_bargain(bg_shop, catalog_a.tea)
    assert post(manager_a, f"/api/v1/manage/bargains/{live.pk}/end").status_code == 200
    assert start(buyer_a, live.pk).status_code == 409


def test_the_charged_price_is_the_displayed_price(bg_shop, catalog_a, buyer_a, buyer_b):
    activity = make_bargain(bg_shop, catalog_a.tea, pay_at_any_price=True)
    sid = start(buyer_a, activity.pk).json()["id"]
    helpers = [make_buyer(bg_shop, f"1380000100{n}") for n in range(2)]
    for helper in helpers:
        assert help_(helper, sid).status_code == 200
    shown = buyer_a.client.get(f"/api/v1/store/bargain-sessions/{sid}").json()
    assert shown["can_buy"] is True
    preview = post(
        buyer_a.client,
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": catalog_a.tea.pk, "quantity": 1}], "address_id": buyer_a.address_id,
         "activity": {"type": "bargain", "id": activity.pk, "group_id": sid}},
    )  # fmt: skip
    placed = order_for(buyer_a, catalog_a.tea.pk, activity.pk, sid)
    assert placed.status_code == 201, placed.json()
    line = placed.json()["lines"][0]
    assert line["unit_price_amount"] == shown["current_price_amount"] == line["total_amount"]
    assert preview.status_code == 200, preview.json()
    assert preview.json()["lines"][0]["unit_price_amount"] == shown["current_price_amount"]
    assert session_row(bg_shop, sid).order_id == placed.json()["id"]
    assert in_shop(bg_shop, lambda: Bargain.objects.get(pk=activity.pk).sold) == 1
    # One order per session; the session takes no more help once ordered.
    assert order_for(buyer_a, catalog_a.tea.pk, activity.pk, sid).status_code == 409
    assert help_(make_buyer(bg_shop, "13800001009"), sid).status_code == 409


def test_order_requests_with_bad_bargain_parts_change_nothing(bg_shop, catalog_a, bargain, buyer_a, buyer_a2):
    sid = start(buyer_a, bargain.pk).json()["id"]
    other = start(buyer_a2, bargain.pk).json()["id"]
    before = in_shop(bg_shop, lambda: (Order.objects.count(), Bargain.objects.get(pk=bargain.pk).sold))
    cases = [
        (catalog_a.cup.pk, bargain.pk, sid, 1, 400, "items.0.sku_id"),
        (catalog_a.tea.pk, bargain.pk, sid, 2, 400, "items.0.quantity"),
        (catalog_a.tea.pk, 424242, sid, 1, 400, "activity.id"),
        (catalog_a.tea.pk, bargain.pk, None, 1, 400, "activity.group_id"),
        (catalog_a.tea.pk, bargain.pk, other, 1, 400, "activity.group_id"),  # another member's session
        (catalog_a.tea.pk, bargain.pk, 424242, 1, 400, "activity.group_id"),
        (catalog_a.tea.pk, bargain.pk, sid, 1, 409, None),  # the floor is not reached yet
    ]
    for sku_id, activity_id, session_id, quantity, code, field in cases:
        response = order_for(buyer_a, sku_id, activity_id, session_id, quantity)
        assert response.status_code == code, (sku_id, activity_id, session_id, response.json())
        if field:
            assert field in response.json()["errors"]
    assert in_shop(bg_shop, lambda: (Order.objects.count(), Bargain.objects.get(pk=bargain.pk).sold)) == before
