import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import (
    Category,
    Product,
    ProductStatus,
    Sku,
    SpecGroup,
    SpecValue,
    StockAdjustment,
    StockReason,
)
from tenant_apps.members.services import issue_member_token, register_member
from tests.conftest import host_client

from .conftest import T_SHIRT

PRODUCTS = "/api/v1/manage/products"


def create(client, body=None):
    return client.post(PRODUCTS, body or T_SHIRT, content_type="application/json")


def counts(shop):
    with tenant_context(shop):
        return Product.objects.count(), Sku.objects.count(), SpecGroup.objects.count(), StockAdjustment.objects.count()


def test_create_generates_the_full_sku_matrix_as_a_draft(manager_a, shop_a, owner_a):
    response = create(manager_a)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["specs"] == [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M", "L"]}]
    assert [sku["specs"] for sku in body["skus"]] == [
        {"颜色": "红", "尺码": "S"},
        {"颜色": "红", "尺码": "M"},
        {"颜色": "红", "尺码": "L"},
        {"颜色": "蓝", "尺码": "S"},
        {"颜色": "蓝", "尺码": "M"},
        {"颜色": "蓝", "尺码": "L"},
    ]
    given = {sku["sku_code"]: (sku["price_amount"], sku["stock"]) for sku in body["skus"] if sku["price_amount"]}
    assert given == {"TS-R-S": (9900, 5), "TS-B-L": (10900, 2)}
    assert body["min_price_amount"] == 0  # generated combinations wait for a price
    with tenant_context(shop_a):
        ledger = list(StockAdjustment.objects.order_by("sku__code").values_list("sku__code", "delta", "reason"))
        assert ledger == [("TS-B-L", 2, StockReason.INITIAL), ("TS-R-S", 5, StockReason.INITIAL)]
        assert set(StockAdjustment.objects.values_list("actor_user_id", flat=True)) == {owner_a.pk}


def test_publish_needs_a_price_on_every_sku_then_unpublish(manager_a, shop_a):
    product = create(manager_a).json()
    url = f"{PRODUCTS}/{product['id']}"

    refused = manager_a.post(f"{url}/publish")
    assert refused.status_code == 400
    assert "skus" in refused.json()["errors"]

    priced = [{"specs": sku["specs"], "price_amount": 5000} for sku in product["skus"] if not sku["price_amount"]]
    assert manager_a.patch(url, {"skus": priced}, content_type="application/json").status_code == 200
    published = manager_a.post(f"{url}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "active"
    assert published.json()["min_price_amount"] == 5000

    assert manager_a.post(f"{url}/unpublish").json()["status"] == "inactive"
    with tenant_context(shop_a):
        assert Product.objects.get(pk=product["id"]).status == ProductStatus.INACTIVE


def test_patch_with_new_specs_keeps_skus_by_combination(manager_a, shop_a):
    product = create(manager_a).json()
    kept_ids = {sku["sku_code"]: sku["id"] for sku in product["skus"]}

    response = manager_a.patch(
        f"{PRODUCTS}/{product['id']}",
        {"specs": [{"name": "颜色", "values": ["红", "绿"]}, {"name": "尺码", "values": ["S", "L"]}]},
        content_type="application/json",
    )

    assert response.status_code == 200
    skus = {(s["specs"]["颜色"], s["specs"]["尺码"]): s for s in response.json()["skus"]}
    assert sorted(skus) == sorted([("红", "S"), ("红", "L"), ("绿", "S"), ("绿", "L")])
    assert skus[("红", "S")]["id"] == kept_ids["TS-R-S"]
    assert (skus[("红", "S")]["stock"], skus[("红", "S")]["price_amount"]) == (5, 9900)
    assert skus[("绿", "L")]["stock"] == 0
    with tenant_context(shop_a):
        assert not Sku.objects.filter(code="TS-B-L").exists()
        assert Sku.objects.filter(product_id=product["id"]).count() == 4


def test_adding_a_spec_group_carries_the_single_sku_over(manager_a, shop_a):
    simple = create(manager_a, {"title": "Mug", "skus": [{"price_amount": 1500, "stock": 7, "sku_code": "MUG"}]})
    assert simple.status_code == 201
    assert [(s["sku_code"], s["specs"]) for s in simple.json()["skus"]] == [("MUG", {})]

    response = manager_a.patch(
        f"{PRODUCTS}/{simple.json()['id']}",
        {"specs": [{"name": "容量", "values": ["300ml", "500ml"]}]},
        content_type="application/json",
    )

    skus = response.json()["skus"]
    assert [(s["sku_code"], s["specs"], s["stock"]) for s in skus] == [
        ("MUG", {"容量": "300ml"}, 7),
        (skus[1]["sku_code"], {"容量": "500ml"}, 0),
    ]


def test_patch_stock_goes_through_the_ledger(manager_a, shop_a):
    product = create(manager_a).json()

    manager_a.patch(
        f"{PRODUCTS}/{product['id']}",
        {"skus": [{"specs": {"颜色": "红", "尺码": "S"}, "stock": 12}]},
        content_type="application/json",
    )

    with tenant_context(shop_a):
        sku = Sku.objects.get(code="TS-R-S")
        assert sku.stock == 12
        last = sku.adjustments.order_by("-id").first()
        assert (last.delta, last.reason, last.stock_after) == (7, StockReason.MANUAL, 12)


def test_description_is_sanitised(manager_a):
    body = {**T_SHIRT, "description_html": '<p onclick="x()">Hi<script>alert(1)</script><em>ok</em></p>'}

    response = create(manager_a, body)

    assert response.json()["description_html"] == "<p>Hi<em>ok</em></p>"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": 999999}, "category"),
        ({"brand": 999999}, "brand"),
        ({"skus": [{"specs": {"颜色": "红", "尺码": "S"}, "price_amount": -1}]}, "skus.0.price_amount"),
        ({"skus": [{"specs": {"颜色": "红", "尺码": "S"}, "price_amount": 10**10 + 1}]}, "skus.0.price_amount"),
        ({"skus": [{"specs": {"颜色": "红", "尺码": "S"}, "price_amount": 1, "stock": -3}]}, "skus.0.stock"),
        ({"skus": [{"specs": {"颜色": "紫", "尺码": "S"}, "price_amount": 1}]}, "skus.0.specs"),
        (
            {
                "skus": [
                    {"specs": {"颜色": "红", "尺码": "S"}, "price_amount": 1, "sku_code": "DUP"},
                    {"specs": {"颜色": "红", "尺码": "M"}, "price_amount": 1, "sku_code": "DUP"},
                ]
            },
            "skus.1.sku_code",
        ),
        ({"specs": [{"name": "颜色", "values": ["红", "红"]}], "skus": []}, "specs.0.values"),
        ({"images": [999999]}, "images.0"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_field_error_and_stores_nothing(manager_a, shop_a, change, field):
    before = counts(shop_a)
    body = {**copy.deepcopy(T_SHIRT), **change}

    response = create(manager_a, body)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert counts(shop_a) == before


def test_duplicate_sku_code_against_an_existing_product_is_refused(manager_a, shop_a):
    create(manager_a)
    before = counts(shop_a)
    body = {"title": "Other", "skus": [{"price_amount": 100, "sku_code": "TS-R-S"}]}

    response = create(manager_a, body)

    assert response.status_code == 400
    assert response.json()["errors"] == {"skus.0.sku_code": ["SKU 编码已被使用。"]}
    assert counts(shop_a) == before


def test_bad_patch_on_an_active_product_changes_nothing(manager_a, shop_a):
    body = {"title": "Pen", "skus": [{"price_amount": 300, "sku_code": "PEN"}]}
    product = create(manager_a, body).json()
    manager_a.post(f"{PRODUCTS}/{product['id']}/publish")

    # a new spec combination without a price would put a free SKU on sale
    response = manager_a.patch(
        f"{PRODUCTS}/{product['id']}",
        {"title": "Pen 2", "specs": [{"name": "色", "values": ["黑", "红"]}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    with tenant_context(shop_a):
        assert Product.objects.get(pk=product["id"]).title == "Pen"
        assert list(Sku.objects.filter(product_id=product["id"]).values_list("code", "specs")) == [("PEN", {})]


def test_list_filters_and_rejects_unknown_sort_status_or_category(manager_a, shop_a):
    with tenant_context(shop_a):
        shoes = Category.objects.create(name="Shoes", slug="shoes")
        Product.objects.create(title="Boot", category=shoes, status=ProductStatus.ACTIVE)
        Product.objects.create(title="Hat")

    assert [p["title"] for p in manager_a.get(PRODUCTS, {"category": shoes.pk}).json()["results"]] == ["Boot"]
    assert [p["title"] for p in manager_a.get(PRODUCTS, {"status": "draft"}).json()["results"]] == ["Hat"]
    assert [p["title"] for p in manager_a.get(PRODUCTS, {"sort": "title"}).json()["results"]] == ["Boot", "Hat"]
    assert manager_a.get(PRODUCTS, {"sort": "random()"}).json() == {
        "errors": {
            "sort": ["未知排序，可用：-created, created, -updated, title, -title, -sales_count, price, -price。"]
        }
    }
    # English for a client that asks for it (LocaleMiddleware), from the same msgid.
    assert manager_a.get(PRODUCTS, {"sort": "x"}, HTTP_ACCEPT_LANGUAGE="en").json() == {
        "errors": {
            "sort": [
                "Unknown sort; use one of -created, created, -updated, title, -title, -sales_count, price, -price."
            ]
        }
    }
    assert manager_a.get(PRODUCTS, {"status": "gone"}).status_code == 400
    assert manager_a.get(PRODUCTS, {"category": 999999}).status_code == 400


def test_delete_removes_the_product_and_its_skus(manager_a, shop_a):
    product = create(manager_a).json()

    assert manager_a.delete(f"{PRODUCTS}/{product['id']}").status_code == 204

    assert counts(shop_a) == (0, 0, 0, 0)


def test_foreign_product_ids_are_404_and_untouched(manager_a, shop_a, shop_b):
    with tenant_context(shop_b):
        foreign = Product.objects.create(title="B only")
    with tenant_context(shop_a):
        assert not Product.objects.filter(pk=foreign.pk).exists()
    url = f"{PRODUCTS}/{foreign.pk}"

    assert manager_a.get(url).status_code == 404
    assert manager_a.patch(url, {"title": "x"}, content_type="application/json").status_code == 404
    assert manager_a.post(f"{url}/publish").status_code == 404
    assert manager_a.delete(url).status_code == 404
    with tenant_context(shop_b):
        assert Product.objects.get(pk=foreign.pk).title == "B only"
        assert Product.objects.get(pk=foreign.pk).status == ProductStatus.DRAFT


def test_owner_of_shop_b_gets_403_on_shop_a(owner_b_client, shop_a, manager_a):
    own = create(manager_a).json()
    client = host_client(shop_a, owner_b_client.defaults["HTTP_AUTHORIZATION"].split()[1])

    assert client.get(PRODUCTS).status_code == 403
    assert create(client, {"title": "x"}).status_code == 403
    assert client.delete(f"{PRODUCTS}/{own['id']}").status_code == 403
    assert counts(shop_a)[0] == 1


def test_member_token_and_anonymous_cannot_manage(shop_a, client_a):
    with tenant_context(shop_a):
        member = register_member(email="m@example.com", phone=None, password="Correct-Horse-42")
        token = issue_member_token(member=member)
    member_client = host_client(shop_a, token)

    assert create(member_client).status_code in (401, 403)
    assert create(client_a).status_code in (401, 403)
    assert member_client.get(PRODUCTS).status_code in (401, 403)
    assert counts(shop_a)[0] == 0


def test_finance_reads_but_cannot_write_and_staff_cannot_delete(finance_a, staff_a, manager_a, shop_a):
    product = create(manager_a).json()

    assert finance_a.get(PRODUCTS).status_code == 200
    assert create(finance_a).status_code == 403
    assert finance_a.post(f"{PRODUCTS}/{product['id']}/publish").status_code == 403
    assert (
        staff_a.patch(
            f"{PRODUCTS}/{product['id']}", {"title": "Staff edit"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert staff_a.delete(f"{PRODUCTS}/{product['id']}").status_code == 403
    with tenant_context(shop_a):
        assert list(Product.objects.values_list("title", "status")) == [("Staff edit", "draft")]


def make_products(shop, n):
    with tenant_context(shop):
        products = Product.objects.bulk_create([Product(title=f"P{i}") for i in range(n)])
        groups = SpecGroup.objects.bulk_create([SpecGroup(product=p, name="色") for p in products])
        SpecValue.objects.bulk_create([SpecValue(group=g, value="红") for g in groups])
        Sku.objects.bulk_create(
            [Sku(product=p, code=f"C{p.pk}", specs={"色": "红"}, price_amount=100, stock=1) for p in products]
        )


def test_list_query_count_does_not_grow_with_products(manager_a, shop_a):
    make_products(shop_a, 10)
    manager_a.get(PRODUCTS)  # warm the host -> shop cache so both measured requests route the same way

    with CaptureQueriesContext(connection) as small:
        assert len(manager_a.get(PRODUCTS, {"page_size": 100}).json()["results"]) == 10
    make_products(shop_a, 90)
    with CaptureQueriesContext(connection) as large:
        assert len(manager_a.get(PRODUCTS, {"page_size": 100}).json()["results"]) == 100

    def data_queries(context):  # switching search_path depends on the previous request, not on the data
        return [q["sql"] for q in context.captured_queries if not q["sql"].startswith("SET search_path")]

    assert len(data_queries(large)) == len(data_queries(small))
    # token, role, count, products, images, spec groups, spec values, skus
    assert len(data_queries(small)) == 8
