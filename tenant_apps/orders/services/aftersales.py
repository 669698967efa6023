"""After-sales: refund only (before shipment), return and refund, exchange; per line and quantity.

    requested --approve--> approved --(refund only: the gateway refund)--> refunded
    requested --approve--> approved --receive (stock returns)--> received --(return: refund)--> refunded
                                                                          --(exchange: ship)--> exchanged
    requested --reject--> rejected

Money is exact: a line's total (after its allocated discounts) is spread over its units by the largest remainder
(the first units carry the spare fen), and a request takes `share(claimed + n) - already claimed`, so refunding
every unit one by one sums to the line total. Gateway calls run outside the transaction; the refund row's id keys
Stripe's idempotency, and a `charge.refunded` webhook that arrives first completes the same row.
"""

import logging
from datetime import timedelta

import stripe
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict, Invalid, NotFound
from tenant_apps.catalog.interface import release_stock, reserve_stock, return_stock
from tenant_apps.events.interface import publish

from .. import events, states
from ..models import (
    AfterSale,
    AfterSaleLine,
    AfterSaleStatus,
    AfterSaleType,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    Shipment,
)
from ..payments.gateways import SUCCEEDED, gateway_for
from .lifecycle import locked_order, order_settings
from .payments import GatewayUnavailable
from .shipping import (
    check_parcel,
    claimed_quantities,
    finish_shipping,
    left_to_ship,
    refund_undecided,
    shipped_quantities,
)

log = logging.getLogger(__name__)

MONEY_TYPES = (AfterSaleType.REFUND, AfterSaleType.RETURN_REFUND)
RETURN_TYPES = (AfterSaleType.RETURN_REFUND, AfterSaleType.EXCHANGE)
DECIDED = "aftersale.decided"


def unit_shares(total_amount: int, quantity: int) -> list[int]:
    """The line total spread over its units by the largest remainder: the first units carry the spare fen."""
    base, spare = divmod(total_amount, quantity)
    return [base + 1 if unit < spare else base for unit in range(quantity)]


def refund_share(line: OrderLine, *, claimed_quantity: int, claimed_amount: int, quantity: int) -> int:
    """What `quantity` more units of `line` refund, given the units and money already claimed."""
    shares = unit_shares(line.total_amount, line.quantity)
    return max(sum(shares[: claimed_quantity + quantity]) - claimed_amount, 0)


def _claimed_money(order: Order) -> dict[int, tuple[int, int]]:
    """{order_line_id: (units, amount)} in money requests (refund, return and refund) that were not rejected."""
    rows = (
        AfterSaleLine.objects.filter(aftersale__order=order, aftersale__type__in=MONEY_TYPES)
        .exclude(aftersale__status=AfterSaleStatus.REJECTED)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"), amount=Sum("refund_amount"))
    )
    return {row["order_line_id"]: (row["quantity"], row["amount"]) for row in rows}


def _open_claims_amount(order: Order) -> int:
    """Money promised by requests not rejected and not yet refunded (already refunded money is on the order)."""
    return (
        AfterSale.objects.filter(order=order)
        .exclude(status__in=[AfterSaleStatus.REJECTED, AfterSaleStatus.REFUNDED])
        .aggregate(total=Sum("refund_amount"))["total"]
        or 0
    )


def _check_requestable(order: Order, kind: str) -> None:
    if order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED):
        raise Conflict(_("After-sales requests are for paid orders."), status=order.status)
    if order.status == OrderStatus.CLOSED:
        raise Conflict(_("This order was refunded in full."), status=order.status)
    if kind == AfterSaleType.REFUND and order.status != OrderStatus.PAID:
        raise Conflict(_("This order has been shipped: ask for a return and refund instead."), status=order.status)
    if kind in RETURN_TYPES:
        if not shipped_quantities(order):
            raise Conflict(_("Nothing has been shipped yet: ask for a refund instead."), status=order.status)
        if order.status == OrderStatus.COMPLETED:
            window = order_settings().return_window_days
            if timezone.now() > order.completed_at + timedelta(days=window):
                raise Conflict(
                    _("Returns are accepted within %(days)s days of completion.") % {"days": window},
                    status=order.status,
                )


