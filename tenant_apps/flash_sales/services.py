"""Flash-sale writers: create a session, change its status, take and give back flash stock and quotas.

Every function is one transaction (or runs inside the caller's: `take_for_order` in the order's). The limits
are enforced by the database under concurrency: a guarded UPDATE on the item row (remaining >= n) and an
upsert of the member's quota row that only applies while the new total stays within the limit.
"""

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound
from tenant_apps.catalog.interface import MAX_PRICE_AMOUNT, skus_for_sale
from tenant_apps.marketing.interface import ActivityStatus, change_activity_status, check_window, effective_status
from tenant_apps.orders.interface import LateOrder

from .models import (
    DEFAULT_PAY_MINUTES,
    MAX_PAY_MINUTES,
    FlashSale,
    FlashSaleItem,
    FlashSaleParticipation,
    FlashSaleQuota,
    ParticipationStatus,
)

log = logging.getLogger(__name__)
MAX_ITEMS = 50
MAX_LIMIT = 9999
OPEN_STATUSES = (ActivityStatus.DRAFT, ActivityStatus.SCHEDULED, ActivityStatus.RUNNING, ActivityStatus.PAUSED)
# A session in one of these (effective) states may still sell: refunded units go back to its flash stock.
SELLING_STATUSES = (ActivityStatus.SCHEDULED, ActivityStatus.RUNNING, ActivityStatus.PAUSED)
# One writer of flash-sale sessions per shop at a time, so two overlapping sessions of a SKU cannot both pass
# the overlap check (transaction-level advisory lock; the key is per schema because search_path is).
_CREATE_LOCK = 0x7F1A5_5A1E


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_items(items, starts_at: datetime, ends_at: datetime, exclude_sale_id: int | None = None) -> list[dict]:
    """The items checked against the catalog and the other sessions; Invalid with `items.<i>.<field>`."""
    if not isinstance(items, (list, tuple)) or not items:
        raise Invalid(errors={"items": [_("Add at least one item.")]})
    if len(items) > MAX_ITEMS:
        raise Invalid(errors={"items": [_("At most %(count)d items per session.") % {"count": MAX_ITEMS}]})
    errors: dict[str, list[str]] = {}
    sku_ids = [item.get("sku_id") for item in items if isinstance(item, dict)]
    skus = skus_for_sale(pk for pk in sku_ids if _whole(pk) and 0 < pk < 2**63)
    overlapping = set(
        FlashSaleItem.objects.filter(
            sku_id__in=list(skus),
            sale__status__in=OPEN_STATUSES,
            sale__starts_at__lt=ends_at,
            sale__ends_at__gt=starts_at,
        )
        .exclude(sale_id=exclude_sale_id)
        .values_list("sku_id", flat=True)
    )
    seen: set[int] = set()
    clean = []
    for index, item in enumerate(items):
        key = f"items.{index}"
        if not isinstance(item, dict):
            errors[key] = [_("Give sku_id, price_amount, stock and per_member_limit.")]
            continue
        sku_id, price, stock = item.get("sku_id"), item.get("price_amount"), item.get("stock")
        member_limit = item.get("per_member_limit")
        order_limit = item.get("per_order_limit", member_limit)
        sku = skus.get(sku_id) if _whole(sku_id) else None
        if sku is None:
            errors[f"{key}.sku_id"] = [_("No such SKU in this shop.")]
        elif sku_id in seen:
            errors[f"{key}.sku_id"] = [_("This SKU is listed twice.")]
        elif sku_id in overlapping:
            errors[f"{key}.sku_id"] = [_("This SKU is already in another session at that time.")]
        seen.add(sku_id if _whole(sku_id) else -1)
        if not _whole(price) or not 1 <= price <= MAX_PRICE_AMOUNT:
            errors[f"{key}.price_amount"] = [_("Give a price of at least 0.01.")]
        elif sku is not None and price > sku.price_amount:
            errors[f"{key}.price_amount"] = [
                _("The flash price cannot be above the normal price (%(price)s).") % {"price": _yuan(sku.price_amount)}
            ]
        if not _whole(stock) or stock < 1:
            errors[f"{key}.stock"] = [_("The flash stock must be a whole number of at least 1.")]
        elif sku is not None and stock > sku.stock:
            errors[f"{key}.stock"] = [
                _("The flash stock cannot be above the SKU's stock (%(stock)d).") % {"stock": sku.stock}
            ]
        if not _whole(member_limit) or not 1 <= member_limit <= MAX_LIMIT:
            errors[f"{key}.per_member_limit"] = [_("The limit per member must be at least 1.")]
        if not _whole(order_limit) or not 1 <= order_limit <= MAX_LIMIT:
            errors[f"{key}.per_order_limit"] = [_("The limit per order must be at least 1.")]
        elif _whole(member_limit) and order_limit > member_limit:
            errors[f"{key}.per_order_limit"] = [_("The limit per order cannot be above the limit per member.")]
        if sku is not None:
            clean.append(
                {
                    "sku_id": sku_id,
                    "product_id": sku.product_id,
                    "title": sku.title[:200],
                    "specs": sku.specs,
                    "image": sku.image or "",
                    "normal_price_amount": sku.price_amount,
                    "price_amount": price,
                    "stock": stock,
                    "remaining": stock,
                    "per_member_limit": member_limit,
                    "per_order_limit": order_limit,
                    "position": index,
                }
            )
    if errors:
        raise Invalid(errors=errors)
    return clean


