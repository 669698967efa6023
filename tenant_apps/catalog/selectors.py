"""Catalog reads for the merchant API, the back office, tasks and other apps."""

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _
from psycopg2 import sql

from micromall.db.prepared import Statement, execute
from micromall.errors import Invalid

from .models import (
    Brand,
    CatalogVersion,
    Category,
    ImportJob,
    Product,
    ProductImage,
    ProductStatus,
    Sku,
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
        errors["status"] = [_("Unknown status.")]
    if sort and sort not in PRODUCT_SORTS:
        errors["sort"] = [_("Unknown sort; use one of %(sorts)s.") % {"sorts": ", ".join(PRODUCT_SORTS)}]
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        errors["category"] = [_("Unknown category.")]
    if errors:
        raise Invalid(errors=errors)
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


# Reads of the shop's storefront (storefront app, through catalog.interface).


def brand_exists(brand_id: int) -> bool:
    return Brand.objects.filter(pk=brand_id).exists()


def category_rows() -> list[tuple[int, int | None, str, str]]:
    """(id, parent id, name, slug) of every category, parents before children."""
    return list(Category.objects.order_by("depth", "position", "id").values_list("pk", "parent_id", "name", "slug"))


def product_is_on_sale(product_id: int) -> bool:
    return Product.objects.filter(pk=product_id, status=ProductStatus.ACTIVE).exists()


def existing_product_ids(product_ids) -> set[int]:
    """The ids among `product_ids` that are products of this shop (any status): for checking a rule's scope."""
    ids = {int(pk) for pk in product_ids if isinstance(pk, int) and 0 < pk < 2**63}
    return set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def product_on_sale(product_id: int) -> Product | None:
    """An active product with its images, spec groups (with values) and SKUs prefetched; None otherwise."""
    return (
        Product.objects.with_sales()
        .filter(pk=product_id, status=ProductStatus.ACTIVE)
        .prefetch_related("images", "spec_groups__values", "skus")
        .first()
    )


def sku_stocks(product_id: int) -> dict[int, int]:
    """{sku id: stock} of a product, read live (stock changes without a catalog version bump)."""
    return dict(Sku.objects.filter(product_id=product_id).values_list("pk", "stock"))


# What cart and checkout need of SKUs (pricing/orders, through catalog.interface).


@dataclass(frozen=True)
class SkuForSale:
    """What cart and checkout need of a SKU: prices, weight, stock and the product's card fields."""

    id: int
    product_id: int
    category_id: int | None
    title: str
    specs: dict
    price_amount: int
    weight_grams: int
    stock: int
    image: str  # storage name of the product's first image ("" when none)
    on_sale: bool  # the product is active
    code: str = ""  # the merchant's SKU code (order lines keep it for picking)


def skus_for_sale(sku_ids: Iterable[int], *, lock: bool = False) -> dict[int, SkuForSale]:
    """{sku_id: SkuForSale} for the SKUs that exist (any product status; check `on_sale`), in one statement (the
    SKU with its product, the product's spec-group names in order and its first image).

    `lock=True` takes row locks on the SKUs in id order (call inside a transaction): a fixed order, so two
    checkouts of overlapping carts cannot deadlock.
    """
    ids = sorted({int(pk) for pk in sku_ids})
    if not ids:
        return {}
    with connection.cursor() as cursor:
        execute(cursor, _FOR_SALE_LOCKED if lock else _FOR_SALE, [ids])
        rows = cursor.fetchall()
    return {
        pk: SkuForSale(
            id=pk,
            product_id=product_id,
            category_id=category_id,
            title=title,
            # jsonb does not keep key order: specs are rebuilt in the product's spec-group order (the picker's).
            specs=_ordered_specs(json.loads(specs) if isinstance(specs, str) else specs, groups or []),
            price_amount=price,
            weight_grams=weight,
            stock=stock,
            image=image or "",
            on_sale=status == ProductStatus.ACTIVE,
            code=code,
        )
        for pk, product_id, category_id, title, specs, price, weight, stock, code, status, groups, image in rows
    }


def _for_sale_sql(lock: bool) -> str:
    sku, product = Sku._meta.db_table, Product._meta.db_table
    groups, images = SpecGroup._meta.db_table, ProductImage._meta.db_table
    return (
        "SELECT s.id, s.product_id, p.category_id, p.title, s.specs, s.price_amount, s.weight_grams, s.stock, s.code,"
        f" p.status, (SELECT array_agg(g.name ORDER BY g.position, g.id) FROM {groups} g"
        " WHERE g.product_id = s.product_id),"
        f" (SELECT i.image FROM {images} i WHERE i.product_id = s.product_id ORDER BY i.position, i.id LIMIT 1)"
        f" FROM {sku} s JOIN {product} p ON p.id = s.product_id WHERE s.id = ANY(%s) ORDER BY s.id"
        + (" FOR UPDATE OF s" if lock else "")
    )


_FOR_SALE, _FOR_SALE_LOCKED = Statement(_for_sale_sql(lock=False)), Statement(_for_sale_sql(lock=True))


# SKU snapshots for placing orders, per process: {schema: (catalog version, {sku_id: SkuForSale})}. Everything
# in a snapshot but stock, weight and code is covered by the catalog-version triggers (price, specs, product,
# images, spec groups, an in-stock flip), so a snapshot of the current version is exact for those; the three
# row fields that change without a bump are read fresh on every call.
_snapshots: dict[str, tuple[int, dict[int, SkuForSale]]] = {}
MAX_SNAPSHOT_SHOPS = 1000
# The catalog version and the SKU rows' live fields in one round trip (one row with NULLs when no SKU matches).
_SKU_LIVE = Statement(
    f"SELECT v.version, s.id, s.stock, s.weight_grams, s.code"
    f" FROM (SELECT coalesce(sum(value), 0) AS version FROM {CatalogVersion._meta.db_table}) v"
    f" LEFT JOIN {Sku._meta.db_table} s ON s.id = ANY(%s)"
)


def skus_for_order(sku_ids: Iterable[int]) -> dict[int, SkuForSale]:
    """skus_for_sale() for the order path: the same answer, in one plain query (the catalog version with the
    SKU rows' live fields) when this process already holds the SKUs' snapshot of the current catalog version,
    instead of three ORM queries (SKU + product, spec order, images)."""
    ids = sorted({int(pk) for pk in sku_ids})
    if not ids:
        return {}
    with connection.cursor() as cursor:
        execute(cursor, _SKU_LIVE, [ids])
        rows = cursor.fetchall()
    version = int(rows[0][0])
    live = [row[1:] for row in rows if row[1] is not None]
    schema = connection.schema_name
    held_version, held = _snapshots.get(schema, (None, {}))
    if held_version != version or any(pk not in held for pk in ids):
        fresh = skus_for_sale(ids)
        if held_version != version:
            if len(_snapshots) >= MAX_SNAPSHOT_SHOPS:
                _snapshots.clear()
            held = {}
            _snapshots[schema] = (version, held)
        held.update(fresh)
        return fresh
    return {pk: replace(held[pk], stock=stock, weight_grams=weight, code=code) for pk, stock, weight, code in live}


def _ordered_specs(specs: dict, order: list[str]) -> dict:
    ordered = {name: specs[name] for name in order if name in specs}
    return {**ordered, **{name: value for name, value in specs.items() if name not in ordered}}


def product_count() -> int:
    """Products in the current shop (any status): billing checks a plan's product limit against it."""
    return Product.objects.count()


def stock_alerts() -> dict[str, int]:
    """SKUs of products on sale that need stock: at or below their low-stock threshold, and sold out."""
    on_sale = Sku.objects.filter(product__status=ProductStatus.ACTIVE)
    return {
        "low_stock": on_sale.filter(
            low_stock_threshold__gt=0, stock__gt=0, stock__lte=F("low_stock_threshold")
        ).count(),
        "sold_out": on_sale.filter(stock__lte=0).count(),
    }


def sku_prices(product_ids: Iterable[int]) -> list[tuple[int, int, int]]:
    """[(sku id, product id, list price)] of the SKUs of these products that are on sale, in one query (what the
    pricing seam needs to price them for a shopper: the storefront's member prices)."""
    ids = sorted({int(pk) for pk in product_ids if isinstance(pk, int) and 0 < pk < 2**63})
    if not ids:
        return []
    rows = Sku.objects.filter(product_id__in=ids, product__status=ProductStatus.ACTIVE).order_by("product_id", "pk")
    return list(rows.values_list("pk", "product_id", "price_amount"))


def products_on_sale() -> int:
    return Product.objects.filter(status=ProductStatus.ACTIVE).count()


def with_price_range(products: QuerySet[Product]) -> QuerySet[Product]:
    """Adds `max_price_amount` (a correlated subquery: no GROUP BY, one query) so cards can say "¥129.00 起"."""
    top = Sku.objects.filter(product=OuterRef("pk")).order_by("-price_amount").values("price_amount")[:1]
    return products.annotate(max_price_amount=Subquery(top))


def product_labels(product_ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """{product id: (title, category id)} of the given products, whatever their status (reports, rankings)."""
    rows = Product.objects.filter(pk__in=list(product_ids)).values_list("pk", "title", "category_id")
    return {pk: (title, category_id) for pk, title, category_id in rows}
