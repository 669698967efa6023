"""Back office (group 积分与等级): screens render with values in 元, a manual adjustment needs a reason and is kept
with who made it, settings save through the service; storefront pages (签到, 我的积分, 我的, checkout toggle)."""

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.loyalty.models import LoyaltySettings, MemberLevel, PointsEntry
from tests.conftest import host_client, staff_of

from .conftest import balance, configure, give, in_shop


def signed_in(shop, role=MembershipRole.OWNER):
    user = staff_of(shop, role)
    client = host_client(shop)
    client.force_login(user)
    return client, user


def test_screens_render_and_show_points_in_yuan(loyalty_a, buyer_a):
    give(loyalty_a, buyer_a, 250)
    client, _user = signed_in(loyalty_a)
    for path in ("loyaltysettings", "memberlevel", "pointsentry", "pointsaccount", "checkin", "invitation"):
        response = client.get(f"/admin/loyalty/{path}/")
        assert response.status_code == 200, path
    assert "¥2.50" in client.get("/admin/loyalty/pointsentry/").content.decode()  # 250 points at 100 per yuan
    page = client.get("/admin/loyalty/pointsaccount/").content.decode()
    assert "¥2.50" in page and "250" in page
    assert client.get("/admin/loyalty/pointsentry/add/").status_code == 200


def test_a_manual_adjustment_is_audited_and_refused_without_a_reason(loyalty_a, buyer_a):
    client, user = signed_in(loyalty_a)
    add = "/admin/loyalty/pointsentry/add/"

    refused = client.post(add, {"member": buyer_a.member.pk, "points": -5, "reason": "x"})
    assert refused.status_code == 200 and "该会员的积分不足" in refused.content.decode()
    assert client.post(add, {"member": buyer_a.member.pk, "points": 5, "reason": ""}).status_code == 200
    assert in_shop(loyalty_a, lambda: PointsEntry.objects.count()) == 0

    done = client.post(add, {"member": buyer_a.member.pk, "points": 80, "reason": "客诉补偿"})
    assert done.status_code == 302, done.content.decode()[:2000]
    entry = in_shop(loyalty_a, lambda: PointsEntry.objects.get())
    assert (entry.kind, entry.points, entry.reason, entry.by) == ("adjust", 80, "客诉补偿", str(user))
    assert balance(loyalty_a, buyer_a) == (80, 0)


def test_settings_and_levels_save_through_services(loyalty_a):
    client, _user = signed_in(loyalty_a)
    row = in_shop(loyalty_a, lambda: LoyaltySettings.objects.get())
    form = {
        "points_per_yuan": 3, "redeem_points_per_yuan": 100, "min_redeem_points": 0, "max_redeem_points": "",
        "max_redeem_percent": 150, "points_freeze_days": 7, "points_expire_days": 0, "checkin_rewards": "[5]",
        "checkin_cumulative_rewards": "[]", "growth_per_yuan": 1, "checkin_growth": 1, "invite_points": 100,
        "invite_growth": 10, "invite_daily_cap": 5,
    }  # fmt: skip
    refused = client.post(f"/admin/loyalty/loyaltysettings/{row.pk}/change/", form)
    assert refused.status_code == 200  # 150% refused by the form or the service
    assert in_shop(loyalty_a, lambda: LoyaltySettings.objects.get().points_per_yuan) == 1
    saved = client.post(f"/admin/loyalty/loyaltysettings/{row.pk}/change/", {**form, "max_redeem_percent": 40})
    assert saved.status_code == 302
    assert in_shop(loyalty_a, lambda: LoyaltySettings.objects.get().points_per_yuan) == 3

    level = {"name": "黄金", "growth_threshold": 500, "discount_percent": 8}
    assert client.post("/admin/loyalty/memberlevel/add/", level).status_code == 302
    again = client.post("/admin/loyalty/memberlevel/add/", {**level, "name": "铂金"})
    assert again.status_code == 200  # same threshold refused
    assert in_shop(loyalty_a, lambda: list(MemberLevel.objects.values_list("name", flat=True))) == ["黄金"]


def test_staff_without_marketing_permission_cannot_adjust(loyalty_a, buyer_a):
    client, _user = signed_in(loyalty_a, MembershipRole.STAFF)
    response = client.post("/admin/loyalty/pointsentry/add/", {"member": buyer_a.member.pk, "points": 5, "reason": "x"})
    assert response.status_code == 403
    assert in_shop(loyalty_a, lambda: PointsEntry.objects.count()) == 0


def test_storefront_pages_render_in_chinese(loyalty_a, client_a):
    pages = [
        ("/checkin", ["每日签到", "连续签到奖励", "js/loyalty.js"]), ("/points", ["我的积分", "邀请有礼"]),
        ("/account", ["我的积分", "每日签到"]), ("/checkout", ["data-use-points"]),
    ]  # fmt: skip
    for path, words in pages:
        response = client_a.get(path, HTTP_ACCEPT_LANGUAGE="zh-Hans")
        assert response.status_code == 200, path
        page = response.content.decode()
        for word in words:
            assert word in page, (path, word)


def test_the_pages_cost_few_queries(loyalty_a, client_a, django_assert_max_num_queries):
    configure(loyalty_a)
    client_a.get("/checkin")  # warm the host and theme caches
    with django_assert_max_num_queries(6):
        assert client_a.get("/checkin").status_code == 200
    with django_assert_max_num_queries(6):
        assert client_a.get("/points").status_code == 200


def test_store_reads_cost_few_queries(loyalty_a, buyer_a, django_assert_max_num_queries):
    give(loyalty_a, buyer_a, 10)
    buyer_a.client.get("/api/v1/store/me")
    with django_assert_max_num_queries(8):
        assert buyer_a.client.get("/api/v1/store/points").status_code == 200
    with django_assert_max_num_queries(8):
        assert buyer_a.client.get("/api/v1/store/me").status_code == 200
