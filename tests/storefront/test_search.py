"""Storefront product list API: Chinese and English search, filters, sorting, errors, shop isolation."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Brand, Product, ProductStatus

from .conftest import make_category, make_product

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def test_chinese_keyword_finds_product_by_bigrams(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("夏季碎花连衣裙")
        make_product("男士纯棉衬衫")

    assert titles(client_a.get("/api/v1/store/products", {"q": "连衣裙"})) == ["夏季碎花连衣裙"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "碎花"})) == ["夏季碎花连衣裙"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "裙"})) == ["夏季碎花连衣裙"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "衬衫"})) == ["男士纯棉衬衫"]
    # Every bigram must match: 花裙 is not in the title.
    assert titles(client_a.get("/api/v1/store/products", {"q": "碎花裙"})) == []


def test_english_keyword_is_case_insensitive_and_prefix_matched(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("Summer Dress")
        make_product("Winter Coat")

    assert titles(client_a.get("/api/v1/store/products", {"q": "dress"})) == ["Summer Dress"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "DRE"})) == ["Summer Dress"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "summer dress"})) == ["Summer Dress"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "winter dress"})) == []


def test_full_width_letters_match_both_ways(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("Summer Dress")
        make_product("ＮＩＫＥ运动鞋")  # full-width in the title, as some suppliers type it
        make_product("Winter Coat")

    assert titles(client_a.get("/api/v1/store/products", {"q": "Ｄｒｅｓｓ"})) == ["Summer Dress"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "nike"})) == ["ＮＩＫＥ运动鞋"]


def test_mixed_query_subtitle_tags_brand_and_category_are_searched(shop_a, client_a):
    with tenant_context(shop_a):
        brand = Brand.objects.create(name="Nike")
        shoes = make_category("运动鞋")
        make_product("Air Zoom 跑鞋", brand=brand, category=shoes, tags=["爆款"], subtitle="轻量缓震")
        make_product("帆布包")

    assert titles(client_a.get("/api/v1/store/products", {"q": "nike 跑鞋"})) == ["Air Zoom 跑鞋"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "爆款"})) == ["Air Zoom 跑鞋"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "缓震"})) == ["Air Zoom 跑鞋"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "运动鞋"})) == ["Air Zoom 跑鞋"]


def test_renaming_a_brand_updates_the_search_document(shop_a, client_a):
    with tenant_context(shop_a):
        brand = Brand.objects.create(name="Acme")
        make_product("Anvil", brand=brand)
        Brand.objects.filter(pk=brand.pk).update(name="Roadrunner")

    assert titles(client_a.get("/api/v1/store/products", {"q": "roadrunner"})) == ["Anvil"]
    assert titles(client_a.get("/api/v1/store/products", {"q": "acme"})) == []


def test_search_uses_the_gin_index(shop_a):
    with tenant_context(shop_a), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM catalog_product WHERE search_document @@ mm_search_query(%s)", ["连衣裙"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "product_search_document" in plan


def test_only_active_products_are_listed_with_the_card_fields(shop_a, client_a):
    with tenant_context(shop_a):
        shown = make_product(
            "上架商品",
            skus=[{"price_amount": 1990, "stock": 0}, {"specs": {"色": "红"}, "price_amount": 2590, "stock": 0}],
            sales_count=7,
            images=["shops/test_alpha/products/a.jpg"],
        )
        make_product("草稿商品", status=ProductStatus.DRAFT)
        make_product("下架商品", status=ProductStatus.INACTIVE)

    body = client_a.get("/api/v1/store/products").json()

    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": shown.pk,
            "title": "上架商品",
            "price_amount": 1990,
            "currency": "CNY",
            "image_url": "/media/shops/test_alpha/products/a.jpg",
            "sales_count": 7,
            "in_stock": False,
        }
    ]


def test_currency_comes_from_the_shop(shop_a, client_a):
    shop_a.currency = "USD"
    shop_a.save(update_fields=["currency"])
    with tenant_context(shop_a):
        make_product("Mug")

    assert client_a.get("/api/v1/store/products").json()["results"][0]["currency"] == "USD"


def test_category_filter_includes_descendants(shop_a, client_a):
    with tenant_context(shop_a):
        women = make_category("女装")
        dresses = make_category("连衣裙", parent=women)
        long_dresses = make_category("长裙", parent=dresses)
        men = make_category("男装")
        make_product("A 顶层", category=women)
        make_product("B 二层", category=dresses)
        make_product("C 三层", category=long_dresses)
        make_product("D 男装", category=men)

    assert sorted(titles(client_a.get("/api/v1/store/products", {"category": women.pk}))) == [
        "A 顶层",
        "B 二层",
        "C 三层",
    ]
    assert sorted(titles(client_a.get("/api/v1/store/products", {"category": dresses.slug}))) == ["B 二层", "C 三层"]
    assert titles(client_a.get("/api/v1/store/products", {"category": men.pk})) == ["D 男装"]


def test_brand_price_range_and_stock_filters(shop_a, client_a):
    with tenant_context(shop_a):
        brand = Brand.objects.create(name="Muji")
        make_product("便宜", skus=[{"price_amount": 500, "stock": 1}], brand=brand)
        make_product(
            "中等", skus=[{"price_amount": 1500, "stock": 0}, {"specs": {"x": "1"}, "price_amount": 900, "stock": 0}]
        )
        make_product("昂贵", skus=[{"price_amount": 9900, "stock": 3}])

    get = client_a.get
    assert titles(get("/api/v1/store/products", {"brand": brand.pk})) == ["便宜"]
    # The cheapest SKU decides: 中等 starts at 900.
    assert sorted(titles(get("/api/v1/store/products", {"min_price": 800, "max_price": 1000}))) == ["中等"]
    assert sorted(titles(get("/api/v1/store/products", {"min_price": 500, "max_price": 900}))) == ["中等", "便宜"]
    assert sorted(titles(get("/api/v1/store/products", {"in_stock": "true"}))) == ["便宜", "昂贵"]


def test_sort_orders(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("甲", skus=[{"price_amount": 300, "stock": 1}], sales_count=5)
        make_product("乙", skus=[{"price_amount": 100, "stock": 1}], sales_count=50)
        make_product("丙", skus=[{"price_amount": 200, "stock": 1}], sales_count=1)

    def order(sort):
        return titles(client_a.get("/api/v1/store/products", {"sort": sort}))

    assert order("sales") == ["丙", "甲", "乙"]
    assert order("-sales") == ["乙", "甲", "丙"]
    assert order("price") == ["乙", "丙", "甲"]
    assert order("-price") == ["甲", "丙", "乙"]
    assert order("new") == ["丙", "乙", "甲"]
    assert order("relevance") == ["乙", "甲", "丙"]


def test_relevance_puts_title_hits_before_other_hits(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("纯棉T恤", subtitle="搭配连衣裙", sales_count=100)
        make_product("碎花连衣裙", sales_count=1)

    assert titles(client_a.get("/api/v1/store/products", {"q": "连衣裙"})) == ["碎花连衣裙", "纯棉T恤"]


def test_pagination(shop_a, client_a):
    with tenant_context(shop_a):
        for i in range(25):
            make_product(f"商品{i:02d}", sales_count=i)

    first = client_a.get("/api/v1/store/products", {"sort": "-sales"}).json()
    second = client_a.get("/api/v1/store/products", {"sort": "-sales", "page": 2}).json()

    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["results"][0]["title"] == "商品24"
    assert first["next"].endswith("/api/v1/store/products?page=2&sort=-sales")
    assert [p["title"] for p in second["results"]] == [f"商品{i:02d}" for i in range(4, -1, -1)]
    assert client_a.get("/api/v1/store/products", {"page": 9}).status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "no-such-category"}, "category"),
        ({"category": "999999"}, "category"),
        ({"category": "99999999999999999999999"}, "category"),
        ({"sort": "cheapest"}, "sort"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "abc"}, "max_price"),
        ({"min_price": "500", "max_price": "100"}, "max_price"),
        ({"max_price": str(10**20)}, "max_price"),
        ({"brand": "424242"}, "brand"),
        ({"q": "长" * 101}, "q"),
    ],
)
def test_bad_filters_are_400_with_field_errors(shop_a, client_a, params, field):
    response = client_a.get("/api/v1/store/products", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_punctuation_only_query_lists_everything(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("Mug")

    assert titles(client_a.get("/api/v1/store/products", {"q": "!!! ?"})) == ["Mug"]


def test_shop_b_never_sees_shop_a_products(shop_a, shop_b, client_a, client_b):
    with tenant_context(shop_a):
        product = make_product("夏季碎花连衣裙")

    assert titles(client_b.get("/api/v1/store/products", {"q": "连衣裙"})) == []
    assert client_b.get("/api/v1/store/products").json()["count"] == 0
    assert client_b.get(f"/api/v1/store/products/{product.pk}").status_code == 404
    assert titles(client_a.get("/api/v1/store/products", {"q": "连衣裙"})) == ["夏季碎花连衣裙"]


def test_product_count_is_per_shop_schema(shop_a, shop_b):
    with tenant_context(shop_a):
        make_product("A only")
        assert Product.objects.count() == 1
    with tenant_context(shop_b):
        assert Product.objects.count() == 0


@pytest.mark.parametrize(
    ("q", "count"),
    [
        ("'", 1),  # nothing searchable: everything is listed
        ("\\", 1),
        ("dress:*", 1),
        ("％连衣裙％", 1),
        ("dre'ss", 0),  # dre:* & ss:*
        ("a & | ! (b)", 0),
        ("<script>", 0),
        ("𠮷野家", 0),
    ],
)
def test_odd_queries_never_break_the_tsquery(shop_a, client_a, q, count):
    with tenant_context(shop_a):
        make_product("Summer Dress 连衣裙")

    response = client_a.get("/api/v1/store/products", {"q": q})

    assert response.status_code == 200
    assert response.json()["count"] == count
