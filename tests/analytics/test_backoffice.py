"""Back office: the data overview (charts from our static files, tables, period comparison), CSV exports (XLSX:
test_exports.py),
the home page's cards from real data, the retention setting through the service; roles and foreign hosts."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.analytics.models import AnalyticsSettings
from tests.conftest import staff_of

from .conftest import DAY1, DAY2, deliver, flush, paid_payload, push, when

pytestmark = pytest.mark.django_db
OVERVIEW = "/admin/analytics/analyticssettings/overview/"


def signed_in(shop, role=MembershipRole.OWNER) -> Client:
    client = Client(HTTP_HOST=f"{shop.subdomain}.localhost")
    client.force_login(staff_of(shop, role))
    return client


def seed(shop):
    push(shop, "view_product", "visitor-aaaaaaaaaaaa", DAY1, product_id=1)
    push(shop, "add_to_cart", "visitor-aaaaaaaaaaaa", DAY1, 11, product_id=1)
    push(shop, "view_shop", "visitor-bbbbbbbbbbbb", DAY2, source="distributor", ref="D1")
    flush(shop)
    deliver(shop, "order.paid", paid_payload(1, 9, 12900), when(DAY1))


def test_overview_shows_figures_charts_and_tables(shop_a):
    seed(shop_a)
    response = signed_in(shop_a).get(OVERVIEW, {"start": "2026-03-02", "end": "2026-03-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "analytics/vendor/echarts-5.6.0.min.js" in html and "cdn" not in html.lower()
    assert finders.find("analytics/vendor/echarts-5.6.0.min.js")
    assert 'data-kpi="gmv_amount"' in html and "¥129.00" in html
    assert 'id="dc-data"' in html and 'data-table="distributors"' in html


def test_bad_range_shows_a_message_and_defaults(shop_a):
    response = signed_in(shop_a).get(OVERVIEW, {"start": "2026-03-05", "end": "2026-03-01"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_csv_exports_of_every_table(shop_a):
    seed(shop_a)
    client = signed_in(shop_a)
    period = {"start": "2026-03-02", "end": "2026-03-03"}
    for name in ("summary", "daily", "funnel", "products", "categories", "distributors", "sources"):
        response = client.get(f"/admin/analytics/analyticssettings/export/{name}.csv", period)
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content).decode()
        assert body.startswith("\ufeff") and len(body.splitlines()) >= 2, name
    daily = b"".join(client.get("/admin/analytics/analyticssettings/export/daily.csv", period).streaming_content)
    assert '"2026-03-02","1","1","0","1","129.00","100.00%"' in daily.decode()  # every cell quoted (OWASP)
    assert client.get("/admin/analytics/analyticssettings/export/nope.csv").status_code == 404


def test_home_cards_come_from_real_data(shop_a, client_a):
    client_a.get("/")  # one visitor today
    with tenant_context(shop_a):
        from tenant_apps.analytics import services

        services.flush_events()
    html = signed_in(shop_a).get("/admin/").content.decode()
    for key in ("today_orders", "paid_amount_today", "visitors_today", "pending_aftersales"):
        assert f'data-card="{key}"' in html
    staff_html = signed_in(shop_a, MembershipRole.STAFF).get("/admin/").content.decode()
    assert 'data-card="visitors_today"' not in staff_html  # staff has no analytics.view
    assert 'data-card="today_orders"' in staff_html


def test_roles_and_foreign_hosts(shop_a, shop_b):
    assert signed_in(shop_a, MembershipRole.STAFF).get(OVERVIEW).status_code == 404
    assert signed_in(shop_a, MembershipRole.FINANCE).get(OVERVIEW).status_code == 200
    foreign = Client(HTTP_HOST=f"{shop_b.subdomain}.localhost")
    foreign.force_login(staff_of(shop_a))  # A's owner on B's back office
    assert foreign.get(OVERVIEW).status_code in (302, 403)


def test_retention_setting_is_saved_through_the_service(shop_a):
    client = signed_in(shop_a)
    bad = client.post("/admin/analytics/analyticssettings/add/", {"retention_days": "0"})
    assert bad.status_code == 200
    with tenant_context(shop_a):
        assert not AnalyticsSettings.objects.exists()
    ok = client.post("/admin/analytics/analyticssettings/add/", {"retention_days": "90"})
    assert ok.status_code == 302
    with tenant_context(shop_a):
        assert AnalyticsSettings.objects.get().retention_days == 90
