"""Back office screens (group 分销): lists in 元, approvals, withdrawal payout with a transfer reference,
CSV exports with formula cells escaped; another shop's staff see nothing."""

from django.utils import timezone

from tenant_apps.distribution.exports import cell
from tenant_apps.distribution.models import CommissionEntry, Distributor, Withdrawal
from tests.conftest import host_client, staff_of

from .conftest import distributor, in_shop


def seeded(shop):
    seller, code = distributor(shop, "13500000001")

    def seed():
        d = Distributor.objects.get(code=code)
        CommissionEntry.objects.create(
            distributor=d, order_id=1, order_number="=HYPERLINK(1)", buyer_id=1, level=1, base_amount=12900,
            rate_bps=1000, amount=1290, status="available", available_at=timezone.now(),
        )  # fmt: skip
        return d, Withdrawal.objects.create(distributor=d, amount=1000)

    d, w = in_shop(shop, seed)
    return seller, d, w


def test_screens_render_in_yuan_and_payout_is_recorded(dist_a, owner_a):
    _, _d, w = seeded(dist_a)
    client = host_client(dist_a)
    client.force_login(owner_a)

    for path in ("distributor", "commissionentry", "withdrawal", "binding", "rebindaudit", "tier", "rateoverride"):
        assert client.get(f"/admin/distribution/{path}/").status_code == 200, path
    assert "12.90" in client.get("/admin/distribution/commissionentry/").content.decode()
    assert "10.00" in client.get("/admin/distribution/withdrawal/").content.decode()

    client.post(f"/admin/distribution/withdrawal/{w.pk}/change/", {"transfer_reference": "BANK-778", "note": ""})
    assert in_shop(dist_a, lambda: Withdrawal.objects.get(pk=w.pk).status) == "paid"

    export = client.post(
        "/admin/distribution/commissionentry/",
        {"action": "export_csv", "_selected_action": [str(pk) for pk in in_shop(dist_a, lambda: list(
            CommissionEntry.objects.values_list("pk", flat=True)))]},
    )  # fmt: skip
    body = b"".join(export.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    assert "12.90" in body


def test_other_shops_staff_see_nothing(dist_a, dist_b):
    seeded(dist_a)
    client = host_client(dist_b)
    client.force_login(staff_of(dist_b))
    page = client.get("/admin/distribution/commissionentry/")
    assert page.status_code == 200
    assert "HYPERLINK" not in page.content.decode()


def test_formula_cells_are_escaped():
    assert [cell(v) for v in ("=1+1", "+86", "-2", "@x", "plain", 5, None)] == [
        "'=1+1",
        "'+86",
        "'-2",
        "'@x",
        "plain",
        "5",
        "",
    ]
