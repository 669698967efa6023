"""Merchant order list/detail (API and back office) and the shop's order timers."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from micromall.errors import Invalid
from shared_apps.accounts.services import issue_token
from tenant_apps.orders import deadlines, services, tasks
from tenant_apps.orders.models import Order, OrderSettings
from tests.conftest import host_client, staff_of

from .conftest import in_shop, place, stock_of


def test_merchant_lists_orders_by_status_and_finds_by_number_or_phone(shop_a, catalog_a, buyer_a, buyer_a2, manager_a):
    first = place(buyer_a, (catalog_a.tea.pk, 1)).json()
    second = place(buyer_a2, (catalog_a.cup.pk, 1)).json()
    buyer_a2.client.post(f"/api/v1/store/orders/{second['id']}/cancel")

    def ids(query=""):
        response = manager_a.get(f"/api/v1/manage/orders{query}")
        assert response.status_code == 200, response.json()
        return [o["id"] for o in response.json()["results"]]

    assert ids() == [second["id"], first["id"]]
    assert ids("?status=cancelled") == [second["id"]]
    assert ids(f"?q={first['number']}") == [first["id"]]
    assert ids("?q=13900000001") == [first["id"]]  # the member's login phone
    assert ids("?q=13800138000") == [second["id"], first["id"]]  # the delivery phone
    assert ids("?q=nothing") == []
    listed = manager_a.get("/api/v1/manage/orders").json()["results"][1]
    assert (listed["member"]["phone"], listed["total_amount"]) == ("13900000001", 12900)


def test_merchant_order_detail_has_lines_and_payments(shop_a, catalog_a, buyer_a, manager_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 2)).json()["id"]
    buyer_a.client.post(f"/api/v1/store/orders/{order_id}/pay", {"method": "cod"}, content_type="application/json")

    body = manager_a.get(f"/api/v1/manage/orders/{order_id}").json()

    assert (body["status"], body["total_amount"], body["lines"][0]["quantity"]) == ("paid", 25800, 2)
    assert [(p["method"], p["status"], p["amount"]) for p in body["payments"]] == [("cod", "pending", 25800)]


def test_merchant_endpoints_refuse_members_strangers_and_other_shops(shop_a, shop_b, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    owner_b = host_client(shop_a, issue_token(user=staff_of(shop_b)))

    for client, expected in ((buyer_a.client, (401, 403)), (owner_b, (403,)), (host_client(shop_a), (401, 403))):
        assert client.get("/api/v1/manage/orders").status_code in expected
        assert client.get(f"/api/v1/manage/orders/{order_id}").status_code in expected
    on_b = host_client(shop_b, issue_token(user=staff_of(shop_b))).get(f"/api/v1/manage/orders/{order_id}")
    assert on_b.status_code == 404


def test_finance_staff_may_read_orders(shop_a, catalog_a, buyer_a):
    place(buyer_a, (catalog_a.tea.pk, 1))
    finance = host_client(shop_a, issue_token(user=staff_of(shop_a, "finance")))

    assert finance.get("/api/v1/manage/orders").json()["count"] == 1


def test_back_office_lists_orders_in_yuan(shop_a, catalog_a, buyer_a, owner_a):
    order = place(buyer_a, (catalog_a.tea.pk, 1)).json()
    client = host_client(shop_a)
    client.force_login(owner_a)

    listing = client.get("/admin/orders/order/")
    detail = client.get(f"/admin/orders/order/{order['id']}/change/")

    assert listing.status_code == 200
    assert order["number"] in listing.content.decode()
    assert "¥129.00" in listing.content.decode()
    assert detail.status_code == 200
    assert "西湖龙井" in detail.content.decode()


def test_timers_cancel_overdue_unpaid_and_complete_overdue_shipped(shop_a, catalog_a, buyer_a, settings):
    settings.DEBUG = True
    overdue = place(buyer_a, (catalog_a.tea.pk, 2)).json()["id"]
    fresh = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    shipped = place(buyer_a, (catalog_a.cup.pk, 1)).json()["id"]
    buyer_a.client.post(f"/api/v1/store/orders/{shipped}/pay", {"method": "test"}, content_type="application/json")
    with tenant_context(shop_a):
        services.ship_order(order_id=shipped, carrier="ems", tracking_number="E1000")
        past = timezone.now() - timedelta(seconds=1)
        Order.objects.filter(pk=overdue).update(pay_deadline=past)
        Order.objects.filter(pk=shipped).update(auto_complete_at=past)

        done = services.run_due_timers()

        assert done == {"cancelled": 1, "completed": 1}
        statuses = dict(Order.objects.values_list("pk", "status"))
        assert (statuses[overdue], statuses[fresh], statuses[shipped]) == ("cancelled", "pending_payment", "completed")
        assert Order.objects.get(pk=overdue).cancel_reason == "timeout"
        fresh_deadline = Order.objects.get(pk=fresh).pay_deadline
    assert stock_of(shop_a, catalog_a.tea) == 9
    # The shop's next deadline is indexed: the fresh order's.
    assert deadlines.next_deadline_of(shop_a.schema_name) == fresh_deadline.timestamp()
    assert in_shop(shop_a, services.run_due_timers) == {"cancelled": 0, "completed": 0}


def test_the_shop_setting_sets_the_unpaid_window(shop_a, catalog_a, buyer_a):
    in_shop(shop_a, lambda: services.update_order_settings(auto_cancel_minutes=5, auto_complete_days=3))
    before = timezone.now()

    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    deadline = in_shop(shop_a, lambda: Order.objects.get(pk=order_id).pay_deadline)
    assert timedelta(minutes=5) <= deadline - before < timedelta(minutes=5, seconds=30)
    assert in_shop(shop_a, lambda: OrderSettings.objects.get().auto_complete_days) == 3


def test_a_settings_change_reaches_the_next_order_once_it_commits(
    shop_a, catalog_a, buyer_a, django_capture_on_commit_callbacks
):
    place(buyer_a, (catalog_a.tea.pk, 1))  # the default settings are now in the shop's snapshot
    with django_capture_on_commit_callbacks(execute=True):
        in_shop(shop_a, lambda: services.update_order_settings(auto_cancel_minutes=7))
    before = timezone.now()

    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    deadline = in_shop(shop_a, lambda: Order.objects.get(pk=order_id).pay_deadline)
    assert timedelta(minutes=7) <= deadline - before < timedelta(minutes=7, seconds=30)


def test_bad_order_settings_are_refused(shop_a):
    with tenant_context(shop_a):
        with pytest.raises(Invalid) as refused:
            services.update_order_settings(auto_cancel_minutes=0, auto_complete_days=365)

        assert set(refused.value.errors) == {"auto_cancel_minutes", "auto_complete_days"}
        assert not OrderSettings.objects.exists()


def test_dispatch_pops_only_shops_with_a_due_deadline(shop_a, shop_b):
    now = timezone.now()
    deadlines.note_deadline(now - timedelta(seconds=5), schema_name=shop_a.schema_name)
    deadlines.note_deadline(now + timedelta(minutes=10), schema_name=shop_b.schema_name)
    deadlines.note_deadline(now + timedelta(minutes=20), schema_name=shop_b.schema_name)  # LT: keeps the earlier

    assert deadlines.pop_due_shops(now) == [shop_a.schema_name]
    assert deadlines.pop_due_shops(now) == []
    assert deadlines.next_deadline_of(shop_b.schema_name) == (now + timedelta(minutes=10)).timestamp()
    assert deadlines.pop_due_shops(now + timedelta(minutes=15)) == [shop_b.schema_name]


def test_dispatch_task_runs_the_due_shops_timers(shop_a, catalog_a, buyer_a, celery_eager):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    past = timezone.now() - timedelta(seconds=1)
    in_shop(shop_a, lambda: Order.objects.filter(pk=order_id).update(pay_deadline=past))
    deadlines.note_deadline(past, schema_name=shop_a.schema_name)

    assert tasks.dispatch_due_timers() == 1

    assert in_shop(shop_a, lambda: Order.objects.get().status) == "cancelled"
    assert stock_of(shop_a, catalog_a.tea) == 10


def test_back_office_order_settings_refuse_out_of_range_values(shop_a, owner_a):
    client = host_client(shop_a)
    client.force_login(owner_a)

    refused = client.post("/admin/orders/ordersettings/add/", {"auto_cancel_minutes": 0, "auto_complete_days": 99})
    saved = client.post(
        "/admin/orders/ordersettings/add/",
        {"auto_cancel_minutes": 15, "auto_complete_days": 10, "return_window_days": 7},
    )

    assert refused.status_code == 200
    assert saved.status_code == 302
    row = in_shop(shop_a, OrderSettings.objects.get)
    assert (row.auto_cancel_minutes, row.auto_complete_days) == (15, 10)
