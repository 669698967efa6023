"""Platform side: a shop's rolled-up day reaches the public schema through the events door (analytics.day_rolled ->
shared_apps.insights), once per event; the operator's dashboard and the agency's cross-shop report read it."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.accounts.services import issue_token
from shared_apps.agencies.services import create_agency
from shared_apps.insights import selectors as insights
from shared_apps.insights.models import ShopDayStat
from tenant_apps.analytics import services
from tenant_apps.events.services import drain_due_events
from tests.factories import UserFactory

from .conftest import DAY1, DAY2, DAY3, deliver, flush, paid_payload, push, when

pytestmark = pytest.mark.django_db


def roll(shop, visitors: int, paid: int, order_id: int):
    for n in range(visitors):
        push(shop, "view_shop", f"visitor-{shop.subdomain}-{n:06d}", DAY1)
    flush(shop)
    deliver(shop, "order.paid", paid_payload(order_id, 1, paid), when(DAY1))
    with tenant_context(shop):
        services.rollup(today=DAY3)  # DAY1 and DAY2 rolled up
        drain_due_events()  # delivers analytics.day_rolled to the platform door


def test_rolled_days_reach_the_platform_once(shop_a, shop_b):
    roll(shop_a, 3, 12900, 1)
    roll(shop_b, 2, 5000, 2)
    rows = {(r.shop_id, r.day): r for r in ShopDayStat.objects.all()}
    assert (rows[(shop_a.pk, DAY1)].visitors, rows[(shop_a.pk, DAY1)].gmv_amount) == (3, 12900)
    assert rows[(shop_a.pk, DAY2)].visitors == 0
    with tenant_context(shop_a):
        services.rollup(today=DAY3)  # a re-roll sends the day again: the row is updated, not doubled
        drain_due_events()
    assert ShopDayStat.objects.filter(shop=shop_a).count() == 2
    report = insights.operator_report(DAY1, DAY2)
    assert (report["visitors"], report["gmv_amount"], report["paid_orders"]) == (5, 17900, 2)
    assert report["shops_by_status"]["active"] >= 2
    assert [row["shop_id"] for row in report["top_shops"][:2]] == [shop_a.pk, shop_b.pk]


def test_operator_dashboard_page(shop_a):
    roll(shop_a, 2, 12900, 1)
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    page = client.get("/admin/insights/shopdaystat/report/", {"start": "2026-03-02", "end": "2026-03-03"})
    assert page.status_code == 200
    assert "¥129.00" in page.content.decode()
    csv = client.get("/admin/insights/shopdaystat/report.csv", {"start": "2026-03-02", "end": "2026-03-03"})
    assert "129.00" in b"".join(csv.streaming_content).decode()
    outsider = Client(HTTP_HOST="localhost")
    outsider.force_login(UserFactory())
    assert outsider.get("/admin/insights/shopdaystat/report/").status_code == 302  # to the sign-in page


def test_agency_cross_shop_report(shop_a, shop_b):
    owner = UserFactory()
    agency = create_agency(name="代运营", owner=owner)
    shop_a.agency = agency
    shop_a.save(update_fields=["agency"])
    roll(shop_a, 3, 12900, 1)
    roll(shop_b, 2, 5000, 2)  # not the agency's: not in its report
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {issue_token(user=owner)}")
    body = client.get(f"/api/v1/agencies/{agency.pk}/report", {"from": "2026-03-02", "to": "2026-03-03"}).json()
    assert [row["shop_id"] for row in body["shops"]] == [shop_a.pk]
    assert (body["totals"]["visitors"], body["totals"]["gmv_amount"]) == (3, 12900)
    assert (
        client.get(f"/api/v1/agencies/{agency.pk}/report", {"from": "2026-03-05", "to": "2026-03-01"}).status_code
        == 400
    )
    stranger = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {issue_token(user=UserFactory())}")
    assert stranger.get(f"/api/v1/agencies/{agency.pk}/report").status_code == 404
    assert Client(HTTP_HOST="localhost").get(f"/api/v1/agencies/{agency.pk}/report").status_code in (401, 403)
