"""Withdrawal payouts: a Stripe transfer to the distributor's connected account when one is set (the official SDK
against the fake Stripe, validated against Stripe's OpenAPI spec), else a manual transfer reference. The
idempotency key comes from the withdrawal row; concurrent approvals pay once; a failed transfer leaves the
withdrawal requested and asking again is safe."""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from micromall.errors import ApplicationError
from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.interface import MembershipRole
from tenant_apps.distribution import selectors, services
from tenant_apps.distribution.models import CommissionEntry, DistributionSettings, Distributor, Withdrawal
from tenant_apps.members.models import Member
from tests.conftest import host_client, staff_of

from .conftest import distributor, in_shop, me

ACCOUNT = "acct_1DistribPayout01"


def earned(shop, code: str, amount: int) -> Distributor:
    def run():
        d = Distributor.objects.get(code=code)
        CommissionEntry.objects.create(
            distributor=d, order_id=d.pk * 1000, order_number=f"N{d.pk}", buyer_id=1, level=1,
            base_amount=amount * 10, rate_bps=1000, amount=amount, status="available", available_at=timezone.now(),
        )  # fmt: skip
        return d

    return in_shop(shop, run)


def request(seller, amount: int) -> int:
    response = seller.client.post(
        "/api/v1/store/distribution/withdrawals", {"amount": amount}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_stripe_transfer_to_the_connected_account(dist_a, manager_a, stripe_fake):
    seller, code = distributor(dist_a, "13800000001")
    d = earned(dist_a, code, 5000)
    url = f"/api/v1/manage/distribution/distributors/{d.pk}/payout-account"

    bad = manager_a.put(url, {"stripe_account_id": "acct with spaces"}, content_type="application/json")
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["stripe_account_id"])
    assert in_shop(dist_a, lambda: Distributor.objects.get(pk=d.pk).stripe_account_id) == ""
    saved = manager_a.put(url, {"stripe_account_id": ACCOUNT}, content_type="application/json")
    assert (saved.status_code, saved.json()["stripe_account_id"]) == (200, ACCOUNT)

    wid = request(seller, 3000)
    paid = manager_a.post(f"/api/v1/manage/distribution/withdrawals/{wid}/approve", {}, content_type="application/json")

    assert paid.status_code == 200, paid.content
    body = paid.json()
    assert (body["status"], body["payout_method"]) == ("paid", "stripe")
    [sent] = stripe_fake.requests_to("POST", "/v1/transfers")
    assert body["transfer_reference"] == sent.response["id"]
    assert sent.params["amount"] == 3000
    assert sent.params["currency"] == "cny"
    assert sent.params["destination"] == ACCOUNT
    assert sent.params["metadata"] == {
        "shop": dist_a.schema_name, "withdrawal_id": str(wid), "distributor_code": code,
    }  # fmt: skip
    assert sent.stripe_account is None  # from the platform's balance to the distributor's account
    assert sent.idempotency_key == f"micromall-{dist_a.schema_name}-withdrawal-{wid}-payout"
    assert me(seller)["balances"] == {"pending_amount": 0, "available_amount": 2000, "withdrawn_amount": 3000}

    again = manager_a.post(
        f"/api/v1/manage/distribution/withdrawals/{wid}/approve", {}, content_type="application/json"
    )
    assert again.status_code == 409
    assert len(stripe_fake.requests_to("POST", "/v1/transfers")) == 1


def test_a_reference_means_manual_even_with_an_account(dist_a, manager_a, stripe_fake):
    seller, code = distributor(dist_a, "13800000011")
    d = earned(dist_a, code, 5000)
    in_shop(dist_a, lambda: services.set_payout_account(distributor_id=d.pk, stripe_account_id=ACCOUNT))
    wid = request(seller, 1000)
    paid = manager_a.post(f"/api/v1/manage/distribution/withdrawals/{wid}/approve",
                          {"transfer_reference": "WX-42"}, content_type="application/json")  # fmt: skip
    assert (paid.json()["payout_method"], paid.json()["transfer_reference"]) == ("manual", "WX-42")
    assert stripe_fake.requests_to("POST", "/v1/transfers") == []


def test_without_stripe_configured_the_reference_is_required(dist_a, manager_a, settings):
    settings.STRIPE_SECRET_KEY = ""
    seller, code = distributor(dist_a, "13800000021")
    d = earned(dist_a, code, 5000)
    in_shop(dist_a, lambda: services.set_payout_account(distributor_id=d.pk, stripe_account_id=ACCOUNT))
    wid = request(seller, 1000)
    refused = manager_a.post(f"/api/v1/manage/distribution/withdrawals/{wid}/approve", {},
                             content_type="application/json")  # fmt: skip
    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["transfer_reference"])
    assert in_shop(dist_a, lambda: Withdrawal.objects.get(pk=wid).status) == "requested"


def test_a_failed_transfer_leaves_it_requested_and_the_retry_pays_once(dist_a, manager_a, stripe_fake, settings):
    seller, code = distributor(dist_a, "13800000031")
    d = earned(dist_a, code, 5000)
    in_shop(dist_a, lambda: services.set_payout_account(distributor_id=d.pk, stripe_account_id=ACCOUNT))
    wid = request(seller, 2500)
    url = f"/api/v1/manage/distribution/withdrawals/{wid}/approve"

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there: the SDK cannot connect
    down = manager_a.post(url, {}, content_type="application/json")
    assert down.status_code == 503
    assert in_shop(dist_a, lambda: Withdrawal.objects.get(pk=wid).status) == "requested"
    assert me(seller)["balances"]["available_amount"] == 2500  # still held by the request

    settings.STRIPE_API_BASE = stripe_fake.url
    assert manager_a.post(url, {}, content_type="application/json").json()["status"] == "paid"
    # The transfer is keyed by the withdrawal: had the first attempt reached Stripe, this one would replay it.
    w = in_shop(dist_a, lambda: Withdrawal.objects.select_related("distributor").get(pk=wid))
    replay = in_shop(dist_a, lambda: services._stripe_transfer(w))
    assert replay == w.transfer_reference
    assert len(stripe_fake.objects_of("transfer")) == 1