def _yuan(amount: int) -> str:
    from micromall.money import format_money

    return format_money(amount)


@transaction.atomic
def create_flash_sale(
    *,
    title: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    items: Sequence[dict],
    pay_within_minutes: int = DEFAULT_PAY_MINUTES,
    publish: bool = False,
) -> FlashSale:
    """A session with its items (draft, or published at once). Bad input -> Invalid with field messages."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title or len(title) > 100:
        errors["title"] = [_("Give a title of at most 100 characters.")]
    if not _whole(pay_within_minutes) or not 1 <= pay_within_minutes <= MAX_PAY_MINUTES:
        errors["pay_within_minutes"] = [_("Between 1 and %(max)d minutes.") % {"max": MAX_PAY_MINUTES}]
    try:
        check_window(starts_at, ends_at)
    except Invalid as window:
        errors.update(window.errors)
    if errors.keys() & {"starts_at", "ends_at"}:
        raise Invalid(errors=errors)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CREATE_LOCK])
    try:
        clean = _check_items(items, starts_at, ends_at)
    except Invalid as bad:
        errors.update(bad.errors)
    if errors:
        raise Invalid(errors=errors)
    sale = FlashSale.objects.create(
        title=title, starts_at=starts_at, ends_at=ends_at, pay_within_minutes=pay_within_minutes
    )
    FlashSaleItem.objects.bulk_create(FlashSaleItem(sale=sale, **values) for values in clean)
    if publish:
        sale = change_activity_status(FlashSale, activity_id=sale.pk, action="publish")
    return sale


def change_status(*, sale_id: int, action: str, now: datetime | None = None) -> FlashSale:
    """publish, pause, resume, end or invalidate a session (409 when not allowed now, 404 when unknown)."""
    if not _whole(sale_id) or not FlashSale.objects.filter(pk=sale_id).exists():
        raise NotFound(_("No such flash sale."))
    if action == "publish":
        # Publishing re-checks the overlap: a draft does not hold its SKUs' time slots.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CREATE_LOCK])
            sale = FlashSale.objects.get(pk=sale_id)
            taken = set(
                FlashSaleItem.objects.filter(
                    sku_id__in=sale.items.values("sku_id"),
                    sale__status__in=OPEN_STATUSES[1:],
                    sale__starts_at__lt=sale.ends_at,
                    sale__ends_at__gt=sale.starts_at,
                )
                .exclude(sale_id=sale_id)
                .values_list("sku_id", flat=True)
            )
            if taken:
                raise Conflict(
                    _("A SKU of this session is already in another published session at that time."),
                    sku_id=min(taken),
                )
            return change_activity_status(FlashSale, activity_id=sale_id, action=action, now=now)
    return change_activity_status(FlashSale, activity_id=sale_id, action=action, now=now)


# --- taking part: inside the order's transaction ---------------------------------------------------------------

_TAKE_QUOTA = """
INSERT INTO flash_sales_flashsalequota (item_id, member_id, bought) VALUES (%s, %s, %s)
ON CONFLICT (item_id, member_id) DO UPDATE SET bought = flash_sales_flashsalequota.bought + EXCLUDED.bought
WHERE flash_sales_flashsalequota.bought + EXCLUDED.bought <= %s
RETURNING bought
"""


def _take(item: FlashSaleItem, member_id: int, quantity: int) -> None:
    """Take `quantity` of the item's flash stock (guarded UPDATE) and of the member's quota (guarded upsert);
    Conflict (reason sold_out / per_member_limit) when either is short. In the caller's transaction."""
    taken = FlashSaleItem.objects.filter(pk=item.pk, remaining__gte=quantity).update(
        remaining=F("remaining") - quantity
    )
    if not taken:
        raise Conflict(
            _("“%(title)s” is sold out in this flash sale.") % {"title": item.title},
            sku_id=item.sku_id,
            reason="sold_out",
        )
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_QUOTA, [item.pk, member_id, quantity, item.per_member_limit])
        within = cursor.fetchone()
    if within is None:
        raise Conflict(
            _("You can buy at most %(limit)d of “%(title)s” in this flash sale.")
            % {"limit": item.per_member_limit, "title": item.title},
            sku_id=item.sku_id,
            reason="per_member_limit",
        )


