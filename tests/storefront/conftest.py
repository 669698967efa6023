"""Catalog rows for storefront tests, written straight to the shop schema (callers wrap in tenant_context)."""

import itertools

from tenant_apps.catalog.models import (
    Brand,
    Category,
    Product,
    ProductImage,
    ProductStats,
    ProductStatus,
    Sku,
    SpecGroup,
    SpecValue,
)

_codes = itertools.count(1)


def make_category(name: str, parent: Category | None = None) -> Category:
    return Category.objects.create(
        name=name, slug=f"{name.lower()}-{next(_codes)}", parent=parent, depth=(parent.depth + 1) if parent else 1
    )


def make_product(
    title: str,
    *,
    skus: list[dict] | None = None,
    status: str = ProductStatus.ACTIVE,
    category: Category | None = None,
    brand: Brand | None = None,
    sales_count: int = 0,
    subtitle: str = "",
    tags: list[str] | None = None,
    images: list[str] | None = None,
    description_html: str = "",
) -> Product:
    """`skus`: [{"specs": {"颜色": "红"}, "price_amount": 100, "stock": 3}]; default one SKU at 1000 with stock 5."""
    skus = skus or [{"specs": {}, "price_amount": 1000, "stock": 5}]
    product = Product.objects.create(
        title=title,
        subtitle=subtitle,
        status=status,
        category=category,
        brand=brand,
        tags=tags or [],
        description_html=description_html,
        min_price_amount=min(sku["price_amount"] for sku in skus),
    )
    if sales_count:
        ProductStats.objects.create(product=product, sales_count=sales_count)
    groups: dict[str, list[str]] = {}
    for sku in skus:
        for name, value in sku.get("specs", {}).items():
            if value not in groups.setdefault(name, []):
                groups[name].append(value)
    for position, (name, values) in enumerate(groups.items()):
        group = SpecGroup.objects.create(product=product, name=name, position=position)
        SpecValue.objects.bulk_create(SpecValue(group=group, value=v, position=i) for i, v in enumerate(values))
    for position, sku in enumerate(skus):
        Sku.objects.create(
            product=product,
            code=f"SKU-{next(_codes)}",
            specs=sku.get("specs", {}),
            price_amount=sku["price_amount"],
            compare_at_amount=sku.get("compare_at_amount"),
            stock=sku.get("stock", 0),
            position=position,
        )
    for position, name in enumerate(images or []):
        ProductImage.objects.create(product=product, image=name, position=position, width=800, height=800)
    return product


def bulk_products(count: int, *, prefix: str = "批量商品", with_images: bool = True) -> None:
    """`count` active products with two SKUs and an image each, in a handful of queries (query-budget tests)."""
    start = next(_codes) * 100000
    products = Product.objects.bulk_create(
        Product(title=f"{prefix} {i}", status=ProductStatus.ACTIVE, min_price_amount=100 + i) for i in range(count)
    )
    ProductStats.objects.bulk_create(ProductStats(product=p, sales_count=i) for i, p in enumerate(products) if i)
    Sku.objects.bulk_create(
        Sku(product=p, code=f"B{start + i}-{n}", specs={"尺码": size}, price_amount=100 + i + n, stock=n)
        for i, p in enumerate(products)
        for n, size in enumerate(["S", "M"])
    )
    groups = SpecGroup.objects.bulk_create(SpecGroup(product=p, name="尺码") for p in products)
    SpecValue.objects.bulk_create(SpecValue(group=g, value=v, position=n) for g in groups for n, v in enumerate("SM"))
    if with_images:
        ProductImage.objects.bulk_create(
            ProductImage(product=p, image=f"shops/test/products/{p.pk}.jpg", width=800, height=800) for p in products
        )
