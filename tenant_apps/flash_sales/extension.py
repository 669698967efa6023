"""The flash sale's checkout extension: prices activity lines at the flash price (engine step 1), shortens the
unpaid window, refuses coupons and points, and takes flash stock and quotas inside the order's transaction.

Most buyers of a flash sale are refused. They are refused early, before the order's transaction: by a read of
the item's `remaining` and of the member's quota row, and for a second after this process saw an item sell out
without any query at all (the database is still the judge: on_place takes stock with a guarded UPDATE).
"""

import time

from django.db import connection
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid
from tenant_apps.checkout.interface import Contribution
from tenant_apps.marketing.interface import is_live

from . import selectors, services

SOLD_OUT_MEMO_SECONDS = 1.0
# {(schema, sale id, sku id): (when this process saw the item sell out, its title)}
_sold_out: dict[tuple[str, int, int], tuple[float, str]] = {}


def _seen_sold_out(sale_id: int, sku_id: int) -> str | None:
    """The item's title when this process saw it sell out less than a second ago, else None."""
    seen = _sold_out.get((connection.schema_name, sale_id, sku_id))
    return seen[1] if seen is not None and time.monotonic() - seen[0] < SOLD_OUT_MEMO_SECONDS else None


def remember_sold_out(item) -> None:
    _sold_out[(connection.schema_name, item.sale_id, item.sku_id)] = (time.monotonic(), item.title)


def forget_sold_out(items) -> None:
    """Flash stock came back in this process (a released order): stop refusing those items at once."""
    for sale_id, sku_id in items:
        _sold_out.pop((connection.schema_name, sale_id, sku_id), None)


def sold_out_conflict(title: str, sku_id: int) -> Conflict:
    return Conflict(
        _("“%(title)s” is sold out in this flash sale.") % {"title": title}, sku_id=sku_id, reason="sold_out"
    )


class FlashSaleExtension:
    name = "flash_sales"

    def screen(self, *, activity, items):
        """Before anything is read: an item this process saw sell out a moment ago is refused at once."""
        if activity is None or activity.type != "flash_sale":
            return
        for sku_id, _quantity in items:
            title = _seen_sold_out(activity.id, sku_id)
            if title is not None:
                raise sold_out_conflict(title, sku_id)

    def contribute(self, request):
        activity = request.activity
        if activity is None or activity.type != "flash_sale":
            return None
        errors = {}
        if request.coupon_code:
            errors["coupon_code"] = [_("Flash-sale orders take no coupons.")]
        if request.points:
            errors["points"] = [_("Flash-sale orders cannot be paid with points.")]
        if errors:
            raise Invalid(errors=errors)
        sale, items = selectors.sale_for_order(sale_id=activity.id, sku_ids=[sku_id for sku_id, _q in request.items])
        if sale is None:
            raise Invalid(errors={"activity.id": [_("No such flash sale.")]})
        if not is_live(sale.status, sale.starts_at, sale.ends_at, request.now):
            raise Conflict(_("This flash sale is not on now."), reason="not_running")
        for index, (sku_id, quantity) in enumerate(request.items):
            item = items.get(sku_id)
            if item is None:
                errors[f"items.{index}.sku_id"] = [_("This item is not in the flash sale.")]
                continue
            if quantity > item.per_order_limit:
                raise Conflict(
                    _("At most %(limit)d per order of “%(title)s” in this flash sale.")
                    % {"limit": item.per_order_limit, "title": item.title},
                    sku_id=sku_id,
                    reason="per_order_limit",
                )
            if item.remaining < quantity:
                if item.remaining < 1:
                    remember_sold_out(item)
                raise sold_out_conflict(item.title, sku_id)
        if errors:
            raise Invalid(errors=errors)
        if request.member_id is not None:
            held = selectors.quota_held(member_id=request.member_id, item_ids=[item.pk for item in items.values()])
            for sku_id, quantity in request.items:
                item = items[sku_id]
                if held.get(item.pk, 0) + quantity > item.per_member_limit:
                    raise Conflict(
                        _("You can buy at most %(limit)d of “%(title)s” in this flash sale.")
                        % {"limit": item.per_member_limit, "title": item.title},
                        sku_id=sku_id,
                        reason="per_member_limit",
                    )
        return Contribution(
            activity_prices={sku_id: items[sku_id].price_amount for sku_id, _q in request.items},
            handles=frozenset({"activity"}),
            pay_within_minutes=sale.pay_within_minutes,
            data={"sale": sale, "items": items},
        )

    def on_place(self, *, order, quote, request, contribution):
        items = contribution.data["items"]
        lines = [
            (items[line.sku_id], line.quantity, line.unit_price_amount)
            for line in order.lines
            if not line.is_gift and line.sku_id in items
        ]
        try:
            services.take_for_order(
                sale=contribution.data["sale"],
                member_id=order.member_id,
                order_id=order.order_id,
                order_number=order.number,
                lines=lines,
            )
        except Conflict as refused:
            if refused.extra.get("reason") == "sold_out":
                remember_sold_out(items[refused.extra["sku_id"]])
            raise
