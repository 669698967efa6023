"""A full refund whose order.refunded reaches the subscribers before the order's order.paid (delivery order is not
guaranteed: a failed handler alone is retried later, docs/events.md): the commission booked by the late order.paid is
reversed at once, and the coupon goes back to the member instead of being marked used."""

from tenant_apps.distribution.models import CommissionEntry
from tenant_apps.events.models import OutboxEvent
from tenant_apps.events.services import deliver_event
from tests.aftersales.conftest import ask, decide
from tests.coupons.conftest import claimed_code, make_coupon, my_coupons

from .conftest import distributor, in_shop, member


def deliver_named(shop, name: str) -> None:
    ids = in_shop(shop, lambda: list(OutboxEvent.objects.filter(name=name).values_list("pk", flat=True)))
    for pk in ids:
        in_shop(shop, lambda pk=pk: deliver_event(event_id=pk))


def test_a_refund_delivered_before_the_payment_leaves_no_commission_and_returns_the_coupon(
    dist_a, catalog_a, manager_a
):
    _sharer, code = distributor(dist_a, "13100000001")
    buyer = member(dist_a, "13100000002", ref=code)
    coupon_code = claimed_code(buyer, make_coupon(dist_a).pk)
    body = {"items": [{"sku_id": catalog_a.tea.pk, "quantity": 1}], "address_id": buyer.address_id,
            "coupon_code": coupon_code}  # fmt: skip
    order = buyer.client.post("/api/v1/store/orders", body, content_type="application/json").json()
    pay = buyer.client.post(
        f"/api/v1/store/orders/{order['id']}/pay", {"method": "test"}, content_type="application/json"
    )
    aftersale = ask(buyer, order["id"], "refund", (order["lines"][0]["id"], 1)).json()
    assert (pay.status_code, decide(manager_a, aftersale["id"], "approve").json()["status"]) == (200, "refunded")

    deliver_named(dist_a, "order.refunded")  # first: order.paid's handlers failed once and wait for their retry
    deliver_named(dist_a, "order.paid")
    deliver_named(dist_a, "order.refunded")  # a redelivery changes nothing

    entries = in_shop(dist_a, lambda: list(CommissionEntry.objects.filter(order_id=order["id"]).values_list(
        "kind", "amount")))  # fmt: skip
    assert entries and sum(amount for _kind, amount in entries) == 0
    assert my_coupons(buyer)[coupon_code] == "unused"
