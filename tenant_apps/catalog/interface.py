"""What other apps (and the public side, e.g. launch/demo seeding) may call in the catalog.

Run it in the shop's schema (e.g. inside `run_in_shop(shop, ...)` / `tenant_context(shop)`). Other tenant apps
import the catalog only through this module (import-linter contract in pyproject.toml).
"""

from .models import MAX_PRICE_AMOUNT
from .search import MAX_QUERY_LENGTH, SORTS, ProductFilter, category_ids_for, search_products
from .selectors import (
    SkuForSale,
    brand_exists,
    catalog_version,
    category_rows,
    existing_product_ids,
    product_count,
    product_is_on_sale,
    product_labels,
    product_on_sale,
    products_on_sale,
    sku_prices,
    sku_stocks,
    skus_for_order,
    skus_for_sale,
    stock_alerts,
    with_price_range,
)
from .services.images import inspect_image
from .services.inventory import (
    InsufficientStock,
    StockTake,
    release_stock,
    reserve_stock,
    return_stock,
    stock_short,
    stock_taken,
    take_stock_in_statement,
)
from .services.seeding import load_catalog

__all__ = [
    "MAX_PRICE_AMOUNT",
    "MAX_QUERY_LENGTH",
    "SORTS",
    "InsufficientStock",
    "ProductFilter",
    "SkuForSale",
    "StockTake",
    "brand_exists",
    "catalog_version",
    "category_ids_for",
    "category_rows",
    "existing_product_ids",
    "inspect_image",
    "load_catalog",
    "product_count",
    "product_is_on_sale",
    "product_labels",
    "product_on_sale",
    "products_on_sale",
    "release_stock",
    "reserve_stock",
    "return_stock",
    "search_products",
    "sku_prices",
    "sku_stocks",
    "skus_for_order",
    "skus_for_sale",
    "stock_alerts",
    "stock_short",
    "stock_taken",
    "take_stock_in_statement",
    "with_price_range",
]
