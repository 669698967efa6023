"""Agency writers: create an agency, add members, hand a client shop over, bulk actions over client shops."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound, PermissionDenied
from shared_apps.tenancy.models import MembershipRole, Shop, ShopMembership
from shared_apps.tenancy.roles import Permission, role_has
from shared_apps.tenancy.selectors import forget_hosts, membership_role, shop_hosts

from .models import Agency, AgencyMembership, AgencyRole
from .selectors import agency_managed_by, agency_visible_to


def _clean_name(name: str) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > 100:
        raise Invalid(errors={"name": [_("Give a name of 1 to 100 characters.")]})
    return name


@transaction.atomic
def create_agency(*, name: str, owner=None) -> Agency:
    """The agency, and its owner's membership when created through the API (the operator admin passes none)."""
    agency = Agency.objects.create(name=_clean_name(name))
    if owner is not None:
        AgencyMembership.objects.create(agency=agency, user=owner, role=AgencyRole.OWNER)
    return agency


@transaction.atomic
def rename_agency(*, agency: Agency, name: str) -> Agency:
    agency.name = _clean_name(name)
    Agency.objects.filter(pk=agency.pk).update(name=agency.name)
    return agency


def _user_by_email(email, field: str = "email"):
    user = (
        get_user_model().objects.filter(email__iexact=email.strip()).first()
        if isinstance(email, str) and email.strip()
        else None
    )
    if user is None:
        raise Invalid(errors={field: [_("No platform account uses this email.")]})
    return user


def add_member(*, agency_id: int, email: str, role: str, by) -> AgencyMembership:
    if agency_visible_to(user=by, agency_id=agency_id) is None:
        raise NotFound(_("No such agency."))
    agency = agency_managed_by(user=by, agency_id=agency_id)
    if agency is None:
        raise PermissionDenied(_("Only the agency's owners and admins add members."))
    if role not in AgencyRole.values:
        raise Invalid(errors={"role": [_("Choose owner, admin or staff.")]})
    user = _user_by_email(email)
    with transaction.atomic():
        members = AgencyMembership.objects.select_for_update().filter(agency=agency)
        current = {m.user_id: m.role for m in members}
        owners = [user_id for user_id, held in current.items() if held == AgencyRole.OWNER]
        _check_role_change(
            by_role=current.get(by.pk), role=role, previous=current.get(user.pk), owners=owners, user_id=user.pk
        )
        membership, _created = AgencyMembership.objects.update_or_create(
            agency=agency, user=user, defaults={"role": role}
        )
    return membership


def _check_role_change(*, by_role: str | None, role: str, previous: str | None, owners: list[int], user_id: int):
    """Admins add and change staff only; granting, changing or taking away owner and admin is the owners' (as a
    shop's roles are); the last owner stays an owner."""
    if by_role != AgencyRole.OWNER and (role != AgencyRole.STAFF or previous not in (None, AgencyRole.STAFF)):
        raise PermissionDenied(_("Only the agency's owners grant or change the owner and admin roles."))
    if previous == AgencyRole.OWNER and role != AgencyRole.OWNER and owners == [user_id]:
        raise Conflict(_("An agency keeps at least one owner."))


