"""Shop staff: invite a platform account by email with a role, change it, remove it (merchant API)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound, PermissionDenied

from .models import MembershipRole, Shop, ShopMembership

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