@transaction.atomic
def request_aftersale(*, member, order_id: int, type: str, lines: list[tuple[int, int]], reason: str = "") -> AfterSale:
    """The shopper asks for a refund, a return or an exchange of some units of some lines of their order."""
    if type not in AfterSaleType.values:
        raise Invalid(errors={"type": [_("Choose one of: %(types)s.") % {"types": ", ".join(AfterSaleType.values)}]})
    if not lines:
        raise Invalid(errors={"lines": [_("Choose at least one line.")]})
    order = locked_order(order_id, member=member)
    _check_requestable(order, type)
    by_line = {line.pk: line for line in order.lines.all()}
    if type == AfterSaleType.REFUND:
        available = left_to_ship(order)
    else:
        shipped = shipped_quantities(order)
        returned = claimed_quantities(order, RETURN_TYPES)
        available = {pk: shipped.get(pk, 0) - returned.get(pk, 0) for pk in by_line}
    money = _claimed_money(order)
    wanted: list[AfterSaleLine] = []
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, (line_id, quantity) in enumerate(lines):
        if line_id not in by_line:
            errors[f"lines.{index}.order_line_id"] = [_("This line is not part of the order.")]
        elif line_id in seen:
            errors[f"lines.{index}.order_line_id"] = [_("Each line may be listed once.")]
        elif not 1 <= quantity <= available[line_id]:
            errors[f"lines.{index}.quantity"] = [
                _("At most %(left)s units of this line can be requested.") % {"left": available[line_id]}
            ]
        else:
            seen.add(line_id)
            amount = 0
            if type in MONEY_TYPES:
                units, claimed = money.get(line_id, (0, 0))
                amount = refund_share(
                    by_line[line_id], claimed_quantity=units, claimed_amount=claimed, quantity=quantity
                )
            wanted.append(AfterSaleLine(order_line=by_line[line_id], quantity=quantity, refund_amount=amount))
    if errors:
        raise Invalid(errors=errors)
    shipping = 0
    if type == AfterSaleType.REFUND and not order.shipments.exists() and not shipping_claimed(order):
        # Refunding the last units before anything shipped gives the shipping fee back too (once: a request that
        # carries it and was not rejected keeps it).
        asked = {line.order_line_id: line.quantity for line in wanted}
        if all(money.get(pk, (0, 0))[0] + asked.get(pk, 0) >= line.quantity for pk, line in by_line.items()):
            shipping = order.shipping_amount
    refund_amount = sum(line.refund_amount for line in wanted) + shipping
    if order.refunded_amount + _open_claims_amount(order) + refund_amount > order.total_amount:
        raise Conflict(_("That would refund more than was paid for this order."), status=order.status)
    aftersale = AfterSale.objects.create(
        order=order, type=type, reason=(reason or "").strip()[:200], refund_amount=refund_amount,
        shipping_refund_amount=shipping,
    )  # fmt: skip
    for line in wanted:
        line.aftersale = aftersale
    AfterSaleLine.objects.bulk_create(wanted)
    return aftersale


# --- the merchant's decisions ------------------------------------------------------------------------------------


def _locked_aftersale(aftersale_id: int) -> tuple[Order, AfterSale]:
    """Order row first, then the request: the same lock order as paying and the webhooks."""
    if not 0 < aftersale_id < 2**63:
        raise NotFound(_("After-sales request not found."))
    order_id = AfterSale.objects.filter(pk=aftersale_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("After-sales request not found."))
    order = locked_order(order_id)
    return order, AfterSale.objects.select_for_update().get(pk=aftersale_id)


def _publish_decision(order: Order, aftersale: AfterSale, decision: str) -> None:
    publish(
        DECIDED,
        {
            "aftersale_id": aftersale.pk,
            "order_id": order.pk,
            "order_number": order.number,
            "member_id": order.member_id,
            "type": aftersale.type,
            "decision": decision,
            "refund_amount": aftersale.refund_amount,
            "reason": aftersale.reject_reason if decision == "rejected" else aftersale.reason,
        },
    )


def _not_in(aftersale: AfterSale, *statuses: str) -> bool:
    return aftersale.status not in statuses


