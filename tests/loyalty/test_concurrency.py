"""Races on the real database (threads, committed transactions): points are never spent twice, a member
checks in once per local day, and an invitation reward is paid once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.loyalty import selectors, services
from tenant_apps.loyalty.models import CheckIn, Invitation, PointsEntry
from tenant_apps.orders.models import Order
from tests.committed import race
from tests.orders.conftest import in_shop, make_buyer, make_catalog, place

from .conftest import SETTINGS

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_orders_never_spend_the_same_points_twice(shop):
    in_shop(shop, lambda: services.update_settings(**SETTINGS))
    catalog = make_catalog(shop, tea_stock=20)
    buyer = make_buyer(shop, "13700000001")
    in_shop(shop, lambda: services.adjust_points(member_id=buyer.member.pk, points=1000, reason="gift", by="t"))

    codes = race(lambda _n: place(buyer, (catalog.tea.pk, 1), points=400).status_code, range(6))

    assert codes.count(201) == 2, codes  # 2 x 400 <= 1000 < 3 x 400
    assert set(codes) <= {201, 400, 409}  # refused at the quote (400) or under the lock in on_place (409)
    with tenant_context(shop):
        assert Order.objects.count() == 2  # the refused orders rolled back whole
        assert sorted(Order.objects.values_list("points_used", flat=True)) == [400, 400]
        assert selectors.points_balance(member_id=buyer.member.pk).balance == 200
        assert PointsEntry.objects.filter(kind="consume").count() == 2


def test_a_member_checks_in_once_per_day_however_many_taps(shop):
    in_shop(shop, lambda: services.update_settings(**SETTINGS))
    buyer = make_buyer(shop, "13700000002")

    codes = race(lambda _n: buyer.client.post("/api/v1/store/checkin").status_code, range(8))

    assert sorted(codes) == [201] + [409] * 7
    with tenant_context(shop):
        assert CheckIn.objects.count() == 1
        assert selectors.points_balance(member_id=buyer.member.pk).balance == 5


def test_the_unique_constraint_holds_without_the_lock(shop):
    """Even writers that skipped the account lock could not record two check-ins for one local date."""
    from django.db import IntegrityError, transaction

    buyer = make_buyer(shop, "13700000003")
    today = in_shop(shop, lambda: selectors.local_date(timezone.now()))

    def insert(_n):
        try:
            with tenant_context(shop), transaction.atomic():
                CheckIn.objects.create(member_id=buyer.member.pk, local_date=today, streak=1, points=5)
            return "ok"
        except IntegrityError:
            return "refused"

    assert sorted(race(insert, range(5))) == ["ok"] + ["refused"] * 4


def test_an_invitation_reward_is_paid_once_under_concurrent_beats(shop):
    in_shop(shop, lambda: services.update_settings(**SETTINGS, invite_points=100))
    inviter = make_buyer(shop, "13700000004")
    invitee = make_buyer(shop, "13700000005")
    with tenant_context(shop):
        Invitation.objects.create(
            inviter_id=inviter.member.pk, invitee_id=invitee.member.pk, status="qualifying", order_id=1,
            due_at=timezone.now() - timedelta(minutes=1),
        )  # fmt: skip

    rewarded = race(lambda _n: in_shop(shop, services.reward_due_invitations), range(4))

    assert sum(rewarded) == 1
    with tenant_context(shop):
        assert selectors.points_balance(member_id=inviter.member.pk).balance == 100
