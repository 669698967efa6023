"""Back-office coupon screens: list and usage in 元, create and edit through the services (refusals on the
fields), issue to members from the change form, void held coupons; another shop's staff see nothing."""

from tenant_apps.coupons.models import Coupon, MemberCoupon
from tests.conftest import host_client, staff_of

from .conftest import claimed_code, in_shop, make_coupon

FORM = {
    "name": "满199减30", "kind": "fixed", "is_active": "on", "amount": "30.00", "amount_min": "", "amount_max": "",
    "percent_off": "0", "max_discount_amount": "", "threshold_amount": "199", "total_quantity": "100",
    "per_member_limit": "1", "per_member_daily_limit": "0", "valid_from_0": "2025-01-01", "valid_from_1": "00:00:00",
    "valid_to_0": "2035-01-01", "valid_to_1": "00:00:00", "validity": "fixed", "valid_after_days": "0",
    "valid_days": "0", "products": "", "categories": "", "exclude_products": "", "exclude_categories": "",
    "self_claim": "on", "issue_to": "",
}  # fmt: skip


def signed_in(shop, user):
    client = host_client(shop)
    client.force_login(user)
    return client


def test_create_in_yuan_list_usage_and_issue(shop_a, owner_a, buyer_a):
    client = signed_in(shop_a, owner_a)

    created = client.post("/admin/coupons/coupon/add/", FORM)
    assert created.status_code == 302, created.content.decode()[:2000]
    coupon = in_shop(shop_a, lambda: Coupon.objects.get())
    assert (coupon.amount, coupon.threshold_amount) == (3000, 19900)

    listing = client.get("/admin/coupons/coupon/").content.decode()
    assert "¥30.00" in listing and "¥199.00" in listing

    issued = client.post(f"/admin/coupons/coupon/{coupon.pk}/change/", {**FORM, "issue_to": buyer_a.member.phone})
    assert issued.status_code == 302
    assert in_shop(shop_a, lambda: MemberCoupon.objects.filter(member=buyer_a.member).count()) == 1
    page = client.get(f"/admin/coupons/coupon/{coupon.pk}/change/").content.decode()
    assert "未使用 1 张" in page or "1 unused" in page  # the admin speaks zh-Hans by default


def test_refusals_come_back_on_the_form_and_nothing_is_saved(shop_a, owner_a, buyer_a):
    client = signed_in(shop_a, owner_a)

    bad = client.post("/admin/coupons/coupon/add/", {**FORM, "kind": "percent", "percent_off": "100"})
    assert bad.status_code == 200 and "percent_off" in bad.context["adminform"].form.errors
    coupon = make_coupon(shop_a, total_quantity=5)
    claimed_code(buyer_a, coupon.pk)
    lowered = client.post(f"/admin/coupons/coupon/{coupon.pk}/change/", {**FORM, "total_quantity": "0"})
    assert lowered.status_code == 200 and "total_quantity" in lowered.context["adminform"].form.errors
    unknown = client.post(f"/admin/coupons/coupon/{coupon.pk}/change/", {**FORM, "issue_to": "nobody@example.com"})
    assert unknown.status_code == 200 and "issue_to" in unknown.context["adminform"].form.errors
    assert in_shop(shop_a, lambda: Coupon.objects.get(pk=coupon.pk).total_quantity) == 5
    assert in_shop(shop_a, lambda: Coupon.objects.count()) == 1


def test_member_coupons_screen_voids_and_foreign_staff_see_nothing(shop_a, shop_b, owner_a, buyer_a):
    code = claimed_code(buyer_a, make_coupon(shop_a).pk)
    client = signed_in(shop_a, owner_a)
    assert code in client.get("/admin/coupons/membercoupon/").content.decode()
    held = in_shop(shop_a, lambda: MemberCoupon.objects.get(code=code))

    client.post("/admin/coupons/membercoupon/", {"action": "void", "_selected_action": [str(held.pk)]})
    assert in_shop(shop_a, lambda: MemberCoupon.objects.get(code=code).status) == "void"

    foreign = signed_in(shop_b, staff_of(shop_b))
    assert code not in foreign.get("/admin/coupons/membercoupon/").content.decode()
    assert foreign.get(f"/admin/coupons/membercoupon/{held.pk}/change/").status_code in (302, 404)
    staff = signed_in(shop_a, staff_of(shop_a, "staff"))
    assert staff.post("/admin/coupons/coupon/add/", FORM).status_code == 403
