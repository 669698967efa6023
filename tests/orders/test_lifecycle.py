"""Cancel, pay (test, cod), confirm receipt, the state machine and the order events."""

import pytest
from django_tenants.utils import tenant_context

from micromall.errors import Conflict
from tenant_apps.catalog.models import StockAdjustment
from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders import services, states
from tenant_apps.orders.models import Order, OrderStatus, Payment
from tests.conftest import host_client

from .conftest import in_shop, place, stock_of


def post(buyer, order_id, action, body=None):
    return buyer.client.post(f"/api/v1/store/orders/{order_id}/{action}", body or {}, content_type="application/json")


def events_of(shop):
    return in_shop(shop, lambda: list(OutboxEvent.objects.order_by("created").values_list("name", "payload")))


def test_cancel_returns_stock_and_publishes_order_cancelled(shop_a, catalog_a, buyer_a):
    order = place(buyer_a, (catalog_a.tea.pk, 3)).json()

    response = post(buyer_a, order["id"], "cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert stock_of(shop_a, catalog_a.tea) == 10
    ledger = in_shop(shop_a, lambda: list(StockAdjustment.objects.filter(reason="cancel").values_list("delta", "note")))
    assert ledger == [(3, order["number"])]
    [(name, payload)] = events_of(shop_a)
    assert name == "order.cancelled"
    assert (payload["order_id"], payload["order_number"], payload["member_id"], payload["total_amount"]) == (
        order["id"], order["number"], buyer_a.member.pk, 38700,
    )  # fmt: skip
    assert payload["lines"] == [
        {
            "order_line_id": order["lines"][0]["id"],
            "sku_id": catalog_a.tea.pk,
            "product_id": catalog_a.tea.product_id,
            "quantity": 3,
            "total_amount": 38700,
        }
    ]


def test_cancelling_twice_is_409_and_returns_stock_once(shop_a, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 3)).json()["id"]
    post(buyer_a, order_id, "cancel")

    response = post(buyer_a, order_id, "cancel")

    assert response.status_code == 409
    assert response.json()["status"] == "cancelled"
    assert stock_of(shop_a, catalog_a.tea) == 10


def test_test_payment_marks_paid_and_publishes_order_paid(shop_a, catalog_a, buyer_a, settings):
    settings.DEBUG = True
    order_id = place(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 2)).json()["id"]

    response = post(buyer_a, order_id, "pay", {"method": "test"})

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["payment_method"]) == ("paid", "test")
    assert "client_secret" not in response.json()
    payments = in_shop(shop_a, lambda: list(Payment.objects.values_list("method", "status", "amount")))
    assert payments == [("test", "succeeded", 20000)]
    [(name, payload)] = events_of(shop_a)
    assert name == "order.paid"
    assert (payload["total_amount"], payload["gateway"], payload["payment_status"]) == (20000, "test", "succeeded")
    assert [(line["sku_id"], line["quantity"], line["total_amount"]) for line in payload["lines"]] == [
        (catalog_a.tea.pk, 1, 12900),
        (catalog_a.cup.pk, 2, 7100),
    ]


def test_test_payment_is_refused_without_debug(shop_a, catalog_a, buyer_a, settings):
    settings.DEBUG = False
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    response = post(buyer_a, order_id, "pay", {"method": "test"})

    assert response.status_code == 400
    assert "method" in response.json()["errors"]
    assert in_shop(shop_a, lambda: (Order.objects.get().status, Payment.objects.count())) == ("pending_payment", 0)


@pytest.mark.parametrize("body", [{}, {"method": "bitcoin"}, {"method": ""}, {"method": 7}])
def test_unknown_payment_method_is_400(shop_a, catalog_a, buyer_a, body):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    response = post(buyer_a, order_id, "pay", body)

    assert response.status_code == 400
    assert "method" in response.json()["errors"]
    assert in_shop(shop_a, Payment.objects.count) == 0


def test_paying_twice_or_a_cancelled_order_is_409(shop_a, catalog_a, buyer_a, settings):
    settings.DEBUG = True
    paid = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    cancelled = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    post(buyer_a, paid, "pay", {"method": "test"})
    post(buyer_a, cancelled, "cancel")

    again = post(buyer_a, paid, "pay", {"method": "test"})
    late = post(buyer_a, cancelled, "pay", {"method": "cod"})

    assert (again.status_code, late.status_code) == (409, 409)
    assert in_shop(shop_a, lambda: list(Payment.objects.values_list("order_id", "status"))) == [(paid, "succeeded")]
    assert [name for name, _ in events_of(shop_a)] == ["order.paid", "order.cancelled"]


