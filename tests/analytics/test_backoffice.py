"""Back office: the data overview (charts from our static files, tables, period comparison), CSV exports (XLSX:
test_exports.py),
the home page's cards from real data, the retention setting through the service; roles and foreign hosts."""

import json
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
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
        settings_id = AnalyticsSettings.objects.get().pk
    change = f"/admin/analytics/analyticssettings/{settings_id}/change/"
    refused = signed_in(shop_a, MembershipRole.STAFF).post(change, {"retention_days": "1"})
    assert refused.status_code == 403  # a shorter retention deletes history: owners and admins only
    with tenant_context(shop_a):
        assert AnalyticsSettings.objects.get().retention_days == 90


def home_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    # django-tenants sets the search path again after a test's tenant_context: not a query of the page
    count = sum(1 for query in queries.captured_queries if not query["sql"].startswith("SET search_path"))
    return response.content.decode(), count


def script_json(html: str, element_id: str) -> dict:
    start = html.index(f'id="{element_id}"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_home_charts_from_the_data_centre_with_a_fixed_query_budget(shop_a):
    """7-day sales trend (paid amount in yuan, paid orders) and visitors / conversion on the home page, drawn by the
    vendored ECharts; the page's query count does not grow with the data."""
    client = signed_in(shop_a)
    home_queries(client)  # the session's first page reads a few things once
    _html, empty = home_queries(client)
    today = timezone.localdate()
    for n, day in enumerate((today - timedelta(days=6), today - timedelta(days=1), today)):
        push(shop_a, "view_shop", f"visitor-{n:012d}", day, 9)
        push(shop_a, "view_shop", f"visitor-x{n:011d}", day, 9)
        deliver(shop_a, "order.paid", paid_payload(700 + n, 70 + n, 12900 + n), when(day, 10))
    flush(shop_a)
    html, seeded = home_queries(client)
    # The budget: the frame and its sidebar, the cards, and 3 queries for one week read once for both charts.
    assert seeded == empty <= 30, (empty, seeded)

    assert 'data-chart="sales_7_days"' in html and 'data-chart="visitors_7_days"' in html
    assert html.count("analytics/vendor/echarts-5.6.0.min.js") == 1 and "analytics/dashboard.js" in html
    assert "cdn" not in html.lower()
    assert finders.find("analytics/dashboard.js")
    sales = script_json(html, "bo-chart-data-sales_7_days")
    assert len(sales["xAxis"]["data"]) == 7 and sales["xAxis"]["data"][-1] == today.strftime("%m-%d")
    orders, amount = sales["series"]
    assert orders["data"] == [1, 0, 0, 0, 0, 1, 1]
    assert amount["data"] == [129.0, 0, 0, 0, 0, 129.01, 129.02]  # yuan, not fen
    assert sales["yAxis"][1]["axisLabel"]["formatter"] == "¥{value}"
    assert "¥387.03" in html  # the week's paid amount under the chart
    visitors, conversion = script_json(html, "bo-chart-data-visitors_7_days")["series"]
    assert visitors["data"] == [2, 0, 0, 0, 0, 2, 2]
    assert conversion["data"] == [50.0, 0, 0, 0, 0, 50.0, 50.0]  # 1 paying member / 2 visitors each day

    staff_html = signed_in(shop_a, MembershipRole.STAFF).get("/admin/").content.decode()
    assert "data-chart=" not in staff_html and "echarts" not in staff_html  # staff has no analytics.view


def test_distributor_funnels_beside_the_ranking_table(shop_a):
    """One funnel per distributor of the ranking (visitors brought → added to cart → buyers → paid orders), with a
    selector, beside the distributors' table and its CSV / XLSX."""
    push(shop_a, "view_shop", "visitor-aaaaaaaaaaaa", DAY1, source="distributor", ref="D1")
    push(shop_a, "add_to_cart", "visitor-aaaaaaaaaaaa", DAY1, 11, product_id=1, ref="D1")
    push(shop_a, "view_shop", "visitor-bbbbbbbbbbbb", DAY1, source="distributor", ref="D1")
    push(shop_a, "view_shop", "visitor-cccccccccccc", DAY2, source="distributor", ref="D2")
    flush(shop_a)
    response = signed_in(shop_a).get(OVERVIEW, {"start": "2026-03-02", "end": "2026-03-03"})
    html = response.content.decode()
    assert 'id="dc-distributor-funnel"' in html and 'id="dc-distributor-pick"' in html
    assert html.index('data-table="distributors"') < html.index("data-distributor-funnel")
    assert "export/distributors.csv" in html and "export/distributors.xlsx" in html
    funnels = script_json(html, "dc-data")["distributor_funnels"]
    by_code = {f["label"]: [(s["name"], s["value"]) for s in f["steps"]] for f in funnels}
    assert by_code["D1"] == [("带来访客", 2), ("加购人数", 1), ("买家数", 0), ("支付订单数", 0)]
    assert [value for _name, value in by_code["D2"]] == [1, 0, 0, 0]
    assert '<option value="0">D1</option>' in html and "分销员转化漏斗" in html
