"""POST /api/v1/store/orders: atomic creation, stock reserved with the ledger, snapshots, numbers, bad input."""

import re

import pytest
from django.utils import timezone

from micromall.db.prepared import original_sql
from tenant_apps.catalog.models import Product, Sku, StockAdjustment
from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders.models import Order, OrderLine
from tests.conftest import host_client

from .conftest import in_shop, order_body, place, stock_of


def test_placing_an_order_reserves_stock_and_snapshots_lines(shop_a, catalog_a, buyer_a):
    response = place(buyer_a, (catalog_a.tea.pk, 2), (catalog_a.cup.pk, 1), note="请尽快发货")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_payment"
    assert (body["subtotal_amount"], body["discount_amount"], body["shipping_amount"], body["total_amount"]) == (
        29350, 0, 0, 29350,
    )  # fmt: skip
    assert body["currency"] == "CNY"
    assert body["note"] == "请尽快发货"
    assert [
        (line["sku_id"], line["title"], line["specs"], line["quantity"], line["unit_price_amount"],
         line["discount_amount"], line["total_amount"])
        for line in body["lines"]
    ] == [
        (catalog_a.tea.pk, "西湖龙井", {"规格": "250g"}, 2, 12900, 0, 25800),
        (catalog_a.cup.pk, "玻璃杯", {}, 1, 3550, 0, 3550),
    ]  # fmt: skip
    assert re.fullmatch(rf"{timezone.localdate():%Y%m%d}\d{{6,}}", body["number"])
    assert stock_of(shop_a, catalog_a.tea) == 8
    assert stock_of(shop_a, catalog_a.cup) == 2

    def ledger():
        return list(
            StockAdjustment.objects.filter(reason="order").order_by("sku_id").values_list("sku_id", "delta", "note")
        )

    assert in_shop(shop_a, ledger) == [(catalog_a.tea.pk, -2, body["number"]), (catalog_a.cup.pk, -1, body["number"])]


def test_the_snapshot_survives_catalog_edits(shop_a, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    in_shop(shop_a, lambda: Product.objects.filter(pk=catalog_a.tea.product_id).update(title="改名了"))
    in_shop(shop_a, lambda: Sku.objects.filter(pk=catalog_a.tea.pk).update(price_amount=1))

    line = buyer_a.client.get(f"/api/v1/store/orders/{order_id}").json()["lines"][0]
    assert (line["title"], line["unit_price_amount"], line["total_amount"]) == ("西湖龙井", 12900, 12900)


def test_order_numbers_are_unique_and_increasing(shop_a, catalog_a, buyer_a):
    first = place(buyer_a, (catalog_a.tea.pk, 1)).json()["number"]
    second = place(buyer_a, (catalog_a.tea.pk, 1)).json()["number"]

    assert first != second
    assert int(second) > int(first)


def test_the_same_sku_twice_is_one_line(shop_a, catalog_a, buyer_a):
    body = place(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.tea.pk, 2)).json()

    assert [(line["sku_id"], line["quantity"]) for line in body["lines"]] == [(catalog_a.tea.pk, 3)]
    assert stock_of(shop_a, catalog_a.tea) == 7