def test_payout_accounts_and_withdrawals_follow_the_roles_table(dist_a, dist_b, stripe_fake):
    seller, code = distributor(dist_a, "13800000041")
    d = earned(dist_a, code, 5000)
    finance = host_client(dist_a, issue_token(user=staff_of(dist_a, MembershipRole.FINANCE)))
    staff = host_client(dist_a, issue_token(user=staff_of(dist_a, MembershipRole.STAFF)))
    foreign = host_client(dist_b, issue_token(user=staff_of(dist_b)))
    account_url = f"/api/v1/manage/distribution/distributors/{d.pk}/payout-account"
    body = {"stripe_account_id": ACCOUNT}

    # Payout accounts are distribution.manage (owners, admins): finance and staff 403; another shop's 404.
    assert finance.put(account_url, body, content_type="application/json").status_code == 403
    assert staff.put(account_url, body, content_type="application/json").status_code == 403
    assert foreign.put(account_url, body, content_type="application/json").status_code == 404
    assert in_shop(dist_a, lambda: Distributor.objects.get(pk=d.pk).stripe_account_id) == ""
    # Settings too: finance reads, does not write.
    assert finance.get("/api/v1/manage/distribution/settings").status_code == 200
    assert finance.put("/api/v1/manage/distribution/settings", {}, content_type="application/json").status_code == 403

    wid = request(seller, 1000)
    approve = f"/api/v1/manage/distribution/withdrawals/{wid}/approve"
    ref = {"transfer_reference": "BANK-1"}
    assert staff.post(approve, ref, content_type="application/json").status_code == 403
    assert foreign.post(approve, ref, content_type="application/json").status_code == 404
    assert finance.post(approve, ref, content_type="application/json").json()["status"] == "paid"  # withdrawals.manage


def stripe_withdrawal(shop, phone: str, code: str, *, available: int, requested: int) -> tuple[Distributor, int]:
    """Committed rows (for the transactional tests): a distributor paid by Stripe with `available` commission,
    and its withdrawal of `requested`."""
    with tenant_context(shop):
        DistributionSettings.objects.create(pk=1, enabled=True, levels=1, rates_bps=[1000], min_withdrawal_amount=100)
        seller = Member.objects.create(phone=phone, password="!")
        d = Distributor.objects.create(member=seller, code=code, status="approved", stripe_account_id=ACCOUNT)
        CommissionEntry.objects.create(
            distributor=d, order_id=1, order_number="N1", buyer_id=seller.pk, level=1, base_amount=available * 10,
            rate_bps=1000, amount=available, status="available", available_at=timezone.now(),
        )  # fmt: skip
        return d, services.request_withdrawal(member=seller, amount=requested).pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_pay_one_transfer(shop, stripe_fake):
    d, wid = stripe_withdrawal(shop, "13800000051", "PAYRACE1", available=1000, requested=800)
    paid, refused, barrier = [], [], threading.Barrier(4)

    def approve():
        try:
            with tenant_context(shop):
                barrier.wait()
                try:
                    paid.append(services.approve_withdrawal(withdrawal_id=wid).transfer_reference)
                except ApplicationError as error:
                    refused.append(error.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(paid) == 1 and refused == [409, 409, 409]
    assert len(stripe_fake.requests_to("POST", "/v1/transfers")) == 1
    with tenant_context(shop):
        w = Withdrawal.objects.get(pk=wid)
        assert (w.status, w.payout_method, w.transfer_reference) == ("paid", "stripe", paid[0])
        assert selectors.balances(distributor_id=d.pk).withdrawn_amount == 800


@pytest.mark.django_db(transaction=True)
def test_a_transfer_whose_answer_was_lost_is_settled_by_approving_again_never_paid_twice(
    shop, stripe_fake, monkeypatch
):
    """Stripe made the transfer but its answer was lost (503, still requested); rejecting it then let the
    distributor ask again, and the new request's new idempotency key paid a second transfer (found by a review
    helper). Once a transfer was asked for, rejecting or paying by hand is 409; approving again replays it."""
    import stripe

    _d, wid = stripe_withdrawal(shop, "13800000061", "PAYLOST1", available=5000, requested=5000)
    send = services._stripe_transfer

    def transfer_then_lose_the_answer(withdrawal):
        send(withdrawal)
        raise stripe.APIConnectionError("read timed out")

    monkeypatch.setattr(services, "_stripe_transfer", transfer_then_lose_the_answer)
    with tenant_context(shop), pytest.raises(ApplicationError) as lost:
        services.approve_withdrawal(withdrawal_id=wid)
    monkeypatch.setattr(services, "_stripe_transfer", send)
    refusals = []
    for decide in (
        lambda: services.reject_withdrawal(withdrawal_id=wid, note="stripe down"),
        lambda: services.approve_withdrawal(withdrawal_id=wid, transfer_reference="BANK-1"),
    ):
        with tenant_context(shop), pytest.raises(ApplicationError) as refused:
            decide()
        refusals.append(refused.value.status)
    with tenant_context(shop):
        settled = services.approve_withdrawal(withdrawal_id=wid)

    assert (lost.value.status, refusals, settled.status) == (503, [409, 409], "paid")
    assert [t["amount"] for t in stripe_fake.objects_of("transfer")] == [5000]  # the same transfer, replayed
