"""Who hears about an order: the shopper (when their login is an e-mail address) and the shop's staff."""

from shared_apps.tenancy.interface import current_shop, shop_staff_emails
from tenant_apps.members.interface import Member

# Staff who run orders hear about them; finance reads the money screens instead.
STAFF_ROLES = ("owner", "admin", "staff")


def shopper_email(member_id: int | None) -> str | None:
    if not member_id:
        return None
    return Member.objects.filter(pk=member_id).values_list("email", flat=True).first() or None


def staff_emails() -> list[str]:
    shop = current_shop()
    return [email for email in shop_staff_emails(shop, STAFF_ROLES) if email] if shop else []


def shop_name() -> str:
    shop = current_shop()
    return shop.name if shop else ""
