"""Seeding a shop's catalog in bulk (a template's demo catalog at launch): the same rules as the product
services (field bounds, SKU codes, the lowest price), in a handful of queries whatever the catalog's size."""

import os
import shutil
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction
from PIL import Image

from micromall.errors import Invalid

from ..models import (
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
from ..richtext import clean_description_html
from .products import check_product_fields, generated_sku_code, lowest_price, spec_combinations

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
    for index, item in enumerate(data.get("products", [])):
        # category/brand are keys of this file and images are file paths, not ids: checked where they are used.
        problems = check_product_fields({k: v for k, v in item.items() if k not in ("category", "brand", "images")})
        if problems:
            raise Invalid(errors={f"products.{index}.{field}": messages for field, messages in problems.items()})

    categories: dict[str, Category] = {}
    pending = list(data.get("categories", []))
    while pending:
        level = [c for c in pending if not c.get("parent") or c["parent"] in categories]
        if not level:
            raise Invalid(errors={"categories": [f"unknown parent categories: {[c['parent'] for c in pending]}"]})
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
                min_price_amount=lowest_price(s["price_amount"] for s in p.get("skus", [])),
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
                    code=sku.get("sku_code") or generated_sku_code(),
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
        root = self.media_dir.resolve()
        source = (root / relative).resolve()
        if not isinstance(relative, str) or not source.is_relative_to(root) or not source.is_file():
            raise ValueError(f"no image file {relative!r} under the catalog's media folder")  # never outside it
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