def _refusal(aftersale: AfterSale, what: str) -> Conflict:
    return Conflict(
        _("%(what)s This request is: %(status)s.") % {"what": what, "status": AfterSaleStatus(aftersale.status).label},
        status=aftersale.status,
    )


def _refund_payment(order: Order) -> Payment:
    """The payment the money goes back through: the succeeded one, else cash on delivery (not collected yet)."""
    payment = (
        Payment.objects.select_for_update().filter(order=order, status=PaymentStatus.SUCCEEDED).first()
        or Payment.objects.select_for_update().filter(order=order, method=PaymentMethod.COD).first()
    )
    if payment is None:
        raise Conflict(_("This order has no payment to refund."), status=order.status)
    return payment


def _open_refund(order: Order, aftersale: AfterSale) -> Refund | None:
    """The refund row of a money request (created once; a retry reuses it and its idempotency key)."""
    if aftersale.refund_amount == 0:
        return None
    refund = Refund.objects.filter(aftersale=aftersale).first()
    if refund is None:
        payment = _refund_payment(order)
        if payment.refunded_amount + aftersale.refund_amount > payment.amount:
            raise Conflict(_("That would refund more than was paid for this order."), status=order.status)
        refund = Refund.objects.create(aftersale=aftersale, payment=payment, amount=aftersale.refund_amount)
    return refund


def _failed_refund(aftersale: AfterSale) -> bool:
    """The gateway refused or timed out on this request's refund (a retry may go ahead); an attempt in flight
    has no failure recorded, so a concurrent approval is refused instead of joining it."""
    return Refund.objects.filter(aftersale=aftersale, status=RefundStatus.PENDING).exclude(failure_message="").exists()


def approve_aftersale(*, aftersale_id: int, shop, actor_user_id: int | None = None) -> AfterSale:
    """requested -> approved. A refund-only request is refunded at once through the gateway; a return waits for
    the goods (`receive_return`). Approving again after the gateway refused that refund retries it."""
    with transaction.atomic():
        order, aftersale = _locked_aftersale(aftersale_id)
        retry = aftersale.status == AfterSaleStatus.APPROVED and _failed_refund(aftersale)
        if aftersale.status != AfterSaleStatus.REQUESTED and not retry:
            raise _refusal(aftersale, _("Only a pending request can be approved."))
        if not retry:
            aftersale.status = AfterSaleStatus.APPROVED
            aftersale.decided_at = timezone.now()
            aftersale.decided_by_user_id = actor_user_id
            aftersale.save(update_fields=["status", "decided_at", "decided_by_user_id"])
            _publish_decision(order, aftersale, "approved")
            if aftersale.type == AfterSaleType.REFUND:
                _release_unshipped(order, aftersale)
        refund = _open_refund(order, aftersale) if aftersale.type == AfterSaleType.REFUND else None
        if aftersale.type == AfterSaleType.REFUND and refund is None:
            _finish_refunded(order, aftersale, None)
    if refund is not None:
        _send_refund(refund.pk, shop=shop)
    return AfterSale.objects.get(pk=aftersale_id)


def _release_unshipped(order: Order, aftersale: AfterSale) -> None:
    """Refunded before shipment: the reserved units never leave the warehouse, so they go back on sale."""
    note = f"{order.number} #{aftersale.pk}"
    for line in sorted(aftersale.lines.select_related("order_line"), key=lambda x: x.order_line.sku_id):
        release_stock(sku_id=line.order_line.sku_id, quantity=line.quantity, note=note)


@transaction.atomic
def reject_aftersale(*, aftersale_id: int, reason: str, actor_user_id: int | None = None) -> AfterSale:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(errors={"reason": [_("Tell the shopper why the request is rejected.")]})
    order, aftersale = _locked_aftersale(aftersale_id)
    if aftersale.status != AfterSaleStatus.REQUESTED:
        raise _refusal(aftersale, _("Only a pending request can be rejected."))
    aftersale.status = AfterSaleStatus.REJECTED
    aftersale.reject_reason = reason[:200]
    aftersale.decided_at = timezone.now()
    aftersale.decided_by_user_id = actor_user_id
    aftersale.save(update_fields=["status", "reject_reason", "decided_at", "decided_by_user_id"])
    _publish_decision(order, aftersale, "rejected")
    return aftersale


