"""`manage.py bootstrap_demo`: creates the dev stack's operator, demo shop and owner once, and only once."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Domain, MembershipRole, Shop, ShopMembership
from tenant_apps.catalog.models import Product

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


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
    # the report is in zh-Hans unless asked otherwise (make run passes its language)
    assert "平台管理员 admin@micromall.localhost：已创建" in first
    assert "店主 demo@micromall.localhost：已创建" in first
    assert "店铺 demo.localhost（" in first and "）：已创建" in first
    assert "密码 Demo-Pass-9000" in first
    assert "created" not in first and "password" not in first
    # Second run: same rows, passwords untouched, no password printed.
    assert Shop.objects.filter(subdomain="demo").count() == 1
    assert User.objects.filter(email__endswith="@micromall.localhost").count() == 2
    assert ShopMembership.objects.filter(shop=shop).count() == 1
    assert not operator.check_password("Other-Pass-1234")
    assert "已创建" not in second and "密码" not in second
    assert "店铺 demo.localhost（" in second and "）：已存在" in second


def test_bootstrap_adds_missing_owner_membership_to_an_existing_shop_without_reprovisioning(shop_a):
    User.objects.create_user(email="demo@micromall.localhost", password="Existing-Pass-77")

    out = bootstrap(subdomain="alpha", password="Demo-Pass-9000", language="en")

    assert Shop.objects.filter(subdomain="alpha").count() == 1
    assert Shop.objects.get(subdomain="alpha").schema_name == "test_alpha"
    assert list(ShopMembership.objects.filter(shop=shop_a).values_list("user__email", "role")) == [
        ("demo@micromall.localhost", MembershipRole.OWNER)
    ]
    assert User.objects.get(email="demo@micromall.localhost").check_password("Existing-Pass-77")
    assert User.objects.get(email="admin@micromall.localhost").is_superuser
    assert "owner demo@micromall.localhost: exists" in out
    assert "operator admin@micromall.localhost: created" in out
    assert "shop alpha.localhost (test_alpha): exists" in out
    assert "password Demo-Pass-9000" in out
    assert CJK.search(out) is None


def test_an_unknown_report_language_is_refused_before_anything_is_created():
    with pytest.raises(CommandError, match="xx"):
        bootstrap(password="Demo-Pass-9000", language="xx")

    assert not User.objects.filter(email__endswith="@micromall.localhost").exists()
