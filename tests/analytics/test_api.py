"""The data centre API: the summary of API.md, series, top lists, funnel, fission, settings; bad input is a 400
with a message; foreign hosts, roles without analytics.view and anonymous callers are refused."""

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole
from tenant_apps.analytics.models import AnalyticsSettings
from tests.conftest import host_client, staff_of

from .conftest import DAY1, DAY2, deliver, flush, paid_payload, push, when

pytestmark = pytest.mark.django_db
SUMMARY_KEYS = {"gmv_amount", "orders", "paid_orders", "visitors", "add_to_cart_rate", "conversion_rate",
                "average_order_amount", "repeat_purchase_rate"}  # fmt: skip


def seed(shop):
    push(shop, "view_product", "visitor-aaaaaaaaaaaa", DAY1, product_id=1)
    push(shop, "add_to_cart", "visitor-aaaaaaaaaaaa", DAY1, 11, product_id=1)
    push(shop, "view_shop", "visitor-bbbbbbbbbbbb", DAY2, source="distributor", ref="D1")
    flush(shop)
    deliver(shop, "order.paid", paid_payload(1, 9, 12900), when(DAY1))


def get(client, path, **params):
    return client.get(f"/api/v1/manage/analytics/{path}", params)


def test_summary_has_the_contract_fields(shop_a, manager_a):
    seed(shop_a)
    response = get(manager_a, "summary", **{"from": "2026-03-02", "to": "2026-03-03"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= SUMMARY_KEYS
    assert body["pv"] == 2 and isinstance(body["pv"], int)
    assert {k: body[k] for k in SUMMARY_KEYS} == {
        "gmv_amount": 12900, "orders": 0, "paid_orders": 1, "visitors": 2, "add_to_cart_rate": 1.0,
        "conversion_rate": 0.5, "average_order_amount": 12900, "repeat_purchase_rate": 0.0,
    }  # fmt: skip


def test_series_top_funnel_and_fission(shop_a, manager_a):
    seed(shop_a)
    period = {"from": "2026-03-02", "to": "2026-03-03"}
    series = get(manager_a, "timeseries", metric="visitors", **period).json()
    assert series == {"metric": "visitors", "points": [{"date": "2026-03-02", "value": 1},
                                                       {"date": "2026-03-03", "value": 1}]}  # fmt: skip
    top = get(manager_a, "top", dimension="distributors", **period).json()
    assert [(r["key"], r["visitors"]) for r in top["results"]] == [("D1", 1)]
    funnel = get(manager_a, "funnel", **period).json()
    assert [s["value"] for s in funnel] == [2, 1, 1, 0, 1]
    assert get(manager_a, "fission", **period).json() == []
    for dimension in ("products", "categories", "sources"):
        assert get(manager_a, "top", dimension=dimension, **period).status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("summary", {"from": "2026-03-05", "to": "2026-03-01"}, "from"),
        ("summary", {"from": "2025-01-01", "to": "2026-03-01"}, "from"),
        ("summary", {"from": "yesterday"}, "from"),
        ("timeseries", {"metric": "happiness"}, "metric"),
        ("top", {"dimension": "weather"}, "dimension"),
        ("top", {}, "dimension"),
        ("top", {"dimension": "products", "limit": "0"}, "limit"),
    ],
)
def test_bad_input_is_a_400_with_a_message(shop_a, manager_a, path, params, field):
    response = get(manager_a, path, **params)
    assert response.status_code == 400
    assert response.json()["errors"][field]


def test_366_days_is_the_longest_range(shop_a, manager_a):
    assert get(manager_a, "summary", **{"from": "2025-03-02", "to": "2026-03-02"}).status_code == 200
    assert get(manager_a, "summary", **{"from": "2025-03-01", "to": "2026-03-02"}).status_code == 400


def test_foreign_hosts_roles_and_anonymous_callers_are_refused(shop_a, shop_b, owner_a_token):
    seed(shop_a)
    foreign = host_client(shop_b, owner_a_token)  # A's owner on B's host
    assert get(foreign, "summary").status_code == 403
    assert get(host_client(shop_a), "summary").status_code in (401, 403)
    staff = host_client(shop_a, issue_token(user=staff_of(shop_a, MembershipRole.STAFF)))
    assert get(staff, "summary").status_code == 403  # staff has no analytics.view
    finance = host_client(shop_a, issue_token(user=staff_of(shop_a, MembershipRole.FINANCE)))
    assert get(finance, "summary").status_code == 200
    assert finance.put("/api/v1/manage/analytics/settings", {"retention_days": 30},
                       content_type="application/json").status_code == 403  # fmt: skip
    # staff edit the back office but not the data centre's settings: a shorter retention deletes history
    assert staff.put("/api/v1/manage/analytics/settings", {"retention_days": 1},
                     content_type="application/json").status_code == 403  # fmt: skip
    with tenant_context(shop_a):
        assert not AnalyticsSettings.objects.exists()
    b_figures = get(host_client(shop_b, issue_token(user=staff_of(shop_b))), "summary",
                    **{"from": "2026-03-02", "to": "2026-03-03"}).json()  # fmt: skip
    assert (b_figures["visitors"], b_figures["gmv_amount"]) == (0, 0)  # A's data stays in A


def test_retention_setting(shop_a, manager_a):
    url = "/api/v1/manage/analytics/settings"
    assert manager_a.get(url).json() == {"retention_days": 180}
    bad = manager_a.put(url, {"retention_days": 0}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["retention_days"]
    with tenant_context(shop_a):
        assert not AnalyticsSettings.objects.exists()
    assert manager_a.put(url, {"retention_days": 30}, content_type="application/json").json() == {"retention_days": 30}


def test_store_events_validate_and_need_a_visitor(shop_a):
    client = host_client(shop_a)
    assert client.post("/api/v1/store/events", {"kind": "share"}, content_type="application/json").status_code == 400
    client.get("/")
    bad = client.post("/api/v1/store/events", {"kind": "pay"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["kind"]
    ok = client.post("/api/v1/store/events", {"kind": "share"}, content_type="application/json")
    assert ok.status_code == 202 and len(ok.json()["share_code"]) == 12
    header = host_client(shop_a).post("/api/v1/store/events", {"kind": "view_shop"}, content_type="application/json",
                                      HTTP_X_VISITOR_ID="app-install-0123456789")  # fmt: skip
    assert header.status_code == 202
