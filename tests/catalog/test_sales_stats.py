"""Sales figures live in ProductStats, kept by order-event handlers: a sale leaves storefront caches alone."""

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, ProductStats
from tenant_apps.events import services as events
from tenant_apps.events.interface import publish
from tenant_apps.events.models import EventStatus, OutboxEvent
from tenant_apps.storefront.caching import catalog_version
from tests.storefront.conftest import make_product


def deliver(name: str, lines: list[dict]) -> str:
    with transaction.atomic():
        event_id = publish(name, {"order_id": 1, "lines": lines})
    return events.deliver_event(event_id=event_id)


def sales() -> dict[str, int]:
    return dict(Product.objects.with_sales().values_list("title", "sales_count"))


def titles(response) -> list[str]:
    return [p["title"] for p in response.json()["results"]]


def test_a_paid_order_counts_sales_without_bumping_the_catalog_version(
    shop_a, client_a, django_assert_num_queries, settings
):
    settings.STOREFRONT_CACHE_SECONDS = 600
    with tenant_context(shop_a):
        tea = make_product("茶", sales_count=5)
        cup = make_product("杯", sales_count=3)
        version = catalog_version()
    assert titles(client_a.get("/api/v1/store/products", {"sort": "-sales"})) == ["茶", "杯"]

    with tenant_context(shop_a):
        lines = [{"product_id": cup.pk, "quantity": 2}, {"product_id": cup.pk, "quantity": 1}]
        assert deliver("order.paid", [*lines, {"product_id": tea.pk, "quantity": 0}]) == EventStatus.DELIVERED
        assert sales() == {"茶": 5, "杯": 6}
        assert catalog_version() == version  # storefront caches stay valid: no flush on every sale

    with django_assert_num_queries(1):  # still served from cache (only the version is read)
        assert titles(client_a.get("/api/v1/store/products", {"sort": "-sales"})) == ["茶", "杯"]

    with tenant_context(shop_a):
        make_product("碗")  # any catalog change makes the lists fresh again
    body = client_a.get("/api/v1/store/products", {"sort": "-sales"}).json()
    assert [(p["title"], p["sales_count"]) for p in body["results"]] == [("杯", 6), ("茶", 5), ("碗", 0)]
    assert client_a.get(f"/api/v1/store/products/{cup.pk}").json()["sales_count"] == 6


def test_refunds_uncount_sales_never_below_zero_and_unknown_products_are_skipped(shop_a):
    with tenant_context(shop_a):
        tea = make_product("茶", sales_count=2)
        cup = make_product("杯")
        lines = [{"product_id": tea.pk, "quantity": 5}, {"product_id": cup.pk, "quantity": 1}]
        assert deliver("order.refunded", lines) == EventStatus.DELIVERED
        assert deliver("order.paid", [{"product_id": 999999, "quantity": 4}]) == EventStatus.DELIVERED
        assert sales() == {"茶": 0, "杯": 0}
        assert sorted(ProductStats.objects.values_list("product_id", "sales_count")) == [(tea.pk, 0), (cup.pk, 0)]


def test_a_redelivered_paid_event_counts_once(shop_a):
    with tenant_context(shop_a):
        tea = make_product("茶")
        with transaction.atomic():
            event_id = publish("order.paid", {"lines": [{"product_id": tea.pk, "quantity": 2}]})
        assert events.deliver_event(event_id=event_id) == EventStatus.DELIVERED
        OutboxEvent.objects.filter(pk=event_id).update(status=EventStatus.PENDING)
        assert events.deliver_event(event_id=event_id) == EventStatus.DELIVERED
        assert sales() == {"茶": 2}


@pytest.mark.parametrize(
    "line", [{"product_id": "7", "quantity": 1}, {"product_id": 7, "quantity": -1}, {"product_id": 7}]
)
def test_a_malformed_order_line_fails_the_handler_visibly_and_changes_nothing(shop_a, line):
    with tenant_context(shop_a):
        tea = make_product("茶", sales_count=1)
        good = {"product_id": tea.pk, "quantity": 1}
        assert deliver("order.paid", [good, line]) == EventStatus.FAILED
        event = OutboxEvent.objects.get()
        assert event.last_error.startswith("catalog.count_sales: ")
        assert sales() == {"茶": 1}


def test_a_partial_money_refund_keeps_sales_a_full_refund_or_returned_goods_uncount_them(shop_a):
    with tenant_context(shop_a):
        tea = make_product("茶", sales_count=10)
        cup = make_product("杯", sales_count=10)
        lines = [{"product_id": tea.pk, "quantity": 3}, {"product_id": cup.pk, "quantity": 2}]

        def refund(**payload) -> str:
            with transaction.atomic():
                event_id = publish("order.refunded", {"order_id": 1, "lines": lines, **payload})
            return events.deliver_event(event_id=event_id)

        assert refund(total_amount=5000, refunded_amount=1200) == EventStatus.DELIVERED  # money only
        assert sales() == {"茶": 10, "杯": 10}
        assert refund(total_amount=5000, refunded_amount=5000) == EventStatus.DELIVERED  # now in full
        assert sales() == {"茶": 7, "杯": 8}
        returned = [{"product_id": cup.pk, "quantity": 1}]  # another order: one cup sent back
        assert refund(total_amount=900, refunded_amount=300, refunded_lines=returned) == EventStatus.DELIVERED
        assert sales() == {"茶": 7, "杯": 7}
