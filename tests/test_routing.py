"""Host -> shop routing: platform vs shop URL roots, unknown hosts, suspended shops, bad hosts."""

import json

import pytest
from django.test import Client

from shared_apps.tenancy import selectors
from shared_apps.tenancy.models import ShopStatus
from shared_apps.tenancy.services import set_status

pytestmark = pytest.mark.django_db


def test_platform_host_serves_platform_root(platform_client):
    response = platform_client.get("/api/v1/manage/shop")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_shop_host_serves_shop_root(client_a, shop_a):
    response = client_a.get("/api/v1/manage/shop")

    assert response.status_code == 401


def test_unknown_host_is_404_json_under_api(db):
    response = Client(HTTP_HOST="nosuchshop.localhost").get("/api/v1/store/me")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_host"


def test_unknown_host_is_404_page(db):
    response = Client(HTTP_HOST="nosuchshop.localhost").get("/")

    assert response.status_code == 404
    assert "没有找到这个店铺" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("host", ["bad host", "exa mple.localhost", "<script>.localhost", "a" * 300, "x.localhost:abc"])
def test_malformed_host_is_400(db, host):
    response = Client(HTTP_HOST=host).get("/api/v1/store/me")

    assert response.status_code == 400


def test_suspended_shop_shows_store_closed_page_and_423_on_api(client_a, shop_a):
    set_status(shop=shop_a, status=ShopStatus.SUSPENDED)

    page = client_a.get("/")
    api = client_a.get("/api/v1/store/me")

    assert page.status_code == 423
    assert "店铺暂停营业" in page.content.decode()
    assert api.status_code == 423
    assert api.json()["code"] == "store_closed"


def test_suspended_shop_still_reports_health(client_a, shop_a):
    set_status(shop=shop_a, status=ShopStatus.SUSPENDED)

    assert client_a.get("/healthz").status_code == 200


def test_closed_shop_is_not_found(client_a, shop_a):
    set_status(shop=shop_a, status=ShopStatus.CLOSED)

    assert client_a.get("/api/v1/store/me").status_code == 404


def test_resume_takes_effect_immediately(client_a, shop_a):
    set_status(shop=shop_a, status=ShopStatus.SUSPENDED)
    assert client_a.get("/api/v1/store/me").status_code == 423

    set_status(shop=shop_a, status=ShopStatus.ACTIVE)

    assert client_a.get("/api/v1/store/me").status_code == 401


def test_host_lookup_is_cached(client_a, shop_a, django_assert_num_queries):
    client_a.get("/healthz")
    selectors._local.clear()  # the shared (Redis) layer alone must answer

    with django_assert_num_queries(1):  # SELECT 1 of the health check, no host lookup
        response = client_a.get("/healthz")

    assert response.status_code == 200


def test_host_with_port_and_uppercase_routes_to_shop(shop_a):
    response = Client(HTTP_HOST="ALPHA.localhost:8000").get("/api/v1/manage/shop")

    assert response.status_code == 401


def test_oversized_body_is_413_and_nothing_written(client_a):
    body = json.dumps({"email": "x@example.com", "password": "p" * (11 * 1024 * 1024)})

    response = client_a.post("/api/v1/store/auth/register", body, content_type="application/json")

    assert response.status_code == 413


def test_body_above_parse_limit_is_4xx(client_a):
    body = json.dumps({"email": "x@example.com", "password": "p" * (3 * 1024 * 1024)})

    response = client_a.post("/api/v1/store/auth/register", body, content_type="application/json")

    assert response.status_code in (400, 413)


def test_oversized_headers_are_431(client_a):
    response = client_a.get("/api/v1/store/me", HTTP_X_JUNK="j" * 20000)

    assert response.status_code == 431


def test_malformed_json_is_400(client_a):
    response = client_a.post("/api/v1/store/auth/register", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_favicon_is_an_empty_cached_answer_on_every_host_not_a_themed_404(
    platform_client, client_a, django_assert_num_queries
):
    for client in (platform_client, client_a):
        client.get("/healthz")  # the host -> shop lookup is cached from here on
        with django_assert_num_queries(0):
            response = client.get("/favicon.ico")

        assert (response.status_code, response.content) == (204, b"")
        assert response["Cache-Control"] == "public, max-age=86400"


def test_server_error_is_json_under_api_and_a_page_elsewhere(rf, shop_a):
    from micromall.urls_common import server_error

    api = server_error(rf.get("/api/v1/store/products"))
    page = server_error(rf.get("/"))

    assert api.status_code == 500
    assert json.loads(api.content)["code"] == "server_error"
    assert page.status_code == 500
    assert "服务器出错了" in page.content.decode()
