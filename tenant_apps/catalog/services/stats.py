"""Sales figures: ProductStats rows, written by the order-event handlers (catalog/handlers.py)."""

from collections.abc import Mapping

from django.db import connection, transaction

from ..models import Product, ProductStats


@transaction.atomic
def record_sales(*, quantities: Mapping[int, int]) -> int:
    """Add sold quantities per product id (negative for refunds, never below 0); returns rows touched.

    Products deleted since the order are skipped. Rows are upserted in product-id order so that concurrent
    orders lock them in one order (no deadlock); ProductStats has no catalog-version trigger, so this does
    not invalidate storefront caches.
    """
    changes = sorted((int(pk), int(qty)) for pk, qty in quantities.items() if int(qty))
    if not changes:
        return 0
    table, products = ProductStats._meta.db_table, Product._meta.db_table
    touched = 0
    with connection.cursor() as cursor:
        for product_id, quantity in changes:
            cursor.execute(
                f"INSERT INTO {table} (product_id, sales_count) SELECT id, GREATEST(%s, 0) FROM {products}"
                f" WHERE id = %s ON CONFLICT (product_id) DO UPDATE"
                f" SET sales_count = GREATEST({table}.sales_count + %s, 0)",
                [quantity, product_id, quantity],
            )
            touched += cursor.rowcount
    return touched
