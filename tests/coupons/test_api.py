"""The coupons API of API.md end to end on real shop schemas: templates, claiming, using at checkout, and the
coupon's life with the order (locked when placed, used when paid, back when cancelled)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.services import issue_token
from tenant_apps.coupons.models import Coupon, MemberCoupon
from tenant_apps.orders.models import Order
from tenant_apps.orders.services import cancel_order
from tests.conftest import host_client, staff_of

from .conftest import (
    claim,
    claimed_code,
    drain,
    in_shop,
    make_buyer,
    make_coupon,
    my_coupons,
    pay,
    place,
    preview,
)


def iso(delta_days: float) -> str:
    return (timezone.now() + timedelta(days=delta_days)).isoformat()


BODY = {
    "name": "满100减20", "kind": "fixed", "amount": 2000, "threshold_amount": 10000, "total_quantity": 50,
    "per_member_limit": 2, "valid_from": None, "valid_to": None, "scope": {"products": [], "categories": []},
}  # fmt: skip


def body(**changes):
    return {**BODY, "valid_from": iso(-1), "valid_to": iso(30), **changes}


def test_merchant_creates_reads_and_edits_a_coupon(shop_a, manager_a):
    created = manager_a.post("/api/v1/manage/coupons", body(), content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["kind"], data["amount"], data["remaining"], data["usage"]["used"]) == ("fixed", 2000, 50, 0)

    listed = manager_a.get("/api/v1/manage/coupons").json()
    assert [row["id"] for row in listed] == [data["id"]]
    patched = manager_a.patch(
        f"/api/v1/manage/coupons/{data['id']}",
        {"name": "新人券", "total_quantity": 80},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["name"], patched.json()["remaining"]) == ("新人券", 80)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"kind": "percent", "percent_off": 0}, "percent_off"),
        ({"kind": "percent", "percent_off": 100}, "percent_off"),
        ({"kind": "percent"}, "percent_off"),
        ({"kind": "fixed", "amount": 0}, "amount"),
        ({"kind": "random", "amount_min": 500, "amount_max": 100}, "amount_max"),
        ({"total_quantity": 0}, "total_quantity"),
        ({"per_member_limit": 0}, "per_member_limit"),
        ({"valid_to": "2020-01-01T00:00:00+08:00", "valid_from": "2021-01-01T00:00:00+08:00"}, "valid_to"),
        ({"validity": "relative", "valid_days": 0}, "valid_days"),
        ({"scope": {"products": [987654]}}, "scope.products"),
        ({"scope": {"categories": [987654]}}, "scope.categories"),
        ({"kind": "bogus"}, "kind"),
    ],
)
def test_bad_templates_are_400_with_the_field_and_nothing_saved(shop_a, manager_a, changes, field):
    response = manager_a.post("/api/v1/manage/coupons", body(**changes), content_type="application/json")

    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert in_shop(shop_a, lambda: Coupon.objects.count()) == 0


def test_lowering_stock_below_what_was_claimed_is_refused_and_stock_is_never_reset(
    shop_a, manager_a, buyer_a, buyer_a2
):
    coupon = make_coupon(shop_a, total_quantity=5)
    claimed_code(buyer_a, coupon.pk)
    claimed_code(buyer_a2, coupon.pk)

    refused = manager_a.patch(
        f"/api/v1/manage/coupons/{coupon.pk}", {"total_quantity": 1}, content_type="application/json"
    )
    assert refused.status_code == 400 and "total_quantity" in refused.json()["errors"]
    edited = manager_a.patch(
        f"/api/v1/manage/coupons/{coupon.pk}", {"name": "改名", "total_quantity": 3}, content_type="application/json"
    )
    assert edited.status_code == 200
    assert (edited.json()["issued_count"], edited.json()["remaining"]) == (2, 1)


def test_claim_returns_the_code_and_limits_are_409(shop_a, buyer_a, buyer_a2):
    coupon = make_coupon(shop_a, total_quantity=2, per_member_limit=1)

    first = claim(buyer_a, coupon.pk)
    assert first.status_code == 201, first.json()
    assert set(first.json()) == {"code", "status", "valid_to"} and first.json()["status"] == "unused"
    assert claim(buyer_a, coupon.pk).status_code == 409  # per-member limit
    assert claim(buyer_a2, coupon.pk).status_code == 201
    assert claim(make_buyer_c(shop_a), coupon.pk).status_code == 409  # sold out
    assert my_coupons(buyer_a) == {first.json()["code"]: "unused"}


def make_buyer_c(shop):
    return make_buyer(shop, "13900000003")


def test_daily_limit(shop_a, buyer_a):
    coupon = make_coupon(shop_a, per_member_limit=5, per_member_daily_limit=2)
    assert [claim(buyer_a, coupon.pk).status_code for _ in range(3)] == [201, 201, 409]


def test_available_lists_offered_coupons_for_guests_and_members(shop_a, client_a, buyer_a, catalog_a):
    offered = make_coupon(shop_a, name="可领")
    make_coupon(shop_a, name="不展示", self_claim=False)
    make_coupon(
        shop_a,
        name="已结束",
        valid_from=timezone.now() - timedelta(days=9),
        valid_to=timezone.now() - timedelta(days=1),
    )
    claimed_code(buyer_a, offered.pk)

    guest = client_a.get("/api/v1/store/coupons/available").json()
    mine = buyer_a.client.get("/api/v1/store/coupons/available").json()

    assert [(row["name"], row["can_claim"]) for row in guest] == [("可领", True)]
    assert [(row["name"], row["held"], row["can_claim"]) for row in mine] == [("可领", 1, False)]


def test_coupon_in_preview_and_order_locked_then_used_on_payment(shop_a, catalog_a, buyer_a, debug):
    coupon = make_coupon(shop_a)
    code = claimed_code(buyer_a, coupon.pk)

    quoted = preview(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code)
    assert quoted.status_code == 200, quoted.json()
    assert quoted.json()["discount_amount"] == 2000
    assert [(a["kind"], a["code"], a["amount"]) for a in quoted.json()["applied"]] == [("coupon", code, 2000)]

    order = place(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code)
    assert order.status_code == 201, order.json()
    assert (order.json()["total_amount"], order.json()["coupon_code"]) == (12900 - 2000, code)
    assert my_coupons(buyer_a) == {code: "locked"}
    assert place(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code).status_code == 400  # held by the first order

    assert pay(buyer_a, order.json()["id"]).status_code == 200
    drain(shop_a)
    assert my_coupons(buyer_a) == {code: "used"}
    spent = place(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code)
    assert spent.status_code == 400 and "coupon_code" in spent.json()["errors"]
    assert in_shop(shop_a, lambda: Order.objects.count()) == 1


def test_cancelling_the_unpaid_order_returns_the_coupon(shop_a, catalog_a, buyer_a):
    code = claimed_code(buyer_a, make_coupon(shop_a).pk)
    order = place(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code).json()

    in_shop(shop_a, lambda: cancel_order(order_id=order["id"], reason="timeout"))
    drain(shop_a)

    assert my_coupons(buyer_a) == {code: "unused"}
    again = place(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code)
    assert again.status_code == 201, again.json()


def test_foreign_expired_and_below_threshold_coupons_are_400_and_nothing_changes(shop_a, catalog_a, buyer_a, buyer_a2):
    other = claimed_code(buyer_a2, make_coupon(shop_a).pk)
    expired = make_coupon(shop_a, validity="relative", valid_after_days=0, valid_days=1)
    expired_code = claimed_code(buyer_a, expired.pk)
    in_shop(shop_a, lambda: MemberCoupon.objects.filter(code=expired_code).update(valid_to=timezone.now()))
    high = claimed_code(buyer_a, make_coupon(shop_a, threshold_amount=50000).pk)

    for code in (other, expired_code, "NOSUCHCODE12"):
        response = place(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code)
        assert response.status_code == 400 and "coupon_code" in response.json()["errors"], code
        assert preview(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code).status_code == 400
    below = place(buyer_a, (catalog_a.tea.pk, 1), coupon_code=high)
    assert below.status_code == 400 and "coupon_code" in below.json()["errors"]

    assert in_shop(shop_a, lambda: Order.objects.count()) == 0
    assert my_coupons(buyer_a)[expired_code] == "expired"
    assert my_coupons(buyer_a)[high] == "unused"
    assert my_coupons(buyer_a2) == {other: "unused"}


def test_percent_coupon_with_cap_and_scope(shop_a, catalog_a, buyer_a):
    percent = make_coupon(shop_a, kind="percent", percent_off=12, threshold_amount=0, max_discount_amount=1000)
    code = claimed_code(buyer_a, percent.pk)
    quoted = preview(buyer_a, (catalog_a.cup.pk, 2), coupon_code=code).json()
    assert quoted["discount_amount"] == 7100 * 12 // 100  # 852, below the cap
    capped = preview(buyer_a, (catalog_a.tea.pk, 1), coupon_code=code).json()
    assert capped["discount_amount"] == 1000

    only_tea = make_coupon(
        shop_a, name="茶叶券", kind="fixed", amount=500, threshold_amount=0, products=[catalog_a.tea.product_id]
    )
    tea_code = claimed_code(buyer_a, only_tea.pk)
    both = preview(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1), coupon_code=f"{tea_code},{code}").json()
    lines = {line["sku_id"]: line["discount_amount"] for line in both["lines"]}
    tea_share = next(a for a in both["applied"] if a["code"] == tea_code)
    assert tea_share["lines"] == [{"sku_id": catalog_a.tea.pk, "amount": 500}]
    assert sum(lines.values()) == both["discount_amount"] == 500 + 1000


def test_usable_lists_the_members_coupons_for_the_cart_best_first(shop_a, catalog_a, buyer_a):
    small = claimed_code(buyer_a, make_coupon(shop_a, name="减5", amount=500, threshold_amount=0).pk)
    big = claimed_code(buyer_a, make_coupon(shop_a, name="减20", amount=2000, threshold_amount=10000).pk)
    claimed_code(buyer_a, make_coupon(shop_a, name="满500", amount=9000, threshold_amount=50000).pk)

    response = buyer_a.client.post(
        "/api/v1/store/coupons/usable",
        {"items": [{"sku_id": catalog_a.tea.pk, "quantity": 1}]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert [(row["code"], row["saving_amount"]) for row in response.json()] == [(big, 2000), (small, 500)]


def test_staff_issue_and_registration_gift(shop_a, manager_a, buyer_a, client_a):
    coupon = make_coupon(shop_a, self_claim=False, per_member_limit=1)
    issued = manager_a.post(
        f"/api/v1/manage/coupons/{coupon.pk}/issue",
        {"member_ids": [buyer_a.member.pk, buyer_a.member.pk]},
        content_type="application/json",
    )
    assert issued.status_code == 201 and issued.json() == {"issued": 1}
    assert list(my_coupons(buyer_a).values()) == ["unused"]
    unknown = manager_a.post(
        f"/api/v1/manage/coupons/{coupon.pk}/issue", {"member_ids": [999999]}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "member_ids" in unknown.json()["errors"]

    make_coupon(shop_a, name="新人礼", issue_on_register=True, self_claim=False)
    registered = client_a.post(
        "/api/v1/store/auth/register", {"phone": "13700000077", "password": "correct horse 42"},
        content_type="application/json",
    )  # fmt: skip
    assert registered.status_code == 201, registered.content
    newcomer = host_client(shop_a, registered.json()["token"])
    assert [row["name"] for row in newcomer.get("/api/v1/store/coupons").json()] == ["新人礼"]


# --- foreign hosts, ids and tokens ---------------------------------------------------------------------------


def test_foreign_shop_ids_and_tokens(shop_a, shop_b, manager_a, buyer_a, buyer_b, client_b):
    coupon = make_coupon(shop_a)
    b_owner = host_client(shop_b, issue_token(user=staff_of(shop_b)))

    # shop A's coupon id on shop B's host, with B's staff and B's member
    assert b_owner.get(f"/api/v1/manage/coupons/{coupon.pk}").status_code == 404
    assert (
        b_owner.patch(f"/api/v1/manage/coupons/{coupon.pk}", {"name": "x"}, content_type="application/json").status_code
        == 404
    )
    assert claim(buyer_b, coupon.pk).status_code == 404
    assert client_b.get("/api/v1/store/coupons/available").json() == []
    # A's token on B's host
    a_on_b = host_client(shop_b, buyer_a.token)
    assert a_on_b.get("/api/v1/store/coupons").status_code in (401, 403)
    assert a_on_b.post(f"/api/v1/store/coupons/{coupon.pk}/claim").status_code in (401, 403)
    a_manager_on_b = host_client(shop_b, manager_a.defaults["HTTP_AUTHORIZATION"].split()[1])
    assert a_manager_on_b.get("/api/v1/manage/coupons").status_code in (401, 403)
    assert a_manager_on_b.post("/api/v1/manage/coupons", body(), content_type="application/json").status_code in (
        401,
        403,
    )
    # a member token is not a merchant token, and guests cannot claim
    assert buyer_a.client.get("/api/v1/manage/coupons").status_code in (401, 403)
    assert host_client(shop_a).post(f"/api/v1/store/coupons/{coupon.pk}/claim").status_code in (401, 403)
    # a role without marketing.manage reads but cannot write
    staff = host_client(shop_a, issue_token(user=staff_of(shop_a, "staff")))
    assert staff.get("/api/v1/manage/coupons").status_code == 200
    assert staff.post("/api/v1/manage/coupons", body(), content_type="application/json").status_code == 403
    assert in_shop(shop_b, lambda: Coupon.objects.count()) == 0
