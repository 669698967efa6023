"""A real Celery worker (in-process thread, real Redis broker) runs a catalog task in the right shop schema."""

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.db import connection
from django_tenants.utils import tenant_context

from micromall.celery import app as celery_app
from tenant_apps.catalog import services
from tenant_apps.catalog.models import LowStockNotice, Product, Sku, StockReason
from tests.conftest import ensure_shop, staff_of


@pytest.mark.django_db(transaction=True)
def test_low_stock_task_runs_on_a_real_worker_in_the_shop_schema(shop_schemas, mailoutbox):
    shop_a, shop_b = ensure_shop("alpha"), ensure_shop("beta")
    owner = staff_of(shop_a, "owner")
    with tenant_context(shop_a):
        product = Product.objects.create(title="Green tea")
        sku = Sku.objects.create(product=product, code="GT", price_amount=800, stock=4, low_stock_threshold=3)
    with tenant_context(shop_b):  # the same SKU id in the other shop, also below its threshold
        twin = Product.objects.create(title="Twin")
        Sku.objects.create(pk=sku.pk, product=twin, code="GT", price_amount=1, stock=0, low_stock_threshold=3)
    done = threading.Event()
    seen_schemas = []

    def ours(sender, args) -> bool:  # ignore anything else that may be queued on this broker
        return sender.name == "catalog.notify_low_stock" and list(args or []) == [sku.pk]

    def before_task(sender=None, args=None, **kwargs):  # worker thread, after the schema switch
        if ours(sender, args):
            seen_schemas.append(connection.schema_name)

    def after_task(sender=None, args=None, **kwargs):
        connection.close()  # the worker's connection must not outlive the test database
        if ours(sender, args):
            done.set()

    task_prerun.connect(before_task, weak=False)
    task_postrun.connect(after_task, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            with tenant_context(shop_a):
                # autocommit: the on_commit hook enqueues notify_low_stock at once
                services.adjust_stock(sku_id=sku.pk, delta=-2, reason=StockReason.ORDER)
            assert done.wait(timeout=20), "the worker did not run the task"
    finally:
        task_prerun.disconnect(before_task)
        task_postrun.disconnect(after_task)
        notices = {}
        for shop in (shop_a, shop_b):
            with tenant_context(shop):
                notices[shop.schema_name] = list(LowStockNotice.objects.values_list("sku__product__title", "stock"))
                Product.objects.all().delete()

    assert seen_schemas == ["test_alpha"]
    assert notices == {"test_alpha": [("Green tea", 2)], "test_beta": []}
    assert [m.to for m in mailoutbox] == [[owner.email]]