def receive_return(*, aftersale_id: int, shop, actor_user_id: int | None = None) -> AfterSale:
    """The returned goods arrived: stock goes back (ledger reason "return", who received them); a return and
    refund is then refunded through the gateway. Receiving again after the gateway refused that refund retries it.
    """
    with transaction.atomic():
        order, aftersale = _locked_aftersale(aftersale_id)
        retry = aftersale.status == AfterSaleStatus.RECEIVED and _failed_refund(aftersale)
        if aftersale.type not in RETURN_TYPES:
            raise _refusal(aftersale, _("Only returns and exchanges send goods back."))
        if aftersale.status != AfterSaleStatus.APPROVED and not retry:
            raise _refusal(aftersale, _("Only an approved return can be received."))
        if not retry:
            aftersale.status = AfterSaleStatus.RECEIVED
            aftersale.received_at = timezone.now()
            aftersale.save(update_fields=["status", "received_at"])
            note = f"{order.number} #{aftersale.pk}"
            for line in sorted(aftersale.lines.select_related("order_line"), key=lambda x: x.order_line.sku_id):
                return_stock(
                    sku_id=line.order_line.sku_id, quantity=line.quantity, actor_user_id=actor_user_id, note=note
                )
        refund = _open_refund(order, aftersale) if aftersale.type == AfterSaleType.RETURN_REFUND else None
        if aftersale.type == AfterSaleType.RETURN_REFUND and refund is None:
            _finish_refunded(order, aftersale, None)
    if refund is not None:
        _send_refund(refund.pk, shop=shop)
    return AfterSale.objects.get(pk=aftersale_id)


@transaction.atomic
def ship_exchange(
    *, aftersale_id: int, carrier: str, tracking_number: str, actor_user_id: int | None = None
) -> AfterSale:
    """Send the replacement of a received exchange: stock is taken again (ledger reason "order")."""
    tracking_number = check_parcel(carrier=carrier, tracking_number=tracking_number)
    order, aftersale = _locked_aftersale(aftersale_id)
    if aftersale.type != AfterSaleType.EXCHANGE or aftersale.status != AfterSaleStatus.RECEIVED:
        raise _refusal(aftersale, _("Only a received exchange can be shipped."))
    note = f"{order.number} #{aftersale.pk}"
    for line in sorted(aftersale.lines.select_related("order_line"), key=lambda x: x.order_line.sku_id):
        reserve_stock(sku_id=line.order_line.sku_id, quantity=line.quantity, note=note)
    aftersale.exchange_shipment = Shipment.objects.create(
        order=order, carrier=carrier, tracking_number=tracking_number, shipped_by_user_id=actor_user_id
    )
    aftersale.status = AfterSaleStatus.EXCHANGED
    aftersale.save(update_fields=["exchange_shipment", "status"])
    return aftersale


# --- refunds through the gateway --------------------------------------------------------------------------------


