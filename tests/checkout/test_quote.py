"""quote(): the priced order orders charge. SKUs through catalog, the default shipping template, the province."""

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from micromall.errors import Conflict, Invalid
from tenant_apps.catalog.models import Product, ProductStatus
from tenant_apps.checkout.interface import quote
from tenant_apps.checkout.models import Address
from tenant_apps.pricing.services import create_shipping_template, update_shipping_template

from .conftest import make_product

pytestmark = pytest.mark.django_db


def skus_of(product):
    return list(product.skus.order_by("position").values_list("pk", flat=True))


def test_quote_prices_lines_and_shipping_to_the_fen(shop_a, shopper_a):
    _client, member = shopper_a
    with tenant_context(shop_a):
        tee = make_product("T恤", skus=[{"specs": {"尺码": "M"}, "price_amount": 12900, "stock": 10}])
        mug = make_product("马克杯", skus=[{"specs": {}, "price_amount": 3990, "stock": 3}])
        create_shipping_template(
            data={
                "name": "标准",
                "flat_fee_amount": 1000,
                "free_over_amount": 30000,
                "province_surcharges": {"新疆": 1500},
            }
        )
        home = Address.objects.create(
            member=member,
            name="安",
            phone="13812345678",
            province="新疆",
            city="乌鲁木齐",
            district="天山区",
            line1="1号",
        )
        (tee_sku,), (mug_sku,) = skus_of(tee), skus_of(mug)

        order = quote(items=[(tee_sku, 2), (mug_sku, 1)], member=member, address=home.pk)
        assert [(pl.sku_id, pl.unit_price_amount, pl.total_amount) for pl in order.lines] == [
            (tee_sku, 12900, 25800),
            (mug_sku, 3990, 3990),
        ]
        assert (order.subtotal_amount, order.discount_amount, order.shipping_amount, order.total_amount) == (
            29790,
            0,
            1000 + 1500,
            32290,
        )
        assert order.currency == "CNY"
        assert order.skus[tee_sku].title == "T恤" and order.skus[tee_sku].specs == {"尺码": "M"}
        assert order.address == home

        # Over the free-shipping threshold: only the remote surcharge stays; without an address no surcharge.
        assert quote(items=[(tee_sku, 3)], member=member, address=home).shipping_amount == 1500
        assert quote(items=[(tee_sku, 1)]).shipping_amount == 1000


def test_bad_items_are_field_errors(shop_a, shop_b):
    with tenant_context(shop_b):
        foreign = skus_of(make_product("B的商品"))[0]
    with tenant_context(shop_a):
        draft = skus_of(make_product("草稿", status=ProductStatus.DRAFT))[0]
        ok = skus_of(make_product("在售"))[0]
        cases = [
            ([], "items"),
            ([(ok, 0)], "items.0.quantity"),
            ([(ok, -1)], "items.0.quantity"),
            ([(ok, "2")], "items.0.quantity"),
            ([(ok, 1), (ok, 2)], "items.1.sku_id"),
            ([(ok, 1), (draft, 1)], "items.1.sku_id"),
            ([(ok, 1), (foreign + 10**6, 1)], "items.1.sku_id"),
            ([("x", 1)], "items.0.sku_id"),
        ]
        for items, field in cases:
            with pytest.raises(Invalid) as caught:
                quote(items=items)
            assert field in caught.value.errors, (items, caught.value.errors)


def test_quantity_above_stock_is_a_conflict_naming_the_sku(shop_a):
    with tenant_context(shop_a):
        sku = skus_of(make_product("限量", skus=[{"specs": {}, "price_amount": 100, "stock": 50}]))[0]
        with pytest.raises(Conflict) as caught:
            quote(items=[(sku, 999)])
        assert caught.value.extra == {"sku_id": sku, "available": 50}
        assert quote(items=[(sku, 999)], check_stock=False).subtotal_amount == 99900


def test_another_members_address_is_refused(shop_a, shopper_a, other_shopper_a):
    (_c1, ann), (_c2, bob) = shopper_a, other_shopper_a
    with tenant_context(shop_a):
        sku = skus_of(make_product("商品"))[0]
        bobs = Address.objects.create(
            member=bob, name="鲍", phone="13912345678", province="浙江", city="杭州", district="西湖区", line1="2号"
        )
        for member, address in [(ann, bobs.pk), (ann, bobs), (None, bobs.pk), (ann, 10**9), (ann, "1")]:
            with pytest.raises(Invalid) as caught:
                quote(items=[(sku, 1)], member=member, address=address)
            assert "address_id" in caught.value.errors


@pytest.mark.django_db(transaction=True)
def test_lock_skus_takes_row_locks_inside_the_callers_transaction(shop_a):
    with tenant_context(shop_a):
        sku = skus_of(make_product("锁"))[0]
        try:
            with transaction.atomic():
                quote(items=[(sku, 1)], lock_skus=True)
                with connection.cursor() as cursor:
                    cursor.execute(
                        # SELECT ... FOR UPDATE takes RowShareLock on the table for the transaction's lifetime.
                        "SELECT count(*) FROM pg_locks WHERE mode = 'RowShareLock' AND pid = pg_backend_pid()"
                    )
                    assert cursor.fetchone()[0] >= 1
        finally:
            Product.objects.all().delete()


