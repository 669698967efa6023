"""Entry points of the running activities: the product page shows 秒杀 (price and countdown), 拼团 ("N人团 ¥x 去开团")
and 砍价 ("发起砍价") linking to their pages, product cards on the home page carry the badge; nothing for a draft, a
paused or an ended activity or another shop. Anonymous pages stay cached (a hit costs no query) and change as soon
as an activity is published or ends; the entries cost no query while the marketing snapshot is cached."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenant_apps.bargains import services as bargains
from tenant_apps.group_buys import services as group_buys
from tenant_apps.pricing import interface as pricing
from tenant_apps.storefront import caching
from tenant_apps.storefront.caching import clear_local_cache
from tests.bargains.conftest import make_bargain
from tests.flash_sales.conftest import create_sale
from tests.group_buys.conftest import make_group_buy
from tests.orders.conftest import in_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_versions(monkeypatch):
    """The remembered shop versions do not expire while the test runs (a slow machine would re-read them)."""
    monkeypatch.setattr(caching, "clock", lambda: 1000.0)


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def entries_block(html: str) -> str:
    start = html.find('<ul class="activity-entries">')
    return html[start : html.index("</ul>", start)] if start >= 0 else ""


def test_the_product_page_links_every_running_activity(shop_a, catalog_a, client_a):
    sale = create_sale(shop_a, [catalog_a.tea], price_amount=9900)
    group = make_group_buy(shop_a, catalog_a.tea, group_size=3, items=[
        {"sku_id": catalog_a.tea.pk, "price_amount": 7900, "stock": 5}])  # fmt: skip
    bargain = make_bargain(shop_a, catalog_a.tea)
    make_bargain(shop_a, catalog_a.cup, floor_price_amount=1000, stock=2, publish=False)  # a draft shows nowhere

    block = entries_block(page(client_a, f"/p/{catalog_a.tea.product_id}"))
    assert "秒杀 ¥99.00" in block and 'href="/flash-sales"' in block and "data-countdown=" in block
    assert "3人团 ¥79.00" in block and "去开团" in block and f'href="/group-buys/{group.pk}"' in block
    assert "发起砍价" in block and f'href="/bargains/{bargain.pk}"' in block
    assert entries_block(page(client_a, f"/p/{catalog_a.cup.product_id}")) == ""
    assert sale.pk


def test_cards_on_the_home_page_carry_the_badge(shop_a, catalog_a, client_a):
    make_group_buy(shop_a, catalog_a.tea)
    home = page(client_a, "/")
    assert "activity-badge badge-group_buy" in home and "2人团 ¥99.00" in home


def test_paused_ended_and_foreign_activities_show_nothing(shop_a, shop_b, catalog_a, catalog_b, client_a, client_b):
    group = make_group_buy(shop_a, catalog_a.tea)
    in_shop(shop_a, lambda: group_buys.change_status(activity_id=group.pk, action="pause"))
    now = timezone.now()
    make_bargain(shop_a, catalog_a.tea, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    assert entries_block(page(client_a, f"/p/{catalog_a.tea.product_id}")) == ""
    make_bargain(shop_a, catalog_a.cup, floor_price_amount=1000, stock=2)
    assert entries_block(page(client_b, f"/p/{catalog_b.cup.product_id}")) == ""  # B's cup: nothing of A's


def test_a_cached_page_shows_a_new_activity_at_once_and_drops_it_at_its_end(
    frozen_versions,
    shop_a,
    catalog_a,
    client_a,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    path = f"/p/{catalog_a.tea.product_id}"
    assert entries_block(page(client_a, path)) == ""
    with django_assert_num_queries(0):
        assert client_a.get(path)["X-Storefront-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        bargain = make_bargain(shop_a, catalog_a.tea, ends_at=timezone.now() + timedelta(hours=2))
    assert "发起砍价" in entries_block(page(client_a, path))  # a new price window: served afresh
    with django_assert_num_queries(0):
        assert client_a.get(path)["X-Storefront-Cache"] == "hit"
    later = bargain.ends_at + timedelta(seconds=1)
    monkeypatch.setattr(pricing, "current_time", lambda: later)
    assert entries_block(page(client_a, path)) == ""  # ended: the page's key moved on at the end


@pytest.mark.parametrize("path", ["/p/{product}", "/"])
def test_entries_cost_no_query_once_the_snapshot_is_cached(
    shop_a, catalog_a, client_a, path, django_capture_on_commit_callbacks
):
    path = path.format(product=catalog_a.tea.product_id)

    def cold() -> tuple[int, str]:
        cache.delete_pattern("sf:*")
        clear_local_cache()
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(path)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    client_a.get(path)
    without, _page = cold()
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: later requests may cache again
        make_group_buy(shop_a, catalog_a.tea)
        make_bargain(shop_a, catalog_a.tea)
    client_a.get("/api/v1/store/categories")  # builds the snapshot (one query per tool)
    count, html = cold()
    assert re.search(r"(badge|entry)-group_buy", html) and re.search(r"(badge|entry)-bargain", html)
    assert count == without


def test_a_floor_price_edit_changes_the_entry(shop_a, catalog_a, client_a, django_capture_on_commit_callbacks):
    bargain = make_bargain(shop_a, catalog_a.tea)
    assert "发起砍价" in page(client_a, f"/p/{catalog_a.tea.product_id}")
    with django_capture_on_commit_callbacks(execute=True):
        in_shop(shop_a, lambda: bargains.update_bargain(activity_id=bargain.pk, floor_price_amount=8800))
    assert "¥88.00" in entries_block(page(client_a, f"/p/{catalog_a.tea.product_id}"))
