"""The merchant's flash-sale API and the store's list: 201 with the session, bad input -> 400 with field
messages and nothing created, statuses through the lifecycle, foreign hosts, ids and tokens refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole
from tenant_apps.flash_sales.models import FlashSale
from tests.conftest import host_client, staff_of

from .conftest import FLASH_PRICE, buy, create_sale, in_shop, iso

URL = "/api/v1/manage/flash-sales"


def body(catalog, **changes):
    start = timezone.now() + timedelta(hours=1)
    data = {
        "title": "00:00 场",
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(hours=2)),
        "items": [{"sku_id": catalog.tea.pk, "price_amount": FLASH_PRICE, "stock": 5, "per_member_limit": 1}],
    }
    item = changes.pop("item", {})
    data["items"][0].update(item)
    data.update(changes)
    return data


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def count(shop) -> int:
    return in_shop(shop, lambda: FlashSale.objects.count())


def test_create_returns_201_with_the_session(shop_a, catalog_a, manager_a):
    response = post(manager_a, body(catalog_a))

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["pay_within_minutes"] == 5 and data["currency"] == "CNY"
    item = data["items"][0]
    assert (item["sku_id"], item["price_amount"], item["normal_price_amount"]) == (catalog_a.tea.pk, FLASH_PRICE, 12900)
    assert (item["stock"], item["remaining"], item["per_member_limit"], item["per_order_limit"]) == (5, 5, 1, 1)
    listed = manager_a.get(URL).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == data["id"]
    assert manager_a.get(f"{URL}/{data['id']}").json()["items"][0]["orders"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"item": {"price_amount": 12901}}, "items.0.price_amount"),  # above the normal price
        ({"item": {"price_amount": 0}}, "items.0.price_amount"),
        ({"item": {"per_member_limit": 0}}, "items.0.per_member_limit"),
        ({"item": {"per_order_limit": 0}}, "items.0.per_order_limit"),
        ({"item": {"per_order_limit": 2}}, "items.0.per_order_limit"),  # above the per-member limit
        ({"item": {"stock": 11}}, "items.0.stock"),  # above the real stock (10)
        ({"item": {"stock": 0}}, "items.0.stock"),
        ({"item": {"sku_id": 987654}}, "items.0.sku_id"),
        ({"items": []}, "items"),
        ({"title": ""}, "title"),
        ({"pay_within_minutes": 0}, "pay_within_minutes"),
        ({"ends_at": "2020-01-01T00:00:00+08:00"}, "ends_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"item": {"stock": "many"}}, "items.0.stock"),
    ],
)
def test_bad_input_is_a_400_with_field_messages_and_nothing_created(shop_a, catalog_a, manager_a, change, field):
    response = post(manager_a, body(catalog_a, **change))

    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert count(shop_a) == 0


def test_overlapping_sessions_of_one_sku_are_refused(shop_a, catalog_a, manager_a):
    first = body(catalog_a)
    assert post(manager_a, {**first, "publish": True}).status_code == 201
    start = timezone.now() + timedelta(hours=2)  # inside the first one's window

    overlapping = post(manager_a, body(catalog_a, starts_at=iso(start), ends_at=iso(start + timedelta(hours=2))))
    later = post(
        manager_a,
        body(catalog_a, starts_at=first["ends_at"], ends_at=iso(timezone.now() + timedelta(hours=5))),
    )

    assert overlapping.status_code == 400 and "items.0.sku_id" in overlapping.json()["errors"]
    assert later.status_code == 201  # back to back is not an overlap
    assert count(shop_a) == 2


def test_a_session_at_midnight_is_a_session_like_any_other(shop_a, catalog_a, manager_a, client_a):
    midnight = (timezone.localtime() + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    created = post(manager_a, body(catalog_a, starts_at=iso(midnight), ends_at=iso(midnight + timedelta(hours=2)),
                                   publish=True))  # fmt: skip

    assert created.status_code == 201 and created.json()["status"] == "scheduled"
    page = client_a.get("/flash-sales")
    assert page.status_code == 200 and "00:00" in page.content.decode()


def test_status_actions_follow_the_lifecycle(shop_a, catalog_a, manager_a):
    start = timezone.now() - timedelta(minutes=1)
    sale_id = post(manager_a, body(catalog_a, starts_at=iso(start))).json()["id"]

    assert manager_a.post(f"{URL}/{sale_id}/pause").status_code == 409  # a draft cannot be paused
    assert manager_a.post(f"{URL}/{sale_id}/publish").json()["status"] == "running"
    assert manager_a.post(f"{URL}/{sale_id}/pause").json()["status"] == "paused"
    assert manager_a.post(f"{URL}/{sale_id}/resume").json()["status"] == "running"
    assert manager_a.post(f"{URL}/{sale_id}/end").json()["status"] == "ended"
    assert manager_a.post(f"{URL}/{sale_id}/resume").status_code == 409


def test_the_store_lists_running_and_upcoming_sessions_with_remaining(shop_a, catalog_a, buyer_a, client_a):
    running = create_sale(shop_a, [catalog_a.tea])
    upcoming = create_sale(shop_a, [catalog_a.cup], start=timezone.now() + timedelta(hours=3), price_amount=3000,
                           stock=2)  # fmt: skip
    create_sale(shop_a, [catalog_a.cup], start=timezone.now() - timedelta(hours=3), minutes=30, price_amount=3000,
                stock=1)  # ended  # fmt: skip
    create_sale(shop_a, [catalog_a.cup], start=timezone.now() + timedelta(hours=6), price_amount=3000, stock=1,
                publish=False)  # a draft  # fmt: skip
    assert buy(buyer_a, running, catalog_a.tea).status_code == 201

    data = client_a.get("/api/v1/store/flash-sales").json()

    assert [(s["id"], s["status"]) for s in data["results"]] == [(running.pk, "running"), (upcoming.pk, "scheduled")]
    item = data["results"][0]["items"][0]
    assert (item["remaining"], item["sold"], item["sold_percent"], item["price_amount"]) == (4, 1, 20, FLASH_PRICE)


def test_the_store_page_shows_sessions_with_countdown_and_progress(shop_a, catalog_a, buyer_a, client_a):
    sale = create_sale(shop_a, [catalog_a.tea])
    buy(buyer_a, sale, catalog_a.tea)

    html = client_a.get("/flash-sales").content.decode()

    assert "data-countdown" in html and "¥99.00" in html and "¥129.00" in html
    assert "width:20%" in html and f"activity_id={sale.pk}" in html


def test_a_foreign_host_or_foreign_id_is_a_404(shop_a, shop_b, catalog_a, manager_a):
    sale_id = post(manager_a, body(catalog_a)).json()["id"]
    owner_b = host_client(shop_b, issue_token(user=staff_of(shop_b)))

    assert owner_b.get(f"{URL}/{sale_id}").status_code == 404
    assert owner_b.post(f"{URL}/{sale_id}/publish").status_code == 404
    assert owner_b.get(URL).json()["count"] == 0
    assert manager_a.get(f"{URL}/{sale_id + 1000}").status_code == 404
    assert in_shop(shop_a, lambda: FlashSale.objects.get().status) == "draft"


def test_foreign_tokens_and_missing_permissions_are_refused(shop_a, shop_b, catalog_a, manager_a):
    sale_id = post(manager_a, body(catalog_a)).json()["id"]
    on_a_with_b_token = host_client(shop_a, issue_token(user=staff_of(shop_b)))
    staff_a = host_client(shop_a, issue_token(user=staff_of(shop_a, MembershipRole.STAFF)))

    assert on_a_with_b_token.get(URL).status_code == 403
    assert on_a_with_b_token.post(f"{URL}/{sale_id}/publish").status_code == 403
    assert host_client(shop_a).get(URL).status_code in (401, 403)
    assert staff_a.get(URL).status_code == 200  # every role reads
    assert post(staff_a, body(catalog_a)).status_code == 403  # staff has no marketing.manage
    assert staff_a.post(f"{URL}/{sale_id}/publish").status_code == 403
    assert count(shop_a) == 1 and in_shop(shop_a, lambda: FlashSale.objects.get().status) == "draft"
