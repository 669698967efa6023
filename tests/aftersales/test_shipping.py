"""The merchant ships all or part of an order; the shopper sees each parcel; order.shipped per parcel."""

from tenant_apps.orders.models import Order, Shipment

from .conftest import events_named, in_shop, order_row, paid_order, place, ship


def test_shipping_everything_moves_the_order_to_shipped(shop_a, catalog_a, buyer_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 2), (catalog_a.cup.pk, 1))

    response = ship(manager_a, order["id"], carrier="jd", tracking_number="JD0012345")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "shipped"
    [parcel] = body["shipments"]
    assert (parcel["carrier"], parcel["carrier_label"], parcel["tracking_number"]) == ("jd", "京东物流", "JD0012345")
    assert sorted((line["order_line_id"], line["quantity"]) for line in parcel["lines"]) == sorted(
        (line["id"], line["quantity"]) for line in order["lines"]
    )
    seen = buyer_a.client.get(f"/api/v1/store/orders/{order['id']}").json()
    assert [(p["carrier"], p["tracking_number"]) for p in seen["shipments"]] == [("jd", "JD0012345")]
    [event] = events_named(shop_a, "order.shipped")
    assert (event["status"], event["fully_shipped"], event["carrier"]) == ("shipped", True, "jd")
    assert order_row(shop_a, order["id"]).auto_complete_at is not None


def test_partial_shipments_keep_the_order_paid_until_the_last_unit(shop_a, catalog_a, buyer_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 3), (catalog_a.cup.pk, 1))
    tea, cup = order["lines"]

    first = ship(manager_a, order["id"], lines=[{"order_line_id": tea["id"], "quantity": 2}])
    second = ship(manager_a, order["id"], carrier="ems", tracking_number="EMS000111", lines=[
        {"order_line_id": tea["id"], "quantity": 1}])  # fmt: skip
    last = ship(manager_a, order["id"], carrier="zto", tracking_number="ZT77770000")

    assert (first.status_code, first.json()["status"]) == (200, "paid")
    assert (second.status_code, second.json()["status"]) == (200, "paid")
    assert (last.status_code, last.json()["status"]) == (200, "shipped")
    parcels = buyer_a.client.get(f"/api/v1/store/orders/{order['id']}").json()["shipments"]
    assert [[(x["order_line_id"], x["quantity"]) for x in p["lines"]] for p in parcels] == [
        [(tea["id"], 2)], [(tea["id"], 1)], [(cup["id"], 1)],
    ]  # fmt: skip
    events = events_named(shop_a, "order.shipped")
    assert [(e["fully_shipped"], e["status"], e["shipment_lines"][0]["quantity"]) for e in events] == [
        (False, "paid", 2), (False, "paid", 1), (True, "shipped", 1),
    ]  # fmt: skip
    assert ship(manager_a, order["id"]).status_code == 409  # nothing left


def test_bad_shipments_are_refused_and_change_nothing(shop_a, catalog_a, buyer_a, buyer_a2, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 2))
    other = paid_order(buyer_a2, (catalog_a.cup.pk, 1))
    unpaid = place(buyer_a, (catalog_a.cup.pk, 1)).json()
    line_id = order["lines"][0]["id"]

    answers = {
        "carrier": ship(manager_a, order["id"], carrier="dhl"),
        "tracking": ship(manager_a, order["id"], tracking_number="!"),
        "too many": ship(manager_a, order["id"], lines=[{"order_line_id": line_id, "quantity": 3}]),
        "zero": ship(manager_a, order["id"], lines=[{"order_line_id": line_id, "quantity": 0}]),
        "foreign line": ship(manager_a, order["id"], lines=[{"order_line_id": other["lines"][0]["id"], "quantity": 1}]),
        "twice": ship(manager_a, order["id"], lines=[{"order_line_id": line_id, "quantity": 1}] * 2),
        "unpaid": ship(manager_a, unpaid["id"]),
        "missing": ship(manager_a, 999999),
    }

    assert {k: r.status_code for k, r in answers.items()} == {
        "carrier": 400, "tracking": 400, "too many": 400, "zero": 400, "foreign line": 400, "twice": 400,
        "unpaid": 409, "missing": 404,
    }  # fmt: skip
    assert "carrier" in answers["carrier"].json()["errors"]
    assert "lines.0.quantity" in answers["too many"].json()["errors"]
    assert "lines.0.order_line_id" in answers["foreign line"].json()["errors"]
    assert answers["unpaid"].json()["status"] == "pending_payment"
    assert in_shop(shop_a, Shipment.objects.count) == 0
    assert events_named(shop_a, "order.shipped") == []


