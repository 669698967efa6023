"""`manage.py bootstrap_demo`: the operator account and the demo shop of a dev stack, created only when missing.

`make run` calls it on every start, so it must be idempotent: existing users keep their password, an existing
shop is never re-provisioned (only a missing schema or owner membership is repaired).
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from micromall.reports import ReportCommand
from shared_apps.accounts.interface import User
from shared_apps.tenancy.models import MembershipRole, Shop, ShopMembership
from shared_apps.tenancy.services import add_member, provision_shop

OPERATOR_EMAIL = "admin@micromall.localhost"
OWNER_EMAIL = "demo@micromall.localhost"
DEMO_SUBDOMAIN = "demo"
DEMO_SHOP_NAME = "Micromall 演示店"
DEMO_TEMPLATE = "classic"


def provision_demo_shop(*, name: str, subdomain: str, owner: User) -> Shop:
    """The demo shop is launched like any signup: a pooled schema with the classic template's demo catalog."""
    return provision_shop(name=name, subdomain=subdomain, owner=owner, template=DEMO_TEMPLATE)


def ensure_user(*, email: str, password: str, operator: bool) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    with transaction.atomic():
        if operator:
            user = User.objects.create_superuser(email=email, password=password)
        else:
            user = User.objects.create_user(email=email, password=password)
    return user, True


def ensure_demo_shop(*, name: str, subdomain: str, owner: User) -> tuple[Shop, bool]:
    shop = Shop.objects.filter(subdomain=subdomain).first()
    if shop is None:
        return provision_demo_shop(name=name, subdomain=subdomain, owner=owner), True
    # A previous run may have died between the shop row and its schema: create_schema is a no-op when it exists.
    shop.create_schema(check_if_exists=True, verbosity=0)
    if not ShopMembership.objects.filter(shop=shop, user=owner).exists():
        add_member(shop=shop, user=owner, role=MembershipRole.OWNER)
    return shop, False


class Command(ReportCommand):
    help = "Create the demo operator, the demo shop and its owner when missing (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password for accounts created now (default: random, printed)")
        parser.add_argument("--operator-email", default=OPERATOR_EMAIL)
        parser.add_argument("--owner-email", default=OWNER_EMAIL)
        parser.add_argument("--subdomain", default=DEMO_SUBDOMAIN)
        parser.add_argument("--shop-name", default=DEMO_SHOP_NAME)

    def handle(self, *args, **options):
        password = options["password"] or secrets.token_urlsafe(12)
        operator, operator_created = ensure_user(email=options["operator_email"], password=password, operator=True)
        owner, owner_created = ensure_user(email=options["owner_email"], password=password, operator=False)
        shop, shop_created = ensure_demo_shop(name=options["shop_name"], subdomain=options["subdomain"], owner=owner)

        def state(created: bool) -> str:
            return pgettext("demo data", "created") if created else pgettext("demo data", "exists")

        address = f"{shop.subdomain}.{settings.ROOT_DOMAIN}"
        self.stdout.write(
            _("operator %(email)s: %(state)s") % {"email": operator.email, "state": state(operator_created)}
        )
        self.stdout.write(_("owner %(email)s: %(state)s") % {"email": owner.email, "state": state(owner_created)})
        self.stdout.write(
            _("shop %(address)s (%(schema)s): %(state)s")
            % {"address": address, "schema": shop.schema_name, "state": state(shop_created)}
        )
        if operator_created or owner_created:
            self.stdout.write(_("password %(password)s") % {"password": password})
