"""Shipping templates: merchant API (GET/POST/PATCH/DELETE), one default per shop, validation, isolation."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenant_apps.pricing.models import ShippingTemplate
from tenant_apps.pricing.services import create_shipping_template
from tests.catalog.conftest import role_client
from tests.conftest import host_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/manage/shipping-templates"

REMOTE = {
    "name": "全国包邮（偏远除外）",
    "kind": "flat",
    "flat_fee_amount": 800,
    "free_over_amount": 9900,
    "province_surcharges": {"新疆维吾尔自治区": 1500, "西藏": 2000},
}


def test_merchant_creates_templates_and_the_first_is_the_default(manager_a, shop_a):
    first = manager_a.post(URL, REMOTE, content_type="application/json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["is_default"] is True
    assert body["province_surcharges"] == {"新疆": 1500, "西藏": 2000}
    weight = {
        "name": "按重量",
        "kind": "weight",
        "first_weight_grams": 1000,
        "first_fee_amount": 1200,
        "additional_weight_grams": 500,
        "additional_fee_amount": 300,
    }
    second = manager_a.post(URL, weight, content_type="application/json").json()
    assert second["is_default"] is False

    made_default = manager_a.patch(f"{URL}/{second['id']}", {"is_default": True}, content_type="application/json")
    assert made_default.status_code == 200 and made_default.json()["is_default"] is True
    listing = manager_a.get(URL).json()
    assert listing["count"] == 2
    assert [(t["name"], t["is_default"]) for t in listing["results"]] == [("按重量", True), (REMOTE["name"], False)]

    # The default cannot be switched off directly; deleting it hands the role to the oldest remaining one.
    refused = manager_a.patch(f"{URL}/{second['id']}", {"is_default": False}, content_type="application/json")
    assert refused.status_code == 400 and "is_default" in refused.json()["errors"]
    assert manager_a.delete(f"{URL}/{second['id']}").status_code == 204
    with tenant_context(shop_a):
        assert list(ShippingTemplate.objects.values_list("name", "is_default")) == [(REMOTE["name"], True)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "kind": "drone"}, "kind"),
        ({"name": "x", "flat_fee_amount": -1}, "flat_fee_amount"),
        ({"name": "x", "flat_fee_amount": "8.00"}, "flat_fee_amount"),
        ({"name": "x", "flat_fee_amount": 1.5}, "flat_fee_amount"),
        ({"name": "x", "free_over_amount": True}, "free_over_amount"),
        ({"name": "x", "additional_weight_grams": 0}, "additional_weight_grams"),
        ({"name": "x", "province_surcharges": {"火星": 100}}, "province_surcharges.火星"),
        ({"name": "x", "province_surcharges": {"新疆": -5}}, "province_surcharges.新疆"),
        ({"name": "x", "province_surcharges": ["新疆"]}, "province_surcharges"),
        ({"name": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_templates_are_refused_with_field_messages(manager_a, shop_a, body, field):
    response = manager_a.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    with tenant_context(shop_a):
        assert not ShippingTemplate.objects.exists()


def test_a_non_object_body_is_a_400(manager_a):
    assert manager_a.post(URL, [1, 2], content_type="application/json").status_code == 400


def test_isolation_roles_and_foreign_ids(manager_a, shop_a, shop_b, owner_a_token):
    template_id = manager_a.post(URL, REMOTE, content_type="application/json").json()["id"]
    # Anonymous and a shopper-less client: 401/403, nothing listed.
    assert host_client(shop_a).get(URL).status_code in (401, 403)
    # A's owner token on B's host: not a member of B.
    assert host_client(shop_b, owner_a_token).get(URL).status_code in (401, 403)
    # B's owner cannot see or change A's template: B's schema has no such id.
    owner_b, _ = role_client(shop_b, "owner")
    assert owner_b.get(f"{URL}/{template_id}").status_code == 404
    assert owner_b.patch(f"{URL}/{template_id}", {"name": "pwn"}, content_type="application/json").status_code == 404
    assert owner_b.delete(f"{URL}/{template_id}").status_code == 404
    # Staff read but do not write.
    staff, _ = role_client(shop_a, "staff")
    assert staff.get(URL).status_code == 200
    assert staff.patch(f"{URL}/{template_id}", {"name": "x"}, content_type="application/json").status_code == 403
    with tenant_context(shop_a):
        assert ShippingTemplate.objects.get().name == REMOTE["name"]


@pytest.mark.django_db(transaction=True)
def test_two_first_templates_at_once_leave_exactly_one_default(shop_a):
    barrier = Barrier(2)

    def create(name: str):
        try:
            with tenant_context(shop_a):
                barrier.wait(timeout=10)
                return create_shipping_template(data={"name": name, "flat_fee_amount": 500}).pk
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(2) as pool:
            ids = list(pool.map(create, ["甲", "乙"]))
        with tenant_context(shop_a):
            assert ShippingTemplate.objects.filter(pk__in=ids).count() == 2
            assert ShippingTemplate.objects.filter(is_default=True).count() == 1
    finally:
        with tenant_context(shop_a):
            ShippingTemplate.objects.all().delete()