def test_shipping_isolation_foreign_host_token_and_roles(
    shop_a, shop_b, catalog_a, buyer_a, manager_a, manager_b, finance_a, owner_a_token
):
    from tests.conftest import host_client

    order = paid_order(buyer_a, (catalog_a.tea.pk, 1))

    answers = [
        ship(manager_b, order["id"]).status_code,  # shop B's staff on B's host: no such order there
        ship(host_client(shop_b, owner_a_token), order["id"]).status_code,  # A's token on B's host
        ship(buyer_a.client, order["id"]).status_code,  # a shopper's token
        ship(host_client(shop_a), order["id"]).status_code,  # no token
        ship(finance_a, order["id"]).status_code,  # finance reads only
    ]

    assert answers[0] == 404
    assert all(code in (401, 403) for code in answers[1:]), answers
    assert in_shop(shop_a, lambda: Order.objects.get(pk=order["id"]).status) == "paid"
    assert in_shop(shop_a, Shipment.objects.count) == 0
    assert finance_a.get(f"/api/v1/manage/orders/{order['id']}").status_code == 200


def test_cash_on_delivery_is_collected_when_the_shopper_confirms_receipt(shop_a, catalog_a, buyer_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 1), method="cod")
    ship(manager_a, order["id"])

    done = buyer_a.client.post(f"/api/v1/store/orders/{order['id']}/confirm-receipt").json()

    payments = manager_a.get(f"/api/v1/manage/orders/{order['id']}").json()["payments"]
    assert done["status"] == "completed"
    assert [(p["method"], p["status"], p["amount"]) for p in payments] == [("cod", "succeeded", 12900)]


def test_an_undecided_refund_request_keeps_the_order_to_ship_until_it_is_decided(shop_a, catalog_a, buyer_a, manager_a):
    """1 of 2 teas under a refund request; the merchant ships the other. Rejected, the unit is to ship again (the
    order was not marked shipped with a paid unit nobody could ship or refund); approved, the order is done."""
    from .conftest import ask, decide

    order = paid_order(buyer_a, (catalog_a.tea.pk, 2))
    tea = order["lines"][0]
    asked = ask(buyer_a, order["id"], "refund", (tea["id"], 1)).json()

    first = ship(manager_a, order["id"])
    assert (first.status_code, first.json()["status"]) == (200, "paid")
    assert decide(manager_a, asked["id"], "reject", {"reason": "不同意"}).status_code == 200
    second = ship(manager_a, order["id"], tracking_number="SF0000000002")

    assert (second.status_code, second.json()["status"]) == (200, "shipped")
    assert [p["lines"][0]["quantity"] for p in second.json()["shipments"]] == [1, 1]


def test_an_approved_refund_of_the_last_unit_finishes_the_shipping(shop_a, catalog_a, buyer_a, manager_a):
    from .conftest import ask, decide

    order = paid_order(buyer_a, (catalog_a.tea.pk, 2))
    asked = ask(buyer_a, order["id"], "refund", (order["lines"][0]["id"], 1)).json()
    ship(manager_a, order["id"])

    assert decide(manager_a, asked["id"], "approve").json()["status"] == "refunded"
    assert order_row(shop_a, order["id"]).status == "shipped"
