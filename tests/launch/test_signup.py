"""POST /api/v1/signup: the happy path on a warm pool, every bad input, and that errors create nothing."""

import pytest
from django.test import Client

from shared_apps.accounts.models import AccessToken, User
from shared_apps.tenancy.models import Domain, Shop, ShopMembership, SpareSchema
from shared_apps.tenancy.provisioning import schema_is_current
from tests.factories import UserFactory

from .conftest import SIGNUP, signup_body


def post(client, body):
    return client.post(SIGNUP, body, content_type="application/json")


def test_signup_claims_a_spare_and_returns_the_contract(platform_client, templates, spare_pool):
    # given a warm pool of two spares
    spares = spare_pool(2)
    # when a merchant signs up
    response = post(platform_client, signup_body())
    # then the shop lives on the oldest spare's schema and the spare row is gone
    assert response.status_code == 201, response.content
    body = response.json()
    shop = Shop.objects.get()
    assert shop.schema_name == spares[0]
    assert list(SpareSchema.objects.values_list("schema_name", flat=True)) == [spares[1]]
    user = User.objects.get()
    assert body["user"] == {"id": user.pk, "email": "mei@example.com"}
    assert body["shop"] == {
        "id": shop.pk,
        "subdomain": "meimei",
        "name": "梅的小店",
        "url": "http://meimei.localhost:8000/",
        "template": "classic",
        "status": "active",
    }
    assert body["token"].startswith("mmp_")
    assert body["admin_login_url"].startswith("http://meimei.localhost:8000/admin/auto-login?t=")
    assert ShopMembership.objects.get().role == "owner"
    assert list(Domain.objects.values_list("domain", "is_primary")) == [("meimei.localhost", True)]
    assert user.check_password("Plum-Blossom-2026")
    # and the token works on the platform API
    shops = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {body['token']}").get("/api/v1/shops")
    assert [s["subdomain"] for s in shops.json()] == ["meimei"]


def test_signup_with_an_empty_pool_migrates_a_new_schema(platform_client, templates, clean_schemas):
    # given no spare at all
    assert SpareSchema.objects.count() == 0
    # when a merchant signs up
    response = post(platform_client, signup_body())
    # then the shop still launches, on a freshly migrated schema
    assert response.status_code == 201, response.content
    shop = Shop.objects.get()
    assert clean_schemas() == {shop.schema_name}
    assert schema_is_current(shop.schema_name)


def test_new_shop_storefront_answers_on_its_host(platform_client, templates, spare_pool):
    spare_pool(1)
    response = post(platform_client, signup_body())
    assert response.status_code == 201
    home = Client(HTTP_HOST="meimei.localhost").get("/healthz")
    assert home.status_code == 200


BAD_INPUTS = [
    ({"subdomain": "www"}, "subdomain"),
    ({"subdomain": "admin"}, "subdomain"),
    ({"subdomain": "demo-classic"}, "subdomain"),
    ({"subdomain": "Mei"}, "subdomain"),
    ({"subdomain": "-mei"}, "subdomain"),
    ({"subdomain": "me"}, "subdomain"),
    ({"subdomain": "mei_shop"}, "subdomain"),
    ({"subdomain": "xn--fiqs8s"}, "subdomain"),
    ({"subdomain": "a" * 64}, "subdomain"),
    ({"password": "short"}, "password"),
    ({"password": "password123"}, "password"),
    ({"password": "12345678901"}, "password"),
    ({"password": "mei@example.com"}, "password"),
    ({"template": "no-such-theme"}, "template"),
    ({"template": ""}, "template"),
    ({"email": "not-an-email"}, "email"),
    ({"shop_name": ""}, "shop_name"),
]


@pytest.mark.parametrize(("override", "field"), BAD_INPUTS)
def test_bad_input_is_a_field_error_and_creates_nothing(platform_client, templates, override, field):
    response = post(platform_client, signup_body(**override))
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert (User.objects.count(), Shop.objects.count(), AccessToken.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize("missing", ["email", "password", "shop_name", "subdomain", "template"])
def test_missing_field_is_a_field_error(platform_client, templates, missing):
    body = signup_body()
    del body[missing]
    response = post(platform_client, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [missing]
    assert Shop.objects.count() == 0


def test_taken_subdomain_is_refused(platform_client, templates, shop_a):
    # given shop A already serves alpha.localhost
    users_before = User.objects.count()
    response = post(platform_client, signup_body(subdomain="alpha"))
    assert response.status_code == 400
    assert response.json()["errors"]["subdomain"] == ["这个子域名已被使用。This subdomain is already taken."]
    assert User.objects.count() == users_before
    assert Shop.objects.count() == 1


def test_used_email_is_refused_case_insensitively(platform_client, templates):
    UserFactory(email="mei@example.com")
    response = post(platform_client, signup_body(email="MEI@Example.com"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"email": ["这个邮箱已注册。This email is already registered."]}
    assert Shop.objects.count() == 0


def test_not_json_object_is_a_400(platform_client, templates):
    response = platform_client.post(SIGNUP, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert Shop.objects.count() == 0


def test_signup_is_only_on_the_platform_host(client_a, templates):
    response = post(client_a, signup_body())
    assert response.status_code == 404
    assert User.objects.filter(email="mei@example.com").count() == 0


def test_signup_is_throttled_per_client(platform_client, templates, settings):
    # given a signup rate of two per minute
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signup": "2/min"},
    }
    # when the same client tries three times (all invalid, so nothing is created)
    codes = [post(platform_client, signup_body(subdomain="www")).status_code for _ in range(3)]
    # then the third is refused before validation
    assert codes == [400, 400, 429]
    # and another client is not affected
    other = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.8.7")
    assert post(other, signup_body(subdomain="www")).status_code == 400
