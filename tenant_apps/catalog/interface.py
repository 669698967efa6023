"""What other apps (and the public side, e.g. launch/demo seeding) may call in the catalog.

Run it in the shop's schema (e.g. inside `run_in_shop(shop, ...)` / `tenant_context(shop)`).
"""

import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction
from PIL import Image

from .models import (
    Brand,
    Category,
    Product,
    ProductImage,
    ProductStats,
    ProductStatus,
    Sku,
    SpecGroup,
    SpecValue,
    StockAdjustment,
    StockReason,
)
from .richtext import clean_description_html
from .selectors import catalog_version
from .services.inventory import InsufficientStock, adjust_stock
from .services.products import spec_combinations

__all__ = [
    "InsufficientStock",
    "SkuForSale",
    "catalog_version",
    "load_catalog",
    "product_count",
    "release_stock",
    "reserve_stock",
    "return_stock",
    "skus_for_sale",
]

SKU_VALUE_FIELDS = ("compare_at_amount", "cost_amount", "weight_grams", "barcode", "low_stock_threshold")


@transaction.atomic
def load_catalog(data: dict, media_dir: Path) -> dict[str, int]:
    """Bulk-load a demo catalog into the current shop schema; returns how many rows of each kind were made.

    `data` (plain JSON-able dict; every key optional unless marked *):

        {
          "categories": [   # parents before children; at most 3 levels
            {"key": "tea"*, "name": "茶"*, "slug": "tea", "parent": null | "<key>", "position": 0}
          ],
          "brands": [{"key": "westlake"*, "name": "西湖"*, "logo": "brands/westlake.png"}],
          "products": [
            {
              "title": "龙井"*, "subtitle": "", "description_html": "<p>…</p>" (sanitised),
              "category": "<category key>", "brand": "<brand key>", "tags": ["绿茶"],
              "status": "active" | "draft" | "inactive" (default "active"), "sales_count": 0,
              "images": ["products/longjing.jpg", {"file": "products/2.jpg", "alt": "…"}],
              "specs": [{"name": "规格", "values": ["50g", "100g"]}],
              "skus": [
                {"specs": {"规格": "50g"}, "price_amount": 6800*, "stock": 10, "sku_code": "LJ-50",
                 "compare_at_amount": null, "cost_amount": null, "weight_grams": 0, "barcode": "",
                 "low_stock_threshold": 0}
              ]
            }
          ]
        }

    File paths are relative to `media_dir`. Images are copied as they are (hard-linked when the media
    storage is the local file system), never re-encoded: only their header is read for the dimensions.
    Every spec combination missing from "skus" gets a SKU priced like the cheapest given one, stock 0.
    Stock lands in the ledger as "initial". SKU codes default to "<n>-<position>" style random codes.
    """
    media_dir = Path(media_dir)
    copier = _MediaCopier(media_dir)

    categories: dict[str, Category] = {}
    pending = list(data.get("categories", []))
    while pending:
        level = [c for c in pending if not c.get("parent") or c["parent"] in categories]
        if not level:
            raise ValueError(f"unknown parent categories: {[c['parent'] for c in pending]}")
        made = Category.objects.bulk_create(
            [
                Category(
                    name=c["name"],
                    slug=c.get("slug") or c["key"],
                    position=c.get("position", i),
                    parent=categories.get(c.get("parent") or ""),
                    depth=categories[c["parent"]].depth + 1 if c.get("parent") else 1,
                )
                for i, c in enumerate(level)
            ]
        )
        categories.update({c["key"]: row for c, row in zip(level, made, strict=True)})
        pending = [c for c in pending if c not in level]

    brand_rows = data.get("brands", [])
    brands = dict(
        zip(
            (b["key"] for b in brand_rows),
            Brand.objects.bulk_create(
                [
                    Brand(name=b["name"], logo=copier.copy(b["logo"], "brands")[0] if b.get("logo") else "")
                    for b in brand_rows
                ]
            ),
            strict=True,
        )
    )

    items = data.get("products", [])
    products = Product.objects.bulk_create(
        [
            Product(
                title=p["title"],
                subtitle=p.get("subtitle", ""),
                description_html=clean_description_html(p.get("description_html", "")),
                category=categories[p["category"]] if p.get("category") else None,
                brand=brands[p["brand"]] if p.get("brand") else None,
                tags=list(p.get("tags", [])),
                status=p.get("status", ProductStatus.ACTIVE),
                min_price_amount=min((s["price_amount"] for s in p.get("skus", [])), default=0),
            )
            for p in items
        ]
    )

    ProductStats.objects.bulk_create(
        [
            ProductStats(product=product, sales_count=item["sales_count"])
            for product, item in zip(products, items, strict=True)
            if item.get("sales_count")
        ]
    )

    images, groups, group_values, skus = [], [], [], []
    for product, item in zip(products, items, strict=True):
        for position, entry in enumerate(item.get("images", [])):
            entry = {"file": entry} if isinstance(entry, str) else entry
            name, (width, height) = copier.copy(entry["file"], "products")
            images.append(
                ProductImage(
                    product=product, image=name, width=width, height=height, alt=entry.get("alt", ""), position=position
                )
            )
        specs = item.get("specs", [])
        for position, spec in enumerate(specs):
            groups.append(SpecGroup(product=product, name=spec["name"], position=position))
            group_values.append(spec["values"])
        given = {frozenset(s.get("specs", {}).items()): s for s in item.get("skus", [])}
        cheapest = product.min_price_amount
        for position, combo in enumerate(spec_combinations(specs)):
            sku = given.get(frozenset(combo.items()), {"price_amount": cheapest})
            skus.append(
                Sku(
                    product=product,
                    code=sku.get("sku_code") or f"SKU-{uuid.uuid4().hex[:10].upper()}",
                    specs=combo,
                    price_amount=sku["price_amount"],
                    stock=sku.get("stock", 0),
                    position=position,
                    **{field: sku[field] for field in SKU_VALUE_FIELDS if field in sku},
                )
            )
    ProductImage.objects.bulk_create(images)
    SpecGroup.objects.bulk_create(groups)
    SpecValue.objects.bulk_create(
        [
            SpecValue(group=group, value=value, position=position)
            for group, values in zip(groups, group_values, strict=True)
            for position, value in enumerate(values)
        ]
    )
    Sku.objects.bulk_create(skus)
    StockAdjustment.objects.bulk_create(
        [
            StockAdjustment(sku=sku, delta=sku.stock, reason=StockReason.INITIAL, stock_after=sku.stock)
            for sku in skus
            if sku.stock
        ]
    )
    return {
        "categories": len(categories),
        "brands": len(brands),
        "products": len(products),
        "images": len(images),
        "skus": len(skus),
    }


