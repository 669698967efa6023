import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenant_apps.catalog.interface import load_catalog
from tenant_apps.catalog.models import Category, Product, Sku, StockAdjustment

from .conftest import image_bytes


def demo(n_products: int) -> dict:
    return {
        "categories": [
            {"key": "tea", "name": "茶"},
            {"key": "green", "name": "绿茶", "parent": "tea"},
            {"key": "west", "name": "西湖龙井", "parent": "green", "slug": "longjing"},
        ],
        "brands": [{"key": "wl", "name": "西湖", "logo": "logo.png"}],
        "products": [
            {
                "title": f"茶 {i}",
                "description_html": "<p>好<script>x()</script></p>",
                "category": "west",
                "brand": "wl",
                "tags": ["春"],
                "sales_count": i,
                "images": ["a.jpg", {"file": "b.png", "alt": "包装"}],
                "specs": [{"name": "规格", "values": ["50g", "100g"]}],
                "skus": [{"specs": {"规格": "50g"}, "price_amount": 6800, "stock": 3, "sku_code": f"T{i}-50"}],
            }
            for i in range(n_products)
        ],
    }


def media_dir(tmp_path) -> Path:
    source = tmp_path / "theme-media"
    source.mkdir()
    (source / "a.jpg").write_bytes(image_bytes("JPEG", (640, 480)))
    (source / "b.png").write_bytes(image_bytes("PNG", (300, 300)))
    (source / "logo.png").write_bytes(image_bytes("PNG", (128, 64)))
    return source


def test_load_catalog_builds_the_whole_catalog_quickly(shop_a, tmp_path):
    source = media_dir(tmp_path)
    with tenant_context(shop_a):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            counts = load_catalog(demo(12), source)
        elapsed = time.perf_counter() - started

        assert counts == {"categories": 3, "brands": 1, "products": 12, "images": 24, "skus": 24}
        assert len(queries) <= 16  # bulk inserts, independent of the number of products
        assert elapsed < 0.5  # typically ~30 ms on this machine; loose bound for a busy CI box
        assert dict(Category.objects.values_list("slug", "depth")) == {"tea": 1, "green": 2, "longjing": 3}
        product = Product.objects.with_sales().get(title="茶 3")
        assert (product.status, product.sales_count, product.min_price_amount) == ("active", 3, 6800)
        assert product.description_html == "<p>好</p>"
        assert list(product.skus.values_list("code", "specs", "price_amount", "stock")) == [
            ("T3-50", {"规格": "50g"}, 6800, 3),
            (product.skus.get(specs={"规格": "100g"}).code, {"规格": "100g"}, 6800, 0),
        ]
        images = list(product.images.all())
        assert [(i.width, i.height, i.alt) for i in images] == [(640, 480, ""), (300, 300, "包装")]
        assert images[0].image.name.startswith("shops/test_alpha/products/")
        stored = Path(django_settings.MEDIA_ROOT) / images[0].image.name
        assert stored.read_bytes() == (source / "a.jpg").read_bytes()
        assert StockAdjustment.objects.filter(reason="initial").count() == 12
        assert Sku.objects.count() == 24


def test_load_catalog_opens_no_file_outside_its_media_folder(shop_a, tmp_path):
    source = media_dir(tmp_path)
    (tmp_path / "outside.png").write_bytes(image_bytes("PNG", (10, 10)))
    for escape in ("../outside.png", str(tmp_path / "outside.png")):
        catalog = {"products": [{"title": "x", "images": [escape], "skus": [{"price_amount": 100}]}]}
        with tenant_context(shop_a), pytest.raises(ValueError, match="media folder"):
            load_catalog(catalog, source)