def transfer_shop(*, shop_id: int, email: str, keep_agency_access: bool, by, now=None) -> Shop:
    """Hand a shop over: the user with `email` becomes its owner and pays for it from now on.

    The previous owner (and the agency) keep access as staff when `keep_agency_access`, else lose it."""
    from billing.interface import move_billing_to_shop

    shop = Shop.objects.filter(pk=shop_id, is_demo=False).first()
    role = membership_role(user=by, shop=shop) if shop else None
    if role is None:
        raise NotFound(_("No such shop."))
    if not role_has(role, Permission.SHOP_TRANSFER):
        raise PermissionDenied(_("Only the shop's owner can transfer it."))
    new_owner = _user_by_email(email)
    if new_owner.pk == shop.owner_id:
        raise Invalid(errors={"email": [_("This user already owns the shop.")]})
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=shop.pk)
        previous_owners = ShopMembership.objects.filter(shop=shop, role=MembershipRole.OWNER).exclude(user=new_owner)
        if keep_agency_access:
            previous_owners.update(role=MembershipRole.STAFF)
            # the previous owner and the agency member handing over keep access as staff, even when they reached
            # the shop through the agency (no membership row of their own)
            for user_id in {shop.owner_id, by.pk} - {None, new_owner.pk}:
                ShopMembership.objects.get_or_create(
                    shop=shop, user_id=user_id, defaults={"role": MembershipRole.STAFF}
                )
        else:
            previous_owners.delete()
        ShopMembership.objects.update_or_create(shop=shop, user=new_owner, defaults={"role": MembershipRole.OWNER})
        shop.owner, shop.agency = new_owner, None  # agency-derived access ends with the hand-over
        shop.save(update_fields=["owner", "agency"])
        move_billing_to_shop(shop=shop, email=new_owner.email, now=now)
    forget_hosts(shop_hosts(shop))
    return shop


@dataclass
class ShopResult:
    shop: int
    ok: bool
    errors: dict | None = None

    def as_dict(self) -> dict:
        return {"shop": self.shop, "ok": self.ok, **({"errors": self.errors} if self.errors else {})}


def bulk_apply(*, agency_id: int, by, action: str, shop_ids: list, payload: dict) -> list[ShopResult]:
    """Apply one change to several client shops, each in its own schema and transaction; a per-shop result."""
    from shared_apps.tenancy.interface import run_in_shop

    if agency_visible_to(user=by, agency_id=agency_id) is None:
        raise NotFound(_("No such agency."))
    if agency_managed_by(user=by, agency_id=agency_id) is None:
        raise PermissionDenied(_("Only the agency's owners and admins run bulk actions."))
    if action not in ("theme_settings", "products"):
        raise Invalid(errors={"action": [_("Choose theme_settings or products.")]})
    if not isinstance(shop_ids, list) or not shop_ids or not all(isinstance(i, int) for i in shop_ids):
        raise Invalid(errors={"shops": [_("Give a list of client shop ids.")]})
    clients = Shop.objects.in_bulk([i for i in shop_ids], field_name="pk")
    results = []
    for shop_id in dict.fromkeys(shop_ids):
        shop = clients.get(shop_id)
        if shop is None or shop.agency_id != agency_id or shop.is_demo:
            results.append(ShopResult(shop_id, False, {"shop": [_("Not a client shop of this agency.")]}))
            continue
        try:
            run_in_shop(shop, lambda: _apply_in_shop(action, payload))
            results.append(ShopResult(shop_id, True))
        except Invalid as exc:
            results.append(ShopResult(shop_id, False, exc.errors))
    return results


def _apply_in_shop(action: str, payload: dict) -> None:
    from tenant_apps.catalog.interface import load_catalog
    from tenant_apps.storefront.interface import ThemeSettingsInvalid, apply_theme_settings

    with transaction.atomic():
        if action == "theme_settings":
            try:
                apply_theme_settings(payload.get("settings"))
            except ThemeSettingsInvalid as exc:
                raise Invalid(errors=exc.errors) from exc
            return
        products = payload.get("products")
        if not isinstance(products, list) or not products:
            raise Invalid(errors={"products": [_("Give a non-empty list of products.")]})
        if any(isinstance(product, dict) and "images" in product for product in products):
            # Image files are named by path on the server: never taken from a caller (each shop uploads its own).
            raise Invalid(errors={"products": [_("Products added in bulk take no images: upload them in each shop.")]})
        try:
            load_catalog({"products": products}, media_dir=".")
        except (KeyError, TypeError, ValueError) as exc:
            raise Invalid(errors={"products": [_("Invalid product data: %(error)s") % {"error": exc}]}) from exc
