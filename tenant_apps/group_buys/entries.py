"""拼团 entries on product cards and product pages (marketing.register_entries): one per published group buy and
product, at the product's lowest group price."""

from django.db.models import Min
from django.utils.translation import gettext as _

from micromall.money import format_money
from tenant_apps.marketing.interface import LISTED_STATUSES, Entry

from .models import GroupBuyItem

KIND = "group_buy"


def entries() -> list[Entry]:
    rows = (
        GroupBuyItem.objects.filter(activity__status__in=LISTED_STATUSES)
        .values_list(
            "activity_id",
            "product_id",
            "activity__status",
            "activity__starts_at",
            "activity__ends_at",
            "activity__group_size",
        )
        .annotate(price=Min("price_amount"))
        .order_by("activity_id", "product_id")
    )
    return [
        Entry(KIND, pk, product_id, status, starts_at, ends_at, f"/group-buys/{pk}", price, size)
        for pk, product_id, status, starts_at, ends_at, size, price in rows
    ]


def describe(entry: Entry) -> tuple[str, str]:
    label = _("%(size)s-person group %(price)s") % {"size": entry.group_size, "price": format_money(entry.price_amount)}
    return label, _("Open a group now")
