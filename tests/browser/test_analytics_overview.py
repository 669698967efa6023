"""The data overview and the back-office home in Chromium at 390 px and 1280 px: charts drawn by our own ECharts
(no CDN), nothing overflows sideways, no text squeezed to one character per line. Screenshots in test-artifacts/."""

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.analytics.models import Event, OrderFact, Visitor
from tenant_apps.events.models import Delivery, OutboxEvent
from tests.analytics.conftest import deliver, flush, paid_payload, push

from ..conftest import staff_of
from .conftest import ARTIFACTS
from .test_backoffice_screens import CHECKS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(shop, shop_a):
    today = timezone.localdate()
    for n in range(12):
        visitor = f"visitor-{n:012d}"
        push(shop_a, "view_shop", visitor, today, 9, source="direct" if n % 3 else "share")
        push(shop_a, "view_product", visitor, today, 10, product_id=1 + n % 4)
        if n % 2:
            push(shop_a, "add_to_cart", visitor, today, 11, product_id=1 + n % 4)
    push(shop_a, "share", "visitor-000000000000", today, 12, product_id=1)
    for n, code in enumerate(("D-WANG", "D-LI", "D-LI")):
        push(shop_a, "view_shop", f"visitor-d{n:011d}", today, 13, source="distributor", ref=code)
    flush(shop_a)
    for n in range(3):
        deliver(shop_a, "order.paid", paid_payload(900 + n, 40 + n, 12900 + n * 1000))
    yield shop_a
    with tenant_context(shop_a):
        Delivery.objects.all().delete()
        OutboxEvent.objects.all().delete()
        for model in (Event, Visitor, OrderFact):
            model.objects.all().delete()


def open_page(page, live_server, tenant, width: int, path: str) -> list[str]:
    """Signed in as the owner, at `width`; returns the list that collects requests to other hosts."""
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(staff_of(tenant))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": "alpha.localhost", "path": "/"}]
    )
    external = []
    page.on("request", lambda r: external.append(r.url) if "alpha.localhost" not in r.url else None)
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"http://alpha.localhost:{live_server.thread.port}{path}")
    assert response.status == 200
    page.wait_for_load_state("load")
    return external


@pytest.mark.parametrize("width", [390, 1280])
def test_overview_fits_phone_and_laptop(live_server, seeded, browser_page, width):
    page = browser_page
    external = open_page(page, live_server, seeded, width, "/admin/analytics/analyticssettings/overview/")
    page.wait_for_selector("#dc-trend svg")
    page.wait_for_selector("#dc-funnel svg")
    page.wait_for_selector("#dc-distributor-funnel svg")
    page.screenshot(path=str(ARTIFACTS / f"analytics-overview-{width}.png"), full_page=True)
    result = page.evaluate(CHECKS)
    assert result["overflow"] <= 1 and not result["squeezed"], result
    assert page.locator('[data-kpi="gmv_amount"] .dc-kpi__value').inner_text() == "¥417.00"
    # the distributor funnel follows the selector
    funnel = page.locator("#dc-distributor-funnel")
    first = funnel.inner_text()
    page.select_option("#dc-distributor-pick", index=1)
    page.wait_for_function(
        "(before) => document.querySelector('#dc-distributor-funnel').innerText !== before", arg=first
    )
    assert not [url for url in external if not url.startswith("data:")], external


@pytest.mark.parametrize("width", [390, 1280])
def test_home_charts_fit_phone_and_laptop(live_server, seeded, browser_page, width):
    page = browser_page
    external = open_page(page, live_server, seeded, width, "/admin/")
    page.wait_for_selector('[data-chart="sales_7_days"] svg')
    page.wait_for_selector('[data-chart="visitors_7_days"] svg')
    page.screenshot(path=str(ARTIFACTS / f"home-charts-{width}.png"), full_page=True)
    result = page.evaluate(CHECKS)
    assert result["overflow"] <= 1 and not result["squeezed"], result
    assert "近 7 日销售趋势" in page.locator('[data-chart="sales_7_days"]').inner_text()
    assert "支付金额" in page.locator('[data-chart="sales_7_days"] svg').inner_html()  # the legend, in zh-Hans
    for chart in page.locator(".bo-chart").all():
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    assert not [url for url in external if not url.startswith("data:")], external
