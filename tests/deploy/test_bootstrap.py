"""`manage.py bootstrap_demo`: creates the dev stack's operator, demo shop and owner once, and only once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Domain, MembershipRole, Shop, ShopMembership
from tenant_apps.catalog.models import Product

pytestmark = pytest.mark.django_db


def bootstrap(**options) -> str:
    out = StringIO()
    call_command("bootstrap_demo", stdout=out, **options)
    return out.getvalue()


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [name])
        return cursor.fetchone() is not None


def test_bootstrap_creates_operator_demo_shop_and_owner_then_changes_nothing(db):
    first = bootstrap(password="Demo-Pass-9000")
    shop = Shop.objects.get(subdomain="demo")
    second = bootstrap(password="Other-Pass-1234")

    operator = User.objects.get(email="admin@micromall.localhost")
    owner = User.objects.get(email="demo@micromall.localhost")
    assert (operator.is_staff, operator.is_superuser) == (True, True)
    assert (owner.is_staff, owner.is_superuser) == (False, False)
    assert operator.check_password("Demo-Pass-9000") and owner.check_password("Demo-Pass-9000")
    assert shop.owner == owner
    assert list(Domain.objects.filter(tenant=shop).values_list("domain", "is_primary")) == [("demo.localhost", True)]
    assert list(ShopMembership.objects.filter(shop=shop).values_list("user__email", "role")) == [
        ("demo@micromall.localhost", MembershipRole.OWNER)
    ]
    assert schema_exists(shop.schema_name)
    assert shop.template == "classic"
    with tenant_context(shop):
        assert Product.objects.filter(status="active").count() >= 12  # the classic template's demo catalog
    assert "password Demo-Pass-9000" in first
    assert "shop demo.localhost" in first and "created" in first
    # Second run: same rows, passwords untouched, no password printed.
    assert Shop.objects.filter(subdomain="demo").count() == 1
    assert User.objects.filter(email__endswith="@micromall.localhost").count() == 2
    assert ShopMembership.objects.filter(shop=shop).count() == 1
    assert not operator.check_password("Other-Pass-1234")
    assert "created" not in second and "password" not in second


def test_bootstrap_adds_missing_owner_membership_to_an_existing_shop_without_reprovisioning(shop_a):
    User.objects.create_user(email="demo@micromall.localhost", password="Existing-Pass-77")

    out = bootstrap(subdomain="alpha", password="Demo-Pass-9000")

    assert Shop.objects.filter(subdomain="alpha").count() == 1
    assert Shop.objects.get(subdomain="alpha").schema_name == "test_alpha"
    assert list(ShopMembership.objects.filter(shop=shop_a).values_list("user__email", "role")) == [
        ("demo@micromall.localhost", MembershipRole.OWNER)
    ]
    assert User.objects.get(email="demo@micromall.localhost").check_password("Existing-Pass-77")
    assert User.objects.get(email="admin@micromall.localhost").is_superuser
    assert "owner demo@micromall.localhost: exists" in out
    assert "operator admin@micromall.localhost: created" in out
