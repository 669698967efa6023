"""Moving orders through their states: cancel (stock returns), complete, close, and the shop's timers."""

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Invalid, NotFound
from micromall.snapshots import ShopSnapshot
from tenant_apps.catalog.interface import release_stock

from .. import events, states
from ..deadlines import note_deadline
from ..models import MAX_CANCEL_MINUTES, MAX_COMPLETE_DAYS, MAX_RETURN_WINDOW_DAYS, Order, OrderSettings, OrderStatus

CANCEL_REASONS = ("shopper", "timeout", "merchant")
TIMER_BATCH = 200


def _settings_row() -> OrderSettings:
    return OrderSettings.objects.filter(pk=1).first() or OrderSettings(pk=1)


# Read by every order placement: one cache entry per shop, fetched with the shop's other snapshots, dropped when
# update_order_settings commits.
SETTINGS = ShopSnapshot("orders:settings", _settings_row)


def order_settings() -> OrderSettings:
    """The shop's order settings (read-only; an unsaved row with the defaults until the merchant changes one)."""
    return SETTINGS.get()


@transaction.atomic
def update_order_settings(
    *,
    auto_cancel_minutes: int | None = None,
    auto_complete_days: int | None = None,
    return_window_days: int | None = None,
):
    row = OrderSettings.objects.select_for_update().filter(pk=1).first() or OrderSettings(pk=1)
    errors = {}
    if auto_cancel_minutes is not None:
        if not 1 <= auto_cancel_minutes <= MAX_CANCEL_MINUTES:
            errors["auto_cancel_minutes"] = [_("Between 1 minute and 7 days.")]
        row.auto_cancel_minutes = auto_cancel_minutes
    if auto_complete_days is not None:
        if not 1 <= auto_complete_days <= MAX_COMPLETE_DAYS:
            errors["auto_complete_days"] = [_("Between 1 and 60 days.")]
        row.auto_complete_days = auto_complete_days
    if return_window_days is not None:
        if not 0 <= return_window_days <= MAX_RETURN_WINDOW_DAYS:
            errors["return_window_days"] = [_("Between 0 and 90 days.")]
        row.return_window_days = return_window_days
    if errors:
        raise Invalid(errors=errors)
    row.save()
    SETTINGS.changed(timezone.now())
    return row


def locked_order(order_id: int, *, member=None) -> Order:
    """The order row locked for this transaction (only `member`'s when given); NotFound otherwise."""
    if not 0 < order_id < 2**63:
        raise NotFound(_("Order not found."))
    orders = Order.objects.select_for_update(of=("self",))
    if member is not None:
        orders = orders.filter(member=member)
    order = orders.filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Order not found."))
    return order


@transaction.atomic
def cancel_order(*, order_id: int, member=None, reason: str = "shopper") -> Order:
    """pending_payment -> cancelled; every reserved unit goes back to stock (ledger reason "cancel")."""
    order = locked_order(order_id, member=member)
    fields = states.advance(order, "cancel")
    order.cancel_reason = reason if reason in CANCEL_REASONS else "shopper"
    order.save(update_fields=[*fields, "cancel_reason"])
    lines = sorted(order.lines.all(), key=lambda line: line.sku_id)
    for line in lines:
        release_stock(sku_id=line.sku_id, quantity=line.quantity, note=order.number)
    from .placing import forget_sold_out  # placing imports this module

    forget_sold_out([line.sku_id for line in lines])  # early is harmless: the next buyer just takes the full path
    events.publish_order_event(events.CANCELLED, order, reason=order.cancel_reason)
    return order


def _complete(order: Order) -> Order:
    from .payments import collect_cash_on_delivery

    fields = states.advance(order, "complete")
    order.save(update_fields=fields)
    collect_cash_on_delivery(order)
    events.publish_order_event(events.COMPLETED, order)
    return order


@transaction.atomic
def confirm_receipt(*, order_id: int, member) -> Order:
    """The shopper confirms the parcel arrived: shipped -> completed."""
    return _complete(locked_order(order_id, member=member))


@transaction.atomic
def complete_order(*, order_id: int) -> Order:
    return _complete(locked_order(order_id))


@transaction.atomic
def close_order(*, order_id: int) -> Order:
    """Everything paid was refunded: paid/shipped/completed -> closed (after-sales calls this)."""
    order = locked_order(order_id)
    order.save(update_fields=states.advance(order, "close"))
    return order


def _due_one(order_id: int, action: str, now) -> bool:
    """Run one timer in its own transaction, re-checking under the row lock (the shopper may have acted)."""
    with transaction.atomic():
        order = locked_order(order_id)
        if action == "cancel":
            if order.status != OrderStatus.PENDING_PAYMENT or order.pay_deadline > now:
                return False
            cancel_order(order_id=order_id, reason="timeout")
        else:
            if order.status != OrderStatus.SHIPPED or order.auto_complete_at > now:
                return False
            _complete(order)
    return True


def run_due_timers(*, now=None) -> dict[str, int]:
    """Cancel unpaid orders past their deadline and complete shipped ones past theirs, in this shop; then
    index the shop's next deadline. Idempotent: safe to run twice or concurrently."""
    now = now or timezone.now()
    done = {"cancelled": 0, "completed": 0}
    unpaid = Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, pay_deadline__lte=now)
    shipped = Order.objects.filter(status=OrderStatus.SHIPPED, auto_complete_at__lte=now)
    for queryset, action, key in ((unpaid, "cancel", "cancelled"), (shipped, "complete", "completed")):
        while True:
            ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:TIMER_BATCH])
            ran = [order_id for order_id in ids if _due_one(order_id, action, now)]
            done[key] += len(ran)
            if len(ids) < TIMER_BATCH or not ran:
                break
    upcoming = [
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT).aggregate(at=Min("pay_deadline"))["at"],
        Order.objects.filter(status=OrderStatus.SHIPPED).aggregate(at=Min("auto_complete_at"))["at"],
    ]
    upcoming = [at for at in upcoming if at is not None]
    if upcoming:
        note_deadline(min(upcoming))
    return done
