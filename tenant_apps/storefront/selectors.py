"""Storefront reads: the shop's theme, product cards and details, the category tree, cached by catalog version."""

import hashlib
import json
from typing import Any

from django.core.files.storage import default_storage

from tenant_apps.catalog.interface import (
    ProductFilter,
    category_ids_for,
    category_rows,
    product_is_on_sale,
    product_on_sale,
    search_products,
    sku_prices,
    sku_stocks,
    with_price_range,
)
from tenant_apps.pricing.interface import (
    ProductPrice,
    SkuPrice,
    display_prices,
    member_unit_prices,
    product_price_range,
    sku_unit_prices,
)
from themes.registry import Theme, get_theme, merged_settings, theme_or_default

from .caching import NOT_READ, cached_by_catalog, pinned_theme_settings
from .models import ThemeSettings


def shop_theme(shop) -> tuple[Theme, dict]:
    """The shop's theme and its effective settings (defaults merged with what the merchant saved).

    Theme: the one saved in ThemeSettings if it still exists, else the template the shop was created
    from (Shop.template), else the default theme.
    """
    row = pinned_theme_settings()  # the page cache may have read it for this page already
    if row is NOT_READ:
        row = ThemeSettings.objects.filter(pk=1).first()
    saved = row.theme if row and get_theme(row.theme) else None
    theme = theme_or_default(saved or getattr(shop, "template", None))
    stored = row.settings if row and row.theme == theme.slug else {}
    return theme, merged_settings(theme, stored)


def image_url(name: str | None) -> str | None:
    return default_storage.url(name) if name else None


def product_card_list(products, currency: str) -> list[dict[str, Any]]:
    """Cards for a page of products, priced in one call to the pricing seam."""
    products = list(products)
    prices = display_prices(ProductPrice(product.pk, product.min_price_amount) for product in products)
    return [product_card(product, currency, price_amount=prices[product.pk].price_amount) for product in products]


def product_card(product, currency: str, *, price_amount: int | None = None) -> dict[str, Any]:
    if price_amount is None:
        price_amount = display_prices([ProductPrice(product.pk, product.min_price_amount)])[product.pk].price_amount
    card = {
        "id": product.pk,
        "title": product.title,
        "price_amount": price_amount,
        "currency": currency,
        "image_url": image_url(product.first_image),
        "sales_count": product.sales_count,
        "in_stock": product.in_stock,
    }
    high = getattr(product, "max_price_amount", None)
    if high is not None:  # pages only (with_price_range): the API's card keeps its documented fields
        card["price_varies"] = high > product.min_price_amount
        card["category_id"] = product.category_id  # for activity badges scoped by category
        card["list_price_amount"] = product.min_price_amount  # struck through when an offer lowers the price
    return card


def product_cards(spec: ProductFilter, currency: str, *, limit: int) -> list[dict]:
    return product_card_list(with_price_range(search_products(spec))[:limit], currency)


def product_cards_by_id(product_ids: list[int], currency: str) -> list[dict]:
    """Cards of these products in this order (inactive or unknown ids skipped), cached by catalog version."""
    ids = [int(pid) for pid in product_ids][:24]
    if not ids:
        return []

    def compute() -> list[dict]:
        products = with_price_range(search_products(ProductFilter(sort="new"))).filter(pk__in=ids)
        cards = {card["id"]: card for card in product_card_list(products, currency)}
        return [cards[pid] for pid in ids if pid in cards]

    return cached_by_catalog(f"cards:{currency}:{','.join(map(str, ids))}", compute)


def category_tree() -> list[dict]:
    """All categories as nested `{id, name, slug, children}` (one query; parents come before children)."""
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    for pk, parent_id, name, slug in category_rows():
        node = nodes[pk] = {"id": pk, "name": name, "slug": slug, "children": []}
        parent = nodes.get(parent_id)
        (parent["children"] if parent else roots).append(node)
    return roots


def product_is_visible(product_id: int) -> bool:
    return product_is_on_sale(product_id)


def product_detail(product_id: int, currency: str) -> dict | None:
    """An active product with images, spec matrix and SKUs; None when it is not for sale.

    Everything but stock is cached per catalog version; stock changes with every order without
    bumping the version, so it is read live (one query).
    """
    detail = cached_by_catalog(f"product:{product_id}:{currency}", lambda: load_product_detail(product_id, currency))
    if not detail:
        return None
    stock = sku_stocks(product_id)
    skus = [{**sku, "stock": stock.get(sku["id"], 0)} for sku in detail["skus"]]
    return {**detail, "skus": skus, "in_stock": any(sku["stock"] > 0 for sku in skus)}


