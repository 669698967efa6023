"""Loyalty API: store points / check-in / invitations, the merchant's settings and member ledgers, /store/me
extras, level discounts at checkout; bad input -> 400 with nothing changed; foreign hosts, ids and tokens."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.loyalty import services
from tenant_apps.loyalty.models import CheckIn, Invitation, PointsEntry
from tests.conftest import host_client, staff_of

from .conftest import balance, buy, complete, configure, give, in_shop

LEVELS = [
    {"name": "白银", "growth_threshold": 100, "discount_percent": 5},
    {"name": "黄金", "growth_threshold": 1000, "discount_percent": 10},
]
BODY = {
    "points_per_yuan": 2, "redeem_points_per_yuan": 50, "max_redeem_percent": 30, "points_freeze_days": 10,
    "checkin_rewards": [1, 2, 3], "levels": LEVELS,
}  # fmt: skip


def test_merchant_reads_and_replaces_the_settings(loyalty_a, manager_a):
    response = manager_a.put("/api/v1/manage/loyalty", BODY, content_type="application/json")

    assert response.status_code == 200, response.content
    body = manager_a.get("/api/v1/manage/loyalty").json()
    assert {key: body[key] for key in BODY} == BODY
    assert body["points_expire_days"] == 0  # untouched optional fields keep their value


def test_bad_settings_are_refused_field_by_field_and_nothing_changes(loyalty_a, manager_a):
    before = manager_a.get("/api/v1/manage/loyalty").json()
    for bad in (
        {**BODY, "max_redeem_percent": 101},
        {**BODY, "redeem_points_per_yuan": 0},
        {**BODY, "checkin_rewards": [1, -1]},
        {**BODY, "levels": [{"name": "A", "growth_threshold": 5, "discount_percent": 100}]},
        {**BODY, "levels": [{"name": "A", "growth_threshold": 5, "discount_percent": 1}] * 2},
        {**BODY, "points_per_yuan": "lots"},
        {**BODY, "min_redeem_points": 500, "max_redeem_points": 100},
        {key: value for key, value in BODY.items() if key != "levels"},
    ):
        response = manager_a.put("/api/v1/manage/loyalty", bad, content_type="application/json")
        assert response.status_code == 400, (bad, response.content)
        assert response.json()["errors"], response.content
    assert manager_a.get("/api/v1/manage/loyalty").json() == before


def test_staff_without_marketing_permission_cannot_change_settings(loyalty_a):
    from shared_apps.accounts.services import issue_token

    staff = host_client(loyalty_a, issue_token(user=staff_of(loyalty_a, MembershipRole.STAFF)))
    assert staff.get("/api/v1/manage/loyalty").status_code == 200
    assert staff.put("/api/v1/manage/loyalty", BODY, content_type="application/json").status_code == 403
    assert host_client(loyalty_a).get("/api/v1/manage/loyalty").status_code in (401, 403)


def test_foreign_hosts_ids_and_tokens(loyalty_a, shop_b, manager_a, buyer_a, buyer_b, owner_a_token):
    # A's owner on B's host, A's member token on B's host: refused
    foreign_manager = host_client(shop_b, owner_a_token)
    assert foreign_manager.get("/api/v1/manage/loyalty").status_code == 403
    assert foreign_manager.put("/api/v1/manage/loyalty", BODY, content_type="application/json").status_code == 403
    foreign_member = host_client(shop_b, buyer_a.token)
    for path in ("/api/v1/store/points", "/api/v1/store/checkin", "/api/v1/store/invites"):
        assert foreign_member.get(path).status_code in (401, 403), path
    assert foreign_member.post("/api/v1/store/checkin").status_code in (401, 403)
    # B's member id through A's merchant API: not found, nothing written
    for path in (
        f"/api/v1/manage/loyalty/members/{buyer_b.member.pk + 10_000}/points",
        f"/api/v1/manage/loyalty/members/{buyer_b.member.pk + 10_000}/adjustments",
    ):
        method = manager_a.get if path.endswith("points") else manager_a.post
        response = method(path, {"points": 5, "reason": "x"}, content_type="application/json")
        assert response.status_code == 404, (path, response.content)
    assert in_shop(loyalty_a, lambda: PointsEntry.objects.count()) == 0
    # an invitation code of shop B is unknown in shop A
    code_b = buyer_b.client.get("/api/v1/store/invites").json()["code"]
    response = buyer_a.client.post("/api/v1/store/invites/accept", {"code": code_b}, content_type="application/json")
    assert response.status_code == 400 and "code" in response.json()["errors"]


def test_store_points_and_me(loyalty_a, buyer_a, manager_a):
    configure(loyalty_a, levels=LEVELS)
    assert buyer_a.client.get("/api/v1/store/points").json()["balance"] == 0
    me = buyer_a.client.get("/api/v1/store/me").json()
    assert (me["level"], me["points_balance"], me["growth"]) == (None, 0, 0)

    adjusted = manager_a.post(
        f"/api/v1/manage/loyalty/members/{buyer_a.member.pk}/adjustments", {"points": 300, "reason": "生日礼"},
        content_type="application/json",
    )  # fmt: skip
    assert adjusted.status_code == 201, adjusted.content
    assert (adjusted.json()["kind"], adjusted.json()["reason"], adjusted.json()["by"]) == ("adjust", "生日礼", str(
        manager_a_user(loyalty_a)))  # fmt: skip
    body = buyer_a.client.get("/api/v1/store/points").json()
    assert body["balance"] == 300 and body["entries"][0]["kind"] == "adjust" and "created" in body["entries"][0]
    ledger = manager_a.get(f"/api/v1/manage/loyalty/members/{buyer_a.member.pk}/points").json()
    assert (ledger["balance"], ledger["entries"][0]["by"]) == (300, str(manager_a_user(loyalty_a)))


def manager_a_user(shop):
    from shared_apps.tenancy.models import ShopMembership

    return ShopMembership.objects.filter(shop=shop).latest("id").user


def test_bad_adjustments_change_nothing(loyalty_a, buyer_a, manager_a):
    give(loyalty_a, buyer_a, 10)
    path = f"/api/v1/manage/loyalty/members/{buyer_a.member.pk}/adjustments"
    bad_bodies = [
        {"points": 0, "reason": "x"}, {"points": 5}, {"points": 5, "reason": "  "}, {"points": -11, "reason": "x"},
        {"points": "many", "reason": "x"},
    ]  # fmt: skip
    for bad in bad_bodies:
        response = manager_a.post(path, bad, content_type="application/json")
        assert response.status_code == 400, (bad, response.content)
    assert balance(loyalty_a, buyer_a) == (10, 0)


def test_check_in_streak_and_second_tap_the_same_local_day(loyalty_a, buyer_a):
    first = buyer_a.client.post("/api/v1/store/checkin")
    assert (first.status_code, first.json()) == (201, {"points": 5, "streak": 1})
    second = buyer_a.client.post("/api/v1/store/checkin")
    assert second.status_code == 409 and second.json()["detail"]
    state = buyer_a.client.get("/api/v1/store/checkin").json()
    assert (state["checked_in_today"], state["streak"], state["next_points"]) == (True, 1, 5)
    assert balance(loyalty_a, buyer_a) == (5, 0)


def test_streak_rewards_and_the_cumulative_table(loyalty_a, buyer_a):
    configure(loyalty_a, checkin_rewards=[5, 10, 20], checkin_cumulative_rewards=[{"days": 3, "points": 100}])
    start = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    got = [in_shop(loyalty_a, lambda d=d: services.check_in(member=buyer_a.member, now=start + timedelta(days=d)))
           for d in (0, 1, 2, 3, 5)]  # fmt: skip
    assert [(c.streak, c.points) for c in got] == [(1, 5), (2, 10), (3, 20 + 100), (4, 20), (1, 5)]


def test_the_local_date_is_the_shops(loyalty_a, buyer_a):
    """23:30 and 00:30 in Shanghai are two days even though both are the same UTC date (15:30, 16:30)."""
    late = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    in_shop(loyalty_a, lambda: services.check_in(member=buyer_a.member, now=late))
    after_midnight = in_shop(loyalty_a, lambda: services.check_in(member=buyer_a.member, now=late + timedelta(hours=1)))
    assert after_midnight.streak == 2
    dates = in_shop(loyalty_a, lambda: sorted(CheckIn.objects.values_list("local_date", flat=True)))
    assert [str(d) for d in dates] == ["2026-03-01", "2026-03-02"]


def test_a_level_discount_prices_checkout_for_signed_in_members(loyalty_a, catalog_a, buyer_a, buyer_a2):
    configure(loyalty_a, levels=LEVELS)
    in_shop(loyalty_a, lambda: services.update_settings(growth_per_yuan=1))
    order = buy(loyalty_a, buyer_a, (catalog_a.tea.pk, 1))
    complete(loyalty_a, buyer_a, order["id"])  # 129 growth -> 白银, 5% off
    assert buyer_a.client.get("/api/v1/store/me").json()["level"] == "白银"

    def preview(buyer):
        return buyer.client.post(
            "/api/v1/store/checkout/preview", {"items": [{"sku_id": catalog_a.tea.pk, "quantity": 2}]},
            content_type="application/json",
        ).json()  # fmt: skip

    assert preview(buyer_a)["lines"][0]["unit_price_amount"] == 12255  # 12900 x 95%
    assert preview(buyer_a2)["lines"][0]["unit_price_amount"] == 12900  # no level, no discount


def test_a_level_discount_never_stacks_on_an_activity_price(loyalty_a, catalog_a, buyer_a):
    from tenant_apps.checkout.interface import Contribution, register_checkout_extension, unregister_checkout_extension

    configure(loyalty_a, levels=[{"name": "VIP", "growth_threshold": 0, "discount_percent": 50}])

    class Flash:
        name = "test_flash"

        def contribute(self, request):
            if request.activity is None:
                return None
            return Contribution(activity_prices={catalog_a.tea.pk: 10000}, handles=frozenset({"activity"}))

        def on_place(self, **kwargs):
            pass

    from tenant_apps.checkout.interface import extensions

    flash_sales = next(e for e in extensions() if e.name == "flash_sales")  # the real one claims flash_sale too
    unregister_checkout_extension("flash_sales")
    register_checkout_extension(Flash())
    try:
        body = buyer_a.client.post(
            "/api/v1/store/checkout/preview",
            {"items": [{"sku_id": catalog_a.tea.pk, "quantity": 1}], "activity": {"type": "flash_sale", "id": 1}},
            content_type="application/json",
        ).json()
    finally:
        unregister_checkout_extension("test_flash")
        register_checkout_extension(flash_sales)
    assert body["lines"][0]["unit_price_amount"] == 10000  # not 5000: the activity price takes no level discount


def test_invitation_rewarded_after_the_return_window_with_a_daily_cap(loyalty_a, catalog_a, buyer_a, shop_a):
    from tests.orders.conftest import make_buyer

    configure(loyalty_a, invite_points=100, invite_daily_cap=1)
    code = buyer_a.client.get("/api/v1/store/invites").json()["code"]
    assert (
        buyer_a.client.post("/api/v1/store/invites/accept", {"code": code}, content_type="application/json").status_code
        == 400
    )  # self

    friends = [make_buyer(shop_a, f"1360000000{n}") for n in range(2)]
    for friend in friends:
        accepted = friend.client.post("/api/v1/store/invites/accept", {"code": code}, content_type="application/json")
        assert (accepted.status_code, accepted.json()) == (201, {"status": "waiting"})
    again = friends[0].client.post("/api/v1/store/invites/accept", {"code": code}, content_type="application/json")
    assert again.status_code == 409

    for friend in friends:
        order = buy(loyalty_a, friend, (catalog_a.cup.pk, 1))
        complete(loyalty_a, friend, order["id"])
    statuses = in_shop(loyalty_a, lambda: sorted(Invitation.objects.values_list("status", flat=True)))
    assert statuses == ["qualifying", "qualifying"]
    assert in_shop(loyalty_a, lambda: services.reward_due_invitations(now=timezone.now() + timedelta(days=6))) == 0
    later = timezone.now() + timedelta(days=7, minutes=1)  # the default 7-day return window
    assert in_shop(loyalty_a, lambda: services.reward_due_invitations(now=later)) == 1  # the cap: one a day
    statuses = in_shop(loyalty_a, lambda: sorted(Invitation.objects.values_list("status", flat=True)))
    assert statuses == ["capped", "rewarded"]
    assert balance(loyalty_a, buyer_a) == (100, 0)
    listed = buyer_a.client.get("/api/v1/store/invites").json()["invitations"]
    assert sorted(row["status"] for row in listed) == ["capped", "rewarded"]
    assert all("****" in row["invitee"] for row in listed)


def test_a_refunded_first_order_does_not_qualify(loyalty_a, catalog_a, buyer_a, shop_a):
    from tests.orders.conftest import make_buyer

    from .conftest import refund

    code = buyer_a.client.get("/api/v1/store/invites").json()["code"]
    friend = make_buyer(shop_a, "13500000001")
    friend.client.post("/api/v1/store/invites/accept", {"code": code}, content_type="application/json")
    order = buy(loyalty_a, friend, (catalog_a.cup.pk, 1))
    refund(loyalty_a, order["id"], order["total_amount"])
    invitation = in_shop(loyalty_a, lambda: Invitation.objects.get())
    assert (invitation.status, invitation.order_id) == ("waiting", None)


def test_an_order_paid_before_the_first_one_was_refunded_qualifies_instead(loyalty_a, catalog_a, buyer_a, shop_a):
    """The invitee pays A, then B; A is refunded in full: the invitation moves to B (it went back to 'waiting'
    with no order, and B's completion qualified nothing, so the inviter was never rewarded)."""
    from tests.orders.conftest import make_buyer

    from .conftest import refund

    configure(loyalty_a, invite_points=100, invite_daily_cap=5)
    code = buyer_a.client.get("/api/v1/store/invites").json()["code"]
    friend = make_buyer(shop_a, "13500000001")
    friend.client.post("/api/v1/store/invites/accept", {"code": code}, content_type="application/json")
    first, second = (buy(loyalty_a, friend, (catalog_a.cup.pk, 1)) for _ in range(2))

    refund(loyalty_a, first["id"], first["total_amount"])
    moved = in_shop(loyalty_a, lambda: Invitation.objects.values_list("status", "order_id").get())
    complete(loyalty_a, friend, second["id"])
    later = timezone.now() + timedelta(days=7, minutes=1)

    assert moved == ("waiting", second["id"])
    assert in_shop(loyalty_a, lambda: services.reward_due_invitations(now=later)) == 1
    assert balance(loyalty_a, buyer_a)[0] == 100


def test_an_order_completed_before_the_first_one_was_refunded_qualifies_at_once(loyalty_a, catalog_a, buyer_a, shop_a):
    from tests.orders.conftest import make_buyer

    from .conftest import refund

    code = buyer_a.client.get("/api/v1/store/invites").json()["code"]
    friend = make_buyer(shop_a, "13500000001")
    friend.client.post("/api/v1/store/invites/accept", {"code": code}, content_type="application/json")
    first, second = (buy(loyalty_a, friend, (catalog_a.cup.pk, 1)) for _ in range(2))
    complete(loyalty_a, friend, second["id"])

    refund(loyalty_a, first["id"], first["total_amount"])

    invitation = in_shop(loyalty_a, lambda: Invitation.objects.get())
    assert (invitation.status, invitation.order_id, invitation.due_at is not None) == ("qualifying", second["id"], True)


def test_old_members_cannot_accept_an_invitation(loyalty_a, buyer_a, buyer_a2):
    from tenant_apps.members.models import Member

    code = buyer_a.client.get("/api/v1/store/invites").json()["code"]
    in_shop(loyalty_a, lambda: Member.objects.filter(pk=buyer_a2.member.pk).update(
        created=timezone.now() - timedelta(days=2)))  # fmt: skip
    response = buyer_a2.client.post("/api/v1/store/invites/accept", {"code": code}, content_type="application/json")
    assert response.status_code == 409
    assert in_shop(loyalty_a, lambda: Invitation.objects.count()) == 0