class _MediaCopier:
    """Puts source files under the shop's key prefix, once per source file per load."""

    def __init__(self, media_dir: Path):
        self.media_dir = media_dir
        self.schema = connection.schema_name
        self.storage = storages["default"]
        self.done: dict[tuple[str, str], tuple[str, tuple[int, int]]] = {}

    def copy(self, relative: str, folder: str) -> tuple[str, tuple[int, int]]:
        if (relative, folder) in self.done:
            return self.done[(relative, folder)]
        source = self.media_dir / relative
        with Image.open(source) as image:  # header only: no pixel decoding
            size = image.size
        name = f"shops/{self.schema}/{folder}/{uuid.uuid4().hex}{source.suffix.lower()}"
        if isinstance(self.storage, FileSystemStorage):
            target = Path(self.storage.path(name))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)  # same file system: instant and no extra space
            except OSError:
                shutil.copyfile(source, target)
        else:
            with source.open("rb") as handle:
                name = self.storage.save(name, File(handle))
        self.done[(relative, folder)] = (name, size)
        return name, size


# --- SKUs for pricing, cart and checkout (checkout app) -------------------------------------------------------


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
    """{sku_id: SkuForSale} for the SKUs that exist (any product status; check `on_sale`), in three queries.

    `lock=True` takes row locks on the SKUs in id order (call inside a transaction): a fixed order, so two
    checkouts of overlapping carts cannot deadlock.
    """
    ids = sorted({int(pk) for pk in sku_ids})
    if not ids:
        return {}
    skus = Sku.objects.filter(pk__in=ids).select_related("product").order_by("pk")
    if lock:
        skus = skus.select_for_update(of=("self",))
    rows = list(skus)
    product_ids = {sku.product_id for sku in rows}
    # jsonb does not keep key order: specs are rebuilt in the product's spec-group order (what the picker shows).
    group_order: dict[int, list[str]] = {}
    for product_id, name in (
        SpecGroup.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "position", "id")
        .values_list("product_id", "name")
    ):
        group_order.setdefault(product_id, []).append(name)
    images: dict[int, str] = {}
    for product_id, name in (
        ProductImage.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "position", "id")
        .values_list("product_id", "image")
    ):
        images.setdefault(product_id, name)
    return {
        sku.pk: SkuForSale(
            id=sku.pk,
            product_id=sku.product_id,
            category_id=sku.product.category_id,
            title=sku.product.title,
            specs=_ordered_specs(sku.specs, group_order.get(sku.product_id, [])),
            price_amount=sku.price_amount,
            weight_grams=sku.weight_grams,
            stock=sku.stock,
            image=images.get(sku.product_id, ""),
            on_sale=sku.product.status == ProductStatus.ACTIVE,
            code=sku.code,
        )
        for sku in rows
    }


def _ordered_specs(specs: dict, order: list[str]) -> dict:
    ordered = {name: specs[name] for name in order if name in specs}
    return {**ordered, **{name: value for name, value in specs.items() if name not in ordered}}


# --- Stock for orders -------------------------------------------------------------------------------------------


def reserve_stock(*, sku_id: int, quantity: int, note: str = "") -> int:
    """Take `quantity` for an order (guarded UPDATE, ledger reason "order"); returns the stock left.

    Raises InsufficientStock (with .sku_id, .available) when short; call it in the order's transaction.
    """
    return adjust_stock(sku_id=sku_id, delta=-quantity, reason=StockReason.ORDER, note=note).stock_after


def release_stock(*, sku_id: int, quantity: int, note: str = "") -> int:
    """Give back `quantity` of a cancelled order (ledger reason "cancel"); returns the stock after."""
    return adjust_stock(sku_id=sku_id, delta=quantity, reason=StockReason.CANCEL, note=note).stock_after


def return_stock(*, sku_id: int, quantity: int, actor_user_id: int | None = None, note: str = "") -> int:
    """Put returned goods back on sale (after-sales receipt; ledger reason "return" with who received them)."""
    return adjust_stock(
        sku_id=sku_id, delta=quantity, reason=StockReason.RETURN, actor_user_id=actor_user_id, note=note
    ).stock_after


def product_count() -> int:
    """Products in the current shop (any status): billing checks a plan's product limit against it."""
    return Product.objects.count()
