import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenant_apps.catalog import services
from tenant_apps.catalog.models import (
    CatalogSettings,
    LowStockNotice,
    Product,
    ProductStatus,
    Sku,
    StockAdjustment,
    StockReason,
)
from tests.conftest import ensure_shop, staff_of


def make_sku(*, stock: int, threshold: int = 0, code: str = "SKU-1", status=ProductStatus.DRAFT) -> Sku:
    product = Product.objects.create(title="Tea", status=status)
    return Sku.objects.create(product=product, code=code, price_amount=500, stock=stock, low_stock_threshold=threshold)


def test_adjust_stock_writes_the_ledger(shop_a):
    with tenant_context(shop_a):
        sku = make_sku(stock=3)

        change = services.adjust_stock(sku_id=sku.pk, delta=-2, reason=StockReason.ORDER, actor_user_id=7, note="#1")

        assert (change.stock_before, change.stock_after) == (3, 1)
        row = StockAdjustment.objects.get()
        assert (row.sku_id, row.delta, row.reason, row.actor_user_id, row.note, row.stock_after) == (
            sku.pk, -2, "order", 7, "#1", 1,
        )  # fmt: skip


def test_adjust_stock_refuses_to_go_negative_and_records_nothing(shop_a):
    with tenant_context(shop_a):
        sku = make_sku(stock=1)

        with pytest.raises(services.InsufficientStock) as refused:
            services.adjust_stock(sku_id=sku.pk, delta=-2, reason=StockReason.ORDER)

        assert (refused.value.requested, refused.value.available) == (2, 1)
        sku.refresh_from_db()
        assert sku.stock == 1
        assert StockAdjustment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_decrements_never_oversell(shop_schemas):
    shop = ensure_shop("alpha")
    with tenant_context(shop):
        sku = make_sku(stock=5, code="RACE")
    workers = 12
    barrier = threading.Barrier(workers)

    def take_one(_):
        try:
            barrier.wait(timeout=10)
            with tenant_context(shop):
                services.adjust_stock(sku_id=sku.pk, delta=-1, reason=StockReason.ORDER)
            return True
        except services.InsufficientStock:
            return False
        finally:
            connection.close()  # this thread's own connection

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(take_one, range(workers)))

        assert results.count(True) == 5
        with tenant_context(shop):
            assert Sku.objects.get(pk=sku.pk).stock == 0
            ledger = list(StockAdjustment.objects.filter(sku_id=sku.pk).values_list("delta", "stock_after"))
            assert sorted(ledger) == [(-1, 0), (-1, 1), (-1, 2), (-1, 3), (-1, 4)]
    finally:
        with tenant_context(shop):  # committed rows in the shop schema: the flush only empties public tables
            Product.objects.all().delete()


