"""Each input that once answered 500 (found by the contract fuzz) now gets a clear 4xx and changes nothing."""

import json

from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Shop
from tenant_apps.catalog.models import Product, Sku, StockAdjustment
from tenant_apps.catalog.services import MAX_STOCK
from tenant_apps.members.models import Member
from tests.conftest import host_client


def post_json(client: Client, path: str, body: dict, method: str = "post"):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_a_nul_byte_in_the_template_of_a_new_shop_is_a_400(shop_a, owner_token):
    platform = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {owner_token}")
    shops_before = Shop.objects.count()

    response = post_json(platform, "/api/v1/shops", {"shop_name": "N", "subdomain": "nul-shop", "template": "a\x00"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["template"]
    assert Shop.objects.count() == shops_before


def test_a_nul_byte_in_the_subdomain_at_signup_is_a_400(shop_a):
    body = {
        "email": "nul@example.com",
        "password": "Correct-Horse-42",
        "shop_name": "N",
        "subdomain": "nul\x00",
        "template": "classic\x00",
    }

    response = post_json(Client(HTTP_HOST="localhost"), "/api/v1/signup", body)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"subdomain", "template"}


def test_patch_with_a_spec_group_without_values_is_a_400(shop_a, owner_token, catalog_a):
    manager = host_client(shop_a, owner_token)
    path = f"/api/v1/manage/products/{catalog_a['product_id']}"

    response = post_json(manager, path, {"title": "Changed", "specs": [{"name": "尺码"}]}, method="patch")

    assert response.status_code == 400
    assert response.json() == {"errors": {"specs.0.values": ["该字段是必填项。"]}}
    with tenant_context(shop_a):
        assert Product.objects.get(pk=catalog_a["product_id"]).title == "T恤 T-shirt"


def test_a_stock_addition_above_the_maximum_is_a_409_and_keeps_the_stock(shop_a, owner_token, catalog_a):
    manager = host_client(shop_a, owner_token)
    path = f"/api/v1/manage/skus/{catalog_a['sku_id']}/stock"
    assert post_json(manager, path, {"delta": MAX_STOCK - 10}).status_code == 201  # now exactly at the maximum

    response = post_json(manager, path, {"delta": MAX_STOCK})

    assert response.status_code == 409
    assert response.json() == {"detail": "库存不能超过 1000000000，当前 1000000000。", "sku_id": catalog_a["sku_id"]}
    with tenant_context(shop_a):
        assert Sku.objects.get(pk=catalog_a["sku_id"]).stock == MAX_STOCK
        assert StockAdjustment.objects.filter(sku_id=catalog_a["sku_id"]).count() == 2  # initial and the one above
    assert post_json(manager, path, {"delta": -1}).status_code == 201  # taking stock still works up there


def test_a_phone_longer_than_the_column_is_a_400(shop_a):
    body = {"phone": "+12345678901234567890", "password": "Correct-Horse-42"}

    response = post_json(host_client(shop_a), "/api/v1/store/auth/register", body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["phone"]
    with tenant_context(shop_a):
        assert not Member.objects.exists()


def test_a_write_to_an_unknown_api_url_on_a_shop_host_is_a_json_404_not_a_csrf_403(shop_a, owner_token):
    manager = host_client(shop_a, owner_token)

    response = manager.delete("/api/v1/manage/products/null,null")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
