"""砍价 entries on product cards and product pages (marketing.register_entries): one per published bargain."""

from django.utils.translation import gettext as _

from micromall.money import format_money
from tenant_apps.marketing.interface import LISTED_STATUSES, Entry

from .models import Bargain

KIND = "bargain"


def entries() -> list[Entry]:
    rows = Bargain.objects.filter(status__in=LISTED_STATUSES).values_list(
        "pk", "product_id", "status", "starts_at", "ends_at", "floor_price_amount"
    )
    return [
        Entry(KIND, pk, product_id, status, starts_at, ends_at, f"/bargains/{pk}", floor)
        for pk, product_id, status, starts_at, ends_at, floor in rows.order_by("pk")
    ]


def describe(entry: Entry) -> tuple[str, str]:
    return _("Bargain down to %(price)s") % {"price": format_money(entry.price_amount)}, _("Start a bargain")
