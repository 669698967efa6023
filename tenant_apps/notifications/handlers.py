"""Order-event subscribers (registered from NotificationsConfig.ready()): the orders code never calls them.

order.paid, order.shipped (each parcel) and aftersale.decided (approved / rejected) mail the shopper (when their
login is an e-mail address) and the shop's staff; order.refund_refused mails the staff only. Idempotent by event id
(services.send_notice).
"""

from tenant_apps.events.interface import Event, subscriber
from tenant_apps.orders.interface import carrier_label

from . import selectors, services
from .models import NoticeKind


def _notify(event: Event, kind: str, context: dict, *, shopper_too: bool = True) -> None:
    payload = event.payload
    context = {**payload, **context, "shop_name": selectors.shop_name()}
    number = str(payload.get("order_number") or "")
    shopper = selectors.shopper_email(payload.get("member_id")) if shopper_too else None
    if shopper:
        services.send_notice(
            event_id=event.id, kind=kind, audience="shopper", recipients=[shopper], context=context,
            order_number=number,
        )  # fmt: skip
    services.send_notice(
        event_id=event.id, kind=kind, audience="staff", recipients=selectors.staff_emails(), context=context,
        order_number=number,
    )  # fmt: skip


def yuan(amount) -> str:
    major, minor = divmod(int(amount or 0), 100)
    return f"¥{major:,}.{minor:02d}"


@subscriber("order.paid", handler="notifications.order_paid")
def order_paid(event: Event) -> None:
    cod = event.payload.get("payment_status") == "due_on_delivery"
    _notify(event, NoticeKind.ORDER_PAID, {"total": yuan(event.payload.get("total_amount")), "cod": cod})


@subscriber("order.shipped", handler="notifications.order_shipped")
def order_shipped(event: Event) -> None:
    _notify(event, NoticeKind.ORDER_SHIPPED, {"carrier_label": carrier_label(event.payload.get("carrier", ""))})


@subscriber("aftersale.decided", handler="notifications.aftersale_decided")
def aftersale_decided(event: Event) -> None:
    approved = event.payload.get("decision") == "approved"
    _notify(
        event,
        NoticeKind.AFTERSALE_DECIDED,
        {"approved": approved, "refund": yuan(event.payload.get("refund_amount"))},
    )


@subscriber("order.refund_refused", handler="notifications.refund_refused")
def refund_refused(event: Event) -> None:
    """Money owed back to a shopper that the payment service keeps refusing: the staff should look (the shopper
    is not told of an internal retry)."""
    _notify(event, NoticeKind.REFUND_REFUSED, {"due": yuan(event.payload.get("refund_due_amount"))}, shopper_too=False)
