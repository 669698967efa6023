"""Shipping: the merchant sends all or part of a paid order, one parcel at a time.

Rule: an order stays `paid` (待发货) while any unit is left to ship; the parcel that ships the last unit moves it to
`shipped` and starts the auto-complete timer. Units refunded before shipment (after-sales "refund only", not
rejected) are not left to ship. Every parcel publishes `order.shipped` with its own lines.
"""

import re
from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid

from .. import events, states
from ..deadlines import note_deadline
from ..models import (
    AfterSale,
    AfterSaleLine,
    AfterSaleStatus,
    AfterSaleType,
    Carrier,
    Order,
    OrderStatus,
    Shipment,
    ShipmentLine,
)
from .lifecycle import locked_order, order_settings

TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9-]{4,50}$")


def shipped_quantities(order: Order) -> dict[int, int]:
    """{order_line_id: units shipped in parcels}."""
    rows = ShipmentLine.objects.filter(shipment__order=order).values("order_line_id").annotate(quantity=Sum("quantity"))
    return {row["order_line_id"]: row["quantity"] for row in rows}


def claimed_quantities(order: Order, types: tuple[str, ...]) -> dict[int, int]:
    """{order_line_id: units in after-sales requests of `types` that were not rejected}."""
    rows = (
        AfterSaleLine.objects.filter(aftersale__order=order, aftersale__type__in=types)
        .exclude(aftersale__status=AfterSaleStatus.REJECTED)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["order_line_id"]: row["quantity"] for row in rows}


def left_to_ship(order: Order) -> dict[int, int]:
    """{order_line_id: units still to ship} for every line of the order (0 when done)."""
    shipped = shipped_quantities(order)
    refunded = claimed_quantities(order, (AfterSaleType.REFUND,))
    return {
        line.pk: max(line.quantity - shipped.get(line.pk, 0) - refunded.get(line.pk, 0), 0)
        for line in order.lines.all()
    }


def refund_undecided(order: Order) -> bool:
    """A refund-only request of this order awaits the merchant's decision: its units are neither to ship nor
    refunded yet (rejected, they are to ship again), so the order is not done shipping."""
    return AfterSale.objects.filter(order=order, type=AfterSaleType.REFUND, status=AfterSaleStatus.REQUESTED).exists()


def check_parcel(*, carrier: str, tracking_number: str) -> str:
    """The carrier code must be one of ours; the tracking number 4-50 letters, digits or dashes."""
    errors = {}
    if carrier not in Carrier.values:
        errors["carrier"] = [_("Choose one of: %(carriers)s.") % {"carriers": ", ".join(Carrier.values)}]
    tracking_number = (tracking_number or "").strip()
    if not TRACKING_NUMBER.match(tracking_number):
        errors["tracking_number"] = [_("A tracking number has 4 to 50 letters, digits or dashes.")]
    if errors:
        raise Invalid(errors=errors)
    return tracking_number


def finish_shipping(order: Order) -> None:
    """paid -> shipped with the auto-complete timer (the last unit left the warehouse or was refunded)."""
    fields = states.advance(order, "ship")
    order.auto_complete_at = order.shipped_at + timedelta(days=order_settings().auto_complete_days)
    order.save(update_fields=[*fields, "auto_complete_at"])
    transaction.on_commit(lambda: note_deadline(order.auto_complete_at))


@transaction.atomic
def ship_order(
    *,
    order_id: int,
    carrier: str,
    tracking_number: str,
    lines: list[tuple[int, int]] | None = None,
    actor_user_id: int | None = None,
) -> Order:
    """Send a parcel with `lines` [(order_line_id, quantity)] (None = everything left to ship)."""
    order = locked_order(order_id)
    if not states.can(order, "ship"):
        states.advance(order, "ship")  # raises the state machine's Conflict (409 with the status)
    if order.ship_hold:
        raise Conflict(_("This order waits for its group to form; it cannot ship yet."), status=order.status)
    tracking_number = check_parcel(carrier=carrier, tracking_number=tracking_number)
    remaining = left_to_ship(order)
    if lines is None:
        wanted = {line_id: quantity for line_id, quantity in remaining.items() if quantity > 0}
        if not wanted:
            raise Conflict(_("Nothing is left to ship in this order."), status=order.status)
    else:
        wanted = _wanted_lines(lines, remaining)
    shipment = Shipment.objects.create(
        order=order, carrier=carrier, tracking_number=tracking_number, shipped_by_user_id=actor_user_id
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
        for line_id, quantity in sorted(wanted.items())
    )
    if all(remaining[line_id] == wanted.get(line_id, 0) for line_id in remaining) and not refund_undecided(order):
        finish_shipping(order)
    by_line = {line.pk: line for line in order.lines.all()}
    events.publish_order_event(
        events.SHIPPED,
        order,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        shipment_id=shipment.pk,
        fully_shipped=order.status == OrderStatus.SHIPPED,
        shipment_lines=[
            {"order_line_id": line_id, "product_id": by_line[line_id].product_id, "quantity": quantity}
            for line_id, quantity in sorted(wanted.items())
        ],
    )
    return order


def _wanted_lines(lines: list[tuple[int, int]], remaining: dict[int, int]) -> dict[int, int]:
    if not lines:
        raise Invalid(errors={"lines": [_("Choose at least one line to ship.")]})
    wanted: dict[int, int] = {}
    errors: dict[str, list[str]] = {}
    for index, (line_id, quantity) in enumerate(lines):
        if line_id not in remaining:
            errors[f"lines.{index}.order_line_id"] = [_("This line is not part of the order.")]
        elif line_id in wanted:
            errors[f"lines.{index}.order_line_id"] = [_("Each line may be listed once.")]
        elif remaining[line_id] == 0:
            errors[f"lines.{index}.quantity"] = [_("Nothing of this line is left to ship.")]
        elif not 1 <= quantity <= remaining[line_id]:
            errors[f"lines.{index}.quantity"] = [
                _("Between 1 and %(left)s units of this line are left to ship.") % {"left": remaining[line_id]}
            ]
        else:
            wanted[line_id] = quantity
    if errors:
        raise Invalid(errors=errors)
    return wanted
