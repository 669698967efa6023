"""Catalog reads for the merchant API, the back office, tasks and other apps."""

import time

from django.db import connection
from django.db.models import Prefetch, QuerySet
from psycopg2 import sql
from rest_framework.exceptions import ValidationError

from .models import (
    Brand,
    CatalogVersion,
    Category,
    ImportJob,
    Product,
    ProductStatus,
    SpecGroup,
    SpecValue,
    StockAdjustment,
)

# ?sort= value -> ORDER BY; anything else is a 400.
PRODUCT_SORTS = {
    "-created": ("-created", "-id"),
    "created": ("created", "id"),
    "-updated": ("-updated", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "-sales_count": ("-sales_count", "-id"),
    "price": ("min_price_amount", "id"),
    "-price": ("-min_price_amount", "-id"),
}


def with_product_details(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Everything a product payload shows, in a fixed number of queries whatever the page size."""
    return queryset.with_sales().prefetch_related(
        "images",
        Prefetch(
            "spec_groups",
            queryset=SpecGroup.objects.prefetch_related(Prefetch("values", queryset=SpecValue.objects.all())),
        ),
        "skus",
    )


def category_and_descendant_ids(category_id: int) -> list[int]:
    ids, level = [category_id], [category_id]
    while level:
        level = list(Category.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids += level
    return ids


def manage_product_list(
    *, status: str | None = None, category_id: int | None = None, q: str | None = None, sort: str | None = None
) -> QuerySet[Product]:
    errors = {}
    if status and status not in ProductStatus.values:
        errors["status"] = ["未知状态。Unknown status."]
    if sort and sort not in PRODUCT_SORTS:
        errors["sort"] = [f"未知排序。Unknown sort; use one of {', '.join(PRODUCT_SORTS)}."]
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        errors["category"] = ["分类不存在。Unknown category."]
    if errors:
        raise ValidationError(errors)
    products = Product.objects.all()
    if status:
        products = products.filter(status=status)
    if category_id is not None:
        products = products.filter(category_id__in=category_and_descendant_ids(category_id))
    if q:
        products = products.filter(title__icontains=q)
    return with_product_details(products.order_by(*PRODUCT_SORTS[sort or "-created"]))


def product_for_manage(product_id: int) -> Product | None:
    return with_product_details(Product.objects.filter(pk=product_id)).first()


def products_for_export() -> QuerySet[Product]:
    return Product.objects.select_related("category", "brand").prefetch_related("skus", "spec_groups").order_by("pk")


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def brands() -> QuerySet[Brand]:
    return Brand.objects.all()


def import_job(job_id: int) -> ImportJob | None:
    return ImportJob.objects.filter(pk=job_id).defer("source").first()


def stock_ledger(*, sku_id: int) -> QuerySet[StockAdjustment]:
    return StockAdjustment.objects.filter(sku_id=sku_id).order_by("-created", "-id")


def catalog_version() -> int:
    """The current shop's catalog version: the sum of the counters the catalog's triggers keep (catalog 0005).

    Read with a schema-qualified query on the raw connection, so that a request served from cache
    costs exactly one round trip and no `SET search_path` when the previous request was another shop's.
    Logged like any ORM query so query budgets still count it.
    """
    connection.ensure_connection()
    query = sql.SQL("SELECT coalesce(sum(value), 0) FROM {}.{}").format(
        sql.Identifier(connection.schema_name), sql.Identifier(CatalogVersion._meta.db_table)
    )
    started = time.monotonic()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(query)
        version = int(cursor.fetchone()[0])
    if connection.queries_logged:
        text = query.as_string(connection.connection)
        connection.queries_log.append({"sql": text, "time": f"{time.monotonic() - started:.3f}"})
    return version
