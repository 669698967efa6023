"""The role matrix over billing and staff endpoints: owner (everything incl. billing), admin (all but changing
billing: reads invoices), staff (no billing, no staff management), finance (reads billing), an agency's member
(the agency's role),
a stranger (404: the shop does not exist for them), anonymous (401). Refused writes change nothing."""

import pytest
from django.test import Client

from billing.models import Subscription
from shared_apps.agencies.models import Agency, AgencyMembership
from shared_apps.tenancy.models import ShopMembership
from tests.conftest import host_client, staff_of
from tests.factories import UserFactory

from .conftest import api

READ = ("subscription", "invoices", "fee-ledger")
MATRIX = {  # role -> (billing reads, change plan, staff list)
    "owner": (200, 200, 200),
    "admin": (200, 403, 200),
    "staff": (403, 403, 403),
    "finance": (200, 403, 403),
    "agency_owner": (200, 200, 200),
    "agency_staff": (403, 403, 403),
    "stranger": (404, 404, 403),
    "anonymous": (401, 401, 401),
}


def caller(role: str, shop):
    if role == "anonymous":
        return None
    if role == "stranger":
        return UserFactory()
    if role.startswith("agency_"):
        agency = Agency.objects.create(name="A")
        shop.agency = agency
        shop.save(update_fields=["agency"])
        user = UserFactory()
        AgencyMembership.objects.create(agency=agency, user=user, role=role.removeprefix("agency_"))
        return user
    return staff_of(shop, role=role)


@pytest.mark.parametrize("role", list(MATRIX))
def test_role_matrix(role, shop_a, owner_a, trial_a):
    user = caller(role, shop_a)
    reads, change, staff_list = MATRIX[role]
    client = api(user)
    for path in READ:
        assert client.get(f"/api/v1/shops/{shop_a.pk}/{path}").status_code == reads, path
    response = client.post(
        f"/api/v1/shops/{shop_a.pk}/subscription", {"plan": "pro-monthly"}, content_type="application/json"
    )
    assert response.status_code == change
    assert Subscription.objects.get().plan.code == ("pro-monthly" if change == 200 else "basic-monthly")
    token_client = host_client(shop_a, api_token(user))
    assert token_client.get("/api/v1/manage/staff").status_code == staff_list


def api_token(user):
    from shared_apps.accounts.services import issue_token

    return issue_token(user=user) if user else None


def test_invite_staff_by_email_within_the_plan_seats(shop_a, owner_a, owner_a_token, trial_a):
    invitee = UserFactory(email="new.hire@example.com")
    manager = host_client(shop_a, owner_a_token)

    created = manager.post(
        "/api/v1/manage/staff", {"email": "New.Hire@example.com", "role": "finance"}, content_type="application/json"
    )

    assert created.status_code == 201, created.content
    assert created.json() == {"user": {"id": invitee.pk, "email": "new.hire@example.com"}, "role": "finance"}
    # basic plan: 3 seats (owner + finance + one more)
    assert (
        manager.post(
            "/api/v1/manage/staff", {"email": UserFactory().email, "role": "staff"}, content_type="application/json"
        ).status_code
        == 201
    )
    full = manager.post(
        "/api/v1/manage/staff", {"email": UserFactory().email, "role": "staff"}, content_type="application/json"
    )
    assert full.status_code == 409
    assert (
        manager.post(
            "/api/v1/manage/staff", {"email": "ghost@example.com", "role": "staff"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        manager.post(
            "/api/v1/manage/staff", {"email": invitee.email, "role": "owner"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert ShopMembership.objects.filter(shop=shop_a).count() == 3
    assert manager.delete(f"/api/v1/manage/staff/{owner_a.pk}").status_code == 409
    assert manager.delete(f"/api/v1/manage/staff/{invitee.pk}").status_code == 204


def test_admin_cannot_make_admins_and_other_shops_cannot_invite(shop_a, shop_b, trial_a):
    admin = staff_of(shop_a, role="admin")
    target = UserFactory()
    response = host_client(shop_a, api_token(admin)).post(
        "/api/v1/manage/staff", {"email": target.email, "role": "admin"}, content_type="application/json"
    )
    assert response.status_code == 403
    owner_b = staff_of(shop_b)
    foreign = host_client(shop_a, api_token(owner_b)).post(
        "/api/v1/manage/staff", {"email": target.email, "role": "staff"}, content_type="application/json"
    )
    assert foreign.status_code == 403
    assert not ShopMembership.objects.filter(user=target).exists()


@pytest.mark.parametrize(("role", "expected"), [("owner", 200), ("finance", 200), ("admin", 200), ("staff", 403)])
def test_back_office_billing_page(role, shop_a, owner_a, expected):
    from billing.services import start_trial

    start_trial(shop=shop_a)  # starts now: 14 trial days left
    user = owner_a if role == "owner" else staff_of(shop_a, role=role)
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(user)
    response = client.get("/admin/billing/billingpage/")
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        assert "套餐与账单" in page
        assert "基础版" in page
        assert "试用期剩余 14 天" in page
