"""秒杀 entries on product cards and product pages (marketing.register_entries): one per published session and
product, at the product's lowest flash price; the product page counts down to the session's end."""

from django.db.models import Min
from django.utils.translation import gettext as _

from micromall.money import format_money
from tenant_apps.marketing.interface import LISTED_STATUSES, Entry

from .models import FlashSaleItem

KIND = "flash_sale"


def entries() -> list[Entry]:
    rows = (
        FlashSaleItem.objects.filter(sale__status__in=LISTED_STATUSES)
        .values_list("sale_id", "product_id", "sale__status", "sale__starts_at", "sale__ends_at")
        .annotate(price=Min("price_amount"))
        .order_by("sale_id", "product_id")
    )
    return [
        Entry(KIND, pk, product_id, status, starts_at, ends_at, "/flash-sales", price)
        for pk, product_id, status, starts_at, ends_at, price in rows
    ]


def describe(entry: Entry) -> tuple[str, str]:
    return _("Flash sale %(price)s") % {"price": format_money(entry.price_amount)}, _("Grab it now")