def _give_back(item_id: int, member_id: int, quantity: int, *, stock: bool = True) -> None:
    """Return `quantity` of the member's quota and (with stock) of the item's flash stock."""
    if stock:
        FlashSaleItem.objects.filter(pk=item_id).update(remaining=F("remaining") + quantity)
    FlashSaleQuota.objects.filter(item_id=item_id, member_id=member_id).update(bought=F("bought") - quantity)


def take_for_order(
    *,
    sale: FlashSale,
    member_id: int,
    order_id: int,
    order_number: str,
    lines: Sequence[tuple[FlashSaleItem, int, int]],
) -> None:
    """Take flash stock and the member's quota for each (item, quantity, unit price) of a placed order, and
    record the participation. Runs inside the order's transaction: a Conflict rolls the whole order back."""
    if not connection.in_atomic_block:
        raise RuntimeError("take_for_order runs inside the order's transaction")
    for item, quantity, _price in sorted(lines, key=lambda line: line[0].pk):
        if quantity > item.per_order_limit:
            raise Conflict(
                _("At most %(limit)d per order of “%(title)s” in this flash sale.")
                % {"limit": item.per_order_limit, "title": item.title},
                sku_id=item.sku_id,
                reason="per_order_limit",
            )
        _take(item, member_id, quantity)
    FlashSaleParticipation.objects.bulk_create(
        FlashSaleParticipation(
            sale=sale,
            item=item,
            order_id=order_id,
            order_number=order_number,
            member_id=member_id,
            sku_id=item.sku_id,
            quantity=quantity,
            price_amount=unit_price,
            snapshot={
                "title": sale.title,
                "starts_at": sale.starts_at.isoformat(),
                "ends_at": sale.ends_at.isoformat(),
                "pay_within_minutes": sale.pay_within_minutes,
                "price_amount": item.price_amount,
                "normal_price_amount": item.normal_price_amount,
                "per_member_limit": item.per_member_limit,
                "per_order_limit": item.per_order_limit,
            },
        )
        for item, quantity, unit_price in lines
    )


# --- order events -------------------------------------------------------------------------------------------


@transaction.atomic
def release_order(*, order_id: int) -> int:
    """The order was cancelled unpaid (shopper, timer or merchant): its flash stock and quota come back.
    Idempotent (a participation is released once). Returns the units released."""
    released = list(
        FlashSaleParticipation.objects.select_for_update()
        .filter(order_id=order_id, status=ParticipationStatus.PLACED)
        .order_by("item_id")
    )
    for part in released:
        _give_back(part.item_id, part.member_id, part.quantity)
    if released:
        FlashSaleParticipation.objects.filter(pk__in=[part.pk for part in released]).update(
            status=ParticipationStatus.RELEASED
        )
        forget_sold_out_items({(part.sale_id, part.sku_id) for part in released})
    return sum(part.quantity for part in released)