def load_product_detail(product_id: int, currency: str) -> dict | bool:
    """The uncached detail (five queries whatever the product's size); False when not for sale."""
    product = product_on_sale(product_id)
    if product is None:
        return False  # cached too: a miss is as cacheable as a hit
    skus = list(product.skus.all())
    units = sku_unit_prices(SkuPrice(sku.pk, product.pk, sku.price_amount) for sku in skus)
    price = product_price_range(units.values())
    cheapest = min(skus, key=lambda sku: (units[sku.pk], sku.pk), default=None)
    compare_at = cheapest.compare_at_amount if cheapest is not None else None
    if cheapest is not None and units[cheapest.pk] < cheapest.price_amount:  # an offer in force: strike the list price
        compare_at = max(compare_at or 0, cheapest.price_amount)
    return {
        "id": product.pk,
        "title": product.title,
        "subtitle": product.subtitle,
        "description_html": product.description_html,
        "currency": currency,
        "price_amount": price.price_amount if price else product.min_price_amount,
        "from_price": bool(price and price.from_price),
        # 划线价 shown before a SKU is chosen: the cheapest SKU's, when it is above that price.
        "compare_at_amount": compare_at if compare_at and cheapest and compare_at > units[cheapest.pk] else None,
        "category_id": product.category_id,
        "list_price_amount": product.min_price_amount,
        "sales_count": product.sales_count,
        "images": [
            {"url": image_url(image.image.name), "width": image.width, "height": image.height, "alt": image.alt}
            for image in product.images.all()
        ],
        "specs": [
            {"name": group.name, "values": [value.value for value in group.values.all()]}
            for group in product.spec_groups.all()
        ],
        "skus": [
            {
                "id": sku.pk,
                "specs": sku.specs,
                "price_amount": units[sku.pk],
                # An offer in force (e.g. 限时折扣) strikes the list price through, or the 划线价 when higher.
                "compare_at_amount": max(sku.compare_at_amount or 0, sku.price_amount)
                if units[sku.pk] < sku.price_amount
                else sku.compare_at_amount,
                "stock": sku.stock,
            }
            for sku in skus
        ],
        "in_stock": any(sku.stock > 0 for sku in skus),
    }


def home_sections(theme_settings: dict, currency: str) -> list[dict]:
    """The theme's `home_sections` with their products, cached per catalog version."""

    def compute() -> list[dict]:
        sections = []
        for section in theme_settings.get("home_sections", []):
            if section.get("type") != "product_grid":
                continue
            source = section.get("source", "new")
            spec = ProductFilter(sort={"new": "new", "sales": "-sales"}.get(source, "-sales"))
            if source == "category":
                ids = category_ids_for(section.get("category", ""))
                if not ids:
                    continue
                spec = ProductFilter(category_ids=ids, sort="-sales")
            sections.append(
                {
                    "title": section.get("title", ""),
                    "source": source,
                    "category": section.get("category", ""),
                    "products": product_cards(spec, currency, limit=section.get("limit", 6)),
                }
            )
        return sections

    key = f"home:{currency}:{digest(theme_settings.get('home_sections', []))}"
    return cached_by_catalog(key, compute)


def digest(value: Any) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def product_page(spec: ProductFilter, page: int, currency: str, *, per_page: int = 20) -> dict:
    """One page of storefront products for HTML pages, cached per catalog version."""

    def compute() -> dict:
        products = with_price_range(search_products(spec))
        count = products.count()
        last = max(1, -(-count // per_page))
        number = min(max(1, page), last)
        start = (number - 1) * per_page
        return {
            "count": count,
            "page": number,
            "num_pages": last,
            "products": product_card_list(products[start : start + per_page], currency),
        }

    return cached_by_catalog(f"page:{currency}:{digest([repr(spec), page, per_page])}", compute)


MEMBER_PRICE_PRODUCTS = 48


def member_prices(product_ids: list[int], *, member_id: int) -> dict[str, list[dict]]:
    """What a signed-in member pays below everyone's price (会员价, level discounts), for the products of a page:
    `products` (the card / product-page price: the lowest of the member's SKU prices, "起" when they differ) and
    `skus` (the product page's picker). Only lower prices are listed. Priced by the pricing seam with the same
    offers checkout's quote uses; never cached (per member), and pages stay cacheable: the theme fetches it."""
    rows = sku_prices(product_ids[:MEMBER_PRICE_PRODUCTS])
    prices = member_unit_prices((SkuPrice(sku, product, price) for sku, product, price in rows), member_id=member_id)
    by_product: dict[int, list] = {}
    for price in prices.values():
        by_product.setdefault(price.product_id, []).append(price)
    products = []
    for product_id, skus in by_product.items():
        cheapest = min(skus, key=lambda sku: (sku.price_amount, sku.sku_id))
        anyone = min(sku.anyone_price_amount for sku in skus)
        if cheapest.price_amount < anyone:
            products.append(
                {
                    "product_id": product_id,
                    "price_amount": cheapest.price_amount,
                    "from_price": max(sku.price_amount for sku in skus) > cheapest.price_amount,
                    "anyone_price_amount": anyone,
                    "source": cheapest.source,
                }
            )
    skus = [
        {
            "sku_id": price.sku_id,
            "product_id": price.product_id,
            "price_amount": price.price_amount,
            "anyone_price_amount": price.anyone_price_amount,
            "source": price.source,
        }
        for price in prices.values()
        if price.price_amount < price.anyone_price_amount
    ]
    return {"products": products, "skus": skus}
