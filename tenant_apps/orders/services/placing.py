"""Placing an order: price through checkout's quote, reserve stock without overselling, snapshot the lines."""

from collections import OrderedDict
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid
from tenant_apps.catalog.interface import InsufficientStock, reserve_stock, sku_snapshots

from ..addresses import member_address
from ..deadlines import note_deadline
from ..models import Order, OrderLine, OrderStatus
from ..pricing import quote
from .lifecycle import order_settings

MAX_LINES = 50


def next_order_number() -> str:
    """Local date + a per-shop sequence, e.g. 20261202000123: readable, unique, and lock-free (a sequence)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('orders_order_number_seq')")
        (value,) = cursor.fetchone()
    return f"{timezone.localdate():%Y%m%d}{value:06d}"


def _merge(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The same SKU twice is one line with the quantities added."""
    merged: OrderedDict[int, int] = OrderedDict()
    for sku_id, quantity in items:
        merged[sku_id] = merged.get(sku_id, 0) + quantity
    return list(merged.items())


def _short(sku_id: int, title: str, available: int | None) -> Conflict:
    left = max(available or 0, 0)
    return Conflict(_("Not enough stock for %(title)s: %(left)s left.") % {"title": title, "left": left}, sku_id=sku_id)


def place_order(
    *,
    member,
    items: list[tuple[int, int]],
    address_id: int,
    note: str = "",
    coupon_code: str | None = None,
    points: int | None = None,
) -> Order:
    """Create a pending_payment order for `member` from `items` [(sku_id, quantity)] shipped to `address_id`.

    Prices come from quote(); stock is taken with a guarded UPDATE per SKU (in id order, so two orders never
    deadlock), as the last writes before commit so the hot rows stay locked as briefly as possible.
    Raises Invalid (bad input, unknown SKU or address), Conflict with sku_id (stock short).
    """
    errors = {}
    if coupon_code:
        errors["coupon_code"] = [_("Coupons are not available yet.")]
    if points:
        errors["points"] = [_("Paying with points is not available yet.")]
    if not items:
        errors["items"] = [_("Add at least one item.")]
    elif len(items) > MAX_LINES:
        errors["items"] = [_("At most %(n)s different items per order.") % {"n": MAX_LINES}]
    if errors:
        raise Invalid(errors=errors)
    items = _merge(items)
    address = member_address(member=member, address_id=address_id)
    if address is None:
        raise Invalid(errors={"address_id": [_("No such address in your address book.")]})

    snapshots = sku_snapshots([sku_id for sku_id, _q in items])
    for sku_id, quantity in items:
        # Fail fast without taking any lock when the stock is visibly short (the guarded UPDATE still decides).
        snap = snapshots.get(sku_id)
        if snap is not None and snap.stock < quantity:
            raise _short(sku_id, snap.title, snap.stock)

    priced = quote(items=items, member=member, address=address)
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.create(
            number=next_order_number(),
            member=member,
            status=OrderStatus.PENDING_PAYMENT,
            currency=_currency(),
            subtotal_amount=priced.subtotal_amount,
            discount_amount=priced.discount_amount,
            shipping_amount=priced.shipping_amount,
            total_amount=priced.total_amount,
            applied=_jsonable(priced.applied),
            note=note,
            address_id=address_id,
            pay_deadline=now + timedelta(minutes=order_settings().auto_cancel_minutes),
            **_address_fields(address),
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    sku_id=line.sku_id,
                    product_id=snapshots[line.sku_id].product_id,
                    title=snapshots[line.sku_id].title,
                    specs=snapshots[line.sku_id].specs,
                    sku_code=snapshots[line.sku_id].sku_code,
                    image=snapshots[line.sku_id].image,
                    quantity=line.quantity,
                    unit_price_amount=line.unit_price_amount,
                    subtotal_amount=line.subtotal_amount,
                    discount_amount=line.discount_amount,
                    total_amount=line.total_amount,
                    allocations=_jsonable(line.allocations),
                )
                for line in priced.lines
            ]
        )
        for sku_id, quantity in sorted(items):
            try:
                reserve_stock(sku_id=sku_id, quantity=quantity, note=order.number)
            except InsufficientStock as short:
                raise _short(sku_id, snapshots[sku_id].title, short.available) from None
        transaction.on_commit(lambda: note_deadline(order.pay_deadline))
    return order


def _currency() -> str:
    shop = getattr(connection, "tenant", None)
    return getattr(shop, "currency", None) or "CNY"


def _address_fields(address) -> dict:
    return {
        "ship_name": getattr(address, "name", ""),
        "ship_phone": getattr(address, "phone", ""),
        "ship_province": getattr(address, "province", ""),
        "ship_city": getattr(address, "city", ""),
        "ship_district": getattr(address, "district", ""),
        "ship_line1": getattr(address, "line1", ""),
        "ship_postal_code": getattr(address, "postal_code", "") or "",
    }


def _jsonable(value):
    """Engine results are dataclasses or dicts; store them as plain JSON."""
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value
