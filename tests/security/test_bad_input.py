"""Item 3: inputs that used to raise a 500 get a 400 with a message, and nothing is stored."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from django_tenants.utils import tenant_context
from rest_framework.exceptions import ParseError, ValidationError

from micromall.api.parsers import check_json
from shared_apps.accounts.models import User
from tenant_apps.catalog.models import ImportJob, Product
from tenant_apps.members.models import Member
from tenant_apps.storefront.models import ThemeSettings

DEEP = "[" * 950 + "]" * 950


def nested(depth: int):
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_json_depth_limit_is_exact(settings):
    settings.MAX_JSON_DEPTH = 32

    check_json({"a": nested(31)}, 32)  # 32 levels: accepted
    with pytest.raises(ParseError):
        check_json({"a": nested(32)}, 32)


def test_deep_json_is_400_on_the_platform_host_without_a_token(platform_client):
    response = platform_client.post("/api/v1/auth/token", DEEP, "application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "nested deeper than 32 levels" in response.json()["detail"]


def test_deep_json_is_400_on_signup_and_nothing_is_created(db, platform_client):
    body = '{"email": "deep@example.com", "password": "Lotus-Pond-2026", "shop_name": ' + DEEP + "}"

    response = platform_client.post("/api/v1/signup", body, content_type="application/json")

    assert response.status_code == 400
    assert not User.objects.filter(email="deep@example.com").exists()


def test_deep_json_is_400_on_the_shop_host_for_shoppers_and_merchants(client_a, manager_a, shop_a):
    register = client_a.post("/api/v1/store/auth/register", DEEP, content_type="application/json")
    create = manager_a.post("/api/v1/manage/products", '{"title": "T", "specs": ' + DEEP + "}", "application/json")

    assert (register.status_code, create.status_code) == (400, 400)
    with tenant_context(shop_a):
        assert (Member.objects.count(), Product.objects.count()) == (0, 0)


@pytest.mark.parametrize("url", ["/api/v1/manage/products?q=%00", "/api/v1/manage/products?status=active&q=a%00b"])
def test_nul_in_a_query_parameter_is_a_field_error(manager_a, url):
    response = manager_a.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"errors": {"q": ["Null characters (NUL) are not allowed."]}}


def test_messages_default_to_chinese(manager_a):
    response = manager_a.get("/api/v1/manage/products?q=%00")

    assert response.json() == {"errors": {"q": ["不能包含空字符（NUL）。"]}}


def test_nul_in_the_storefront_search_is_400_not_500(client_a):
    assert client_a.get("/api/v1/store/products?q=%00").status_code == 400
    assert client_a.get("/search?q=%00").status_code == 400  # the HTML page too


def test_nul_in_a_theme_setting_is_a_field_error_and_nothing_is_saved(manager_a, shop_a):
    body = {"theme": "classic", "settings": {"footer_text": "© 2026\u0000"}}

    response = manager_a.put("/api/v1/manage/theme", json.dumps(body), "application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"errors": {"settings.footer_text": ["Null characters (NUL) are not allowed."]}}
    with tenant_context(shop_a):
        assert ThemeSettings.objects.count() == 0


def test_nul_in_a_json_key_is_400(manager_a):
    body = json.dumps({"theme": "classic", "settings": {"footer\u0000text": "x"}})

    response = manager_a.put("/api/v1/manage/theme", body, "application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"errors": {"settings": ["Null characters (NUL) are not allowed."]}}


def test_check_json_names_nested_list_fields():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_json({"skus": [{"sku_code": "ok"}, {"sku_code": "x\u0000"}]}, 32)

    assert caught.value.detail == {"skus.1.sku_code": ["Null characters (NUL) are not allowed."]}


HEADER = "handle,title,price_amount,sku_code\n"
IMPORT = "/api/v1/manage/products/import"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("p.csv", text.encode("utf-8"), content_type="text/csv")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("t1,Tea\u0000,100,T1\n", "The file contains a NUL character; it is not a CSV text file."),
        ("t1," + "x" * 131_073 + ",100,T1\n", "Line 2: a field is longer than 131072 characters."),
    ],
)
def test_csv_import_refuses_nul_and_oversized_fields_and_stores_nothing(manager_a, shop_a, body, message):
    response = manager_a.post(IMPORT, {"file": upload(HEADER + body)}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"errors": {"file": [message]}}
    with tenant_context(shop_a):
        assert (ImportJob.objects.count(), Product.objects.count()) == (0, 0)


def test_csv_import_reads_cr_only_line_endings(manager_a, shop_a, eager_celery, django_capture_on_commit_callbacks):
    text = "handle,title,price_amount,sku_code\rt1,Tea,1200,T1\rt2,Cup,300,C1\r"

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_a.post(IMPORT, {"file": upload(text)})

    assert response.status_code == 202
    job = manager_a.get(f"/api/v1/manage/products/imports/{response.json()['id']}").json()
    assert (job["status"], job["created_products"], job["errors"]) == ("succeeded", 2, [])
    with tenant_context(shop_a):
        assert sorted(Product.objects.values_list("title", flat=True)) == ["Cup", "Tea"]


@pytest.mark.parametrize("path", ["/api/v1/nothing%0A", "/api/v1/manage/products%0A", "/api/%0Av1/store/products"])
def test_paths_with_a_newline_answer_json_404_on_shop_hosts_even_in_debug(manager_a, settings, path):
    settings.DEBUG = True

    response = manager_a.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/v1/nothing%0A", "/api/v1/nothing", "/api/v1/auth/token%0A"])
def test_unknown_api_paths_answer_json_404_on_the_platform_host_even_in_debug(platform_client, settings, path):
    settings.DEBUG = True

    response = platform_client.post(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert connection.schema_name == "public"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("footer_text", "© 2026\u0000"),
        ("banner_slides.0.title", "Sale\u0000"),  # valid for the schema but the NUL
        ("home_sections.1.title", "热销\u0000"),
    ],
)
def test_nul_in_the_back_office_theme_form_is_a_form_error(shop_a, field, value):
    from ..storefront.test_theme_form import SCREEN, browser_for, form_data

    browser = browser_for(shop_a)
    data = {**form_data(browser.get(SCREEN).content.decode()), field: value}

    response = browser.post(SCREEN, data)

    assert response.status_code == 200  # the form again, with the error
    assert "errorlist" in response.content.decode()
    with tenant_context(shop_a):
        assert ThemeSettings.objects.count() == 0
