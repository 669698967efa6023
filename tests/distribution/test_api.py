"""Settings, applying, binding, withdrawals over HTTP: bad input is a 400 with nothing changed; isolation."""

import pytest
from django.db import IntegrityError, transaction

from shared_apps.accounts.services import issue_token
from tenant_apps.distribution.models import Binding, DistributionSettings, Distributor, Withdrawal
from tenant_apps.members.models import Member
from tests.conftest import host_client, staff_of

from .conftest import RATES, distributor, in_shop, me, member

SETTINGS = {
    "enabled": True, "levels": 3, "rates_bps": RATES, "freeze_days": 10, "min_withdrawal_amount": 500,
    "self_purchase_commission": True, "auto_approve": False,
}  # fmt: skip


def test_settings_round_trip(shop_a, manager_a):
    assert manager_a.get("/api/v1/manage/distribution/settings").json()["levels"] == 2  # default

    response = manager_a.put("/api/v1/manage/distribution/settings", SETTINGS, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json() == SETTINGS
    assert manager_a.get("/api/v1/manage/distribution/settings").json() == SETTINGS


@pytest.mark.parametrize(
    "change",
    [
        {"levels": 4, "rates_bps": [100, 100, 100, 100]},
        {"levels": 0, "rates_bps": []},
        {"rates_bps": [-1, 100, 100]},
        {"rates_bps": [10001, 0, 0]},
        {"rates_bps": [5000, 4000, 1001]},  # sum > 100%
        {"rates_bps": [1000, 500]},  # not one per level
        {"freeze_days": 3},  # shorter than the 7-day return window
        {"min_withdrawal_amount": 0},
    ],
)
def test_bad_settings_are_400_and_change_nothing(shop_a, manager_a, change):
    manager_a.put("/api/v1/manage/distribution/settings", SETTINGS, content_type="application/json")

    response = manager_a.put(
        "/api/v1/manage/distribution/settings", {**SETTINGS, **change}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]
    assert manager_a.get("/api/v1/manage/distribution/settings").json() == SETTINGS


def test_four_levels_refused_by_the_database_too(shop_a):
    def save():
        with transaction.atomic():
            DistributionSettings.objects.create(pk=1, levels=4, rates_bps=[1, 1, 1, 1])

    with pytest.raises(IntegrityError):
        in_shop(shop_a, save)


def test_settings_need_a_shop_role(shop_a, shop_b, client_a, owner_a_token):
    assert client_a.get("/api/v1/manage/distribution/settings").status_code in (401, 403)
    foreign = host_client(shop_b, owner_a_token)  # A's owner has no role on B
    response = foreign.put("/api/v1/manage/distribution/settings", SETTINGS, content_type="application/json")
    assert response.status_code in (401, 403)
    assert in_shop(shop_b, lambda: DistributionSettings.objects.exists()) is False


def test_apply_reviewed_then_approved(dist_a, manager_a):
    from .conftest import configure

    configure(dist_a, auto_approve=False)
    buyer = member(dist_a, "13200000001")

    first = buyer.client.post("/api/v1/store/distribution/apply")
    again = buyer.client.post("/api/v1/store/distribution/apply")

    assert (first.status_code, first.json()["status"]) == (201, "pending")
    assert (again.status_code, again.json()["code"]) == (200, first.json()["code"])
    listed = manager_a.get("/api/v1/manage/distribution/distributors?status=pending").json()
    [row] = [r for r in listed if r["code"] == first.json()["code"]]
    approved = manager_a.post(f"/api/v1/manage/distribution/distributors/{row['id']}/approve")
    assert approved.json()["status"] == "approved"
    assert me(buyer)["status"] == "approved"
    assert me(buyer)["referral_url"] == f"http://alpha.localhost/?ref={first.json()['code']}"


def test_apply_refused_when_distribution_is_off(shop_a):
    buyer = member(shop_a, "13200000002")
    assert buyer.client.post("/api/v1/store/distribution/apply").status_code == 409
    assert in_shop(shop_a, lambda: Distributor.objects.exists()) is False


def test_register_with_a_foreign_or_unknown_code_is_400_and_creates_nobody(dist_a, dist_b):
    _, code_b = distributor(dist_b, "13200000010")
    before = in_shop(dist_a, Member.objects.count)
    for ref in (code_b, "NOPE1234"):
        response = host_client(dist_a).post(
            "/api/v1/store/auth/register",
            {"phone": "13200000011", "password": "correct horse 42", "ref": ref},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "ref" in response.json()["errors"]
    assert in_shop(dist_a, Member.objects.count) == before


def test_binding_is_first_touch_and_never_a_cycle(dist_a):
    a, code_a = distributor(dist_a, "13200000020")
    b, code_b = distributor(dist_a, "13200000021", ref=code_a)
    c, code_c = distributor(dist_a, "13200000022", ref=code_b)

    for buyer, code in ((a, code_a), (a, code_c), (b, code_c)):  # oneself, a descendant
        response = buyer.client.post("/api/v1/store/distribution/bind", {"code": code}, content_type="application/json")
        assert response.status_code == 400
    assert in_shop(dist_a, lambda: Binding.objects.filter(member=a.member).exists()) is False

    _x, code_x = distributor(dist_a, "13200000023")
    response = c.client.post("/api/v1/store/distribution/bind", {"code": code_x}, content_type="application/json")
    assert response.json()["distributor_code"] == code_b  # first touch stays
    assert me(c)["upline_code"] == code_b


def test_merchant_rebind_is_audited_and_refuses_cycles(dist_a, manager_a):
    a, code_a = distributor(dist_a, "13200000030")
    b, code_b = distributor(dist_a, "13200000031", ref=code_a)
    _x, code_x = distributor(dist_a, "13200000032")

    bad = manager_a.post(
        "/api/v1/manage/distribution/bindings",
        {"member_id": a.member.pk, "code": code_b},
        content_type="application/json",
    )
    good = manager_a.post(
        "/api/v1/manage/distribution/bindings",
        {"member_id": b.member.pk, "code": code_x, "reason": "moved"},
        content_type="application/json",
    )

    assert bad.status_code == 400
    assert good.status_code == 200
    assert me(b)["upline_code"] == code_x
    from tenant_apps.distribution.models import RebindAudit

    audits = in_shop(dist_a, lambda: list(RebindAudit.objects.values_list("member_id", "reason")))
    assert audits == [(b.member.pk, "moved")]


def test_rebinding_a_member_id_the_shop_does_not_have_is_400_and_writes_nothing(dist_a, manager_a):
    """Before, the rows were written and only the commit's foreign-key check refused them: a 500."""
    from tenant_apps.distribution.models import Binding, RebindAudit

    _a, code = distributor(dist_a, "13200000040")

    response = manager_a.post(
        "/api/v1/manage/distribution/bindings", {"member_id": 999999, "code": code, "reason": "typo"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400 and list(response.json()["errors"]) == ["member_id"]
    assert in_shop(dist_a, lambda: (Binding.objects.filter(member_id=999999).count(), RebindAudit.objects.count())) == (
        0, 0
    )  # fmt: skip


def test_withdrawal_bounds(dist_a, catalog_a):
    seller, _code = distributor(dist_a, "13200000040")
    assert (
        seller.client.post(
            "/api/v1/store/distribution/withdrawals", {"amount": 100}, content_type="application/json"
        ).status_code
        == 400
    )
    for body in ({"amount": 99}, {"amount": -5}, {"amount": "x"}, {}):
        response = seller.client.post("/api/v1/store/distribution/withdrawals", body, content_type="application/json")
        assert response.status_code == 400
    assert in_shop(dist_a, Withdrawal.objects.count) == 0


def test_withdrawal_decisions_and_isolation(dist_a, dist_b, manager_a, owner_a_token):
    from django.utils import timezone

    from tenant_apps.distribution.models import CommissionEntry

    seller, code = distributor(dist_a, "13200000050")
    d = in_shop(dist_a, lambda: Distributor.objects.get(code=code))
    in_shop(dist_a, lambda: CommissionEntry.objects.create(
        distributor=d, order_id=1, order_number="N1", buyer_id=1, level=1, base_amount=5000, rate_bps=1000,
        amount=500, status="available", available_at=timezone.now()))  # fmt: skip
    w = seller.client.post("/api/v1/store/distribution/withdrawals", {"amount": 300}, content_type="application/json")
    assert w.status_code == 201
    assert me(seller)["balances"]["available_amount"] == 200
    wid = w.json()["id"]

    foreign_member = host_client(dist_b, seller.token)
    assert foreign_member.get("/api/v1/store/distribution/me").status_code == 401
    foreign_manager = host_client(dist_b, owner_a_token)
    assert foreign_manager.post(
        f"/api/v1/manage/distribution/withdrawals/{wid}/reject", {}, content_type="application/json"
    ).status_code in (401, 403)
    b_manager = host_client(dist_b, issue_token(user=staff_of(dist_b)))
    assert (
        b_manager.post(
            f"/api/v1/manage/distribution/withdrawals/{wid}/reject", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert in_shop(dist_a, lambda: Withdrawal.objects.get(pk=wid).status) == "requested"

    no_ref = manager_a.post(
        f"/api/v1/manage/distribution/withdrawals/{wid}/approve", {}, content_type="application/json"
    )
    assert no_ref.status_code == 400
    rejected = manager_a.post(f"/api/v1/manage/distribution/withdrawals/{wid}/reject", {"note": "wrong account"},
                              content_type="application/json")  # fmt: skip
    assert rejected.json()["status"] == "rejected"
    assert (
        manager_a.post(
            f"/api/v1/manage/distribution/withdrawals/{wid}/reject", {}, content_type="application/json"
        ).status_code
        == 409
    )
    assert me(seller)["balances"]["available_amount"] == 500
    assert manager_a.post("/api/v1/manage/distribution/withdrawals/999999/approve", {"transfer_reference": "x"},
                          content_type="application/json").status_code == 404  # fmt: skip


def test_store_endpoints_need_a_distributor(dist_a):
    plain = member(dist_a, "13200000060")
    for path in ("me", "team", "commissions", "withdrawals"):
        assert plain.client.get(f"/api/v1/store/distribution/{path}").status_code == 404
        assert host_client(dist_a).get(f"/api/v1/store/distribution/{path}").status_code == 401


def test_qr_codes_and_team(dist_a, dist_b, catalog_a):
    a, code_a = distributor(dist_a, "13200000070")
    b = member(dist_a, "13200000071", ref=code_a)
    png = host_client(dist_a).get(f"/api/v1/store/distribution/qr/{code_a}.png?product={catalog_a.tea.product_id}")
    svg = host_client(dist_a).get(f"/api/v1/store/distribution/qr/{code_a}.svg")
    assert (png.status_code, png["Content-Type"], png.content[:4]) == (200, "image/png", b"\x89PNG")
    assert (svg.status_code, svg["Content-Type"]) == (200, "image/svg+xml")
    assert host_client(dist_b).get(f"/api/v1/store/distribution/qr/{code_a}.png").status_code == 404
    team = a.client.get("/api/v1/store/distribution/team").json()
    assert [(row["level"], row["member_id"]) for row in team] == [(1, b.member.pk)]


def test_share_poster_png(dist_a, dist_b, catalog_a):
    from io import BytesIO

    from PIL import Image

    _, code = distributor(dist_a, "13200000080")
    response = host_client(dist_a).get(f"/api/v1/store/distribution/poster/{code}.png?sku={catalog_a.tea.pk}")
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert Image.open(BytesIO(response.content)).size == (750, 1100)
    assert host_client(dist_a).get(f"/api/v1/store/distribution/poster/{code}.png?sku=999999").status_code == 404
    assert host_client(dist_b).get(f"/api/v1/store/distribution/poster/{code}.png").status_code == 404


def test_distributor_centre_page_renders(dist_a):
    page = host_client(dist_a).get("/distribution")
    assert page.status_code == 200
    assert "data-dist" in page.content.decode()
    assert "分销中心" in page.content.decode()


def test_a_withdrawal_whose_commission_a_refund_took_back_is_not_paid(dist_a, catalog_a, manager_a):
    """Requested against released commission, then the order is refunded in full: approving paid 12.90 backed by
    nothing and left the balance at -12.90 (found by a review helper). Now 409; rejecting it settles it."""
    from datetime import timedelta

    from django.utils import timezone

    from tenant_apps.distribution import services

    from .conftest import buy, complete, refund

    seller, code = distributor(dist_a, "13800000771")
    shopper = member(dist_a, "13800000772", ref=code)
    order = buy(dist_a, shopper, (catalog_a.tea.pk, 1))
    complete(dist_a, shopper, order["id"])
    in_shop(dist_a, lambda: services.release_due(now=timezone.now() + timedelta(days=8)))
    asked = seller.client.post("/api/v1/store/distribution/withdrawals", {"amount": 1290},
                               content_type="application/json").json()  # fmt: skip
    refund(dist_a, order["id"], order["total_amount"])
    url = f"/api/v1/manage/distribution/withdrawals/{asked['id']}"

    approved = manager_a.post(f"{url}/approve", {"transfer_reference": "BANK-9"}, content_type="application/json")
    rejected = manager_a.post(f"{url}/reject", {"note": "已退款"}, content_type="application/json")

    assert (approved.status_code, rejected.status_code) == (409, 200)
    assert me(seller)["balances"]["available_amount"] == 0