def test_a_new_default_shipping_template_prices_the_next_quote_once_it_commits(
    shop_a, shopper_a, client_a, django_capture_on_commit_callbacks
):
    client, _member = shopper_a
    with tenant_context(shop_a):
        sku = skus_of(make_product("茶", skus=[{"specs": {"规格": "50g"}, "price_amount": 6800, "stock": 5}]))[0]
        first = create_shipping_template(data={"name": "标准", "flat_fee_amount": 800}).pk

    def shipping() -> int:
        body = {"items": [{"sku_id": sku, "quantity": 1}]}
        return client.post("/api/v1/store/checkout/preview", body, content_type="application/json").json()[
            "shipping_amount"
        ]

    assert shipping() == 800  # now in the shop's snapshot
    with tenant_context(shop_a), django_capture_on_commit_callbacks(execute=True):
        update_shipping_template(template_id=first, data={"flat_fee_amount": 1200})
    assert shipping() == 1200
    with tenant_context(shop_a), django_capture_on_commit_callbacks(execute=True):
        create_shipping_template(data={"name": "包邮", "flat_fee_amount": 0, "is_default": True})
    assert shipping() == 0


def test_preview_api_answers_the_contract_shape(shop_a, shopper_a, client_a):
    client, member = shopper_a
    with tenant_context(shop_a):
        sku = skus_of(make_product("茶", skus=[{"specs": {"规格": "50g"}, "price_amount": 6800, "stock": 5}]))[0]
        create_shipping_template(data={"name": "标准", "flat_fee_amount": 800, "province_surcharges": {"西藏": 2000}})
        home = Address.objects.create(
            member=member, name="安", phone="13812345678", province="西藏", city="拉萨", district="城关区", line1="1号"
        )
    response = client.post(
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": sku, "quantity": 2}], "address_id": home.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["lines"] == [
        {
            "sku_id": sku,
            "product_id": body["lines"][0]["product_id"],
            "title": "茶",
            "specs": {"规格": "50g"},
            "image_url": None,
            "quantity": 2,
            "unit_price_amount": 6800,
            "subtotal_amount": 13600,
            "discount_amount": 0,
            "total_amount": 13600,
        }
    ]
    assert {k: body[k] for k in ("subtotal_amount", "discount_amount", "shipping_amount", "total_amount")} == {
        "subtotal_amount": 13600,
        "discount_amount": 0,
        "shipping_amount": 2800,
        "total_amount": 16400,
    }
    assert body["currency"] == "CNY" and body["applied"] == [] and body["address_id"] == home.pk
    # A guest previews without an address (no surcharge) but cannot use one.
    guest = client_a.post(
        "/api/v1/store/checkout/preview", {"items": [{"sku_id": sku, "quantity": 1}]}, content_type="application/json"
    )
    assert guest.status_code == 200 and guest.json()["shipping_amount"] == 800
    refused = client_a.post(
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": sku, "quantity": 1}], "address_id": home.pk},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "address_id" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"sku_id": 1, "quantity": 0}]}, "items.0.quantity"),
        ({"items": [{"sku_id": 1, "quantity": -2}]}, "items.0.quantity"),
        ({"items": [{"sku_id": 1, "quantity": "lots"}]}, "items.0.quantity"),
        ({"items": [{"sku_id": "x", "quantity": 1}]}, "items.0.sku_id"),
        ({"items": [{"sku_id": 10**12, "quantity": 1}]}, "items.0.sku_id"),
        ({}, "items"),
    ],
)
def test_preview_bad_input_is_a_400_with_field_messages(shop_a, client_a, body, field):
    response = client_a.post("/api/v1/store/checkout/preview", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"coupon_code": "SAVE10"}, "coupon_code"),
        ({"points": 100}, "points"),
        ({"activity": {"type": "flash_sale", "id": 99999}}, "activity"),
        ({"activity": {"type": "lottery", "id": 1}}, "activity"),
    ],
)
def test_preview_refuses_a_coupon_points_or_activity_nobody_handles(shop_a, client_a, extra, field):
    """A guest's unknown coupon, points and an unknown activity are field errors, never silently ignored."""
    with tenant_context(shop_a):
        sku = skus_of(make_product("券测", skus=[{"specs": {}, "price_amount": 1000, "stock": 5}]))[0]
    response = client_a.post(
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": sku, "quantity": 1}], **extra},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()["errors"]), response.json()


def test_preview_of_another_shops_sku_and_over_stock(shop_a, shop_b, client_a, client_b):
    with tenant_context(shop_a):
        sku = skus_of(make_product("A的商品", skus=[{"specs": {}, "price_amount": 100, "stock": 50}]))[0]
    foreign = client_b.post(
        "/api/v1/store/checkout/preview", {"items": [{"sku_id": sku, "quantity": 1}]}, content_type="application/json"
    )
    assert foreign.status_code == 400 and "items.0.sku_id" in foreign.json()["errors"]
    short = client_a.post(
        "/api/v1/store/checkout/preview", {"items": [{"sku_id": sku, "quantity": 999}]}, content_type="application/json"
    )
    assert short.status_code == 409
    assert short.json()["sku_id"] == sku and short.json()["available"] == 50