def test_crossing_the_threshold_opens_one_notice_and_emails_owner_and_admins(
    shop_a, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    owner = staff_of(shop_a, "owner")
    admin = staff_of(shop_a, "admin")
    staff_of(shop_a, "finance")
    with tenant_context(shop_a):
        sku = make_sku(stock=5, threshold=2)

        with django_capture_on_commit_callbacks(execute=True):
            services.adjust_stock(sku_id=sku.pk, delta=-3, reason=StockReason.ORDER)
        with django_capture_on_commit_callbacks(execute=True):
            services.adjust_stock(sku_id=sku.pk, delta=-1, reason=StockReason.ORDER)

        notice = LowStockNotice.objects.get()
        assert (notice.sku_id, notice.stock, notice.resolved) == (sku.pk, 2, False)
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([owner.email, admin.email])
    assert "Low stock: Tea" in mailoutbox[0].subject
    assert "has 2 left (alert threshold 2)" in mailoutbox[0].body


def test_restocking_resolves_the_notice(shop_a):
    with tenant_context(shop_a):
        sku = make_sku(stock=1, threshold=2)
        LowStockNotice.objects.create(sku=sku, stock=1)

        services.adjust_stock(sku_id=sku.pk, delta=10, reason=StockReason.MANUAL)

        assert list(LowStockNotice.objects.values_list("resolved", flat=True)) == [True]


def test_no_email_when_the_shop_turned_it_off(shop_a, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    staff_of(shop_a, "owner")
    with tenant_context(shop_a):
        CatalogSettings.objects.create(pk=1, low_stock_email=False)
        sku = make_sku(stock=3, threshold=1)

        with django_capture_on_commit_callbacks(execute=True):
            services.adjust_stock(sku_id=sku.pk, delta=-3, reason=StockReason.ORDER)

        assert LowStockNotice.objects.count() == 1
    assert mailoutbox == []


def test_sold_out_product_is_unpublished_only_when_the_shop_asks(shop_a):
    with tenant_context(shop_a):
        sku = make_sku(stock=1, status=ProductStatus.ACTIVE)
        other = Sku.objects.create(product=sku.product, code="SKU-2", specs={"x": "1"}, price_amount=1, stock=1)

        services.adjust_stock(sku_id=sku.pk, delta=-1, reason=StockReason.ORDER)
        assert Product.objects.get().status == ProductStatus.ACTIVE  # setting off

        services.update_catalog_settings(auto_unpublish_sold_out=True)
        services.adjust_stock(sku_id=other.pk, delta=-1, reason=StockReason.ORDER)

        assert Product.objects.get().status == ProductStatus.INACTIVE


def test_stock_api_adjusts_and_lists_the_ledger(manager_a, finance_a, shop_a, owner_a):
    with tenant_context(shop_a):
        sku = make_sku(stock=2)
    url = f"/api/v1/manage/skus/{sku.pk}/stock"

    assert finance_a.post(url, {"delta": 5}, content_type="application/json").status_code == 403
    made = manager_a.post(url, {"delta": 5, "reason": "correction", "note": "count"}, content_type="application/json")
    too_many = manager_a.post(url, {"delta": -100}, content_type="application/json")
    bad_reason = manager_a.post(url, {"delta": -1, "reason": "order"}, content_type="application/json")

    assert made.status_code == 201
    assert (made.json()["stock_after"], made.json()["actor_user_id"]) == (7, owner_a.pk)
    assert too_many.status_code == 409
    assert bad_reason.status_code == 400
    ledger = finance_a.get(url).json()["results"]
    assert [(row["delta"], row["reason"]) for row in ledger] == [(5, "correction")]
    with tenant_context(shop_a):
        assert Sku.objects.get(pk=sku.pk).stock == 7


def test_stock_api_on_a_foreign_sku_is_404(manager_a, shop_a, shop_b):
    with tenant_context(shop_b):
        foreign = make_sku(stock=2, code="B-ONLY")
    with tenant_context(shop_a):
        assert not Sku.objects.filter(pk=foreign.pk).exists()

    response = manager_a.post(f"/api/v1/manage/skus/{foreign.pk}/stock", {"delta": -1}, content_type="application/json")

    assert response.status_code == 404
    with tenant_context(shop_b):
        assert Sku.objects.get(pk=foreign.pk).stock == 2


def test_low_stock_notices_and_settings_api(manager_a, finance_a, shop_a):
    with tenant_context(shop_a):
        sku = make_sku(stock=1, threshold=3)
        LowStockNotice.objects.create(sku=sku, stock=1)

    notices = finance_a.get("/api/v1/manage/low-stock-notices").json()["results"]
    assert [(n["sku_code"], n["stock"], n["threshold"]) for n in notices] == [("SKU-1", 1, 3)]

    url = "/api/v1/manage/catalog/settings"
    assert manager_a.get(url).json() == {"auto_unpublish_sold_out": False, "low_stock_email": True}
    assert finance_a.put(url, {"auto_unpublish_sold_out": True}, content_type="application/json").status_code == 403
    changed = manager_a.put(url, {"auto_unpublish_sold_out": True}, content_type="application/json")
    assert changed.json() == {"auto_unpublish_sold_out": True, "low_stock_email": True}