def test_cash_on_delivery_makes_the_order_shippable_and_is_collected_on_completion(shop_a, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    response = post(buyer_a, order_id, "pay", {"method": "cod"})

    assert (response.json()["status"], response.json()["payment_method"]) == ("paid", "cod")
    assert in_shop(shop_a, lambda: list(Payment.objects.values_list("method", "status"))) == [("cod", "pending")]
    assert events_of(shop_a)[0][1]["payment_status"] == "due_on_delivery"

    in_shop(shop_a, lambda: services.ship_order(order_id=order_id, carrier="sf", tracking_number="SF100"))
    done = post(buyer_a, order_id, "confirm-receipt")

    assert done.json()["status"] == "completed"
    assert in_shop(shop_a, lambda: list(Payment.objects.values_list("method", "status"))) == [("cod", "succeeded")]
    assert [name for name, _ in events_of(shop_a)] == ["order.paid", "order.shipped", "order.completed"]


def test_confirm_receipt_moves_shipped_to_completed_only(shop_a, catalog_a, buyer_a, settings):
    settings.DEBUG = True
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    early = post(buyer_a, order_id, "confirm-receipt")
    post(buyer_a, order_id, "pay", {"method": "test"})
    in_shop(shop_a, lambda: services.ship_order(order_id=order_id, carrier="zto", tracking_number="ZT1000"))
    body = post(buyer_a, order_id, "confirm-receipt").json()

    assert early.status_code == 409
    assert body["status"] == "completed"
    assert (body["shipments"][0]["carrier"], body["shipments"][0]["carrier_label"]) == ("zto", "中通快递")
    shipped = next(p for n, p in events_of(shop_a) if n == "order.shipped")
    assert (shipped["carrier"], shipped["tracking_number"]) == ("zto", "ZT1000")


def test_another_members_order_is_404_for_every_action(shop_a, catalog_a, buyer_a, buyer_a2, settings):
    settings.DEBUG = True
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    responses = [
        buyer_a2.client.get(f"/api/v1/store/orders/{order_id}").status_code,
        post(buyer_a2, order_id, "cancel").status_code,
        post(buyer_a2, order_id, "pay", {"method": "test"}).status_code,
        post(buyer_a2, order_id, "confirm-receipt").status_code,
    ]

    assert responses == [404, 404, 404, 404]
    assert in_shop(shop_a, lambda: Order.objects.get().status) == "pending_payment"
    assert stock_of(shop_a, catalog_a.tea) == 9


def test_another_shops_order_id_is_404_and_foreign_tokens_401(shop_a, shop_b, catalog_a, buyer_a, buyer_b):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    on_b = buyer_b.client.get(f"/api/v1/store/orders/{order_id}")
    foreign_token = host_client(shop_a, buyer_b.token).post(f"/api/v1/store/orders/{order_id}/cancel")
    anonymous = host_client(shop_a).get(f"/api/v1/store/orders/{order_id}")
    huge = buyer_a.client.get("/api/v1/store/orders/99999999999999999999999")

    assert (on_b.status_code, foreign_token.status_code, anonymous.status_code, huge.status_code) == (
        404, 401, 401, 404,
    )  # fmt: skip
    assert in_shop(shop_a, lambda: Order.objects.get().status) == "pending_payment"


def test_store_list_shows_own_orders_with_status_tabs(shop_a, catalog_a, buyer_a, buyer_a2, settings):
    settings.DEBUG = True
    unpaid = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    paid = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    post(buyer_a, paid, "pay", {"method": "test"})
    place(buyer_a2, (catalog_a.tea.pk, 1))

    def ids(query=""):
        return [o["id"] for o in buyer_a.client.get(f"/api/v1/store/orders{query}").json()["results"]]

    assert ids() == [paid, unpaid]
    assert ids("?status=pending_payment") == [unpaid]
    assert ids("?status=to_ship") == [paid]
    assert ids("?status=unpaid,paid") == [paid, unpaid]
    assert ids("?status=completed") == []
    bad = buyer_a.client.get("/api/v1/store/orders?status=lost")
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (OrderStatus.PENDING_PAYMENT, "ship"),
        (OrderStatus.PENDING_PAYMENT, "complete"),
        (OrderStatus.PAID, "pay"),
        (OrderStatus.PAID, "cancel"),
        (OrderStatus.SHIPPED, "cancel"),
        (OrderStatus.COMPLETED, "ship"),
        (OrderStatus.CANCELLED, "pay"),
        (OrderStatus.CLOSED, "complete"),
    ],
)
def test_illegal_transitions_raise_conflict_and_change_nothing(status, action):
    order = Order(status=status)

    with pytest.raises(Conflict):
        states.advance(order, action)

    assert order.status == status


def test_legal_transitions_stamp_their_time():
    order = Order(status=OrderStatus.PENDING_PAYMENT)

    assert states.advance(order, "pay") == ["status", "paid_at"]
    assert order.status == OrderStatus.PAID and order.paid_at is not None


def test_close_after_full_refund_is_a_transition(shop_a, catalog_a, buyer_a, settings):
    settings.DEBUG = True
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    post(buyer_a, order_id, "pay", {"method": "test"})

    with tenant_context(shop_a):
        services.close_order(order_id=order_id)
        assert Order.objects.get().status == "closed"
        with pytest.raises(Conflict):
            services.close_order(order_id=order_id)


def test_refusals_are_in_chinese_by_default_and_english_on_request(shop_a, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    post(buyer_a, order_id, "cancel")

    chinese = post(buyer_a, order_id, "cancel").json()["detail"]
    english = buyer_a.client.post(f"/api/v1/store/orders/{order_id}/cancel", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]

    assert chinese == "只有待付款的订单可以取消。 当前订单状态：已取消。"
    assert english == "Only an order awaiting payment can be cancelled. This order is: Cancelled."


def test_the_fast_order_body_is_exactly_the_documented_serializer(shop_a, catalog_a, buyer_a, settings):
    from tenant_apps.orders import selectors
    from tenant_apps.orders.api.serializers import OrderSerializer, order_data

    settings.DEBUG = True
    order_id = place(buyer_a, (catalog_a.tea.pk, 2), note="快").json()["id"]
    post(buyer_a, order_id, "pay", {"method": "test"})
    in_shop(shop_a, lambda: services.ship_order(order_id=order_id, carrier="sf", tracking_number="SF1000"))

    def both():
        order = selectors.member_order(member=buyer_a.member, order_id=order_id)
        return order_data(order), dict(OrderSerializer(order).data)

    fast, documented = in_shop(shop_a, both)
    assert fast == documented
