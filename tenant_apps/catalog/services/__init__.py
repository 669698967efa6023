"""Catalog writers. Other apps call these (never the models) to change catalog data."""

from .categories import (
    create_brand,
    create_category,
    delete_brand,
    delete_category,
    remove_brand_logo,
    update_brand,
    update_category,
)
from .images import inspect_image, set_brand_logo, upload_product_image
from .imports import export_products_csv, run_product_import, start_product_import
from .inventory import (
    MAX_STOCK,
    InsufficientStock,
    StockChange,
    StockLimitExceeded,
    adjust_stock,
    catalog_settings,
    record_low_stock,
    resolve_low_stock_notice,
    update_catalog_settings,
)
from .products import (
    attach_image,
    check_product_fields,
    create_product,
    delete_product,
    describe_image,
    publish_product,
    spec_combinations,
    unpublish_product,
    update_product,
    update_sku,
)
from .seeding import load_catalog
from .stats import record_sales

__all__ = [
    "MAX_STOCK",
    "InsufficientStock",
    "StockChange",
    "StockLimitExceeded",
    "adjust_stock",
    "attach_image",
    "catalog_settings",
    "check_product_fields",
    "create_brand",
    "create_category",
    "create_product",
    "delete_brand",
    "delete_category",
    "delete_product",
    "describe_image",
    "export_products_csv",
    "inspect_image",
    "load_catalog",
    "publish_product",
    "record_low_stock",
    "record_sales",
    "remove_brand_logo",
    "resolve_low_stock_notice",
    "run_product_import",
    "set_brand_logo",
    "spec_combinations",
    "start_product_import",
    "unpublish_product",
    "update_brand",
    "update_catalog_settings",
    "update_category",
    "update_product",
    "update_sku",
    "upload_product_image",
]
