"""Member CRM: the member list (spend net of refunds, paid orders, last visit, source, distributor, tags), manual
and rule-based tags, saved segments, the coupon hook; bad input 400, foreign shop ids 404, roles 403."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole
from tenant_apps.analytics import services
from tenant_apps.analytics.models import MemberTag
from tenant_apps.coupons.models import MemberCoupon
from tenant_apps.coupons.services import create_coupon
from tenant_apps.members.models import Member
from tests.conftest import host_client, staff_of
from tests.storefront.conftest import make_category, make_product

from .conftest import deliver, flush, paid_payload, push

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(shop_a):
    """Big spender (2 orders, 300.00, 50.00 refunded, a tea buyer), small spender (one 20.00 cup), sleeper."""
    with tenant_context(shop_a):
        tea_category = make_category("茶叶")
        tea = make_product("龙井", category=tea_category)
        cup = make_product("杯子")
        big, small, sleeper = (Member.objects.create(phone=f"1390000000{n}", password="!") for n in range(3))
    today = timezone.localdate()
    push(shop_a, "view_shop", "visitor-bigbigbigbig", today, 9, source="share", share_code="abcdefabcdef")
    push(shop_a, "add_to_cart", "visitor-bigbigbigbig", today, 10, member_id=big.pk, product_id=tea.pk)
    flush(shop_a)
    line = {"order_line_id": 1, "sku_id": 1, "quantity": 1}
    deliver(
        shop_a, "order.paid", paid_payload(1, big.pk, 20000, [{**line, "product_id": tea.pk, "total_amount": 20000}])
    )
    deliver(
        shop_a, "order.paid", paid_payload(2, big.pk, 10000, [{**line, "product_id": cup.pk, "total_amount": 10000}])
    )
    deliver(shop_a, "order.refunded", {**paid_payload(2, big.pk, 10000), "refunded_amount": 5000})
    deliver(
        shop_a, "order.paid", paid_payload(3, small.pk, 2000, [{**line, "product_id": cup.pk, "total_amount": 2000}])
    )
    return {"big": big.pk, "small": small.pk, "sleeper": sleeper.pk, "tea_category": tea_category.pk}


def post(client, path, body):
    return client.post(f"/api/v1/manage/crm/{path}", body, content_type="application/json")


def test_member_list_figures(shop_a, manager_a, people):
    rows = {row["id"]: row for row in manager_a.get("/api/v1/manage/crm/members").json()["results"]}
    big = rows[people["big"]]
    assert (big["spent_amount"], big["paid_orders"], big["source"]) == (25000, 2, "share")
    assert big["last_visit"] is not None
    assert (rows[people["small"]]["spent_amount"], rows[people["sleeper"]]["paid_orders"]) == (2000, 0)
    assert rows[people["sleeper"]]["last_visit"] is None


def test_rule_tags_follow_their_rules(shop_a, manager_a, people):
    vip = post(manager_a, "tags", {"name": "VIP", "kind": "rule", "rule": {"min_spent_amount": 10000}})
    assert vip.status_code == 201 and vip.json()["members"] == 1
    tea = post(
        manager_a, "tags", {"name": "茶客", "kind": "rule", "rule": {"bought_category_id": people["tea_category"]}}
    )
    idle = post(manager_a, "tags", {"name": "沉睡", "kind": "rule", "rule": {"inactive_days": 30}})
    with tenant_context(shop_a):
        from tenant_apps.analytics.crm import members_matching

        assert members_matching({"min_spent_amount": 10000}) == {people["big"]}
        assert members_matching({"bought_category_id": people["tea_category"]}) == {people["big"]}
        assert members_matching({"inactive_days": 30}) == {people["sleeper"]}
        assert members_matching({"min_spent_amount": 1000, "inactive_days": 30}) == set()
    assert (tea.json()["members"], idle.json()["members"]) == (1, 1)
    listed = manager_a.get("/api/v1/manage/crm/members", {"tag": vip.json()["id"]}).json()["results"]
    assert [row["id"] for row in listed] == [people["big"]] and listed[0]["tags"] == sorted(["VIP", "茶客"])
    refused = post(manager_a, f"tags/{vip.json()['id']}/members", {"member_ids": [people["small"]]})
    assert refused.status_code == 409  # a rule-based tag is not given by hand


def test_manual_tags_and_segments(shop_a, manager_a, people):
    tag = post(manager_a, "tags", {"name": "团长"}).json()
    assert (
        post(manager_a, f"tags/{tag['id']}/members", {"member_ids": [people["small"], people["sleeper"]]}).json()[
            "members"
        ]
        == 2
    )
    segment = post(
        manager_a, "segments", {"name": "团长里的买家", "rule": {"tag_ids": [tag["id"]], "min_spent_amount": 1}}
    )
    assert segment.status_code == 201 and segment.json()["members"] == 1
    members = manager_a.get("/api/v1/manage/crm/members", {"segment": segment.json()["id"]}).json()["results"]
    assert [row["id"] for row in members] == [people["small"]]
    with tenant_context(shop_a):
        window = {"valid_from": timezone.now(), "valid_to": timezone.now() + timedelta(days=7)}
        coupon = create_coupon(name="团长券", kind="fixed", amount=500, total_quantity=5, **window)
        scarce = create_coupon(name="限量券", kind="fixed", amount=500, total_quantity=1, **window)
    issued = post(manager_a, f"segments/{segment.json()['id']}/issue-coupon", {"coupon_id": coupon.pk})
    assert issued.status_code == 200 and issued.json() == {"issued": 1}
    with tenant_context(shop_a):
        assert list(MemberCoupon.objects.values_list("member_id", flat=True)) == [people["small"]]
    # a segment bigger than the coupon's stock gets nothing (all or nothing)
    everyone = post(manager_a, "segments", {"name": "所有团长", "rule": {"tag_ids": [tag["id"]]}}).json()
    refused = post(manager_a, f"segments/{everyone['id']}/issue-coupon", {"coupon_id": scarce.pk})
    assert refused.status_code == 409
    with tenant_context(shop_a):
        assert MemberCoupon.objects.filter(coupon=scarce).count() == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("tags", {"name": ""}, "name"),
        ("tags", {"name": "x", "kind": "rule"}, "rule"),
        ("tags", {"name": "x", "kind": "rule", "rule": {"inactive_days": 0}}, "inactive_days"),
        ("tags", {"name": "x", "kind": "rule", "rule": {"tag_ids": [999999]}}, "tag_ids"),
        ("segments", {"name": "s", "rule": {}}, "rule"),
        ("segments", {"name": "s", "rule": {"min_spent_amount": "lots"}}, "rule"),
    ],
)
def test_bad_input_is_a_400(shop_a, manager_a, path, body, field):
    response = post(manager_a, path, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] or any(k.startswith(field) for k in response.json()["errors"])


def test_duplicate_names_and_foreign_ids(shop_a, shop_b, manager_a, people):
    post(manager_a, "tags", {"name": "VIP"})
    assert post(manager_a, "tags", {"name": "VIP"}).status_code == 400
    with tenant_context(shop_b):
        # Ids far from shop A's: sequences do not roll back between tests, so small ids could be A's own rows.
        with connection.cursor() as cursor:
            for table in (MemberTag._meta.db_table, Member._meta.db_table):
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 10000000)", [table])
        foreign_tag = services.create_tag(name="B's tag")
        foreign_member = Member.objects.create(phone="13911111111", password="!")
    mine = post(manager_a, "tags", {"name": "mine"}).json()
    assert post(manager_a, f"tags/{foreign_tag.pk}/members", {"member_ids": [people["big"]]}).status_code == 404
    assert post(manager_a, f"tags/{mine['id']}/members", {"member_ids": [foreign_member.pk]}).status_code == 400
    assert manager_a.get("/api/v1/manage/crm/segments/999999").status_code == 404
    assert manager_a.get("/api/v1/manage/crm/members", {"tag": foreign_tag.pk}).status_code == 404


def test_roles_and_foreign_hosts(shop_a, shop_b, owner_a_token, people):
    assert host_client(shop_b, owner_a_token).get("/api/v1/manage/crm/members").status_code == 403
    finance = host_client(shop_a, issue_token(user=staff_of(shop_a, MembershipRole.FINANCE)))
    assert finance.get("/api/v1/manage/crm/members").status_code == 403  # no members.manage
    assert host_client(shop_a).get("/api/v1/manage/crm/tags").status_code in (401, 403)


def test_refresh_keeps_rule_tags_current(shop_a, manager_a, people):
    tag = post(manager_a, "tags", {"name": "VIP", "kind": "rule", "rule": {"min_spent_amount": 2000}}).json()
    assert tag["members"] == 2
    deliver(shop_a, "order.refunded", {**paid_payload(3, people["small"], 2000), "refunded_amount": 2000})
    with tenant_context(shop_a):
        assert services.refresh_rule_tags() == {"VIP": 1}


def test_back_office_member_insights_tags_and_export(shop_a, people):
    from django.test import Client

    client = Client(HTTP_HOST=f"{shop_a.subdomain}.localhost")
    client.force_login(staff_of(shop_a))
    added = client.post(
        "/admin/analytics/membertag/add/", {"name": "VIP", "kind": "rule", "rule": '{"min_spent_amount": 10000}'}
    )
    assert added.status_code == 302
    refused = client.post("/admin/analytics/segment/add/", {"name": "bad", "rule": '{"inactive_days": 0}'})
    assert refused.status_code == 200  # the form again, with the service's message
    with tenant_context(shop_a):
        from tenant_apps.analytics.models import Segment

        assert not Segment.objects.exists()
    page = client.get("/admin/analytics/membertag/members/")
    assert page.status_code == 200 and "¥250.00" in page.content.decode()
    csv = b"".join(client.get("/admin/analytics/membertag/members.csv").streaming_content).decode()
    assert "250.00" in csv and "VIP" in csv
    staff = Client(HTTP_HOST=f"{shop_a.subdomain}.localhost")
    staff.force_login(staff_of(shop_a, MembershipRole.STAFF))
    assert staff.get("/admin/analytics/membertag/members/").status_code in (403, 404)