@transaction.atomic
def mark_paid(*, order_id: int) -> int:
    """The order was paid: its participations count as sold for good (stats). Idempotent."""
    return FlashSaleParticipation.objects.filter(order_id=order_id, status=ParticipationStatus.PLACED).update(
        status=ParticipationStatus.PAID
    )


def retake_for_late_payment(order: LateOrder) -> None:
    """Orders' late-payment hook (orders.interface.register_late_payment_hook): the payment came after the unpaid
    window released the order's flash stock and quota. In orders' transaction, under the participation rows'
    locks: while the session was not invalidated they are taken again with the same guarded statements as
    checkout and the participations count as paid; Conflict (the order is refunded in full) when anything is
    short, or when the participations were not released (settled already)."""
    parts = list(
        FlashSaleParticipation.objects.select_for_update()
        .filter(order_id=order.order_id)
        .select_related("sale", "item")
        .order_by("item_id")
    )
    if not parts or any(part.status != ParticipationStatus.RELEASED for part in parts):
        raise Conflict(_("This flash-sale order cannot be kept."), reason="not_released")
    if parts[0].sale.status == ActivityStatus.INVALIDATED:
        raise Conflict(_("This flash sale was invalidated."), reason="invalidated")
    for part in parts:
        _take(part.item, part.member_id, part.quantity)
    FlashSaleParticipation.objects.filter(pk__in=[part.pk for part in parts]).update(status=ParticipationStatus.PAID)


@transaction.atomic
def mark_late_refunded(*, order_id: int) -> int:
    """order.late_payment_refunded: the payment that came after the window went back; the order's released
    participations (their stock and quota were given back at the cancellation) end `refunded`. Idempotent."""
    return FlashSaleParticipation.objects.filter(
        order_id=order_id, status__in=[ParticipationStatus.RELEASED, ParticipationStatus.REFUNDING]
    ).update(status=ParticipationStatus.REFUNDED)


@transaction.atomic
def return_refunded_units(*, order_id: int, refunded_lines: Sequence[Mapping], in_full: bool = False) -> int:
    """order.refunded of a paid flash-sale order: each refunded unit gives back its member quota (the member no
    longer holds it) and, while the session is not over (scheduled, running or paused), its flash stock (it was
    not sold after all; once the session ended there is nothing left to sell). A participation whose every unit
    was refunded becomes `refunded`. A refund in full without lines (made on the gateway's side) returns every unit
    not yet returned. Exactly once per event (the events app's Delivery rows); returns the units."""
    wanted: dict[int, int] = {}
    for line in refunded_lines or ():
        if isinstance(line, Mapping) and _whole(line.get("sku_id")) and _whole(line.get("quantity")):
            wanted[line["sku_id"]] = wanted.get(line["sku_id"], 0) + line["quantity"]
    if not wanted and in_full:
        wanted = dict(
            FlashSaleParticipation.objects.filter(order_id=order_id, status=ParticipationStatus.PAID).values_list(
                "sku_id", "quantity"
            )
        )
    if not wanted:
        return 0
    parts = list(
        FlashSaleParticipation.objects.select_for_update()
        .filter(order_id=order_id, status=ParticipationStatus.PAID, sku_id__in=list(wanted))
        .select_related("sale")
        .order_by("item_id")
    )
    now = timezone.now()
    given = 0
    for part in parts:
        units = min(wanted[part.sku_id], part.quantity - part.returned)
        if units <= 0:
            continue
        sale = part.sale
        on = effective_status(sale.status, sale.starts_at, sale.ends_at, now) in SELLING_STATUSES
        _give_back(part.item_id, part.member_id, units, stock=on)
        part.returned += units
        part.status = ParticipationStatus.REFUNDED if part.returned >= part.quantity else part.status
        part.save(update_fields=["returned", "status"])
        given += units
        if on:
            forget_sold_out_items({(part.sale_id, part.sku_id)})
    return given


def forget_sold_out_items(items) -> None:
    from .extension import forget_sold_out

    forget_sold_out(items)