def _send_refund(refund_id: int, *, shop) -> None:
    """Ask the gateway (outside any transaction: no row stays locked while Stripe answers), then record it."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status == RefundStatus.SUCCEEDED:
        return
    if refund.failure_message:  # sent again: in flight, Stripe's charge.refunded may now account for it
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(failure_message="")
    gateway = gateway_for(refund.payment.method)
    try:
        result = gateway.refund(payment=refund.payment, refund=refund, shop=shop)
    except stripe.StripeError as exc:
        log.warning("refund %s in %s failed: %s", refund.pk, connection.schema_name, exc)
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(failure_message=str(exc)[:300])
        raise GatewayUnavailable(_("The payment service did not take the refund; please try again.")) from None
    if result.status != SUCCEEDED:
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
            failure_message=(result.failure_message or "failed")[:300]
        )
        raise GatewayUnavailable(_("The payment service did not take the refund; please try again."))
    with transaction.atomic():
        order = locked_order(refund.payment.order_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if result.stripe_refund_id and not refund.stripe_refund_id:
            refund.stripe_refund_id = result.stripe_refund_id
            refund.save(update_fields=["stripe_refund_id"])
        complete_refund(order, refund)


def complete_refund(order: Order, refund: Refund) -> bool:
    """Record a refund the gateway took (order and refund rows locked by the caller); False when already done.
    Called after our own gateway call and by the `charge.refunded` webhook, whichever comes first."""
    if refund.status == RefundStatus.SUCCEEDED:
        return False
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    if order.refunded_amount + refund.amount > order.total_amount or (
        payment.refunded_amount + refund.amount > payment.amount
    ):
        raise Conflict(_("That would refund more than was paid for this order."), status=order.status)
    refund.status = RefundStatus.SUCCEEDED
    refund.succeeded_at = timezone.now()
    refund.save(update_fields=["status", "succeeded_at"])
    payment.refunded_amount += refund.amount
    payment.needs_refund = payment.needs_refund and payment.refunded_amount < payment.amount  # a late payment, done
    payment.save(update_fields=["refunded_amount", "needs_refund"])
    order.refunded_amount += refund.amount
    order.save(update_fields=["refunded_amount"])
    _finish_refunded(order, AfterSale.objects.select_for_update().get(pk=refund.aftersale_id), refund)
    return True


def _finish_refunded(order: Order, aftersale: AfterSale, refund: Refund | None) -> None:
    aftersale.status = AfterSaleStatus.REFUNDED
    aftersale.refunded_at = timezone.now()
    aftersale.save(update_fields=["status", "refunded_at"])
    refunded_units = dict(
        AfterSaleLine.objects.filter(aftersale__order=order, aftersale__status=AfterSaleStatus.REFUNDED)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
        .values_list("order_line_id", "quantity")
    )
    lines = list(order.lines.all())
    if all(refunded_units.get(line.pk, 0) >= line.quantity for line in lines) and states.can(order, "close"):
        order.save(update_fields=states.advance(order, "close"))
    elif (
        order.status == OrderStatus.PAID
        and order.shipments.exists()
        and not any(left_to_ship(order).values())
        and not refund_undecided(order)
    ):
        finish_shipping(order)  # the refunded units were the only ones left to ship
    by_line = {line.pk: line for line in lines}
    events.publish_order_event(
        events.LATE_PAYMENT_REFUNDED if order.status == OrderStatus.CANCELLED else events.REFUNDED,
        order,
        gateway=refund.payment.method if refund else order.payment_method,
        payment_id=refund.payment_id if refund else None,
        refund_id=refund.pk if refund else None,
        aftersale_id=aftersale.pk,
        aftersale_type=aftersale.type,
        refund_amount=refund.amount if refund else 0,
        refunded_amount=order.refunded_amount,
        shipping_refund_amount=aftersale.shipping_refund_amount,
        refunded_lines=[
            {
                "order_line_id": line.order_line_id,
                "sku_id": by_line[line.order_line_id].sku_id,
                "product_id": by_line[line.order_line_id].product_id,
                "quantity": line.quantity,
                "refund_amount": line.refund_amount,
            }
            for line in aftersale.lines.all()
        ],
    )


def shipping_claimed(order: Order) -> bool:
    """An after-sale of this order that was not rejected already gives the shipping fee back."""
    return (
        AfterSale.objects.filter(order=order, shipping_refund_amount__gt=0)
        .exclude(status=AfterSaleStatus.REJECTED)
        .exists()
    )


def reconcile_stripe_refunds(order: Order, payment: Payment, refunded_total: int) -> None:
    """`charge.refunded` (order and payment rows locked): complete our pending refund rows that Stripe's running
    total now covers, oldest first; whatever is left over was refunded outside Micromall (the dashboard).

    Rows in flight come first, then rows whose last send Stripe refused (failure_message): Stripe holds no refund
    of a refused row, so the total covers it only when someone refunded it outside (the dashboard fallback); taken
    first, it would be completed with another row's money, which never went back for it."""
    pending = Refund.objects.select_for_update().filter(payment=payment, status=RefundStatus.PENDING)
    for refund in [*pending.filter(failure_message=""), *pending.exclude(failure_message="")]:
        payment.refresh_from_db(fields=["refunded_amount"])
        if payment.refunded_amount + refund.amount <= refunded_total:
            complete_refund(order, refund)
    payment.refresh_from_db(fields=["refunded_amount"])
