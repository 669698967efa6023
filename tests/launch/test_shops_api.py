"""GET/POST /api/v1/shops on the platform host: the caller's shops, and launching another one."""

import pytest
from django.test import Client

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import Shop, ShopMembership, SpareSchema
from shared_apps.tenancy.provisioning import fresh_spare_count
from tests.factories import UserFactory

from ..conftest import staff_of


def platform_as(user) -> Client:
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user)}")


def test_list_shows_only_the_callers_shops_with_roles(shop_a, shop_b):
    user = staff_of(shop_a, "admin")
    staff_of(shop_b)  # someone else's shop
    response = platform_as(user).get("/api/v1/shops")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": shop_a.pk,
            "subdomain": "alpha",
            "name": "Shop alpha",
            "url": "http://alpha.localhost:8000/",
            "role": "admin",
            "status": "active",
            "agency": None,
        }
    ]


def test_list_needs_a_token(db):
    assert Client(HTTP_HOST="localhost").get("/api/v1/shops").status_code == 401


def test_post_launches_a_second_shop_for_the_caller(templates, spare_pool):
    (spare,) = spare_pool(1)
    user = UserFactory()
    response = platform_as(user).post(
        "/api/v1/shops", {"shop_name": "第二家", "subdomain": "second", "template": "classic"}, "application/json"
    )
    assert response.status_code == 201, response.content
    shop = Shop.objects.get(subdomain="second")
    assert response.json()["id"] == shop.pk
    assert response.json()["url"] == "http://second.localhost:8000/"
    assert shop.schema_name == spare and shop.owner == user
    assert ShopMembership.objects.get(shop=shop).role == "owner"
    assert SpareSchema.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"shop_name": "x", "subdomain": "www", "template": "classic"}, "subdomain"),
        ({"shop_name": "x", "subdomain": "alpha", "template": "classic"}, "subdomain"),
        ({"shop_name": "x", "subdomain": "gamma", "template": "nope"}, "template"),
        ({"shop_name": "x", "subdomain": "gamma", "template": "classic", "agency": 999999}, "agency"),
    ],
)
def test_post_bad_input_creates_nothing(shop_a, templates, body, field):
    user = UserFactory()
    response = platform_as(user).post("/api/v1/shops", body, "application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert list(Shop.objects.values_list("subdomain", flat=True)) == ["alpha"]


def test_post_needs_a_token(templates):
    response = Client(HTTP_HOST="localhost").post(
        "/api/v1/shops", {"shop_name": "x", "subdomain": "gamma", "template": "classic"}, "application/json"
    )
    assert response.status_code == 401
    assert Shop.objects.count() == 0


def test_a_claim_refills_the_pool_after_commit(templates, spare_pool, settings):
    from micromall.celery import app

    spare_pool(1)
    settings.SPARE_POOL_REFILL_ON_CLAIM = True
    settings.SPARE_SCHEMA_POOL_SIZE = 2
    app.conf.task_always_eager = True
    try:
        response = platform_as(UserFactory()).post(
            "/api/v1/shops", {"shop_name": "x", "subdomain": "gamma", "template": "classic"}, "application/json"
        )
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 201
    assert fresh_spare_count() == 2


def test_post_opens_a_client_shop_for_an_agency_the_caller_manages(templates, spare_pool):
    from shared_apps.agencies.models import Agency, AgencyMembership

    spare_pool(1)
    boss, member = UserFactory(), UserFactory()
    agency = Agency.objects.create(name="杭州代运营")
    AgencyMembership.objects.create(agency=agency, user=boss, role="owner")
    AgencyMembership.objects.create(agency=agency, user=member, role="staff")
    body = {"shop_name": "客户店", "subdomain": "client", "template": "classic", "agency": agency.pk}

    refused = platform_as(member).post("/api/v1/shops", body, "application/json")  # staff do not open shops
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["agency"]
    assert not Shop.objects.filter(subdomain="client").exists()

    response = platform_as(boss).post("/api/v1/shops", body, "application/json")
    assert response.status_code == 201, response.content
    assert Shop.objects.get(subdomain="client").agency_id == agency.pk
