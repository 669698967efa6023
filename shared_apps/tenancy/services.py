"""Writers for the control plane: shops, their hosts and memberships."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from micromall.errors import Conflict, Invalid, NotFound, PermissionDenied

from .models import Domain, MembershipRole, Shop, ShopMembership, ShopStatus
from .provisioning import new_schema_name, prepare_schema, schedule_top_up
from .selectors import forget_hosts, shop_hosts
from .validators import validate_subdomain

SUBDOMAIN_TAKEN = gettext_lazy("This subdomain is already taken.")


class SubdomainTaken(Invalid):
    def __init__(self, subdomain: str):
        super().__init__(errors={"subdomain": [SUBDOMAIN_TAKEN]})
        self.subdomain = subdomain


class DemoShopReadOnly(PermissionDenied):
    """A template's live demo shop has no members and cannot be changed."""

    def __init__(self, subdomain: str):
        super().__init__(_("Demo shops are read-only."))
        self.subdomain = subdomain


def create_shop_record(*, name: str, subdomain: str, owner, schema_name: str, template: str = "", agency=None) -> Shop:
    """Insert the shop, its subdomain host and the owner's membership (caller holds the transaction)."""
    validate_subdomain(subdomain)
    try:
        with transaction.atomic():
            shop = Shop.objects.create(
                name=name, subdomain=subdomain, schema_name=schema_name, owner=owner, template=template, agency=agency
            )
            Domain.objects.create(domain=f"{subdomain}.{settings.ROOT_DOMAIN}", tenant=shop, is_primary=True)
            if owner is not None:
                ShopMembership.objects.create(shop=shop, user=owner, role=MembershipRole.OWNER)
    except IntegrityError as exc:
        raise SubdomainTaken(subdomain) from exc
    forget_hosts([f"{subdomain}.{settings.ROOT_DOMAIN}"])
    return shop


def create_shop_with_migrations(*, name: str, subdomain: str, owner, template: str = "", agency=None) -> Shop:
    """The slow path: a new schema migrated from scratch (django-tenants' migrate-on-create)."""
    with transaction.atomic():
        shop = create_shop_record(
            name=name, subdomain=subdomain, owner=owner, schema_name=new_schema_name(), template=template, agency=agency
        )
    shop.create_schema(check_if_exists=True, verbosity=0)
    return shop


@transaction.atomic
def add_member(*, shop: Shop, user, role: str) -> ShopMembership:
    """Give `user` `role` on `shop` (or change the role they have)."""
    if shop.is_demo:
        raise DemoShopReadOnly(shop.subdomain)
    if role not in MembershipRole.values:
        raise Invalid(errors={"role": [_("Unknown role.")]})
    membership, _created = ShopMembership.objects.update_or_create(shop=shop, user=user, defaults={"role": role})
    return membership


@transaction.atomic
def remove_member(*, membership: ShopMembership) -> None:
    if membership.shop.owner_id == membership.user_id:
        raise Conflict(_("The shop's owner keeps their role: transfer the shop first."))
    ShopMembership.objects.filter(pk=membership.pk).delete()


@transaction.atomic
def rename_shop(*, shop: Shop, name: str) -> Shop:
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid(errors={"name": [_("Give a name of 1 to 100 characters.")]})
    Shop.objects.filter(pk=shop.pk).update(name=name)
    shop.name = name
    return shop


def set_status(*, shop: Shop, status: str) -> Shop:
    if status not in ShopStatus.values:
        raise ValueError(status)
    Shop.objects.filter(pk=shop.pk).update(status=status)
    shop.status = status
    forget_hosts(shop_hosts(shop))
    return shop


def provision_shop(*, name: str, subdomain: str, owner, template: str = "", agency=None) -> Shop:
    """The fast path: a shop on a claimed pre-migrated spare schema, with its template's demo content.

    One transaction: rows, spare claim and demo content commit together or not at all. An empty pool
    falls back to migrating a new schema inside the same transaction (slower, never an error).
    """
    from shared_apps.gallery.interface import seed_shop

    with transaction.atomic():
        shop = prepare_schema(
            on_ready=lambda schema_name: create_shop_record(
                name=name, subdomain=subdomain, owner=owner, schema_name=schema_name, template=template, agency=agency
            )
        )
        if template:
            seed_shop(shop=shop, template=template)
        schedule_top_up()
    return shop


# --- shop staff: invite a platform account by email with a role, remove it (merchant API, api/staff.py) ---

INVITABLE = (MembershipRole.ADMIN, MembershipRole.STAFF, MembershipRole.FINANCE)


def invite_staff(*, shop: Shop, email: str, role: str, by_role: str) -> ShopMembership:
    """Give an existing platform account a role on the shop. Only an owner grants admin; the plan caps seats."""
    from billing.interface import staff_seat_limit

    if role not in INVITABLE:
        raise Invalid(errors={"role": [_("Choose admin, staff or finance.")]})
    if role == MembershipRole.ADMIN and by_role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only the owner can make admins."))
    user = get_user_model().objects.filter(email__iexact=email.strip()).first() if isinstance(email, str) else None
    if user is None:
        raise Invalid(errors={"email": [_("No platform account uses this email; ask them to sign up first.")]})
    with transaction.atomic():
        Shop.objects.select_for_update().filter(pk=shop.pk).first()  # one invite at a time per shop (seat count)
        if ShopMembership.objects.filter(shop=shop, user=user).exists():
            raise Conflict(_("This account is already a member of the shop."))
        limit = staff_seat_limit(shop)
        if limit is not None and ShopMembership.objects.filter(shop=shop).count() >= limit:
            raise Conflict(_("The plan's %(limit)d staff seats are all used; upgrade to add more.") % {"limit": limit})
        return ShopMembership.objects.create(shop=shop, user=user, role=role)


def remove_staff(*, shop: Shop, user_id: int, by_role: str) -> None:
    membership = ShopMembership.objects.filter(shop=shop, user_id=user_id).first()
    if membership is None:
        raise NotFound(_("No such staff member."))
    if membership.role == MembershipRole.OWNER:
        raise Conflict(_("The owner cannot be removed; transfer the shop instead."))
    if membership.role == MembershipRole.ADMIN and by_role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only the owner can remove admins."))
    membership.delete()
