"""One role -> permission table (shared_apps/tenancy/roles.py) for the merchant API and the back office."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.test import APIRequestFactory

from shared_apps.tenancy.interface import HasShopPermission, MembershipRole, Permission, roles_with
from shared_apps.tenancy.roles import ROLE_PERMISSIONS, permissions_of
from tenant_apps.members.models import Member
from tests.conftest import staff_of
from tests.factories import PASSWORD

P = Permission


def test_every_role_is_in_the_table_and_the_owner_holds_everything():
    assert set(ROLE_PERMISSIONS) == set(MembershipRole.values)
    assert permissions_of(MembershipRole.OWNER) == set(Permission)
    assert permissions_of(MembershipRole.ADMIN) == set(Permission) - {P.BILLING_MANAGE, P.SHOP_TRANSFER}
    assert permissions_of(None) == set() and permissions_of("nobody") == set()


def test_staff_runs_catalog_orders_and_aftersales_and_finance_only_reads_and_pays_out():
    assert permissions_of(MembershipRole.STAFF) == {
        P.SHOP_VIEW, P.BACKOFFICE_EDIT, P.CATALOG_MANAGE, P.ORDERS_VIEW, P.ORDERS_MANAGE, P.AFTERSALES_MANAGE,
    }  # fmt: skip
    assert permissions_of(MembershipRole.FINANCE) == {
        P.SHOP_VIEW, P.ORDERS_VIEW, P.WITHDRAWALS_MANAGE, P.INVOICES_VIEW, P.BILLING_VIEW, P.ANALYTICS_VIEW,
    }  # fmt: skip
    assert roles_with(P.CATALOG_ALERTS) == [MembershipRole.OWNER, MembershipRole.ADMIN]


class FakeView:
    pass


@pytest.mark.parametrize(
    ("role", "method", "allowed"),
    [
        ("staff", "GET", True),
        ("staff", "POST", False),
        ("finance", "POST", True),
        ("finance", "GET", True),
        (None, "GET", False),
    ],
)
def test_the_api_permission_checks_the_views_permission_against_the_role(role, method, allowed):
    view = FakeView()
    view.shop_permission = P.WITHDRAWALS_MANAGE
    request = getattr(APIRequestFactory(), method.lower())("/")
    request.shop, request.user = object(), type("User", (), {"pk": 1, "is_authenticated": True})()
    request._shop_role_for = (1, role)  # the role as looked up for this request and user

    assert HasShopPermission().has_permission(request, view) is allowed


def test_views_that_still_list_roles_keep_working():
    view = FakeView()
    view.shop_roles = {MembershipRole.OWNER}
    request = APIRequestFactory().post("/")
    request.shop, request.user = object(), type("User", (), {"pk": 1, "is_authenticated": True})()
    request._shop_role_for = (1, MembershipRole.ADMIN)

    assert HasShopPermission().has_permission(request, view) is False


def signed_in(shop, role) -> Client:
    client = Client(HTTP_HOST=f"{shop.subdomain}.localhost")
    user = staff_of(shop, role)
    assert client.post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_back_office_screens_ask_the_table(shop_a):
    with tenant_context(shop_a):
        member = Member.objects.create(email="m@example.com", password="x")
    staff, admin = signed_in(shop_a, MembershipRole.STAFF), signed_in(shop_a, MembershipRole.ADMIN)
    change = f"/admin/members/member/{member.pk}/change/"
    body = {"email": "new@example.com", "phone": "", "nickname": "", "is_active": "on"}

    assert staff.get("/admin/catalog/product/add/").status_code == 200  # catalog.manage
    assert staff.post("/admin/storefront/themesettings/add/", {"theme": "classic"}).status_code == 403  # theme.manage
    assert staff.post(change, body).status_code == 403  # no members.manage
    with tenant_context(shop_a):
        assert Member.objects.get().email == "m@example.com"
    assert admin.post(change, body).status_code == 302
    with tenant_context(shop_a):
        assert Member.objects.get().email == "new@example.com"
