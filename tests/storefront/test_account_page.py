"""The shopper's "我的" page at /account: themed, the same for everyone, cheap to render."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.storefront.caching import clear_local_cache

pytestmark = pytest.mark.django_db


def test_account_page_renders_the_forms_in_the_shop_theme(client_a):
    response = client_a.get("/account")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>我的 · Shop alpha</title>" in page
    assert 'data-form="signin"' in page and 'data-form="register"' in page
    assert "/static/themes/classic/js/account.js" in page
    assert "/static/themes/classic/css/theme.css" in page
    # the bottom bar's "我的" tab is the current one
    assert '<a href="/account" class="active">' in page


def test_account_page_falls_back_to_classic_for_a_child_theme(shop_a, client_a):
    shop_a.template = "baby"
    shop_a.save(update_fields=["template"])
    page = client_a.get("/account").content.decode()
    assert "theme-baby page-account" in page
    assert "/static/themes/classic/js/account.js" in page


def test_account_page_query_budget(client_a):
    client_a.get("/account")  # warm the host -> shop cache
    cache.delete_pattern("sf:*")
    clear_local_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client_a.get("/account")
    assert response.status_code == 200
    # one read: the shop's theme settings; nothing about members is rendered on the server
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_account_page_is_read_only(client_a):
    assert client_a.post("/account").status_code == 405


def test_account_page_is_not_on_the_platform_host(platform_client):
    assert platform_client.get("/account").status_code == 404
