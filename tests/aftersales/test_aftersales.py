"""After-sales: refund only before shipment, return and refund, exchange; exact per-unit money; bad input; isolation."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.catalog.models import StockAdjustment
from tenant_apps.orders.models import AfterSale, Order, Payment, Refund
from tenant_apps.orders.services.aftersales import refund_share, unit_shares
from tests.conftest import host_client
from tests.orders.conftest import stock_of

from .conftest import (
    ask,
    decide,
    events_named,
    give_discount,
    in_shop,
    order_row,
    paid_order,
    pay,
    place,
    ship,
)


def test_unit_shares_spread_the_spare_fen_over_the_first_units():
    assert unit_shares(38600, 3) == [12867, 12867, 12866]
    assert unit_shares(5, 3) == [2, 2, 1]
    assert sum(unit_shares(99991, 7)) == 99991


def test_refunding_units_one_by_one_sums_to_the_line_total_even_after_a_rejection():
    class Line:
        total_amount, quantity = 100, 3

    first = refund_share(Line, claimed_quantity=0, claimed_amount=0, quantity=1)  # 34, then rejected
    second = refund_share(Line, claimed_quantity=0, claimed_amount=0, quantity=1)
    third = refund_share(Line, claimed_quantity=1, claimed_amount=second, quantity=1)
    fourth = refund_share(Line, claimed_quantity=2, claimed_amount=second + third, quantity=1)

    assert (first, second, third, fourth) == (34, 34, 33, 33)
    assert second + third + fourth == 100


def test_refund_before_shipment_uses_the_allocated_discount_and_returns_stock(shop_a, catalog_a, buyer_a, manager_a):
    order = place(buyer_a, (catalog_a.tea.pk, 3), (catalog_a.cup.pk, 1)).json()
    tea = order["lines"][0]
    give_discount(shop_a, order["id"], tea["id"], discount=100)  # tea line: 38700 - 100 = 38600
    pay(buyer_a, order["id"])

    requested = ask(buyer_a, order["id"], "refund", (tea["id"], 1))
    approved = decide(manager_a, requested.json()["id"], "approve")

    assert requested.status_code == 201
    body = requested.json()
    assert (body["status"], body["refund_amount"], body["type"]) == ("requested", 12867, "refund")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["refund"]["amount"]) == ("refunded", 12867)
    row = order_row(shop_a, order["id"])
    assert (row.status, row.refunded_amount) == ("paid", 12867)
    assert stock_of(shop_a, catalog_a.tea) == 10 - 3 + 1
    [event] = events_named(shop_a, "order.refunded")
    assert (event["refund_amount"], event["refunded_amount"], event["gateway"]) == (12867, 12867, "test")
    assert event["refunded_lines"] == [
        {"order_line_id": tea["id"], "sku_id": catalog_a.tea.pk, "product_id": catalog_a.tea.product_id,
         "quantity": 1, "refund_amount": 12867},
    ]  # fmt: skip
    [decision] = events_named(shop_a, "aftersale.decided")
    assert (decision["decision"], decision["refund_amount"]) == ("approved", 12867)


def test_refunding_everything_before_shipment_gives_shipping_back_and_closes(shop_a, catalog_a, buyer_a, manager_a):
    order = place(buyer_a, (catalog_a.tea.pk, 3)).json()
    tea = order["lines"][0]
    give_discount(shop_a, order["id"], tea["id"], discount=100, shipping=800)  # paid 38600 + 800
    pay(buyer_a, order["id"])

    amounts = []
    for _ in range(3):
        aftersale = ask(buyer_a, order["id"], "refund", (tea["id"], 1)).json()
        amounts.append(aftersale["refund_amount"])
        assert decide(manager_a, aftersale["id"], "approve").json()["status"] == "refunded"

    assert amounts == [12867, 12867, 12866 + 800]
    row = order_row(shop_a, order["id"])
    assert (row.status, row.refunded_amount, row.total_amount) == ("closed", 39400, 39400)
    over = ask(buyer_a, order["id"], "refund", (tea["id"], 1))
    assert over.status_code == 409


def test_return_and_refund_after_shipment_returns_stock_on_receipt(shop_a, catalog_a, buyer_a, manager_a, owner_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 2))
    tea = order["lines"][0]
    ship(manager_a, order["id"])
    aftersale = ask(buyer_a, order["id"], "return_refund", (tea["id"], 1), reason="").json()

    approved = decide(manager_a, aftersale["id"], "approve")
    twice = decide(manager_a, aftersale["id"], "approve")
    stock_before_receipt = stock_of(shop_a, catalog_a.tea)
    received = decide(manager_a, aftersale["id"], "receive")
    again = decide(manager_a, aftersale["id"], "receive")

    assert (approved.status_code, approved.json()["status"], approved.json()["refund"]) == (200, "approved", None)
    assert twice.status_code == 409
    assert (received.status_code, received.json()["status"]) == (200, "refunded")
    assert received.json()["refund"]["amount"] == 12900
    assert again.status_code == 409
    assert stock_of(shop_a, catalog_a.tea) == stock_before_receipt + 1
    ledger = in_shop(shop_a, lambda: list(StockAdjustment.objects.filter(reason="return").values_list(
        "delta", "actor_user_id", "note")))  # fmt: skip
    assert ledger == [(1, owner_a.pk, f"{order['number']} #{aftersale['id']}")]
    row = order_row(shop_a, order["id"])
    assert (row.status, row.refunded_amount) == ("shipped", 12900)


def test_exchange_receives_the_goods_and_ships_a_replacement(shop_a, catalog_a, buyer_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.cup.pk, 1))
    cup = order["lines"][0]
    ship(manager_a, order["id"])
    aftersale = ask(buyer_a, order["id"], "exchange", (cup["id"], 1), reason="杯子有裂纹").json()
    decide(manager_a, aftersale["id"], "approve")
    decide(manager_a, aftersale["id"], "receive")
    after_receipt = stock_of(shop_a, catalog_a.cup)

    sent = decide(manager_a, aftersale["id"], "ship", {"carrier": "yto", "tracking_number": "YT99990000"})

    assert aftersale["refund_amount"] == 0
    assert (sent.status_code, sent.json()["status"]) == (200, "exchanged")
    assert sent.json()["exchange_shipment"]["tracking_number"] == "YT99990000"
    assert stock_of(shop_a, catalog_a.cup) == after_receipt - 1
    assert order_row(shop_a, order["id"]).refunded_amount == 0
    assert events_named(shop_a, "order.refunded") == []


def test_reject_needs_a_reason_and_frees_the_units(shop_a, catalog_a, buyer_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 1))
    tea = order["lines"][0]
    first = ask(buyer_a, order["id"], "refund", (tea["id"], 1)).json()
    blocked = ask(buyer_a, order["id"], "refund", (tea["id"], 1))

    no_reason = decide(manager_a, first["id"], "reject", {"reason": ""})
    rejected = decide(manager_a, first["id"], "reject", {"reason": "已与买家协商"})
    approve_rejected = decide(manager_a, first["id"], "approve")
    again = ask(buyer_a, order["id"], "refund", (tea["id"], 1))

    assert blocked.status_code == 400
    assert no_reason.status_code == 400
    assert (rejected.json()["status"], rejected.json()["reject_reason"]) == ("rejected", "已与买家协商")
    assert approve_rejected.status_code == 409
    assert (again.status_code, again.json()["refund_amount"]) == (201, 12900)
    assert order_row(shop_a, order["id"]).refunded_amount == 0
    assert [e["decision"] for e in events_named(shop_a, "aftersale.decided")] == ["rejected"]


def test_bad_requests_change_nothing(shop_a, catalog_a, buyer_a, buyer_a2, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 2))
    other = paid_order(buyer_a2, (catalog_a.cup.pk, 1))
    unpaid = place(buyer_a, (catalog_a.cup.pk, 1)).json()
    tea = order["lines"][0]["id"]

    answers = {
        "over bought": ask(buyer_a, order["id"], "refund", (tea, 3)),
        "zero": ask(buyer_a, order["id"], "refund", (tea, 0)),
        "no lines": ask(buyer_a, order["id"], "refund"),
        "bad type": ask(buyer_a, order["id"], "gift", (tea, 1)),
        "foreign line": ask(buyer_a, order["id"], "refund", (other["lines"][0]["id"], 1)),
        "twice the line": ask(buyer_a, order["id"], "refund", (tea, 1), (tea, 1)),
        "return before shipping": ask(buyer_a, order["id"], "return_refund", (tea, 1)),
        "unpaid": ask(buyer_a, unpaid["id"], "refund", (unpaid["lines"][0]["id"], 1)),
        "another member's order": ask(buyer_a, other["id"], "refund", (other["lines"][0]["id"], 1)),
        "no such order": ask(buyer_a, 999999, "refund", (tea, 1)),
    }

    assert {k: r.status_code for k, r in answers.items()} == {
        "over bought": 400, "zero": 400, "no lines": 400, "bad type": 400, "foreign line": 400,
        "twice the line": 400, "return before shipping": 409, "unpaid": 409, "another member's order": 404,
        "no such order": 404,
    }  # fmt: skip
    assert "lines.0.quantity" in answers["over bought"].json()["errors"]
    assert "lines.0.order_line_id" in answers["foreign line"].json()["errors"]
    assert in_shop(shop_a, AfterSale.objects.count) == 0
    ship(manager_a, order["id"])
    assert ask(buyer_a, order["id"], "refund", (tea, 1)).status_code == 409  # shipped: refund only is over


def test_returns_close_after_the_no_reason_window(shop_a, catalog_a, buyer_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 1))
    tea = order["lines"][0]["id"]
    ship(manager_a, order["id"])
    buyer_a.client.post(f"/api/v1/store/orders/{order['id']}/confirm-receipt")
    in_shop(shop_a, lambda: Order.objects.filter(pk=order["id"]).update(
        completed_at=timezone.now() - timedelta(days=7, minutes=1)))  # fmt: skip

    late = ask(buyer_a, order["id"], "return_refund", (tea, 1))
    in_shop(
        shop_a, lambda: Order.objects.filter(pk=order["id"]).update(completed_at=timezone.now() - timedelta(days=6))
    )
    in_time = ask(buyer_a, order["id"], "return_refund", (tea, 1))

    assert late.status_code == 409
    assert in_time.status_code == 201


def test_aftersales_isolation_hosts_tokens_and_roles(
    shop_a, shop_b, catalog_a, buyer_a, buyer_a2, buyer_b, manager_a, manager_b, finance_a, owner_a_token
):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 1))
    tea = order["lines"][0]["id"]
    aftersale = ask(buyer_a, order["id"], "refund", (tea, 1)).json()

    foreign = {
        "B staff approves": decide(manager_b, aftersale["id"], "approve").status_code,
        "B staff lists": manager_b.get("/api/v1/manage/aftersales").json()["count"],
        "A token on B host": decide(host_client(shop_b, owner_a_token), aftersale["id"], "approve").status_code,
        "shopper approves": decide(buyer_a.client, aftersale["id"], "approve").status_code,
        "finance approves": decide(finance_a, aftersale["id"], "approve").status_code,
        "other member asks": ask(buyer_a2, order["id"], "refund", (tea, 1)).status_code,
        "B member on A order": ask(buyer_b, order["id"], "refund", (tea, 1)).status_code,
        "other member reads": buyer_a2.client.get(f"/api/v1/store/aftersales/{aftersale['id']}").status_code,
    }

    assert foreign["B staff approves"] == 404
    assert foreign["B staff lists"] == 0
    assert foreign["A token on B host"] in (401, 403)
    assert foreign["shopper approves"] in (401, 403)
    assert foreign["finance approves"] == 403
    assert foreign["other member asks"] == 404
    assert foreign["B member on A order"] == 404
    assert foreign["other member reads"] == 404
    assert in_shop(shop_a, lambda: AfterSale.objects.get().status) == "requested"
    assert in_shop(shop_a, Refund.objects.count) == 0
    listed = finance_a.get("/api/v1/manage/aftersales?status=requested").json()
    assert [row["id"] for row in listed["results"]] == [aftersale["id"]]
    assert manager_a.get("/api/v1/manage/aftersales?status=nope").status_code == 400
    mine = buyer_a.client.get(f"/api/v1/store/orders/{order['id']}").json()["aftersales"]
    assert [(a["id"], a["status"]) for a in mine] == [(aftersale["id"], "requested")]


def test_cash_on_delivery_refund_before_shipment_is_recorded(shop_a, catalog_a, buyer_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 1), method="cod")
    aftersale = ask(buyer_a, order["id"], "refund", (order["lines"][0]["id"], 1)).json()

    done = decide(manager_a, aftersale["id"], "approve").json()

    assert (done["status"], done["refund"]["status"], done["refund"]["amount"]) == ("refunded", "succeeded", 12900)
    row = order_row(shop_a, order["id"])
    assert (row.status, row.refunded_amount) == ("closed", 12900)
    assert in_shop(shop_a, lambda: Payment.objects.get().refunded_amount) == 12900


def test_the_shipping_fee_goes_back_once_even_after_a_request_was_rejected(shop_a, catalog_a, buyer_a, manager_a):
    """2 teas + ¥10 shipping, nothing shipped: tea 1 asked (A), then tea 2 (B, the last units: the fee with it); A is
    rejected and asked again (C): C does not carry the fee a second time, so it fits what was paid."""
    order = place(buyer_a, (catalog_a.tea.pk, 2)).json()
    tea = order["lines"][0]
    give_discount(shop_a, order["id"], tea["id"], discount=0, shipping=1000)  # total 25800 + 1000
    pay(buyer_a, order["id"])
    a = ask(buyer_a, order["id"], "refund", (tea["id"], 1)).json()
    b = ask(buyer_a, order["id"], "refund", (tea["id"], 1)).json()
    assert decide(manager_a, a["id"], "reject", {"reason": "先别退"}).status_code == 200

    c = ask(buyer_a, order["id"], "refund", (tea["id"], 1))

    assert (a["refund_amount"], b["refund_amount"]) == (12900, 13900)
    assert (c.status_code, c.json()["refund_amount"], c.json()["shipping_refund_amount"]) == (201, 12900, 0)