def test_short_stock_is_409_with_the_sku_and_changes_nothing(shop_a, catalog_a, buyer_a):
    response = place(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 4))

    assert response.status_code == 409
    assert response.json()["sku_id"] == catalog_a.cup.pk
    assert response.json()["detail"]
    assert (stock_of(shop_a, catalog_a.tea), stock_of(shop_a, catalog_a.cup)) == (10, 3)
    assert in_shop(shop_a, lambda: (Order.objects.count(), StockAdjustment.objects.filter(reason="order").count())) == (
        0, 0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([{"sku_id": "TEA", "quantity": 0}], "items.0.quantity"),
        ([{"sku_id": "TEA", "quantity": -1}], "items.0.quantity"),
        ([{"sku_id": "TEA", "quantity": "two"}], "items.0.quantity"),
        ([{"sku_id": "TEA", "quantity": 1.5}], "items.0.quantity"),
        ([{"sku_id": "TEA", "quantity": 10000}], "items.0.quantity"),
        ([{"sku_id": "abc", "quantity": 1}], "items.0.sku_id"),
        ([{"quantity": 1}], "items.0.sku_id"),
        ([], "items"),
        ("TEA", "items"),
    ],
)
def test_bad_items_are_400_with_field_messages_and_change_nothing(shop_a, catalog_a, buyer_a, items, field):
    def resolve(value):
        return catalog_a.tea.pk if value == "TEA" else value

    if isinstance(items, list):
        items = [{k: resolve(v) for k, v in item.items()} for item in items]
    body = {"items": items, "address_id": buyer_a.address_id}

    response = buyer_a.client.post("/api/v1/store/orders", body, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert stock_of(shop_a, catalog_a.tea) == 10
    assert in_shop(shop_a, Order.objects.count) == 0


def test_a_foreign_sku_is_a_field_error(shop_a, catalog_a, catalog_b, buyer_a):
    unknown = max(catalog_b.tea.pk, catalog_b.cup.pk, catalog_a.tea.pk, catalog_a.cup.pk) + 1000
    response = place(buyer_a, (catalog_a.tea.pk, 1), (unknown, 1))

    assert response.status_code == 400
    assert "items.1.sku_id" in response.json()["errors"]
    assert stock_of(shop_a, catalog_a.tea) == 10
    assert in_shop(shop_a, Order.objects.count) == 0


def test_unknown_coupons_and_points_are_refused(shop_a, catalog_a, buyer_a):
    coupon = place(buyer_a, (catalog_a.tea.pk, 1), coupon_code="SAVE10")  # the coupons app: not the member's
    points = place(buyer_a, (catalog_a.tea.pk, 1), points=100)  # loyalty: a member without points

    assert coupon.status_code == points.status_code == 400
    assert set(coupon.json()["errors"]) == {"coupon_code"}
    assert set(points.json()["errors"]) == {"points"}
    assert stock_of(shop_a, catalog_a.tea) == 10


def test_address_is_required(shop_a, catalog_a, buyer_a):
    body = order_body(buyer_a, (catalog_a.tea.pk, 1))
    del body["address_id"]

    response = buyer_a.client.post("/api/v1/store/orders", body, content_type="application/json")

    assert response.status_code == 400
    assert "address_id" in response.json()["errors"]


def test_placing_needs_a_member_of_this_shop(shop_a, shop_b, catalog_a, buyer_a, buyer_b, owner_a_token):
    body = order_body(buyer_a, (catalog_a.tea.pk, 1))

    anonymous = host_client(shop_a).post("/api/v1/store/orders", body, content_type="application/json")
    foreign = host_client(shop_a, buyer_b.token).post("/api/v1/store/orders", body, content_type="application/json")
    staff = host_client(shop_a, owner_a_token).post("/api/v1/store/orders", body, content_type="application/json")

    assert anonymous.status_code == 401
    assert foreign.status_code == 401
    assert staff.status_code in (401, 403)
    assert stock_of(shop_a, catalog_a.tea) == 10
    assert in_shop(shop_a, Order.objects.count) == 0


def test_placing_publishes_no_event_and_lines_are_stored(shop_a, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    assert in_shop(shop_a, lambda: OrderLine.objects.filter(order_id=order_id).count()) == 1
    assert in_shop(shop_a, OutboxEvent.objects.count) == 0


def test_another_members_address_is_a_field_error(shop_a, catalog_a, buyer_a, buyer_a2):
    body = order_body(buyer_a, (catalog_a.tea.pk, 1))
    body["address_id"] = buyer_a2.address_id

    response = buyer_a.client.post("/api/v1/store/orders", body, content_type="application/json")

    assert response.status_code == 400
    assert "address_id" in response.json()["errors"]
    assert stock_of(shop_a, catalog_a.tea) == 10
    assert in_shop(shop_a, Order.objects.count) == 0


def test_the_delivery_address_is_copied_onto_the_order(shop_a, catalog_a, buyer_a):
    body = place(buyer_a, (catalog_a.tea.pk, 1)).json()

    assert body["address"] == {
        "name": "张三", "phone": "13800138000", "province": "浙江", "city": "杭州市", "district": "西湖区",
        "line1": "文三路 1 号", "postal_code": "310000",
    }  # fmt: skip


def test_placing_an_order_has_a_fixed_query_budget(shop_a, catalog_a, buyer_a, django_assert_num_queries):
    place(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1))  # warm the shop routing and the SKU snapshots

    # 5 + 1 per SKU: token, address, catalog version with the SKUs' live fields, the order (its number's sequence
    # inside the INSERT), its lines (one INSERT), then per SKU the guarded stock UPDATE with its ledger row (one
    # statement). The default shipping rule and the order settings come with the shop's snapshots from Redis. Was
    # 12 + 4 per SKU; nothing grows with the shop's data. BEGIN/COMMIT and the connection's health check are not
    # logged; here the order's atomic block is a SAVEPOINT/RELEASE pair inside the test's transaction (in
    # production it is the transaction itself).
    with django_assert_num_queries(7 + 2) as queries:
        response = place(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1))

    assert response.status_code == 201
    statements = [query["sql"] for query in queries.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert len(statements) == 7
    assert sum(1 for sql in statements if "orders_orderline" in sql) == 1


def prepared_on_server(sent: str) -> str:
    """The text PostgreSQL holds for the prepared statement that `sent` (EXECUTE name(...)) runs."""
    from django.db import connection

    name = sent.split(None, 2)[1].split("(")[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone()[0]


def test_an_order_of_one_sku_is_written_in_one_statement(shop_a, catalog_a, buyer_a, django_assert_num_queries):
    place(buyer_a, (catalog_a.tea.pk, 1))  # warm the shop routing and the SKU snapshots

    # token, address, catalog version with the SKU's live fields, then ONE statement writing the order, its line,
    # the stock and the ledger row (no transaction of its own, no SAVEPOINT: outside a test it is autocommit).
    with django_assert_num_queries(4) as queries:
        response = place(buyer_a, (catalog_a.tea.pk, 2), note="一次写完")

    assert response.status_code == 201, response.json()
    sent = queries.captured_queries[-1]["sql"]
    assert sent.startswith("EXECUTE mm_")  # prepared on the server by the warm-up order: only the values go
    write = prepared_on_server(sent)
    assert all(
        table in write for table in ("catalog_sku", "orders_order", "orders_orderline", "catalog_stockadjustment")
    )
    body = response.json()
    assert [(line["sku_id"], line["quantity"], line["total_amount"]) for line in body["lines"]] == [
        (catalog_a.tea.pk, 2, 25800)
    ]
    assert stock_of(shop_a, catalog_a.tea) == 7

    def stored():
        order = Order.objects.get(pk=body["id"])
        line = OrderLine.objects.get(order=order)
        entry = StockAdjustment.objects.filter(reason="order").latest("pk")
        return (order.number, order.note, order.total_amount, line.pk, line.sku_id, line.quantity), (
            entry.sku_id, entry.delta, entry.stock_after, entry.note,
        )  # fmt: skip

    order_row, entry = in_shop(shop_a, stored)
    assert order_row == (body["number"], "一次写完", 25800, body["lines"][0]["id"], catalog_a.tea.pk, 2)
    assert entry == (catalog_a.tea.pk, -2, 7, body["number"])


def test_stock_taken_between_the_quote_and_the_write_refuses_and_writes_nothing(shop_a, catalog_a, buyer_a):
    """Another buyer takes the last units after this order was priced: the one statement writes nothing."""
    from django.db import connection

    def sold_elsewhere_first(execute, sql, params, many, context):
        if original_sql(sql).startswith("WITH taken AS"):
            context["cursor"].execute("UPDATE catalog_sku SET stock = 1 WHERE id = %s", [catalog_a.tea.pk])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(sold_elsewhere_first):
        response = place(buyer_a, (catalog_a.tea.pk, 2))

    assert response.status_code == 409
    assert (response.json()["sku_id"], response.json()["detail"]) == (
        catalog_a.tea.pk,
        "“西湖龙井”库存不足，仅剩 1 件。",
    )
    assert stock_of(shop_a, catalog_a.tea) == 1
    assert in_shop(
        shop_a,
        lambda: (
            Order.objects.count(),
            OrderLine.objects.count(),
            StockAdjustment.objects.filter(reason="order").count(),
        ),
    ) == (0, 0, 0)


def test_the_last_unit_through_one_statement_takes_the_product_off_sale(shop_a, catalog_a, buyer_a):
    from tenant_apps.catalog.services import update_catalog_settings

    in_shop(shop_a, lambda: update_catalog_settings(auto_unpublish_sold_out=True))

    assert place(buyer_a, (catalog_a.cup.pk, 3)).status_code == 201

    assert in_shop(shop_a, lambda: Product.objects.get(pk=catalog_a.cup.product_id).status) == "inactive"


def test_a_sold_out_sku_is_refused_before_pricing_until_stock_comes_back(
    shop_a, catalog_a, buyer_a, buyer_a2, django_assert_max_num_queries
):
    first = place(buyer_a, (catalog_a.cup.pk, 3)).json()
    assert place(buyer_a2, (catalog_a.cup.pk, 1)).status_code == 409  # the quote sees 0 left: remembered

    with django_assert_max_num_queries(1):  # the member's token only
        refused = place(buyer_a2, (catalog_a.cup.pk, 1))
    buyer_a.client.post(f"/api/v1/store/orders/{first['id']}/cancel")
    again = place(buyer_a2, (catalog_a.cup.pk, 1))

    assert (refused.status_code, refused.json()["sku_id"]) == (409, catalog_a.cup.pk)
    assert again.status_code == 201


@pytest.fixture
def redis_round_trips(monkeypatch) -> list[bytes]:
    """What the Redis client writes, one entry per round trip (a pipeline's commands travel together)."""
    from redis.connection import AbstractConnection

    sent: list[bytes] = []
    real = AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(b"".join(command) if isinstance(command, list) else command)
        return real(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent


def test_the_throttle_and_the_shop_snapshots_share_one_redis_round_trip(shop_a, catalog_a, buyer_a, redis_round_trips):
    place(buyer_a, (catalog_a.tea.pk, 1))  # warm: the snapshots are cached, the pay deadline is noted
    redis_round_trips.clear()

    response = place(buyer_a, (catalog_a.tea.pk, 1))

    assert response.status_code == 201
    assert len(redis_round_trips) == 1
    (sent,) = redis_round_trips
    assert b"EVALSHA" in sent and b"MGET" in sent


def test_the_shared_round_trip_survives_redis_forgetting_the_throttle_script(shop_a, catalog_a, buyer_a, settings):
    from django.conf import settings as django_settings
    from django_redis import get_redis_connection

    base = django_settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {**base, "DEFAULT_THROTTLE_RATES": {**base["DEFAULT_THROTTLE_RATES"], "user": "2/min"}}
    get_redis_connection("default").script_flush()  # as after a Redis restart: EVALSHA answers NOSCRIPT

    codes = [place(buyer_a, (catalog_a.tea.pk, 1)).status_code for _ in range(3)]

    assert codes == [201, 201, 429]  # the script was loaded again and every order counted
